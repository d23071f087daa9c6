package odm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrPopulate is wrapped by every *PopulateError.
var ErrPopulate = errors.New("odm: populate")

// PopulateError is a populate declaration that does not fit the documents
// (unknown path, a target field of the wrong type, a model that is not the
// path's ref).
type PopulateError struct {
	Path string
	Msg  string
}

func (e *PopulateError) Error() string { return fmt.Sprintf("odm: populate %q: %s", e.Path, e.Msg) }
func (e *PopulateError) Unwrap() error { return ErrPopulate }

// PopulateOpts is one path to populate: Mongoose's populate options object.
//
// A reference path (Path names an odm.Ref[U] or odm.Refs[U] field, dotted
// through subdocuments and arrays of subdocuments) is filled by one
// {_id: {$in: [...]}} query on From for all the documents at once. A
// virtual populate (ForeignField set) fills the struct field tagged
// `odm:"virtual=<Path>"` (give it `bson:"-"`: it is not stored) with the
// documents of From whose ForeignField equals the parent's LocalField
// (default "_id"): a []*U, []U or *U field, or with Count an integer field
// holding how many there are.
type PopulateOpts struct {
	// Path is the reference field's BSON path, or the virtual's name.
	Path string
	// From is the referenced model (any *Model[U]).
	From Populator
	// Select picks fields of the referenced documents ("name email",
	// "-password"); _id and the fields populate needs are always kept.
	Select string
	// Match filters the referenced documents; those left out populate as
	// missing.
	Match any
	// Sort orders the referenced documents ("-createdAt"): the order of
	// Refs.Docs and of virtual lists.
	Sort string
	// Limit is Mongoose 9's limit: the populate query is limited to
	// Limit times the number of parent documents, and each parent keeps
	// at most Limit of the documents found. The query's limit is shared,
	// so a parent may get fewer than Limit though more exist; use
	// PerDocumentLimit for "the first n of each parent".
	Limit int64
	// PerDocumentLimit keeps at most n documents per parent: the first n
	// in the query's order (Sort, else the server's natural order, as
	// Mongoose's query per document returns them), then, without Sort,
	// in the order of the IDs. The batched strategy still sends one query
	// and trims in memory; the $lookup strategy trims on the server.
	PerDocumentLimit int64
	// Populate populates paths of the referenced documents (nested
	// populate), again one query per path for the whole level.
	Populate []PopulateOpts
	// RetainNullValues keeps a missing (or unmatched) reference of an
	// odm.Refs as a nil entry of Docs, in its place, instead of leaving
	// it out (Mongoose's retainNullValues).
	RetainNullValues bool

	// Models are the models a dynamic reference (an odm.DynRef field,
	// Mongoose's refPath) may name, in place of From: one query per
	// model named, each through that model's Find (its hooks and
	// plugins apply). RefPath overrides the path of the model names
	// (default: the field's refPath tag or Path.SetRefPath).
	Models  []Populator
	RefPath string
	// NotStrict is Mongoose's strictPopulate: false for a path populated
	// under a refPath reference (a nested Populate): the models that lack
	// the path are skipped. By default a model named by the references
	// that lacks the path fails the populate, as Mongoose's
	// StrictPopulateError does.
	NotStrict bool

	// LocalField and ForeignField make this a virtual populate: a reverse
	// relation from the parent's LocalField (default "_id") to From's
	// ForeignField.
	LocalField   string
	ForeignField string
	// Count stores the number of matching documents instead of them.
	Count bool

	// Lean decodes the populated documents without change tracking
	// (Query.Lean); hooks still run. A lean query's populate is lean
	// throughout.
	Lean bool
}

// leanPaths returns copies of paths with Lean set, nested paths included.
func leanPaths(paths []PopulateOpts) []PopulateOpts {
	out := make([]PopulateOpts, len(paths))
	for i, p := range paths {
		p.Lean = true
		p.Populate = leanPaths(p.Populate)
		out[i] = p
	}
	return out
}

func (o *PopulateOpts) virtual() bool { return o.ForeignField != "" }

// dynamic reports a refPath populate (Models instead of From).
func (o *PopulateOpts) dynamic() bool { return len(o.Models) > 0 || o.RefPath != "" }

// Populator is a model that can be populated from: any *Model[U].
type Populator interface {
	populateSource() popSource
}

