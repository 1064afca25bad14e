import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { createPluginStateAdmin, type HostServicesOptions } from "@nd/host-services";
import type { Logger, PluginInfo } from "@nd/runtime";
import { loadConfig, MIN_TOKEN_LENGTH, redactedStoreUrl, type HostConfig } from "../config.js";
import { CliError } from "../errors.js";
import { createLogger } from "../logger.js";
import { managerOptions } from "../manager.js";
import { ensurePluginsFolder } from "../plugins-folder.js";
import { keptArtworkSecret } from "./artwork-secret.js";
import { answerClientError } from "./client-error.js";
import { FolderWatcher } from "./folder-watcher.js";
import { listenOn } from "./listen.js";
import { PluginHost } from "./plugin-host.js";
import { PluginLogs } from "./plugin-logs.js";
import { ServerMetrics } from "./prometheus.js";
import type { AccessPolicy } from "./request-guard.js";
import { handle } from "./routes.js";
import { StoreStatus } from "./store-status.js";
import { musicServerProviders } from "./subsonic-providers.js";

export interface ServerOptions {
  /** The plugins folder; created (mode 0700) when missing. Default: the config's. */
  readonly folder?: string;
  /** Default: the defaults of `loadConfig()` (no file). */
  readonly config?: HostConfig;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * A port taken is an error naming --port; 0 picks a free port. Default: nd's own
   * (`DEFAULT_PORT`, 4538), or the next free one after it.
   */
  readonly port?: number;
  /** Default: JSON lines on stderr (readable lines when it is a terminal). */
  readonly logger?: Logger;
  /** The bearer token every request must carry. Default: the config's `[Serve] Token`. Required when `host` is not a loopback address. */
  readonly token?: string;
  /** Extra host service settings, merged over those from the config. */
  readonly hostServices?: HostServicesOptions;
  /** Worker threads running plugin code. Default: one per core. */
  readonly workers?: number;
  /** Deadline of each plugin call. Default: the runtime's (30 s). */
  readonly callTimeoutMs?: number;
  /** Interval of the fallback poll for plugin changes. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /**
   * Stops start-up when aborted (SIGTERM while a plugin's OnInit hangs, say): the plugins are
   * closed at once (running calls get the managers' grace period, then end) and `startServer`
   * rejects with the signal's reason. Without it, start-up lasts until every OnInit ends.
   */
  readonly signal?: AbortSignal;
}

