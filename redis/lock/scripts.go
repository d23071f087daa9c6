package lock

import "github.com/redis/rueidis"

// acquireScript takes the lock and draws the next fencing token in one step,
// so no two acquisitions can ever see the same token. It is idempotent, so
// the client may resend it after a dropped connection: a lock already held
// with this owner token returns its fencing token again (nobody else can
// draw one while the lock is held).
//
// The token is max(last token + 1, server time in µs), and the counter
// expires ARGV[3] ms after the last acquisition, so per-entity locks leave
// no permanent key. It stays strictly increasing: while the counter lives,
// by the +1; once it expired, the server clock has moved on by at least
// the counter's TTL past every token drawn. Only a server clock set back
// by more than that TTL could repeat a token.
//
// A caller that will wait (ARGV[4] = "1") marks the lock as awaited in the
// same step when it is held, so the holder's release wakes it (see
// releaseScript): no wake-up can fall between the check and the wait.
//
//	KEYS[1] lock key       KEYS[2] fencing counter   KEYS[3] awaited marker
//	ARGV[1] owner token    ARGV[2] TTL in milliseconds
//	ARGV[3] counter TTL in milliseconds (0: never expires)
//	ARGV[4] "1" when the caller waits for a release
//	returns {fence, 0} when acquired, {0, pttl} when held by another owner
//
// The uncontended path is SET NX, TIME and SET ... GET: three calls, no
// reads before the writes.
var acquireScript = rueidis.NewLuaScriptRetryable(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if redis.call('GET', KEYS[1]) == ARGV[1] then
    return {tonumber(redis.call('GET', KEYS[2])), 0}
  end
  local pttl = redis.call('PTTL', KEYS[1])
  if ARGV[4] == '1' then
    redis.call('SET', KEYS[3], '1', 'PX', math.max(pttl, 1) + 1000)
  end
  return {0, pttl}
end
local t = redis.call('TIME')
local f = tonumber(t[1]) * 1000000 + tonumber(t[2])
local keep = tonumber(ARGV[3])
local px = math.max(keep, tonumber(ARGV[2]))
local last
if keep > 0 then
  last = redis.call('SET', KEYS[2], string.format('%d', f), 'PX', px, 'GET')
else
  last = redis.call('SET', KEYS[2], string.format('%d', f), 'GET')
end
last = last and tonumber(last) or 0
if last >= f then
  -- The clock has not moved past the last token (same µs, or set back):
  -- rare, so the common path is one SET ... GET instead of GET then SET.
  f = last + 1
  if keep > 0 then
    redis.call('SET', KEYS[2], string.format('%d', f), 'PX', px)
  else
    redis.call('SET', KEYS[2], string.format('%d', f))
  end
end
return {f, 0}
`)

// The scripts below are idempotent and resent by the client after a
// dropped connection.

// releaseScript deletes the lock only when it still holds the owner's token
// and, when someone waits for it (the awaited marker, which waiters renew
// and which expires a second after the lease they waited for), pushes one
// wake-up onto the wake list that waiters block on (BLPOP): one waiter
// takes the lock one round trip after the release instead of at its next
// poll; the others stay blocked for the next release.
//
//	KEYS[1] lock key   KEYS[2] awaited marker   KEYS[3] wake list
//	ARGV[1] owner token
//	returns 1 when released, 0 when not the owner
var releaseScript = rueidis.NewLuaScriptRetryable(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('RPUSH', KEYS[3], '1')
  redis.call('LTRIM', KEYS[3], -1, -1)
  redis.call('PEXPIRE', KEYS[3], 5000)
end
return 1
`)

// extendScript resets the TTL only when the lock still holds the owner's token.
//
//	KEYS[1] lock key   ARGV[1] owner token   ARGV[2] TTL in milliseconds
//	returns 1 when extended, 0 when not the owner
var extendScript = rueidis.NewLuaScriptRetryable(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// raiseFenceScript lifts the fencing counter to at least ARGV[2], only while
// the caller owns the lock. Redlock uses it so that every instance of the
// quorum holds a counter at least as high as the token handed out; any later
// quorum overlaps this one and therefore draws a higher token.
//
//	KEYS[1] lock key   KEYS[2] fencing counter
//	ARGV[1] owner token   ARGV[2] fence
//	returns 1 when raised (or already high enough), 0 when not the owner
var raiseFenceScript = rueidis.NewLuaScriptRetryable(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
if cur < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[2], 'KEEPTTL')
end
return 1
`)

// fencedSetScript writes a value only when the writer's fencing token is at
// least the highest one seen for the resource.
//
//	KEYS[1] value key   KEYS[2] highest-fence key
//	ARGV[1] fence       ARGV[2] value
//	returns {1, fence} when written, {0, highest} when the token is stale
var fencedSetScript = rueidis.NewLuaScript(`
local hi = tonumber(redis.call('GET', KEYS[2]) or '0')
local f = tonumber(ARGV[1])
if f < hi then
  return {0, hi}
end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[2])
return {1, f}
`)
