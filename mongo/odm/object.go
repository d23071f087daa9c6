package odm

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Getter transforms a stored value on the way out (Mongoose's get):
// ToObject and ToJSON apply it when asked with ObjectOpts.Getters.
type Getter func(v any) any

// Setter transforms an input value before it is cast (Mongoose's set): it
// runs in Cast, CastJSON and on update values ($set, $setOnInsert, $push
// elements...), before casting and validation, as Mongoose's setters do.
// A Go struct assigned in code does not pass through it.
type Setter func(v any) any

// Get adds a getter to the path (getters run in declaration order).
func (p *Path) Get(fn Getter) *Path {
	if fn != nil {
		p.getters = append(p.getters, fn)
	}
	return p
}

// Set adds a setter to the path. As in Mongoose, setters run in reverse
// declaration order, before the value is cast.
func (p *Path) Set(fn Setter) *Path {
	if fn != nil {
		p.setters = append(p.setters, fn)
	}
	return p
}

// applySetters runs the path's setters on an input value.
func (p *Path) applySetters(v any) any {
	for i := len(p.setters) - 1; i >= 0; i-- {
		v = p.setters[i](v)
	}
	return v
}

// ObjectOpts are Mongoose's toObject/toJSON options. The options of a
// call merge over the model's defaults (SetToObject, SetToJSON), as in
// Mongoose: a field set in the call wins, the others keep the default's
// value; the No* fields are Mongoose's explicit false.
type ObjectOpts struct {
	// Virtuals adds the model's virtuals and the id virtual (the _id's
	// hex string, unless NoID); given in the call (not by a default), also
	// the id of every subdocument that has an _id, as in Mongoose.
	Virtuals bool
	// NoVirtuals leaves virtuals out, also with Getters or a default's
	// Virtuals (Mongoose's virtuals: false).
	NoVirtuals bool
	// Getters applies the paths' getters; as in Mongoose it also adds the
	// virtuals unless NoVirtuals.
	Getters bool
	// NoGetters overrides a default's Getters (Mongoose's getters: false).
	NoGetters bool
	// NoID leaves the id virtual out (Mongoose's id: false).
	NoID bool
	// HideVersion leaves the version key out (Mongoose's versionKey: false).
	HideVersion bool
	// KeepEmpty keeps empty objects (Mongoose's minimize: false). By
	// default, as Mongoose, empty subdocuments and empty objects in Mixed
	// paths are left out; empty maps and arrays stay.
	KeepEmpty bool
	// Minimize drops empty objects even where the schema
	// (SchemaOpts.KeepEmpty) or a default keeps them (Mongoose's
	// minimize: true); KeepEmpty wins when both are set.
	Minimize bool
	// Transform edits the result last; delete keys from ret to hide them
	// (Mongoose's transform). Given in the call, it runs on every
	// subdocument too, innermost first, as in Mongoose: there doc is the
	// subdocument as a map[string]any (before the transform), and the
	// document *T last. A default's Transform (SetToJSON) runs on the
	// document only.
	Transform func(doc any, ret map[string]any)
	// NoTransform turns off a default's Transform (Mongoose's
	// transform: false).
	NoTransform bool
	// ShowVersion keeps the version key where a default hides it
	// (Mongoose's versionKey: true in a call).
	ShowVersion bool
	// NoAliases leaves the aliases out of the virtuals (Mongoose's
	// aliases: false). With virtuals, each path's alias is a key of its
	// own with the path's value, in subdocuments too, as in Mongoose.
	NoAliases bool
	// FlattenObjectIDs renders every ObjectID as its hex string
	// (Mongoose's flattenObjectIds).
	FlattenObjectIDs bool
	// Depopulate renders populated references (Ref, Refs, DynRef) as
	// their IDs (Mongoose's depopulate); populated virtuals stay.
	Depopulate bool
}

// merge returns the options of a call merged over the defaults d.
func (d *ObjectOpts) merge(call *ObjectOpts) ObjectOpts {
	var o ObjectOpts
	if d != nil {
		o = *d
	}
	if call == nil {
		return o
	}
	if call.Virtuals {
		o.Virtuals, o.NoVirtuals = true, false
	}
	if call.NoVirtuals {
		o.Virtuals, o.NoVirtuals = false, true
	}
	if call.Getters {
		o.Getters, o.NoGetters = true, false
	}
	if call.NoGetters {
		o.Getters, o.NoGetters = false, true
	}
	o.NoID = o.NoID || call.NoID
	o.HideVersion = o.HideVersion || call.HideVersion
	if call.ShowVersion {
		o.HideVersion = false
	}
	o.NoAliases = o.NoAliases || call.NoAliases
	o.FlattenObjectIDs = o.FlattenObjectIDs || call.FlattenObjectIDs
	o.Depopulate = o.Depopulate || call.Depopulate
	switch {
	case call.KeepEmpty:
		o.KeepEmpty, o.Minimize = true, false
	case call.Minimize:
		o.KeepEmpty, o.Minimize = false, true
	}
	if call.Transform != nil {
		o.Transform = call.Transform
	}
	if call.NoTransform {
		o.Transform = nil
	}
	return o
}

// schemaObjectOpts merges the defaults d (SetToObject or SetToJSON) over
// what the schema itself gives toObject and toJSON (minimize); a call's
// options merge over the result.
func (m *Model[T]) schemaObjectOpts(d *ObjectOpts) *ObjectOpts {
	o := (&ObjectOpts{KeepEmpty: m.schema.opts.KeepEmpty}).merge(d)
	return &o
}

type objectDefaults struct {
	mu             sync.RWMutex
	toObj, toJSON_ *ObjectOpts
}

// SetToObject sets the default options of ToObject (Mongoose's
// schema.set('toObject', ...)); a call's options merge over them.
func (m *Model[T]) SetToObject(o *ObjectOpts) {
	if m == nil {
		return
	}
	m.objDefaults.mu.Lock()
	m.objDefaults.toObj = o
	m.objDefaults.mu.Unlock()
}

// SetToJSON sets the default options of ToJSON (Mongoose's
// schema.set('toJSON', ...)); a call's options merge over them. They do
// not apply to ToObject, nor SetToObject's to ToJSON.
func (m *Model[T]) SetToJSON(o *ObjectOpts) {
	if m == nil {
		return
	}
	m.objDefaults.mu.Lock()
	m.objDefaults.toJSON_ = o
	m.objDefaults.mu.Unlock()
}

// ToObject returns doc as a map keyed by stored field names, as Mongoose's
// toObject: subdocuments are maps, arrays []any, dates time.Time,
// ObjectIDs and Decimal128 values as stored, empty subdocuments left out;
// o adds virtuals, applies getters, hides the version key and transforms
// the result.
func (m *Model[T]) ToObject(doc *T, o *ObjectOpts) (map[string]any, error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	m.objDefaults.mu.RLock()
	base := m.schemaObjectOpts(m.objDefaults.toObj)
	opts := base.merge(o)
	m.objDefaults.mu.RUnlock()
	return m.toObject(doc, &opts, o)
}

// ToJSON renders doc as Mongoose's toJSON: the object of ToObject (with
// the defaults of SetToJSON) as JSON, as JSON.stringify writes it:
// ObjectIDs are hex strings, dates ISO 8601 in UTC with milliseconds
// (Date#toISOString), Decimal128 values {"$numberDecimal": "1.50"}.
func (m *Model[T]) ToJSON(doc *T, o *ObjectOpts) ([]byte, error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	m.objDefaults.mu.RLock()
	base := m.schemaObjectOpts(m.objDefaults.toJSON_)
	opts := base.merge(o)
	m.objDefaults.mu.RUnlock()
	obj, err := m.toObject(doc, &opts, o)
	if err != nil {
		return nil, err
	}
	return json.Marshal(jsonValue(obj))
}

// toObject renders doc with o, the call's options merged over the
// defaults; call is what the call gave (nil for none). As in Mongoose,
// the defaults' virtuals and transform apply to the document only, the
// call's to every subdocument too.
func (m *Model[T]) toObject(doc *T, o, call *ObjectOpts) (map[string]any, error) {
	if doc == nil {
		return nil, nilDocErr(m.name, "ToObject")
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil, errorf("encode %s: %w", m.name, err)
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, errorf("decode %s: %w", m.name, err)
	}
	ret := plainObject(d)
	if call == nil {
		call = &ObjectOpts{}
	}
	w := objectWalk{o: o, transform: call.Transform}
	w.getters = o.Getters && !o.NoGetters
	w.subVirtuals = (call.Virtuals || w.getters) && !call.NoVirtuals
	w.fields(m.schema, ret)
	if rv := reflect.ValueOf(doc).Elem(); rv.Kind() == reflect.Struct {
		if err := w.populated(rv, ret); err != nil {
			return nil, errorf("%s: %w", m.name, err)
		}
	}
	if o.HideVersion {
		if vk := m.schema.versionKey(); vk != "" {
			delete(ret, vk)
		}
	}
	if (o.Virtuals || w.getters) && !o.NoVirtuals {
		if id, ok := ret["_id"].(bson.ObjectID); ok && !o.NoID {
			ret["id"] = id.Hex()
		}
		if !o.NoAliases {
			aliases(m.schema, ret)
		}
		for _, v := range m.virts {
			ret[v.name] = v.get(doc)
		}
		if rv := reflect.ValueOf(doc).Elem(); rv.Kind() == reflect.Struct {
			marks, _ := m.populatedVirtuals.get(doc)
			if err := w.virtualFields(rv, ret, marks); err != nil {
				return nil, errorf("%s: %w", m.name, err)
			}
		}
	}
	if o.FlattenObjectIDs {
		flattenObjectIDs(ret)
	}
	if o.Transform != nil {
		o.Transform(doc, ret)
	}
	return ret, nil
}

// aliases adds the alias of each path of s present in obj as a key of its
// own, as Mongoose's alias virtuals appear with virtuals.
func aliases(s *Schema, obj map[string]any) {
	for _, p := range s.paths {
		if p.Alias == "" {
			continue
		}
		if v, ok := obj[p.Name]; ok {
			obj[p.Alias] = v
		}
	}
}

// flattenObjectIDs replaces every ObjectID in v (maps and slices) with
// its hex string.
func flattenObjectIDs(v any) any {
	return mapLeaves(v, func(x any) any {
		if id, ok := x.(bson.ObjectID); ok {
			return id.Hex()
		}
		return x
	})
}

// mapLeaves replaces in place, through maps and slices, every other value
// x of v with f(x).
func mapLeaves(v any, f func(any) any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = mapLeaves(e, f)
		}
		return v
	case []any:
		for i, e := range x {
			x[i] = mapLeaves(e, f)
		}
		return v
	}
	return f(v)
}

