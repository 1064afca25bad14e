/**
 * Lua scripts of a plugin's kvstore on Redis, each one atomic. Keys: KEYS[1] hash key -> value,
 * KEYS[2] sorted set of keys (lexicographic, for list and prefix), KEYS[3] sorted set key -> expiry
 * (ms), KEYS[4] counter of the bytes of stored values. Every script first drops expired keys, so the
 * counter always holds the bytes of live values. ARGV[1] is the caller's time in ms.
 */
const PURGE = `
local function drop(key)
  redis.call('DECRBY', KEYS[4], redis.call('HSTRLEN', KEYS[1], key))
  redis.call('HDEL', KEYS[1], key)
  redis.call('ZREM', KEYS[2], key)
  redis.call('ZREM', KEYS[3], key)
end
local function purge()
  for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])) do drop(key) end
end
`;

export const KV_SCRIPTS = {
  /** ARGV: now, key, value, expiry ('' = none), max bytes. Answers -1 when written, else the bytes used. */
  ndKvPut: `${PURGE}
purge()
local key, value = ARGV[2], ARGV[3]
local old = redis.call('HSTRLEN', KEYS[1], key)
local size = string.len(value)
local used = tonumber(redis.call('GET', KEYS[4]) or '0')
if size > old and used - old + size > tonumber(ARGV[5]) then return used end
redis.call('HSET', KEYS[1], key, value)
redis.call('ZADD', KEYS[2], 0, key)
if ARGV[4] == '' then redis.call('ZREM', KEYS[3], key) else redis.call('ZADD', KEYS[3], ARGV[4], key) end
redis.call('INCRBY', KEYS[4], size - old)
return -1`,
  /** ARGV: now, keys... Answers the values in order (nil where absent). */
  ndKvGet: `${PURGE}
purge()
return redis.call('HMGET', KEYS[1], unpack(ARGV, 2))`,
  /** ARGV: now, lex min, lex max. */
  ndKvList: `${PURGE}
purge()
return redis.call('ZRANGEBYLEX', KEYS[2], ARGV[2], ARGV[3])`,
  /** ARGV: now, key. */
  ndKvDelete: `${PURGE}
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then drop(ARGV[2]) end
return 0`,
  /** ARGV: now, lex min, lex max. Answers how many live keys went. */
  ndKvDeletePrefix: `${PURGE}
purge()
local keys = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[2], ARGV[3])
for _, key in ipairs(keys) do drop(key) end
return #keys`,
  /** ARGV: now. */
  ndKvUsed: `${PURGE}
purge()
return tonumber(redis.call('GET', KEYS[4]) or '0')`,
};
