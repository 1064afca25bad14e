// Run by process-start.ts in a fresh process: loads as-echo, answers one call, prints its rss.
// It starts as an application embedding nd should (and nd's CLI does): with Node's compile
// cache on before nd is imported, so a start after the first parses none of nd's code again.
import { enableCompileCache } from "node:module";

enableCompileCache();
const { mkdtempSync, rmSync, symlinkSync } = await import("node:fs");
const { tmpdir } = await import("node:os");
const { join } = await import("node:path");
const { PluginManager } = await import("@nd/runtime");
const { AS_ECHO_FOLDER } = await import("./plugin-folders.js");

const folder = mkdtempSync(join(tmpdir(), "nd-first-answer-"));
symlinkSync(AS_ECHO_FOLDER, join(folder, "as-echo"));
const manager = new PluginManager({ folder, logger: { debug() {}, info() {}, warn() {}, error() {} } });
await manager.start();
await manager.call("as-echo", "MetadataAgent", "GetArtistBiography", { name: "first" });
console.log(process.memoryUsage().rss);
await manager.close();
rmSync(folder, { recursive: true });
