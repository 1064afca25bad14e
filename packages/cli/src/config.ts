import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { isReservedConfigKey } from "@nd/host-services";
import type { PluginAccess } from "@nd/runtime";
import { parse, TomlError } from "smol-toml";
import { CliError } from "./errors.js";
import { pathProblem } from "./path-arguments.js";
import { userDataFolder } from "./user-data-folder.js";

/** The host settings `nd` reads from a Navidrome-style TOML file (docs/architecture.md, Configuration). */
export interface HostConfig {
  /** The file read, when there was one. */
  readonly file?: string;
  /** `[Plugins] Enabled`; default true. */
  readonly enabled: boolean;
  /** `DataFolder` (top level) or `[Plugins] DataFolder`; default the per-user data folder (`$XDG_DATA_HOME/nd`, ...). */
  readonly dataFolder: string;
  /** `[Plugins] Folder`; default `<dataFolder>/plugins`. */
  readonly folder: string;
  /** `[Plugins] CacheSize` in bytes ("100MB", "512KiB", 1048576): each plugin's cache service budget. */
  readonly cacheSizeBytes?: number;
  /** `[Plugins] Agents`: MetadataAgent plugins asked first, in this order ("a,b" or ["a", "b"]). */
  readonly agents: readonly string[];
  /**
   * `[PluginConfig.<name>]` (generation 2: `<id>`): what each plugin's OnInit and ConfigService see (generation 1: keys
   * lowercased on the way). Values are flattened as Navidrome v0.63 does: strings as they are, anything else
   * (numbers, booleans, arrays, tables) as compact JSON, tables with sorted keys.
   */
  readonly pluginConfig: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** `[PluginConfig.<id>]` with its TOML values as they are, before flattening: what a generation-2 config form is checked against. */
  readonly pluginConfigValues: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `[PluginAccess.<id>]`: the users and libraries each generation-2 plugin may see, and whether it may write to library mounts. */
  readonly pluginAccess: Readonly<Record<string, PluginAccess>>;
  /** `[Store] URL`, else `ND_STORE_URL`: a Redis or Valkey server shared by replicas; without it, SQLite under `<DataFolder>/plugin-state/`. */
  readonly store?: StoreSettings;
  /** `ShareURL` (top level): the public base of artwork URLs; without it, `http://localhost`. */
  readonly shareUrl?: string;
  /** `ArtworkSecret` (top level): the key signing artwork URLs; without it, `nd serve` keeps a generated one in the data folder. */
  readonly artworkSecret?: string;
  /** `[Subsonic]`: the Subsonic server that plugins' SubsonicAPI calls are forwarded to. */
  readonly subsonic?: SubsonicServerConfig;
  /** `[Serve]`: who may talk to `nd serve`. */
  readonly serve?: ServeSettings;
  /** What was ignored in the file, e.g. a `[PluginConfig.__proto__]` table; shown on stderr. */
  readonly warnings: readonly string[];
}

/** Where generation-2 plugin state (kvstore, task queues) lives when it is shared. */
export interface StoreSettings {
  /** `redis://` or `rediss://` URL; may hold credentials, so it is never printed (see `redactedStoreUrl`). */
  readonly url: string;
  /** `TaskLeaseSeconds`: how long a running task stays this host's without renewal; after it, another replica reruns it. */
  readonly taskLeaseMs?: number;
}

/** The store URL with any user name and password replaced by `***`, for logs. */
export function redactedStoreUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.username === "" && parsed.password === "") return url;
  parsed.username = "***";
  parsed.password = "";
  return parsed.toString();
}

/** A Subsonic server and the accounts plugins may act as. */
export interface SubsonicServerConfig {
  /** `URL`: the server's base, e.g. "https://music.example.com"; calls go to `<URL>/rest/<endpoint>`. */
  readonly url: string;
  /** `[Subsonic.Users.<name>]`: `Password` (used for token authentication) and `Admin` (default false). */
  readonly users: Readonly<Record<string, { readonly password: string; readonly admin: boolean }>>;
}

/** `[Serve]` settings: the request checks of `nd serve` (see the README's security model). */
export interface ServeSettings {
  /** `AllowedHosts`: host names the `Host` header may carry besides IP addresses and localhost. */
  readonly allowedHosts: readonly string[];
  /** `Token`: the bearer token every request must carry; `ND_SERVE_TOKEN` overrides it. */
  readonly token?: string;
}

