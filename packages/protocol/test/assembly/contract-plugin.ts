// A plugin that exercises every part of the AssemblyScript SDK the wire
// contract depends on; compiled and driven by ../assembly.test.ts.
import {
  Artist,
  ArtistBiographyRequest,
  ArtistBiographyResponse,
  ArtistImageRequest,
  ArtistImageResponse,
  ArtistMBIDRequest,
  ArtistMBIDResponse,
  ArtistSimilarRequest,
  ArtistSimilarResponse,
  ArtistURLRequest,
  ArtistURLResponse,
  ExternalImage,
  InitRequest,
  InitResponse,
  LifecycleManagement,
  MetadataAgent,
  Result,
  ScrobblerScrobbleRequest,
  ScrobblerScrobbleResponse,
  Scrobbler,
  registerLifecycleManagement,
  registerMetadataAgent,
  registerScrobbler,
} from "@nd/protocol/assembly";
import { CacheService, GetRequest, SetFloatRequest } from "@nd/protocol/assembly/host/cache";
import { HttpRequest, HttpService } from "@nd/protocol/assembly/host/http";

export * from "@nd/protocol/assembly/exports/metadata_agent";
export * from "@nd/protocol/assembly/exports/scrobbler";
export * from "@nd/protocol/assembly/exports/lifecycle_management";

class Agent extends MetadataAgent {
  getArtistBiography(request: ArtistBiographyRequest): Result<ArtistBiographyResponse> {
    return Result.ok(new ArtistBiographyResponse("bio of " + request.name + " (" + request.mbid + ")"));
  }

  getArtistMBID(request: ArtistMBIDRequest): Result<ArtistMBIDResponse> {
    if (request.name == "") return Result.notFound<ArtistMBIDResponse>();
    return Result.fail<ArtistMBIDResponse>("no mbid for " + request.name);
  }

  getSimilarArtists(request: ArtistSimilarRequest): Result<ArtistSimilarResponse> {
    const response = new ArtistSimilarResponse();
    for (let i = 0; i < request.limit; i++) {
      response.artists.push(new Artist(request.name + " " + i.toString(), "mbid-" + i.toString()));
    }
    return Result.ok(response);
  }

  // Two cache calls: a read of a double and a write of the double plus one.
  getArtistImages(request: ArtistImageRequest): Result<ArtistImageResponse> {
    const read = CacheService.getFloat(new GetRequest(request.name));
    if (!read.isOk) return read.forward<ArtistImageResponse>();
    const next = read.value!.value + 1.5;
    const written = CacheService.setFloat(new SetFloatRequest(request.name, next, 60));
    if (!written.isOk) return written.forward<ArtistImageResponse>();
    const response = new ArtistImageResponse();
    response.images.push(new ExternalImage("size " + next.toString(), <i32>next));
    return Result.ok(response);
  }

  // Posts the request's fields to the host and answers the response body as URL.
  getArtistURL(request: ArtistURLRequest): Result<ArtistURLResponse> {
    const post = new HttpRequest("http://upstream.test/artist");
    post.headers.set("X-Name", request.name);
    post.body = Uint8Array.wrap(String.UTF8.encode(request.mbid));
    post.timeoutMs = -1;
    const reply = HttpService.post(post);
    if (!reply.isOk) return reply.forward<ArtistURLResponse>();
    const response = reply.value!;
    if (response.error != "") return Result.fail<ArtistURLResponse>("upstream: " + response.error);
    const contentType = response.headers.has("content-type") ? response.headers.get("content-type") : "none";
    const body = String.UTF8.decode(response.body.buffer);
    return Result.ok(new ArtistURLResponse(response.status.toString() + " " + contentType + " " + body));
  }
}

class Lifecycle extends LifecycleManagement {
  onInit(request: InitRequest): Result<InitResponse> {
    if (!request.config.has("token")) return Result.ok(new InitResponse("token missing"));
    return Result.ok(new InitResponse());
  }
}

// Implements no method: every call answers plugin:not_implemented.
class Silent extends Scrobbler {}

class Echoing extends Scrobbler {
  scrobble(request: ScrobblerScrobbleRequest): Result<ScrobblerScrobbleResponse> {
    const track = request.track;
    if (track === null) return Result.fail<ScrobblerScrobbleResponse>("no track");
    return Result.ok(
      new ScrobblerScrobbleResponse(
        track.name + "|" + track.artists.length.toString() + "|" + request.timestamp.toString(),
      ),
    );
  }
}

registerMetadataAgent(new Agent());
registerLifecycleManagement(new Lifecycle());
registerScrobbler(new Silent());
registerScrobbler(new Echoing()); // the last registration wins
