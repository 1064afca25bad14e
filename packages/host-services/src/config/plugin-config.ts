// Keys that reach an object's prototype machinery when assigned to a plain object (`__proto__`) or
// that shadow what every object inherits: never a plugin name nor a config key.
const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Whether a key of the configuration is one the host ignores (see RESERVED_KEYS), in any case. */
export const isReservedConfigKey = (key: string): boolean => RESERVED_KEYS.has(key.toLowerCase());

/**
 * A plugin's `[PluginConfig.<name>]` map as the plugin sees it, in OnInit and from ConfigService:
 * keys lowercased, as Navidrome's configuration loader delivers them (a README's `ClientID`
 * is read as `clientid`), values unchanged. When two keys differ only in case, the later wins.
 * The map has no prototype and never holds a reserved key.
 */
export function pluginConfigAsSeen(config: Readonly<Record<string, string>>): Record<string, string> {
  const seen: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(config)) {
    if (!isReservedConfigKey(key)) seen[key.toLowerCase()] = String(value);
  }
  return seen;
}

/** The plugin's own table of the host's `[PluginConfig]` map: never one inherited through a prototype. */
export function ownPluginConfig(
  all: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined,
  name: string,
): Readonly<Record<string, string>> {
  return all !== undefined && !isReservedConfigKey(name) && Object.hasOwn(all, name) ? all[name]! : {};
}
