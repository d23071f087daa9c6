package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/polystore/polystore/redis/redisconn"
)

// errSkipped is the cause of the *RedisError the middleware acts on while
// it skips an unreachable Redis between probes.
var errSkipped = errors.New("redis was unreachable; waiting for the next probe")

// Policy says what Middleware does when Redis cannot be reached.
type Policy uint8

const (
	// FailOpen lets requests through unchecked (availability first).
	FailOpen Policy = iota
	// FailClosed answers 503 Service Unavailable (protection first).
	FailClosed
	// FailLocal checks requests against MiddlewareOpts.Local, an in-process
	// limiter, until Redis answers again.
	FailLocal
)

// KeyFunc derives the limiter key from a request. An error answers 400.
type KeyFunc func(r *http.Request) (string, error)

// ErrNoKey is returned by key functions when the request has no key.
var ErrNoKey = errors.New("ratelimit: request has no rate-limit key")

// errNilRequest is returned by the key functions given a nil request.
var errNilRequest = fmt.Errorf("%w: nil request", ErrInvalid)

// KeyByIP keys requests by the client IP (RemoteAddr without the port).
// Behind a proxy, write a KeyFunc that trusts your proxy's header.
func KeyByIP(r *http.Request) (string, error) {
	if r == nil {
		return "", errNilRequest
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if host == "" {
		return "", ErrNoKey
	}
	return "ip:" + host, nil
}

// KeyByHeader keys requests by a header such as "X-API-Key" or a user id set
// by an authentication middleware; requests without it get 400.
func KeyByHeader(name string) KeyFunc {
	return func(r *http.Request) (string, error) {
		if r == nil {
			return "", errNilRequest
		}
		v := r.Header.Get(name)
		if v == "" {
			return "", ErrNoKey
		}
		return name + ":" + v, nil
	}
}

// MiddlewareOpts configures Middleware; nil means KeyByIP and FailOpen.
type MiddlewareOpts struct {
	Key KeyFunc
	// Cost of a request (default 1).
	Cost func(r *http.Request) int64
	// OnUnavailable is the policy when Redis cannot be reached.
	OnUnavailable Policy
	// Local is the in-process limiter used by FailLocal (required then).
	Local Checker
	// Logger receives outages (default slog.Default()): one warning when
	// Redis becomes unreachable, at most one summary per LogInterval while
	// it stays so, one message when it answers again — never one line per
	// request.
	Logger *slog.Logger
	// LogInterval spaces the outage summaries (default 10s).
	LogInterval time.Duration
	// ProbeInterval: while Redis is unreachable, requests skip it and go
	// straight to the OnUnavailable policy; one request per ProbeInterval
	// tries Redis again (default 1s).
	ProbeInterval time.Duration
	// Stats, if set, receives counters of outages and of requests handled
	// by the OnUnavailable policy (export them as metrics).
	Stats *MiddlewareStats
	// Denied writes the 429 body; default a plain-text message.
	Denied http.Handler
}

// MiddlewareStats counts what Middleware did while Redis was unreachable.
// Read the fields with their Load methods; safe for concurrent use.
type MiddlewareStats struct {
	// Outages counts transitions from reachable to unreachable.
	Outages atomic.Int64
	// Unavailable counts requests handled by the OnUnavailable policy.
	Unavailable atomic.Int64
	// Skipped counts the requests among them that did not try Redis
	// because it was known to be down (between probes).
	Skipped atomic.Int64
}

// outageLog logs outages rate-limited.
type outageLog struct {
	logger   *slog.Logger
	every    time.Duration
	policy   Policy
	mu       sync.Mutex
	lastLog  time.Time
	since    time.Time
	count    int64 // requests under the policy since lastLog
	total    int64 // requests under the policy in this outage
	breaker  *redisconn.Breaker
	active   atomic.Bool // an outage is being reported
	stats    *MiddlewareStats
	internal MiddlewareStats
}

func (o *outageLog) unavailable(ctx context.Context, err error, skipped bool) {
	o.stats.Unavailable.Add(1)
	if skipped {
		o.stats.Skipped.Add(1)
	}
	tr := redisconn.Unchanged
	if !skipped {
		tr = o.breaker.Observe(err)
	}
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.count++
	o.total++
	switch {
	case tr == redisconn.WentDown || o.since.IsZero():
		o.stats.Outages.Add(1)
		o.since, o.lastLog, o.count, o.total = now, now, 0, 1
		o.active.Store(true)
		o.logger.WarnContext(ctx, "rate limiter unavailable; applying policy until it answers",
			"policy", o.policy, "err", err)
	case now.Sub(o.lastLog) >= o.every:
		o.logger.WarnContext(ctx, "rate limiter still unavailable", "policy", o.policy,
			"for", now.Sub(o.since).Round(time.Millisecond), "requests", o.count, "err", err)
		o.lastLog, o.count = now, 0
	}
}

func (o *outageLog) answered(ctx context.Context) {
	o.breaker.Observe(nil)
	if !o.active.Load() {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since.IsZero() {
		return
	}
	o.logger.InfoContext(ctx, "rate limiter recovered", "policy", o.policy,
		"after", time.Since(o.since).Round(time.Millisecond), "requests", o.total)
	o.since = time.Time{}
	o.active.Store(false)
}

// Middleware limits requests with c, sets RateLimit-Limit,
// RateLimit-Remaining and RateLimit-Reset on every checked response, and
// answers 429 Too Many Requests with Retry-After when the limit is reached.
//
// A nil Checker, or FailLocal without MiddlewareOpts.Local, is a
// configuration error: it is logged once and every request is answered
// 500 (the error wraps ErrInvalid) without reaching next.
func Middleware(c Checker, opts *MiddlewareOpts) func(http.Handler) http.Handler {
	var o MiddlewareOpts
	if opts != nil {
		o = *opts
	}
	if o.Key == nil {
		o.Key = KeyByIP
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var invalid error
	switch {
	case c == nil:
		invalid = fmt.Errorf("%w: Middleware needs a Checker", ErrInvalid)
	case o.OnUnavailable == FailLocal && o.Local == nil:
		invalid = fmt.Errorf("%w: FailLocal needs MiddlewareOpts.Local", ErrInvalid)
	}
	if invalid != nil {
		o.Logger.Error("ratelimit: middleware misconfigured; every request answers 500", "err", invalid)
		return func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, invalid.Error(), http.StatusInternalServerError)
			})
		}
	}
	if o.LogInterval <= 0 {
		o.LogInterval = 10 * time.Second
	}
	out := &outageLog{logger: o.Logger, every: o.LogInterval, policy: o.OnUnavailable,
		breaker: &redisconn.Breaker{Interval: o.ProbeInterval}, stats: o.Stats}
	if out.stats == nil {
		out.stats = &out.internal
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key, err := o.Key(r)
			if err != nil {
				http.Error(w, "rate limit key: "+err.Error(), http.StatusBadRequest)
				return
			}
			ao := &AllowOpts{Cost: 1}
			if o.Cost != nil {
				ao.Cost = o.Cost(r)
			}
			var res Result
			skipped := out.breaker.Skip()
			if skipped {
				err = &RedisError{Op: "allow", Err: errSkipped}
			} else {
				res, err = c.Allow(r.Context(), key, ao)
			}
			if err == nil {
				out.answered(r.Context())
			}
			if err != nil && IsUnavailable(err) {
				out.unavailable(r.Context(), err, skipped)
				switch o.OnUnavailable {
				case FailOpen:
					next.ServeHTTP(w, r)
					return
				case FailClosed:
					w.Header().Set("Retry-After", "1")
					http.Error(w, "rate limiter unavailable", http.StatusServiceUnavailable)
					return
				case FailLocal:
					res, err = o.Local.Allow(r.Context(), key, ao)
				}
			}
			if err != nil {
				status := http.StatusInternalServerError
				if IsInvalid(err) {
					status = http.StatusBadRequest
				}
				http.Error(w, err.Error(), status)
				return
			}
			SetHeaders(w.Header(), res)
			if !res.Allowed {
				if o.Denied != nil {
					w.WriteHeader(http.StatusTooManyRequests)
					o.Denied.ServeHTTP(w, r)
					return
				}
				http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// SetHeaders sets RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (in
// whole seconds, rounded up) and, when denied, Retry-After.
func SetHeaders(h http.Header, res Result) {
	h.Set("RateLimit-Limit", strconv.FormatInt(res.Limit, 10))
	h.Set("RateLimit-Remaining", strconv.FormatInt(res.Remaining, 10))
	h.Set("RateLimit-Reset", strconv.FormatInt(ceilSeconds(res.Reset), 10))
	if !res.Allowed {
		h.Set("Retry-After", strconv.FormatInt(ceilSeconds(res.RetryAfter), 10))
	}
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	if d == time.Duration(math.MaxInt64) {
		return math.MaxInt32
	}
	return int64((d + time.Second - 1) / time.Second)
}

func (p Policy) String() string {
	switch p {
	case FailOpen:
		return "fail_open"
	case FailClosed:
		return "fail_closed"
	case FailLocal:
		return "fail_local"
	}
	return "Policy(" + strconv.Itoa(int(p)) + ")"
}
