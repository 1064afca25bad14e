import {
  PluginBusyError,
  PluginLimitError,
  PluginManager,
  PluginTimeoutError,
  type PluginError,
  type PluginManagerOptions,
} from "@nd/runtime";
import { pluginsFolder, watPlugin } from "@nd/testing";
import { afterEach, describe, expect, test } from "vitest";
import { ANSWER_LENGTH, COMMAND, countdownBiography, ECHO_BIOGRAPHY, memoryLogger } from "./support/wat-plugins.js";

const managers: PluginManager[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
});

async function startManager(plugins: Record<string, Uint8Array>, options: Partial<PluginManagerOptions> = {}) {
  const { logger, lines } = memoryLogger();
  const folder = pluginsFolder(Object.entries(plugins).map(([name, wasm]) => ({ name, wasm })));
  const manager = new PluginManager({ folder, workers: 1, logger, ...options });
  managers.push(manager);
  await manager.start();
  expect(manager.list().map((plugin) => plugin.error?.message ?? plugin.state)).toEqual(Object.keys(plugins).map(() => "loaded"));
  return { manager, lines };
}

/** Calls GetArtistBiography with `id` and answers the biography. */
async function biography(manager: PluginManager, plugin: string, id: string): Promise<string> {
  return ((await manager.call(plugin, "MetadataAgent", "GetArtistBiography", { id })) as { biography: string }).biography;
}

const EIGHT_TABLES = Array.from({ length: 8 }, (_, i) => `(table $t${i} 0 externref)`).join("\n");
const eachTable = (instruction: (table: string) => string) => Array.from({ length: 8 }, (_, i) => instruction(`$t${i}`)).join("\n");

describe("tables", () => {
  test("a plugin growing eight externref tables gets no more entries than maxTableElements, all tables together", async () => {
    const bomb = watPlugin(`
      ${EIGHT_TABLES}
      ${ANSWER_LENGTH}
      (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
        (local $total i32)
        (block $refused
          (loop $grow
            ${eachTable((t) => `(br_if $refused (i32.eq (table.grow ${t} (ref.null extern) (i32.const 1)) (i32.const -1)))`)}
            (br $grow)))
        ${eachTable((t) => `(local.set $total (i32.add (local.get $total) (table.size ${t})))`)}
        (call $answerLength (local.get $total)))`);
    const { manager } = await startManager({ bomb }, { maxTableElements: 1000 });
    expect((await biography(manager, "bomb", "")).length).toBe(1000);
  });

  test("a table bomb that ignores the refusals runs into its deadline, and the host goes on", async () => {
    const bomb = watPlugin(`
      ${EIGHT_TABLES}
      (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
        (loop $forever
          ${eachTable((t) => `(drop (table.grow ${t} (ref.null extern) (i32.const 10000)))`)}
          (br $forever))
        (i64.const 0))`);
    const { manager } = await startManager({ bomb, echo: watPlugin(ECHO_BIOGRAPHY) }, { callTimeoutMs: 1000 });
    await expect(biography(manager, "bomb", "")).rejects.toBeInstanceOf(PluginTimeoutError);
    expect(await biography(manager, "echo", "still here")).toBe("still here");
  });

  test("a module whose tables start larger than the cap does not load, and says why", async () => {
    const folder = pluginsFolder([{ name: "wide", wasm: watPlugin(`(table 300000 funcref)`) }]);
    const manager = new PluginManager({ folder, workers: 1, logger: memoryLogger().logger });
    managers.push(manager);
    await manager.start();
    expect(manager.list()[0]?.error?.message).toContain(
      "the module's tables ask for 300000 initial elements, above the cap of 262144 elements",
    );
  });
});

describe("tables of idle instances", () => {
  test("twenty-four plugins with tables at the largest cap take turns on one worker without exhausting its heap", async () => {
    const full = watPlugin(`
      (table $t 0 externref)
      (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
        (if (i32.eqz (table.size $t)) (then (drop (table.grow $t (ref.null extern) (i32.const 1048576)))))
        (call $pack (local.get $ptr) (local.get $len)))`);
    const plugins = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`full-${i}`, full]));
    const { manager } = await startManager(plugins, { maxTableElements: 1_048_576 });
    const answers = [];
    for (const round of ["one", "two"]) {
      for (const name of Object.keys(plugins)) answers.push(await biography(manager, name, round));
    }
    expect(answers).toEqual([...Array(24).fill("one"), ...Array(24).fill("two")]);
  });

  test("maxTableElements is at most 1 048 576", () => {
    expect(() => new PluginManager({ folder: ".", maxTableElements: 1_048_577 })).toThrow(
      "PluginManager option maxTableElements must be at most 1048576, got 1048577",
    );
  });
});

