// Random cache traffic whose values check themselves, run by worker threads and by the main
// thread against one shared cache. Plain JavaScript, so that workers run it without a compiler.
import { cache } from "@nd/protocol";

export const HAMMER_KEYS = Array.from({ length: 24 }, (_, index) => `key-${index}`);

function random(seed) {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

/** A value for key number `index`: what it is made of tells which key and which write it came from. */
function valueFor(type, index, next) {
  const fill = next(256);
  const length = next(1_500);
  switch (type) {
    case "string": {
      const letter = String.fromCharCode(97 + (fill % 26));
      return `${index}|${letter}|${length}|${letter.repeat(length)}`;
    }
    case "int":
      return BigInt(index) + 1_000n * BigInt(next(1_000_000));
    default:
      return new Uint8Array(2 + length).fill(fill).fill(index, 0, 1);
  }
}

/** Why a value read for key number `index` cannot have been written whole, or undefined. */
function tornReason(type, index, value) {
  switch (type) {
    case "string": {
      const [owner, letter, length, body] = value.split("|");
      const whole = owner === String(index) && body === letter.repeat(Number(length));
      return whole ? undefined : `string ${value.slice(0, 40)}…`;
    }
    case "int":
      return value % 1_000n === BigInt(index) ? undefined : `int ${value}`;
    default:
      return value[0] === index && value.subarray(1).every((byte) => byte === value[1])
        ? undefined
        : `bytes [${value.subarray(0, 8)}…] of ${value.length}`;
  }
}

const TYPES = ["string", "int", "bytes"];
const SETS = {
  string: ["set_string", cache.SetStringRequest],
  int: ["set_int", cache.SetIntRequest],
  bytes: ["set_bytes", cache.SetBytesRequest],
};
const GETS = {
  string: ["get_string", cache.GetStringResponse],
  int: ["get_int", cache.GetIntResponse],
  bytes: ["get_bytes", cache.GetBytesResponse],
};

/**
 * `iterations` random operations through `call(importName, requestBytes)` (sync or async):
 * sets, gets, has and removes over HAMMER_KEYS. `afterEach` runs after every operation.
 */
export async function hammer(call, { iterations, seed, afterEach = () => {} }) {
  const next = random(seed);
  const report = { operations: 0, setsStored: 0, valuesFound: 0, torn: [] };
  for (; report.operations < iterations; report.operations++) {
    const index = next(HAMMER_KEYS.length);
    const key = HAMMER_KEYS[index];
    const type = TYPES[next(TYPES.length)];
    const dice = next(100);
    if (dice < 40) {
      const [importName, codec] = SETS[type];
      const request = codec.encode({ key, value: valueFor(type, index, next), ttlSeconds: 0n }).finish();
      if (cache.SetResponse.decode(await call(importName, request)).success) report.setsStored++;
    } else if (dice < 85) {
      const [importName, codec] = GETS[type];
      const response = codec.decode(await call(importName, cache.GetRequest.encode({ key }).finish()));
      if (response.exists) {
        report.valuesFound++;
        const reason = tornReason(type, index, response.value);
        if (reason) report.torn.push(`${key}: ${reason}`);
      }
    } else if (dice < 95) {
      await call("has", cache.HasRequest.encode({ key }).finish());
    } else {
      await call("remove", cache.RemoveRequest.encode({ key }).finish());
    }
    afterEach();
  }
  return report;
}
