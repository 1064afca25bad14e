/** The Subsonic API version the host announces in `v`, as Navidrome does for plugins. */
const SUBSONIC_API_VERSION = "1.16.1";
// The parameters the host sets, compared without regard to case so no spelling of them reaches the
// server: the credentials (password, token and salt, JWT, OpenSubsonic API key) are the host's
// business, the call runs as the user named in `u`; `c`, `f` and `v` are the host's too.
const HOST_PARAMS = new Set(["u", "p", "t", "s", "jwt", "apikey", "c", "f", "v"]);
// A Subsonic method name (`ping`, `getAlbumList2`), optionally with the legacy `.view` suffix.
const ENDPOINT = /^([A-Za-z][A-Za-z0-9]*)(?:\.view)?$/;

/** What a plugin's Subsonic URL asks for, or why it cannot be used. */
export type ParsedSubsonicUrl =
  | { readonly ok: true; readonly endpoint: string; readonly username: string; readonly params: URLSearchParams }
  | { readonly ok: false; readonly error: string };

/**
 * Reads a plugin's Subsonic URL ("/rest/ping?u=alice", or absolute): only its last path segment
 * (the endpoint, without ".view") and its query count. The answer's params carry the plugin's
 * query without any credential (`p`, `t`, `s`, `jwt`, `apiKey`, in any case), plus the checked
 * `u`, `c=<plugin>`, `f=json` (the plugin's `f` for "raw") and `v=1.16.1`.
 */
/** "json": the host sets `f=json` (call). "raw": `f` is the plugin's own, if any (generation 2's callraw). */
export type SubsonicFormat = "json" | "raw";

export function parseSubsonicUrl(text: string, pluginName: string, format: SubsonicFormat = "json"): ParsedSubsonicUrl {
  let url: URL;
  try {
    url = new URL(text, "http://subsonic.invalid");
  } catch {
    return { ok: false, error: `invalid URL ${JSON.stringify(text)}` };
  }
  const params = url.searchParams;
  const username = params.get("u") ?? "";
  if (username === "") return { ok: false, error: `missing required parameter "u" (the username) in ${JSON.stringify(text)}` };
  const segment = lastSegment(url.pathname);
  const endpoint = ENDPOINT.exec(segment)?.[1];
  if (!endpoint) return { ok: false, error: `${JSON.stringify(segment)} is not a Subsonic endpoint (in ${JSON.stringify(text)})` };
  const pluginFormat = params.get("f");
  for (const name of new Set(params.keys())) if (HOST_PARAMS.has(name.toLowerCase())) params.delete(name);
  params.set("u", username);
  params.set("c", pluginName);
  if (format === "json") params.set("f", "json");
  else if (pluginFormat !== null) params.set("f", pluginFormat);
  params.set("v", SUBSONIC_API_VERSION);
  return { ok: true, endpoint, username, params };
}

function lastSegment(pathname: string): string {
  const segment = pathname.replace(/\/+$/, "").split("/").at(-1) ?? "";
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
