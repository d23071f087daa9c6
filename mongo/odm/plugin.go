package odm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Plugin adds paths, hooks, indexes and methods to a schema (Mongoose's
// schema.plugin). Apply it to one schema with Schema.Plugin, or to every
// schema with GlobalPlugin.
type Plugin func(s *Schema) error

// Plugin applies plugins to the schema, in order, now.
func (s *Schema) Plugin(plugins ...Plugin) error {
	for _, p := range plugins {
		if p == nil {
			return schemaErr("nil plugin")
		}
		if err := p(s); err != nil {
			return err
		}
	}
	return nil
}

var globalPlugins struct {
	mu   sync.Mutex
	list []Plugin
}

// GlobalPlugin registers a plugin applied to every schema when its first
// model is built (Mongoose's mongoose.plugin). Register global plugins at
// start-up, before building models; models built earlier keep their
// schema as it was.
func GlobalPlugin(p Plugin) {
	globalPlugins.mu.Lock()
	defer globalPlugins.mu.Unlock()
	globalPlugins.list = append(globalPlugins.list, p)
}

// pluginState records which global plugins a schema has had.
type pluginState struct {
	globals int
}

// applyGlobalPlugins applies the global plugins the schema has not had yet.
func (s *Schema) applyGlobalPlugins() error {
	globalPlugins.mu.Lock()
	list := globalPlugins.list[min(s.plugins.globals, len(globalPlugins.list)):]
	s.plugins.globals = len(globalPlugins.list)
	globalPlugins.mu.Unlock()
	return s.Plugin(list...)
}

// skipGlobalPlugins marks the global plugins as applied without applying
// them: a discriminator's schema inherits them through its base's hooks
// (Mongoose's applyPluginsToDiscriminators: false).
func (s *Schema) skipGlobalPlugins() {
	globalPlugins.mu.Lock()
	s.plugins.globals = len(globalPlugins.list)
	globalPlugins.mu.Unlock()
}

// Method attaches a named function to the schema (Mongoose's
// schema.method); models built from the schema return it from Method.
func (s *Schema) Method(name string, fn any) *Schema {
	if s.methods == nil {
		s.methods = map[string]any{}
	}
	s.methods[name] = fn
	return s
}

// Method returns a function a plugin attached to the model's schema.
func (m *Model[T]) Method(name string) (any, bool) {
	if m == nil {
		return nil, false
	}
	fn, ok := m.schema.methods[name]
	return fn, ok
}

// And adds conditions to a filter: appended when the filter does not use
// their keys, otherwise both are combined under $and, so a scope can never
// be overridden by a condition of the caller on the same key.
func And(filter bson.D, cond ...bson.E) bson.D {
	clash := false
	for _, c := range cond {
		for _, e := range filter {
			if e.Key == c.Key {
				clash = true
			}
		}
	}
	if !clash {
		out := make(bson.D, 0, len(filter)+len(cond))
		return append(append(out, filter...), cond...)
	}
	return bson.D{{Key: "$and", Value: bson.A{filter, bson.D(cond)}}}
}

// ---- Tenant ----

// ErrNoTenant is returned by every operation of a model with the Tenant
// plugin when ctx carries no tenant (WithTenant): it fails closed.
var ErrNoTenant = errors.New("odm: no tenant in context")

// ErrTenantMismatch is returned when a document carries another tenant than
// the one in ctx.
var ErrTenantMismatch = errors.New("odm: document belongs to another tenant")

type tenantKey struct{}

// WithTenant returns ctx scoped to tenant for models with the Tenant plugin.
func WithTenant(ctx context.Context, tenant any) context.Context {
	return context.WithValue(ctx, tenantKey{}, tenant)
}

// TenantFrom returns the tenant WithTenant put in ctx.
func TenantFrom(ctx context.Context) (any, bool) {
	t := ctx.Value(tenantKey{})
	return t, t != nil && !reflect.ValueOf(t).IsZero()
}

// TenantOpts configures the Tenant plugin.
type TenantOpts struct {
	// Field is the tenant path (default "tenantId"). When the schema has
	// no such path the plugin adds a String path.
	Field string
}

// Tenant is a plugin that scopes every operation of a model to the tenant
// in ctx (WithTenant): every query filter (reads, counts, distinct, updates,
// deletes, findOneAnd*, each bulk write, populate queries), every aggregate
// (a $match first) and every written document (stamped with the tenant, or
// refused with ErrTenantMismatch when it names another). The tenant path
// is immutable and indexed. Without a tenant in ctx every operation fails
// with ErrNoTenant.
func Tenant(o *TenantOpts) Plugin {
	field := "tenantId"
	if o != nil && o.Field != "" {
		field = o.Field
	}
	return func(s *Schema) error {
		p := s.byName[field]
		if p == nil {
			p = String(field)
			p.byPlugin = true
			s.Add(p)
		}
		p.Immutable = true
		s.AddIndex(Index{Keys: bson.D{{Key: field, Value: 1}}})
		value := func(ctx context.Context) (any, error) {
			t, ok := TenantFrom(ctx)
			if !ok {
				return nil, ErrNoTenant
			}
			v, err := castFilterValue(p, field, t)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrNoTenant, err)
			}
			return v, nil
		}
		scope := func(ctx context.Context, h *Hook) error {
			v, err := value(ctx)
			if err != nil {
				return err
			}
			h.Filter = And(h.Filter, bson.E{Key: field, Value: v})
			return nil
		}
		s.Pre(EventQuery, scope)
		s.Pre(EventBulkWrite, func(ctx context.Context, h *Hook) error { _, err := value(ctx); return err })
		s.Pre(EventInsertMany, func(ctx context.Context, h *Hook) error { _, err := value(ctx); return err })
		s.Pre(EventAggregate, func(ctx context.Context, h *Hook) error {
			v, err := value(ctx)
			if err != nil {
				return err
			}
			h.PrependMatch(bson.D{{Key: field, Value: v}})
			return nil
		})
		s.Pre(EventValidate, func(ctx context.Context, h *Hook) error {
			v, err := value(ctx)
			if err != nil {
				return err
			}
			if got, ok := h.Get(h.Doc, field); ok {
				if !reflect.DeepEqual(plain(got), plain(v)) {
					return fmt.Errorf("%w: %s is %v, ctx has %v", ErrTenantMismatch, field, got, v)
				}
				return nil
			}
			return h.Set(h.Doc, field, v)
		})
		return nil
	}
}