const PLUGINS_KEYS = ["enabled", "folder", "datafolder", "cachesize", "agents"] as const;
const SERVE_KEYS = ["allowedhosts", "token"] as const;
const SUBSONIC_KEYS = ["url", "users"] as const;
const SUBSONIC_USER_KEYS = ["password", "admin"] as const;
const ACCESS_KEYS = ["users", "libraries", "writeaccess"] as const;
const STORE_KEYS = ["url", "taskleaseseconds"] as const;
const MIN_ARTWORK_SECRET_LENGTH = 16;
/** The shortest bearer token `nd serve` takes, from the config or the environment. */
export const MIN_TOKEN_LENGTH = 16;

/** Environment variables the config's defaults depend on (HOME, XDG_DATA_HOME, LOCALAPPDATA). */
type Environment = Readonly<Record<string, string | undefined>>;

/** Reads a TOML config file (relative to `cwd`); without one, the defaults. */
export async function loadConfig(file: string | undefined, cwd = process.cwd(), env: Environment = process.env): Promise<HostConfig> {
  if (file === undefined) return configFrom({}, cwd, "the config", env);
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw pathProblem(path, "config file", error as NodeJS.ErrnoException);
  }
  return parseConfig(text, path, env);
}

/** Parses the text of a config file; `file` names it in errors and anchors its relative paths. */
export function parseConfig(text: string, file: string, env: Environment = process.env): HostConfig {
  let document: Record<string, unknown>;
  try {
    document = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0];
      throw new CliError("config", `${file}:${error.line}:${error.column}: invalid TOML: ${reason}`, { cause: error });
    }
    throw error;
  }
  return { file, ...configFrom(document, dirname(file), file, env) };
}

function configFrom(document: Record<string, unknown>, base: string, file: string, env: Environment): HostConfig {
  const plugins = table(valueOf(document, "Plugins"), "[Plugins]", file);
  refuseUnknownKeys(plugins, "Plugins", PLUGINS_KEYS, "Enabled, Folder, DataFolder, CacheSize, Agents", file);
  const dataFolderSetting = valueOf(plugins, "DataFolder") ?? valueOf(document, "DataFolder");
  const dataFolder = pathSetting(dataFolderSetting, "DataFolder", base, file) ?? userDataFolder(env);
  const folder = pathSetting(valueOf(plugins, "Folder"), "Plugins.Folder", base, file) ?? join(dataFolder, "plugins");
  const cacheSize = valueOf(plugins, "CacheSize");
  const shareUrl = httpUrlSetting(valueOf(document, "ShareURL"), "ShareURL", file);
  const artworkSecret = secretSetting(valueOf(document, "ArtworkSecret"), file);
  const warnings: string[] = [];
  const subsonic = subsonicOf(valueOf(document, "Subsonic"), file, warnings);
  const store = storeOf(valueOf(document, "Store"), file, env);
  return {
    enabled: booleanSetting(valueOf(plugins, "Enabled"), "Plugins.Enabled", file) ?? true,
    dataFolder,
    folder,
    ...(cacheSize !== undefined && { cacheSizeBytes: parseSize(cacheSize, file) }),
    agents: listSetting(valueOf(plugins, "Agents"), "Plugins.Agents", file),
    ...pluginConfigOf(valueOf(document, "PluginConfig"), file, warnings),
    pluginAccess: pluginAccessOf(valueOf(document, "PluginAccess"), file, warnings),
    ...(store !== undefined && { store }),
    ...(shareUrl !== undefined && { shareUrl }),
    ...(artworkSecret !== undefined && { artworkSecret }),
    ...(subsonic !== undefined && { subsonic }),
    serve: serveSettings(table(valueOf(document, "Serve"), "[Serve]", file), file),
    warnings,
  };
}

function serveSettings(serve: Record<string, unknown>, file: string): ServeSettings {
  refuseUnknownKeys(serve, "Serve", SERVE_KEYS, "AllowedHosts, Token", file);
  const token = valueOf(serve, "Token");
  if (token !== undefined && (typeof token !== "string" || token.length < MIN_TOKEN_LENGTH)) {
    throw new CliError("config", `${file}: Serve.Token must be a string of at least ${MIN_TOKEN_LENGTH} characters`);
  }
  const allowedHosts = listSetting(valueOf(serve, "AllowedHosts"), "Serve.AllowedHosts", file).map((host) => host.toLowerCase());
  return { allowedHosts, ...(token !== undefined && { token: token as string }) };
}

