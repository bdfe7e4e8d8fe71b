/**
 * Lua scripts, run atomically by Redis (EVALSHA; ioredis falls back to EVAL after a restart
 * emptied the script cache). Each touches one key, so they work on Redis Cluster and Valkey.
 * A session is a hash: v (version), d (JSON data), c (createdAt), t (touchedAt); its TTL is
 * the key's expiry.
 */

/** Compare-and-set. ARGV: expected version ('' = unconditional), version, data, createdAt, touchedAt, ttl ms. */
export const SET_SCRIPT = `
if ARGV[1] ~= '' then
  local current = redis.call('HGET', KEYS[1], 'v')
  local have = 0
  if current then have = tonumber(current) end
  if have ~= tonumber(ARGV[1]) then return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3], 'c', ARGV[4], 't', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1
`

/** Extends a live session only (never creates one). ARGV: touchedAt, ttl ms. */
export const TOUCH_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 't', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`
