import type { NetConnectOpts, Socket } from "node:net";
import type { Dispatcher } from "undici";
import { MAX_SHARED_CACHE_BYTES } from "./cache/shared-lru-store.js";
import { ConfigurationError } from "./errors.js";
import { type DnsLookup, systemDnsLookup } from "./network/dns.js";
import type { LibrariesProvider, MatcherProvider, UsersProvider } from "./gen2/providers.js";
import type { SubsonicApiHandler } from "./subsonicapi/subsonicapi-service.js";
import { type ResolvedStoreOptions, resolveStoreOptions, type StoreOptions } from "./store/store-options.js";
import { nodeCrypto } from "./node-builtins.js";

/** Where the services report what plugins cannot see (callback failures, skipped runs). */
export interface Logger {
  debug(message: string, fields?: object): void;
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  error(message: string, fields?: object): void;
}

/**
 * Opens the socket of a websocket handshake, as `net.connect` or `tls.connect` would. `options`
 * carries the plugin URL's `host` and `port` (and `servername` for wss) and nd's checked `lookup`:
 * pass them on, or connect to an address of your choosing (a test upstream).
 */
export type WebSocketConnector = (options: NetConnectOpts & { servername?: string }) => Socket;

/** Whether this host fires one run of a schedule (`pluginId` is generation 1's plugin name). */
export type BeforeFire = (scheduleId: string, nominalFireTimeMs: number, pluginId: string) => Promise<boolean>;

/** Host-wide settings, given once to `createHostServices`. Every field is optional except where noted. */
export interface HostServicesOptions {
  http?: {
    /** An undici dispatcher for every request (a proxy, say); by default a checked Agent. */
    dispatcher?: Dispatcher;
    /** Used when a request's `timeout_ms` is 0. Default 10 000. */
    defaultTimeoutMs?: number;
    /** Upper bound of `timeout_ms`; larger values are lowered to it. Default 60 000. */
    maxTimeoutMs?: number;
    /** Largest response body; larger ones fail. Default 10 MiB. */
    maxResponseBytes?: number;
    /** Redirects followed per request; past them the plugin gets the last redirect response. Default 4. */
    maxRedirects?: number;
  };
  cache?: {
    /** Memory budget of each plugin's cache; least recently used items go first. Default 16 MiB, at most 512 MiB. */
    maxBytesPerPlugin?: number;
    /** TTL of an item set with `ttl_seconds` 0. Default 86 400 (24 h). */
    defaultTtlSeconds?: number;
    /** How often expired items are freed. Default 60. */
    sweepIntervalSeconds?: number;
  };
  scheduler?: {
    /** Live jobs per plugin. Default 100. */
    maxJobsPerPlugin?: number;
    /** Largest payload of a job; it is kept for the job's life. Default 64 KiB. */
    maxPayloadBytes?: number;
    /** Longest schedule id, in UTF-8 bytes. Default 256. */
    maxScheduleIdBytes?: number;
    /**
     * Asked before each run fires, with the run's nominal time (its planned second): answer false to
     * skip it here. A store shared by several hosts makes a run fire once per cluster this way.
     * A hook that rejects lets the run fire. Default: every run fires.
     */
    beforeFire?: BeforeFire;
  };
  websocket?: {
    /** Open (or opening) connections per plugin. Default 8. */
    maxConnectionsPerPlugin?: number;
    /** Largest message, in either direction. Default 1 MiB. */
    maxMessageBytes?: number;
    /** Opening handshake deadline. Default 10 000. */
    handshakeTimeoutMs?: number;
    /**
     * Makes the connection of each opening handshake instead of nd (to route plugins to test
     * upstreams, say): Node's `createConnection` contract, as `net.connect`/`tls.connect` take it.
     */
    createConnection?: WebSocketConnector;
    /** Messages of one connection waiting for the plugin; at this many, reading from the socket pauses. Default 8. */
    maxQueuedMessages?: number;
    /**
     * Messages of one connection waiting for the plugin, at most: what was read before the pause
     * took effect can hold many small ones. One more is refused, the plugin gets OnError and the
     * connection is closed. Default 256.
     */
    maxBufferedMessages?: number;
    /** Bytes of all of a plugin's connections waiting for it; at this many, the receiving connection pauses. Default 16 MiB. */
    maxQueuedBytesPerPlugin?: number;
    /** Bytes of all of a plugin's connections waiting for it, at most; a message past it closes its connection as above. Default 32 MiB. */
    maxBufferedBytesPerPlugin?: number;
  };
  /** Settings of the artwork service. */
  artwork?: {
    /** The host's public share URL, e.g. "https://music.example.com". Default "http://localhost", with a warning. */
    baseUrl?: string;
    /** HMAC key of artwork tokens; at least 16 bytes. Default: random, for the life of these services. */
    secret?: string | Uint8Array;
  };
  /** The Subsonic API plugins with the subsonicapi permission call. */
  subsonicapi?: {
    /** The embedding music server's Subsonic API; without one, every call answers an error. */
    handler?: SubsonicApiHandler;
    /** Deadline of one call. Default 10 000. */
    timeoutMs?: number;
    /** Largest JSON answer, in UTF-8 bytes. Default 10 MiB. */
    maxResponseBytes?: number;
  };
  /** Generation 2: the music server's users (users and subsonicapi services). Without it there are none. */
  users?: UsersProvider;
  /** Generation 2: the music server's libraries (library service). Without it there are none. */
  libraries?: LibrariesProvider;
  /** Generation 2: matches songs against the library (matcher service). Without it every match fails. */
  matcher?: MatcherProvider;
  /** Generation 2: where kvstore and task queues keep their data (SQLite files or a shared Redis). */
  store?: StoreOptions;
  /** Name resolution for http and websocket; default the system resolver. */
  dnsLookup?: DnsLookup;
  logger?: Logger;
}

