// A generation-2 Lyrics plugin: asks LRCLIB (https://lrclib.net) for a track's lyrics,
// preferring synced (LRC) lyrics, and keeps each answer in the host's cache. nd_on_init
// checks the configuration once per load.
import {
  CacheKeyRequest,
  CacheSetStringRequest,
  ConfigGetRequest,
  HttpRequest,
  HttpSendRequest,
  InitRequest,
  Lifecycle,
  Lyrics,
  LyricsRequest,
  LyricsResponse,
  LyricsText,
  LogLevel,
  Result,
  TrackInfo,
  configValue,
  done,
  log,
  parseJson,
  registerLifecycle,
  registerLyrics,
  Empty,
} from "@nd/protocol/assembly/gen2";
import { CacheService } from "@nd/protocol/assembly/gen2/host/cache";
import { ConfigService } from "@nd/protocol/assembly/gen2/host/config";
import { HTTPService } from "@nd/protocol/assembly/gen2/host/http";

export * from "@nd/protocol/assembly/gen2/exports/lyrics";
export * from "@nd/protocol/assembly/gen2/exports/lifecycle";

const API = "https://lrclib.net/api/get";
const DEFAULT_CACHE_HOURS: i64 = 24;
const TIMEOUT_MS: i32 = 5000;

const BAD_CACHE_HOURS = "cache_hours must be a positive whole number";

/** The cache lifetime from config "cache_hours" (default 24) in seconds; 0 when the value is invalid. */
function cacheSeconds(): i64 {
  const text = configValue("cache_hours");
  if (text === null) return DEFAULT_CACHE_HOURS * 3600;
  const hours = I64.parseInt(text, 10);
  return hours > 0 && hours.toString() == text ? hours * 3600 : 0;
}

function lookupUrl(track: TrackInfo): string {
  return (
    API +
    "?artist_name=" + encodeURIComponent(track.artist) +
    "&track_name=" + encodeURIComponent(track.title) +
    "&album_name=" + encodeURIComponent(track.album) +
    "&duration=" + (<i32>Math.round(track.duration)).toString()
  );
}

function answer(text: string): LyricsResponse {
  const response = new LyricsResponse();
  if (text == "") return response;
  const language = ConfigService.get(new ConfigGetRequest("language"));
  const lang = language.isOk ? language.value!.value : "";
  response.lyrics.push(new LyricsText(lang, text));
  return response;
}

/** Synced lyrics when LRCLIB has them, else plain lyrics, else "" (nothing found). */
function fetchLyrics(track: TrackInfo): Result<string> {
  const headers = new Map<string, string>();
  headers.set("User-Agent", "nd as-gen2-lyrics 0.1.0");
  const sent = HTTPService.send(new HttpSendRequest(new HttpRequest("GET", lookupUrl(track), headers, false, new Uint8Array(0), TIMEOUT_MS)));
  if (!sent.isOk) return sent.forward<string>();
  const response = sent.value!.result;
  if (response === null) return Result.fail<string>("lrclib: the host answered no response");
  if (response.statusCode == 404) return Result.ok<string>("");
  if (response.statusCode != 200) return Result.fail<string>("lrclib answered HTTP " + response.statusCode.toString());
  const body = parseJson(response.body);
  if (body === null) return Result.fail<string>("lrclib answered something that is not JSON");
  const synced = body.field("syncedLyrics").asString();
  return Result.ok<string>(synced != "" ? synced : body.field("plainLyrics").asString());
}

class LrcLibLyrics extends Lyrics {
  getLyrics(request: LyricsRequest): Result<LyricsResponse> {
    const track = request.track;
    const key = "lyrics:" + track.id;
    const cached = CacheService.getString(new CacheKeyRequest(key));
    if (cached.isOk && cached.value!.exists) return Result.ok<LyricsResponse>(answer(cached.value!.value));

    const ttl = cacheSeconds();
    if (ttl == 0) return Result.fail<LyricsResponse>(BAD_CACHE_HOURS);
    const fetched = fetchLyrics(track);
    if (!fetched.isOk) return fetched.forward<LyricsResponse>();
    const text = fetched.value!;
    const stored = CacheService.setString(new CacheSetStringRequest(key, text, ttl));
    if (!stored.isOk) log(LogLevel.Warn, stored.errorText);
    return Result.ok<LyricsResponse>(answer(text));
  }
}

class CheckConfig extends Lifecycle {
  onInit(request: InitRequest): Result<Empty> {
    const ttl = cacheSeconds();
    if (ttl == 0) return Result.fail<Empty>(BAD_CACHE_HOURS);
    log(LogLevel.Info, "lyrics from LRCLIB, cached for " + (ttl / 3600).toString() + " hours");
    return done();
  }
}

registerLyrics(new LrcLibLyrics());
registerLifecycle(new CheckConfig());
