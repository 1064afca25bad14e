import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "@nd/manifest";
import { NdpError, readNdp, writeNdp } from "@nd/ndp";
import { PROPERTY_TIMEOUT_MS, runs } from "./support/runs.js";
import { validManifest } from "./support/valid-manifest.js";

const echoFolder = dirname(createRequire(import.meta.url).resolve("@nd/example-as-echo/package.json"));

async function readsOrNdpError(bytes: Uint8Array): Promise<void> {
  try {
    await readNdp(bytes);
  } catch (error) {
    if (!(error instanceof NdpError)) throw new Error(`readNdp threw ${String(error)} instead of an NdpError`, { cause: error });
    expect(error.kind).toMatch(/^[a-z-]+$/);
  }
}

let valid: Uint8Array;

beforeAll(async () => {
  valid = await writeNdp({
    manifest: validManifest("echo") as unknown as Manifest,
    wasm: readFileSync(join(echoFolder, "plugin.wasm")),
    readme: "# echo\n",
    license: "MIT\n",
  });
});

describe("readNdp", () => {
  it("reads the valid package it starts from", async () => {
    expect((await readNdp(valid)).manifest.name).toBe("echo");
  });

  it("throws only NdpError on arbitrary bytes", async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), readsOrNdpError), { numRuns: runs(500) });
  }, PROPERTY_TIMEOUT_MS);

  it("throws only NdpError on arbitrary bytes behind a zip signature", async () => {
    const signature = fc.constantFrom([0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06], [0x50, 0x4b, 0x01, 0x02]);
    await fc.assert(
      fc.asyncProperty(signature, fc.uint8Array({ maxLength: 512 }), (head, tail) =>
        readsOrNdpError(Uint8Array.from([...head, ...tail])),
      ),
      { numRuns: runs(300) },
    );
  }, PROPERTY_TIMEOUT_MS);

  it("throws only NdpError on a valid package with bytes changed, cut or appended", async () => {
    const byteChange = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });
    const mutation = fc.oneof(
      fc.array(byteChange, { minLength: 1, maxLength: 8 }).map((changes) => (bytes: Uint8Array) => {
        const copy = Uint8Array.from(bytes);
        for (const { at, value } of changes) copy[at % copy.length] = value;
        return copy;
      }),
      // Changes near the end hit the central directory and end-of-central-directory record.
      fc.array(byteChange, { minLength: 1, maxLength: 4 }).map((changes) => (bytes: Uint8Array) => {
        const copy = Uint8Array.from(bytes);
        for (const { at, value } of changes) copy[copy.length - 1 - (at % 200)] = value;
        return copy;
      }),
      fc.nat().map((at) => (bytes: Uint8Array) => bytes.slice(0, at % bytes.length)),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) => (bytes: Uint8Array) => Uint8Array.from([...bytes, ...extra])),
    );
    await fc.assert(fc.asyncProperty(mutation, (mutate) => readsOrNdpError(mutate(valid))), { numRuns: runs(500) });
  }, PROPERTY_TIMEOUT_MS);
});
