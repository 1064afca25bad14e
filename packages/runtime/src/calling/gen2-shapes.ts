/** Generation 2's JSON shapes the typed clients use, from `@nd/protocol` (generated from proto/gen2). */
import type { gen2 } from "@nd/protocol";

export type ArtistRef = gen2.ArtistRef;
export type SongRef = gen2.SongRef;
export type TrackInfo = gen2.TrackInfo;
export type LyricsRequest = gen2.LyricsRequest;
/** As the lyrics client answers it: `lang` is "xxx" when the plugin gave none. */
export type LyricsText = Required<gen2.LyricsText>;
export interface LyricsResponse {
  lyrics: LyricsText[];
}
export type SonicSimilarTracksRequest = gen2.SonicSimilarTracksRequest;
export type SonicPathRequest = gen2.SonicPathRequest;
export type SonicMatch = gen2.SonicMatch;
export type SonicMatchesResponse = gen2.SonicMatchesResponse;
export type SimilarSongsByTrackRequest = gen2.SimilarSongsByTrackRequest;
export type SimilarSongsByAlbumRequest = gen2.SimilarSongsByAlbumRequest;
export type SimilarSongsByArtistRequest = gen2.SimilarSongsByArtistRequest;
export type SimilarSongsResponse = gen2.SongsResponse;
export type PlaybackReportRequest = gen2.PlaybackReportRequest;

/** How a scrobbler's failure reads: the host retries `retry_later`, asks the user to log in for `not_authorized`. */
export type ScrobblerErrorKind = "not_authorized" | "retry_later" | "unrecoverable";
