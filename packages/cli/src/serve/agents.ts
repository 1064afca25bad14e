import type { CapabilityName } from "@nd/protocol";
import { PluginError, type Logger, type PluginManager } from "@nd/runtime";
import { gen2ClientMethod } from "../gen2-client-call.js";

/** Which plugin gave an answer. */
export interface Answer<T> {
  readonly plugin: string;
  readonly value: T;
}

/** A plugin that failed (other than "no answer" or "not implemented"); the next one was asked. */
export interface AgentFailure {
  readonly plugin: string;
  readonly method: string;
  readonly kind: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

/**
 * Asks MetadataAgent plugins of both generations the way a music server does: for each piece
 * of information, the agents in order, the first with an answer wins. `order` names agents asked first;
 * the others follow by name.
 */
export class AgentChain {
  readonly failures: AgentFailure[] = [];

  constructor(
    private readonly manager: PluginManager,
    private readonly order: readonly string[],
    private readonly logger: Logger,
  ) {}

  agents(): string[] {
    const names = this.manager
      .list()
      .filter((info) => info.state === "loaded" && (info.capabilities as readonly string[]).includes("MetadataAgent"))
      .map((info) => info.id);
    const rank = (name: string) => (this.order.includes(name) ? this.order.indexOf(name) : this.order.length);
    return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }

  private generationOf(id: string): 1 | 2 | undefined {
    return this.manager.list().find((info) => info.id === id)?.generation;
  }

  /** A generation-2 agent, through the runtime's client that speaks generation 1's shapes over its `nd_*` exports. */
  private async askThroughClient(plugin: string, method: string, request: Json): Promise<Json | undefined> {
    const call = gen2ClientMethod(this.manager, plugin, "MetadataAgent", method);
    return call ? ((await call(request)) as Json) : undefined;
  }

  async first<T>(method: string, request: Json, pick: (response: Json) => T | undefined): Promise<Answer<T> | undefined> {
    for (const plugin of this.agents()) {
      const response = await this.ask(plugin, "MetadataAgent", method, request);
      const value = response && pick(response);
      if (value !== undefined) return { plugin, value };
    }
    return undefined;
  }

  private async ask(plugin: string, capability: CapabilityName, method: string, request: Json): Promise<Json | undefined> {
    try {
      if (this.generationOf(plugin) === 2) return await this.askThroughClient(plugin, method, request);
      return (await this.manager.call(plugin, capability, method, request)) as Json;
    } catch (error) {
      if (!(error instanceof PluginError)) throw error;
      if (error.kind !== "PluginNotFoundError" && error.kind !== "PluginNotImplementedError") {
        this.failures.push({ plugin, method, kind: error.kind, message: error.message });
        this.logger.warn(`plugin ${plugin}: ${capability}.${method} failed: ${error.message}`, { plugin });
      }
      return undefined;
    }
  }
}

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? value : undefined);

export type ArtistQuery = { id: string; name: string; mbid: string };

export async function lookupArtist(chain: AgentChain, query: ArtistQuery): Promise<Json> {
  const mbid = query.mbid ? { plugin: "request", value: query.mbid } : await chain.first("GetArtistMBID", query, (r) => text(r.mbid));
  const known = { ...query, mbid: mbid?.value ?? "" };
  const [url, biography, images, similar, topSongs] = await Promise.all([
    chain.first("GetArtistURL", known, (r) => text(r.url)),
    chain.first("GetArtistBiography", known, (r) => text(r.biography)),
    chain.first("GetArtistImages", known, (r) => list(r.images)),
    chain.first("GetSimilarArtists", { ...known, limit: 10 }, (r) => list(r.artists)),
    chain.first("GetArtistTopSongs", { id: known.id, artistName: known.name, mbid: known.mbid, count: 10 }, (r) => list(r.songs)),
  ]);
  return { query, mbid, url, biography, images, similar, topSongs, failures: chain.failures };
}

export type AlbumQuery = { name: string; artist: string; mbid: string };

export async function lookupAlbum(chain: AgentChain, query: AlbumQuery): Promise<Json> {
  const info = await chain.first("GetAlbumInfo", query, (r) => {
    const album = r.info as Json | undefined;
    return album && Object.values(album).some((value) => value !== "") ? album : undefined;
  });
  // As a music server does: what one agent learnt (the MBID) helps the others.
  const mbid = query.mbid || (typeof info?.value.mbid === "string" ? info.value.mbid : "");
  const images = await chain.first("GetAlbumImages", { ...query, mbid }, (r) => list(r.images));
  return { query, info, images, failures: chain.failures };
}

/** What one Scrobbler did with a scrobble. */
export interface ScrobbleResult {
  plugin: string;
  status: "sent" | "not-authorized" | "failed";
  error?: { kind: string; message: string };
}

/** A decoded ScrobblerScrobbleRequest (or NowPlaying request). */
export interface ScrobbleRequest {
  userId: string;
  username: string;
  timestamp: bigint;
}

/** Sends a scrobble (or now-playing) to every Scrobbler of both generations that says the user is authorized, all at once. */
export async function fanOutScrobble(manager: PluginManager, request: ScrobbleRequest, nowPlaying: boolean): Promise<ScrobbleResult[]> {
  if (request.timestamp === 0n) request.timestamp = BigInt(Math.floor(Date.now() / 1000));
  return Promise.all(
    manager.scrobblers().map(async (client): Promise<ScrobbleResult> => {
      const plugin = client.pluginName;
      try {
        const auth = await client.isAuthorized({ userId: request.userId, username: request.username });
        if (!auth.authorized) return { plugin, status: "not-authorized" };
        await (nowPlaying ? client.nowPlaying(request) : client.scrobble(request));
        return { plugin, status: "sent" };
      } catch (error) {
        const { kind = "Error", message } = error as PluginError;
        return { plugin, status: "failed", error: { kind, message } };
      }
    }),
  );
}
