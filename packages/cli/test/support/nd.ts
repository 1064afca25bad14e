import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "@nd/cli";
import { writeNdp } from "@nd/ndp";
import { afterEach } from "vitest";
import { stringField1, watBytes, watPlugin, type WatPluginSpec } from "./wat.js";

export interface NdResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A logger that drops everything. */
export const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Runs `nd` in-process with captured output; of the environment only `XDG_DATA_HOME` is kept unless given. */
export async function nd(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: AsyncIterable<string> } = {},
): Promise<NdResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdin: options.stdin ?? (async function* () {})(),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    // The per-user data folder stays the test's temporary one (see isolated-data-home.ts).
    env: { XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? "", ...options.env },
    cwd: options.cwd ?? process.cwd(),
    waitForStop: () => new Promise(() => {}),
  });
  return { code, stdout, stderr };
}

const workspaces: string[] = [];

afterEach(async () => {
  await Promise.all(workspaces.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A temporary folder removed after the test. */
export function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "nd-cli-test-"));
  workspaces.push(dir);
  return dir;
}

export interface PluginSpec extends WatPluginSpec {
  readonly name: string;
  readonly version?: string;
  readonly capabilities?: string[];
  readonly permissions?: Record<string, unknown>;
}

export function manifestOf(spec: PluginSpec) {
  return {
    name: spec.name,
    author: "nd tests",
    version: spec.version ?? "1.0.0",
    description: `test plugin ${spec.name}`,
    capabilities: spec.capabilities ?? ["MetadataAgent"],
    permissions: spec.permissions ?? {},
  };
}

/** A MetadataAgent whose GetArtistBiography answers `biography`. */
export function biographyPlugin(name: string, biography: string, version = "1.0.0"): PluginSpec {
  return { name, version, answers: { metadata_agent_get_artist_biography: stringField1(biography) } };
}

/** A MetadataAgent whose GetArtistBiography prints `line` on its stdout (WASI) and answers an empty biography. */
export function printingPlugin(name: string, line: string, permissions: Record<string, unknown> = {}): PluginSpec {
  const text = new TextEncoder().encode(`${line}\n`);
  return {
    name,
    permissions,
    imports: `(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))`,
    body: `(data (i32.const 1024) "${watBytes(text)}")
      (func (export "metadata_agent_get_artist_biography") (param i32 i32) (result i64)
        (i32.store (i32.const 3072) (i32.const 1024))
        (i32.store (i32.const 3076) (i32.const ${text.length}))
        (drop (call $fd_write (i32.const 1) (i32.const 3072) (i32.const 1) (i32.const 3080)))
        (call $pack (i32.const 0) (i32.const 0)))`,
  };
}

/** Writes a real .ndp package of the plugin and returns its path. */
export async function packageFile(dir: string, spec: PluginSpec): Promise<string> {
  const file = join(dir, `${spec.name}-${spec.version ?? "1.0.0"}.ndp`);
  await writeNdp({ manifest: manifestOf(spec) as never, wasm: watPlugin(spec), readme: `# ${spec.name}\n` }, file);
  return file;
}

/** Writes a plugin folder (manifest.json + plugin.wasm) and returns its path. */
export function pluginFolder(dir: string, spec: PluginSpec): string {
  const folder = join(dir, spec.name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "manifest.json"), JSON.stringify(manifestOf(spec), null, 2));
  writeFileSync(join(folder, "plugin.wasm"), watPlugin(spec));
  return folder;
}
