// The plugin's configuration, [PluginConfig.as-metadata-agent] in the host's TOML.
import { Result } from "@nd/protocol/assembly";
import { ConfigService } from "@nd/protocol/assembly/host/config";

export const DEFAULT_MUSICBRAINZ_URL = "https://musicbrainz.org";
export const DEFAULT_WIKIPEDIA_URL = "https://en.wikipedia.org";

export class Settings {
  constructor(
    /** Base URL of the MusicBrainz web service and site, without a trailing slash. */
    public musicBrainzUrl: string,
    /** Base URL of a Wikipedia with the REST API, without a trailing slash. */
    public wikipediaUrl: string,
  ) {}
}

function baseUrl(config: Map<string, string>, key: string, fallback: string): Result<string> {
  let url = config.has(key) ? config.get(key).trim() : fallback;
  if (url == "") url = fallback;
  if (!url.startsWith("https://") && !url.startsWith("http://")) {
    return Result.fail<string>('as-metadata-agent: "' + key + '" must start with https:// or http://, got "' + url + '"');
  }
  while (url.endsWith("/")) url = url.slice(0, url.length - 1);
  return Result.ok(url);
}

/**
 * Plugins keep no state between calls (any instance may answer), so each call
 * reads the configuration again through the config service.
 */
export function loadSettings(): Result<Settings> {
  const answer = ConfigService.getConfig();
  if (!answer.isOk) return answer.forward<Settings>();
  const config = answer.value!.config;
  const musicBrainz = baseUrl(config, "musicbrainz_url", DEFAULT_MUSICBRAINZ_URL);
  if (!musicBrainz.isOk) return musicBrainz.forward<Settings>();
  const wikipedia = baseUrl(config, "wikipedia_url", DEFAULT_WIKIPEDIA_URL);
  if (!wikipedia.isOk) return wikipedia.forward<Settings>();
  return Result.ok(new Settings(musicBrainz.value!, wikipedia.value!));
}
