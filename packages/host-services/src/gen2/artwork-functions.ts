import type { ArtworkService } from "../artwork/artwork-service.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";
import type { JsonRequest } from "./json-request.js";

type UrlMethod = "getArtistUrl" | "getAlbumUrl" | "getTrackUrl" | "getPlaylistUrl";

function urlFunction(method: UrlMethod): UserFunction {
  return async (services: Gen2Services, request: JsonRequest) => {
    const artwork = services.artwork as ArtworkService;
    return artwork[method]({ id: request.string("id"), size: request.int32("size") });
  };
}

/** Artwork (`artwork`): signed share URLs, generation 1's tokens; never an error. */
export const ARTWORK_FUNCTIONS: Record<string, UserFunction> = {
  artwork_getartisturl: urlFunction("getArtistUrl"),
  artwork_getalbumurl: urlFunction("getAlbumUrl"),
  artwork_gettrackurl: urlFunction("getTrackUrl"),
  artwork_getplaylisturl: urlFunction("getPlaylistUrl"),
};
