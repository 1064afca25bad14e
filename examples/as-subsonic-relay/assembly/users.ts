// The plugin's one setting: Users, the users whose plays are relayed.
import { Result } from "@nd/protocol/assembly";
import { ConfigService } from "@nd/protocol/assembly/host/config";

/** The host hands configuration keys over lowercased: the README's `Users` arrives as `users`. */
const USERS_KEY = "users";

/** The configured users, lowercased; an error when the setting is missing or empty. */
export function parseUsers(config: Map<string, string>): Result<string[]> {
  const names = new Array<string>();
  if (config.has(USERS_KEY)) {
    const parts = config.get(USERS_KEY).split(",");
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i].trim().toLowerCase();
      if (name.length > 0) names.push(name);
    }
  }
  if (names.length == 0) {
    return Result.fail<string[]>(
      'as-subsonic-relay: Users is not set; list the users whose plays are relayed under [PluginConfig.as-subsonic-relay], e.g. Users = "alice,bob"',
    );
  }
  return Result.ok(names);
}

/** Plugins keep no state between calls, so each call reads the configuration again. */
export function loadUsers(): Result<string[]> {
  const answer = ConfigService.getConfig();
  if (!answer.isOk) return answer.forward<string[]>();
  return parseUsers(answer.value!.config);
}
