package odm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Index declares an index on the schema. Key values are 1, -1, "text",
// "2dsphere", "hashed".
type Index struct {
	Keys bson.D
	// Name defaults to the server's convention ("a_1_b_-1").
	Name   string
	Unique bool
	Sparse bool
	// ExpireAfter makes a TTL index (on a single Date field).
	ExpireAfter *time.Duration
	// PartialFilter makes a partial index.
	PartialFilter bson.D
	// Collation, e.g. bson.D{{"locale","en"},{"strength",2}}.
	Collation bson.D
	// Weights of a text index, e.g. bson.D{{"title",10},{"body",1}}.
	Weights         bson.D
	DefaultLanguage string
}

// AddIndex declares a schema-level index (compound, text, TTL, ...).
func (s *Schema) AddIndex(ix Index) *Schema {
	s.indexes = append(s.indexes, ix)
	return s
}

func indexName(keys bson.D) string {
	parts := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		parts = append(parts, k.Key, fmt.Sprint(k.Value))
	}
	return strings.Join(parts, "_")
}

// Indexes returns every index the schema declares: path options (index,
// unique, sparse; nested paths dotted) then schema-level indexes.
func (s *Schema) Indexes() []Index {
	var out []Index
	s.pathIndexes("", &out)
	for _, ix := range s.indexes {
		if ix.Name == "" {
			ix.Name = indexName(ix.Keys)
		}
		out = append(out, ix)
	}
	return out
}

func (s *Schema) pathIndexes(prefix string, out *[]Index) {
	for _, p := range s.paths {
		name := prefix + p.Name
		if (p.Index || p.Unique) && name != "_id" {
			keys := bson.D{{Key: name, Value: 1}}
			*out = append(*out, Index{Keys: keys, Name: indexName(keys), Unique: p.Unique, Sparse: p.Sparse})
		}
		switch {
		case p.Type == TypeSubdoc:
			p.Schema.pathIndexes(name+".", out)
		case p.Type == TypeArray && p.Elem != nil && p.Elem.Type == TypeSubdoc:
			p.Elem.Schema.pathIndexes(name+".", out)
		}
	}
}

// spec is the index document of a createIndexes command.
func (ix Index) spec() bson.D {
	d := bson.D{{Key: "key", Value: ix.Keys}, {Key: "name", Value: ix.Name}}
	if ix.Unique {
		d = append(d, bson.E{Key: "unique", Value: true})
	}
	if ix.Sparse {
		d = append(d, bson.E{Key: "sparse", Value: true})
	}
	if ix.ExpireAfter != nil {
		d = append(d, bson.E{Key: "expireAfterSeconds", Value: int32(ix.ExpireAfter.Seconds())})
	}
	if ix.PartialFilter != nil {
		d = append(d, bson.E{Key: "partialFilterExpression", Value: ix.PartialFilter})
	}
	if ix.Collation != nil {
		d = append(d, bson.E{Key: "collation", Value: ix.Collation})
	}
	if ix.Weights != nil {
		d = append(d, bson.E{Key: "weights", Value: ix.Weights})
	}
	if ix.DefaultLanguage != "" {
		d = append(d, bson.E{Key: "default_language", Value: ix.DefaultLanguage})
	}
	return d
}

// serverForm is the spec as the server lists it: text keys become
// {_fts: "text", _ftsx: 1} with every text field weighted (1 by default)
// and the language defaulting to English.
func (ix Index) serverForm() bson.D {
	var keys bson.D
	weights := bson.D{}
	text := false
	for _, k := range ix.Keys {
		if k.Value == "text" {
			if !text {
				keys = append(keys, bson.E{Key: "_fts", Value: "text"}, bson.E{Key: "_ftsx", Value: 1})
				text = true
			}
			w := any(1)
			for _, e := range ix.Weights {
				if e.Key == k.Key {
					w = e.Value
				}
			}
			weights = append(weights, bson.E{Key: k.Key, Value: w})
			continue
		}
		keys = append(keys, k)
	}
	if !text {
		return ix.spec()
	}
	sort.Slice(weights, func(i, j int) bool { return weights[i].Key < weights[j].Key })
	out := ix
	out.Keys, out.Weights = keys, weights
	if out.DefaultLanguage == "" {
		out.DefaultLanguage = "english"
	}
	return out.spec()
}

