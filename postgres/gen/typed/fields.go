package typed

import "github.com/polystore/polystore/postgres/orm"

// named is what every scalar field handle of model M has: its schema name.
type named[M any] struct{ name string }

// FieldName returns the schema name of the field.
func (f named[M]) FieldName() string { return f.name }

func (named[M]) fieldOf(*M) {}

func (f named[M]) cond(op orm.Op, v any) Cond[M] {
	return Cond[M]{&orm.FieldCond{Field: f.name, Op: op, Value: v}}
}

// Field is a scalar field of model M holding values of type V: equality,
// comparison and ordering, and plain assignment in writes.
type Field[M, V any] struct{ named[M] }

// NewField is used by generated code.
func NewField[M, V any](name string) Field[M, V] { return Field[M, V]{named[M]{name}} }

// Equals matches rows where the field equals v.
func (f Field[M, V]) Equals(v V) Cond[M] { return f.cond(orm.OpEquals, v) }

// Not matches rows where the field differs from v (Prisma's not).
func (f Field[M, V]) Not(v V) Cond[M] { return f.cond(orm.OpNot, v) }

// In matches rows where the field is one of vs.
func (f Field[M, V]) In(vs ...V) Cond[M] { return f.cond(orm.OpIn, vs) }

// NotIn matches rows where the field is none of vs.
func (f Field[M, V]) NotIn(vs ...V) Cond[M] { return f.cond(orm.OpNotIn, vs) }

// Lt matches field < v.
func (f Field[M, V]) Lt(v V) Cond[M] { return f.cond(orm.OpLt, v) }

// Lte matches field <= v.
func (f Field[M, V]) Lte(v V) Cond[M] { return f.cond(orm.OpLte, v) }

// Gt matches field > v.
func (f Field[M, V]) Gt(v V) Cond[M] { return f.cond(orm.OpGt, v) }

// Gte matches field >= v.
func (f Field[M, V]) Gte(v V) Cond[M] { return f.cond(orm.OpGte, v) }

// Ref is a reference to a field of model M with values of type V, for
// comparing two columns of a row (Prisma's field references).
type Ref[M, V any] struct{ name string }

// Ref refers to the field in another field's comparison:
// Book.Pages.GtRef(Book.MinPages.Ref()) is "pages" > "minPages". Model
// and value type must match, so the compiler refuses what Prisma's engine
// would (another model's field, another type).
func (f Field[M, V]) Ref() Ref[M, V] { return Ref[M, V]{f.name} }

func (f Field[M, V]) ref(op orm.Op, r Ref[M, V]) Cond[M] { return refCond[M](f.name, op, r.name) }

// refCond is field op (the field named ref), Prisma's field reference.
func refCond[M any](field string, op orm.Op, ref string) Cond[M] {
	return Cond[M]{&orm.FieldCond{Field: field, Op: op, Value: orm.Ref(ref)}}
}

// EqualsRef matches rows where the field equals the referenced field.
func (f Field[M, V]) EqualsRef(r Ref[M, V]) Cond[M] { return f.ref(orm.OpEquals, r) }

// LtRef matches field < referenced field.
func (f Field[M, V]) LtRef(r Ref[M, V]) Cond[M] { return f.ref(orm.OpLt, r) }

// LteRef matches field <= referenced field.
func (f Field[M, V]) LteRef(r Ref[M, V]) Cond[M] { return f.ref(orm.OpLte, r) }

// GtRef matches field > referenced field.
func (f Field[M, V]) GtRef(r Ref[M, V]) Cond[M] { return f.ref(orm.OpGt, r) }

// GteRef matches field >= referenced field.
func (f Field[M, V]) GteRef(r Ref[M, V]) Cond[M] { return f.ref(orm.OpGte, r) }

// InRef matches rows where the field is an element of the referenced
// list field (a ListField's Ref).
func (f Field[M, V]) InRef(r Ref[M, []V]) Cond[M] { return refCond[M](f.name, orm.OpIn, r.name) }

