// Emits the type declarations with tsc instead of a bundler: bundled declarations
// lose the message interfaces inside the `api`, `http`... namespaces (a type and a
// value share each message's name). CommonJS consumers get the same files in a
// folder marked "type": "commonjs".
import { execFileSync } from "node:child_process";
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(packageDir, "..", "..", "node_modules", ".bin", "tsc");
const esmTypes = join(packageDir, "dist", "types");
const cjsTypes = join(packageDir, "dist", "types-cjs");

rmSync(esmTypes, { recursive: true, force: true });
rmSync(cjsTypes, { recursive: true, force: true });
execFileSync(tsc, ["-p", "tsconfig.build.json"], { cwd: packageDir, stdio: "inherit" });
cpSync(esmTypes, cjsTypes, { recursive: true });
writeFileSync(join(cjsTypes, "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
