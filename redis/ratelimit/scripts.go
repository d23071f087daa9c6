package ratelimit

import "github.com/redis/rueidis"

// Every script takes exactly one key and the same arguments, and returns the
// same reply, so Limiter.Allow is one EVALSHA round trip whatever the
// algorithm:
//
//	KEYS[1]  the limiter key, "<prefix>{<key>}" (hash-tagged, so it maps to a
//	         single Redis Cluster slot)
//	ARGV[1]  now in microseconds, or 0 to read the clock of the Redis server
//	         with TIME (scripts replicate their effects, so TIME is safe)
//	ARGV[2]  limit: requests per period
//	ARGV[3]  period in microseconds
//	ARGV[4]  burst (capacity of the token bucket, tolerance of GCRA)
//	ARGV[5]  cost of this request (>= 1)
//	ARGV[6]  a unique request id (sliding log members are "<id>:<n>", so two
//	         requests in the same microsecond never collapse into one member)
//
//	returns  {allowed (1 or 0), remaining, retry_after_us, reset_us}
//	         retry_after_us is 0 when allowed and -1 when the cost can never
//	         fit; reset_us is the time until the limiter is back to full.
//
// Numbers are doubles in Lua; microsecond timestamps (~1.8e15) are exact.
// The same arithmetic, in the same order, is in local.go.
//
// TTLs in milliseconds are math.floor(us / 1000) + 1: never zero, never
// shorter than the state's life. Written inline rather than as Lua helper
// functions, so a call creates no closures.
const preamble = `
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local limit = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local cost = tonumber(ARGV[5])
`

// fixedWindowScript: KEYS[1] is a hash {w = window index, c = count}.
// Windows are aligned on multiples of the period since the Unix epoch.
var fixedWindowScript = rueidis.NewLuaScript(preamble + `
local w = math.floor(now / period)
local reset = (w + 1) * period - now
local st = redis.call('HMGET', KEYS[1], 'w', 'c')
local c = 0
if tonumber(st[1]) == w then c = tonumber(st[2]) or 0 end
if c + cost > limit then
  local retry = reset
  if cost > limit then retry = -1 end
  return {0, math.max(0, limit - c), retry, reset}
end
local fresh = c == 0
c = c + cost
redis.call('HSET', KEYS[1], 'w', w, 'c', c)
if fresh then redis.call('PEXPIRE', KEYS[1], math.floor(reset / 1000) + 1) end -- once per window
return {1, limit - c, 0, reset}
`)

// slidingLogScript: KEYS[1] is a sorted set of admitted requests, scored by
// their time in microseconds. Only admitted requests are logged: a client
// that keeps retrying while denied does not lock itself out.
var slidingLogScript = rueidis.NewLuaScript(preamble + `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local n = redis.call('ZCARD', KEYS[1])
if n + cost > limit then
  local retry = -1
  if cost <= limit then
    local i = n + cost - limit - 1
    local e = redis.call('ZRANGE', KEYS[1], i, i, 'WITHSCORES')
    retry = tonumber(e[2]) + period - now
  end
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local reset = 0
  if last[2] then reset = tonumber(last[2]) + period - now end
  return {0, math.max(0, limit - n), retry, reset}
end
local args = {}
for i = 1, cost do
  args[#args + 1] = now
  args[#args + 1] = ARGV[6] .. ':' .. i
end
redis.call('ZADD', KEYS[1], unpack(args))
redis.call('PEXPIRE', KEYS[1], math.floor(period / 1000) + 1)
return {1, limit - n - cost, 0, period}
`)

