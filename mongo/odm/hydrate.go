package odm

import (
	"reflect"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// selector reports whether a dotted schema path (array indexes left out)
// is selected by a query's projection; a nil selector selects every path.
type selector func(path string) bool

// projSelector is the selector of a projection as Query.projection builds
// it: an inclusion selects its paths and everything under them, an
// exclusion everything else. _id does not decide the projection's kind.
func projSelector(proj bson.D) selector {
	if len(proj) == 0 {
		return nil
	}
	incl := false
	for _, e := range proj {
		if e.Key != "_id" && e.Value == 1 {
			incl = true
		}
	}
	return func(path string) bool {
		for _, e := range proj {
			if e.Key != "_id" && (path == e.Key || strings.HasPrefix(path, e.Key+".")) {
				return incl
			}
		}
		return !incl
	}
}

func (sel selector) has(path string) bool { return sel == nil || sel(path) }

// readCtx is one read's selector and whether a default was applied.
type readCtx struct {
	sel     selector
	applied bool
}

func (rc *readCtx) has(path string) bool { return rc.sel.has(path) }

// hydrate decodes a document read from the server, applies the defaults of
// the selected paths it lacks (as Mongoose does when it hydrates a
// document) and tracks it with raw as stored, so that the next Save writes
// the defaults too, as Mongoose's does.
func (m *Model[T]) hydrate(raw bson.Raw, sel selector) (*T, error) {
	doc := new(T)
	if err := bson.Unmarshal(raw, doc); err != nil {
		return nil, errorf("decode %s: %w", m.name, err)
	}
	m.track(doc, raw, m.readDefaults(doc, raw, sel))
	return doc, nil
}

// track starts tracking a document read as raw; defaulted says that
// defaults were applied on read, which are no changes for ModifiedPaths.
func (m *Model[T]) track(doc *T, raw bson.Raw, defaulted bool) {
	m.tracker.set(doc, append(bson.Raw(nil), raw...))
	if defaulted { // doc is new: no entry to clear otherwise
		base, _ := m.encode(doc)
		m.changes.set(doc, docChanges{base: base})
	}
}

// readDefaults applies to a decoded document the defaults of the selected
// paths raw (the stored document) lacks, and reports whether it applied
// any.
func (m *Model[T]) readDefaults(doc *T, raw bson.Raw, sel selector) bool {
	if !m.schema.hasReadDefaults() {
		return false
	}
	rc := &readCtx{sel: sel}
	v := reflect.ValueOf(doc).Elem()
	switch {
	case v.Kind() == reflect.Map && !v.IsNil():
		m.schema.readDefaultsAny(v.Interface(), raw, "", rc)
	case v.Kind() == reflect.Struct:
		m.schema.readDefaultsStruct(v, raw, "", rc)
	}
	return rc.applied
}

// hasReadDefaults reports whether reading a document of s can add
// anything: a default, an array (Mongoose's implicit []) or a
// subdocument, whose own paths may have defaults.
func (s *Schema) hasReadDefaults() bool {
	for _, p := range s.paths {
		if p.hasDefault() || p.Type == TypeArray || p.Type == TypeSubdoc {
			return true
		}
	}
	return false
}

// readDefaultsStruct works on an addressable struct decoded from raw.
// A struct keeps Go's nil slice for a missing array without a default, as
// Create does; a missing non-pointer subdocument exists in Go and gets its
// own defaults, as on Create.
func (s *Schema) readDefaultsStruct(v reflect.Value, raw bson.Raw, prefix string, rc *readCtx) {
	for _, p := range s.paths {
		if p.goIndex == nil || p.Name == "_id" {
			continue
		}
		full := prefix + p.Name
		if !rc.has(full) && !p.selectsUnder(full, rc) {
			continue
		}
		f := v.FieldByIndex(p.goIndex)
		rv, err := raw.LookupErr(p.Name)
		if err != nil {
			if rc.has(full) && p.hasDefault() {
				rc.applied = setDefault(f, p) || rc.applied
			}
			if p.Type == TypeSubdoc && f.Kind() == reflect.Struct && p.Schema != nil {
				p.Schema.readDefaultsStruct(f, nil, full+".", rc)
			}
			continue
		}
		p.readDefaultsInto(f, rv, full, rc)
	}
}

// selectsUnder reports whether the projection selects a path under p (an
// inclusion of sub.b selects sub's b, not sub).
func (p *Path) selectsUnder(full string, rc *readCtx) bool {
	if p.Type != TypeSubdoc && p.Type != TypeArray || p.Schema == nil && (p.Elem == nil || p.Elem.Schema == nil) {
		return false
	}
	sch := p.Schema
	if sch == nil {
		sch = p.Elem.Schema
	}
	for _, c := range sch.paths {
		if rc.has(full+"."+c.Name) || c.selectsUnder(full+"."+c.Name, rc) {
			return true
		}
	}
	return false
}

// readDefaultsInto descends into the stored value rv of p decoded into f.
func (p *Path) readDefaultsInto(f reflect.Value, rv bson.RawValue, full string, rc *readCtx) {
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return
		}
		f = f.Elem()
	}
	switch {
	case p.Type == TypeSubdoc && p.Schema != nil && f.Kind() == reflect.Struct:
		if d, ok := rv.DocumentOK(); ok {
			p.Schema.readDefaultsStruct(f, d, full+".", rc)
		}
	case p.Type == TypeArray && p.Elem != nil && p.Elem.Schema != nil && f.Kind() == reflect.Slice:
		arr, ok := rv.ArrayOK()
		if !ok {
			return
		}
		vals, _ := arr.Values()
		for i := 0; i < f.Len() && i < len(vals); i++ {
			p.Elem.readDefaultsInto(f.Index(i), vals[i], full, rc)
		}
	case f.Kind() == reflect.Map || f.Kind() == reflect.Interface || f.Kind() == reflect.Slice:
		if p.Type != TypeSubdoc && p.Type != TypeArray || f.IsZero() {
			return
		}
		if nv := p.readDefaultsValue(f.Interface(), rv, full, rc); nv != nil && f.CanSet() && reflect.TypeOf(nv).AssignableTo(f.Type()) {
			f.Set(reflect.ValueOf(nv))
		}
	}
}

