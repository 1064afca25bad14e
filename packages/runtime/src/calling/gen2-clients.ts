import { gen2, type api } from "@nd/protocol";
import { PluginCallError, PluginError, PluginNotFoundError, PluginNotImplementedError } from "../errors.js";
import type { DeepPartial, MetadataAgentClient, ScrobblerClient } from "./capability-clients.js";
import type {
  LyricsRequest,
  PlaybackReportRequest,
  SimilarSongsByAlbumRequest,
  SimilarSongsByArtistRequest,
  SimilarSongsByTrackRequest,
  SimilarSongsResponse,
  LyricsResponse,
  ScrobblerErrorKind,
  SonicMatchesResponse,
  SonicPathRequest,
  SonicSimilarTracksRequest,
  SongRef,
  TrackInfo,
} from "./gen2-shapes.js";

/** Generation 2's additions to the metadata agent client (absent on generation-1 agents). */
export interface SimilarSongsMethods {
  /** Rejects with PluginNotFoundError when the plugin found no songs. */
  getSimilarSongsByTrack(request: SimilarSongsByTrackRequest): Promise<SimilarSongsResponse>;
  getSimilarSongsByAlbum(request: SimilarSongsByAlbumRequest): Promise<SimilarSongsResponse>;
  getSimilarSongsByArtist(request: SimilarSongsByArtistRequest): Promise<SimilarSongsResponse>;
}

/** A metadata agent of either generation; the similar-songs methods exist on generation-2 agents. */
export type AnyMetadataAgentClient = MetadataAgentClient & Partial<SimilarSongsMethods>;

/** Generation 2's addition to the scrobbler client (absent on generation-1 scrobblers). */
export interface PlaybackReportMethod {
  /** A plugin that does not implement it (no export, or -2) is skipped silently, as in Navidrome. */
  playbackReport(request: PlaybackReportRequest): Promise<void>;
}

/** A scrobbler of either generation; `playbackReport` exists on generation-2 scrobblers. */
export type AnyScrobblerClient = ScrobblerClient & Partial<PlaybackReportMethod>;

/** Calls one export of a generation-2 plugin's current version. */
export type CallExport = (exportName: string, input: Uint8Array) => Promise<Uint8Array>;

export interface LyricsClient {
  readonly pluginName: string;
  /** Rejects with PluginNotFoundError when the plugin has no lyrics for the track. */
  getLyrics(request: LyricsRequest): Promise<LyricsResponse>;
}

export interface SonicSimilarityClient {
  readonly pluginName: string;
  getSonicSimilarTracks(request: SonicSimilarTracksRequest): Promise<SonicMatchesResponse>;
  findSonicPath(request: SonicPathRequest): Promise<SonicMatchesResponse>;
}

const { MetadataAgent, Scrobbler, Lyrics, SonicSimilarity } = gen2.CAPABILITIES;
const encoder = new TextEncoder();

/** Sends `request` as JSON; answers the decoded output, undefined when the plugin set none. */
async function callJson(call: CallExport, exportName: string, request: object): Promise<unknown> {
  const output = await call(exportName, encoder.encode(JSON.stringify(request)));
  if (output.length === 0) return undefined;
  return JSON.parse(new TextDecoder().decode(output)) as unknown;
}

/** A request field `mbid` is left out when empty, as Navidrome sends it. */
function withMbid<T extends object>(request: T, mbid: string | undefined): T & { mbid?: string } {
  return mbid ? { ...request, mbid } : request;
}

/**
 * A generation-2 MetadataAgent behind the same client as generation 1's: requests and answers
 * in the shapes of `@nd/protocol`'s api messages. An empty answer is PluginNotFoundError,
 * as `plugin:not_found` is in generation 1; -2 or a missing export is PluginNotImplementedError.
 */
