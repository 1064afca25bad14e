// Calls to the host's Subsonic API through the subsonicapi service.
import { Result } from "@nd/protocol/assembly";
import { CallRequest, SubsonicAPIService } from "@nd/protocol/assembly/host/subsonicapi";

const MAX_ERROR_JSON = 200;
// Navidrome and nd's demo server write compact JSON; a response that did not succeed lacks this.
const STATUS_OK = '"status":"ok"';

/**
 * Calls `<endpoint>?u=<username>&<query>` and answers the JSON text when the Subsonic
 * status is "ok"; otherwise the error names the endpoint and quotes the answer.
 */
export function callSubsonic(endpoint: string, username: string, query: string): Result<string> {
  const url = "/rest/" + endpoint + "?u=" + encodeURIComponent(username) + (query.length > 0 ? "&" + query : "");
  const answer = SubsonicAPIService.call(new CallRequest(url));
  if (!answer.isOk) return answer.forward<string>();
  const response = answer.value!;
  if (response.error != "") return Result.fail<string>("as-subsonic-relay: " + endpoint + ": " + response.error);
  if (!response.json.includes(STATUS_OK)) {
    const json = response.json;
    const excerpt = json.length > MAX_ERROR_JSON ? json.slice(0, MAX_ERROR_JSON) + "…" : json;
    return Result.fail<string>("as-subsonic-relay: " + endpoint + " did not succeed: " + excerpt);
  }
  return Result.ok(response.json);
}