export interface ResolvedOptions {
  http: {
    dispatcher: Dispatcher | undefined;
    defaultTimeoutMs: number;
    maxTimeoutMs: number;
    maxResponseBytes: number;
    maxRedirects: number;
  };
  cache: { maxBytesPerPlugin: number; defaultTtlSeconds: number; sweepIntervalSeconds: number };
  scheduler: {
    maxJobsPerPlugin: number;
    maxPayloadBytes: number;
    maxScheduleIdBytes: number;
    beforeFire: BeforeFire | undefined;
  };
  websocket: {
    maxConnectionsPerPlugin: number;
    maxMessageBytes: number;
    handshakeTimeoutMs: number;
    createConnection: WebSocketConnector | undefined;
    maxQueuedMessages: number;
    maxBufferedMessages: number;
    maxQueuedBytesPerPlugin: number;
    maxBufferedBytesPerPlugin: number;
  };
  /** `baseUrlGiven` false: the fallback base, which the first artwork plugin warns about. */
  /** `secret()`: the given secret, or one made at random on the first token (nothing outside the host can check those). */
  artwork: { baseUrl: URL; secret: () => Uint8Array; baseUrlGiven: boolean };
  subsonicapi: { handler: SubsonicApiHandler | undefined; timeoutMs: number; maxResponseBytes: number };
  users: UsersProvider | undefined;
  libraries: LibrariesProvider | undefined;
  matcher: MatcherProvider | undefined;
  store: ResolvedStoreOptions;
  dnsLookup: DnsLookup;
  logger: Logger;
}

const MIB = 1024 * 1024;
const MIN_SECRET_BYTES = 16;
/** Navidrome's base of share URLs when no ShareURL is configured. */
const FALLBACK_ARTWORK_BASE_URL = "http://localhost";

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function count(
  value: number | undefined,
  fallback: number,
  name: string,
  minimum = 1,
  maximum = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ConfigurationError(`host services option ${name} must be an integer >= ${minimum}, got ${value}`);
  }
  if (value > maximum) {
    throw new ConfigurationError(`host services option ${name} must be at most ${maximum}, got ${value}`);
  }
  return value;
}

