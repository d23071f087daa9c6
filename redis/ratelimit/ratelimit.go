package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
)

// Algorithm selects how a Limiter counts requests.
type Algorithm uint8

const (
	// FixedWindow counts requests in windows aligned on multiples of the
	// period. Up to 2×Rate may pass around a window boundary.
	FixedWindow Algorithm = iota + 1
	// SlidingLog logs every admitted request; at most Rate requests in any
	// period-long interval. Exact, memory O(Rate) per key.
	SlidingLog
	// SlidingWindow weights the previous window's count by the share of it
	// still inside the sliding window and adds the current count. O(1)
	// memory, approximate.
	SlidingWindow
	// TokenBucket holds up to Burst tokens, refilled at Rate per Period.
	TokenBucket
	// GCRA is the generic cell rate algorithm: Rate per Period, smoothly
	// spaced, with up to Burst at once. Same admissions as a token bucket,
	// one number of state.
	GCRA
)

var algorithmNames = map[Algorithm]string{
	FixedWindow: "fixed_window", SlidingLog: "sliding_log", SlidingWindow: "sliding_window",
	TokenBucket: "token_bucket", GCRA: "gcra",
}

// Algorithms lists every algorithm, in declaration order.
var Algorithms = []Algorithm{FixedWindow, SlidingLog, SlidingWindow, TokenBucket, GCRA}

func (a Algorithm) String() string {
	if s, ok := algorithmNames[a]; ok {
		return s
	}
	return "Algorithm(" + strconv.Itoa(int(a)) + ")"
}

func (a Algorithm) script() *rueidis.Lua {
	switch a {
	case FixedWindow:
		return fixedWindowScript
	case SlidingLog:
		return slidingLogScript
	case SlidingWindow:
		return slidingWindowScript
	case TokenBucket:
		return tokenBucketScript
	case GCRA:
		return gcraScript
	}
	return nil
}

// Limit is Rate requests per Period. Burst is the capacity of TokenBucket
// and GCRA (0 means Rate); the window algorithms ignore it.
type Limit struct {
	Rate   int64
	Period time.Duration
	Burst  int64
}

// PerSecond returns n requests per second.
func PerSecond(n int64) Limit { return Limit{Rate: n, Period: time.Second} }

// PerMinute returns n requests per minute.
func PerMinute(n int64) Limit { return Limit{Rate: n, Period: time.Minute} }

// PerHour returns n requests per hour.
func PerHour(n int64) Limit { return Limit{Rate: n, Period: time.Hour} }

// capacity is the largest cost a single request may have.
func (l Limit) capacity(a Algorithm) int64 {
	if (a == TokenBucket || a == GCRA) && l.Burst > 0 {
		return l.Burst
	}
	return l.Rate
}

// Config configures a Limiter.
type Config struct {
	// Algorithm is required: there is no default (GCRA suits most APIs:
	// one number per key, requests spaced smoothly, bursts up to
	// Limit.Burst).
	Algorithm Algorithm
	// Limit is the rate (required) and burst.
	Limit Limit
	// Prefix starts every key; default "ratelimit:". Keys are
	// Prefix + "{" + key + "}" so each maps to one Redis Cluster slot.
	Prefix string
	// Now overrides the clock (tests). Nil: the Redis server's clock, read
	// inside the script, so every client agrees on time.
	Now func() time.Time
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout,
	// 1s; negative: only the caller's context bounds calls).
	Timeout time.Duration
	// NoScript (FixedWindow only) counts with plain commands instead of a
	// Lua script: MULTI, INCRBY, PEXPIRE NX, EXEC on the key
	// "<prefix>{<key>}:<window>", one round trip. The transaction sets the
	// TTL in the same atomic step as the increment, so no key is ever left
	// without one. The window index comes from this process's clock (or
	// Now), not the server's: clients whose clocks disagree by d disagree
	// on window boundaries by d. Same admissions as the scripted
	// FixedWindow otherwise; a denied request of cost > 1 gives its units
	// back with DECRBY.
	NoScript bool
}

