import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseManifest, parseManifestV2, type Manifest } from "@nd/manifest";
import { extractNdp, writeNdp } from "@nd/ndp";
import type { Logger } from "@nd/runtime";
import type { HostConfig } from "../config.js";
import { failure } from "../errors.js";
import { createLogger } from "../logger.js";
import { generationOf } from "../plugin-files.js";
import { ensurePluginsFolder } from "../plugins-folder.js";
import { startServer, type RunningServer } from "../serve/server.js";
import { startDemoSubsonic, type DemoSubsonic } from "./subsonic.js";
import { startDemoUpstreams, type DemoUpstreams } from "./upstreams.js";

export interface DemoOptions {
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
  /** Where the examples are looked for (their parent `examples/` folder). Default: found from `cwd` or this package upwards. */
  readonly examplesFolder?: string;
  /** Default `<repository>/.nd-demo`. */
  readonly dataFolder?: string;
  readonly cwd?: string;
  /** The bearer token the server asks for (see `ServerOptions.token`). */
  readonly token?: string;
  /** Stops start-up when aborted (see `ServerOptions.signal`). */
  readonly signal?: AbortSignal;
}

export interface RunningDemo {
  readonly server: RunningServer;
  readonly upstreams: DemoUpstreams;
  /** The local Subsonic server that plugins' SubsonicAPI calls are forwarded to. */
  readonly subsonic: DemoSubsonic;
  /** Names of the example plugins installed. */
  readonly installed: readonly string[];
  /** What to try, as printed by `nd serve --demo`. */
  readonly instructions: string;
  close(): Promise<void>;
}

/** MetadataAgents in the order asked: cover art first for album images, as-echo (which answers everything) last. */
const AGENT_ORDER = ["go-coverart", "as-metadata-agent", "go-gen2-agent", "as-echo"];

/** Generation-2 examples the demo serves (the testbed is for tests only); each as `<folder name>.ndp`, read in place. */
const GEN2_EXAMPLES = ["go-gen2-agent", "as-gen2-lyrics"];

/** What each example needs to talk to the demo upstreams instead of the public services. */
function demoPluginConfig(upstreams: DemoUpstreams): Record<string, Record<string, string>> {
  return {
    "as-metadata-agent": { musicbrainz_url: upstreams.url, wikipedia_url: upstreams.url },
    "as-scrobbler": { api_url: upstreams.url, api_token: upstreams.listenBrainzToken },
    "go-coverart": { base_url: upstreams.url },
    "go-gen2-agent": { musicbrainz_url: upstreams.url, wikipedia_url: upstreams.url },
    "go-live-events": { ws_url: upstreams.wsUrl, check_cron: "* * * * *", reconnect_delay_seconds: "2" },
    // Written as its README documents it; the plugin reads the key lowercased. The host refuses
    // its calls as "admin", an admin user, since its permission does not allow admins.
    "as-subsonic-relay": { Users: "demo,admin" },
  };
}

/**
 * `nd serve --demo`: installs the built example plugins into a local data folder, starts
 * fake upstreams on 127.0.0.1 and runs the host with config pointing the plugins at them.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const logger = options.logger ?? createLogger(process.stderr);
  const examples = options.examplesFolder ?? findExamples(options.cwd ?? process.cwd());
  const dataFolder = options.dataFolder ?? join(dirname(examples), ".nd-demo");
  const folder = join(dataFolder, "plugins");
  const upstreams = await startDemoUpstreams();
  const subsonic = await startDemoSubsonic();
  const stopUpstreams = async () => {
    await upstreams.close();
    await subsonic.close();
  };
  try {
    await ensurePluginsFolder(folder);
    const installed = await installExamples(examples, folder, upstreams, logger);
    const config: HostConfig = {
      enabled: true,
      dataFolder,
      folder,
      agents: AGENT_ORDER,
      pluginConfig: demoPluginConfig(upstreams),
      pluginConfigValues: demoPluginConfig(upstreams),
      pluginAccess: {},
      subsonic: subsonic.config,
      warnings: [],
    };
    const server = await startServer({ folder, config, host: options.host, port: options.port, logger, token: options.token, signal: options.signal });
    return {
      server,
      upstreams,
      subsonic,
      installed,
      instructions: instructions(server.url, upstreams, subsonic, installed),
      close: async () => {
        await server.close();
        await stopUpstreams();
      },
    };
  } catch (error) {
    await stopUpstreams();
    throw error;
  }
}

function findExamples(cwd: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const start of [cwd, here]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, "examples")) && existsSync(join(dir, "pnpm-workspace.yaml"))) return join(dir, "examples");
      if (dirname(dir) === dir) break;
    }
  }
  throw failure(
    `nd serve --demo installs the built examples of a checkout of the nd repository, and there is none above ${resolve(cwd)}: run it inside a checkout (https://github.com/nd-music/nd), or run nd serve on your own plugins`,
  );
}

async function installExamples(examples: string, folder: string, upstreams: DemoUpstreams, logger: Logger): Promise<string[]> {
  const installed: string[] = [];
  for (const entry of (await readdir(examples, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const source = join(examples, entry.name);
    if (!existsSync(join(source, "manifest.json"))) continue;
    if (!existsSync(join(source, "plugin.wasm"))) {
      logger.warn(`demo: skipping examples/${entry.name}: plugin.wasm is not built (the build output says why; Go examples need Go or TinyGo)`);
      continue;
    }
    try {
      const wasm = await readFile(join(source, "plugin.wasm"));
      if (generationOf(wasm) === 2) {
        if (!GEN2_EXAMPLES.includes(entry.name)) continue;
        await installGen2Example(source, join(folder, `${entry.name}.ndp`), wasm, upstreams);
        installed.push(entry.name);
        continue;
      }
      const manifest = parseManifest(await readFile(join(source, "manifest.json"), "utf8"), join(source, "manifest.json"));
      const readme = await readFile(join(source, "README.md"), "utf8").catch(() => undefined);
      const demoManifest = pointAtUpstreams(manifest, upstreams);
      const bytes = await writeNdp({ manifest: demoManifest, wasm, ...(readme && { readme }) });
      await extractNdp(bytes, join(folder, manifest.name), { replace: true });
      installed.push(manifest.name);
    } catch (error) {
      logger.warn(`demo: skipping examples/${entry.name}: ${(error as Error).message}`);
    }
  }
  return installed;
}

/**
 * What an administrator does when pointing a plugin at a mirror on their own network: the
 * allowed URLs move to the mirror's origin, and local network access is granted.
 */
