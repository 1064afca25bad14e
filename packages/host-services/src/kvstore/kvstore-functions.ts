import { ServiceError } from "../errors.js";
import type { UserFunction } from "../gen2/gen2-services.js";
import type { JsonRequest } from "../gen2/json-request.js";
import type { KvStoreService } from "./kvstore-service.js";

/** The `keys` field of getmany: a `[]string` (null items read as ""), as Go decodes it. */
function keysOf(request: JsonRequest): string[] {
  return request.array("keys").map((item, index) => {
    if (item !== null && typeof item !== "string") {
      throw new ServiceError(`json: cannot unmarshal a non-string into field "keys[${index}]" of type string`);
    }
    return item ?? "";
  });
}

function kvstoreOf(services: { kvstore?: KvStoreService }): KvStoreService {
  // Linked only with the kvstore permission, which creates the service.
  return services.kvstore!;
}

/** KVStore (`kvstore` permission): JSON requests and answers of Navidrome v0.63. */
export const KVSTORE_FUNCTIONS: Record<string, UserFunction> = {
  async kvstore_set(services, request) {
    await kvstoreOf(services).set(request.string("key"), request.bytes("value"));
    return {};
  },
  async kvstore_setwithttl(services, request) {
    const ttlSeconds = Number(request.int64("ttlSeconds"));
    await kvstoreOf(services).setWithTtl(request.string("key"), request.bytes("value"), ttlSeconds);
    return {};
  },
  async kvstore_get(services, request) {
    const value = await kvstoreOf(services).get(request.string("key"));
    return { value: value ?? new Uint8Array(), exists: value !== undefined };
  },
  async kvstore_getmany(services, request) {
    const found = await kvstoreOf(services).getMany(keysOf(request));
    return { values: Object.fromEntries(found) };
  },
  async kvstore_has(services, request) {
    return { exists: await kvstoreOf(services).has(request.string("key")) };
  },
  async kvstore_list(services, request) {
    return { keys: await kvstoreOf(services).list(request.string("prefix")) };
  },
  async kvstore_delete(services, request) {
    await kvstoreOf(services).delete(request.string("key"));
    return {};
  },
  async kvstore_deletebyprefix(services, request) {
    return { deletedCount: BigInt(await kvstoreOf(services).deleteByPrefix(request.string("prefix"))) };
  },
  async kvstore_getstorageused(services) {
    return { bytes: BigInt(await kvstoreOf(services).storageUsed()) };
  },
};