// NotInRef matches rows where the field is no element of the referenced
// list field (a NULL list matches neither InRef nor NotInRef).
func (f Field[M, V]) NotInRef(r Ref[M, []V]) Cond[M] { return refCond[M](f.name, orm.OpNotIn, r.name) }

// Asc orders by the field, ascending.
func (f Field[M, V]) Asc() Order[M] { return Order[M]{orm.Asc(f.name)} }

// Desc orders by the field, descending.
func (f Field[M, V]) Desc() Order[M] { return Order[M]{orm.Desc(f.name)} }

// Set assigns v in a create or update.
func (f Field[M, V]) Set(v V) Set[M] { return Set[M]{f.name, v} }

// Having compares an aggregate of the field in GroupBy (e.g. _sum > 100);
// agg 0 compares the field itself, which must be one of By.
func (f Field[M, V]) Having(agg orm.AggFunc, op orm.Op, v V) Having[M] {
	return Having[M]{orm.HavingCond{Agg: agg, Field: f.name, Op: op, Value: v}}
}

// HavingRef compares an aggregate of the field (agg 0: the field itself)
// with the referenced field of the group, which must be one of By
// (Prisma's having: {pages: {_max: {gt: prisma.book.fields.id}}}): op is a
// comparison, or orm.OpIn/orm.OpNotIn through HavingInRef. The reference
// has the field's Go type; an aggregate of another type (_avg, _count) is
// the query engine's P2019, as in Prisma.
func (f Field[M, V]) HavingRef(agg orm.AggFunc, op orm.Op, r Ref[M, V]) Having[M] {
	return Having[M]{orm.HavingCond{Agg: agg, Field: f.name, Op: op, Value: orm.Ref(r.name)}}
}

// HavingInRef matches groups whose by field (agg 0) or aggregate is an
// element of the referenced list field of the group (orm.OpIn, or
// orm.OpNotIn for none of them).
func (f Field[M, V]) HavingInRef(agg orm.AggFunc, op orm.Op, r Ref[M, []V]) Having[M] {
	return Having[M]{orm.HavingCond{Agg: agg, Field: f.name, Op: op, Value: orm.Ref(r.name)}}
}

// NullableField is an optional scalar field (String?, Int?...): Field plus
// null tests and assignment.
type NullableField[M, V any] struct{ Field[M, V] }

// NewNullableField is used by generated code.
func NewNullableField[M, V any](name string) NullableField[M, V] {
	return NullableField[M, V]{NewField[M, V](name)}
}

// IsNull matches rows where the field is NULL.
func (f NullableField[M, V]) IsNull() Cond[M] { return f.cond(orm.OpEquals, nil) }

// IsNotNull matches rows where the field is not NULL.
func (f NullableField[M, V]) IsNotNull() Cond[M] { return f.cond(orm.OpNot, nil) }

// SetNull assigns NULL in a create or update.
func (f NullableField[M, V]) SetNull() Set[M] { return Set[M]{f.name, nil} }

// SetPtr assigns *v, or NULL when v is nil.
func (f NullableField[M, V]) SetPtr(v *V) Set[M] {
	if v == nil {
		return f.SetNull()
	}
	return Set[M]{f.name, *v}
}

func contains[M any](f string, op orm.Op, s string) Cond[M] {
	return Cond[M]{&orm.FieldCond{Field: f, Op: op, Value: s}}
}

// textRefs are the substring filters of a String field (named field)
// with another String field of the row (Prisma's field references).
type textRefs[M any] struct{ field string }

// ContainsRef matches strings containing the referenced field's value
// (unescaped, as in Prisma: % and _ in it are wildcards).
func (t textRefs[M]) ContainsRef(r Ref[M, string]) Cond[M] {
	return refCond[M](t.field, orm.OpContains, r.name)
}

// StartsWithRef matches strings starting with the referenced field's value.
func (t textRefs[M]) StartsWithRef(r Ref[M, string]) Cond[M] {
	return refCond[M](t.field, orm.OpStartsWith, r.name)
}