function refuseUnknownKeys(values: Record<string, unknown>, name: string, known: readonly string[], shown: string, file: string): void {
  for (const key of Object.keys(values)) {
    if (!known.includes(key.toLowerCase())) throw new CliError("config", `${file}: unknown key ${name}.${key}; known keys: ${shown}`);
  }
}

function httpUrlSetting(value: unknown, name: string, file: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  const text = typeof value === "string" ? value : "";
  const protocol = URL.canParse(text) ? new URL(text).protocol : "";
  if (protocol !== "http:" && protocol !== "https:") {
    throw new CliError("config", `${file}: ${name} must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  return text;
}

function secretSetting(value: unknown, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || Buffer.byteLength(value) < MIN_ARTWORK_SECRET_LENGTH) {
    throw new CliError("config", `${file}: ArtworkSecret must be a string of at least ${MIN_ARTWORK_SECRET_LENGTH} bytes`);
  }
  return value;
}

function subsonicOf(value: unknown, file: string, warnings: string[]): SubsonicServerConfig | undefined {
  if (value === undefined) return undefined;
  const subsonic = table(value, "[Subsonic]", file);
  refuseUnknownKeys(subsonic, "Subsonic", SUBSONIC_KEYS, "URL, Users", file);
  const url = httpUrlSetting(valueOf(subsonic, "URL"), "Subsonic.URL", file);
  if (url === undefined) throw new CliError("config", `${file}: [Subsonic] needs URL, the Subsonic server's base URL`);
  const users: Record<string, { password: string; admin: boolean }> = Object.create(null);
  for (const [name, settings] of ownEntries(table(valueOf(subsonic, "Users"), "[Subsonic.Users]", file), "Subsonic.Users", file, warnings)) {
    const user = table(settings, `[Subsonic.Users.${name}]`, file);
    refuseUnknownKeys(user, `Subsonic.Users.${name}`, SUBSONIC_USER_KEYS, "Password, Admin", file);
    const password = valueOf(user, "Password");
    if (typeof password !== "string" || password === "") {
      throw new CliError("config", `${file}: Subsonic.Users.${name}.Password must be a non-empty string`);
    }
    users[name] = { password, admin: booleanSetting(valueOf(user, "Admin"), `Subsonic.Users.${name}.Admin`, file) ?? false };
  }
  return { url, users };
}

/** Keys are matched without regard to case, as Navidrome does. */
function valueOf(object: Record<string, unknown>, key: string): unknown {
  const found = Object.keys(object).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : object[found];
}

function table(value: unknown, name: string, file: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CliError("config", `${file}: ${name} must be a table`);
  }
  return value as Record<string, unknown>;
}

function pathSetting(value: unknown, name: string, base: string, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw new CliError("config", `${file}: ${name} must be a non-empty string`);
  return isAbsolute(value) ? value : resolve(base, value);
}

function booleanSetting(value: unknown, name: string, file: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new CliError("config", `${file}: ${name} must be true or false, got ${JSON.stringify(value)}`);
}

function listSetting(value: unknown, name: string, file: string): string[] {
  if (value === undefined) return [];
  const items = typeof value === "string" ? value.split(",") : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== "string")) {
    throw new CliError("config", `${file}: ${name} must be a string like "a,b" or an array of strings`);
  }
  return items.map((item: string) => item.trim()).filter((item) => item !== "");
}

const SIZE_UNITS: Record<string, number> = {
  "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

function parseSize(value: unknown, file: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  const match = typeof value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value) : null;
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  const bytes = match && unit ? Math.floor(Number(match[1]) * unit) : 0;
  if (bytes < 1) {
    throw new CliError("config", `${file}: Plugins.CacheSize must be a size such as "100MB" or "64MiB", got ${JSON.stringify(value)}`);
  }
  return bytes;
}

/**
 * The entries of a table whose keys are names (plugins, users, settings), into maps without a
 * prototype: a reserved key (`__proto__`, `constructor`, `prototype`) is ignored with a warning,
 * so no table can stand in for another's through a prototype.
 */
function ownEntries(values: Record<string, unknown>, name: string, file: string, warnings: string[]): [string, unknown][] {
  return Object.entries(values).filter(([key]) => {
    if (isReservedConfigKey(key)) warnings.push(`${file}: ${name}.${JSON.stringify(key)} is ignored: "${key}" cannot name a table or a key`);
    return !isReservedConfigKey(key);
  });
}

