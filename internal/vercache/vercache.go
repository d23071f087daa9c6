package vercache

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/cache"
	"github.com/polystore/polystore/redis/redisconn"
)

// Config configures a Store. Prefix must be set by the caller; zero
// durations take the documented defaults.
type Config struct {
	Prefix string
	// TTL of a cached result (default 1m).
	TTL time.Duration
	// Cache tunes the underlying redis/cache; Prefix, Namespace, TTL and
	// FallbackToLoader are set by the Store.
	Cache cache.Config
	// Strict makes reads fail while Redis is unreachable instead of
	// running the query directly.
	Strict bool
	// Logger receives failed invalidations (default slog.Default()).
	Logger *slog.Logger
	// Name prefixes log messages ("ormcache", "odmcache").
	Name string
}

// Store caches results under version keys. Safe for concurrent use.
type Store struct {
	rc    rueidis.Client
	c     *cache.Cache
	cfg   Config
	idTTL time.Duration // outlives every entry
}

// New returns a Store. It does no I/O.
func New(client rueidis.Client, cfg Config) (*Store, error) {
	if client == nil {
		return nil, &cache.ConfigError{Field: "client", Reason: "must not be nil"}
	}
	if cfg.TTL < 0 {
		return nil, &cache.ConfigError{Field: "TTL", Reason: "must not be negative"}
	}
	if cfg.TTL == 0 {
		cfg.TTL = time.Minute
	}
	if cfg.TTL > MaxTTL {
		return nil, &cache.ConfigError{Field: "TTL", Reason: fmt.Sprintf("must not exceed %s", MaxTTL)}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cc := cfg.Cache
	cc.Prefix, cc.Namespace, cc.TTL = cfg.Prefix, "q", cfg.TTL
	cc.FallbackToLoader = !cfg.Strict
	if cc.Logger == nil {
		cc.Logger = cfg.Logger
	}
	if cc.Timeout == 0 {
		cc.Timeout = redisconn.DefaultTimeout
	}
	c, err := cache.New(client, cc)
	if err != nil {
		return nil, err
	}
	if cc.Timeout > 0 {
		client = redisconn.WithTimeout(client, cc.Timeout)
	}
	return &Store{rc: client, c: c, cfg: cfg, idTTL: MaxTTL + cc.StaleFor + time.Minute}, nil
}

// Underlying returns the redis/cache behind s.
func (s *Store) Underlying() *cache.Cache { return s.c }

// TTL returns the default TTL of cached results.
func (s *Store) TTL() time.Duration { return s.cfg.TTL }

func (s *Store) modelKey(model string) string { return s.cfg.Prefix + "v:{" + model + "}" }
func (s *Store) wideKey(model string) string  { return s.cfg.Prefix + "w:{" + model + "}" }
func (s *Store) idKey(model, id string) string {
	return s.cfg.Prefix + "i:{" + model + "}:" + id
}

// Write is what one committed unit of work changed in one model: the ids
// it named (canonical, see ID), and whether it may have changed others.
type Write struct {
	Model string
	IDs   []string
	All   bool
}

// NewWrite is the Write of a report naming raw ids (as the store returns
// them): an id without a canonical form (see ID) makes it wide.
func NewWrite(model string, ids []any, all bool) Write {
	w := Write{Model: model, All: all}
	for _, id := range ids {
		if k, ok := ID(id); ok {
			w.IDs = append(w.IDs, k)
		} else {
			w.All = true
		}
	}
	return w
}

// Bump increments the versions the writes end, in one round trip: every
// written model's version, the wide version of models written by a write
// that may have changed rows it cannot name, and the version of each id.
func (s *Store) Bump(ctx context.Context, writes []Write) error {
	var keys []string
	add := func(k string) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, w := range writes {
		add(s.modelKey(w.Model))
		if w.All {
			add(s.wideKey(w.Model))
		}
		for _, id := range w.IDs {
			add(s.idKey(w.Model, id))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	cmds := make(rueidis.Commands, len(keys))
	for i, k := range keys {
		if strings.HasPrefix(k, s.cfg.Prefix+"i:") {
			// Id versions are many, so they expire, and take a value never
			// used before rather than a counter that could start over: once
			// one expires it reads as "0" again, and every entry that read
			// a "0" from before its first bump has expired by then (idTTL
			// outlives every entry).
			cmds[i] = s.rc.B().Set().Key(k).Value(unique()).PxMilliseconds(s.idTTL.Milliseconds()).Build()
		} else {
			cmds[i] = s.rc.B().Incr().Key(k).Build()
		}
	}
	var errs []error
	for _, r := range s.rc.DoMulti(ctx, cmds...) {
		errs = append(errs, r.Error())
	}
	return errors.Join(errs...)
}

// MaxTTL bounds per-call TTLs: id versions live longer than any entry.
const MaxTTL = 24 * time.Hour

func unique() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Deps is what a cached read depends on: the models whose every write
// ends it, and optionally one model's ids (ends it: a write naming one of
// them, or a wide write to that model).
type Deps struct {
	Models []string
	// IDModel and IDs: a read of these ids of IDModel only (IDModel is not
	// in Models then).
	IDModel string
	IDs     []string
}

func (d Deps) keys(s *Store) []string {
	keys := make([]string, 0, len(d.Models)+len(d.IDs)+1)
	for _, m := range d.Models {
		keys = append(keys, s.modelKey(m))
	}
	if d.IDModel != "" {
		keys = append(keys, s.wideKey(d.IDModel))
		for _, id := range d.IDs {
			keys = append(keys, s.idKey(d.IDModel, id))
		}
	}
	return keys
}

// versions reads the versions of keys in one round trip.
func (s *Store) versions(ctx context.Context, keys []string) (string, error) {
	cmds := make(rueidis.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = s.rc.B().Get().Key(k).Build()
	}
	var b strings.Builder
	for i, r := range s.rc.DoMulti(ctx, cmds...) {
		v, err := r.ToString()
		if rueidis.IsRedisNil(err) {
			v, err = "0", nil
		}
		if err != nil {
			return "", &cache.RedisError{Op: "versions", Key: keys[i], Err: err}
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// Get returns the result cached under key and the current versions of
// deps, or runs query and caches its result there. ttl 0 is the Store's.
// While Redis is unreachable query runs directly (unless Config.Strict).
func Get[R any](ctx context.Context, s *Store, key string, deps Deps, ttl time.Duration, query func(context.Context) (R, error)) (R, error) {
	var zero R
	if ttl < 0 || ttl > MaxTTL {
		return zero, &cache.ConfigError{Field: "TTL", Reason: fmt.Sprintf("must be between 0 and %s", MaxTTL)}
	}
	keys := deps.keys(s)
	slices.Sort(keys)
	vers, err := s.versions(ctx, keys)
	if err != nil {
		if s.cfg.Strict {
			return zero, err
		}
		return query(ctx)
	}
	var gopts *cache.GetOpts
	if ttl > 0 {
		gopts = &cache.GetOpts{TTL: ttl}
	}
	// The versions can be long (one per id): hash them into the key.
	h := sha256.Sum256([]byte(vers))
	return cache.Get(ctx, s.c, key+":"+hex.EncodeToString(h[:12]), cache.Loader[R](query), gopts)
}

// Report bumps the versions writes end and logs a failure (the cached
// results of those models may then be served until their TTL).
func (s *Store) Report(ctx context.Context, writes []Write) {
	if err := s.Bump(ctx, writes); err != nil {
		s.cfg.Logger.Error(s.cfg.Name+": invalidation failed; cached results of these models may be served until their TTL",
			"writes", writes, "ttl", s.cfg.TTL, "err", err)
	}
}