describe("answers", () => {
  const MIB = 1024 * 1024;
  // Each call counts itself in a global, so a fresh instance answers 1.
  const answering = watPlugin(
    `
    (global $calls (mut i32) (i32.const 0))
    ${ANSWER_LENGTH}
    (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (if (i32.eq ${COMMAND} (i32.const 0x62)) ;; "b": a 48 MiB answer
        (then (return (call $pack (i32.const 65536) (i32.const ${48 * MIB})))))
      (if (i32.eq ${COMMAND} (i32.const 0x65)) ;; "e": a 48 MiB error string
        (then (return (call $pack (i32.const 65536) (i32.or (i32.const ${48 * MIB}) (i32.const 0x80000000))))))
      (call $answerLength (global.get $calls)))`,
    { memoryPages: 48 * 16 + 2 },
  );

  test("a 48 MiB answer is refused with PluginLimitError and the instance that gave it is thrown away", async () => {
    const { manager } = await startManager({ answering });
    expect(await biography(manager, "answering", "x")).toBe("x");
    const refused = biography(manager, "answering", "b");
    await expect(refused).rejects.toBeInstanceOf(PluginLimitError);
    await expect(refused).rejects.toThrow(`its answer of ${48 * MIB} bytes is larger than the limit of ${4 * MIB} bytes (maxResultBytes)`);
    expect(await biography(manager, "answering", "x")).toBe("x");
  });

  test("the limit is an option, and holds for error strings too", async () => {
    const { manager } = await startManager({ answering }, { maxResultBytes: 64 * MIB });
    await expect(biography(manager, "answering", "b")).resolves.toBe("");
    const { manager: strict } = await startManager({ answering }, { maxResultBytes: 1000 });
    await expect(biography(strict, "answering", "e")).rejects.toBeInstanceOf(PluginLimitError);
  });
});

describe("what an answer decodes to", () => {
  const MIB = 1024 * 1024;
  // GetSimilarArtists answers 4 MiB of empty artists (`0a 00` each): about two million objects were it decoded.
  const emptyArtists = watPlugin(
    `
    (func (export "metadata_agent_get_similar_artists") (param i32) (param i32) (result i64)
      (local $at i32)
      (local.set $at (i32.const 65536))
      (loop $fill
        (i32.store (local.get $at) (i32.const 0x000a000a))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br_if $fill (i32.lt_u (local.get $at) (i32.const ${65536 + 4 * MIB}))))
      (call $pack (i32.const 65536) (i32.const ${4 * MIB})))`,
    { memoryPages: 72 },
  );
  const similar = (manager: PluginManager, plugin: string) => manager.call(plugin, "MetadataAgent", "GetSimilarArtists", {});

  test("eight answers of 4 MiB of empty entries are refused, naming the field and the limit, while another plugin answers", async () => {
    const { manager } = await startManager({ emptyArtists, echo: watPlugin(ECHO_BIOGRAPHY) }, { workers: 2 });
    const outcomes: string[] = [];
    const flood = Array.from({ length: 8 }, () =>
      similar(manager, "emptyArtists").then(
        () => outcomes.push("answered"),
        (error: PluginError) => outcomes.push(`${error.kind}: ${error.message}`),
      ),
    );
    expect(await biography(manager, "echo", "meanwhile")).toBe("meanwhile");
    await Promise.all(flood);
    expect(outcomes).toEqual(
      Array(8).fill(
        'PluginLimitError: MetadataAgent.GetSimilarArtists was refused: its answer has more than 10000 entries in "artists", the limit of maxResultEntries',
      ),
    );
  });

  test("the bounds are options: within them the same answer decodes", async () => {
    const { manager } = await startManager({ emptyArtists }, { maxResultEntries: 2 * MIB, maxResultMessages: 2 * MIB + 1 });
    expect(((await similar(manager, "emptyArtists")) as { artists: unknown[] }).artists).toHaveLength(2 * MIB);
    const { manager: strict } = await startManager({ emptyArtists }, { maxResultEntries: 2 * MIB, maxResultMessages: 1000 });
    await expect(similar(strict, "emptyArtists")).rejects.toThrow(
      'its answer has more than 1000 messages in all (the last one in "artists"), the limit of maxResultMessages',
    );
  });
});

describe("host call requests", () => {
  // GetArtistBiography passes 64 KiB of its memory to env.get_string, whatever it holds.
  const asker = watPlugin(
    `
    (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
      (drop (call $get (i32.const 0) (i32.const 65536)))
      (call $pack (local.get $ptr) (local.get $len)))`,
    { imports: `(import "env" "get_string" (func $get (param i32 i32) (result i64)))` },
  );

  test("a request larger than maxHostCallRequestBytes is refused before it is read", async () => {
    const folder = pluginsFolder([{ name: "asker", wasm: asker, permissions: { cache: {} } }]);
    const manager = new PluginManager({ folder, workers: 1, logger: memoryLogger().logger, maxHostCallRequestBytes: 1024 });
    managers.push(manager);
    await manager.start();
    expect(manager.list().map((plugin) => plugin.error?.message ?? plugin.state)).toEqual(["loaded"]);
    const refused = biography(manager, "asker", "x");
    await expect(refused).rejects.toBeInstanceOf(PluginLimitError);
    await expect(refused).rejects.toThrow(
      "its request of 65536 bytes to env.get_string is larger than the limit of 1024 bytes (maxHostCallRequestBytes)",
    );
  });
});

