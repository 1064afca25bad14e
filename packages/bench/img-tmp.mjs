import { PluginManager } from "@nd/runtime";
import { echoFolder } from "./out/plugin-folders.js";
const manager = new PluginManager({ folder: echoFolder(), workers: 1, logger: { debug() {}, info() {}, warn() {}, error() {} } });
await manager.start();
const method = process.argv[2];
for (let round = 0; round < 3; round++) {
  const t = performance.now();
  for (let i = 0; i < 20000; i++) await manager.call("as-echo", "MetadataAgent", method, { name: "Nina Simone" });
  console.log(method, ((performance.now() - t) / 20000 * 1000).toFixed(1), "µs");
}
await manager.close();