export function gen2MetadataAgent(pluginName: string, call: CallExport): AnyMetadataAgentClient {
  const ask = async <T>(exportName: string, request: object, read: (answer: Record<string, unknown>) => T | undefined): Promise<T> => {
    const answer = (await notImplementedWhenMissing(pluginName, () => callJson(call, exportName, request))) as Record<string, unknown> | null | undefined;
    const result = answer ? read(answer) : undefined;
    if (result === undefined) throw new PluginNotFoundError(pluginName, `${exportName}: no answer`);
    return result;
  };
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const list = <T>(value: unknown, map: (entry: Record<string, unknown>) => T) =>
    Array.isArray(value) && value.length > 0 ? value.map((entry) => map(entry as Record<string, unknown>)) : undefined;
  const artist = (entry: Record<string, unknown>): api.Artist => ({ name: String(entry.name ?? ""), mbid: String(entry.mbid ?? "") });
  const image = (entry: Record<string, unknown>): api.ExternalImage => ({ url: String(entry.url ?? ""), size: Number(entry.size ?? 0) });
  type Req<T> = DeepPartial<T> | undefined;
  const songs =
    (exportName: string) =>
    ({ mbid, ...request }: { mbid?: string }): Promise<SimilarSongsResponse> =>
      ask(exportName, withMbid(request, mbid), (a) => wrap(list(a.songs, (song) => song as unknown as SongRef), (found) => ({ songs: found })));
  return {
    pluginName,
    getSimilarSongsByTrack: songs(MetadataAgent.getSimilarSongsByTrack),
    getSimilarSongsByAlbum: songs(MetadataAgent.getSimilarSongsByAlbum),
    getSimilarSongsByArtist: songs(MetadataAgent.getSimilarSongsByArtist),
    getArtistMBID: (r: Req<api.ArtistMBIDRequest> = {}) =>
      ask(MetadataAgent.getArtistMBID, { id: r.id ?? "", name: r.name ?? "" }, (a) => wrap(text(a.mbid), (mbid) => ({ mbid }))),
    getArtistURL: (r: Req<api.ArtistURLRequest> = {}) =>
      ask(MetadataAgent.getArtistURL, withMbid({ id: r.id ?? "", name: r.name ?? "" }, r.mbid), (a) => wrap(text(a.url), (url) => ({ url }))),
    getArtistBiography: (r: Req<api.ArtistBiographyRequest> = {}) =>
      ask(MetadataAgent.getArtistBiography, withMbid({ id: r.id ?? "", name: r.name ?? "" }, r.mbid), (a) =>
        wrap(text(a.biography), (biography) => ({ biography })),
      ),
    getSimilarArtists: (r: Req<api.ArtistSimilarRequest> = {}) =>
      ask(MetadataAgent.getSimilarArtists, withMbid({ id: r.id ?? "", name: r.name ?? "", limit: r.limit ?? 0 }, r.mbid), (a) =>
        wrap(list(a.artists, artist), (artists) => ({ artists })),
      ),
    getArtistImages: (r: Req<api.ArtistImageRequest> = {}) =>
      ask(MetadataAgent.getArtistImages, withMbid({ id: r.id ?? "", name: r.name ?? "" }, r.mbid), (a) =>
        wrap(list(a.images, image), (images) => ({ images })),
      ),
    getArtistTopSongs: (r: Req<api.ArtistTopSongsRequest> = {}) =>
      ask(MetadataAgent.getArtistTopSongs, withMbid({ id: r.id ?? "", name: r.artistName ?? "", count: r.count ?? 0 }, r.mbid), (a) =>
        wrap(list(a.songs, artist), (songs) => ({ songs })),
      ),
    getAlbumInfo: (r: Req<api.AlbumInfoRequest> = {}) =>
      ask(MetadataAgent.getAlbumInfo, withMbid({ name: r.name ?? "", artist: r.artist ?? "" }, r.mbid), (a) => ({
        info: { name: String(a.name ?? ""), mbid: String(a.mbid ?? ""), description: String(a.description ?? ""), url: String(a.url ?? "") },
      })),
    getAlbumImages: (r: Req<api.AlbumImagesRequest> = {}) =>
      ask(MetadataAgent.getAlbumImages, withMbid({ name: r.name ?? "", artist: r.artist ?? "" }, r.mbid), (a) =>
        wrap(list(a.images, image), (images) => ({ images })),
      ),
  } as unknown as AnyMetadataAgentClient;
}

/**
 * A generation-2 Scrobbler behind generation 1's client. `isAuthorized` answers
 * `{authorized}` (any failure reads as not authorized, as in Navidrome); a failed
 * nowPlaying or scrobble rejects with PluginCallError whose text `scrobblerErrorKind` reads.
 */
