package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/redisconn"
)

// leaseScript takes up to ARGV[5] permits of a fixed window for a process
// to spend locally. It uses the same hash as fixedWindowScript ({w, c}),
// so exact and leased limiters with one Prefix count against one limit.
//
//	KEYS[1]  the limiter key, "<prefix>{<key>}"
//	ARGV[1]  now in µs, or 0 for the server's TIME
//	ARGV[2]  limit   ARGV[3] period in µs
//	ARGV[4]  permits the caller needs (it is denied with fewer)
//	ARGV[5]  permits it would like (a batch, >= ARGV[4])
//
//	returns  {granted, remaining in the window after the grant, µs until
//	         the window ends, window index}. granted is min(ARGV[5], what
//	         is left) when at least ARGV[4] is left, else 0: a caller that
//	         cannot be served takes nothing.
var leaseScript = rueidis.NewLuaScript(`
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local limit = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local need = tonumber(ARGV[4])
local want = tonumber(ARGV[5])
local w = math.floor(now / period)
local reset = (w + 1) * period - now
local st = redis.call('HMGET', KEYS[1], 'w', 'c')
local c = 0
if tonumber(st[1]) == w then c = tonumber(st[2]) or 0 end
local left = limit - c
if left < need then
  return {0, math.max(0, left), reset, w}
end
local g = math.min(want, left)
redis.call('HSET', KEYS[1], 'w', w, 'c', c + g)
if c == 0 then redis.call('PEXPIRE', KEYS[1], math.floor(reset / 1000) + 1) end
return {g, left - g, reset, w}
`)

// LeasedConfig configures a Leased limiter.
type LeasedConfig struct {
	// Limit is Rate requests per fixed window of Period (Burst unused).
	Limit Limit
	// Batch is how many permits a process takes from Redis at once
	// (default max(1, min(Rate/100, 100))). Larger batches save more round
	// trips and strand more permits (see Leased).
	Batch int64
	// Prefix starts every key; default "ratelimit:". The state is the
	// FixedWindow hash, so a Limiter with the same Prefix, Limit and
	// FixedWindow shares the count.
	Prefix string
	// Now overrides the clock (tests). Nil: the window is read on the Redis
	// server's clock and permits expire on this process's monotonic clock.
	Now func() time.Time
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout).
	Timeout time.Duration
}

// Leased is a fixed-window limiter that takes permits from Redis in
// batches and spends them in the process: one round trip per Batch
// admitted requests instead of one per request, and none for requests
// denied while the window is known to be full.
//
// Guarantee: at most Rate requests are admitted per window, over all
// processes, exactly as FixedWindow (and like it, up to 2×Rate across a
// window boundary). Permits are only handed out by the script, which never
// grants beyond the limit, and a process spends them only until the end of
// the window they were granted in (measured from the moment the request
// left, so never later than the server's window end). There is no
// overshoot.
//
// The price is under-admission: permits a process took but did not spend
// die with the window. For unit costs each process holds at most Batch−1
// unspent permits of a key, so a request may be denied while up to
// (Batch−1)×(processes−1) permits of its window sit unused elsewhere; with
// costs above 1, fewer than Batch+Cost per process. They are never
// carried into the next window.
//
// When Redis cannot be reached, permits already held are still spent;
// once they run out, Allow returns a *RedisError (IsUnavailable), so the
// Middleware applies its OnUnavailable policy as with the other limiters.
type Leased struct {
	client rueidis.Client
	cfg    LeasedConfig
	args   [3]string // limit, period
	period time.Duration

	mu   sync.Mutex
	keys map[string]*leasedKey

	checks, trips atomic.Int64
}

// LeasedStats counts a Leased limiter's work since it was created.
type LeasedStats struct {
	// Checks is the number of Allow calls with valid arguments.
	Checks int64
	// RoundTrips is the number of lease scripts sent to Redis.
	RoundTrips int64
}

// Stats returns the counters (safe for concurrent use).
func (l *Leased) Stats() LeasedStats {
	if l == nil {
		return LeasedStats{}
	}
	return LeasedStats{Checks: l.checks.Load(), RoundTrips: l.trips.Load()}
}

// leasedKey holds one key's permits in this process.
type leasedKey struct {
	mu       sync.Mutex
	window   int64
	have     int64     // permits of window left to spend
	until    time.Time // the window's end on this process's clock
	full     bool      // the server had no permits left for window
	left     int64     // the server's remaining count at the last lease
	fetching *fetch    // the lease in flight, if any
	dead     bool      // swept from Leased.keys: callers holding it take the key's new state
}

// fetch is a lease request other goroutines may wait for; err is set
// before done is closed.
type fetch struct {
	done chan struct{}
	err  error
}

// NewLeased returns a Leased limiter. It does no I/O.
func NewLeased(client rueidis.Client, cfg LeasedConfig) (*Leased, error) {
	if client == nil {
		return nil, &ConfigError{Field: "client", Reason: "must not be nil"}
	}
	c := Config{Algorithm: FixedWindow, Limit: cfg.Limit}
	if err := c.validate(); err != nil {
		return nil, err
	}
	if cfg.Batch < 0 {
		return nil, &ConfigError{Field: "Batch", Reason: "must not be negative"}
	}
	if cfg.Batch == 0 {
		cfg.Batch = max(1, min(cfg.Limit.Rate/100, 100))
	}
	cfg.Batch = min(cfg.Batch, cfg.Limit.Rate)
	if cfg.Prefix == "" {
		cfg.Prefix = "ratelimit:"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = redisconn.DefaultTimeout
	}
	l := &Leased{client: redisconn.WithTimeout(client, cfg.Timeout), cfg: cfg, keys: map[string]*leasedKey{},
		period: cfg.Limit.Period}
	l.args[1] = strconv.FormatInt(cfg.Limit.Rate, 10)
	l.args[2] = strconv.FormatInt(cfg.Limit.Period.Microseconds(), 10)
	return l, nil
}