// popSource is the type-erased view of a *Model[U] that populate needs.
type popSource struct {
	name   string
	coll   string
	typ    reflect.Type
	schema *Schema
	// find runs a hydrated find and returns the documents (*U).
	find func(ctx context.Context, filter bson.D, o *PopulateOpts, keep []string) ([]any, error)
	// count groups matching documents by field.
	count func(ctx context.Context, filter bson.D, field string, isArray bool) (map[any]int64, error)
	// populate runs nested populate over documents (*U).
	populate func(ctx context.Context, docs []any, paths []PopulateOpts) error
	// hydrate decodes one document read by a $lookup.
	hydrate func(raw bson.Raw, lean bool) (any, error)
	// castFilter checks and casts a filter against U's schema.
	castFilter func(f any) (bson.D, error)
	// scope runs U's pre hooks of event e on a filter (the $lookup
	// strategy, which sends no query of U's own).
	scope func(ctx context.Context, e Event, f bson.D) (bson.D, error)
	// project is the projection of Select plus select:false paths.
	project func(sel string, keep []string) bson.D
}

func (m *Model[T]) populateSource() popSource {
	return popSource{
		name: m.name, coll: m.opts.Collection, typ: reflect.TypeFor[T](), schema: m.schema,
		find: func(ctx context.Context, filter bson.D, o *PopulateOpts, keep []string) ([]any, error) {
			q := m.Find(filter).Sort(o.Sort)
			q.sel = selectWith(withID(o.Select), keep)
			q.lean = o.Lean
			if o.Limit > 0 {
				q.Limit(o.Limit)
			}
			docs, err := q.All(ctx)
			if err != nil {
				return nil, err
			}
			out := make([]any, len(docs))
			for i, d := range docs {
				out[i] = d
			}
			return out, nil
		},
		count: func(ctx context.Context, filter bson.D, field string, isArray bool) (map[any]int64, error) {
			return m.countBy(ctx, filter, field, isArray)
		},
		populate: func(ctx context.Context, docs []any, paths []PopulateOpts) error {
			typed := make([]*T, len(docs))
			for i, d := range docs {
				typed[i] = d.(*T)
			}
			return m.Populate(ctx, typed, paths...)
		},
		hydrate: func(raw bson.Raw, lean bool) (any, error) {
			if lean {
				doc := new(T)
				if err := bson.Unmarshal(raw, doc); err != nil {
					return nil, errorf("decode %s: %w", m.name, err)
				}
				return doc, nil
			}
			return m.Hydrate(raw)
		},
		castFilter: m.filter,
		scope: func(ctx context.Context, e Event, f bson.D) (bson.D, error) {
			op := m.newOp(e)
			op.Filter = f
			err := m.run(ctx, true, op)
			return op.Filter, err
		},
		project: func(sel string, keep []string) bson.D {
			q := &Query[T]{m: m, sel: selectWith(withID(sel), keep)}
			return q.projection()
		},
	}
}

// selectWith adds the keep paths to an inclusion projection (an exclusion
// or empty one already has them).
func selectWith(sel string, keep []string) []string {
	fs := strings.Fields(sel)
	inclusion := false
	for _, f := range fs {
		if !strings.HasPrefix(f, "-") && !strings.HasPrefix(f, "+") {
			inclusion = true
		}
	}
	if !inclusion {
		return fs
	}
	have := map[string]bool{}
	for _, f := range fs {
		have[f] = true
	}
	for _, k := range keep {
		if k != "_id" && !have[k] {
			fs = append(fs, k)
			have[k] = true
		}
	}
	return fs
}

// keepPaths are the fields of From's documents that populate reads: the
// foreign field of a virtual and the top-level fields nested populate
// walks.
func (o *PopulateOpts) keepPaths() []string {
	var keep []string
	if o.virtual() {
		keep = append(keep, o.ForeignField)
	}
	for _, n := range o.Populate {
		if n.virtual() {
			lf := n.LocalField
			if lf == "" {
				lf = "_id"
			}
			keep = append(keep, lf)
		} else {
			keep = append(keep, n.Path)
		}
	}
	return keep
}

