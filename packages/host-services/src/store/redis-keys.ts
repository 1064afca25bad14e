/**
 * Every Redis key of a plugin starts with `nd:<encoded id>:`; the id is URI-encoded so that no id
 * (which may hold `:`) can reach into another plugin's keys.
 */
export function pluginKeyPrefix(pluginId: string): string {
  return `nd:${encodeURIComponent(pluginId)}:`;
}

export function kvKeys(prefix: string): string[] {
  return [`${prefix}kv:values`, `${prefix}kv:keys`, `${prefix}kv:expiry`, `${prefix}kv:bytes`];
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