// CreateIndexesCommand is the exact createIndexes command SyncIndexes sends
// for the given indexes.
func CreateIndexesCommand(collection string, ixs []Index) bson.D {
	specs := make(bson.A, len(ixs))
	for i, ix := range ixs {
		specs[i] = ix.spec()
	}
	return bson.D{{Key: "createIndexes", Value: collection}, {Key: "indexes", Value: specs}}
}

// IndexDiff reports what SyncIndexes did (or would do, in a dry run).
type IndexDiff struct {
	Created []string
	// Dropped were created by SyncIndexes earlier and are no longer declared.
	Dropped []string
	// Changed were dropped and created again with new options.
	Changed []string
	Kept    []string
	// Unowned exist on the collection but were not created by SyncIndexes
	// (nor declared): they are left alone unless DropUnowned is set.
	Unowned []string
}

// SyncIndexesOpts tunes SyncIndexes.
type SyncIndexesOpts struct {
	// DryRun computes the diff without changing anything.
	DryRun bool
	// DropUnowned also drops indexes SyncIndexes did not create (except
	// _id_), as Mongoose's syncIndexes does.
	DropUnowned bool
}

// IndexRegistry is the collection where SyncIndexes records, per
// collection, the names of the indexes it created: those are the indexes
// it owns and may drop later.
const IndexRegistry = "odm_indexes"

// comparable form of an index as listed by the server.
func indexSignature(d bson.D) string {
	var b strings.Builder
	fields := map[string]any{}
	for _, e := range d {
		fields[e.Key] = e.Value
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		switch k {
		case "key", "unique", "sparse", "expireAfterSeconds", "partialFilterExpression", "weights", "default_language":
			keys = append(keys, k)
		case "collation":
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fields[k]
		if k == "unique" || k == "sparse" {
			if bv, ok := v.(bool); ok && !bv {
				continue
			}
		}
		if k == "collation" {
			v = collationCore(v)
		}
		if k == "weights" {
			if d, ok := v.(bson.D); ok {
				d = append(bson.D(nil), d...)
				sort.Slice(d, func(i, j int) bool { return d[i].Key < d[j].Key })
				v = d
			}
		}
		fmt.Fprintf(&b, "%s=%s;", k, normString(v))
	}
	return b.String()
}

// collationCore keeps the collation fields a declaration sets; the server
// fills in the rest.
func collationCore(v any) any {
	d, ok := v.(bson.D)
	if !ok {
		return v
	}
	var out bson.D
	for _, e := range d {
		if e.Key == "locale" || e.Key == "strength" {
			out = append(out, e)
		}
	}
	return out
}

func normString(v any) string {
	switch x := v.(type) {
	case bson.D:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = e.Key + ":" + normString(e.Value)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case bson.A:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = normString(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	if f, ok := toFloat(v); ok {
		if f == math.Trunc(f) {
			return fmt.Sprintf("%d", int64(f))
		}
		return fmt.Sprint(f)
	}
	return fmt.Sprint(v)
}

// SyncIndexes makes the collection's indexes match the schema: it creates
// the missing ones, drops and recreates those whose options changed, drops
// the ones it created earlier that the schema no longer declares, and
// reports the diff. Indexes it did not create are reported as Unowned and
// kept (opts.DropUnowned drops them too). Ownership is recorded in the
// IndexRegistry collection of the same database.
func (m *Model[T]) SyncIndexes(ctx context.Context, opts *SyncIndexesOpts) (*IndexDiff, error) {
	if m.offline() != nil {
		return nil, ErrNoDatabase
	}
	if opts == nil {
		opts = &SyncIndexesOpts{}
	}
	existing, err := m.listIndexes(ctx)
	if err != nil {
		return nil, err
	}
	owned, err := m.ownedIndexes(ctx)
	if err != nil {
		return nil, err
	}
	diff := &IndexDiff{}
	var create []Index
	want := map[string]bool{}
	var wantNames []string
	for _, ix := range m.schema.Indexes() {
		want[ix.Name] = true
		wantNames = append(wantNames, ix.Name)
		cur, ok := existing[ix.Name]
		switch {
		case !ok:
			diff.Created = append(diff.Created, ix.Name)
			create = append(create, ix)
		case indexSignature(cur) != indexSignature(ix.serverForm()):
			diff.Changed = append(diff.Changed, ix.Name)
			create = append(create, ix)
		default:
			diff.Kept = append(diff.Kept, ix.Name)
		}
	}
	for name := range existing {
		switch {
		case want[name] || name == "_id_":
		case owned[name]:
			diff.Dropped = append(diff.Dropped, name)
		default:
			diff.Unowned = append(diff.Unowned, name)
		}
	}
	sort.Strings(diff.Dropped)
	sort.Strings(diff.Unowned)
	if opts.DryRun {
		return diff, nil
	}
	drop := append(append([]string(nil), diff.Dropped...), diff.Changed...)
	if opts.DropUnowned {
		drop = append(drop, diff.Unowned...)
	}
	for _, name := range drop {
		if err := m.coll.Indexes().DropOne(ctx, name); err != nil {
			return diff, errorf("drop index %s: %w", name, err)
		}
	}
	if len(create) > 0 {
		if err := m.coll.Database().RunCommand(ctx, CreateIndexesCommand(m.coll.Name(), create)).Err(); err != nil {
			return diff, errorf("create indexes: %w", unsupported("an index kind", err))
		}
	}
	// Own what is declared now (an index that predates the registry but
	// matches the schema becomes owned too).
	if _, err := m.coll.Database().Collection(IndexRegistry).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: m.coll.Name()}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "names", Value: wantNames}}}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return diff, errorf("record owned indexes: %w", err)
	}
	return diff, nil
}

