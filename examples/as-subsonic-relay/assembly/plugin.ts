// A Scrobbler relaying the plays of the configured users to the host's own
// Subsonic API, with LifecycleManagement checking the configuration once per load.
import {
  InitRequest,
  InitResponse,
  LifecycleManagement,
  Result,
  Scrobbler,
  ScrobblerIsAuthorizedRequest,
  ScrobblerIsAuthorizedResponse,
  ScrobblerNowPlayingRequest,
  ScrobblerNowPlayingResponse,
  ScrobblerScrobbleRequest,
  ScrobblerScrobbleResponse,
  TrackInfo,
  registerLifecycleManagement,
  registerScrobbler,
} from "@nd/protocol/assembly";
import { callSubsonic } from "./subsonic";
import { loadUsers, parseUsers } from "./users";

export * from "@nd/protocol/assembly/exports/scrobbler";
export * from "@nd/protocol/assembly/exports/lifecycle_management";

function scrobbleQuery(track: TrackInfo, submission: bool, timestamp: i64): string {
  const query = "id=" + encodeURIComponent(track.id) + "&submission=" + (submission ? "true" : "false");
  return submission ? query + "&time=" + (timestamp * 1000).toString() : query;
}

class SubsonicRelay extends Scrobbler {
  /** Authorized: a configured user whom the Subsonic API answers a ping for. */
  isAuthorized(request: ScrobblerIsAuthorizedRequest): Result<ScrobblerIsAuthorizedResponse> {
    const users = loadUsers();
    if (!users.isOk) return users.forward<ScrobblerIsAuthorizedResponse>();
    if (!users.value!.includes(request.username.toLowerCase())) return Result.ok(new ScrobblerIsAuthorizedResponse(false));
    const ping = callSubsonic("ping", request.username, "");
    return Result.ok(new ScrobblerIsAuthorizedResponse(ping.isOk));
  }

  nowPlaying(request: ScrobblerNowPlayingRequest): Result<ScrobblerNowPlayingResponse> {
    const track = request.track;
    if (track === null) return Result.fail<ScrobblerNowPlayingResponse>("as-subsonic-relay: NowPlaying without a track");
    const sent = callSubsonic("scrobble", request.username, scrobbleQuery(track, false, 0));
    if (!sent.isOk) return sent.forward<ScrobblerNowPlayingResponse>();
    return Result.ok(new ScrobblerNowPlayingResponse());
  }

  scrobble(request: ScrobblerScrobbleRequest): Result<ScrobblerScrobbleResponse> {
    const track = request.track;
    if (track === null) return Result.fail<ScrobblerScrobbleResponse>("as-subsonic-relay: Scrobble without a track");
    const sent = callSubsonic("scrobble", request.username, scrobbleQuery(track, true, request.timestamp));
    if (!sent.isOk) return sent.forward<ScrobblerScrobbleResponse>();
    return Result.ok(new ScrobblerScrobbleResponse());
  }
}

// Reports a missing Users setting once per load; the plugin stays loaded and answers IsAuthorized with the same error.
class ConfigCheck extends LifecycleManagement {
  onInit(request: InitRequest): Result<InitResponse> {
    const users = parseUsers(request.config);
    return Result.ok(new InitResponse(users.isOk ? "" : users.errorText));
  }
}

registerScrobbler(new SubsonicRelay());
registerLifecycleManagement(new ConfigCheck());