function pluginConfigOf(
  value: unknown,
  file: string,
  warnings: string[],
): { pluginConfig: Record<string, Record<string, string>>; pluginConfigValues: Record<string, Record<string, unknown>> } {
  const result: Record<string, Record<string, string>> = Object.create(null);
  const values: Record<string, Record<string, unknown>> = Object.create(null);
  for (const [plugin, settings] of ownEntries(table(value, "[PluginConfig]", file), "PluginConfig", file, warnings)) {
    const settingsOfPlugin: Record<string, string> = Object.create(null);
    const valuesOfPlugin: Record<string, unknown> = Object.create(null);
    const where = `PluginConfig.${plugin}`;
    for (const [key, setting] of ownEntries(table(settings, `[${where}]`, file), where, file, warnings)) {
      settingsOfPlugin[key] = flattenedSetting(setting);
      valuesOfPlugin[key] = setting;
    }
    result[plugin] = settingsOfPlugin;
    values[plugin] = valuesOfPlugin;
  }
  return { pluginConfig: result, pluginConfigValues: values };
}

/** Navidrome v0.63's flattening of a plugin's config into strings (dates, which JSON has not, as TOML writes them). */
function flattenedSetting(value: unknown): string {
  if (typeof value === "string" || value instanceof Date) return String(value);
  return JSON.stringify(sortedKeys(value));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== "object" || value === null || value instanceof Date) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}

function pluginAccessOf(value: unknown, file: string, warnings: string[]): Record<string, PluginAccess> {
  const result: Record<string, PluginAccess> = Object.create(null);
  for (const [plugin, settings] of ownEntries(table(value, "[PluginAccess]", file), "PluginAccess", file, warnings)) {
    const where = `PluginAccess.${plugin}`;
    const access = table(settings, `[${where}]`, file);
    refuseUnknownKeys(access, where, ACCESS_KEYS, "Users, Libraries, WriteAccess", file);
    result[plugin] = {
      users: scopeSetting(valueOf(access, "Users"), `${where}.Users`, file, (item) => typeof item === "string" && item !== "", "user IDs"),
      libraries: scopeSetting(valueOf(access, "Libraries"), `${where}.Libraries`, file, (item) => Number.isSafeInteger(item), "library IDs (integers)"),
      writeAccess: booleanSetting(valueOf(access, "WriteAccess"), `${where}.WriteAccess`, file) ?? false,
    };
  }
  return result;
}

/** `"all"`, or a list of IDs; absent means none. */
function scopeSetting<T>(value: unknown, name: string, file: string, isId: (item: unknown) => boolean, what: string): "all" | T[] {
  if (value === undefined) return [];
  if (value === "all") return "all";
  if (Array.isArray(value) && value.every(isId)) return value as T[];
  throw new CliError("config", `${file}: ${name} must be "all" or an array of ${what}`);
}

function storeOf(value: unknown, file: string, env: Environment): StoreSettings | undefined {
  const store = table(value, "[Store]", file);
  refuseUnknownKeys(store, "Store", STORE_KEYS, "URL, TaskLeaseSeconds", file);
  const url = nonEmptyString(valueOf(store, "URL")) ?? nonEmptyString(env.ND_STORE_URL);
  const leaseSeconds = valueOf(store, "TaskLeaseSeconds");
  if (url === undefined) {
    if (leaseSeconds !== undefined) throw new CliError("config", `${file}: Store.TaskLeaseSeconds needs Store.URL (leases matter only to replicas)`);
    return undefined;
  }
  const protocol = URL.canParse(url) ? new URL(url).protocol : "";
  if (protocol !== "redis:" && protocol !== "rediss:") {
    // The URL may hold a password: the message names the setting, not the value.
    throw new CliError("config", `${file}: Store.URL (or ND_STORE_URL) must be a redis:// or rediss:// URL`);
  }
  if (leaseSeconds === undefined) return { url };
  if (!Number.isSafeInteger(leaseSeconds) || (leaseSeconds as number) < 1) {
    throw new CliError("config", `${file}: Store.TaskLeaseSeconds must be a whole number of seconds >= 1, got ${JSON.stringify(leaseSeconds)}`);
  }
  return { url, taskLeaseMs: (leaseSeconds as number) * 1000 };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
