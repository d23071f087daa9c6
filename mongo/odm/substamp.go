package odm

import (
	"reflect"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Subdocument timestamps on insert and Save: Mongoose's subdocument schemas
// with timestamps run their own pre-save hook when the document is saved,
// setting createdAt on a new subdocument (and updatedAt to it). Updates
// stamp the subdocuments they give whole in stampSubdocs.

// stampNewSubdocs stamps the subdocuments of v (a document as a struct or
// map) whose schema has timestamps. With fresh (an insert) every one is
// new; otherwise (Save of a stored document) those without createdAt are.
func (s *Schema) stampNewSubdocs(v reflect.Value, now time.Time, fresh bool) {
	for _, p := range s.paths {
		if !p.hasStampedSubdocs() {
			continue
		}
		switch v.Kind() {
		case reflect.Struct:
			if p.goIndex != nil {
				p.stampValue(v.FieldByIndex(p.goIndex), now, fresh)
			}
		case reflect.Map:
			key := reflect.ValueOf(p.Name)
			if f := v.MapIndex(key); f.IsValid() && !(f.Kind() == reflect.Interface && f.IsNil()) {
				v.SetMapIndex(key, reflect.ValueOf(p.stampAny(f.Interface(), now, fresh)))
			}
		}
	}
}

// hasStampedSubdocs reports whether a subdocument at or under p has a
// schema with timestamps.
func (p *Path) hasStampedSubdocs() bool {
	switch {
	case p.Type == TypeSubdoc && p.Schema != nil:
		if p.Schema.opts.Timestamps != nil {
			return true
		}
		for _, q := range p.Schema.paths {
			if q.hasStampedSubdocs() {
				return true
			}
		}
	case (p.Type == TypeArray || p.Type == TypeMap) && p.Elem != nil:
		return p.Elem.hasStampedSubdocs()
	}
	return false
}

// stampAny stamps v, a value of p in a map-backed document (maps, bson.D
// and slices as decoded, or typed values), and returns it (a bson.D may
// have grown).
func (p *Path) stampAny(v any, now time.Time, fresh bool) any {
	switch x := v.(type) {
	case map[string]any:
		p.stampValue(reflect.ValueOf(x), now, fresh)
	case bson.M:
		p.stampValue(reflect.ValueOf(map[string]any(x)), now, fresh)
	case bson.D:
		switch {
		case p.Type == TypeSubdoc && p.Schema != nil:
			m := make(map[string]any, len(x))
			for _, e := range x {
				m[e.Key] = e.Value
			}
			p.stampValue(reflect.ValueOf(m), now, fresh)
			for i, e := range x { // keep the order; new keys go last
				x[i].Value = m[e.Key]
				delete(m, e.Key)
			}
			for _, k := range []string{p.Schema.opts.Timestamps.created(), p.Schema.opts.Timestamps.updated()} {
				if v, ok := m[k]; ok && k != "" {
					x = append(x, bson.E{Key: k, Value: v})
				}
			}
			return x
		case p.Type == TypeMap && p.Elem != nil:
			for i := range x {
				x[i].Value = p.Elem.stampAny(x[i].Value, now, fresh)
			}
		}
	case []any:
		if p.Type == TypeArray && p.Elem != nil {
			for i := range x {
				x[i] = p.Elem.stampAny(x[i], now, fresh)
			}
		}
	case bson.A:
		return p.stampAny([]any(x), now, fresh)
	default:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
			p.stampValue(rv, now, fresh)
		}
	}
	return v
}

func (ts *Timestamps) created() string {
	if ts == nil {
		return ""
	}
	return ts.CreatedAt
}

func (ts *Timestamps) updated() string {
	if ts == nil {
		return ""
	}
	return ts.UpdatedAt
}

func (p *Path) stampValue(f reflect.Value, now time.Time, fresh bool) {
	for f.Kind() == reflect.Pointer || f.Kind() == reflect.Interface {
		if f.IsNil() {
			return
		}
		f = f.Elem()
	}
	if f.Kind() == reflect.Map && p.Type != TypeMap {
		if m, ok := f.Interface().(map[string]any); ok && p.Type == TypeSubdoc && p.Schema != nil {
			p.Schema.stampSelf(f, now, fresh)
			for _, q := range p.Schema.paths {
				if cur, ok := m[q.Name]; ok && cur != nil && q.hasStampedSubdocs() {
					m[q.Name] = q.stampAny(cur, now, fresh)
				}
			}
		}
		return
	}
	switch {
	case p.Type == TypeSubdoc && p.Schema != nil:
		p.Schema.stampSelf(f, now, fresh)
		p.Schema.stampNewSubdocs(f, now, fresh)
	case p.Type == TypeArray && p.Elem != nil && (f.Kind() == reflect.Slice || f.Kind() == reflect.Array):
		for i := 0; i < f.Len(); i++ {
			p.Elem.stampValue(f.Index(i), now, fresh)
		}
	case p.Type == TypeMap && p.Elem != nil && f.Kind() == reflect.Map:
		iter := f.MapRange()
		for iter.Next() {
			e := reflect.New(iter.Value().Type()).Elem() // map values are not addressable
			e.Set(iter.Value())
			p.Elem.stampValue(e, now, fresh)
			f.SetMapIndex(iter.Key(), e)
		}
	}
}

// stampSelf sets the timestamps of one subdocument f (a struct or a map)
// of s, as Mongoose's setDocumentTimestamps: a new one gets createdAt
// (unless given) and updatedAt equal to it. A struct keeps them only in
// fields it declares.
func (s *Schema) stampSelf(f reflect.Value, now time.Time, fresh bool) {
	ts := s.opts.Timestamps
	if ts == nil || (!fresh && ts.CreatedAt == "") { // no way to tell a new one
		return
	}
	switch f.Kind() {
	case reflect.Map:
		m, ok := f.Interface().(map[string]any)
		if !ok {
			return
		}
		var created any = now
		if ts.CreatedAt != "" {
			if c, ok := m[ts.CreatedAt]; ok && c != nil {
				if !fresh {
					return
				}
				created = c
			} else {
				m[ts.CreatedAt] = now
			}
		}
		if ts.UpdatedAt != "" {
			m[ts.UpdatedAt] = created
		}
	case reflect.Struct:
		if !f.CanSet() {
			return
		}
		var created reflect.Value
		idx := fieldIndex(f.Type(), ts.CreatedAt)
		if idx == nil && !fresh {
			return
		}
		if idx != nil {
			created = f.FieldByIndex(idx)
			if !created.IsZero() && !fresh {
				return
			}
			if created.IsZero() {
				setValue(created, now)
			}
		}
		if idx := fieldIndex(f.Type(), ts.UpdatedAt); idx != nil {
			up := f.FieldByIndex(idx)
			if !created.IsValid() || !setValue(up, created.Interface()) {
				setValue(up, now)
			}
		}
	}
}
