package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
)

// Local has the same algorithms and results as the Redis Limiter; here with
// a clock stopped at one instant so the output is deterministic.
func ExampleNewLocal() {
	now := time.Now()
	l, err := ratelimit.NewLocal(ratelimit.Config{
		Algorithm: ratelimit.TokenBucket,
		Limit:     ratelimit.Limit{Rate: 10, Period: time.Second, Burst: 3},
		Now:       func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}
	for i := 0; i < 4; i++ {
		res, _ := l.Allow(context.Background(), "user:42", nil)
		fmt.Println(res.Allowed, res.Remaining, res.RetryAfter)
	}
	// Output:
	// true 2 0s
	// true 1 0s
	// true 0 0s
	// false 0 100ms
}

func ExampleMulti() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()
	// 2 per second and 100 per day, checked and consumed together.
	m, err := ratelimit.NewMulti(client, ratelimit.MultiConfig{Prefix: prefix,
		Limits: []ratelimit.Limit{ratelimit.PerSecond(2), {Rate: 100, Period: 24 * time.Hour}}})
	if err != nil {
		panic(err)
	}
	for range 3 {
		r, err := m.Allow(ctx, "user:42", nil)
		fmt.Println(r.Allowed, r.Denied, err)
	}
	// Output:
	// true -1 <nil>
	// true -1 <nil>
	// false 0 <nil>
}

func ExampleConcurrency() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()
	// At most one export per tenant at a time; a crashed worker's slot is
	// freed after 10 seconds.
	c, err := ratelimit.NewConcurrency(client, ratelimit.ConcurrencyConfig{Prefix: prefix, Limit: 1, LeaseTTL: 10 * time.Second})
	if err != nil {
		panic(err)
	}
	first, _ := c.Acquire(ctx, "tenant:7:export")
	second, _ := c.Acquire(ctx, "tenant:7:export")
	fmt.Println(first.Lease != nil, second.Lease != nil)
	_ = first.Lease.Release(ctx)
	third, _ := c.Acquire(ctx, "tenant:7:export")
	fmt.Println(third.Lease != nil)
	// Output:
	// true false
	// true
}

func ExampleLeased() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()
	// 1,000 per minute for the whole fleet; this process takes 50 permits
	// per round trip and spends them locally until the minute ends.
	l, err := ratelimit.NewLeased(client, ratelimit.LeasedConfig{Limit: ratelimit.PerMinute(1000), Batch: 50, Prefix: prefix})
	if err != nil {
		panic(err)
	}
	for range 120 {
		if _, err := l.Allow(ctx, "tenant:7", nil); err != nil {
			panic(err)
		}
	}
	st := l.Stats()
	fmt.Println(st.Checks, "checks,", st.RoundTrips, "round trips,", l.Held("tenant:7"), "permits held")
	// Output:
	// 120 checks, 3 round trips, 30 permits held
}

// GCRAStep puts a GCRA limit inside a script of your own: one round trip
// checks the limit and does the work, on the state a Limiter keeps for
// the same key. Here each call spends a request and, when allowed,
// counts a page view.
func ExampleGCRAStep() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()
	limit := ratelimit.Limit{Rate: 2, Period: time.Hour, Burst: 2}
	l, err := ratelimit.New(client, ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: limit, Prefix: prefix})
	if err != nil {
		panic(err)
	}
	viewScript := rueidis.NewLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local key, limit, period, burst, cost = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), 1
` + ratelimit.GCRAStep + `
if not allowed then return {0, remaining} end
return {redis.call('INCR', KEYS[2]), remaining}
`)
	// Keys of one slot (one hash tag) so the script also runs on a cluster.
	views := prefix + "{user:42}:views"
	args := []string{"2", strconv.FormatInt(time.Hour.Microseconds(), 10), "2"}
	for range 2 {
		out, _ := viewScript.Exec(ctx, client, []string{l.Key("user:42"), views}, args).AsIntSlice()
		fmt.Println("views", out[0], "remaining", out[1])
	}
	res, _ := l.Allow(ctx, "user:42", nil) // the same limit, spent by the script
	fmt.Println(res.Allowed)
	// Output:
	// views 1 remaining 1
	// views 2 remaining 0
	// false
}

// The HTTP middleware in front of a handler: 3 requests per minute per
// API key (GCRA). Checked responses carry the RateLimit-* headers, a
// refused one gets 429 with Retry-After, and a request without the key
// gets 400 without reaching the handler. While Redis is unreachable
// FailLocal checks the in-process limiter instead.
func ExampleMiddleware() {
	ctx := context.Background()
	client, prefix, done := devenv.ExampleRedis(ctx)
	defer done()
	cfg := ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: ratelimit.PerMinute(3), Prefix: prefix}
	limiter, err := ratelimit.New(client, cfg)
	if err != nil {
		panic(err)
	}
	local, err := ratelimit.NewLocal(cfg)
	if err != nil {
		panic(err)
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	h := ratelimit.Middleware(limiter, &ratelimit.MiddlewareOpts{
		Key:           ratelimit.KeyByHeader("X-API-Key"),
		OnUnavailable: ratelimit.FailLocal,
		Local:         local,
	})(api)
	for range 4 {
		req := httptest.NewRequest("GET", "/api/orders", nil)
		req.Header.Set("X-API-Key", "k-42")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("RateLimit-Remaining"), rec.Header().Get("Retry-After") != "")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/orders", nil))
	fmt.Println(rec.Code)
	// Output:
	// 200 2 false
	// 200 1 false
	// 200 0 false
	// 429 0 true
	// 400
}
