package odm

import (
	"encoding/json"
	"sync"

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

// ObjectOpts are Mongoose's toObject/toJSON options.
type ObjectOpts struct {
	// Virtuals adds the model's virtuals and the id virtual (the _id's
	// hex string, unless NoID).
	Virtuals bool
	// Getters applies the paths' getters.
	Getters bool
	// NoID leaves the id virtual out (Mongoose's id: false).
	NoID bool
	// HideVersion leaves the version key out (Mongoose's versionKey: false).
	HideVersion bool
	// Transform edits the result last; delete keys from ret to hide them
	// (Mongoose's transform).
	Transform func(doc any, ret map[string]any)
}

type objectDefaults struct {
	mu             sync.RWMutex
	toObj, toJSON_ *ObjectOpts
}

// SetToObject sets the options ToObject uses when called with nil
// (Mongoose's schema.set('toObject', ...)).
func (m *Model[T]) SetToObject(o *ObjectOpts) {
	m.objDefaults.mu.Lock()
	m.objDefaults.toObj = o
	m.objDefaults.mu.Unlock()
}

// SetToJSON sets the options ToJSON uses when called with nil
// (Mongoose's schema.set('toJSON', ...)).
func (m *Model[T]) SetToJSON(o *ObjectOpts) {
	m.objDefaults.mu.Lock()
	m.objDefaults.toJSON_ = o
	m.objDefaults.mu.Unlock()
}

// ToObject returns doc as a map keyed by stored field names, as Mongoose's
// toObject: subdocuments are maps, arrays []any, dates time.Time,
// ObjectIDs and Decimal128 values as stored; o adds virtuals, applies
// getters, hides the version key and transforms the result.
func (m *Model[T]) ToObject(doc *T, o *ObjectOpts) (map[string]any, error) {
	if o == nil {
		m.objDefaults.mu.RLock()
		o = m.objDefaults.toObj
		m.objDefaults.mu.RUnlock()
	}
	return m.toObject(doc, o)
}

// ToJSON renders doc as Mongoose's toJSON: the object of ToObject (with
// the options set by SetToJSON when o is nil) as JSON; ObjectIDs are hex
// strings, dates ISO 8601 in UTC, Decimal128 values exact decimal strings.
func (m *Model[T]) ToJSON(doc *T, o *ObjectOpts) ([]byte, error) {
	if o == nil {
		m.objDefaults.mu.RLock()
		o = m.objDefaults.toJSON_
		m.objDefaults.mu.RUnlock()
	}
	obj, err := m.toObject(doc, o)
	if err != nil {
		return nil, err
	}
	return json.Marshal(obj)
}

func (m *Model[T]) toObject(doc *T, o *ObjectOpts) (map[string]any, error) {
	if doc == nil {
		return nil, errorf("%s: ToObject of a nil document", m.name)
	}
	if o == nil {
		o = &ObjectOpts{}
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
	if o.Getters {
		m.schema.applyGetters(ret)
	}
	if o.HideVersion {
		if vk := m.schema.versionKey(); vk != "" {
			delete(ret, vk)
		}
	}
	if o.Virtuals {
		if id, ok := ret["_id"].(bson.ObjectID); ok && !o.NoID {
			ret["id"] = id.Hex()
		}
		for _, v := range m.virts {
			ret[v.name] = v.get(doc)
		}
	}
	if o.Transform != nil {
		o.Transform(doc, ret)
	}
	return ret, nil
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

// applyGetters runs the getters of s's paths on obj, through subdocuments,
// arrays and maps.
func (s *Schema) applyGetters(obj map[string]any) {
	for _, p := range s.paths {
		if v, ok := obj[p.Name]; ok {
			obj[p.Name] = p.applyGetters(v)
		}
	}
}

func (p *Path) applyGetters(v any) any {
	switch {
	case p.Type == TypeSubdoc && p.Schema != nil:
		if m, ok := v.(map[string]any); ok {
			p.Schema.applyGetters(m)
		}
	case (p.Type == TypeArray || p.Type == TypeMap) && p.Elem != nil:
		switch x := v.(type) {
		case []any:
			for i := range x {
				x[i] = p.Elem.applyGetters(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = p.Elem.applyGetters(x[k])
			}
		}
	}
	for _, g := range p.getters {
		v = g(v)
	}
	return v
}
