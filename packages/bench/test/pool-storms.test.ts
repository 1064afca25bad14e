import { rmSync } from "node:fs";
import { type PluginError, PluginManager, PluginTimeoutError } from "@nd/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolationFolder } from "../src/isolation-plugins.js";
import { slowUpstream, type SlowUpstream } from "../src/slow-upstream.js";

const CPU_SLOTS = 2;
const FETCHERS = Array.from({ length: 8 }, (_, i) => `fetcher-${i}`);

let folder: string;
let manager: PluginManager;
let slow: SlowUpstream;
let hung: SlowUpstream;

beforeAll(async () => {
  folder = await isolationFolder({ ...Object.fromEntries(FETCHERS.map((name) => [name, "fetcher"])), loop: "runaway", echo: "echo" });
  [slow, hung] = await Promise.all([slowUpstream(50), slowUpstream(Infinity)]);
  manager = new PluginManager({ folder, workers: CPU_SLOTS, callTimeoutMs: 2000, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  await manager.start();
});

afterAll(async () => {
  await manager?.close();
  await Promise.all([slow?.close(), hung?.close()]);
  rmSync(folder, { recursive: true, force: true });
});

const biography = (plugin: string, id: string) =>
  manager.call(plugin, "MetadataAgent", "GetArtistBiography", { id }) as Promise<{ biography: string }>;

/** Settles every call, keeping its answer or its error. */
const settle = <T>(calls: Promise<T>[]) => Promise.all(calls.map((call) => call.then((value) => ({ value }), (error: PluginError) => ({ error }))));

/** An answer, or (on a loaded machine) a deadline hit: a timing matter, not a fault; anything else fails. */
function answerOrTimeout(outcome: { value?: { biography: string }; error?: PluginError }): string {
  if (outcome.error) return outcome.error instanceof PluginTimeoutError ? "timeout" : `${outcome.error.kind}: ${outcome.error.message}`;
  return outcome.value!.biography;
}

/** Nothing running, waiting or queued; every thread alive is idle; at least one (the others start on demand). */
async function expectBaseline(): Promise<void> {
  await expect.poll(() => manager.poolStats(), { timeout: 10_000 }).toMatchObject({ busy: 0, inHostCalls: 0, queued: 0 });
  const allIdle = () => {
    const { threads, idle } = manager.poolStats();
    return idle === threads && threads >= 1;
  };
  await expect.poll(allIdle, { timeout: 10_000 }).toBe(true);
}

describe("poolStats returns to its baseline after every storm", () => {
  it("64 calls of 8 plugins waiting on a slow upstream", async () => {
    const urls = FETCHERS.flatMap((name) => Array.from({ length: 8 }, (_, i) => ({ name, url: `${slow.origin}/${name}/${i}` })));
    const outcomes = await settle(urls.map(({ name, url }) => biography(name, url)));
    outcomes.forEach((outcome, i) => expect([urls[i]!.url, "timeout"]).toContain(answerOrTimeout(outcome)));
    await expectBaseline();
  });

  it("16 calls stuck on a hung upstream until their deadline", async () => {
    const outcomes = await settle(FETCHERS.flatMap((name) => [1, 2].map((i) => biography(name, `${hung.origin}/${name}/${i}`))));
    expect(outcomes.every((outcome) => "error" in outcome && outcome.error instanceof PluginTimeoutError)).toBe(true);
    await expect.poll(() => hung.counts).toEqual({ arrived: 16, dropped: 16 });
    await expectBaseline();
  });

  it("8 runaway loops with 8 quick calls of another plugin", async () => {
    const loops = settle(Array.from({ length: 8 }, () => biography("loop", "")));
    const quick = await settle(Array.from({ length: 8 }, (_, i) => biography("echo", `quick-${i}`)));
    quick.forEach((outcome, i) => expect([`quick-${i}`, "timeout"]).toContain(answerOrTimeout(outcome)));
    expect((await loops).every((outcome) => "error" in outcome && outcome.error instanceof PluginTimeoutError)).toBe(true);
    await expectBaseline();
  });

  it("all of them at once", async () => {
    const outcomes = await settle([
      ...FETCHERS.map((name) => biography(name, `${slow.origin}/${name}/mixed`)),
      ...FETCHERS.map((name) => biography(name, `${hung.origin}/${name}/mixed`)),
      ...Array.from({ length: 4 }, () => biography("loop", "")),
      ...Array.from({ length: 16 }, (_, i) => biography("echo", `mixed-${i}`)),
    ]);
    const [answered, stuck] = [[...outcomes.slice(0, 8), ...outcomes.slice(20)], outcomes.slice(8, 20)];
    expect(answered.map(answerOrTimeout).filter((answer) => answer !== "timeout" && !answer.includes("mixed"))).toEqual([]);
    expect(stuck.map(answerOrTimeout)).toEqual(Array(12).fill("timeout"));
    await expectBaseline();
  });
});