// Populate fills the given paths of docs (Mongoose's Model.populate): one
// query per path, whatever the number of documents, then one per nested
// path. Missing references populate as empty (a nil Doc, absent from
// Docs), never as errors. Populated documents are hydrated, so they can be
// changed and saved through their model; saving a parent stores only the
// reference IDs.
func (m *Model[T]) Populate(ctx context.Context, docs []*T, paths ...PopulateOpts) error {
	if m == nil {
		return ErrNoDatabase
	}
	if m.isMap {
		return &PopulateError{Msg: "populate needs a struct model, not " + reflect.TypeFor[T]().String()}
	}
	vals := make([]reflect.Value, len(docs))
	for i, d := range docs {
		if d != nil {
			vals[i] = reflect.ValueOf(d).Elem()
		}
	}
	for i := range paths {
		if err := populatePath(ctx, m.schema, vals, &paths[i], nil); err != nil {
			return err
		}
	}
	m.markVirtuals(docs, paths)
	return nil
}

// markVirtuals records that the virtual paths were populated on docs.
func (m *Model[T]) markVirtuals(docs []*T, paths []PopulateOpts) {
	var names []string
	for i := range paths {
		if paths[i].virtual() {
			names = append(names, paths[i].Path)
		}
	}
	if len(names) == 0 {
		return
	}
	for _, d := range docs {
		if d == nil {
			continue
		}
		m.populatedVirtuals.update(d, func(cur map[string]bool, _ bool) map[string]bool {
			next := make(map[string]bool, len(cur)+len(names))
			for k := range cur {
				next[k] = true
			}
			for _, n := range names {
				next[n] = true
			}
			return next
		})
	}
}

// lookupResult carries, per parent document, the documents a $lookup
// returned for a path; nil means "query the server".
type lookupResult struct {
	perDoc [][]any
	counts []int64
}

func checkSource(o *PopulateOpts) (popSource, error) {
	if o.From == nil {
		return popSource{}, &PopulateError{Path: o.Path, Msg: "From (the referenced model) is required"}
	}
	if o.Path == "" {
		return popSource{}, &PopulateError{Msg: "Path is required"}
	}
	if o.Limit < 0 || o.PerDocumentLimit < 0 {
		return popSource{}, &PopulateError{Path: o.Path, Msg: "limits must not be negative"}
	}
	return o.From.populateSource(), nil
}

