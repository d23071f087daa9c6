package typed

import (
	"encoding/json"

	"github.com/polystore/polystore/postgres/orm"
)

// JSONField is a Json field: Field's whole-value equality plus Prisma's Json
// filters through Path, and JsonNull in writes.
type JSONField[M any] struct{ Field[M, json.RawMessage] }

// NewJSONField is used by generated code.
func NewJSONField[M any](name string) JSONField[M] {
	return JSONField[M]{NewField[M, json.RawMessage](name)}
}

// Path filters the value at a path of object keys (array indexes as "0",
// "1"...); no keys: the whole value.
func (f JSONField[M]) Path(keys ...string) JSONPath[M] { return jsonPath[M](f.name, keys) }

// EqualsNull matches orm.JsonNull (the JSON value null), orm.DbNull (SQL
// NULL) or orm.AnyNull (either).
func (f JSONField[M]) EqualsNull(k orm.NullKind) Cond[M] { return jsonPath[M](f.name, nil).Equals(k) }

// NotNull matches values other than the given null kind.
func (f JSONField[M]) NotNull(k orm.NullKind) Cond[M] { return jsonPath[M](f.name, nil).Not(k) }

// SetJSONNull stores the JSON value null (Prisma's JsonNull).
func (f JSONField[M]) SetJSONNull() Set[M] { return Set[M]{f.name, orm.JsonNull} }

// NullableJSONField is a Json? field: JSONField plus SQL NULL (Prisma's
// DbNull) in filters and writes.
type NullableJSONField[M any] struct {
	NullableField[M, json.RawMessage]
}

// NewNullableJSONField is used by generated code.
func NewNullableJSONField[M any](name string) NullableJSONField[M] {
	return NullableJSONField[M]{NewNullableField[M, json.RawMessage](name)}
}

// Path filters the value at a path (see JSONField.Path).
func (f NullableJSONField[M]) Path(keys ...string) JSONPath[M] { return jsonPath[M](f.name, keys) }

// EqualsNull matches orm.JsonNull, orm.DbNull or orm.AnyNull.
func (f NullableJSONField[M]) EqualsNull(k orm.NullKind) Cond[M] {
	return jsonPath[M](f.name, nil).Equals(k)
}

// NotNull matches values other than the given null kind.
func (f NullableJSONField[M]) NotNull(k orm.NullKind) Cond[M] {
	return jsonPath[M](f.name, nil).Not(k)
}

// SetJSONNull stores the JSON value null (Prisma's JsonNull).
func (f NullableJSONField[M]) SetJSONNull() Set[M] { return Set[M]{f.name, orm.JsonNull} }

// SetDbNull stores SQL NULL (Prisma's DbNull; the same as SetNull).
func (f NullableJSONField[M]) SetDbNull() Set[M] { return Set[M]{f.name, orm.DbNull} }

// JSONPath holds Prisma's Json filters on one path of a Json field of M.
// Values are any Go value encoding/json encodes (json.RawMessage as it is).
type JSONPath[M any] struct{ f orm.JSONFilter }

func jsonPath[M any](field string, keys []string) JSONPath[M] {
	return JSONPath[M]{orm.JSONPath(field, keys...)}
}

func jc[M any](c *orm.JSONCond) Cond[M] { return Cond[M]{c} }

// Equals matches a value equal to v (or an orm.NullKind).
func (p JSONPath[M]) Equals(v any) Cond[M] { return jc[M](p.f.Equals(v)) }

// Not matches a value different from v.
func (p JSONPath[M]) Not(v any) Cond[M] { return jc[M](p.f.Not(v)) }

// StringContains matches a JSON string containing s (Insensitive() for
// mode: "insensitive").
func (p JSONPath[M]) StringContains(s string) Cond[M] { return jc[M](p.f.StringContains(s)) }

// StringStartsWith matches a JSON string starting with s.
func (p JSONPath[M]) StringStartsWith(s string) Cond[M] { return jc[M](p.f.StringStartsWith(s)) }

// StringEndsWith matches a JSON string ending with s.
func (p JSONPath[M]) StringEndsWith(s string) Cond[M] { return jc[M](p.f.StringEndsWith(s)) }

// ArrayContains matches a JSON array containing v (an element, or an array
// of elements that must all be present).
func (p JSONPath[M]) ArrayContains(v any) Cond[M] { return jc[M](p.f.ArrayContains(v)) }

// ArrayStartsWith matches a JSON array whose first element is v.
func (p JSONPath[M]) ArrayStartsWith(v any) Cond[M] { return jc[M](p.f.ArrayStartsWith(v)) }

// ArrayEndsWith matches a JSON array whose last element is v.
func (p JSONPath[M]) ArrayEndsWith(v any) Cond[M] { return jc[M](p.f.ArrayEndsWith(v)) }

// Lt matches a number (or string) below v, of the same JSON type.
func (p JSONPath[M]) Lt(v any) Cond[M] { return jc[M](p.f.Lt(v)) }

// Lte matches a number (or string) at most v.
func (p JSONPath[M]) Lte(v any) Cond[M] { return jc[M](p.f.Lte(v)) }

// Gt matches a number (or string) above v.
func (p JSONPath[M]) Gt(v any) Cond[M] { return jc[M](p.f.Gt(v)) }

// Gte matches a number (or string) at least v.
func (p JSONPath[M]) Gte(v any) Cond[M] { return jc[M](p.f.Gte(v)) }
