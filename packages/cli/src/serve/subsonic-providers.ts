import type { LibrariesProvider, LibraryInfo, MatcherProvider, SongRef, Track, UsersProvider } from "@nd/host-services";
import type { Logger } from "@nd/runtime";
import type { SubsonicServerConfig } from "../config.js";
import { subsonicForwarder } from "./subsonic-forwarder.js";

/** What generation-2 plugins learn of the music server: its users, libraries and songs. */
export interface MusicServerProviders {
  readonly users: UsersProvider;
  readonly libraries: LibrariesProvider;
  readonly matcher: MatcherProvider;
}

/** The providers, and where they get their answers from, in words for the log. */
export interface MusicServerSource {
  readonly providers: MusicServerProviders;
  readonly source: string;
}

type Json = Record<string, unknown>;
type Ask = (endpoint: string, params: Record<string, string>, username?: string) => Promise<Json>;

const CLIENT = "nd";
const API_VERSION = "1.16.1";
const SEARCH_CANDIDATES = "20";

/**
 * Providers answered by the Subsonic server `nd serve` forwards to, asked as its first admin
 * account in `[Subsonic.Users]` (else its first account): users from getUsers (or, when the
 * server refuses that, the configured accounts), libraries from getMusicFolders, songs matched
 * with search3. Without a `[Subsonic]` server, empty providers. `source` says which; `logger`
 * is told when the users come from the config instead.
 */
export function musicServerProviders(server: SubsonicServerConfig | undefined, logger: Logger): MusicServerSource {
  const accounts = Object.entries(server?.users ?? {});
  const account = accounts.find(([, settings]) => settings.admin)?.[0] ?? accounts[0]?.[0];
  if (!server || account === undefined) {
    return {
      providers: { users: { listUsers: async () => [] }, libraries: { listLibraries: async () => [] }, matcher: { matchSongs: async (songs) => songs.map(() => null) } },
      source: "none (no [Subsonic] server with an account in the config)",
    };
  }
  const ask = subsonicAsker(server, account);
  return {
    providers: {
      users: { listUsers: () => listUsers(ask, server, logger) },
      libraries: { listLibraries: () => listLibraries(ask) },
      matcher: { matchSongs: (songs, options) => Promise.all(songs.map((song) => matchSong(ask, song, options.libraryIds, options.username))) },
    },
    source: `the Subsonic server ${server.url} (getUsers, getMusicFolders, search3) as ${account}`,
  };
}

function subsonicAsker(server: SubsonicServerConfig, account: string): Ask {
  const forwarder = subsonicForwarder(server);
  return async (endpoint, params, username = account) => {
    const query = new URLSearchParams({ ...params, u: username, c: CLIENT, f: "json", v: API_VERSION });
    const text = await forwarder.call({ endpoint, params: query, username, pluginName: CLIENT, signal: AbortSignal.timeout(10_000) });
    const answer = (JSON.parse(text) as { "subsonic-response"?: Json })["subsonic-response"] ?? {};
    if (answer.status !== "ok") {
      const error = (answer.error ?? {}) as { message?: string };
      throw new Error(`the Subsonic server refused ${endpoint}: ${error.message ?? "no reason given"}`);
    }
    return answer;
  };
}

async function listUsers(ask: Ask, server: SubsonicServerConfig, logger: Logger) {
  try {
    const answer = await ask("getUsers", {});
    const users = ((answer.users as Json | undefined)?.user ?? []) as { username: string; adminRole?: boolean }[];
    return users.map((user) => ({ id: user.username, userName: user.username, name: user.username, isAdmin: user.adminRole === true }));
  } catch (error) {
    logger.warn(`users for generation-2 plugins: from [Subsonic.Users] in the config, since ${(error as Error).message}`);
    return Object.entries(server.users).map(([name, settings]) => ({ id: name, userName: name, name, isAdmin: settings.admin }));
  }
}

async function listLibraries(ask: Ask): Promise<LibraryInfo[]> {
  const answer = await ask("getMusicFolders", {});
  const folders = ((answer.musicFolders as Json | undefined)?.musicFolder ?? []) as { id: number | string; name?: string }[];
  return folders.map((folder) => ({
    id: Number(folder.id),
    name: folder.name ?? "",
    // A Subsonic server does not say where its folders are, nor how much they hold.
    path: "",
    lastScanAt: 0,
    totalSongs: 0,
    totalAlbums: 0,
    totalArtists: 0,
    totalSize: 0,
    totalDuration: 0,
  }));
}

interface SubsonicSong {
  id: string;
  title?: string;
  album?: string;
  albumId?: string;
  artist?: string;
  artistId?: string;
  duration?: number;
  track?: number;
  discNumber?: number;
  year?: number;
  musicBrainzId?: string;
}

/** The first search3 song whose title (and artist, when given) equals the song's, ignoring case, in the allowed libraries. */
async function matchSong(ask: Ask, song: SongRef, libraryIds: "all" | number[], username?: string): Promise<Track | null> {
  if (libraryIds !== "all" && libraryIds.length === 0) return null;
  const artist = song.artists?.[0]?.name ?? song.artist ?? "";
  const scopes = libraryIds === "all" ? [undefined] : libraryIds;
  for (const library of scopes) {
    const params: Record<string, string> = { query: song.name, songCount: SEARCH_CANDIDATES, artistCount: "0", albumCount: "0" };
    if (library !== undefined) params.musicFolderId = String(library);
    const answer = await ask("search3", params, username);
    const songs = ((answer.searchResult3 as Json | undefined)?.song ?? []) as SubsonicSong[];
    const same = (a = "", b = "") => a.toLowerCase() === b.toLowerCase();
    const found = songs.find((candidate) => same(candidate.title, song.name) && (artist === "" || same(candidate.artist, artist)));
    if (found) return trackOf(found, library);
  }
  return null;
}

function trackOf(song: SubsonicSong, library: number | undefined): Track {
  return {
    id: song.id,
    title: song.title ?? "",
    album: song.album ?? "",
    albumId: song.albumId ?? "",
    artist: song.artist ?? "",
    artistId: song.artistId ?? "",
    duration: song.duration ?? 0,
    trackNumber: song.track ?? 0,
    discNumber: song.discNumber ?? 0,
    year: song.year ?? 0,
    ...(song.musicBrainzId && { mbzRecordingId: song.musicBrainzId }),
    ...(library !== undefined && { libraryId: library }),
  };
}