// Config returns the configuration with defaults applied.
func (l *Leased) Config() LeasedConfig {
	if l == nil {
		return LeasedConfig{}
	}
	return l.cfg
}

// Key returns the Redis key used for a caller key.
func (l *Leased) Key(key string) string {
	if l == nil {
		return ""
	}
	return l.cfg.Prefix + "{" + key + "}"
}

func (l *Leased) now() time.Time {
	if l.cfg.Now != nil {
		return l.cfg.Now()
	}
	return time.Now()
}

func (l *Leased) state(key string) *leasedKey {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.keys[key]
	sweepSome(l.keys, sweepPerCall, func(s *leasedKey) bool {
		if s == st {
			return false // the key asked for stays: its callers are about to use it
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.dead = s.fetching == nil && now.After(s.until)
		return s.dead
	})
	if st == nil {
		st = &leasedKey{}
		l.keys[key] = st
	}
	return st
}

// Allow spends opts.Cost permits of key's current window, taking a batch
// from Redis when the process has too few.
func (l *Leased) Allow(ctx context.Context, key string, opts *AllowOpts) (Result, error) {
	if l == nil {
		return Result{}, fmt.Errorf("%w: nil *Leased", ErrInvalid)
	}
	cost, err := checkCall(&Config{Algorithm: FixedWindow, Limit: l.cfg.Limit}, key, opts)
	if err != nil {
		return Result{}, err
	}
	st := l.state(key)
	st.mu.Lock()
	l.checks.Add(1)
	for {
		if st.dead {
			// Swept between state and this lock (its window had ended and
			// nothing was in flight): a lease taken into it would be held by
			// no one else and its permits stranded, so take the key's state
			// anew.
			st.mu.Unlock()
			st = l.state(key)
			st.mu.Lock()
			continue
		}
		now := l.now()
		if !now.Before(st.until) {
			st.have, st.full = 0, false
		}
		reset := st.until.Sub(now)
		if st.have >= cost {
			st.have -= cost
			r := makeResult(l.cfg.Limit.Rate, true, st.have+st.left, 0, reset.Microseconds())
			st.mu.Unlock()
			return r, nil
		}
		if st.full {
			r := makeResult(l.cfg.Limit.Rate, false, st.have, reset.Microseconds(), reset.Microseconds())
			st.mu.Unlock()
			return r, nil
		}
		if f := st.fetching; f != nil {
			// Another goroutine is taking a batch for this key: wait for it,
			// and share its failure (during an outage the waiters must not
			// each try Redis in turn, one Timeout after the other).
			st.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return Result{}, wrapRedisErr("allow", context.Cause(ctx))
			}
			if f.err != nil {
				return Result{}, f.err
			}
			st.mu.Lock()
			continue
		}
		f := &fetch{done: make(chan struct{})}
		st.fetching = f
		need := cost - st.have
		st.mu.Unlock()
		vals, sent, err := l.lease(ctx, key, need, max(need, l.cfg.Batch))
		st.mu.Lock()
		st.fetching = nil
		f.err = err
		close(f.done)
		if err != nil {
			st.mu.Unlock()
			return Result{}, err
		}
		granted, left, resetUS, w := vals[0], vals[1], vals[2], vals[3]
		if w != st.window {
			// A new window: what was left of the old one is dead.
			st.window, st.have = w, 0
		}
		st.until = sent.Add(time.Duration(resetUS) * time.Microsecond)
		st.have += granted
		st.left = left
		st.full = left == 0
		if granted == 0 {
			// The window cannot serve this request; other goroutines keep
			// spending what the process holds.
			r := makeResult(l.cfg.Limit.Rate, false, st.have+left, resetUS, resetUS)
			st.mu.Unlock()
			return r, nil
		}
	}
}

// lease runs leaseScript. sent is when the request left, on this process's
// clock: the window ends no earlier than sent + reset.
func (l *Leased) lease(ctx context.Context, key string, need, want int64) ([]int64, time.Time, error) {
	now := "0"
	sent := l.now()
	if l.cfg.Now != nil {
		now = strconv.FormatInt(sent.UnixMicro(), 10)
	}
	l.trips.Add(1)
	vals, err := leaseScript.Exec(ctx, l.client, []string{l.Key(key)},
		[]string{now, l.args[1], l.args[2], strconv.FormatInt(need, 10), strconv.FormatInt(want, 10)}).AsIntSlice()
	if err != nil {
		return nil, sent, wrapRedisErr("lease", err)
	}
	if len(vals) != 4 {
		return nil, sent, fmt.Errorf("ratelimit: unexpected lease reply %v", vals)
	}
	return vals, sent, nil
}

// Held returns how many permits of key this process holds unspent (for
// metrics and tests).
func (l *Leased) Held(key string) int64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	st := l.keys[key]
	l.mu.Unlock()
	if st == nil {
		return 0
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if !l.now().Before(st.until) {
		return 0
	}
	return st.have
}

// Reset forgets the state of key in Redis and the permits this process
// holds for it. Other processes keep theirs until the window ends.
func (l *Leased) Reset(ctx context.Context, key string) error {
	if l == nil {
		return fmt.Errorf("%w: nil *Leased", ErrInvalid)
	}
	if key == "" {
		return ErrEmptyKey
	}
	l.mu.Lock()
	delete(l.keys, key)
	l.mu.Unlock()
	if err := l.client.Do(ctx, l.client.B().Unlink().Key(l.Key(key)).Build()).Error(); err != nil {
		return wrapRedisErr("reset", err)
	}
	return nil
}