// objectWalk applies getters, the id virtual of subdocuments, transforms
// and minimize through a document, innermost first, as Mongoose's
// $toObject does for each subdocument.
type objectWalk struct {
	o                    *ObjectOpts
	getters, subVirtuals bool
	noID                 bool                              // populated documents: leave _id out
	transform            func(doc any, ret map[string]any) // the call's
}

// fields processes the fields of obj, an object of schema s, and leaves
// out the empty objects (unless KeepEmpty).
func (w *objectWalk) fields(s *Schema, obj map[string]any) {
	for k, v := range obj {
		p := s.byName[k]
		if p == nil {
			if !w.o.KeepEmpty {
				if m, ok := v.(map[string]any); ok && minimizeObject(m) {
					delete(obj, k)
				}
			}
			continue
		}
		v = w.value(p, v)
		if m, ok := v.(map[string]any); ok && !w.o.KeepEmpty && p.Type != TypeMap && minimizeObject(m) {
			delete(obj, k)
			continue
		}
		obj[k] = v
	}
}

// value processes the value of path p.
func (w *objectWalk) value(p *Path, v any) any {
	switch {
	case p.Type == TypeSubdoc && p.Schema != nil:
		if m, ok := v.(map[string]any); ok {
			w.subdoc(p.Schema, m)
		}
	case (p.Type == TypeArray || p.Type == TypeMap) && p.Elem != nil:
		switch x := v.(type) {
		case []any:
			for i := range x {
				x[i] = w.value(p.Elem, x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = w.value(p.Elem, x[k])
			}
		}
	}
	if w.getters {
		for _, g := range p.getters {
			v = g(v)
		}
	}
	return v
}

// subdoc processes a subdocument: its fields, its id virtual, the
// transform.
func (w *objectWalk) subdoc(s *Schema, obj map[string]any) {
	w.fields(s, obj)
	if w.subVirtuals && !w.o.NoID && s.byName["_id"] != nil {
		if id, ok := obj["_id"].(bson.ObjectID); ok {
			obj["id"] = id.Hex()
		}
	}
	if w.subVirtuals && !w.o.NoAliases {
		aliases(s, obj)
	}
	if w.transform != nil {
		before := make(map[string]any, len(obj))
		for k, v := range obj {
			before[k] = v
		}
		w.transform(before, obj)
	}
}

// populatedRef is implemented by Ref and Refs.
// populatedDocs returns the documents, whether they were read lean, and
// whether the reference was populated at all.
type populatedRef interface {
	populatedDocs() (docs any, mark popMark, ok bool)
}

// populated puts the documents of the populated references of the struct
// v in place of their IDs in obj (through subdocuments and arrays of
// them), as Mongoose's toObject and toJSON do unless depopulate: a
// missing document is null, and with virtuals each has its id.
func (w *objectWalk) populated(v reflect.Value, obj map[string]any) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, inline, skip := bsonName(f)
		if skip {
			continue
		}
		fv := v.Field(i)
		if inline {
			if fv.Kind() == reflect.Struct {
				if err := w.populated(fv, obj); err != nil {
					return err
				}
			}
			continue
		}
		if r, ok := fv.Interface().(populatedRef); ok {
			docs, mark, ok := r.populatedDocs()
			if !ok {
				continue
			}
			if w.o.Depopulate {
				out, err := depopulated(docs)
				if err != nil {
					return err
				}
				obj[name] = out
				continue
			}
			pw := *w
			pw.noID = mark.noID
			if mark.lean { // lean documents are plain objects: no id virtual
				pw.subVirtuals = false
			}
			out, err := pw.populatedValue(docs)
			if err != nil {
				return err
			}
			obj[name] = out
			continue
		}
		if err := w.populatedIn(fv, obj[name]); err != nil {
			return err
		}
	}
	return nil
}