describe("log lines", () => {
  const MIB = 1024 * 1024;
  const writer = watPlugin(
    `
    (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
      (local $i i32)
      (if (i32.eq ${COMMAND} (i32.const 0x6c)) ;; "l": one 48 MiB line
        (then
          (memory.fill (i32.const 65536) (i32.const 0x61) (i32.const ${48 * MIB}))
          (i32.store (i32.const 2048) (i32.const 65536))
          (i32.store (i32.const 2052) (i32.const ${48 * MIB}))))
      (if (i32.eq ${COMMAND} (i32.const 0x6d)) ;; "m": 3000 lines "z"
        (then
          (loop $line
            (i32.store16 (i32.add (i32.const 65536) (i32.shl (local.get $i) (i32.const 1))) (i32.const 0x0a7a))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $line (i32.lt_u (local.get $i) (i32.const 3000))))
          (i32.store (i32.const 2048) (i32.const 65536))
          (i32.store (i32.const 2052) (i32.const 6000))))
      (drop (call $fd_write (i32.const 1) (i32.const 2048) (i32.const 1) (i32.const 2056)))
      (i64.const 0))`,
    {
      imports: `(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))`,
      memoryPages: 48 * 16 + 2,
    },
  );

  test("a 48 MiB line reaches the logger cut at 8 KiB, with a marker saying how much was cut", async () => {
    const { manager, lines } = await startManager({ writer });
    await biography(manager, "writer", "l");
    const logged = lines.filter((line) => line.startsWith("info: [writer]"));
    expect(logged).toEqual([`info: [writer] ${"a".repeat(8192)} [… ${48 * MIB - 8192} bytes cut: lines are at most 8192 bytes]`]);
  });

  test("a call logs at most 1000 lines per stream, then one line counting the rest", async () => {
    const { manager, lines } = await startManager({ writer });
    await biography(manager, "writer", "m");
    const logged = lines.filter((line) => line.startsWith("info: [writer]"));
    expect(logged).toEqual([
      ...Array.from({ length: 1000 }, () => "info: [writer] z"),
      "info: [writer] [2000 more lines cut: at most 1000 per call]",
    ]);
  });
});

describe("trace lines", () => {
  test("AssemblyScript trace() lines count against the same 1000 lines per call", async () => {
    const tracer = watPlugin(
      `
      (data (i32.const 1024) "\\04\\00\\00\\00h\\00i\\00") ;; the AssemblyScript string "hi"
      (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
        (local $i i32)
        (loop $line
          (call $trace (i32.const 1028) (i32.const 0) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $line (i32.lt_u (local.get $i) (i32.const 1500))))
        (i64.const 0))`,
      {
        imports: `(import "env" "trace" (func $trace (param i32 i32 f64 f64 f64 f64 f64)))`,
        heapStart: 2048,
      },
    );
    const { manager, lines } = await startManager({ tracer });
    await biography(manager, "tracer", "");
    expect(lines.filter((line) => line.startsWith("info: [tracer]"))).toEqual([
      ...Array.from({ length: 1000 }, () => "info: [tracer] hi"),
      "info: [tracer] [500 more lines cut: at most 1000 per call]",
    ]);
  });
});

describe("the call queue", () => {
  const slow = watPlugin(countdownBiography(50_000_000));

  test("a call past maxQueuedCallsPerPlugin fails at once with PluginBusyError; the queued ones run", async () => {
    const { manager } = await startManager({ slow }, { maxInstancesPerPlugin: 1, maxQueuedCallsPerPlugin: 2 });
    const settled: string[] = [];
    const calls = [1, 2, 3, 4].map((n) =>
      biography(manager, "slow", "").then(
        () => settled.push(`${n} answered`),
        (error: Error) => settled.push(`${n} ${error.name}`),
      ),
    );
    await Promise.all(calls);
    expect(settled).toEqual(["4 PluginBusyError", "1 answered", "2 answered", "3 answered"]);
  });
});

describe("idle instances", () => {
  const grower = watPlugin(`
    (global $calls (mut i32) (i32.const 0))
    ${ANSWER_LENGTH}
    (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (if (i32.eq ${COMMAND} (i32.const 0x67)) ;; "g": grow the memory by 8 MiB
        (then (drop (memory.grow (i32.const 128)))))
      (call $answerLength (global.get $calls)))`);

  test("an instance whose memory grew past maxIdleMemoryBytes is not kept for the next call", async () => {
    const { manager } = await startManager({ grower }, { maxIdleMemoryBytes: 4 * 1024 * 1024 });
    const answers = [];
    for (const id of ["x", "x", "g", "x"]) answers.push((await biography(manager, "grower", id)).length);
    expect(answers).toEqual([1, 2, 3, 1]);
  });
});
