/**
 * Lua scripts of a plugin's kvstore on Redis, each one atomic. Each value is its own string key,
 * ARGV[1] followed by the name, expiring by PX, so a get is a plain GET. Beside them:
 * KEYS[1] sorted set of names (lexicographic, for list and prefix), KEYS[2] sorted set name ->
 * expiry (the server's ms), KEYS[3] hash name -> value size, KEYS[4] the sum of those sizes.
 * A value Redis expired stays in that bookkeeping, counted, until a purge drops it: a write that
 * the count refuses purges and asks again, so expired values never hold room for long.
 * Times are the server's, so every host of a cluster agrees on expiry.
 */
const PURGE = `
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function drop(name)
  redis.call('DECRBY', KEYS[4], tonumber(redis.call('HGET', KEYS[3], name) or 0))
  redis.call('HDEL', KEYS[3], name)
  redis.call('ZREM', KEYS[1], name)
  redis.call('ZREM', KEYS[2], name)
  redis.call('DEL', ARGV[1] .. name)
end
local function purge()
  for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now_ms())) do drop(name) end
end
local function used() return tonumber(redis.call('GET', KEYS[4]) or 0) end
`;

export const KV_SCRIPTS = {
  /**
   * ARGV: value prefix, name, value, TTL in ms ('' = none), max bytes, '1' to purge first.
   * Answers -1 when written, else the bytes used. Only a write that grows its value is checked.
   */
  ndKvPut: `${PURGE}
local name, value, ttl, max = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
if ARGV[6] == '1' then purge() end
local size = string.len(value)
local recorded = redis.call('HGET', KEYS[3], name)
local old = tonumber(recorded or 0)
if size > old and used() - old + size > max then
  purge()
  recorded = redis.call('HGET', KEYS[3], name)
  old = tonumber(recorded or 0)
  if size > old and used() - old + size > max then return used() end
end
if ttl == '' then
  redis.call('SET', ARGV[1] .. name, value)
  redis.call('ZREM', KEYS[2], name)
else
  redis.call('SET', ARGV[1] .. name, value, 'PX', ttl)
  redis.call('ZADD', KEYS[2], now_ms() + tonumber(ttl), name)
end
if not recorded then redis.call('ZADD', KEYS[1], 0, name) end
if not recorded or size ~= old then
  redis.call('HSET', KEYS[3], name, size)
  redis.call('INCRBY', KEYS[4], size - old)
end
return -1`,
  /** ARGV: value prefix, lex min, lex max. */
  ndKvList: `${PURGE}
purge()
return redis.call('ZRANGEBYLEX', KEYS[1], ARGV[2], ARGV[3])`,
  /** ARGV: value prefix, name. */
  ndKvDelete: `${PURGE}
drop(ARGV[2])
return 0`,
  /** ARGV: value prefix, lex min, lex max. Answers how many live keys went. */
  ndKvDeletePrefix: `${PURGE}
purge()
local names = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[2], ARGV[3])
for _, name in ipairs(names) do drop(name) end
return #names`,
  /** ARGV: value prefix. */
  ndKvUsed: `${PURGE}
purge()
return used()`,
};