function pointAtUpstreams(manifest: Manifest, upstreams: DemoUpstreams): Manifest {
  const permissions = { ...manifest.permissions };
  if (permissions.http) {
    const allowedUrls = Object.fromEntries(
      Object.entries(permissions.http.allowedUrls ?? {}).map(([pattern, methods]) => [pattern.replace(/^[a-z]+:\/\/[^/]+/i, upstreams.url), methods]),
    );
    permissions.http = { ...permissions.http, allowedUrls, allowLocalNetwork: true };
  }
  if (permissions.websocket) permissions.websocket = { ...permissions.websocket, allowLocalNetwork: true };
  return { ...manifest, permissions };
}

/** A generation-2 example as `<id>.ndp`, its network permissions moved to the upstreams' host (requiredHosts take host names only). */
async function installGen2Example(source: string, target: string, wasm: Uint8Array, upstreams: DemoUpstreams): Promise<void> {
  const manifest = parseManifestV2(await readFile(join(source, "manifest.json"), "utf8"), join(source, "manifest.json"));
  const permissions = { ...manifest.permissions };
  const host = new URL(upstreams.url).hostname;
  for (const key of ["http", "websocket"] as const) {
    if (permissions[key]) permissions[key] = { ...permissions[key], requiredHosts: [host] };
  }
  const readme = await readFile(join(source, "README.md"), "utf8").catch(() => undefined);
  await writeNdp({ manifest: { ...manifest, permissions }, wasm, ...(readme && { readme }) }, target);
}

function instructions(url: string, upstreams: DemoUpstreams, subsonic: DemoSubsonic, installed: readonly string[]): string {
  const scrobble = JSON.stringify({ username: "demo", track: { id: "so-what", name: "So What", album: "Kind of Blue", artists: [{ name: "Miles Davis" }], length: 545 } });
  return [
    "",
    `nd demo: ${installed.length} example plugins (${installed.join(", ")}) on ${url} (status page: open ${url}/ in a browser)`,
    `fake MusicBrainz, Wikipedia, ListenBrainz and Cover Art Archive at ${upstreams.url}, live events at ${upstreams.wsUrl}`,
    `a Subsonic server (users demo and admin) at ${subsonic.url}, which plugins' SubsonicAPI calls go to`,
    "",
    "Try:",
    `  curl -s ${url}/api/plugins`,
    `  curl -s '${url}/api/artist?name=Nina%20Simone'`,
    `  curl -s '${url}/api/album?name=Kind%20of%20Blue&artist=Miles%20Davis'`,
    `  curl -s ${url}/metrics`,
    `  curl -s -H 'content-type: application/json' ${url}/api/plugins/as-echo/call/MetadataAgent.GetArtistBiography -d '{"name":"Nina Simone"}'`,
    `  curl -s -H 'content-type: application/json' ${url}/api/scrobble -d '${scrobble}'`,
    `  curl -s ${upstreams.url}/demo/listens    # what the fake ListenBrainz received`,
    ...(installed.includes("go-live-events") ? [`  curl -s ${upstreams.url}/demo/events     # what go-live-events answered over its WebSocket`] : []),
    `  curl -s -H 'content-type: application/json' ${url}/api/plugins/as-subsonic-relay/call/Scrobbler.IsAuthorized -d '{"username":"demo"}'   # a Subsonic ping`,
    `  curl -s ${subsonic.url}/demo/requests    # what the Subsonic server received (ping, scrobble)`,
    "",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}