func (m *Model[T]) ownedIndexes(ctx context.Context) (map[string]bool, error) {
	var rec struct {
		Names []string `bson:"names"`
	}
	err := m.coll.Database().Collection(IndexRegistry).FindOne(ctx, bson.D{{Key: "_id", Value: m.coll.Name()}}).Decode(&rec)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, errorf("read owned indexes: %w", err)
	}
	owned := make(map[string]bool, len(rec.Names))
	for _, n := range rec.Names {
		owned[n] = true
	}
	return owned, nil
}

func (m *Model[T]) listIndexes(ctx context.Context) (map[string]bson.D, error) {
	cur, err := m.coll.Indexes().List(ctx)
	if err != nil {
		var ce mongo.CommandError
		if errors.As(err, &ce) && ce.Code == 26 { // NamespaceNotFound
			return map[string]bson.D{}, nil
		}
		return nil, err
	}
	defer cur.Close(ctx)
	out := map[string]bson.D{}
	for cur.Next(ctx) {
		var d bson.D
		if err := cur.Decode(&d); err != nil {
			return nil, err
		}
		for _, e := range d {
			if e.Key == "name" {
				if n, ok := e.Value.(string); ok {
					out[n] = d
				}
			}
		}
	}
	return out, cur.Err()
}

// CreateCollectionCommand is the create command for the schema's
// collection options (capped, time series); nil when there are none.
func CreateCollectionCommand(collection string, o SchemaOpts) bson.D {
	if o.Capped == nil && o.TimeSeries == nil {
		return nil
	}
	d := bson.D{{Key: "create", Value: collection}}
	if c := o.Capped; c != nil {
		d = append(d, bson.E{Key: "capped", Value: true}, bson.E{Key: "size", Value: c.Size})
		if c.Max > 0 {
			d = append(d, bson.E{Key: "max", Value: c.Max})
		}
	}
	if ts := o.TimeSeries; ts != nil {
		t := bson.D{{Key: "timeField", Value: ts.TimeField}}
		if ts.MetaField != "" {
			t = append(t, bson.E{Key: "metaField", Value: ts.MetaField})
		}
		if ts.Granularity != "" {
			t = append(t, bson.E{Key: "granularity", Value: ts.Granularity})
		}
		d = append(d, bson.E{Key: "timeseries", Value: t})
		if ts.ExpireAfter > 0 {
			d = append(d, bson.E{Key: "expireAfterSeconds", Value: int64(ts.ExpireAfter.Seconds())})
		}
	}
	return d
}

// CreateCollection creates the collection with the schema's capped or
// time-series options. It does nothing when there are none (collections
// are created on first insert) and is a no-op if the collection exists.
func (m *Model[T]) CreateCollection(ctx context.Context) error {
	if m.offline() != nil {
		return ErrNoDatabase
	}
	cmd := CreateCollectionCommand(m.coll.Name(), m.schema.opts)
	if cmd == nil {
		return nil
	}
	err := m.coll.Database().RunCommand(ctx, cmd).Err()
	var ce mongo.CommandError
	if errors.As(err, &ce) && ce.Code == 48 { // NamespaceExists
		return nil
	}
	return err
}