// ---- SoftDelete ----

// SoftDeleteOpts configures the SoftDelete plugin.
type SoftDeleteOpts struct {
	// Field is the Boolean path marking deleted documents (default
	// "deleted").
	Field string
	// At is the Date path set to the deletion time (default "deletedAt";
	// "-" for none).
	At string
	// Clock returns the deletion time (default time.Now).
	Clock func() time.Time
}

type deletedKey struct{}
type hardDeleteKey struct{}

// WithDeleted returns ctx in which queries of SoftDelete models see deleted
// documents too (deletes stay soft).
func WithDeleted(ctx context.Context) context.Context {
	return context.WithValue(ctx, deletedKey{}, true)
}

// HardDelete returns ctx in which deletes of SoftDelete models really
// remove the documents.
func HardDelete(ctx context.Context) context.Context {
	return context.WithValue(ctx, hardDeleteKey{}, true)
}

// SoftDelete is a plugin that turns deleteOne, deleteMany and
// findOneAndDelete (also in bulk writes) into updates setting Field to true
// and At to the time, and hides deleted documents from every query,
// aggregate and populate unless ctx is WithDeleted. Restore undeletes.
func SoftDelete(o *SoftDeleteOpts) Plugin {
	cfg := SoftDeleteOpts{Field: "deleted", At: "deletedAt", Clock: time.Now}
	if o != nil {
		if o.Field != "" {
			cfg.Field = o.Field
		}
		if o.At != "" {
			cfg.At = o.At
		}
		if o.Clock != nil {
			cfg.Clock = o.Clock
		}
	}
	if cfg.At == "-" {
		cfg.At = ""
	}
	return func(s *Schema) error {
		if s.byName[cfg.Field] == nil {
			p := Bool(cfg.Field)
			p.byPlugin = true
			s.Add(p)
		}
		if cfg.At != "" && s.byName[cfg.At] == nil {
			p := Date(cfg.At)
			p.byPlugin = true
			s.Add(p)
		}
		s.softDelete = &cfg
		live := bson.E{Key: cfg.Field, Value: bson.D{{Key: "$ne", Value: true}}}
		hide := func(ctx context.Context, h *Hook) error {
			if ctx.Value(deletedKey{}) == nil {
				h.Filter = And(h.Filter, live)
			}
			return nil
		}
		s.Pre(EventRead, hide)
		s.Pre(EventUpdate, hide)
		s.Pre(EventDelete, func(ctx context.Context, h *Hook) error {
			if err := hide(ctx, h); err != nil || ctx.Value(hardDeleteKey{}) != nil {
				return err
			}
			set := bson.D{{Key: cfg.Field, Value: true}}
			if cfg.At != "" {
				set = append(set, bson.E{Key: cfg.At, Value: cfg.Clock().UTC().Truncate(time.Millisecond)})
			}
			h.Update = bson.D{{Key: "$set", Value: set}}
			return nil
		})
		s.Pre(EventAggregate, func(ctx context.Context, h *Hook) error {
			if ctx.Value(deletedKey{}) == nil {
				h.PrependMatch(bson.D{live})
			}
			return nil
		})
		return nil
	}
}

// Restore undeletes the soft-deleted documents of a SoftDelete model that
// match filter and returns how many it restored.
func Restore[T any](ctx context.Context, m *Model[T], filter any) (int64, error) {
	cfg := m.schema.softDelete
	if cfg == nil {
		return 0, errorf("Restore: %s has no SoftDelete plugin", m.name)
	}
	f, err := m.filter(filter)
	if err != nil {
		return 0, err
	}
	upd := bson.D{{Key: "$set", Value: bson.D{{Key: cfg.Field, Value: false}}}}
	if cfg.At != "" {
		upd = append(upd, bson.E{Key: "$unset", Value: bson.D{{Key: cfg.At, Value: ""}}})
	}
	res, err := m.UpdateMany(WithDeleted(ctx), And(f, bson.E{Key: cfg.Field, Value: true}), upd, nil)
	if err != nil {
		return 0, err
	}
	return res.ModifiedCount, nil
}
