import type { RedisConnection } from "./redis-connection.js";

/**
 * Every Redis key of a plugin starts with `nd:<encoded id>:`; the id is URI-encoded so that no id
 * (which may hold `:`) can reach into another plugin's keys.
 */
export function pluginKeyPrefix(pluginId: string): string {
  return `nd:${encodeURIComponent(pluginId)}:`;
}

/** A shared cache's keys start with `nd-cache:<namespace>:`, apart from every plugin's own keys. */
export function cacheKeyPrefix(namespace: string): string {
  return `nd-cache:${namespace}:`;
}

/** The bookkeeping of a plugin's kvstore (see the kvstore scripts). */
export function kvKeys(prefix: string): string[] {
  return [`${prefix}kv:keys`, `${prefix}kv:expiry`, `${prefix}kv:sizes`, `${prefix}kv:bytes`];
}

/** Each kvstore value is the string key `<prefix>kv:v:<name>`. */
export function kvValuePrefix(prefix: string): string {
  return `${prefix}kv:v:`;
}

export function taskPrefix(prefix: string): string {
  return `${prefix}task:`;
}

export function queueKeys(prefix: string, queueName: string): string[] {
  const queue = `${prefix}queue:${encodeURIComponent(queueName)}:`;
  return [`${queue}pending`, `${queue}running`, `${queue}done`, `${prefix}tasks:live`];
}

/** The ZRANGEBYLEX bounds of every key starting with `prefix` (no UTF-8 text holds the byte 0xff). */
export function lexRange(prefix: string): [Buffer | string, Buffer | string] {
  if (prefix === "") return ["-", "+"];
  const start = Buffer.from(`[${prefix}`);
  return [start, Buffer.concat([start, Buffer.from([0xff])])];
}

/** `text` as a SCAN MATCH pattern that matches only itself. */
export function globEscaped(text: string): string {
  return text.replace(/[\\*?[\]]/g, (special) => `\\${special}`);
}

/** Every key matching `pattern`, by SCAN (never KEYS, which blocks the server). */
export async function scanKeys({ redis, run }: RedisConnection, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await run(redis.scan(cursor, "MATCH", pattern, "COUNT", 500));
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}
