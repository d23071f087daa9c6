package ormcache

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/vercache"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/redis/cache"
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
	s       *vercache.Store
	schema  *orm.Schema
	reaches map[string][]string // model -> other models whose rows a write to it can change
}

// New returns a Cache for the models of schema. It does no I/O.
func New(client rueidis.Client, schema *orm.Schema, cfg Config) (*Cache, error) {
	if schema == nil {
		return nil, &cache.ConfigError{Field: "schema", Reason: "must not be nil"}
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "ormcache:"
	}
	s, err := vercache.New(client, vercache.Config{Prefix: cfg.Prefix, TTL: cfg.TTL, Cache: cfg.Cache,
		Strict: cfg.Strict, Logger: cfg.Logger, Name: "ormcache"})
	if err != nil {
		return nil, err
	}
	oc := &Cache{s: s, schema: schema, reaches: map[string][]string{}}
	for _, m := range schema.Models {
		// A write to m changes, through referential actions (cascading
		// deletes, SET NULL, cascading key updates), rows of the models
		// related to it.
		var set []string
		for _, r := range m.Relations {
			if t := r.Target(); t != nil && t.Name != m.Name && !slices.Contains(set, t.Name) {
				set = append(set, t.Name)
			}
		}
		oc.reaches[m.Name] = set
	}
	return oc, nil
}

// errNilCache is the answer of every call made on or with a nil *Cache.
var errNilCache = &cache.ConfigError{Field: "cache", Reason: "must not be nil"}

// Underlying returns the redis/cache behind c (for Stats and events).
func (c *Cache) Underlying() *cache.Cache {
	if c == nil {
		return nil
	}
	return c.s.Underlying()
}

// AfterWrite invalidates every cached result that read what writes
// changed. Set it as the client's orm.Config.AfterWrite: the client calls
// it after each commit, before the write returns, so a read that starts
// after the write returned never gets a result cached from before it.
// Writes that name the primary keys they changed end only the reads by
// primary key of those rows (and every read of the whole model).
func (c *Cache) AfterWrite(ctx context.Context, writes []orm.Written) {
	if c == nil { // no cache, nothing cached to invalidate
		return
	}
	c.s.Report(ctx, c.versions(writes))
}

// versions turns reported writes into the version bumps they need.
func (c *Cache) versions(writes []orm.Written) []vercache.Write {
	out := make([]vercache.Write, 0, len(writes))
	for _, w := range writes {
		out = append(out, vercache.NewWrite(w.Model, w.IDs, w.All))
		// Referential actions change rows of related models that the
		// write does not name.
		for _, r := range c.reaches[w.Model] {
			out = append(out, vercache.Write{Model: r, All: true})
		}
	}
	return out
}

// Invalidate drops every cached result that read one of models (by model
// name), or a model their referential actions reach. Call it after writes
// made behind the client's back: raw SQL, other programs.
func (c *Cache) Invalidate(ctx context.Context, models ...string) error {
	if c == nil {
		return errNilCache
	}
	writes := make([]orm.Written, 0, len(models))
	for _, m := range models {
		if _, ok := c.reaches[m]; !ok {
			return &cache.ConfigError{Field: "models", Reason: fmt.Sprintf("unknown model %q", m)}
		}
		writes = append(writes, orm.Written{Model: m, All: true})
	}
	return c.s.Bump(ctx, c.versions(writes))
}

// InvalidateIDs drops the cached results that read the rows of model with
// the given primary keys, and every result that read the whole model.
// Call it after raw SQL that changed those rows only (not their keys).
func (c *Cache) InvalidateIDs(ctx context.Context, model string, ids ...any) error {
	if c == nil {
		return errNilCache
	}
	if _, ok := c.reaches[model]; !ok {
		return &cache.ConfigError{Field: "model", Reason: fmt.Sprintf("unknown model %q", model)}
	}
	return c.s.Bump(ctx, c.versions([]orm.Written{{Model: model, IDs: ids}}))
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
// the result type, the arguments and the current versions of what the
// query reads. Inside a transaction the query runs directly: it must see
// the transaction's own writes.
func cached[R any](ctx context.Context, c *Cache, db orm.DB, m *orm.Model, act orm.Action, args any, deps vercache.Deps, opts *Opts, query func(context.Context) (R, error)) (R, error) {
	var zero R
	if c == nil {
		return zero, errNilCache
	}
	if db == nil || m == nil {
		return zero, &cache.ConfigError{Field: "db and model", Reason: "must not be nil"}
	}
	if _, inTx := db.(*orm.Tx); inTx {
		return query(ctx)
	}
	fp, err := vercache.Fingerprint(string(act), m.Name, reflect.TypeFor[R]().String(), args)
	if err != nil {
		return zero, err
	}
	var ttl time.Duration
	if opts != nil {
		ttl = opts.TTL
	}
	return vercache.Get(ctx, c.s, m.Name+":"+fp, deps, ttl, query)
}

// readsOf says what a find reads: its own model (only the rows of the
// primary keys it names, when its filter is exactly that) and the models
// reached by relation filters, relation orderings, included relations and
// relation counts.
func readsOf(m *orm.Model, args *orm.FindArgs) vercache.Deps {
	if m == nil {
		return vercache.Deps{} // cached reports the missing model
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
	var deps vercache.Deps
	if ids, ok := idsOf(m, args); ok && !set[m.Name] {
		deps.IDModel, deps.IDs = m.Name, ids
	} else {
		set[m.Name] = true
	}
	for name := range set {
		deps.Models = append(deps.Models, name)
	}
	slices.Sort(deps.Models)
	return deps
}

// idsOf returns the canonical primary keys a filter consists of: exactly
// one condition, the single-field primary key equal to a value or in a
// list of values of the field's own kind (integers for Int and BigInt,
// strings for String), so that they name the same rows the writes report.
func idsOf(m *orm.Model, args *orm.FindArgs) ([]string, bool) {
	if args == nil || len(args.Where) != 1 || len(m.PrimaryKey) != 1 {
		return nil, false
	}
	fc, ok := args.Where[0].(*orm.FieldCond)
	if !ok || fc.Field != m.PrimaryKey[0] || fc.Insensitive {
		return nil, false
	}
	f := m.Field(fc.Field)
	if f == nil {
		return nil, false
	}
	var vals []reflect.Value
	switch v := reflect.ValueOf(fc.Value); {
	case fc.Op == orm.OpEquals && v.IsValid():
		vals = []reflect.Value{v}
	case fc.Op == orm.OpIn && v.IsValid() && v.Kind() == reflect.Slice:
		for i := range v.Len() {
			vals = append(vals, v.Index(i))
		}
	default:
		return nil, false
	}
	ids := make([]string, 0, len(vals))
	for _, v := range vals {
		for v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		switch k := v.Kind(); {
		case (f.Type == orm.Int || f.Type == orm.BigInt) && (k >= reflect.Int && k <= reflect.Int64 || k >= reflect.Uint && k <= reflect.Uint64):
		case f.Type == orm.String && k == reflect.String:
		default:
			return nil, false
		}
		id, ok := vercache.ID(v.Interface())
		if !ok {
			return nil, false
		}
		ids = append(ids, id)
	}
	return ids, true
}

// ErrUnkeyable: the arguments hold a value that cannot be part of a cache
// key (a function or a channel), or are nested too deep.
var ErrUnkeyable = vercache.ErrUnkeyable
