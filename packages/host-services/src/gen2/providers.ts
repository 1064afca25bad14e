// What the embedding music server tells generation-2 services about itself. Shapes follow
// Navidrome v0.63's JSON (field names as the plugin receives them).

import type { gen2 } from "@nd/protocol";

/** A user of the music server; `id` is what PluginAccess.users lists. */
export interface UserInfo {
  id: string;
  userName: string;
  name: string;
  isAdmin: boolean;
}

/** A library of the music server. `path` is its folder on the host. */
export interface LibraryInfo {
  id: number;
  name: string;
  path: string;
  /** Unix seconds. */
  lastScanAt: number;
  totalSongs: number;
  totalAlbums: number;
  totalArtists: number;
  totalSize: number;
  /** Seconds. */
  totalDuration: number;
}

/** An artist as a plugin names it (the generated shape of @nd/protocol). */
export type ArtistRef = gen2.ArtistRef;

/** A song as a plugin names it, to be matched against the library. */
export type SongRef = gen2.SongRef;

/** A matched media file, in v0.63's Track JSON (sent to the plugin as the provider gives it). */
export interface Track {
  id: string;
  [field: string]: unknown;
}

export interface UsersProvider {
  listUsers(): Promise<UserInfo[]>;
}

export interface LibrariesProvider {
  listLibraries(): Promise<LibraryInfo[]>;
}

export interface MatchOptions {
  /** Match as this user (their annotations are added); absent = as an administrator. */
  username?: string;
  /** The libraries the match may return tracks from. */
  libraryIds: "all" | number[];
}

export interface MatcherProvider {
  /** One slot per song, in order: the matched track or null. */
  matchSongs(songs: SongRef[], options: MatchOptions): Promise<(Track | null)[]>;
}
