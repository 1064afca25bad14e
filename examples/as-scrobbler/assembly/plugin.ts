// A Scrobbler posting now-playing and listens to a ListenBrainz-compatible
// server, with LifecycleManagement checking the configuration once per load.
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
  registerLifecycleManagement,
  registerScrobbler,
} from "@nd/protocol/assembly";
import { playingNowBody, singleListenBody } from "./listen";
import { submitListens, validateToken } from "./listenbrainz";
import { loadSettings, parseSettings } from "./settings";

export * from "@nd/protocol/assembly/exports/scrobbler";
export * from "@nd/protocol/assembly/exports/lifecycle_management";

class ListenBrainzScrobbler extends Scrobbler {
  isAuthorized(request: ScrobblerIsAuthorizedRequest): Result<ScrobblerIsAuthorizedResponse> {
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<ScrobblerIsAuthorizedResponse>();
    return validateToken(settings.value!);
  }

  nowPlaying(request: ScrobblerNowPlayingRequest): Result<ScrobblerNowPlayingResponse> {
    const track = request.track;
    if (track === null) return Result.fail<ScrobblerNowPlayingResponse>("as-scrobbler: NowPlaying without a track");
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<ScrobblerNowPlayingResponse>();
    const sent = submitListens(settings.value!, playingNowBody(track));
    if (!sent.isOk) return sent.forward<ScrobblerNowPlayingResponse>();
    return Result.ok(new ScrobblerNowPlayingResponse());
  }

  scrobble(request: ScrobblerScrobbleRequest): Result<ScrobblerScrobbleResponse> {
    const track = request.track;
    if (track === null) return Result.fail<ScrobblerScrobbleResponse>("as-scrobbler: Scrobble without a track");
    const settings = loadSettings();
    if (!settings.isOk) return settings.forward<ScrobblerScrobbleResponse>();
    const sent = submitListens(settings.value!, singleListenBody(track, request.timestamp));
    if (!sent.isOk) return sent.forward<ScrobblerScrobbleResponse>();
    return Result.ok(new ScrobblerScrobbleResponse());
  }
}

// Reports a wrong configuration once per load, naming the missing or wrong key (the plugin stays loaded).
class ConfigCheck extends LifecycleManagement {
  onInit(request: InitRequest): Result<InitResponse> {
    const settings = parseSettings(request.config);
    return Result.ok(new InitResponse(settings.isOk ? "" : settings.errorText));
  }
}

registerScrobbler(new ListenBrainzScrobbler());
registerLifecycleManagement(new ConfigCheck());
