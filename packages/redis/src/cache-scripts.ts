// Lua scripts of the Redis cache. Each runs atomically, so the per-plugin cap holds even when several
// hosts write at once. Per plugin: `order` (sorted set, member = entry id, score = write sequence),
// `exp` (sorted set, score = expiry in epoch ms, entries with a TTL only) and `seq` (counter); every
// entry's value lives at `<valuePrefix><id>`. All keys of a plugin share one hash tag, so a cluster
// keeps them in one slot.

const DROP = `
local function drop(id)
  redis.call('DEL', ARGV[1] .. id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
local function purge(now)
  local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
  for _, id in ipairs(dead) do drop(id) end
  return #dead
end
`;

/** KEYS: order, exp, seq. ARGV: valuePrefix, id, envelope, ttlMs (0 = none), expiresAt, max, now. */
export const PUT = `${DROP}
local seq = redis.call('INCR', KEYS[3])
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call('SET', ARGV[1] .. ARGV[2], ARGV[3], 'PX', ttl)
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
else
  redis.call('SET', ARGV[1] .. ARGV[2], ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[2])
end
redis.call('ZADD', KEYS[1], seq, ARGV[2])
local max = tonumber(ARGV[6])
local count = redis.call('ZCARD', KEYS[1])
local evicted = 0
if count > max then
  count = count - purge(ARGV[7])
end
if count > max then
  local old = redis.call('ZRANGE', KEYS[1], 0, count - max - 1)
  for _, id in ipairs(old) do drop(id) end
  evicted = #old
  count = count - evicted
end
return {evicted, count}
`;

/** KEYS: order, exp. ARGV: valuePrefix, id. Returns 1 when an entry was removed. */
export const REMOVE = `${DROP}
local existed = redis.call('DEL', ARGV[1] .. ARGV[2])
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[2])
return existed
`;

/** KEYS: order, exp. ARGV: valuePrefix, id prefix ('' = every entry). Walks the tracked set, no KEYS. */
export const CLEAR = `${DROP}
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local p = ARGV[2]
local n = 0
for _, id in ipairs(ids) do
  if p == '' or string.sub(id, 1, #p) == p then
    drop(id)
    n = n + 1
  end
end
return n
`;

/** KEYS: order, exp. ARGV: valuePrefix, now. Purges expired entries, returns the live count. */
export const COUNT = `${DROP}
purge(ARGV[2])
return redis.call('ZCARD', KEYS[1])
`;