// EndsWithRef matches strings ending with the referenced field's value.
func (t textRefs[M]) EndsWithRef(r Ref[M, string]) Cond[M] {
	return refCond[M](t.field, orm.OpEndsWith, r.name)
}

// StringField is a String field: Field plus substring filters. Chain
// Insensitive() on a condition for mode: "insensitive".
type StringField[M any] struct {
	Field[M, string]
	textRefs[M]
}

// NewStringField is used by generated code.
func NewStringField[M any](name string) StringField[M] {
	return StringField[M]{NewField[M, string](name), textRefs[M]{name}}
}

// Contains matches strings containing s (s is escaped: % and _ are literal).
func (f StringField[M]) Contains(s string) Cond[M] { return contains[M](f.name, orm.OpContains, s) }

// StartsWith matches strings starting with s.
func (f StringField[M]) StartsWith(s string) Cond[M] { return contains[M](f.name, orm.OpStartsWith, s) }

// EndsWith matches strings ending with s.
func (f StringField[M]) EndsWith(s string) Cond[M] { return contains[M](f.name, orm.OpEndsWith, s) }

// Search matches text matching a full-text query (Prisma's search on
// PostgreSQL: & | ! <-> and parentheses; see orm.Search).
func (f StringField[M]) Search(query string) Cond[M] { return contains[M](f.name, orm.OpSearch, query) }

// TextField is a String or String? field of model M, for ordering by
// full-text relevance (Relevance).
type TextField[M any] interface{ textField() string }

func (t textRefs[M]) textField() string { return t.field }

// Relevance orders by the full-text relevance of fields, read as one text,
// to the tsquery search (Prisma's orderBy {_relevance: {fields, search,
// sort}}; see orm.ByRelevance).
func Relevance[M any](search string, desc bool, fields ...TextField[M]) Order[M] {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.textField()
	}
	return Order[M]{orm.ByRelevance(names, search, desc)}
}

// NullableStringField is a String? field.
type NullableStringField[M any] struct {
	NullableField[M, string]
	textRefs[M]
}

// NewNullableStringField is used by generated code.
func NewNullableStringField[M any](name string) NullableStringField[M] {
	return NullableStringField[M]{NewNullableField[M, string](name), textRefs[M]{name}}
}

// Contains matches strings containing s.
func (f NullableStringField[M]) Contains(s string) Cond[M] {
	return contains[M](f.name, orm.OpContains, s)
}

// StartsWith matches strings starting with s.
func (f NullableStringField[M]) StartsWith(s string) Cond[M] {
	return contains[M](f.name, orm.OpStartsWith, s)
}

// EndsWith matches strings ending with s.
func (f NullableStringField[M]) EndsWith(s string) Cond[M] {
	return contains[M](f.name, orm.OpEndsWith, s)
}

// Search matches text matching a full-text query (see StringField.Search).
func (f NullableStringField[M]) Search(query string) Cond[M] {
	return contains[M](f.name, orm.OpSearch, query)
}

func atomic[M any](f string, a *orm.Atomic) Set[M] { return Set[M]{f, a} }

// NumberField is an Int, BigInt, Float or Decimal field: Field plus atomic
// updates (col = col + $1 in SQL, so concurrent updates never lose each
// other).
type NumberField[M, V any] struct{ Field[M, V] }

// NewNumberField is used by generated code.
func NewNumberField[M, V any](name string) NumberField[M, V] {
	return NumberField[M, V]{NewField[M, V](name)}
}

// Increment adds v.
func (f NumberField[M, V]) Increment(v V) Set[M] { return atomic[M](f.name, orm.Increment(v)) }

// Decrement subtracts v.
func (f NumberField[M, V]) Decrement(v V) Set[M] { return atomic[M](f.name, orm.Decrement(v)) }

// Multiply multiplies by v.
func (f NumberField[M, V]) Multiply(v V) Set[M] { return atomic[M](f.name, orm.Multiply(v)) }

// Divide divides by v.
func (f NumberField[M, V]) Divide(v V) Set[M] { return atomic[M](f.name, orm.Divide(v)) }

