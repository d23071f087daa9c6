// Package ratelimit limits request rates with Redis: fixed window, sliding
// window log, sliding window counter, token bucket and GCRA.
//
// Every check is one Lua script call (one round trip, atomic), so many
// processes sharing one Redis share one limit with no read-then-write race.
// Time comes from the Redis server (TIME inside the script), so clients with
// skewed clocks agree; tests inject a clock with Config.Now. Keys are
// "<prefix>{<key>}", hash-tagged for Redis Cluster. A request may cost more
// than one unit (AllowOpts.Cost).
//
//	l, err := ratelimit.New(client, ratelimit.Config{
//		Algorithm: ratelimit.GCRA,
//		Limit:     ratelimit.Limit{Rate: 100, Period: time.Minute, Burst: 20},
//	})
//	res, err := l.Allow(ctx, "user:42", nil)
//	if !res.Allowed { /* wait res.RetryAfter */ }
//
// Two cheaper variants of the fixed window: Config.NoScript counts with
// plain commands (MULTI, INCRBY, PEXPIRE NX, EXEC; no Lua on the server),
// and Leased takes permits from Redis in batches and spends them in the
// process, one round trip per batch instead of per request, never
// admitting more than the limit (unspent permits die with their window).
//
// GCRAStep is the GCRA check as a Lua fragment, for a script that spends
// a request of a limit and does its own work in one atomic round trip, on
// the state a Limiter keeps for the same key (apps/shop's reservation
// script checks the buyer's limit this way).
//
// Middleware wraps a net/http handler: it keys requests (KeyByIP,
// KeyByHeader, or your KeyFunc), sets RateLimit-Limit, RateLimit-Remaining
// and RateLimit-Reset, and answers 429 with Retry-After. When Redis cannot be
// reached it follows MiddlewareOpts.OnUnavailable: FailOpen (let requests
// through), FailClosed (answer 503), or FailLocal (check an in-process Local
// limiter, which counts per process, until Redis answers again).
//
// Bad input is refused with typed errors: *ConfigError (zero or negative
// rate, period or burst), ErrEmptyKey, ErrInvalidCost, *CostError (a cost
// above the capacity could never pass); all match errors.Is(err,
// ErrInvalid). Redis failures are *RedisError, matching ErrUnavailable.
// Nil receivers and key functions given a nil request return ErrInvalid
// too; a Middleware with a nil Checker, or FailLocal without Local,
// answers 500 to every request rather than panicking.
package ratelimit
