package shop

import (
	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/ratelimit"
)

// Every key of a product shares the hash tag {<productID>}, so each script
// below touches one cluster slot and runs unchanged on Redis Cluster.
// Times are the server's (TIME), in milliseconds.

// reserveScript checks the stock, decrements it, records the reservation
// with its expiry and stores the answer under the idempotency key — one
// atomic step, one round trip.
//
//	KEYS[1] stock   (string, units available)
//	KEYS[2] held    (string, units held by live reservations)
//	KEYS[3] expiry  (sorted set: reservation id by expiry time)
//	KEYS[4] idem    (string: payload "|" the stored answer)
//	KEYS[5] reservation (hash: user qty exp state price order)
//	KEYS[6] claim   (string: the payload the key was first used with,
//	        across products; optional, see Shop.Reserve)
//	ARGV[1] quantity, ARGV[2] reservation id, ARGV[3] user id,
//	ARGV[4] reservation TTL ms, ARGV[5] payload,
//	ARGV[6] idempotency TTL ms, ARGV[7] unit price
//
// Returns {status, reservation id, expires at ms, remaining, replay}, the
// last three integers (so that the client parses no string for them),
// status one of reserved, sold_out, unknown (no sale for the product),
// conflict (the key was used with another payload); replay is 1 when the
// answer comes from the idempotency key. Only a reservation is stored under the
// key (and claims it): a sold-out or unknown answer changes nothing, so a
// retry is answered from the stock of its time.
var reserveScript = rueidis.NewLuaScript(reserveLua)

// reserveLua is the body of reserveScript and of reserveLimitedScript.
const reserveLua = `
if KEYS[6] then
  local c = redis.call('GET', KEYS[6])
  if c and c ~= ARGV[5] then return {'conflict', '', 0, 0, 1} end
end
local idem = redis.call('GET', KEYS[4])
if idem then
  local p, i = {}, 1
  while true do
    local j = string.find(idem, '|', i, true)
    if not j then table.insert(p, string.sub(idem, i)) break end
    table.insert(p, string.sub(idem, i, j - 1))
    i = j + 1
  end
  if p[1] ~= ARGV[5] then return {'conflict', '', 0, 0, 1} end
  return {p[2], p[3], tonumber(p[4]), tonumber(p[5]), 1}
end
local stock = redis.call('GET', KEYS[1])
if not stock then return {'unknown', '', 0, 0, 0} end
stock = tonumber(stock)
local qty = tonumber(ARGV[1])
if stock < qty then return {'sold_out', '', 0, stock, 0} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local exp = now + tonumber(ARGV[4])
redis.call('DECRBY', KEYS[1], qty)
redis.call('INCRBY', KEYS[2], qty)
redis.call('HSET', KEYS[5], 'user', ARGV[3], 'qty', qty, 'exp', exp, 'state', 'held', 'price', ARGV[7])
redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[4]) + 86400000)
redis.call('ZADD', KEYS[3], exp, ARGV[2])
local left = tostring(stock - qty)
redis.call('SET', KEYS[4], ARGV[5] .. '|reserved|' .. ARGV[2] .. '|' .. exp .. '|' .. left, 'PX', ARGV[6])
if KEYS[6] then redis.call('SET', KEYS[6], ARGV[5], 'PX', ARGV[6]) end
return {'reserved', ARGV[2], exp, stock - qty, 0}
`

// reserveLimitedScript is reserveScript behind the caller's rate limit, in
// the same round trip (single server only: the limit's key is in a slot of
// its own): it spends one request of the user's GCRA limit exactly as
// redis/ratelimit's Limiter (GCRA, the server's clock) does on the same
// key, so the limit stays one across both paths and processes
// (TestReserveLimitedSharesTheLimit), and reserves only when the limit
// allowed the request.
//
//	KEYS[1..6], ARGV[1..7] as reserveScript (KEYS[6] required)
//	KEYS[7] the limiter's key (Limiter.Key: its TAT in microseconds)
//	ARGV[8] limit: requests per period, ARGV[9] period in microseconds,
//	ARGV[10] burst (the GCRA tolerance)
//
// Returns reserveScript's five fields and two more: the limit's remaining
// requests and its reset (microseconds). When the limit says no, the
// status is rate_limited, the third field the retry-after in microseconds
// (-1: never) and nothing else is read or written.
var reserveLimitedScript = rueidis.NewLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local key, limit, period, burst, cost = KEYS[7], tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), 1
` + ratelimit.GCRAStep + `
if not allowed then
  return {'rate_limited', '', retry_us, 0, 0, remaining, reset_us}