func (c *Config) validate() error {
	if c.Algorithm == 0 {
		return &ConfigError{Field: "Algorithm", Reason: "not set: choose FixedWindow, SlidingLog, SlidingWindow, TokenBucket or GCRA"}
	}
	if _, ok := algorithmNames[c.Algorithm]; !ok {
		return &ConfigError{Field: "Algorithm", Reason: "unknown algorithm " + c.Algorithm.String()}
	}
	if c.Limit.Rate <= 0 {
		return &ConfigError{Field: "Limit.Rate", Reason: "must be positive, got " + strconv.FormatInt(c.Limit.Rate, 10)}
	}
	if c.Limit.Period < time.Microsecond {
		return &ConfigError{Field: "Limit.Period", Reason: "must be at least 1µs, got " + c.Limit.Period.String()}
	}
	if c.Limit.Burst < 0 {
		return &ConfigError{Field: "Limit.Burst", Reason: "must not be negative"}
	}
	if c.NoScript && c.Algorithm != FixedWindow {
		return &ConfigError{Field: "NoScript", Reason: "only FixedWindow counts without a script, not " + c.Algorithm.String()}
	}
	return nil
}

// AllowOpts are per-call options; nil means cost 1.
type AllowOpts struct {
	// Cost of the request in units of the limit (default 1).
	Cost int64
}

// Result is the outcome of one check.
type Result struct {
	Allowed bool
	// Limit is the capacity: Rate, or Burst for TokenBucket and GCRA.
	Limit int64
	// Remaining is how many more unit-cost requests would pass now.
	Remaining int64
	// RetryAfter is how long to wait before this request could pass;
	// zero when Allowed.
	RetryAfter time.Duration
	// Reset is how long until the limiter is back to its full capacity
	// (or the current window ends, for FixedWindow).
	Reset time.Duration
}

// Checker is implemented by Limiter (Redis) and Local (in-process).
type Checker interface {
	Allow(ctx context.Context, key string, opts *AllowOpts) (Result, error)
}

// Limiter checks limits with one Lua script call per request. It is safe for
// concurrent use; several processes sharing a Redis share the limit.
type Limiter struct {
	client rueidis.Client
	cfg    Config
	script *rueidis.Lua
	args   [4]string // limit, period, burst: fixed per limiter
	idBase string
	seq    atomic.Uint64
}

// New returns a Limiter. It does no I/O.
func New(client rueidis.Client, cfg Config) (*Limiter, error) {
	if client == nil {
		return nil, &ConfigError{Field: "client", Reason: "must not be nil"}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "ratelimit:"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = redisconn.DefaultTimeout
	}
	client = redisconn.WithTimeout(client, cfg.Timeout)
	var b [8]byte
	_, _ = rand.Read(b[:])
	l := &Limiter{client: client, cfg: cfg, script: cfg.Algorithm.script(), idBase: hex.EncodeToString(b[:])}
	l.args[1] = strconv.FormatInt(cfg.Limit.Rate, 10)
	l.args[2] = strconv.FormatInt(cfg.Limit.Period.Microseconds(), 10)
	l.args[3] = strconv.FormatInt(cfg.Limit.capacity(cfg.Algorithm), 10)
	return l, nil
}

// Config returns the limiter's configuration (with defaults applied).
func (l *Limiter) Config() Config {
	if l == nil {
		return Config{}
	}
	return l.cfg
}

// Key returns the Redis key used for a caller key.
func (l *Limiter) Key(key string) string {
	if l == nil {
		return ""
	}
	return l.cfg.Prefix + "{" + key + "}"
}

func checkCall(cfg *Config, key string, opts *AllowOpts) (int64, error) {
	if key == "" {
		return 0, ErrEmptyKey
	}
	cost := int64(1)
	if opts != nil && opts.Cost != 0 {
		cost = opts.Cost
	}
	if cost < 0 {
		return 0, fmt.Errorf("%w: cost %d", ErrInvalidCost, cost)
	}
	if c := cfg.Limit.capacity(cfg.Algorithm); cost > c {
		return 0, &CostError{Cost: cost, Capacity: c}
	}
	return cost, nil
}

