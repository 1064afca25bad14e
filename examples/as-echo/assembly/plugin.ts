// A MetadataAgent that answers from memory, without host calls, except
// GetArtistImages which makes exactly two cache calls. Used as a fixture for
// the runtime's tests and benchmarks.
import {
  ArtistBiographyRequest,
  ArtistBiographyResponse,
  ArtistImageRequest,
  ArtistImageResponse,
  ArtistMBIDRequest,
  ArtistMBIDResponse,
  ExternalImage,
  MetadataAgent,
  Result,
  registerMetadataAgent,
} from "@nd/protocol/assembly";
import { CacheService, GetRequest, SetStringRequest } from "@nd/protocol/assembly/host/cache";

export * from "@nd/protocol/assembly/exports/metadata_agent";

const IMAGE_TTL_SECONDS: i64 = 3600;

class EchoAgent extends MetadataAgent {
  getArtistBiography(request: ArtistBiographyRequest): Result<ArtistBiographyResponse> {
    return Result.ok(new ArtistBiographyResponse("bio of " + request.name));
  }

  getArtistMBID(request: ArtistMBIDRequest): Result<ArtistMBIDResponse> {
    if (request.name == "") return Result.notFound<ArtistMBIDResponse>();
    return Result.ok(new ArtistMBIDResponse("mbid-of-" + request.name));
  }

  // Two cache calls: reads the remembered URL, then stores it (again) with a fresh TTL.
  getArtistImages(request: ArtistImageRequest): Result<ArtistImageResponse> {
    const key = "image:" + request.name;
    const cached = CacheService.getString(new GetRequest(key));
    if (!cached.isOk) return cached.forward<ArtistImageResponse>();
    const remembered = cached.value!;
    const url = remembered.exists ? remembered.value : "https://images.example/" + encodeURIComponent(request.name);
    const stored = CacheService.setString(new SetStringRequest(key, url, IMAGE_TTL_SECONDS));
    if (!stored.isOk) return stored.forward<ArtistImageResponse>();
    const response = new ArtistImageResponse();
    response.images.push(new ExternalImage(url, 300));
    return Result.ok(response);
  }
}

registerMetadataAgent(new EchoAgent());