end
local function reserve()
` + reserveLua + `
end
local r = reserve()
r[6] = remaining
r[7] = reset_us
return r
`)

// confirmScript turns a live reservation into a sale: held -> sold, and
// queues it for the order writer (the pending set). A reservation whose
// time is up is expired here instead, returning its stock exactly once —
// the reaper runs the same state check, so a late confirm racing the reaper
// cannot both sell and return the units.
//
//	KEYS[1] stock, KEYS[2] held, KEYS[3] sold, KEYS[4] expiry,
//	KEYS[5] reservation, KEYS[6] pending (sorted set: id by confirm time)
//	ARGV[1] reservation id, ARGV[2] order id, ARGV[3] user id
//
// Returns {status, order id, quantity, unit price, replay}, status one of
// confirmed, expired, not_found (unknown id or another user's).
var confirmScript = rueidis.NewLuaScript(`
local r = redis.call('HMGET', KEYS[5], 'state', 'qty', 'exp', 'user', 'order', 'price')
if not r[1] or r[4] ~= ARGV[3] then return {'not_found', '', '0', '0', '0'} end
if r[1] == 'confirmed' then return {'confirmed', r[5], r[2], r[6], '1'} end
if r[1] == 'expired' then return {'expired', '', r[2], r[6], '1'} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local qty = tonumber(r[2])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('DECRBY', KEYS[2], qty)
if tonumber(r[3]) <= now then
  redis.call('HSET', KEYS[5], 'state', 'expired')
  redis.call('INCRBY', KEYS[1], qty)
  return {'expired', '', r[2], r[6], '0'}
end
redis.call('HSET', KEYS[5], 'state', 'confirmed', 'order', ARGV[2], 'confirmed', now)
redis.call('INCRBY', KEYS[3], qty)
redis.call('ZADD', KEYS[6], now, ARGV[1])
return {'confirmed', ARGV[2], r[2], r[6], '0'}
`)

// reapScript returns the stock of expired reservations of one product,
// each exactly once (only a held reservation past its expiry changes
// state); the reaper sends them a chunk at a time (reapChunk).
//
//	KEYS[1] stock, KEYS[2] held, KEYS[3] expiry, KEYS[3+i] reservation i
//	ARGV[i] reservation id i
//
// Returns the units returned (reservations not due or not held return none).
var reapScript = rueidis.NewLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local total = 0
for i = 1, #ARGV do
  local key = KEYS[3 + i]
  local r = redis.call('HMGET', key, 'state', 'qty', 'exp')
  if r[1] ~= 'held' then
    redis.call('ZREM', KEYS[3], ARGV[i])
  elseif tonumber(r[3]) <= now then
    redis.call('HSET', key, 'state', 'expired')
    redis.call('ZREM', KEYS[3], ARGV[i])
    total = total + tonumber(r[2])
  end
end
if total > 0 then
  redis.call('INCRBY', KEYS[1], total)
  redis.call('DECRBY', KEYS[2], total)
end
return total
`)

// openScript opens a product's sale: the stock and the initial units are
// set once (NX), so restarting a process never refills a running sale.
//
//	KEYS[1] stock, KEYS[2] held, KEYS[3] sold, KEYS[4] initial
//	ARGV[1] units
//
// Returns 1 when the sale was opened now, 0 when it already was.
var openScript = rueidis.NewLuaScript(`
if redis.call('SET', KEYS[4], ARGV[1], 'NX') then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], 0)
  redis.call('SET', KEYS[3], 0)
  return 1
end
return 0
`)

// countsScript reads a product's counters in one step, so the invariant
// initial = stock + held + sold can be checked at any moment.
//
//	KEYS[1] stock, KEYS[2] held, KEYS[3] sold, KEYS[4] initial
var countsScript = rueidis.NewLuaScript(`
return redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
`)
