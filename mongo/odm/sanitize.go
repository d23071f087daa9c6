package odm

import (
	"errors"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// SanitizeMode says which filters get Mongoose's sanitizeFilter treatment:
// in a sanitized filter, a value that is an object with $-keys (where a
// plain value is expected) becomes an equality with that object ({$eq:
// value}), so that {"username": {"$ne": null}} from a request body matches
// the user literally named {$ne: null} (no one) instead of every user;
// the branches of $and, $or and $nor are sanitized in turn, and $where,
// $expr, $jsonSchema and $text are rejected.
type SanitizeMode int

const (
	// SanitizeUntrusted (the default) sanitizes filters given as
	// map[string]any (what encoding/json decodes a body into) or wrapped
	// with UserFilter. Filters built in code as bson.D or bson.M are
	// trusted and sent as written.
	SanitizeUntrusted SanitizeMode = iota
	// SanitizeAll sanitizes every filter (Mongoose's sanitizeFilter
	// option); mark the operators written in code with Trusted.
	SanitizeAll
	// SanitizeOff sends every filter as written.
	SanitizeOff
)

// StrictQueryMode says what happens to filter paths that are not in the
// schema (Mongoose's strictQuery).
type StrictQueryMode int

const (
	// StrictQueryOff (the default, as in Mongoose 7 and later) sends
	// unknown paths as they are: {nmae: "x"} matches nothing.
	StrictQueryOff StrictQueryMode = iota
	// StrictQueryDrop removes them from the filter. Beware: a filter that
	// only had unknown paths then matches every document.
	StrictQueryDrop
	// StrictQueryThrow rejects the filter with a *StrictError.
	StrictQueryThrow
)

type userFilter struct{ v any }

// UserFilter marks a filter as untrusted input: it is sanitized whatever
// its Go type (unless the model's SanitizeFilter is SanitizeOff).
func UserFilter(filter any) any { return userFilter{filter} }

// trustedValue is a value exempt from sanitizing.
type trustedValue struct{ v any }

// MarshalBSONValue encodes the wrapped value, so that a trusted value in a
// filter that is not sanitized is sent as it is.
func (t trustedValue) MarshalBSONValue() (byte, []byte, error) {
	typ, data, err := bson.MarshalValue(t.v)
	return byte(typ), data, err
}

// Trusted marks a value inside a sanitized filter as written by the
// program (Mongoose's mongoose.trusted): its operators are kept, as in
// UserFilter(map[string]any{"age": odm.Trusted(bson.M{"$gte": 18})}).
func Trusted(v any) any { return trustedValue{v} }

// sanitizedOps are the top-level operators whose branches are sanitized.
var sanitizedOps = map[string]bool{"$and": true, "$or": true, "$nor": true}

// refusedOps are the top-level operators a sanitized filter rejects, as
// Mongoose does; others ($comment) follow the rule for values.
var refusedOps = map[string]bool{"$where": true, "$expr": true, "$jsonSchema": true, "$text": true}

// sanitize converts an untrusted filter into a bson.D following Mongoose's
// sanitizeFilter: $-keyed objects in value position become {$eq: object}.
// Map keys are sorted, so the same input always gives the same filter.
func sanitize(v any, path string) (bson.D, error) {
	d, ok := docOf(v)
	if !ok {
		td, err := toD(v)
		if err != nil {
			return nil, err
		}
		d = td
	}
	out := make(bson.D, 0, len(d))
	for _, e := range d {
		if t, ok := e.Value.(trustedValue); ok {
			// Trusted operators are cast like any written in code.
			out = append(out, bson.E{Key: e.Key, Value: plainD(t.v)})
			continue
		}
		if refusedOps[e.Key] {
			return nil, &FilterError{Operator: e.Key, Path: path, Sanitized: true}
		}
		if sanitizedOps[e.Key] {
			arr, ok := arrayOf(e.Value)
			if !ok {
				return nil, &FilterError{Operator: e.Key, Path: path, Sanitized: true}
			}
			na := make(bson.A, len(arr))
			for i, sub := range arr {
				sd, err := sanitize(sub, joinPath(path, e.Key))
				if err != nil {
					return nil, err
				}
				na[i] = sd
			}
			out = append(out, bson.E{Key: e.Key, Value: na})
			continue
		}
		val := plainD(e.Value)
		if sub, ok := val.(bson.D); ok && hasDollarKey(sub) {
			if len(sub) == 1 && sub[0].Key == "$eq" {
				out = append(out, bson.E{Key: e.Key, Value: bson.D{{Key: "$eq", Value: literal{sub[0].Value}}}})
			} else {
				out = append(out, bson.E{Key: e.Key, Value: bson.D{{Key: "$eq", Value: literal{sub}}}})
			}
			continue
		}
		out = append(out, bson.E{Key: e.Key, Value: val})
	}
	return out, nil
}

// literal is a value from a sanitized filter that must be compared as it
// is, never read as operators. It encodes as its value.
type literal struct{ v any }

// MarshalBSONValue encodes the value.
func (l literal) MarshalBSONValue() (byte, []byte, error) {
	typ, data, err := bson.MarshalValue(l.v)
	return byte(typ), data, err
}

func hasDollarKey(d bson.D) bool {
	for _, e := range d {
		if strings.HasPrefix(e.Key, "$") {
			return true
		}
	}
	return false
}

// docOf returns v as a bson.D when it is a document type (keys of maps
// sorted), without going through BSON.
func docOf(v any) (bson.D, bool) {
	var m map[string]any
	switch x := v.(type) {
	case bson.D:
		return x, true
	case bson.M:
		m = x
	case map[string]any:
		m = x
	default:
		return nil, false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	d := make(bson.D, len(keys))
	for i, k := range keys {
		d[i] = bson.E{Key: k, Value: m[k]}
	}
	return d, true
}

func arrayOf(v any) ([]any, bool) {
	switch x := v.(type) {
	case bson.A:
		return x, true
	case []any:
		return x, true
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, true
	case []bson.M:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, true
	case []bson.D:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, true
	}
	return nil, false
}

// plainD turns nested maps of a sanitized filter into bson.D (sorted keys)
// and slices into bson.A, unwrapping trusted values.
func plainD(v any) any {
	if t, ok := v.(trustedValue); ok {
		return plainD(t.v)
	}
	if d, ok := docOf(v); ok {
		out := make(bson.D, len(d))
		for i, e := range d {
			out[i] = bson.E{Key: e.Key, Value: plainD(e.Value)}
		}
		return out
	}
	if a, ok := arrayOf(v); ok {
		out := make(bson.A, len(a))
		for i, e := range a {
			out[i] = plainD(e)
		}
		return out
	}
	return v
}

// filter converts, sanitizes, checks and casts a filter.
func (m *Model[T]) filter(f any) (bson.D, error) { return m.filterFor(f, false) }

// filterFor is filter; for an upsert it first refuses unknown paths as
// Mongoose's strict does (see Schema.upsertUnknown).
func (m *Model[T]) filterFor(f any, upsert bool) (bson.D, error) {
	d, err := m.prepFilter(f)
	if err != nil {
		return nil, err
	}
	return m.castPrepared(d, upsert)
}

// prepFilter converts and, when it is untrusted, sanitizes a filter: what
// a pre hook sees of a filter that does not cast.
func (m *Model[T]) prepFilter(f any) (bson.D, error) {
	var d bson.D
	var err error
	san := m.opts.SanitizeFilter == SanitizeAll
	switch x := f.(type) {
	case userFilter:
		f, san = x.v, m.opts.SanitizeFilter != SanitizeOff
	case map[string]any:
		san = m.opts.SanitizeFilter != SanitizeOff
	}
	if san {
		d, err = sanitize(f, "")
	} else {
		d, err = toD(f)
	}
	return d, err
}

// castPrepared checks a converted filter for server-side JavaScript and
// casts it (for an upsert, refusing unknown paths first).
func (m *Model[T]) castPrepared(d bson.D, upsert bool) (bson.D, error) {
	if !m.opts.AllowJSFilters {
		if err := checkFilter(d, ""); err != nil {
			return nil, err
		}
	}
	if upsert {
		if err := m.schema.upsertUnknown(d, m.schema.opts.Strict); err != nil {
			err.Model = m.name
			return nil, err
		}
	}
	out, err := m.schema.castFilter(d, m.schema.opts.StrictQuery)
	if se, ok := err.(*StrictError); ok {
		se.Model = m.name
	}
	var fe *FieldError
	var ve *ValidationError
	switch {
	case errors.As(err, &ve):
		for _, e := range ve.Errors {
			e.Message = withModel(e, m.name)
		}
	case errors.As(err, &fe):
		fe.Message = withModel(fe, m.name)
	}
	return out, err
}

// withModel names the model in a filter's cast error message, after the
// path, as Mongoose's query casting does: Cast to Number failed for value
// "x" (type string) at path "age" for model "User".
func withModel(fe *FieldError, model string) string {
	msg := fe.Message
	const at = `) at path "`
	i := strings.Index(msg, at)
	if fe.Name != "CastError" || i < 0 || strings.Contains(msg, ` for model "`) {
		return msg
	}
	j := i + len(at)
	k := strings.IndexByte(msg[j:], '"')
	if k < 0 {
		return msg
	}
	end := j + k + 1
	return msg[:end] + ` for model "` + model + `"` + msg[end:]
}

// CastFilter returns filter as a query would send it (before hooks):
// sanitized when it is untrusted (see SanitizeMode), checked for
// server-side JavaScript, unknown paths handled by the schema's
// StrictQuery, and values of schema paths cast to their types.
func (m *Model[T]) CastFilter(filter any) (bson.D, error) {
	if m == nil {
		return nil, ErrNoDatabase
	}
	return m.filter(filter)
}

// upsertUnknown refuses a path of an upsert's filter that is not in the
// schema, as Mongoose does under strict (the default) whatever strictQuery
// says: an upsert would insert it. Under StrictThrow the error reads as
// strict's own; StrictOff lets it through. Inside a subdocument the path
// is named relative to it, as Mongoose's recursive cast names it.
func (s *Schema) upsertUnknown(d bson.D, strict StrictMode) *StrictError {
	if strict == StrictOff {
		return nil
	}
	for _, e := range d {
		switch e.Key {
		case "$and", "$or", "$nor":
			arr, _ := e.Value.(bson.A)
			for _, sub := range arr {
				if sd, ok := sub.(bson.D); ok {
					if err := s.upsertUnknown(sd, strict); err != nil {
						return err
					}
				}
			}
			continue
		}
		if strings.HasPrefix(e.Key, "$") || s.managedKey(e.Key) {
			continue
		}
		if _, _, known := s.resolve(e.Key); known {
			continue
		}
		return &StrictError{Path: s.relativeKey(e.Key), Upsert: strict != StrictThrow}
	}
	return nil
}

// relativeKey is key within the innermost subdocument schema it enters
// (sub.nope → nope, items.0.nope → nope).
func (s *Schema) relativeKey(key string) string {
	_, start := s.innermost(key)
	return strings.Join(strings.Split(key, ".")[start:], ".")
}
