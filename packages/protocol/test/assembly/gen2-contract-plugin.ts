// A generation-2 plugin exercising the AssemblyScript SDK for gen2-sdk.test.ts: every
// capability kind of answer (object, bare boolean, bare string, none, -2, error) and host
// calls with base64, int64, nullable items and no-parameter functions.
import {
  ArtistBiographyResponse,
  ArtistRef,
  ArtistRequest,
  ArtistUrlResponse,
  Empty,
  IsAuthorizedRequest,
  IsAuthorizedResponse,
  KvSetRequest,
  MatchOptions,
  MatchSongsRequest,
  MetadataAgent,
  Result,
  SCROBBLER_RETRY_LATER,
  ScrobbleRequest,
  Scrobbler,
  SimilarArtistsRequest,
  SimilarArtistsResponse,
  SonicMatch,
  SonicMatchesResponse,
  SonicPathRequest,
  SonicSimilarTracksRequest,
  SonicSimilarity,
  SongRef,
  TaskExecuteRequest,
  TaskExecuteResponse,
  TaskWorker,
  done,
  extismHttpRequest,
  registerMetadataAgent,
  registerScrobbler,
  registerSonicSimilarity,
  registerTaskWorker,
} from "@nd/protocol/assembly/gen2";
import { KVStoreService } from "@nd/protocol/assembly/gen2/host/kvstore";
import { MatcherService } from "@nd/protocol/assembly/gen2/host/matcher";
import { UsersService } from "@nd/protocol/assembly/gen2/host/users";

export * from "@nd/protocol/assembly/gen2/exports/metadata_agent";
export * from "@nd/protocol/assembly/gen2/exports/scrobbler";
export * from "@nd/protocol/assembly/gen2/exports/sonic_similarity";
export * from "@nd/protocol/assembly/gen2/exports/task_worker";

class Agent extends MetadataAgent {
  getArtistBiography(request: ArtistRequest): Result<ArtistBiographyResponse> {
    if (request.name == "") return Result.fail<ArtistBiographyResponse>("no name");
    return Result.ok(new ArtistBiographyResponse("bio of " + request.name + " (" + request.mbid + ")"));
  }

  // Extism's own HTTP: POSTs the name, answers "<status> <content-type> <body>".
  getArtistUrl(request: ArtistRequest): Result<ArtistUrlResponse> {
    const headers = new Map<string, string>();
    headers.set("X-Artist", request.id);
    const body = Uint8Array.wrap(String.UTF8.encode(request.name));
    const response = extismHttpRequest("https://upstream.test/url", "POST", headers, body);
    const contentType = response.headers.has("content-type") ? response.headers.get("content-type") : "";
    const text = String.UTF8.decode(response.body.buffer);
    return Result.ok(new ArtistUrlResponse(response.status.toString() + " " + contentType + " " + text));
  }

  getSimilarArtists(request: SimilarArtistsRequest): Result<SimilarArtistsResponse> {
    const response = new SimilarArtistsResponse();
    for (let i = 0; i < request.limit; i++) {
      response.artists.push(new ArtistRef(i % 2 == 0 ? "" : "id-" + i.toString(), request.name + " " + i.toString()));
    }
    return Result.ok(response);
  }
}

class Scrobbles extends Scrobbler {
  isAuthorized(request: IsAuthorizedRequest): Result<IsAuthorizedResponse> {
    return Result.ok(new IsAuthorizedResponse(request.username == "alice"));
  }

  scrobble(request: ScrobbleRequest): Result<Empty> {
    const value = request.track.title + "|" + request.timestamp.toString();
    const stored = KVStoreService.set(new KvSetRequest("last:" + request.username, Uint8Array.wrap(String.UTF8.encode(value))));
    return stored.isOk ? done() : Result.fail<Empty>(SCROBBLER_RETRY_LATER + " " + stored.errorText);
  }
}

class Sonic extends SonicSimilarity {
  getSonicSimilarTracks(request: SonicSimilarTracksRequest): Result<SonicMatchesResponse> {
    const response = new SonicMatchesResponse();
    for (let i = 0; i < request.count; i++) response.matches.push(new SonicMatch(request.song, <f64>i * 0.5));
    return Result.ok(response);
  }

  findSonicPath(request: SonicPathRequest): Result<SonicMatchesResponse> {
    const users = UsersService.getUsers();
    if (!users.isOk) return users.forward<SonicMatchesResponse>();
    const songs = new Array<SongRef>();
    songs.push(request.startSong);
    songs.push(request.endSong);
    const matched = MatcherService.matchSongs(new MatchSongsRequest(songs, new MatchOptions(users.value!.result[0].userName)));
    if (!matched.isOk) return matched.forward<SonicMatchesResponse>();
    const response = new SonicMatchesResponse();
    const results = matched.value!.results;
    for (let i = 0; i < results.length; i++) {
      const track = results[i];
      if (track === null) continue;
      response.matches.push(new SonicMatch(new SongRef(track.id, track.title), track.averageRating));
    }
    return Result.ok(response);
  }
}

class Tasks extends TaskWorker {
  execute(request: TaskExecuteRequest): Result<TaskExecuteResponse> {
    const payload = String.UTF8.decode(request.payload.buffer);
    if (payload == "fail") return Result.fail<TaskExecuteResponse>("failed on attempt " + request.attempt.toString());
    return Result.ok(new TaskExecuteResponse("ran " + payload + " in " + request.queueName));
  }
}

registerMetadataAgent(new Agent());
registerScrobbler(new Scrobbles());
registerSonicSimilarity(new Sonic());
registerTaskWorker(new Tasks());
