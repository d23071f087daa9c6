package ormcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/redis/cache"
	"github.com/polystore/polystore/redis/redisconn"
)

// Config configures a Cache. Zero fields take the documented defaults.
type Config struct {
	// Prefix starts every key (default "ormcache:").
	Prefix string
	// TTL of a cached result when the call gives none (default 1m). Writes
	// through the client end a result's life long before that; the TTL
	// bounds how long a result can outlive a write made behind the
	// client's back (raw SQL, another program) or an invalidation Redis
	// missed.
	TTL time.Duration
	// Cache tunes the underlying redis/cache (stampede protection, L1,
	// FallbackToLoader...). Its Prefix and Namespace are set by ormcache.
	// FallbackToLoader is on unless Strict is set.
	Cache cache.Config
	// Strict makes a read fail with the Redis error while Redis is
	// unreachable, instead of querying PostgreSQL directly.
	Strict bool
	// Logger receives failed invalidations (default slog.Default()).
	Logger *slog.Logger
}

// Cache caches query results of an orm client (or a generated client) in
// Redis and drops them when the client writes the models they read. Plug
// its AfterWrite into the client's orm.Config. Safe for concurrent use.
type Cache struct {
	rc      rueidis.Client
	c       *cache.Cache
	cfg     Config
	schema  *orm.Schema
	reaches map[string][]string // model -> models whose cached reads a write to it can change
}

