// Regenerates everything derived from proto/: the TypeScript message types
// (ts-proto, through buf), the copy of the .proto files this package ships, the SDKs'
// generated code, and generation 2's types and SDK from proto/gen2/*.schema.json.
// Run from packages/protocol: `pnpm codegen`.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const protoDir = join(packageDir, "..", "..", "proto");
const buf = join(packageDir, "node_modules", ".bin", "buf");

rmSync(join(packageDir, "src", "gen"), { recursive: true, force: true });
execFileSync(buf, ["generate", protoDir, "--template", "buf.gen.yaml"], {
  cwd: packageDir,
  stdio: "inherit",
});

rmSync(join(packageDir, "proto"), { recursive: true, force: true });
cpSync(protoDir, join(packageDir, "proto"), {
  recursive: true,
  filter: (source) => !source.endsWith("buf.yaml"),
});
(await import("../codegen/go.mjs")).generateGo(packageDir, protoDir);
(await import("../codegen/assemblyscript.mjs")).generateAssemblyScript(packageDir, protoDir);
(await import("./gen2/index.mjs")).generateGen2(packageDir, protoDir);
