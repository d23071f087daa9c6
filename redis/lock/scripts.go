package lock

import "github.com/redis/rueidis"

// drawFence is the Lua that draws the next fencing token from the counter
// KEYS[2] into f, given ttl (the lease in ms), keep (the counter's TTL in
// ms, 0: never expires) and refresh. Shared by acquireScript and
// semAcquireScript.
//
// While the counter lives the token is last + 1 (INCR). A counter that does
// not exist (new name, or expired) starts at the server time in µs, with a
// TTL of keep ms. On one server the counter therefore never runs ahead of
// the server's clock: it starts at the clock and grows by one per
// acquisition, and acquisitions of one name are script runs on one
// single-threaded server, each taking more than a µs. So a counter that
// expires, whenever it does, restarts above every token it gave, and the
// TTL need not be renewed on every acquisition (a PEXPIRE in the script
// costs the server about as much as the rest of the fence): it is set
// when the counter starts, and on every 1024th token only if the counter
// has none (a counter kept by FenceTTL < 0 earlier, or written by hand).
// Tokens repeat only if the server clock is set back by more than about
// keep. A Redlock (refresh) raises counters to tokens drawn on other
// servers, whose clocks may be ahead: there the TTL is renewed on every
// acquisition, so a counter expires only keep ms after its last
// acquisition, by which time every clock has passed it. Counters written
// by an earlier version (max(last+1, µs)) are continued as they are.
const drawFence = `
local f = redis.call('INCR', KEYS[2])
local px = math.max(keep, ttl)
if f == 1 then
  local t = redis.call('TIME')
  f = tonumber(t[1]) * 1000000 + tonumber(t[2])
  if keep > 0 then
    redis.call('SET', KEYS[2], string.format('%d', f), 'PX', px)
  else
    redis.call('SET', KEYS[2], string.format('%d', f))
  end
elseif keep > 0 and (refresh or (f % 1024 == 0 and redis.call('PTTL', KEYS[2]) == -1)) then
  redis.call('PEXPIRE', KEYS[2], px)
end
`

// acquireScript takes the lock and draws the next fencing token in one step,
// so no two acquisitions can ever see the same token. It is idempotent, so
// the client may resend it after a dropped connection: a lock already held
// with this owner token returns its fencing token again (nobody else can
// draw one while the lock is held).
//
// The token comes from drawFence: the counter expires ARGV[3] ms after it
// started (after the last acquisition for a Redlock, ARGV[5] = "1"), so
// per-entity locks leave no permanent key. A resend that finds the
// counter gone (it expired in between) draws a new token.
//
// A caller that will wait (ARGV[4] = "1") marks the lock as awaited in the
// same step when it is held, so the holder's release wakes it (see
// releaseScript): no wake-up can fall between the check and the wait.
//
//	KEYS[1] lock key       KEYS[2] fencing counter   KEYS[3] awaited marker
//	ARGV[1] owner token    ARGV[2] TTL in milliseconds
//	ARGV[3] counter TTL in milliseconds (0: never expires)
//	ARGV[4] "1" when the caller waits for a release
//	ARGV[5] "1" to renew the counter's TTL on every acquisition (Redlock)
//	returns {fence, 0} when acquired, {0, pttl} when held by another owner
//
// The uncontended path is SET NX and INCR: two calls, no reads before the
// writes, and no TIME unless the counter is new.
var acquireScript = newScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then
    local pttl = redis.call('PTTL', KEYS[1])
    if ARGV[4] == '1' then
      redis.call('SET', KEYS[3], '1', 'PX', math.max(pttl, 1) + 1000)
    end
    return {0, pttl}
  end
  local last = tonumber(redis.call('GET', KEYS[2]))
  if last then
    return {last, 0}
  end
end
local ttl, keep, refresh = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[5] == '1'
` + drawFence + `
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
var releaseScript = newScript(`
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
