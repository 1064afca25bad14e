// Compiles a generation-2 AssemblyScript plugin the way its asconfig.json would, with
// "@nd/protocol" resolved to this package as a plugin's node_modules would.
import asc from "assemblyscript/asc";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The flags every generation-2 plugin needs: Navidrome provides no env.abort. */
export const GEN2_FLAGS = [
  "--exportStart", "_initialize",
  "--runtime", "incremental",
  "--use", "abort=~lib/@nd/protocol/assembly/gen2/abort/abortCall",
];

export class Gen2Compiler {
  private readonly workDir = mkdtempSync(join(tmpdir(), "nd-gen2-sdk-test-"));

  /** A scratch folder for entry files, removed by dispose(). */
  get folder(): string {
    return this.workDir;
  }

  constructor() {
    mkdirSync(join(this.workDir, "packages", "@nd"), { recursive: true });
    symlinkSync(packageDir, join(this.workDir, "packages", "@nd", "protocol"), "dir");
  }

  async compile(entryFile: string, flags: readonly string[] = GEN2_FLAGS): Promise<WebAssembly.Module> {
    const wasmFile = join(this.workDir, basename(entryFile).replace(/\.ts$/, ".wasm"));
    const output: string[] = [];
    const { error } = await asc.main(
      [entryFile, "--path", join(this.workDir, "packages"), "--outFile", wasmFile, ...flags],
      { stdout: { write: (s: string) => output.push(s) }, stderr: { write: (s: string) => output.push(s) } } as never,
    );
    if (error) throw new Error(`asc failed: ${error.message}\n${output.join("")}`);
    return new WebAssembly.Module(readFileSync(wasmFile));
  }

  dispose(): void {
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** asc flags from an asconfig.json's options (entries and outFile excluded). */
export function flagsOf(asconfigFile: string): string[] {
  const { options } = JSON.parse(readFileSync(asconfigFile, "utf8")) as { options: Record<string, unknown> };
  return Object.entries(options)
    .filter(([name]) => name !== "outFile")
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).flatMap((v) => [`--${name}`, String(v)]));
}
