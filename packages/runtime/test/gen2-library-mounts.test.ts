import { PluginManager } from "@nd/runtime";
import { gen2Plugin, gen2WatPlugin, pluginsFolder, temporaryFolder } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { memoryLogger } from "./support/wat-plugins.js";

const managers: PluginManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

/** Answers the name of the directory preopened at descriptor 3, or "none" when there is none. */
const FIRST_PREOPEN = gen2WatPlugin(
  `(data (i32.const 600) "none")
   (func (export "nd_test_preopen") (result i32)
     (if (call $fd_prestat_get (i32.const 3) (i32.const 512))
       (then (call $output (i32.const 600) (i32.const 4)) (return (i32.const 0))))
     (drop (call $fd_prestat_dir_name (i32.const 3) (i32.const 1024) (i32.load (i32.const 516))))
     (call $output (i32.const 1024) (i32.load (i32.const 516)))
     (i32.const 0))`,
  {
    imports: `(import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))`,
  },
);

const library = (id: number, path: string) => ({
  id, name: `lib ${id}`, path, lastScanAt: 0, totalSongs: 0, totalAlbums: 0, totalArtists: 0, totalSize: 0, totalDuration: 0,
});

test("with library.filesystem, the libraries in the plugin's scope are mounted at /libraries/<id>; without it, none", async () => {
  const music = temporaryFolder("nd-music-");
  const other = temporaryFolder("nd-other-");
  const folder = pluginsFolder([
    gen2Plugin("reader", FIRST_PREOPEN, { library: { filesystem: true } }),
    gen2Plugin("blind", FIRST_PREOPEN, { library: {} }),
  ]);
  const { logger } = memoryLogger();
  const manager = new PluginManager({
    folder,
    workers: 1,
    logger,
    hostServices: { libraries: { listLibraries: async () => [library(1, other), library(7, music)] } },
    pluginAccess: () => ({ users: [], libraries: [7], writeAccess: false }),
  });
  managers.push(manager);
  await manager.start();
  const preopen = async (id: string) => new TextDecoder().decode(await manager.callExport(id, "nd_test_preopen"));
  expect(await preopen("reader")).toBe("/libraries/7");
  expect(await preopen("blind")).toBe("none");
});