// setDefault sets p's default into the struct field f and reports
// whether it could.
func setDefault(f reflect.Value, p *Path) bool {
	if f.Kind() == reflect.Pointer {
		n := reflect.New(f.Type().Elem())
		if setValue(n.Elem(), p.defaultValue()) {
			f.Set(n)
			return true
		}
		return false
	}
	return setValue(f, p.defaultValue())
}

// readDefaultsAny applies defaults to a document decoded without a Go
// struct: a map[string]any (in place) or a bson.D. It returns the document,
// a bson.D grown by the defaults.
func (s *Schema) readDefaultsAny(doc any, raw bson.Raw, prefix string, rc *readCtx) any {
	for _, p := range s.paths {
		if p.Name == "_id" {
			continue
		}
		full := prefix + p.Name
		rv, err := raw.LookupErr(p.Name)
		if err != nil {
			if !rc.has(full) {
				continue
			}
			switch {
			case p.hasDefault():
				doc = setKey(doc, p.Name, p.defaultValue())
				rc.applied = true
			case p.Type == TypeArray:
				doc = setKey(doc, p.Name, []any{}) // Mongoose arrays default to []
				rc.applied = true
			}
			continue
		}
		if !rc.has(full) && !p.selectsUnder(full, rc) {
			continue
		}
		if cur, ok := getKey(doc, p.Name); ok {
			if nv := p.readDefaultsValue(cur, rv, full, rc); nv != nil {
				doc = setKey(doc, p.Name, nv)
			}
		}
	}
	return doc
}

// readDefaultsValue descends into a decoded subdocument or array of
// subdocuments cur of p, stored as rv; it returns the value to store back
// (nil to leave cur).
func (p *Path) readDefaultsValue(cur any, rv bson.RawValue, full string, rc *readCtx) any {
	switch p.Type {
	case TypeSubdoc:
		d, ok := rv.DocumentOK()
		if !ok || p.Schema == nil {
			return nil
		}
		switch cur.(type) {
		case map[string]any, bson.D, bson.M:
			return p.Schema.readDefaultsAny(cur, d, full+".", rc)
		}
	case TypeArray:
		arr, ok := rv.ArrayOK()
		if !ok || p.Elem == nil || p.Elem.Type != TypeSubdoc {
			return nil
		}
		vals, _ := arr.Values()
		var elems []any
		switch x := cur.(type) {
		case bson.A:
			elems = x
		case []any:
			elems = x
		default:
			return nil
		}
		for i := 0; i < len(elems) && i < len(vals); i++ {
			if nv := p.Elem.readDefaultsValue(elems[i], vals[i], full, rc); nv != nil {
				elems[i] = nv
			}
		}
		return cur
	}
	return nil
}

// getKey reads key of a decoded document.
func getKey(doc any, key string) (any, bool) {
	switch d := doc.(type) {
	case map[string]any:
		v, ok := d[key]
		return v, ok
	case bson.M:
		v, ok := d[key]
		return v, ok
	case bson.D:
		for _, e := range d {
			if e.Key == key {
				return e.Value, true
			}
		}
	}
	return nil, false
}

// setKey sets key of a decoded document, in place for maps.
func setKey(doc any, key string, v any) any {
	switch d := doc.(type) {
	case map[string]any:
		d[key] = v
	case bson.M:
		d[key] = v
	case bson.D:
		for i := range d {
			if d[i].Key == key {
				d[i].Value = v
				return d
			}
		}
		return append(d, bson.E{Key: key, Value: v})
	}
	return doc
}
