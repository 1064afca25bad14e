import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = join(packageDir, "test", ".declarations");
const tsc = join(packageDir, "..", "..", "node_modules", ".bin", "tsc");

// What a consumer writes: message types through the namespaces, from ESM and from CommonJS.
const consumer = `
import type { api, http } from "@nd/protocol";
import { cache } from "@nd/protocol";
export const request: http.HttpRequest = { url: "https://x", headers: {}, timeoutMs: 0, body: new Uint8Array() };
export const track: api.TrackInfo["artists"] = [{ name: "Nina", mbid: "" }];
export const bytes: Uint8Array = cache.SetIntRequest.encode({ key: "k", value: 1n, ttlSeconds: 0n }).finish();
`;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test.each([["esm.mts"], ["cjs.cts"]])("the published declarations type messages through the namespaces (%s)", async (file) => {
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, file), consumer);
  const args = ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node"];
  const result = await run(tsc, [...args, join(scratch, file)], { cwd: packageDir }).catch((error) => error);
  expect(result.stdout ?? "").toBe("");
});
