package odm

import (
	"context"
	"reflect"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// DefaultDiscriminatorKey is Mongoose's discriminatorKey.
const DefaultDiscriminatorKey = "__t"

// DiscriminatorOpts tune Discriminator.
type DiscriminatorOpts struct {
	// Key is the field telling the schemas apart (default "__t").
	Key string
	// Value is stored in Key for this schema (default: the model name).
	Value string
}

// discriminator is what a discriminator model stores and filters on.
type discriminator struct {
	key, value string
	idx        []int // struct field of the key, nil when the type has none
}

// Discriminator builds a model of type C stored in the collection of base,
// as Mongoose's Model.discriminator: C's schema is base's schema plus
// schema's paths (nil: derived from C, which usually embeds B with
// `bson:",inline"`), with base's options and schema hooks (plugins
// included). Every document C writes carries Key = Value; every query,
// count, update, delete and aggregate of the returned model is filtered by
// it (the key is set in the filter over any condition on it, as Mongoose
// does), so a discriminator model sees only its own documents. Queries on
// base see every document; give B a field for Key to tell them apart.
// Hooks registered on base's Model (typed on B) do not run for C; those of
// base's schema, as they were when Discriminator was called, run first.
func Discriminator[C, B any](base *Model[B], name string, schema *Schema, opts *DiscriminatorOpts) (*Model[C], error) {
	if base == nil {
		return nil, schemaErr("Discriminator needs a base model")
	}
	if name == "" {
		return nil, schemaErr("Discriminator needs a name")
	}
	d := discriminator{key: DefaultDiscriminatorKey, value: name}
	if opts != nil {
		if opts.Key != "" {
			d.key = opts.Key
		}
		if opts.Value != "" {
			d.value = opts.Value
		}
	}
	if base.disc != nil {
		return nil, schemaErr("%s is itself a discriminator; derive from its base", base.name)
	}
	if schema == nil {
		s, err := SchemaFor[C](nil)
		if err != nil {
			return nil, err
		}
		schema = s
	}
	bs := base.schema
	if p := schema.byName[d.key]; p != nil && p.Type != TypeString {
		return nil, schemaErr("discriminator key %q must be a String path", d.key)
	}
	// Base paths come first and win: their validators and options apply to
	// the child as they do to the base.
	merged := make([]*Path, 0, len(bs.paths)+len(schema.paths))
	for _, p := range bs.paths {
		cp := *p
		cp.goIndex, cp.goType, cp.ptr = nil, nil, false
		cp.byPlugin = true // C need not have a field for every base path
		merged = append(merged, &cp)
	}
	schema.paths, schema.byName, schema.byAlias = append(merged, withoutNames(schema.paths, bs.byName)...), map[string]*Path{}, map[string]*Path{}
	for _, p := range schema.paths {
		schema.byName[p.Name] = p
		if p.Alias != "" {
			schema.byAlias[p.Alias] = p
		}
	}
	if schema.byName[d.key] == nil {
		p := String(d.key)
		p.byPlugin = true
		schema.Add(p)
	}
	schema.byName[d.key].Immutable = true
	schema.opts.Timestamps, schema.opts.VersionKey = bs.opts.Timestamps, bs.opts.VersionKey
	schema.opts.Strict, schema.opts.StrictQuery = bs.opts.Strict, bs.opts.StrictQuery
	schema.validators = append(append([]SchemaValidator(nil), bs.validators...), schema.validators...)
	if schema.goType != nil {
		bindAdded(schema, schema.goType)
	}

	// The scope first, then base's schema hooks, then the child's own.
	own, ownErr := schema.hooks.clone(), schema.errHooks.clone()
	schema.hooks, schema.errHooks = hookList[SchemaHookFunc]{}, hookList[SchemaErrorHookFunc]{}
	scope := bson.E{Key: d.key, Value: d.value}
	schema.Pre(EventQuery, func(ctx context.Context, h *Hook) error {
		// As Mongoose's prepareDiscriminatorCriteria: the key is set in the
		// filter, over any condition on it the filter had.
		h.Filter = setInD(slices.Clone(h.Filter), scope.Key, scope.Value)
		return nil
	})
	schema.Pre(EventAggregate, func(ctx context.Context, h *Hook) error {
		h.PrependMatch(bson.D{scope})
		return nil
	})
	baseHooks, baseErr := bs.hooks.clone(), bs.errHooks.clone()
	rb := renumber(baseHooks.seqs(), baseErr.seqs())
	ro := renumber(own.seqs(), ownErr.seqs())
	schema.hooks.merge(baseHooks, rb)
	schema.hooks.merge(own, ro)
	schema.errHooks.merge(baseErr, rb)
	schema.errHooks.merge(ownErr, ro)

	// The base's hooks include the global plugins' (applied when the base
	// was built); they are not applied to the child again.
	schema.skipGlobalPlugins()

	mo := base.opts
	var db *mongo.Database
	if base.coll != nil {
		db = base.coll.Database() // else, like base, a model without a database
	}
	m, err := NewModel[C](db, name, schema, &mo)
	if err != nil {
		return nil, err
	}
	if t := reflect.TypeFor[C](); t.Kind() == reflect.Struct {
		d.idx = fieldIndex(t, d.key)
	}
	m.disc = &d
	return m, nil
}

// withoutNames drops the paths whose name is in names.
func withoutNames(paths []*Path, names map[string]*Path) []*Path {
	out := paths[:0:0]
	for _, p := range paths {
		if names[p.Name] == nil {
			out = append(out, p)
		}
	}
	return out
}

// clone copies the registered hooks.
func (h *hookList[F]) clone() *hookList[F] {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := &hookList[F]{pre: map[Event][]F{}, post: map[Event][]F{}, seq: map[Event][]uint64{}}
	for e, l := range h.pre {
		out.pre[e] = append([]F(nil), l...)
	}
	for e, l := range h.post {
		out.post[e] = append([]F(nil), l...)
		out.seq[e] = append([]uint64(nil), h.seq[e]...)
	}
	return out
}

// seqs returns the registration numbers of h's post hooks.
func (h *hookList[F]) seqs() []uint64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []uint64
	for _, l := range h.seq {
		out = append(out, l...)
	}
	return out
}

// renumber gives the registration numbers of hook lists merged together
// new numbers, in their order, after every number given so far.
func renumber(lists ...[]uint64) map[uint64]uint64 {
	var all []uint64
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.Sort(all)
	out := make(map[uint64]uint64, len(all))
	for _, n := range slices.Compact(all) {
		out[n] = hookSeq.Add(1)
	}
	return out
}

// merge appends the hooks of o after h's, with the registration numbers
// renum gives them.
func (h *hookList[F]) merge(o *hookList[F], renum map[uint64]uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pre == nil {
		h.pre, h.post, h.seq = map[Event][]F{}, map[Event][]F{}, map[Event][]uint64{}
	}
	for e, l := range o.pre {
		h.pre[e] = append(h.pre[e], l...)
	}
	for e, l := range o.post {
		h.post[e] = append(h.post[e], l...)
		for _, n := range o.seq[e] {
			h.seq[e] = append(h.seq[e], renum[n])
		}
	}
}

// stampDisc writes the discriminator value into doc's key field, when the
// type has one, and returns the extra element encode must add otherwise.
func (m *Model[T]) stampDisc(doc *T) (bson.E, bool) {
	if m.disc == nil {
		return bson.E{}, false
	}
	if m.isMap || m.disc.idx != nil {
		m.setField(doc, m.disc.idx, m.disc.key, m.disc.value)
		return bson.E{}, false
	}
	return bson.E{Key: m.disc.key, Value: m.disc.value}, true
}