// New returns a Cache for the models of schema. It does no I/O.
func New(client rueidis.Client, schema *orm.Schema, cfg Config) (*Cache, error) {
	if client == nil {
		return nil, &cache.ConfigError{Field: "client", Reason: "must not be nil"}
	}
	if schema == nil {
		return nil, &cache.ConfigError{Field: "schema", Reason: "must not be nil"}
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "ormcache:"
	}
	if cfg.TTL < 0 {
		return nil, &cache.ConfigError{Field: "TTL", Reason: "must not be negative"}
	}
	if cfg.TTL == 0 {
		cfg.TTL = time.Minute
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
	timeout := cc.Timeout
	if timeout > 0 {
		client = redisconn.WithTimeout(client, timeout)
	}
	oc := &Cache{rc: client, c: c, cfg: cfg, schema: schema, reaches: map[string][]string{}}
	for _, m := range schema.Models {
		// A write to m changes m's rows, and through referential actions
		// (cascading deletes, SET NULL, cascading key updates) rows of the
		// models related to it.
		set := []string{m.Name}
		for _, r := range m.Relations {
			if t := r.Target(); t != nil && !slices.Contains(set, t.Name) {
				set = append(set, t.Name)
			}
		}
		oc.reaches[m.Name] = set
	}
	return oc, nil
}

// Underlying returns the redis/cache behind c (for Stats and events).
func (c *Cache) Underlying() *cache.Cache { return c.c }

func (c *Cache) versionKey(model string) string { return c.cfg.Prefix + "v:{" + model + "}" }

// AfterWrite invalidates every cached result that read the written models
// (or models their referential actions reach). Set it as the client's
// orm.Config.AfterWrite: the client calls it after each commit, before the
// write returns, so a read that starts after the write returned never gets
// a result cached from before it.
func (c *Cache) AfterWrite(ctx context.Context, models []string) {
	if err := c.Invalidate(ctx, models...); err != nil {
		c.cfg.Logger.Error("ormcache: invalidation failed; cached results of these models may be served until their TTL",
			"models", models, "ttl", c.cfg.TTL, "err", err)
	}
}

// Invalidate drops every cached result that read one of models (by model
// name), or a model their referential actions reach. Call it after writes
// made behind the client's back: raw SQL, other programs.
func (c *Cache) Invalidate(ctx context.Context, models ...string) error {
	var keys []string
	for _, m := range models {
		reach, ok := c.reaches[m]
		if !ok {
			return &cache.ConfigError{Field: "models", Reason: fmt.Sprintf("unknown model %q", m)}
		}
		for _, r := range reach {
			if k := c.versionKey(r); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	cmds := make(rueidis.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = c.rc.B().Incr().Key(k).Build()
	}
	var errs []error
	for _, r := range c.rc.DoMulti(ctx, cmds...) {
		errs = append(errs, r.Error())
	}
	return errors.Join(errs...)
}

// Opts are per-call options; nil means the Config defaults.
type Opts struct {
	// TTL overrides Config.TTL.
	TTL time.Duration
}

// FindMany is orm.FindMany served from the cache.
func FindMany[T any](ctx context.Context, c *Cache, db orm.DB, m *orm.Model, args *orm.FindArgs, opts *Opts) ([]T, error) {
	return cached(ctx, c, db, m, orm.ActionFindMany, args, readsOf(m, args), opts, func(ctx context.Context) ([]T, error) {
		return orm.FindMany[T](ctx, db, m, args)
	})
}

// FindFirst is orm.FindFirst served from the cache (nil when no row
// matches; that answer is cached too).
func FindFirst[T any](ctx context.Context, c *Cache, db orm.DB, m *orm.Model, args *orm.FindArgs, opts *Opts) (*T, error) {
	return cached(ctx, c, db, m, orm.ActionFindFirst, args, readsOf(m, args), opts, func(ctx context.Context) (*T, error) {
		return orm.FindFirst[T](ctx, db, m, args)
	})
}

// FindUnique is orm.FindUnique served from the cache (nil when no row
// matches; that answer is cached too).
func FindUnique[T any](ctx context.Context, c *Cache, db orm.DB, m *orm.Model, args *orm.FindArgs, opts *Opts) (*T, error) {
	return cached(ctx, c, db, m, orm.ActionFindUnique, args, readsOf(m, args), opts, func(ctx context.Context) (*T, error) {
		return orm.FindUnique[T](ctx, db, m, args)
	})
}

// Count is orm.Count served from the cache.
func Count(ctx context.Context, c *Cache, db orm.DB, m *orm.Model, args *orm.CountArgs, opts *Opts) (int64, error) {
	var w orm.Where
	if args != nil {
		w = args.Where
	}
	return cached(ctx, c, db, m, orm.ActionCount, args, readsOf(m, &orm.FindArgs{Where: w}), opts, func(ctx context.Context) (int64, error) {
		return orm.Count(ctx, db, m, args)
	})
}

// cached runs query through the cache under a key made of the operation,
// the result type, the arguments and the current versions of the models
// the query reads. Inside a transaction the query runs directly: it must
// see the transaction's own writes.
func cached[R any](ctx context.Context, c *Cache, db orm.DB, m *orm.Model, act orm.Action, args any, reads []string, opts *Opts, query func(context.Context) (R, error)) (R, error) {
	var zero R
	if c == nil {
		return zero, &cache.ConfigError{Field: "cache", Reason: "must not be nil"}
	}
	if db == nil || m == nil {
		return zero, &cache.ConfigError{Field: "db and model", Reason: "must not be nil"}
	}
	if _, inTx := db.(*orm.Tx); inTx {
		return query(ctx)
	}
	fp, err := fingerprint(act, m, reflect.TypeFor[R](), args)
	if err != nil {
		return zero, err
	}
	vers, err := c.versions(ctx, reads)
	if err != nil {
		if c.cfg.Strict {
			return zero, err
		}
		return query(ctx) // Redis is unreachable: answer from PostgreSQL
	}
	var gopts *cache.GetOpts
	if opts != nil && opts.TTL > 0 {
		gopts = &cache.GetOpts{TTL: opts.TTL}
	}
	return cache.Get(ctx, c.c, m.Name+":"+fp+":"+vers, cache.Loader[R](query), gopts)
}

// versions reads the versions of models in one round trip.
func (c *Cache) versions(ctx context.Context, models []string) (string, error) {
	cmds := make(rueidis.Commands, len(models))
	for i, m := range models {
		cmds[i] = c.rc.B().Get().Key(c.versionKey(m)).Build()
	}
	var b strings.Builder
	for i, r := range c.rc.DoMulti(ctx, cmds...) {
		v, err := r.AsInt64()
		if rueidis.IsRedisNil(err) {
			v, err = 0, nil
		}
		if err != nil {
			return "", &cache.RedisError{Op: "versions", Key: c.versionKey(models[i]), Err: err}
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatInt(v, 36))
	}
	return b.String(), nil
}

// readsOf lists the models a find reads: its own, and those reached by
// relation filters, relation orderings, included relations and relation
// counts, sorted.
func readsOf(m *orm.Model, args *orm.FindArgs) []string {
	if m == nil {
		return nil // cached reports the missing model
	}
	set := map[string]bool{}
	var find func(m *orm.Model, a *orm.FindArgs)
	var where func(m *orm.Model, w orm.Where)
	rel := func(m *orm.Model, name string) *orm.Model {
		if r := m.Relation(name); r != nil && r.Target() != nil {
			set[r.Target().Name] = true
			return r.Target()
		}
		return nil
	}
	where = func(m *orm.Model, w orm.Where) {
		for _, cond := range w {
			switch cond := cond.(type) {
			case *orm.RelCond:
				if t := rel(m, cond.Relation); t != nil {
					where(t, cond.Where)
				}
			case orm.Or:
				for _, w := range cond {
					where(m, w)
				}
			case orm.Not:
				for _, w := range cond {
					where(m, w)
				}
			case orm.And:
				for _, w := range cond {
					where(m, w)
				}
			}
		}
	}
	find = func(m *orm.Model, a *orm.FindArgs) {
		set[m.Name] = true
		if a == nil {
			return
		}
		where(m, a.Where)
		for _, o := range a.OrderBy {
			if o.Relation != "" {
				rel(m, o.Relation)
			}
		}
		for _, inc := range a.Include {
			if t := rel(m, inc.Relation); t != nil {
				find(t, inc.Args)
			}
		}
		for _, cnt := range a.Count {
			if t := rel(m, cnt.Relation); t != nil {
				where(t, cnt.Where)
			}
		}
	}
	find(m, args)
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// fingerprint hashes what determines a query's result: the action, the
// model, the result type and every value of the arguments (with their
// types, so different conditions holding equal values differ).
func fingerprint(act orm.Action, m *orm.Model, typ reflect.Type, args any) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", act, m.Name, typ)
	if err := writeValue(h, reflect.ValueOf(args), 0); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

// ErrUnkeyable: the arguments hold a value that cannot be part of a cache
// key (a function or a channel), or are nested too deep.
var ErrUnkeyable = errors.New("ormcache: arguments cannot be made into a cache key")

type writer interface{ Write([]byte) (int, error) }

func writeValue(w writer, v reflect.Value, depth int) error {
	if depth > 64 {
		return ErrUnkeyable
	}
	if !v.IsValid() {
		_, _ = w.Write([]byte("nil;"))
		return nil
	}
	fmt.Fprintf(w, "%s:", v.Type())
	if v.CanInterface() {
		if t, ok := v.Interface().(time.Time); ok { // an instant: its location does not matter
			fmt.Fprintf(w, "%d;", t.UnixNano())
			return nil
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			_, _ = w.Write([]byte("nil;"))
			return nil
		}
		return writeValue(w, v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			fmt.Fprintf(w, "%s=", v.Type().Field(i).Name)
			if err := writeValue(w, v.Field(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			_, _ = w.Write([]byte("nil;"))
			return nil
		}
		fmt.Fprintf(w, "[%d]", v.Len())
		for i := range v.Len() {
			if err := writeValue(w, v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		type kv struct {
			k string
			v reflect.Value
		}
		entries := make([]kv, len(keys))
		for i, k := range keys {
			var b strings.Builder
			if err := writeValue(&b, k, depth+1); err != nil {
				return err
			}
			entries[i] = kv{b.String(), v.MapIndex(k)}
		}
		slices.SortFunc(entries, func(a, b kv) int { return strings.Compare(a.k, b.k) })
		fmt.Fprintf(w, "{%d}", len(entries))
		for _, e := range entries {
			_, _ = w.Write([]byte(e.k))
			if err := writeValue(w, e.v, depth+1); err != nil {
				return err
			}
		}
	case reflect.String:
		fmt.Fprintf(w, "%q", v.String())
	case reflect.Bool:
		fmt.Fprintf(w, "%t", v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(w, "%d", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprintf(w, "%d", v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(w, "%b", v.Float())
	case reflect.Complex64, reflect.Complex128:
		fmt.Fprintf(w, "%v", v.Complex())
	default: // func, chan, unsafe pointer
		return fmt.Errorf("%w: a %s", ErrUnkeyable, v.Kind())
	}
	_, _ = w.Write([]byte(";"))
	return nil
}
