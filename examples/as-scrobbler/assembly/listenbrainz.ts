// Calls to the ListenBrainz API through the host's http service.
import { JSON } from "json-as";
import { Result, ScrobblerIsAuthorizedResponse } from "@nd/protocol/assembly";
import { HttpRequest, HttpResponse, HttpService } from "@nd/protocol/assembly/host/http";
import { Settings } from "./settings";

const TIMEOUT_MS = 10_000;
const MAX_ERROR_BODY = 200;

@json
class TokenValidation {
  valid: bool = false;
}

function request(settings: Settings, path: string): HttpRequest {
  const request = new HttpRequest(settings.apiUrl + path);
  request.headers.set("Authorization", "Token " + settings.token);
  request.timeoutMs = TIMEOUT_MS;
  return request;
}

function bodyText(response: HttpResponse): string {
  return String.UTF8.decode(response.body.buffer);
}

/** Turns a transport failure or a non-2xx status into an error naming the URL and the status. */
function checked(url: string, answer: Result<HttpResponse>): Result<HttpResponse> {
  if (!answer.isOk) return answer;
  const response = answer.value!;
  if (response.error != "") return Result.fail<HttpResponse>("as-scrobbler: " + url + ": " + response.error);
  if (response.status < 200 || response.status > 299) {
    const body = bodyText(response);
    const excerpt = body.length > MAX_ERROR_BODY ? body.slice(0, MAX_ERROR_BODY) + "…" : body;
    return Result.fail<HttpResponse>(
      "as-scrobbler: " + url + " answered " + response.status.toString() + ": " + excerpt,
    );
  }
  return answer;
}

/** POST /1/submit-listens with a JSON body. */
export function submitListens(settings: Settings, json: string): Result<HttpResponse> {
  const post = request(settings, "/1/submit-listens");
  post.headers.set("Content-Type", "application/json");
  post.body = Uint8Array.wrap(String.UTF8.encode(json));
  return checked(post.url, HttpService.post(post));
}

/** GET /1/validate-token: authorized when the server accepts the token. */
export function validateToken(settings: Settings): Result<ScrobblerIsAuthorizedResponse> {
  const get = request(settings, "/1/validate-token");
  const answer = HttpService.get(get);
  if (!answer.isOk) return answer.forward<ScrobblerIsAuthorizedResponse>();
  const response = answer.value!;
  if (response.status == 401) return Result.ok(new ScrobblerIsAuthorizedResponse(false));
  const ok = checked(get.url, answer);
  if (!ok.isOk) return ok.forward<ScrobblerIsAuthorizedResponse>();
  const validation = JSON.parse<TokenValidation>(bodyText(response));
  return Result.ok(new ScrobblerIsAuthorizedResponse(validation.valid));
}