// Allow checks and, if allowed, consumes opts.Cost units for key.
func (l *Limiter) Allow(ctx context.Context, key string, opts *AllowOpts) (Result, error) {
	if l == nil {
		return Result{}, fmt.Errorf("%w: nil *Limiter", ErrInvalid)
	}
	cost, err := checkCall(&l.cfg, key, opts)
	if err != nil {
		return Result{}, err
	}
	if l.cfg.NoScript {
		return l.allowCommands(ctx, key, cost)
	}
	var buf [20]byte
	now := "0"
	if l.cfg.Now != nil {
		now = strconv.FormatInt(l.cfg.Now().UnixMicro(), 10)
	}
	var id string
	if l.cfg.Algorithm == SlidingLog {
		id = l.idBase + string(strconv.AppendUint(buf[:0], l.seq.Add(1), 36))
	}
	args := []string{now, l.args[1], l.args[2], l.args[3], strconv.FormatInt(cost, 10), id}
	vals, err := l.script.Exec(ctx, l.client, []string{l.Key(key)}, args).AsIntSlice()
	if err != nil {
		return Result{}, wrapRedisErr("allow", err)
	}
	if len(vals) != 4 {
		return Result{}, fmt.Errorf("ratelimit: unexpected script reply %v", vals)
	}
	return l.result(vals[0] == 1, vals[1], vals[2], vals[3]), nil
}

func (l *Limiter) result(allowed bool, remaining, retryUS, resetUS int64) Result {
	return makeResult(l.cfg.Limit.capacity(l.cfg.Algorithm), allowed, remaining, retryUS, resetUS)
}

func makeResult(capacity int64, allowed bool, remaining, retryUS, resetUS int64) Result {
	r := Result{Allowed: allowed, Limit: capacity, Remaining: max(remaining, 0),
		Reset: time.Duration(max(resetUS, 0)) * time.Microsecond}
	switch {
	case allowed:
	case retryUS < 0:
		r.RetryAfter = time.Duration(math.MaxInt64)
	default:
		r.RetryAfter = time.Duration(retryUS) * time.Microsecond
	}
	return r
}

// Reset forgets the state of key.
func (l *Limiter) Reset(ctx context.Context, key string) error {
	if l == nil {
		return fmt.Errorf("%w: nil *Limiter", ErrInvalid)
	}
	if key == "" {
		return ErrEmptyKey
	}
	k := l.Key(key)
	if l.cfg.NoScript {
		k = l.windowKey(key, l.nowMicro()/l.cfg.Limit.Period.Microseconds())
	}
	if err := l.client.Do(ctx, l.client.B().Unlink().Key(k).Build()).Error(); err != nil {
		return wrapRedisErr("reset", err)
	}
	return nil
}

// Sentinel errors.
var (
	// ErrInvalid is wrapped by every bad-input error.
	ErrInvalid = errors.New("ratelimit: invalid argument")
	// ErrEmptyKey: the key is empty.
	ErrEmptyKey = fmt.Errorf("%w: empty key", ErrInvalid)
	// ErrInvalidCost: the cost is negative.
	ErrInvalidCost = fmt.Errorf("%w: cost must be positive", ErrInvalid)
	// ErrUnavailable is wrapped by errors talking to Redis (connection
	// refused, timeouts, server errors).
	ErrUnavailable = errors.New("ratelimit: redis unavailable")
)

// ConfigError reports an invalid Config field.
type ConfigError struct {
	Field, Reason string
}

func (e *ConfigError) Error() string { return "ratelimit: config " + e.Field + ": " + e.Reason }

// Unwrap returns ErrInvalid.
func (e *ConfigError) Unwrap() error { return ErrInvalid }

// CostError: a single request costs more than the limiter's capacity, so it
// could never pass.
type CostError struct {
	Cost, Capacity int64
}

func (e *CostError) Error() string {
	return fmt.Sprintf("ratelimit: cost %d exceeds capacity %d", e.Cost, e.Capacity)
}

// Unwrap returns ErrInvalid.
func (e *CostError) Unwrap() error { return ErrInvalid }

// RedisError wraps a failure to reach or use Redis.
type RedisError struct {
	Op  string
	Err error
}

func (e *RedisError) Error() string { return "ratelimit: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the cause and ErrUnavailable.
func (e *RedisError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }

func wrapRedisErr(op string, err error) error { return &RedisError{Op: op, Err: err} }

// IsUnavailable reports whether err means Redis could not be used.
func IsUnavailable(err error) bool {
	var re *RedisError
	return errors.As(err, &re)
}

// IsInvalid reports whether err is a bad-input error.
func IsInvalid(err error) bool { return errors.Is(err, ErrInvalid) }