// slidingWindowScript: KEYS[1] is a hash {w = current window index,
// c = count in window w, p = count in window w-1}. The estimate is
// p * (share of the previous window still inside the sliding window) + c.
var slidingWindowScript = rueidis.NewLuaScript(preamble + `
local w = math.floor(now / period)
local st = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local sw = tonumber(st[1])
local c, p = 0, 0
if sw == w then
  c = tonumber(st[2]) or 0
  p = tonumber(st[3]) or 0
elseif sw == w - 1 then
  p = tonumber(st[2]) or 0
end
local elapsed = now - w * period
local est = p * ((period - elapsed) / period) + c
local reset = 0
if c > 0 then reset = 2 * period - elapsed elseif p > 0 then reset = period - elapsed end
if est + cost > limit then
  local retry = -1
  if cost <= limit then
    local room = limit - c - cost
    if p > 0 and room >= 0 then
      retry = math.ceil(period - room * period / p - elapsed)
    elseif c + cost <= limit then
      retry = period - elapsed
    else
      retry = period - elapsed + math.ceil(period - (limit - cost) * period / c)
    end
    if retry < 1 then retry = 1 end
  end
  return {0, math.max(0, math.floor(limit - est)), retry, reset}
end
c = c + cost
redis.call('HSET', KEYS[1], 'w', w, 'c', c, 'p', p)
if sw ~= w then redis.call('PEXPIRE', KEYS[1], math.floor((2 * period - elapsed) / 1000) + 1) end -- once per window
return {1, math.max(0, math.floor(limit - est - cost)), 0, 2 * period - elapsed}
`)

// tokenBucketScript: KEYS[1] is a hash {t = tokens, ts = last update in
// microseconds}. The bucket holds up to burst tokens and refills at
// limit/period tokens per microsecond.
var tokenBucketScript = rueidis.NewLuaScript(preamble + `
local rate = limit / period
local st = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens, ts = burst, now
if st[1] then
  tokens = tonumber(st[1])
  ts = tonumber(st[2])
end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate)
if tokens + 1e-9 < cost then
  local retry = -1
  if cost <= burst then retry = math.ceil((cost - tokens) / rate) end
  return {0, math.floor(tokens + 1e-9), retry, math.ceil((burst - tokens) / rate)}
end
tokens = tokens - cost
if ts < now then ts = now end
local reset = math.ceil((burst - tokens) / rate)
redis.call('HSET', KEYS[1], 't', tokens, 'ts', ts)
redis.call('PEXPIRE', KEYS[1], math.floor(reset / 1000) + 1)
return {1, math.floor(tokens + 1e-9), 0, reset}
`)

// gcraScript: KEYS[1] holds the theoretical arrival time (TAT) in
// microseconds. One request costs period/limit; up to burst requests may
// arrive at once.
var gcraScript = rueidis.NewLuaScript(preamble + "local key = KEYS[1]\n" + GCRAStep + `
if allowed then return {1, remaining, 0, reset_us} end
return {0, remaining, retry_us, reset_us}
`)

// GCRAStep is the check of a Limiter with Algorithm GCRA as a Lua
// fragment, for a script that spends a request of a limit and does its
// own work in the same atomic step and round trip, on the state Limiter
// keeps (the same key, the same arithmetic). It reads the Lua locals key
// (the limiter's key, Limiter.Key), now (microseconds), limit, period
// (microseconds), burst (Limit.Burst, or Limit.Rate when that is 0) and
// cost, and sets the locals allowed (a boolean), remaining, retry_us (0
// when allowed, -1 when the cost can never fit) and reset_us: the
// fields of Result. When allowed it has spent cost; else it wrote
// nothing. The key is in a slot of its own: on Redis Cluster a script
// combining it with keys of another slot does not run.
const GCRAStep = `
local emission = period / limit
local increment = emission * cost
local tolerance = emission * burst
local tat = tonumber(redis.call('GET', key)) or now
if tat < now then tat = now end
local allow_at = tat + increment - tolerance
local diff = now - allow_at
local allowed, remaining, retry_us, reset_us = diff >= -1e-3, 0, 0, 0
if allowed then
  local new_tat = tat + increment
  redis.call('SET', key, new_tat, 'PX', math.floor((new_tat - now) / 1000) + 1)
  remaining, reset_us = math.max(0, math.floor(diff / emission + 1e-9)), math.ceil(new_tat - now)
else
  retry_us = math.ceil(-diff)
  if increment > tolerance then retry_us = -1 end
  remaining, reset_us = math.max(0, math.floor((now - (tat - tolerance)) / emission + 1e-9)), math.ceil(tat - now)
end
`
