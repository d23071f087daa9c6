package odmcache

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"time"

	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/vercache"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/redis/cache"
)

// Config configures a Cache. Zero fields take the documented defaults.
type Config struct {
	// Prefix starts every key (default "odmcache:").
	Prefix string
	// TTL of a cached result when the call gives none (default 1m, at
	// most 24h). Writes through the models end a result's life long
	// before that; the TTL bounds how long a result can outlive a write
	// made behind their back or an invalidation Redis missed.
	TTL time.Duration
	// Cache tunes the underlying redis/cache (stampede protection, L1...).
	// Its Prefix and Namespace are set by odmcache; its Codec defaults to
	// BSON, which keeps ObjectIDs, dates and bson.M values as they are.
	Cache cache.Config
	// Strict makes a read fail with the Redis error while Redis is
	// unreachable, instead of querying MongoDB directly.
	Strict bool
	// Logger receives failed invalidations (default slog.Default()).
	Logger *slog.Logger
}

// Cache caches query results of odm models in Redis and drops them when
// the models write what they read. Set its AfterWrite as the
// odm.ModelOpts.AfterWrite of every model whose queries it caches. Safe for
// concurrent use.
type Cache struct {
	s *vercache.Store
}

// New returns a Cache. It does no I/O.
func New(client rueidis.Client, cfg Config) (*Cache, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = "odmcache:"
	}
	if cfg.Cache.Codec == nil {
		cfg.Cache.Codec = BSON{}
	}
	s, err := vercache.New(client, vercache.Config{Prefix: cfg.Prefix, TTL: cfg.TTL, Cache: cfg.Cache,
		Strict: cfg.Strict, Logger: cfg.Logger, Name: "odmcache"})
	if err != nil {
		return nil, err
	}
	return &Cache{s: s}, nil
}

// Underlying returns the redis/cache behind c (for Stats and events).
func (c *Cache) Underlying() *cache.Cache {
	if c == nil {
		return nil
	}
	return c.s.Underlying()
}

// AfterWrite invalidates the cached results writes can change. It is an
// odm.AfterWriteFunc: set it as the models' odm.ModelOpts.AfterWrite.
// Versions are kept per collection, so a write through a discriminator
// ends the base model's cached results too, and the other way round.
func (c *Cache) AfterWrite(ctx context.Context, writes []odm.Written) {
	if c == nil { // no cache, nothing cached to invalidate
		return
	}
	out := make([]vercache.Write, 0, len(writes))
	for _, w := range writes {
		ns := w.Collection
		if ns == "" {
			ns = w.Model
		}
		out = append(out, vercache.NewWrite(ns, w.IDs, w.All))
	}
	c.s.Report(ctx, out)
}

// Invalidate drops the cached results that read the documents of m's
// collection with the given _id values (as stored: ObjectIDs, not their
// hex), and every result that read the whole collection; with no ids,
// every cached result of the collection. Call it after writes made behind
// the models' back.
func Invalidate[T any](ctx context.Context, c *Cache, m *odm.Model[T], ids ...any) error {
	if c == nil || m == nil || m.Namespace() == "" {
		return &cache.ConfigError{Field: "cache and model", Reason: "must not be nil (the model needs a database)"}
	}
	return c.s.Bump(ctx, []vercache.Write{vercache.NewWrite(m.Namespace(), ids, len(ids) == 0)})
}

// Opts are per-call options; nil means the Config defaults.
type Opts struct {
	// TTL overrides Config.TTL (at most 24h).
	TTL time.Duration
	// Vary holds values the model's query hooks read from the ctx beyond
	// odm.QueryScope: results are cached per distinct Vary.
	Vary []any
}

// FindOpts shape a Find: as odm.Query's Select, Sort, Skip and Limit.
type FindOpts struct {
	Select []string
	Sort   []string
	Skip   int64
	Limit  int64
}

// FindByID is odm.Model.FindByID served from the cache (odm.ErrNotFound
// when no document has the id; that answer is cached too).
func FindByID[T any](ctx context.Context, c *Cache, m *odm.Model[T], id any, opts *Opts) (*T, error) {
	return FindOne(ctx, c, m, bson.D{{Key: "_id", Value: id}}, opts)
}

