import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The echo twins: the same plugin from AssemblyScript and from Go. */
export type EchoExample = "as-echo" | "go-echo";

const exampleFolder = (example: EchoExample) =>
  dirname(createRequire(import.meta.url).resolve(`@nd/example-${example}/package.json`));

export const AS_ECHO_FOLDER = exampleFolder("as-echo");

/** A plugins folder holding one echo example, linked as `nd plugin dev` links. */
export function echoFolder(example: EchoExample = "as-echo"): string {
  const root = mkdtempSync(join(tmpdir(), "nd-bench-"));
  symlinkSync(exampleFolder(example), join(root, example));
  return root;
}

/** A plugins folder with `count` copies of as-echo named echo-0, echo-1, ... */
export function echoCopiesFolder(count: number): { folder: string; names: string[] } {
  const folder = mkdtempSync(join(tmpdir(), "nd-bench-"));
  const manifest = JSON.parse(readFileSync(join(AS_ECHO_FOLDER, "manifest.json"), "utf8")) as Record<string, unknown>;
  const names = Array.from({ length: count }, (_, i) => `echo-${i}`);
  for (const name of names) {
    const plugin = join(folder, name);
    mkdirSync(plugin);
    writeFileSync(join(plugin, "manifest.json"), JSON.stringify({ ...manifest, name }));
    copyFileSync(join(AS_ECHO_FOLDER, "plugin.wasm"), join(plugin, "plugin.wasm"));
  }
  return { folder, names };
}
