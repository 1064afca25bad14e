import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HostServicesOptions } from "@nd/host-services";
import type { Logger, PluginInfo } from "@nd/runtime";
import { loadConfig, type HostConfig } from "../config.js";
import { managerOptions } from "../manager.js";
import { ensurePluginsFolder } from "../plugins-folder.js";
import { FolderWatcher } from "./folder-watcher.js";
import { PluginHost } from "./plugin-host.js";
import { handle } from "./routes.js";

export interface ServerOptions {
  /** The plugins folder; created (mode 0700) when missing. Default: the config's. */
  readonly folder?: string;
  /** Default: the defaults of `loadConfig()` (no file). */
  readonly config?: HostConfig;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 4533; 0 picks a free port. */
  readonly port?: number;
  /** Default: one line per event on stderr. */
  readonly logger?: Logger;
  /** Extra host service settings, merged over those from the config. */
  readonly hostServices?: HostServicesOptions;
  /** Worker threads running plugin code. Default: one per core. */
  readonly workers?: number;
  /** Interval of the fallback poll for plugin changes. Default 1000 ms. */
  readonly pollIntervalMs?: number;
}

/** A running reference host. */
export interface RunningServer {
  /** e.g. "http://127.0.0.1:4533" */
  readonly url: string;
  readonly port: number;
  readonly folder: string;
  /** The plugins as the host sees them now. */
  plugins(): PluginInfo[];
  /**
   * Stops accepting requests, lets running calls finish within the plugin managers' grace
   * period (`closeGraceMs`, 5 s) and ends the rest, then closes schedules and sockets.
   */
  close(): Promise<void>;
}

/** Starts `nd serve`: loads the plugins folder, serves the HTTP API, reloads plugins that change on disk. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = options.config ?? (await loadConfig(undefined));
  const folder = options.folder ?? config.folder;
  const logger = options.logger ?? stderrLogger;
  if (!config.enabled) logger.warn("plugins are disabled ([Plugins] Enabled = false); serving without plugins");
  await ensurePluginsFolder(folder);
  const base = managerOptions(config, folder, logger);
  const host = new PluginHost(
    {
      ...base,
      ...(config.enabled ? {} : { folder: emptyFolderOf(folder) }),
      hostServices: { ...base.hostServices, ...options.hostServices },
      ...(options.workers !== undefined && { workers: options.workers }),
    },
    logger,
  );
  await host.start();
  const watcher = new FolderWatcher({
    folder,
    pollIntervalMs: options.pollIntervalMs,
    onChange: async ({ changed, setChanged }) => {
      if (setChanged) return host.replace();
      const names = new Map(host.manager.list().map((info) => [info.folder, info.name]));
      for (const path of changed) await host.reload(names.get(path) ?? path);
    },
  });
  if (config.enabled) await watcher.start();
  const requests = new RequestTracker();
  const server = createServer((request, response) => {
    if (requests.closing) response.setHeader("connection", "close");
    void requests.track(handle({ host, agentOrder: config.agents, logger }, request, response));
  });
  let port: number;
  try {
    port = await listen(server, options.host ?? "127.0.0.1", options.port ?? 4533);
  } catch (error) {
    await watcher.close();
    await host.close();
    throw error;
  }
  const url = `http://${formatHost(options.host ?? "127.0.0.1")}:${port}`;
  logger.info(`nd serve listening on ${url} with plugins from ${folder}`);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    folder,
    plugins: () => host.manager.list(),
    close: () => (closing ??= shutDown(server, requests, watcher, host)),
  };
}

/** A disabled host looks at a folder that cannot hold plugins. */
function emptyFolderOf(folder: string): string {
  return `${folder}/.nd-disabled`;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Counts requests being answered, so shutdown can wait for them. */
class RequestTracker {
  closing = false;
  private active = 0;
  private onIdle?: () => void;

  async track(work: Promise<void>): Promise<void> {
    this.active++;
    try {
      await work;
    } finally {
      if (--this.active === 0) this.onIdle?.();
    }
  }

  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => (this.onIdle = resolve));
  }
}

async function shutDown(server: Server, requests: RequestTracker, watcher: FolderWatcher, host: PluginHost): Promise<void> {
  requests.closing = true;
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  await watcher.close();
  // Plugins first: their calls end within the managers' grace period, so the requests waiting on them end too.
  await host.close();
  await requests.idle();
  server.closeIdleConnections();
  await stopped;
}

const stderrLogger: Logger = {
  debug: () => {},
  info: (message) => console.error(message),
  warn: (message) => console.error(`warn: ${message}`),
  error: (message) => console.error(`error: ${message}`),
};