/** A running reference host. */
export interface RunningServer {
  /** e.g. "http://127.0.0.1:4538" */
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
  const address = options.host ?? "127.0.0.1";
  const access = accessPolicy(config, address, options.token);
  const logs = new PluginLogs();
  const logger = logs.tee(options.logger ?? createLogger(process.stderr));
  if (!config.enabled) logger.warn("plugins are disabled ([Plugins] Enabled = false); serving without plugins");
  await ensurePluginsFolder(folder);
  const artworkSecret = config.artworkSecret ?? (await keptArtworkSecret(config.dataFolder));
  const base = managerOptions({ ...config, artworkSecret }, folder, logger);
  // The providers themselves are in the manager's options; this says where they answer from.
  const musicServer = musicServerProviders(config.subsonic, logger);
  // Its own view of the store: the host's outage warnings are enough, so its own lines are debug ones.
  const storeStatus = new StoreStatus(createPluginStateAdmin(base.hostServices?.store ?? {}, debugOnly(logger)), (): PluginInfo[] => host.manager.list());
  const metrics = new ServerMetrics((): object => host.manager.poolStats(), () => storeStatus.snapshot());
  const host = new PluginHost(
    {
      ...base,
      onCall: metrics.observe,
      ...(config.enabled ? {} : { folder: emptyFolderOf(folder) }),
      hostServices: { ...base.hostServices, store: { ...base.hostServices?.store, onTaskOutcome: storeStatus.onTaskOutcome }, ...options.hostServices },
      ...(options.workers !== undefined && { workers: options.workers }),
      ...(options.callTimeoutMs !== undefined && { callTimeoutMs: options.callTimeoutMs }),
    },
    logger,
  );
  const watcher = new FolderWatcher({
    folder,
    pollIntervalMs: options.pollIntervalMs,
    onChange: async ({ changed, setChanged }) => {
      if (setChanged) await host.rescan();
      const names = new Map(host.manager.list().map((info) => [info.folder, info.id]));
      for (const path of changed) await host.reload(names.get(path) ?? path);
    },
  });
  const requests = new RequestTracker();
  const context = { host, agentOrder: config.agents, logger, access, metrics, logs, store: storeStatus };
  let settleLoading!: (loaded: boolean) => void;
  const loading = new Promise<boolean>((resolve) => (settleLoading = resolve));
  const server = createServer({ requestTimeout: 60_000, headersTimeout: 20_000 }, (request, response) => {
    if (requests.closing) response.setHeader("connection", "close");
    // A request that comes while the plugins load is answered once they are loaded.
    void requests.track(loading.then((loaded) => (loaded ? handle(context, request, response) : void response.destroy())));
  });
  server.on("clientError", answerClientError);
  let port: number;
  try {
    // Before any plugin loads: a port that is taken fails at once.
    port = await listenOn(server, address, options.port);
    await startPlugins(host, options.signal);
    if (config.enabled) await watcher.start();
    settleLoading(true);
  } catch (error) {
    settleLoading(false);
    server.closeAllConnections();
    server.close();
    await watcher.close();
    await host.close();
    await storeStatus.close();
    throw error;
  }
  const url = `http://${formatHost(address)}:${port}`;
  const state = config.store ? `the shared store ${redactedStoreUrl(config.store.url)}` : `SQLite under ${join(config.dataFolder, "plugin-state")}`;
  logger.info(`nd serve listening on ${url} with plugins from ${folder}; generation-2 users, libraries and matcher from ${musicServer.source}; plugin state in ${state}`, {
    url,
    folder,
    token: access.token !== undefined,
  });
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    folder,
    plugins: () => host.manager.list(),
    close: () => (closing ??= shutDown(server, requests, watcher, host).finally(() => storeStatus.close())),
  };
}

/** Loads the plugins, unless a stop comes first: then they are closed without waiting for start-up to end. */
async function startPlugins(host: PluginHost, signal: AbortSignal | undefined): Promise<void> {
  const started = host.start();
  if (!signal) return started;
  let onAbort!: () => void;
  const aborted = new Promise<"aborted">((resolve) => (onAbort = () => resolve("aborted")));
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    if ((await Promise.race([started, aborted])) !== "aborted") return;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  await host.close();
  // Closing ended the calls start-up waited on, so it finishes now; how it ends no longer matters.
  await started.catch(() => undefined);
  throw signal.reason;
}

/** A server reachable beyond this machine must have a token: anyone on the network could call plugins. */
function accessPolicy(config: HostConfig, address: string, token = config.serve?.token): AccessPolicy {
  if (token === undefined && !isLoopback(address)) {
    throw new CliError("config", `nd serve on ${address} can be reached from other machines: set a token ([Serve] Token or ND_SERVE_TOKEN), or listen on 127.0.0.1`);
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new CliError("config", `the token of nd serve must have at least ${MIN_TOKEN_LENGTH} characters, it has ${token.length}`);
  }
  return { allowedHosts: config.serve?.allowedHosts ?? [], ...(token !== undefined && { token }) };
}

function isLoopback(address: string): boolean {
  return address === "localhost" || address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}

function debugOnly(logger: Logger): Logger {
  const debug = (message: string, fields?: Record<string, unknown>) => logger.debug(message, fields);
  return { debug, info: debug, warn: debug, error: debug };
}

/** A disabled host looks at a folder that cannot hold plugins. */
function emptyFolderOf(folder: string): string {
  return `${folder}/.nd-disabled`;
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
  // Every answer is sent: what is left are idle connections, and sockets a browser opened ahead without a request yet.
  server.closeAllConnections();
  await stopped;
}