// depopulated is what Mongoose's depopulate makes of a populated path:
// each document found becomes its _id (a missing single reference stays
// null, missing array entries stay out, as populate left them).
func depopulated(docs any) (any, error) {
	return eachPopulated(docs, func(doc any) (any, error) {
		if rv := reflect.ValueOf(doc); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil, nil
		}
		obj, err := bsonObject(doc)
		if err != nil {
			return nil, err
		}
		return obj["_id"], nil
	})
}

// eachPopulated applies f to the populated document docs, or to each
// document of a list of them; nil stays nil.
func eachPopulated(docs any, f func(doc any) (any, error)) (any, error) {
	switch x := docs.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]any, len(x))
		for i, d := range x {
			o, err := eachPopulated(d, f)
			if err != nil {
				return nil, err
			}
			out[i] = o
		}
		return out, nil
	}
	return f(docs)
}

// bsonObject is v as it is stored, as a map (plainObject of its BSON).
func bsonObject(v any) (map[string]any, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, err
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	return plainObject(d), nil
}

// populatedIn follows a subdocument or an array of them.
func (w *objectWalk) populatedIn(fv reflect.Value, o any) error {
	for fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Interface {
		if fv.IsNil() {
			return nil
		}
		fv = fv.Elem()
	}
	switch fv.Kind() {
	case reflect.Struct:
		if m, ok := o.(map[string]any); ok {
			return w.populated(fv, m)
		}
	case reflect.Slice, reflect.Array:
		if arr, ok := o.([]any); ok && fv.Len() == len(arr) {
			for i := range arr {
				if err := w.populatedIn(fv.Index(i), arr[i]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// virtualFields renders the populate virtuals of the struct v (fields
// tagged odm:"virtual=name") into obj, as Mongoose's toObject/toJSON with
// virtuals: those Populate filled (marks) always (a justOne that found
// nothing as null, a count as a number), others only when they hold
// something (a non-nil slice or pointer: documents populated as nested
// paths carry no marks). An unpopulated virtual is left out.
func (w *objectWalk) virtualFields(v reflect.Value, obj map[string]any, marks map[string]bool) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := virtualName(t.Field(i))
		if name == "" {
			continue
		}
		fv, filled := v.Field(i), marks[name]
		switch fv.Kind() {
		case reflect.Slice:
			if fv.IsNil() && !filled {
				continue
			}
			docs := make([]any, fv.Len())
			for j := range docs {
				e := fv.Index(j)
				if e.Kind() != reflect.Pointer {
					e = e.Addr()
				}
				docs[j] = e.Interface()
			}
			out, err := w.populatedValue(docs)
			if err != nil {
				return err
			}
			obj[name] = out
		case reflect.Pointer:
			if fv.IsNil() {
				if filled {
					obj[name] = nil
				}
				continue
			}
			out, err := w.populatedValue(fv.Interface())
			if err != nil {
				return err
			}
			obj[name] = out
		default:
			if filled && fv.CanInt() {
				obj[name] = fv.Int()
			} else if filled && fv.CanUint() {
				obj[name] = int64(fv.Uint())
			}
		}
	}
	return nil
}

// populatedValue renders populated documents as objects.
func (w *objectWalk) populatedValue(docs any) (any, error) {
	return eachPopulated(docs, w.populatedDoc)
}

// populatedDoc renders one populated document as an object.
func (w *objectWalk) populatedDoc(docs any) (any, error) {
	obj, err := bsonObject(docs)
	if err != nil {
		return nil, err
	}
	// References populated inside the document (nested populate).
	if rv := reflect.ValueOf(docs); rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct {
		inner := *w
		inner.noID = false
		if err := inner.populated(rv.Elem(), obj); err != nil {
			return nil, err
		}
	}
	if w.noID {
		delete(obj, "_id")
	}
	if !w.o.KeepEmpty {
		minimizeObject(obj)
	}
	if w.subVirtuals && !w.o.NoID {
		if id, ok := obj["_id"].(bson.ObjectID); ok {
			obj["id"] = id.Hex()
		}
	}
	return obj, nil
}

// minimizeObject drops the empty objects inside m, as Mongoose's minimize
// does with plain objects, and reports whether m is empty then.
func minimizeObject(m map[string]any) bool {
	for k, v := range m {
		if x, ok := v.(map[string]any); ok && minimizeObject(x) {
			delete(m, k)
		}
	}
	return len(m) == 0
}

// jsonValue turns the values of an object into what JSON.stringify writes
// for them in Mongoose: Dates through toISOString, Decimal128 through its
// toJSON.
func jsonValue(v any) any {
	return mapLeaves(v, func(v any) any {
		switch x := v.(type) {
		case time.Time:
			return isoString(x)
		case bson.Decimal128:
			return map[string]string{"$numberDecimal": x.String()}
		}
		return v
	})
}

// isoString is JavaScript's Date#toISOString: UTC, milliseconds, and
// six-digit signed years outside 0..9999.
func isoString(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		sign := "+"
		if y < 0 {
			sign, y = "-", -y
		}
		return fmt.Sprintf("%s%06d%s", sign, y, t.Format("-01-02T15:04:05.000Z"))
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// plainObject turns decoded BSON into maps, slices and Go values.
func plainObject(d bson.D) map[string]any {
	out := make(map[string]any, len(d))
	for _, e := range d {
		out[e.Key] = plainValue(e.Value)
	}
	return out
}

func plainValue(v any) any {
	switch x := v.(type) {
	case bson.D:
		return plainObject(x)
	case bson.A:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e)
		}
		return out
	case bson.DateTime:
		return x.Time().UTC()
	}
	return v
}
