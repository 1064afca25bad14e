import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DEFAULT_PORT, DEFAULT_PORT_ATTEMPTS, startServer, type RunningServer } from "@nd/cli";
import { parseConfig } from "@nd/cli";
import { afterEach, describe, expect, test } from "vitest";
import { biographyPlugin, nd, packageFile, silent, workspace } from "./support/nd.js";

const NAVIDROME_PORT = 4533;
const servers: RunningServer[] = [];
const blockers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(blockers.splice(0).map((blocker) => new Promise((resolve) => blocker.close(resolve))));
});

/** Another program holding a port on 127.0.0.1 (port 0: any free one). */
async function takePort(port = 0): Promise<number> {
  const blocker = createServer();
  await new Promise<void>((resolve, reject) => {
    blocker.once("error", reject);
    blocker.listen(port, "127.0.0.1", () => resolve());
  });
  blockers.push(blocker);
  return (blocker.address() as AddressInfo).port;
}

async function folderWithPlugin() {
  const dir = workspace();
  const folder = join(dir, "plugins");
  expect((await nd(["plugin", "install", await packageFile(dir, biographyPlugin("b-bio", "from b")), "--folder", folder])).code).toBe(0);
  return folder;
}

describe("the port of nd serve", () => {
  test("without --port it is nd's own, not Navidrome's, and the next free one when that is taken", async () => {
    expect(DEFAULT_PORT).not.toBe(NAVIDROME_PORT);
    const folder = await folderWithPlugin();
    const config = parseConfig("", join(folder, "..", "nd.toml"));
    const first = await startServer({ folder, config, logger: silent, workers: 1 });
    servers.push(first);
    const second = await startServer({ folder, config, logger: silent, workers: 1 });
    servers.push(second);
    for (const server of [first, second]) {
      expect(server.port).toBeGreaterThanOrEqual(DEFAULT_PORT);
      expect(server.port).toBeLessThan(DEFAULT_PORT + DEFAULT_PORT_ATTEMPTS);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    }
    expect(second.port).not.toBe(first.port);
    expect((await (await fetch(`${second.url}/api/plugins`)).json()).map((plugin: { name: string }) => plugin.name)).toEqual(["b-bio"]);
  });

  test("a port chosen with --port that is taken fails before any plugin loads, naming --port", async () => {
    const folder = await folderWithPlugin();
    const taken = await takePort();
    const result = await nd(["serve", "--port", String(taken), "--folder", folder]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${taken} on 127.0.0.1 is taken by another program; choose another with --port`);
    expect(result.stderr).not.toContain("b-bio");
  });

  test("--port must be a port number", async () => {
    for (const port of ["-1", "65536", "4538x", ""]) {
      const result = await nd(["serve", "--port", port, "--folder", workspace()]);
      expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining("--port must be a port number from 0 to 65535") });
    }
  });
});