// FindOne is odm.Model.FindOne(filter).One served from the cache. The
// document is tracked by the model as if it had been loaded (Save sends
// only what changes afterwards, guarded by its version).
func FindOne[T any](ctx context.Context, c *Cache, m *odm.Model[T], filter any, opts *Opts) (*T, error) {
	raw, err := cached(ctx, c, m, "findOne", filter, nil, opts, func(ctx context.Context) (bson.Raw, error) {
		doc, err := m.FindOne(filter).One(ctx)
		if errors.Is(err, odm.ErrNotFound) {
			return nil, nil // cached as null
		}
		if err != nil {
			return nil, err
		}
		return bson.Marshal(doc)
	})
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, odm.ErrNotFound
	}
	return m.Hydrate(raw)
}

// Find is odm.Model.Find(filter), shaped by fo, .All served from the
// cache. The documents are tracked as FindOne's.
func Find[T any](ctx context.Context, c *Cache, m *odm.Model[T], filter any, fo *FindOpts, opts *Opts) ([]*T, error) {
	raws, err := cached(ctx, c, m, "find", filter, fo, opts, func(ctx context.Context) ([]bson.Raw, error) {
		q := m.Find(filter)
		if fo != nil {
			q = q.Select(fo.Select...).Sort(fo.Sort...).Skip(fo.Skip).Limit(fo.Limit)
		}
		docs, err := q.All(ctx)
		if err != nil {
			return nil, err
		}
		raws := make([]bson.Raw, len(docs))
		for i, d := range docs {
			if raws[i], err = bson.Marshal(d); err != nil {
				return nil, err
			}
		}
		return raws, nil
	})
	if err != nil {
		return nil, err
	}
	docs := make([]*T, len(raws))
	for i, raw := range raws {
		if docs[i], err = m.Hydrate(raw); err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// CountDocuments is odm.Model.CountDocuments served from the cache.
func CountDocuments[T any](ctx context.Context, c *Cache, m *odm.Model[T], filter any, opts *Opts) (int64, error) {
	return cached(ctx, c, m, "countDocuments", filter, nil, opts, func(ctx context.Context) (int64, error) {
		return m.CountDocuments(ctx, filter)
	})
}

// cached runs query through the cache under a key made of the operation,
// the result type, the cast filter, the options, the ctx's query scope and
// the current versions of what the query reads. Inside a session the query
// runs directly: it must see the transaction's own writes.
func cached[T, R any](ctx context.Context, c *Cache, m *odm.Model[T], op string, filter any, fo *FindOpts, opts *Opts, query func(context.Context) (R, error)) (R, error) {
	var zero R
	if c == nil {
		return zero, &cache.ConfigError{Field: "cache", Reason: "must not be nil"}
	}
	if m == nil {
		return zero, &cache.ConfigError{Field: "model", Reason: "must not be nil"}
	}
	if mongo.SessionFromContext(ctx) != nil {
		return query(ctx)
	}
	cast, err := m.CastFilter(filter)
	if err != nil {
		return zero, err
	}
	ids, byID := odm.FilterIDs(cast)
	var vary []any
	var ttl time.Duration
	if opts != nil {
		vary, ttl = opts.Vary, opts.TTL
	}
	fp, err := vercache.Fingerprint(op, m.Name(), reflect.TypeFor[R]().String(), cast, fo, odm.QueryScope(ctx), vary)
	if err != nil {
		return zero, err
	}
	ns := m.Namespace()
	if ns == "" {
		return zero, &cache.ConfigError{Field: "model", Reason: "has no database"}
	}
	deps := vercache.Deps{Models: []string{ns}}
	if byID {
		if keys, ok := canonical(ids); ok {
			deps = vercache.Deps{IDModel: ns, IDs: keys}
		}
	}
	return vercache.Get(ctx, c.s, m.Name()+":"+fp, deps, ttl, query)
}

func canonical(ids []any) ([]string, bool) {
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		k, ok := vercache.ID(id)
		if !ok {
			return nil, false
		}
		keys = append(keys, k)
	}
	return keys, true
}

// ErrUnkeyable: a filter holds a value that cannot be part of a cache key.
var ErrUnkeyable = vercache.ErrUnkeyable