func populatePath(ctx context.Context, parent *Schema, docs []reflect.Value, o *PopulateOpts, lr *lookupResult) error {
	if o.Sort != "" && inDocArray(parent, o.Path) {
		// As Mongoose: one query cannot order references spread over the
		// elements of several arrays.
		return &PopulateError{Path: o.Path, Msg: "cannot populate with Sort: the path is inside an array of subdocuments"}
	}
	if o.dynamic() {
		if o.Path == "" {
			return &PopulateError{Msg: "Path is required"}
		}
		if lr != nil {
			return &PopulateError{Path: o.Path, Msg: "the Lookup strategy cannot populate a refPath reference; use Batched"}
		}
		rp := refPathOf(parent, o)
		if rp == "" {
			return &PopulateError{Path: o.Path, Msg: "Models is for a refPath reference, and the path has no refPath"}
		}
		return populateDynamic(ctx, docs, o, rp)
	}
	if rp := refPathOf(parent, o); rp != "" {
		return &PopulateError{Path: o.Path, Msg: fmt.Sprintf("the path's model is named at %q (refPath): list the models it may name in Models", rp)}
	}
	src, err := checkSource(o)
	if err != nil {
		return err
	}
	if o.virtual() {
		return populateVirtual(ctx, docs, o, src, lr)
	}
	if p, _, _ := parent.resolve(o.Path); p != nil && p.Ref != "" && p.Ref != src.name {
		return &PopulateError{Path: o.Path, Msg: fmt.Sprintf("the schema says ref=%s but From is model %s", p.Ref, src.name)}
	}
	// Collect the reference slots of every document.
	type slot struct {
		doc int
		refSlot
	}
	var slots []slot
	seen := map[bson.ObjectID]bool{}
	var ids bson.A
	for i, d := range docs {
		if !d.IsValid() {
			continue
		}
		targets, err := walkPath(d, o.Path)
		if err != nil {
			return &PopulateError{Path: o.Path, Msg: err.Error()}
		}
		for _, t := range targets {
			h, ok := t.Addr().Interface().(refHolder)
			if !ok {
				return &PopulateError{Path: o.Path, Msg: fmt.Sprintf("field is %s, want odm.Ref or odm.Refs", t.Type())}
			}
			if et := t.Interface().(refType).refElem(); et != src.typ {
				return &PopulateError{Path: o.Path, Msg: fmt.Sprintf("field refers to %s but From is a model of %s", et, src.typ)}
			}
			s := h.refSlot()
			slots = append(slots, slot{doc: i, refSlot: s})
			for _, id := range s.ids {
				if !id.IsZero() && !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
	}
	var found []any
	switch {
	case lr != nil:
		for _, ds := range lr.perDoc {
			found = append(found, ds...)
		}
	case len(ids) > 0:
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
		if filter, err = withMatch(src, filter, o.Match); err != nil {
			return err
		}
		qo := *o
		if o.Limit > 0 {
			// Mongoose multiplies the limit by the number of parent
			// documents, then keeps at most Limit per document.
			parents := map[int]bool{}
			for _, s := range slots {
				parents[s.doc] = true
			}
			qo.Limit = o.Limit * int64(len(parents))
		}
		if found, err = src.find(ctx, filter, &qo, o.keepPaths()); err != nil {
			return err
		}
	}
	if len(o.Populate) > 0 && len(found) > 0 {
		if err := src.populate(ctx, found, o.Populate); err != nil {
			return err
		}
	}
	byID := make(map[bson.ObjectID]any, len(found))
	pos := make(map[bson.ObjectID]int, len(found))
	for i, f := range found {
		id := idOf(reflect.ValueOf(f).Elem())
		if _, dup := byID[id]; !dup {
			byID[id], pos[id] = f, i
		}
	}
	for _, s := range slots {
		candidates := byID
		if lr != nil {
			candidates = map[bson.ObjectID]any{}
			for _, f := range lr.perDoc[s.doc] {
				candidates[idOf(reflect.ValueOf(f).Elem())] = f
			}
		}
		var out []any
		if s.many && lr == nil && o.Sort != "" && o.RetainNullValues && o.PerDocumentLimit == 0 {
			out = sortedRetainingNulls(s.ids, byID, pos)
		} else if s.many && lr == nil && (o.Sort != "" || o.PerDocumentLimit > 0) {
			// Query order, restricted to this slot's IDs: Mongoose's
			// per-document query (perDocumentLimit) or its sorted result.
			want := map[bson.ObjectID]bool{}
			for _, id := range s.ids {
				want[id] = true
			}
			for _, f := range found {
				if id := idOf(reflect.ValueOf(f).Elem()); want[id] {
					out = append(out, f)
					delete(want, id)
				}
			}
			if o.PerDocumentLimit > 0 && int64(len(out)) > o.PerDocumentLimit {
				out = out[:o.PerDocumentLimit]
			}
			if o.Sort == "" { // unsorted: back in the order of the IDs
				kept := make(map[bson.ObjectID]any, len(out))
				for _, f := range out {
					kept[idOf(reflect.ValueOf(f).Elem())] = f
				}
				out = inIDOrder(s.ids, kept, o.RetainNullValues)
			}
		} else {
			out = inIDOrder(s.ids, candidates, s.many && o.RetainNullValues)
			if s.many && o.Sort != "" { // $lookup results: keep the server's order
				out = orderBy(out, lr.perDoc[s.doc])
			}
		}
		if s.many && o.PerDocumentLimit > 0 && int64(len(out)) > o.PerDocumentLimit {
			out = out[:o.PerDocumentLimit]
		}
		if s.many && o.Limit > 0 && lr == nil && int64(len(out)) > o.Limit {
			out = out[:o.Limit]
		}
		s.set(out, popMark{lean: o.Lean, noID: excludesID(o.Select)})
	}
	return nil
}

// sortedRetainingNulls places each document found for ids at its index in
// the sorted query result (shared by all parents), and a nil for each
// missing ID at the end of what is placed so far, as Mongoose 9 does for
// a sorted populate with retainNullValues; the gaps left become nil too.
// So an ID repeated is populated once, and the documents keep the sort's
// order.
func sortedRetainingNulls(ids []bson.ObjectID, byID map[bson.ObjectID]any, pos map[bson.ObjectID]int) []any {
	var out []any
	for _, id := range ids {
		f, ok := byID[id]
		if !ok {
			out = append(out, nil)
			continue
		}
		i := pos[id]
		for len(out) <= i {
			out = append(out, nil)
		}
		out[i] = f
	}
	return out
}

// withID drops "-_id" from a populate select: populate matches the
// documents on _id, so it always reads it (ToObject leaves it out).
func withID(sel string) string {
	if !excludesID(sel) {
		return sel
	}
	var fs []string
	for _, f := range strings.Fields(sel) {
		if f != "-_id" {
			fs = append(fs, f)
		}
	}
	return strings.Join(fs, " ")
}

// excludesID reports a select that leaves _id out ("name -_id"): populate
// still reads _id, to match the documents, and ToObject leaves it out.
func excludesID(sel string) bool {
	for _, f := range strings.Fields(sel) {
		if f == "-_id" {
			return true
		}
	}
	return false
}

// inIDOrder returns the documents of ids found in byID, in the order of
// ids, repeated where an ID is (Mongoose populates every occurrence); a
// missing one is left out, or a nil entry with retainNull.
func inIDOrder(ids []bson.ObjectID, byID map[bson.ObjectID]any, retainNull bool) []any {
	var out []any
	for _, id := range ids {
		if f, ok := byID[id]; ok {
			out = append(out, f)
		} else if retainNull {
			out = append(out, nil)
		}
	}
	return out
}

// orderBy returns the elements of docs in the order they have in order.
func orderBy(docs, order []any) []any {
	in := map[any]bool{}
	for _, d := range docs {
		in[d] = true
	}
	out := make([]any, 0, len(docs))
	for _, d := range order {
		if in[d] {
			out = append(out, d)
		}
	}
	return out
}

func withMatch(src popSource, filter bson.D, match any) (bson.D, error) {
	if match != nil {
		mf, err := toD(match)
		if err != nil {
			return nil, err
		}
		if len(mf) > 0 {
			filter = bson.D{{Key: "$and", Value: bson.A{filter, mf}}}
		}
	}
	// Cast and vet the whole filter against the referenced schema (Match
	// may come from user input).
	return src.castFilter(filter)
}

// idOf returns the ObjectID _id of a struct document.
func idOf(v reflect.Value) bson.ObjectID {
	if idx := fieldIndex(v.Type(), "_id"); idx != nil {
		if id, ok := deref(v.FieldByIndex(idx)).Interface().(bson.ObjectID); ok {
			return id
		}
	}
	return bson.ObjectID{}
}

// walkPath returns the addressable values at a dotted BSON path of a
// struct document, flattening slices and following pointers. A nil
// pointer or missing subdocument yields nothing.
func walkPath(v reflect.Value, path string) ([]reflect.Value, error) {
	cur := []reflect.Value{v}
	for _, seg := range strings.Split(path, ".") {
		var next []reflect.Value
		for _, c := range cur {
			for _, e := range flatten(c) {
				if e.Kind() != reflect.Struct {
					return nil, fmt.Errorf("%q is in a %s, not a subdocument", seg, e.Type())
				}
				if e.Type().Implements(typeRefType) {
					return nil, fmt.Errorf("cannot walk through a reference at %q: populate it with a nested Populate", seg)
				}
				idx := fieldIndex(e.Type(), seg)
				if idx == nil {
					return nil, fmt.Errorf("%s has no field stored as %q", e.Type(), seg)
				}
				next = append(next, e.FieldByIndex(idx))
			}
		}
		cur = next
	}
	var out []reflect.Value
	for _, c := range cur {
		for c.Kind() == reflect.Pointer {
			if c.IsNil() {
				c = reflect.Value{}
				break
			}
			c = c.Elem()
		}
		if !c.IsValid() {
			continue
		}
		if c.Kind() == reflect.Slice && c.Type().Elem().Implements(typeRefType) {
			for i := 0; i < c.Len(); i++ {
				out = append(out, c.Index(i))
			}
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// flatten follows pointers and expands slices of subdocuments.
func flatten(v reflect.Value) []reflect.Value {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
		if v.Type().Elem().Implements(typeRefType) {
			return []reflect.Value{v}
		}
		var out []reflect.Value
		for i := 0; i < v.Len(); i++ {
			out = append(out, flatten(v.Index(i))...)
		}
		return out
	}
	return []reflect.Value{v}
}

// inDocArray reports whether path lies inside an array of subdocuments
// of s (sections.owner of sections: [{owner}]).
func inDocArray(s *Schema, path string) bool {
	if s == nil {
		return false
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		if p, _, _ := s.resolve(path[:i]); p != nil && p.Type == TypeArray && p.Elem != nil && p.Elem.Type == TypeSubdoc {
			return true
		}
	}
	return false
}