// NullableNumberField is an optional number field.
type NullableNumberField[M, V any] struct{ NullableField[M, V] }

// NewNullableNumberField is used by generated code.
func NewNullableNumberField[M, V any](name string) NullableNumberField[M, V] {
	return NullableNumberField[M, V]{NewNullableField[M, V](name)}
}

// Increment adds v.
func (f NullableNumberField[M, V]) Increment(v V) Set[M] {
	return atomic[M](f.name, orm.Increment(v))
}

// Decrement subtracts v.
func (f NullableNumberField[M, V]) Decrement(v V) Set[M] {
	return atomic[M](f.name, orm.Decrement(v))
}

// Multiply multiplies by v.
func (f NullableNumberField[M, V]) Multiply(v V) Set[M] {
	return atomic[M](f.name, orm.Multiply(v))
}

// Divide divides by v.
func (f NullableNumberField[M, V]) Divide(v V) Set[M] {
	return atomic[M](f.name, orm.Divide(v))
}

// ListField is a scalar list (String[], Int[]...) stored as an array.
type ListField[M, V any] struct{ named[M] }

// Push appends vs to the list in an update (Prisma's push).
func (f ListField[M, V]) Push(vs ...V) Set[M] { return atomic[M](f.name, orm.Push(vs)) }

// NewListField is used by generated code.
func NewListField[M, V any](name string) ListField[M, V] { return ListField[M, V]{named[M]{name}} }

// Equals matches lists equal to vs.
func (f ListField[M, V]) Equals(vs ...V) Cond[M] { return f.cond(orm.OpEquals, vs) }

// Has matches lists containing v.
func (f ListField[M, V]) Has(v V) Cond[M] { return f.cond(orm.OpHas, v) }

// HasEvery matches lists containing every element of vs.
func (f ListField[M, V]) HasEvery(vs ...V) Cond[M] { return f.cond(orm.OpHasEvery, vs) }

// HasSome matches lists containing at least one element of vs.
func (f ListField[M, V]) HasSome(vs ...V) Cond[M] { return f.cond(orm.OpHasSome, vs) }

// Ref refers to the list field in another field's InRef or NotInRef, or
// in a list's HasEveryRef or HasSomeRef.
func (f ListField[M, V]) Ref() Ref[M, []V] { return Ref[M, []V]{f.name} }

// HasRef matches lists containing the referenced field's value.
func (f ListField[M, V]) HasRef(r Ref[M, V]) Cond[M] { return refCond[M](f.name, orm.OpHas, r.name) }

// HasEveryRef matches lists containing every element of the referenced list.
func (f ListField[M, V]) HasEveryRef(r Ref[M, []V]) Cond[M] {
	return refCond[M](f.name, orm.OpHasEvery, r.name)
}

// HasSomeRef matches lists sharing an element with the referenced list.
func (f ListField[M, V]) HasSomeRef(r Ref[M, []V]) Cond[M] {
	return refCond[M](f.name, orm.OpHasSome, r.name)
}

// IsEmpty matches empty lists (true) or non-empty ones (false).
func (f ListField[M, V]) IsEmpty(empty bool) Cond[M] { return f.cond(orm.OpIsEmpty, empty) }

// Set assigns the list in a create or update.
func (f ListField[M, V]) Set(vs ...V) Set[M] {
	if vs == nil {
		vs = []V{}
	}
	return Set[M]{f.name, vs}
}

// Having is a GroupBy having condition on model M.
type Having[M any] struct{ h orm.HavingCond }

// Insensitive compares a String by field case-insensitively (Prisma's
// mode: "insensitive" in a having; an aggregate's filter takes none).
func (h Having[M]) Insensitive() Having[M] {
	h.h.Insensitive = true
	return h
}

// Orm returns the condition as the runtime takes it.
func (h Having[M]) Orm() orm.HavingCond { return h.h }

// HavingCount compares count(*) of each group with v.
func HavingCount[M any](op orm.Op, v int64) Having[M] {
	return Having[M]{orm.HavingCond{Agg: orm.AggCount, Op: op, Value: v}}
}
