/**
 * Lua scripts of a plugin's task queue on Redis, each one atomic. A task is a hash
 * `<task prefix><id>`; a queue is three sorted sets: KEYS[1] pending (score: next run time),
 * KEYS[2] running (score: lease end), KEYS[3] done (score: last update); KEYS[4] counts the plugin's
 * pending and running tasks. ARGV[1] is the caller's time in ms, ARGV[2] the task prefix, ARGV[3]
 * the task id where there is one. A running task whose lease has ended goes back to pending
 * (its attempt not counted): the host that held it is gone.
 */
const REVIVE = `
local function revive(id)
  local key = ARGV[2] .. id
  redis.call('ZREM', KEYS[2], id)
  local attempt = tonumber(redis.call('HGET', key, 'attempt') or '1')
  redis.call('HSET', key, 'status', 'pending', 'attempt', math.max(attempt - 1, 0), 'owner', '', 'updatedAt', ARGV[1])
  redis.call('ZADD', KEYS[1], redis.call('HGET', key, 'nextRunAt'), id)
end
local function reviveExpired()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])) do revive(id) end
end
local function holds(owner)
  local key = ARGV[2] .. ARGV[3]
  return redis.call('HGET', key, 'status') == 'running' and redis.call('HGET', key, 'owner') == owner
end
`;

export const TASK_SCRIPTS = {
  /** ARGV: now, prefix, id, queue name, payload, max live. Answers 1 when stored, 0 at the cap. */
  ndTaskAdd: `
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[6]) then return 0 end
redis.call('HSET', ARGV[2] .. ARGV[3], 'queue', ARGV[4], 'payload', ARGV[5], 'status', 'pending', 'message', '',
  'attempt', 0, 'nextRunAt', ARGV[1], 'createdAt', ARGV[1], 'updatedAt', ARGV[1], 'owner', '')
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('INCR', KEYS[4])
return 1`,
  /** ARGV: now, prefix, id. Answers the status the task had, or nil. */
  ndTaskCancel: `
local key = ARGV[2] .. ARGV[3]
local status = redis.call('HGET', key, 'status')
if status == 'pending' then
  redis.call('ZREM', KEYS[1], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[1], ARGV[3])
  redis.call('HSET', key, 'status', 'cancelled', 'updatedAt', ARGV[1])
  redis.call('DECR', KEYS[4])
end
return status`,
  /** ARGV: now, prefix. */
  ndTaskClear: `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do
  redis.call('HSET', ARGV[2] .. id, 'status', 'cancelled', 'updatedAt', ARGV[1])
  redis.call('ZADD', KEYS[3], ARGV[1], id)
end
redis.call('DEL', KEYS[1])
redis.call('DECRBY', KEYS[4], #ids)
return #ids`,
  /** ARGV: now, prefix, '', owner, lease end. Answers {id, queue, message, attempt, payload} or nil. */
  ndTaskClaim: `${REVIVE}
reviveExpired()
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if #ids == 0 then return false end
local id = ids[1]
local key = ARGV[2] .. id
redis.call('ZREM', KEYS[1], id)
redis.call('ZADD', KEYS[2], ARGV[5], id)
local attempt = redis.call('HINCRBY', key, 'attempt', 1)
redis.call('HSET', key, 'status', 'running', 'owner', ARGV[4], 'updatedAt', ARGV[1])
local fields = redis.call('HMGET', key, 'queue', 'message', 'payload')
return {id, fields[1], fields[2], attempt, fields[3]}`,
  /** ARGV: now, prefix, id, owner, lease end. */
  ndTaskRenew: `${REVIVE}
if not holds(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[2], 'XX', ARGV[5], ARGV[3])
return 1`,
  /** ARGV: now, prefix, id, owner, status, message, next run time ('' unless pending). */
  ndTaskFinish: `${REVIVE}
if not holds(ARGV[4]) then return 0 end
local key = ARGV[2] .. ARGV[3]
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('HSET', key, 'status', ARGV[5], 'message', ARGV[6], 'owner', '', 'updatedAt', ARGV[1])
if ARGV[5] == 'pending' then
  redis.call('HSET', key, 'nextRunAt', ARGV[7])
  redis.call('ZADD', KEYS[1], ARGV[7], ARGV[3])
else
  redis.call('ZADD', KEYS[3], ARGV[1], ARGV[3])
  redis.call('DECR', KEYS[4])
end
return 1`,
  /** ARGV: now, prefix, id, owner. */
  ndTaskRelease: `${REVIVE}
if not holds(ARGV[4]) then return 0 end
revive(ARGV[3])
return 1`,
  /** ARGV: now, prefix. Only tasks whose lease ended: other hosts may be running the rest. */
  ndTaskReviveExpired: `${REVIVE}
reviveExpired()
return 0`,
  /** ARGV: before, prefix. */
  ndTaskSweep: `
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1])
for _, id in ipairs(ids) do redis.call('DEL', ARGV[2] .. id) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1])
return #ids`,
};
