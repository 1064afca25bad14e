/**
 * The generation-2 JSON shapes the typed clients send and read (Navidrome v0.63's
 * `plugins/types` and capability schemas). Optional fields are left out when empty.
 */
export interface ArtistRef {
  name: string;
  id?: string;
  mbid?: string;
  sortName?: string;
  role?: string;
  subRole?: string;
}

export interface SongRef {
  name: string;
  id?: string;
  mbid?: string;
  isrc?: string;
  artists?: ArtistRef[];
  album?: string;
  albumMbid?: string;
  /** Seconds (deprecated in favour of durationMs). */
  duration?: number;
  durationMs?: number;
}

export interface TrackInfo {
  id: string;
  title: string;
  album: string;
  artist: string;
  albumArtist: string;
  artists: ArtistRef[];
  albumArtists: ArtistRef[];
  /** Seconds. */
  duration: number;
  trackNumber: number;
  discNumber: number;
  mbzRecordingId?: string;
  mbzAlbumId?: string;
  mbzReleaseGroupId?: string;
  mbzReleaseTrackId?: string;
  libraryId?: number;
  path?: string;
}

export interface LyricsRequest {
  track: TrackInfo;
}

export interface LyricsText {
  /** "xxx" when the plugin gave none. */
  lang: string;
  text: string;
}

export interface LyricsResponse {
  lyrics: LyricsText[];
}

export interface SonicSimilarTracksRequest {
  song: SongRef;
  count: number;
}

export interface SonicPathRequest {
  startSong: SongRef;
  endSong: SongRef;
  count: number;
}

export interface SonicMatch {
  song: SongRef;
  similarity: number;
}

export interface SonicMatchesResponse {
  matches: SonicMatch[];
}

/** How a scrobbler's failure reads: the host retries `retry_later`, asks the user to log in for `not_authorized`. */
export type ScrobblerErrorKind = "not_authorized" | "retry_later" | "unrecoverable";

export interface SimilarSongsByTrackRequest {
  id: string;
  name: string;
  artist: string;
  mbid?: string;
  count: number;
}

export interface SimilarSongsByAlbumRequest {
  id: string;
  name: string;
  artist: string;
  mbid?: string;
  count: number;
}

export interface SimilarSongsByArtistRequest {
  id: string;
  name: string;
  mbid?: string;
  count: number;
}

export interface SimilarSongsResponse {
  songs: SongRef[];
}

/** One playback event: `state` is starting, playing, paused, stopped or expired. */
export interface PlaybackReportRequest {
  username: string;
  track: TrackInfo;
  state: "starting" | "playing" | "paused" | "stopped" | "expired";
  positionMs: number;
  playbackRate: number;
  playerId: string;
  playerName: string;
  /** Unix seconds. */
  timestamp: number;
}