function resolveArtwork(artwork: HostServicesOptions["artwork"] = {}): ResolvedOptions["artwork"] {
  const baseUrlGiven = artwork.baseUrl !== undefined;
  const baseUrlText = artwork.baseUrl ?? FALLBACK_ARTWORK_BASE_URL;
  let baseUrl: URL;
  try {
    baseUrl = new URL(baseUrlText);
  } catch {
    throw new ConfigurationError(`host services option artwork.baseUrl is not a URL: "${baseUrlText}"`);
  }
  if (baseUrl.protocol !== "http:" && baseUrl.protocol !== "https:") {
    throw new ConfigurationError(`host services option artwork.baseUrl must be http or https: "${baseUrlText}"`);
  }
  const given = typeof artwork.secret === "string" ? new TextEncoder().encode(artwork.secret) : artwork.secret;
  if (given !== undefined && given.byteLength < MIN_SECRET_BYTES) {
    throw new ConfigurationError(`host services option artwork.secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  let secret = given && Uint8Array.from(given);
  return { baseUrl, secret: () => (secret ??= nodeCrypto().randomBytes(32)), baseUrlGiven };
}

/** The hard bounds default to the soft ones' defaults or above, and may not be below them. */
function resolveInboundLimits(websocket: NonNullable<HostServicesOptions["websocket"]>) {
  const maxQueuedMessages = count(websocket.maxQueuedMessages, 8, "websocket.maxQueuedMessages");
  const maxQueuedBytesPerPlugin = count(websocket.maxQueuedBytesPerPlugin, 16 * MIB, "websocket.maxQueuedBytesPerPlugin");
  return {
    maxQueuedMessages,
    maxBufferedMessages: count(
      websocket.maxBufferedMessages,
      Math.max(256, maxQueuedMessages),
      "websocket.maxBufferedMessages",
      maxQueuedMessages,
    ),
    maxQueuedBytesPerPlugin,
    maxBufferedBytesPerPlugin: count(
      websocket.maxBufferedBytesPerPlugin,
      Math.max(32 * MIB, maxQueuedBytesPerPlugin),
      "websocket.maxBufferedBytesPerPlugin",
      maxQueuedBytesPerPlugin,
    ),
  };
}

export function resolveOptions(options: HostServicesOptions = {}): ResolvedOptions {
  const { http = {}, cache = {}, scheduler = {}, websocket = {}, subsonicapi = {} } = options;
  const defaultTimeoutMs = count(http.defaultTimeoutMs, 10_000, "http.defaultTimeoutMs");
  const maxTimeoutMs = count(http.maxTimeoutMs, Math.max(60_000, defaultTimeoutMs), "http.maxTimeoutMs");
  if (defaultTimeoutMs > maxTimeoutMs) {
    throw new ConfigurationError("host services option http.defaultTimeoutMs must not exceed http.maxTimeoutMs");
  }
  return {
    http: {
      dispatcher: http.dispatcher,
      defaultTimeoutMs,
      maxTimeoutMs,
      maxResponseBytes: count(http.maxResponseBytes, 10 * MIB, "http.maxResponseBytes"),
      maxRedirects: count(http.maxRedirects, 4, "http.maxRedirects", 0),
    },
    cache: {
      maxBytesPerPlugin: count(
        cache.maxBytesPerPlugin,
        16 * MIB,
        "cache.maxBytesPerPlugin",
        1,
        MAX_SHARED_CACHE_BYTES,
      ),
      defaultTtlSeconds: count(cache.defaultTtlSeconds, 24 * 60 * 60, "cache.defaultTtlSeconds"),
      sweepIntervalSeconds: count(cache.sweepIntervalSeconds, 60, "cache.sweepIntervalSeconds"),
    },
    scheduler: {
      maxJobsPerPlugin: count(scheduler.maxJobsPerPlugin, 100, "scheduler.maxJobsPerPlugin"),
      maxPayloadBytes: count(scheduler.maxPayloadBytes, 64 * 1024, "scheduler.maxPayloadBytes"),
      maxScheduleIdBytes: count(scheduler.maxScheduleIdBytes, 256, "scheduler.maxScheduleIdBytes"),
      beforeFire: scheduler.beforeFire,
    },
    websocket: {
      maxConnectionsPerPlugin: count(websocket.maxConnectionsPerPlugin, 8, "websocket.maxConnectionsPerPlugin"),
      maxMessageBytes: count(websocket.maxMessageBytes, MIB, "websocket.maxMessageBytes"),
      handshakeTimeoutMs: count(websocket.handshakeTimeoutMs, 10_000, "websocket.handshakeTimeoutMs"),
      createConnection: websocket.createConnection,
      ...resolveInboundLimits(websocket),
    },
    artwork: resolveArtwork(options.artwork),
    subsonicapi: {
      handler: subsonicapi.handler,
      timeoutMs: count(subsonicapi.timeoutMs, 10_000, "subsonicapi.timeoutMs"),
      maxResponseBytes: count(subsonicapi.maxResponseBytes, 10 * MIB, "subsonicapi.maxResponseBytes"),
    },
    users: options.users,
    libraries: options.libraries,
    matcher: options.matcher,
    store: resolveStoreOptions(options.store),
    dnsLookup: options.dnsLookup ?? systemDnsLookup,
    logger: options.logger ?? silentLogger,
  };
}
