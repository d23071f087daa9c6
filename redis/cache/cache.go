package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
	"golang.org/x/sync/singleflight"
)

// Codec turns values into bytes and back.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON is the default codec.
type JSON struct{}

// Marshal encodes v as JSON.
func (JSON) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal decodes JSON into v.
func (JSON) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// Config configures a Cache. Zero fields take the documented defaults.
type Config struct {
	// Prefix starts every key (default "cache:").
	Prefix string
	// Namespace groups keys for Clear, e.g. a tenant (default "default").
	// It may not contain ':', '{', '}', '*', '?', '[' or ']'.
	Namespace string
	// TTL of cached values (default 1h).
	TTL time.Duration
	// Jitter spreads expiries: each TTL is multiplied by a random factor in
	// [1-Jitter, 1+Jitter] so keys written together do not expire together
	// (default 0.1; negative disables).
	Jitter float64
	// NegativeTTL is how long a "not found" (ErrNotFound from the loader) is
	// cached (default 1m; negative disables negative caching).
	NegativeTTL time.Duration
	// LockTTL bounds how long one loader holds the cross-process fill lock;
	// if it dies, another caller takes over after this (default 10s).
	LockTTL time.Duration
	// WaitTimeout bounds how long a caller waits for another process's
	// loader before failing with *WaitTimeoutError (default 5s).
	WaitTimeout time.Duration
	// Codec encodes values (default JSON).
	Codec Codec
	// L1 enables client-side caching (RESP3 CLIENT TRACKING through
	// rueidis DoCache): hits are served from process memory and Redis
	// invalidates them when any client writes the key. L1TTL bounds how
	// long a hit may be kept (default 1m).
	L1    bool
	L1TTL time.Duration
	// L1Decoded (with L1) also keeps the decoded value beside the L1 copy,
	// so a hit skips the codec. Every caller then receives the same value
	// until the key changes: treat values from Get as read-only (do not
	// modify their maps, slices or pointees).
	L1Decoded bool
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout,
	// 1s; negative: only the caller's context bounds calls). Together with
	// a client from redisconn.NewClient, a Get against a stopped server
	// fails (or falls back to the loader) in milliseconds.
	Timeout time.Duration
	// StaleFor keeps each value in Redis this long past its TTL so it can be
	// served stale: a Get (or GetMany) that finds a value past its TTL
	// reloads it, and if that reload fails — the loader returns an error,
	// another process's loader failed, the wait for it timed out, or Redis
	// failed mid-fill — it returns the old value instead of the error, as
	// long as the value expired at most StaleFor ago (EventStale reports
	// each time). 0 (the default) serves nothing stale; "not found"
	// entries are never served stale.
	StaleFor time.Duration
	// FallbackToLoader makes Get call the loader directly while Redis is
	// unreachable (nothing is cached meanwhile). Without it, Get returns a
	// *RedisError.
	FallbackToLoader bool
	// ProbeInterval: after Redis was found unreachable, Get skips Redis
	// (loader fallback or an immediate *RedisError) and lets one call per
	// ProbeInterval try it again (default 1s).
	ProbeInterval time.Duration
	// OnEvent receives degraded/recovered and decode-error events. It is
	// called synchronously: keep it fast.
	OnEvent func(Event)
	// Logger receives the same events (default slog.Default()).
	Logger *slog.Logger
}

// Cache is a Redis cache with stampede protection. Safe for concurrent use.
type Cache struct {
	client rueidis.Client
	cfg    Config
	shared *shared
}

// shared is the state namespaces of one Cache have in common.
type shared struct {
	flight  singleflight.Group
	memo    *memo // decoded L1 values, with Config.L1Decoded
	breaker redisconn.Breaker
	stats   counters
}

type counters struct {
	hits, misses, loads, fallbacks, waits, stale atomic.Int64
}

// Stats are counters since New.
type Stats struct {
	// Hits: values served from Redis or L1. Misses: Gets that found nothing.
	Hits, Misses int64
	// Loads: loader calls made by this process.
	Loads int64
	// Fallbacks: loader calls made because Redis was unreachable.
	Fallbacks int64
	// Waits: Gets that waited for another process's loader.
	Waits int64
	// Stale: expired values served because their reload failed
	// (Config.StaleFor).
	Stale int64
}

