import type { HostContext } from "../host-context.js";
import type { ResolvedOptions } from "../options.js";
import { type ArtworkKind, createArtworkToken } from "./artwork-token.js";
import type * as Messages from "../messages.js";

type UrlRequest = Partial<Messages.GetArtworkUrlRequest>;

/** ArtworkService: public, signed share URLs of artist, album and track images. */
export interface ArtworkService {
  getArtistUrl(request: UrlRequest): Promise<Messages.GetArtworkUrlResponse>;
  getAlbumUrl(request: UrlRequest): Promise<Messages.GetArtworkUrlResponse>;
  getTrackUrl(request: UrlRequest): Promise<Messages.GetArtworkUrlResponse>;
  /** Generation 2 only (artwork_getplaylisturl). */
  getPlaylistUrl(request: UrlRequest): Promise<Messages.GetArtworkUrlResponse>;
}

export function createArtworkService(settings: ResolvedOptions["artwork"]): ArtworkService {
  // As Navidrome: only the scheme and host (with its port) of ShareURL count; a path is not used.
  const base = settings.baseUrl.origin;

  async function urlOf(kind: ArtworkKind, request: UrlRequest): Promise<Messages.GetArtworkUrlResponse> {
    const token = createArtworkToken({ kind, id: request.id ?? "" }, settings.secret());
    const size = request.size ?? 0;
    return { url: `${base}/share/img/${token}${size > 0 ? `?size=${size}` : ""}` };
  }

  return {
    getArtistUrl: (request) => urlOf("artist", request),
    getAlbumUrl: (request) => urlOf("album", request),
    getTrackUrl: (request) => urlOf("track", request),
    getPlaylistUrl: (request) => urlOf("playlist", request),
  };
}

/** The artwork service of a plugin granted `artwork`; warns once per host when no base URL is configured. */
export function createPluginArtworkService(host: HostContext): ArtworkService {
  const settings = host.options.artwork;
  if (!settings.baseUrlGiven) {
    host.warnOnce(
      "artwork-base-url",
      `artwork URLs start with ${settings.baseUrl.origin}: no artwork.baseUrl (ShareURL) is configured`,
    );
  }
  return createArtworkService(settings);
}
