// Run by process-start.ts in a fresh process: loads as-echo, answers one call, prints its rss.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PluginManager } from "@nd/runtime";
import { AS_ECHO_FOLDER } from "./plugin-folders.js";

const folder = mkdtempSync(join(tmpdir(), "nd-first-answer-"));
symlinkSync(AS_ECHO_FOLDER, join(folder, "as-echo"));
const manager = new PluginManager({ folder, logger: { debug() {}, info() {}, warn() {}, error() {} } });
await manager.start();
await manager.call("as-echo", "MetadataAgent", "GetArtistBiography", { name: "first" });
console.log(process.memoryUsage().rss);
await manager.close();
rmSync(folder, { recursive: true });
