import type { CacheService } from "../cache/cache-service.js";
import { ServiceError } from "../errors.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";
import type { JsonRequest } from "./json-request.js";

const cacheOf = (services: Gen2Services) => services.cache as CacheService;
const ttl = (request: JsonRequest) => request.int64("ttlSeconds");

/** The answer of a set: nothing, or the error of a value the plugin's memory budget cannot hold. */
function stored(key: string, success: boolean): object {
  if (!success) throw new ServiceError(`cache: "${key}" was not stored: it does not fit in the plugin's cache`);
  return {};
}

// A key holding a value of another type reads as absent (exists omitted), as in v0.63.
const read = async (answer: Promise<{ exists: boolean; value: unknown }>) => {
  const { exists, value } = await answer;
  return exists ? { value, exists } : {};
};

/** Cache (`cache`): the plugin's own TTL cache, the same one generation 1 uses; ttlSeconds <= 0 means 24 h. */
export const CACHE_FUNCTIONS: Record<string, UserFunction> = {
  async cache_setstring(services, request) {
    const key = request.string("key");
    const answer = await cacheOf(services).setString({ key, value: request.string("value"), ttlSeconds: ttl(request) });
    return stored(key, answer.success);
  },
  async cache_getstring(services, request) {
    return read(cacheOf(services).getString({ key: request.string("key") }));
  },
  async cache_setint(services, request) {
    const key = request.string("key");
    const answer = await cacheOf(services).setInt({ key, value: request.int64("value"), ttlSeconds: ttl(request) });
    return stored(key, answer.success);
  },
  async cache_getint(services, request) {
    return read(cacheOf(services).getInt({ key: request.string("key") }));
  },
  async cache_setfloat(services, request) {
    const key = request.string("key");
    const answer = await cacheOf(services).setFloat({ key, value: request.float64("value"), ttlSeconds: ttl(request) });
    return stored(key, answer.success);
  },
  async cache_getfloat(services, request) {
    return read(cacheOf(services).getFloat({ key: request.string("key") }));
  },
  async cache_setbytes(services, request) {
    const key = request.string("key");
    const answer = await cacheOf(services).setBytes({ key, value: request.bytes("value"), ttlSeconds: ttl(request) });
    return stored(key, answer.success);
  },
  async cache_getbytes(services, request) {
    return read(cacheOf(services).getBytes({ key: request.string("key") }));
  },
  async cache_has(services, request) {
    return cacheOf(services).has({ key: request.string("key") });
  },
  async cache_remove(services, request) {
    const key = request.string("key");
    const { success } = await cacheOf(services).remove({ key });
    if (!success) throw new ServiceError(`cache: "${key}" was not removed: the cache is busy, try again`);
    return {};
  },
};
