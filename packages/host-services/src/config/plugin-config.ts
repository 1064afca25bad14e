/**
 * A plugin's `[PluginConfig.<name>]` map as the plugin sees it, in OnInit and from ConfigService:
 * keys lowercased, as Navidrome's configuration loader delivers them (a README's `ClientID`
 * is read as `clientid`), values unchanged. When two keys differ only in case, the later wins.
 */
export function pluginConfigAsSeen(config: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.toLowerCase(), String(value)]));
}
