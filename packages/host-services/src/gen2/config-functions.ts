import type { UserFunction } from "./gen2-services.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BASE10_INTEGER = /^[+-]?\d+$/;

/** Go's strconv.ParseInt(text, 10, 64), or undefined where it fails. */
function parseInt64(text: string): bigint | undefined {
  if (!BASE10_INTEGER.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** Config (always linked): the plugin's flattened config map, read only. */
export const CONFIG_FUNCTIONS: Record<string, UserFunction> = {
  async config_get({ config }, request) {
    const key = request.string("key");
    return { value: config.get(key) ?? "", exists: config.has(key) };
  },
  async config_getint({ config }, request) {
    const text = config.get(request.string("key"));
    const value = text === undefined ? undefined : parseInt64(text);
    return value === undefined ? {} : { value, exists: true };
  },
  async config_keys({ config }, request) {
    const prefix = request.string("prefix");
    return { keys: [...config.keys()].filter((key) => key.startsWith(prefix)).sort() };
  },
};
