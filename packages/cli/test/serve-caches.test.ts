// nd serve: plugins installed or removed while it runs leave the other plugins' caches alone.
import { join } from "node:path";
import { parseConfig, startServer, type RunningServer } from "@nd/cli";
import { CACHE_KEY_K, CACHE_STRING_IMPORTS, mbidRequiresCachedK } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { biographyPlugin, nd, packageFile, type PluginSpec, silent, workspace } from "./support/nd.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});


/** GetArtistBiography stores k in the plugin's cache; GetArtistMBID fails unless k is there. */
const keeper: PluginSpec = {
  name: "keeper",
  permissions: { cache: {} },
  imports: CACHE_STRING_IMPORTS,
  body: `${CACHE_KEY_K}
    (func (export "metadata_agent_get_artist_biography") (param i32 i32) (result i64) (call $store_k) (i64.const 0))
    ${mbidRequiresCachedK(false)}`,
};

async function install(folder: string, dir: string, spec: PluginSpec) {
  expect(await nd(["plugin", "install", await packageFile(dir, spec), "--folder", folder])).toMatchObject({ code: 0 });
}

async function call(server: RunningServer, plugin: string, method: string) {
  return (await fetch(`${server.url}/api/plugins/${plugin}/call/MetadataAgent.${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status;
}

/** Polls until `check` passes; the test's own timeout bounds the wait. */
async function eventually(check: () => void): Promise<void> {
  for (;;) {
    try {
      return check();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

test("installing and removing other plugins while nd serve runs keeps a plugin's cache", async () => {
  const dir = workspace();
  const folder = join(dir, "plugins");
  await install(folder, dir, keeper);
  const server = await startServer({ folder, config: parseConfig("", join(dir, "nd.toml")), port: 0, logger: silent, workers: 1, pollIntervalMs: 200 });
  servers.push(server);
  expect(await call(server, "keeper", "GetArtistBiography")).toBe(200);

  await install(folder, dir, biographyPlugin("other", "from other"));
  await eventually(() => expect(server.plugins().map((plugin) => plugin.name)).toEqual(["keeper", "other"]));
  expect(await call(server, "keeper", "GetArtistMBID")).toBe(200);

  expect(await nd(["plugin", "remove", "other", "--folder", folder])).toMatchObject({ code: 0 });
  await eventually(() => expect(server.plugins().map((plugin) => plugin.name)).toEqual(["keeper"]));
  expect(await call(server, "keeper", "GetArtistMBID")).toBe(200);
});
