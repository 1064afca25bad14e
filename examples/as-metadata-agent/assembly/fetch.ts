// GET requests through the host's http service, with answers kept in the
// host's cache so repeated lookups do not reach the upstream API again.
import { Result } from "@nd/protocol/assembly";
import { CacheService, GetRequest, SetStringRequest } from "@nd/protocol/assembly/host/cache";
import { HttpRequest, HttpService } from "@nd/protocol/assembly/host/http";

const CACHE_TTL_SECONDS: i64 = 24 * 60 * 60;
const TIMEOUT_MS = 10_000;
const USER_AGENT = "nd-as-metadata-agent/0.1.0 (https://github.com/nd-music/nd)";

/** The body of a 200 answer; plugin:not_found for 404; an error for anything else. */
export function fetchText(url: string): Result<string> {
  const key = "GET " + url;
  const cached = CacheService.getString(new GetRequest(key));
  if (cached.isOk && cached.value!.exists) return Result.ok(cached.value!.value);

  const request = new HttpRequest(url);
  request.headers.set("Accept", "application/json");
  request.headers.set("User-Agent", USER_AGENT);
  request.timeoutMs = TIMEOUT_MS;
  const answer = HttpService.get(request);
  if (!answer.isOk) return answer.forward<string>();
  const response = answer.value!;
  if (response.error != "") return Result.fail<string>("as-metadata-agent: " + url + ": " + response.error);
  if (response.status == 404) return Result.notFound<string>();
  if (response.status != 200) {
    return Result.fail<string>("as-metadata-agent: " + url + " answered " + response.status.toString());
  }
  const body = String.UTF8.decode(response.body.buffer);
  // A failed cache write only costs a later refetch; the answer is still good.
  CacheService.setString(new SetStringRequest(key, body, CACHE_TTL_SECONDS));
  return Result.ok(body);
}