// New returns a Cache. It does no I/O.
func New(client rueidis.Client, cfg Config) (*Cache, error) {
	if client == nil {
		return nil, &ConfigError{Field: "client", Reason: "must not be nil"}
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "cache:"
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "default"
	}
	if err := checkNamespace(cfg.Namespace); err != nil {
		return nil, err
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"TTL", &cfg.TTL, time.Hour}, {"LockTTL", &cfg.LockTTL, 10 * time.Second},
		{"WaitTimeout", &cfg.WaitTimeout, 5 * time.Second}, {"L1TTL", &cfg.L1TTL, time.Minute},
		{"ProbeInterval", &cfg.ProbeInterval, time.Second}, {"StaleFor", &cfg.StaleFor, 0}} {
		if *d.v < 0 {
			return nil, &ConfigError{Field: d.name, Reason: "must not be negative, got " + d.v.String()}
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = redisconn.DefaultTimeout
	}
	client = redisconn.WithTimeout(client, cfg.Timeout)
	if cfg.NegativeTTL == 0 {
		cfg.NegativeTTL = time.Minute
	}
	if cfg.Jitter == 0 {
		cfg.Jitter = 0.1
	}
	if cfg.Jitter >= 1 {
		return nil, &ConfigError{Field: "Jitter", Reason: fmt.Sprintf("must be below 1, got %v", cfg.Jitter)}
	}
	if cfg.Codec == nil {
		cfg.Codec = JSON{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	sh := &shared{}
	sh.breaker.Interval = cfg.ProbeInterval
	if cfg.L1 && cfg.L1Decoded {
		sh.memo = newMemo()
	}
	return &Cache{client: client, cfg: cfg, shared: sh}, nil
}

func checkNamespace(ns string) error {
	if ns == "" {
		return fmt.Errorf("%w: empty namespace", ErrInvalid)
	}
	if strings.ContainsAny(ns, ":{}*?[]\\") {
		return &ConfigError{Field: "Namespace", Reason: fmt.Sprintf("%q may not contain : { } * ? [ ] \\", ns)}
	}
	return nil
}

// Namespace returns a Cache for another namespace (say, a tenant) sharing
// this one's client, settings and in-process state.
func (c *Cache) Namespace(ns string) (*Cache, error) {
	if c == nil {
		return nil, errNilCache
	}
	if err := checkNamespace(ns); err != nil {
		return nil, err
	}
	cfg := c.cfg
	cfg.Namespace = ns
	return &Cache{client: c.client, cfg: cfg, shared: c.shared}, nil
}

// Stats returns counters since New (shared by namespaces); zero for a nil
// Cache.
func (c *Cache) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	s := &c.shared.stats
	return Stats{Hits: s.hits.Load(), Misses: s.misses.Load(), Loads: s.loads.Load(),
		Fallbacks: s.fallbacks.Load(), Waits: s.waits.Load(), Stale: s.stale.Load()}
}

// Degraded reports whether the last Redis call failed to reach Redis.
// A nil Cache is not degraded (it has no Redis to lose).
func (c *Cache) Degraded() bool { return c != nil && c.shared.breaker.Down() }

// Key returns the Redis key of a cache key: Prefix + Namespace + ":{" + key + "}".
// A nil Cache has no keys: "".
func (c *Cache) Key(key string) string {
	if c == nil {
		return ""
	}
	return c.nsPrefix() + "{" + key + "}"
}

func (c *Cache) nsPrefix() string { return c.cfg.Prefix + c.cfg.Namespace + ":" }

type keys struct{ val, lock, wake string }

func (c *Cache) keys(key string) keys {
	v := c.Key(key)
	return keys{val: v, lock: v + ":lock", wake: v + ":wake"}
}

// ttl applies jitter to d.
func (c *Cache) ttl(d time.Duration) time.Duration {
	if c.cfg.Jitter <= 0 {
		return d
	}
	f := 1 + c.cfg.Jitter*(2*rand.Float64()-1)
	return max(time.Duration(float64(d)*f), time.Millisecond)
}

// keepFor is how long Redis keeps a value whose (jittered) TTL is ttl:
// Config.StaleFor longer, so it can be served stale.
func (c *Cache) keepFor(ttl time.Duration) time.Duration { return ttl + c.cfg.StaleFor }

// EventKind says what happened.
type EventKind uint8

const (
	// EventDegraded: Redis could not be reached; Get falls back to the
	// loader (FallbackToLoader) or fails with *RedisError.
	EventDegraded EventKind = iota + 1
	// EventRecovered: Redis answered again after EventDegraded.
	EventRecovered
	// EventDecodeError: a cached value could not be decoded; it was treated
	// as a miss and overwritten.
	EventDecodeError
	// EventStale: a value past its TTL was served because its reload
	// failed (Config.StaleFor); Err is the reload's error.
	EventStale
)

func (k EventKind) String() string {
	switch k {
	case EventDegraded:
		return "degraded"
	case EventRecovered:
		return "recovered"
	case EventDecodeError:
		return "decode_error"
	case EventStale:
		return "stale"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is passed to Config.OnEvent.
type Event struct {
	Kind EventKind
	Key  string
	Err  error
}

func (c *Cache) emit(e Event) {
	lvl := slog.LevelWarn
	if e.Kind == EventRecovered {
		lvl = slog.LevelInfo
	}
	c.cfg.Logger.Log(context.Background(), lvl, "cache "+e.Kind.String(), "key", e.Key, "err", e.Err)
	if c.cfg.OnEvent != nil {
		c.cfg.OnEvent(e)
	}
}

// errSkipped is the cause of *RedisError while Get skips Redis between probes.
var errSkipped = errors.New("redis was unreachable; waiting for the next probe")

// skipRedis reports whether this call should not try Redis: Redis was
// unreachable and it is not yet time (or not this caller's turn) to probe.
func (c *Cache) skipRedis() bool { return c.shared.breaker.Skip() }

// observe tracks Redis reachability from the error of a Redis call and
// returns err wrapped as *RedisError (nil and nil replies stay as they are).
func (c *Cache) observe(op, key string, err error) error {
	switch c.shared.breaker.Observe(err) {
	case redisconn.WentDown:
		c.emit(Event{Kind: EventDegraded, Key: key, Err: err})
	case redisconn.CameBack:
		c.emit(Event{Kind: EventRecovered, Key: key})
	}
	if err == nil || rueidis.IsRedisNil(err) {
		return err
	}
	return &RedisError{Op: op, Key: key, Err: err}
}
