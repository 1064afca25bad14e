// The plugin's configuration, [PluginConfig.as-scrobbler] in the host's TOML.
import { Result } from "@nd/protocol/assembly";
import { ConfigService } from "@nd/protocol/assembly/host/config";

export const DEFAULT_API_URL = "https://api.listenbrainz.org";

export class Settings {
  constructor(
    /** Base URL of the ListenBrainz-compatible API, without a trailing slash. */
    public apiUrl: string,
    /** The user token sent as "Authorization: Token <token>". */
    public token: string,
  ) {}
}

function setting(config: Map<string, string>, key: string, fallback: string): string {
  return config.has(key) ? config.get(key).trim() : fallback;
}

/** Checks a configuration; the error names the key that is wrong and how to fix it. */
export function parseSettings(config: Map<string, string>): Result<Settings> {
  const token = setting(config, "api_token", "");
  if (token == "") {
    return Result.fail<Settings>(
      'as-scrobbler: "api_token" is missing; set it under [PluginConfig.as-scrobbler] to your ListenBrainz user token',
    );
  }
  let apiUrl = setting(config, "api_url", DEFAULT_API_URL);
  if (!apiUrl.startsWith("https://") && !apiUrl.startsWith("http://")) {
    return Result.fail<Settings>('as-scrobbler: "api_url" must start with https:// or http://, got "' + apiUrl + '"');
  }
  while (apiUrl.endsWith("/")) apiUrl = apiUrl.slice(0, apiUrl.length - 1);
  return Result.ok(new Settings(apiUrl, token));
}

/**
 * Plugins keep no state between calls (any instance may answer), so each call
 * reads the configuration again through the config service.
 */
export function loadSettings(): Result<Settings> {
  const answer = ConfigService.getConfig();
  if (!answer.isOk) return answer.forward<Settings>();
  return parseSettings(answer.value!.config);
}