export function gen2Scrobbler(pluginName: string, call: CallExport): AnyScrobblerClient {
  type Req<T> = DeepPartial<T> | undefined;
  return {
    pluginName,
    isAuthorized: async (r: Req<api.ScrobblerIsAuthorizedRequest> = {}) => {
      try {
        return { authorized: (await callJson(call, Scrobbler.isAuthorized, { username: r.username ?? "" })) === true, error: "" };
      } catch (error) {
        if (error instanceof PluginError) return { authorized: false, error: "" };
        throw error;
      }
    },
    nowPlaying: async (r: Req<api.ScrobblerNowPlayingRequest> = {}) => {
      const request = { username: r.username ?? "", track: trackInfo(r.track), position: r.track?.position ?? 0 };
      await callJson(call, Scrobbler.nowPlaying, request);
      return { error: "" };
    },
    scrobble: async (r: Req<api.ScrobblerScrobbleRequest> = {}) => {
      const request = { username: r.username ?? "", track: trackInfo(r.track), timestamp: Number(r.timestamp ?? 0) };
      await callJson(call, Scrobbler.scrobble, request);
      return { error: "" };
    },
    playbackReport: async (request: PlaybackReportRequest) => {
      try {
        await callJson(call, Scrobbler.playbackReport, request);
      } catch (error) {
        if (!(error instanceof PluginNotImplementedError || error instanceof PluginNotFoundError)) throw error;
      }
    },
  } as unknown as AnyScrobblerClient;
}

/** How a scrobbler's failure reads, by the markers of Navidrome v0.63 (anything else is unrecoverable). */
export function scrobblerErrorKind(error: unknown): ScrobblerErrorKind {
  const text = error instanceof Error ? error.message : String(error);
  if (text.includes("scrobbler(not_authorized)")) return "not_authorized";
  if (text.includes("scrobbler(retry_later)")) return "retry_later";
  return "unrecoverable";
}

/** A generation-2 Lyrics plugin. An empty language becomes "xxx"; no lyrics is PluginNotFoundError. */
export function gen2Lyrics(pluginName: string, call: CallExport): LyricsClient {
  return {
    pluginName,
    getLyrics: async (request) => {
      const answer = (await notImplementedWhenMissing(pluginName, () => callJson(call, Lyrics.getLyrics, request))) as
        | { lyrics?: { lang?: string; text?: string }[] }
        | undefined;
      const lyrics = (answer?.lyrics ?? [])
        .filter((entry) => typeof entry.text === "string" && entry.text !== "")
        .map((entry) => ({ lang: entry.lang || "xxx", text: entry.text! }));
      if (lyrics.length === 0) throw new PluginNotFoundError(pluginName, `${Lyrics.getLyrics}: no lyrics`);
      return { lyrics };
    },
  };
}

/** A generation-2 SonicSimilarity plugin. */
export function gen2SonicSimilarity(pluginName: string, call: CallExport): SonicSimilarityClient {
  const matches = async (exportName: string, request: object): Promise<SonicMatchesResponse> => {
    const answer = (await notImplementedWhenMissing(pluginName, () => callJson(call, exportName, request))) as
      | { matches?: { song?: SongRef; similarity?: number }[] }
      | undefined;
    return { matches: (answer?.matches ?? []).map((m) => ({ song: m.song ?? { name: "" }, similarity: m.similarity ?? 0 })) };
  };
  return {
    pluginName,
    getSonicSimilarTracks: (request) => matches(SonicSimilarity.getSonicSimilarTracks, request),
    findSonicPath: (request) => matches(SonicSimilarity.findSonicPath, request),
  };
}

/** A missing export reads as "not implemented" to a client, as in generation 1: the host asks the next plugin. */
async function notImplementedWhenMissing<T>(pluginName: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PluginNotFoundError) throw new PluginNotImplementedError(pluginName, error.message);
    if (error instanceof SyntaxError) throw new PluginCallError(pluginName, `the plugin's output is not JSON (${error.message})`);
    throw error;
  }
}

function wrap<T, R>(value: T | undefined, make: (value: T) => R): R | undefined {
  return value === undefined ? undefined : make(value);
}

/** Generation 1's TrackInfo in generation 2's shape. */
function trackInfo(track: DeepPartial<api.TrackInfo> | undefined): TrackInfo {
  const artists = (track?.artists ?? []).map((a) => ({ name: a?.name ?? "", ...(a?.mbid && { mbid: a.mbid }) }));
  const albumArtists = (track?.albumArtists ?? []).map((a) => ({ name: a?.name ?? "", ...(a?.mbid && { mbid: a.mbid }) }));
  return {
    id: track?.id ?? "",
    title: track?.name ?? "",
    album: track?.album ?? "",
    artist: artists.map((a) => a.name).join(" • "),
    albumArtist: albumArtists.map((a) => a.name).join(" • "),
    artists,
    albumArtists,
    duration: track?.length ?? 0,
    trackNumber: 0,
    discNumber: 0,
    ...(track?.mbid && { mbzRecordingId: track.mbid }),
    ...(track?.albumMbid && { mbzAlbumId: track.albumMbid }),
  };
}
