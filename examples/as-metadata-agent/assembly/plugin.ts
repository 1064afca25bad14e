// A MetadataAgent that finds artists and albums in MusicBrainz and describes
// them with Wikipedia, through the host's http and cache services.
import {
  AlbumImagesRequest,
  AlbumImagesResponse,
  AlbumInfo,
  AlbumInfoRequest,
  AlbumInfoResponse,
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
  MetadataAgent,
  NOT_FOUND,
  Result,
  registerMetadataAgent,
} from "@nd/protocol/assembly";
import { relatedArtists, resolveArtistMbid, searchArtist, searchReleaseGroup } from "./musicbrainz";
import { loadSettings } from "./settings";
import { pageSummary } from "./wikipedia";

export * from "@nd/protocol/assembly/exports/metadata_agent";

// GetArtistTopSongs is not overridden: MusicBrainz has no popularity data, so
// it answers plugin:not_implemented and the host asks its other agents.
class MusicBrainzAgent extends MetadataAgent {
  getArtistMBID(request: ArtistMBIDRequest): Result<ArtistMBIDResponse> {
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<ArtistMBIDResponse>();
    const artist = searchArtist(settings.value!.musicBrainzUrl, request.name);
    if (!artist.isOk) return artist.forward<ArtistMBIDResponse>();
    return Result.ok(new ArtistMBIDResponse(artist.value!.id));
  }

  getArtistURL(request: ArtistURLRequest): Result<ArtistURLResponse> {
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<ArtistURLResponse>();
    const base = settings.value!.musicBrainzUrl;
    const mbid = resolveArtistMbid(base, request.mbid, request.name);
    if (!mbid.isOk) return mbid.forward<ArtistURLResponse>();
    return Result.ok(new ArtistURLResponse(base + "/artist/" + mbid.value!));
  }

  getArtistBiography(request: ArtistBiographyRequest): Result<ArtistBiographyResponse> {
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<ArtistBiographyResponse>();
    const summary = pageSummary(settings.value!.wikipediaUrl, request.name);
    if (!summary.isOk) return summary.forward<ArtistBiographyResponse>();
    const extract = summary.value!.extract;
    if (extract == "") return Result.notFound<ArtistBiographyResponse>();
    return Result.ok(new ArtistBiographyResponse(extract));
  }

  getArtistImages(request: ArtistImageRequest): Result<ArtistImageResponse> {
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<ArtistImageResponse>();
    const summary = pageSummary(settings.value!.wikipediaUrl, request.name);
    if (!summary.isOk) return summary.forward<ArtistImageResponse>();
    const images = summary.value!.images();
    if (images.length == 0) return Result.notFound<ArtistImageResponse>();
    return Result.ok(new ArtistImageResponse(images));
  }

  getSimilarArtists(request: ArtistSimilarRequest): Result<ArtistSimilarResponse> {
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<ArtistSimilarResponse>();
    const base = settings.value!.musicBrainzUrl;
    const mbid = resolveArtistMbid(base, request.mbid, request.name);
    if (!mbid.isOk) return mbid.forward<ArtistSimilarResponse>();
    const related = relatedArtists(base, mbid.value!);
    if (!related.isOk) return related.forward<ArtistSimilarResponse>();
    const response = new ArtistSimilarResponse();
    const found = related.value!;
    const limit = request.limit > 0 ? request.limit : found.length;
    for (let i = 0; i < found.length && response.artists.length < limit; i++) {
      response.artists.push(new Artist(found[i].name, found[i].id));
    }
    if (response.artists.length == 0) return Result.notFound<ArtistSimilarResponse>();
    return Result.ok(response);
  }

  getAlbumInfo(request: AlbumInfoRequest): Result<AlbumInfoResponse> {
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<AlbumInfoResponse>();
    const base = settings.value!.musicBrainzUrl;
    const album = searchReleaseGroup(base, request.name, request.artist);
    if (!album.isOk) return album.forward<AlbumInfoResponse>();
    const group = album.value!;
    const info = new AlbumInfo(group.title, group.id, "", base + "/release-group/" + group.id);
    // The description is optional: a missing Wikipedia page still leaves a useful answer.
    const summary = pageSummary(settings.value!.wikipediaUrl, group.title);
    if (summary.isOk) info.description = summary.value!.extract;
    else if (summary.errorText != NOT_FOUND) return summary.forward<AlbumInfoResponse>();
    return Result.ok(new AlbumInfoResponse(info));
  }

  getAlbumImages(request: AlbumImagesRequest): Result<AlbumImagesResponse> {
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<AlbumImagesResponse>();
    const summary = pageSummary(settings.value!.wikipediaUrl, request.name);
    if (!summary.isOk) return summary.forward<AlbumImagesResponse>();
    const images = summary.value!.images();
    if (images.length == 0) return Result.notFound<AlbumImagesResponse>();
    return Result.ok(new AlbumImagesResponse(images));
  }
}

registerMetadataAgent(new MusicBrainzAgent());
