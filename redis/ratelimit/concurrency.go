package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/redisconn"
)

// ErrLeaseLost: the lease expired (its holder did not Extend it in time)
// and its slot may have gone to another caller.
var ErrLeaseLost = errors.New("ratelimit: concurrency lease expired")

// acquireLeaseScript takes one of limit slots for a lease.
//
//	KEYS[1]  a sorted set of leases scored by their expiry (µs, server time)
//	ARGV[1]  lease id, ARGV[2] limit, ARGV[3] lease TTL in µs
//	returns  {1, in flight after} or {0, in flight, µs until the earliest
//	         lease expires}
var acquireLeaseScript = rueidis.NewLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, n, math.max(1, math.ceil(tonumber(first[2]) - now))}
end
local exp = now + tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], exp, ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.floor((tonumber(last[2]) - now) / 1000) + 1)
return {1, n + 1, 0}
`)

// extendLeaseScript renews a lease that is still held.
//
//	KEYS[1] the set, ARGV[1] lease id, ARGV[2] lease TTL in µs
//	returns 1 if the lease was held, 0 if it had expired
var extendLeaseScript = rueidis.NewLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local exp = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not exp or tonumber(exp) <= now then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
local new = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], new, ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < math.floor((new - now) / 1000) + 1 then
  redis.call('PEXPIRE', KEYS[1], math.floor((new - now) / 1000) + 1)
end
return 1
`)

// ConcurrencyConfig configures a Concurrency limiter.
type ConcurrencyConfig struct {
	// Limit is how many leases of one key may be held at once (> 0).
	Limit int64
	// LeaseTTL is how long a lease lasts unless extended: a holder that
	// dies frees its slot after this (default 30s).
	LeaseTTL time.Duration
	// Prefix starts every key; default "ratelimit:inflight:".
	Prefix string
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout).
	Timeout time.Duration
}

// Concurrency limits how many operations per key run at once (at most
// Limit in flight), across every process sharing the Redis. Each admitted
// operation holds a lease that it releases when done; a lease whose holder
// dies expires after LeaseTTL, so a crash never leaks a slot for good.
type Concurrency struct {
	client rueidis.Client
	cfg    ConcurrencyConfig
}

// Lease is one admitted operation's slot.
type Lease struct {
	c   *Concurrency
	key string
	id  string
}

// ConcurrencyResult is the outcome of Acquire.
type ConcurrencyResult struct {
	// Lease is set when the operation may run; Release it when done.
	Lease *Lease
	// InFlight is how many leases of the key are held (counting this one).
	InFlight int64
	// RetryAfter, when refused, is when the earliest lease expires at the
	// latest (a release may free a slot sooner).
	RetryAfter time.Duration
}

// NewConcurrency returns a Concurrency limiter. It does no I/O.
func NewConcurrency(client rueidis.Client, cfg ConcurrencyConfig) (*Concurrency, error) {
	if client == nil {
		return nil, &ConfigError{Field: "client", Reason: "must not be nil"}
	}
	if cfg.Limit <= 0 {
		return nil, &ConfigError{Field: "Limit", Reason: "must be positive, got " + strconv.FormatInt(cfg.Limit, 10)}
	}
	if cfg.LeaseTTL < 0 {
		return nil, &ConfigError{Field: "LeaseTTL", Reason: "must not be negative"}
	}
	if cfg.LeaseTTL == 0 {
		cfg.LeaseTTL = 30 * time.Second
	}
	if cfg.LeaseTTL < time.Millisecond {
		return nil, &ConfigError{Field: "LeaseTTL", Reason: "must be at least 1ms"}
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "ratelimit:inflight:"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = redisconn.DefaultTimeout
	}
	return &Concurrency{client: redisconn.WithTimeout(client, cfg.Timeout), cfg: cfg}, nil
}

func (c *Concurrency) key(key string) string { return c.cfg.Prefix + "{" + key + "}" }

// Acquire takes a slot of key if fewer than Limit are held. It does not
// wait: a refused caller gets Lease nil and RetryAfter.
func (c *Concurrency) Acquire(ctx context.Context, key string) (ConcurrencyResult, error) {
	if c == nil {
		return ConcurrencyResult{}, fmt.Errorf("%w: nil *Concurrency", ErrInvalid)
	}
	if key == "" {
		return ConcurrencyResult{}, ErrEmptyKey
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	vals, err := acquireLeaseScript.Exec(ctx, c.client, []string{c.key(key)},
		[]string{id, strconv.FormatInt(c.cfg.Limit, 10), strconv.FormatInt(c.cfg.LeaseTTL.Microseconds(), 10)}).AsIntSlice()
	if err != nil {
		return ConcurrencyResult{}, wrapRedisErr("acquire", err)
	}
	if len(vals) != 3 {
		return ConcurrencyResult{}, errors.New("ratelimit: unexpected script reply")
	}
	res := ConcurrencyResult{InFlight: vals[1]}
	if vals[0] == 1 {
		res.Lease = &Lease{c: c, key: key, id: id}
	} else {
		res.RetryAfter = time.Duration(vals[2]) * time.Microsecond
	}
	return res, nil
}

// Release frees the lease's slot. Releasing an expired lease is not an
// error (its slot was already freed).
func (l *Lease) Release(ctx context.Context) error {
	if l == nil {
		return nil
	}
	err := l.c.client.Do(ctx, l.c.client.B().Zrem().Key(l.c.key(l.key)).Member(l.id).Build()).Error()
	if err != nil {
		return wrapRedisErr("release", err)
	}
	return nil
}

// Extend renews the lease for another LeaseTTL; ErrLeaseLost if it had
// expired (the operation should then stop or re-acquire).
func (l *Lease) Extend(ctx context.Context) error {
	if l == nil {
		return ErrLeaseLost
	}
	held, err := extendLeaseScript.Exec(ctx, l.c.client, []string{l.c.key(l.key)},
		[]string{l.id, strconv.FormatInt(l.c.cfg.LeaseTTL.Microseconds(), 10)}).AsInt64()
	if err != nil {
		return wrapRedisErr("extend", err)
	}
	if held == 0 {
		return ErrLeaseLost
	}
	return nil
}
