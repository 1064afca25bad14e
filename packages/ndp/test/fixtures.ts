import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest } from "@nd/manifest";
import { afterEach, expect } from "vitest";
import { NdpError } from "../src/index.js";

/** The smallest valid WebAssembly module: magic and version, no sections. */
export const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** A module with one exported function `answer() -> i32` returning 42. */
export const ANSWER_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03,
  0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, 0x0a,
  0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
]);

export const MANIFEST: Manifest = {
  name: "test-plugin",
  author: "Tests",
  version: "1.0.0",
  description: "A plugin used by the @nd/ndp tests",
  capabilities: ["MetadataAgent"],
  permissions: { http: { reason: "fetch biographies" } },
};

export const MANIFEST_TEXT = `${JSON.stringify(MANIFEST, null, 2)}\n`;

const scratchFolders: string[] = [];

/** A fresh folder removed after the test. */
export async function scratch(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "nd-ndp-test-"));
  scratchFolders.push(folder);
  return folder;
}

afterEach(async () => {
  await Promise.all(scratchFolders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** Every path under `folder`, relative, sorted: to prove what was (not) written. */
export async function tree(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true });
  return entries.sort();
}

/** The NdpError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function refusal(promise: Promise<unknown>): Promise<NdpError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(NdpError);
  return error as NdpError;
}
