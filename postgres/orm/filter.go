package orm

// Where is a conjunction (AND) of conditions; an empty Where matches every
// row. Conditions name fields and relations of the model being queried,
// never SQL: identifiers are taken from the Model and every value becomes
// a bind parameter.
type Where []Cond

// Cond is one condition of a Where: *FieldCond, *RelCond, Or, Not or And.
type Cond interface{ isCond() }

// Op is a scalar filter operator.
type Op uint8

// Scalar filter operators (Prisma's names).
const (
	OpEquals     Op = iota + 1 // equals (nil: IS NULL)
	OpNot                      // not (nil: IS NOT NULL)
	OpIn                       // in: value is a slice
	OpNotIn                    // notIn: value is a slice
	OpLt                       // lt
	OpLte                      // lte
	OpGt                       // gt
	OpGte                      // gte
	OpContains                 // contains (strings)
	OpStartsWith               // startsWith (strings)
	OpEndsWith                 // endsWith (strings)
	OpHas                      // has: a list field contains the value
	OpHasEvery                 // hasEvery: a list field contains every value
	OpHasSome                  // hasSome: a list field contains at least one value
	OpIsEmpty                  // isEmpty: value is a bool
	// OpSearch is Prisma's full-text search on PostgreSQL:
	// to_tsvector(field) @@ to_tsquery(value), value a tsquery string such
	// as "cat & !dog" or "fat <-> rat".
	OpSearch
)

var opNames = [...]string{"", "equals", "not", "in", "notIn", "lt", "lte", "gt", "gte",
	"contains", "startsWith", "endsWith", "has", "hasEvery", "hasSome", "isEmpty", "search"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op?"
}

// FieldCond compares a scalar field with a value.
type FieldCond struct {
	Field string
	Op    Op
	Value any
	// Insensitive is Prisma's mode: "insensitive" (equals, not, in, notIn,
	// contains, startsWith, endsWith on strings).
	Insensitive bool
}

// RelOp is a relation filter operator.
type RelOp uint8

// Relation filter operators.
const (
	Some  RelOp = iota + 1 // to-many: at least one related row matches
	Every                  // to-many: every related row matches
	None                   // to-many: no related row matches
	Is                     // to-one: the related row exists and matches (nil Where: is null)
	IsNot                  // to-one: there is no related row matching
)

var relOpNames = [...]string{"", "some", "every", "none", "is", "isNot"}

func (o RelOp) String() string {
	if int(o) < len(relOpNames) {
		return relOpNames[o]
	}
	return "relop?"
}

// RelCond filters on a relation. For Is and IsNot a nil Where tests the
// relation's absence (is: null) or presence (isNot: null).
type RelCond struct {
	Relation string
	Op       RelOp
	Where    Where
}

// Or matches when any of its Wheres matches.
type Or []Where

// Not matches when none of its Wheres matches (Prisma's NOT).
type Not []Where

// And groups Wheres (all must match); Where itself is already a
// conjunction, And exists for Prisma's explicit AND.
type And []Where

func (*FieldCond) isCond() {}
func (*RelCond) isCond()   {}
func (Or) isCond()         {}
func (Not) isCond()        {}
func (And) isCond()        {}

func fc(field string, op Op, v any) *FieldCond { return &FieldCond{Field: field, Op: op, Value: v} }

// Eq is field = v (v nil: IS NULL).
func Eq(field string, v any) *FieldCond { return fc(field, OpEquals, v) }

// Ne is Prisma's not: field <> v (v nil: IS NOT NULL).
func Ne(field string, v any) *FieldCond { return fc(field, OpNot, v) }

// In is field IN values; values is a slice.
func In(field string, values any) *FieldCond { return fc(field, OpIn, values) }

// NotIn is field NOT IN values; values is a slice.
func NotIn(field string, values any) *FieldCond { return fc(field, OpNotIn, values) }

// Lt is field < v.
func Lt(field string, v any) *FieldCond { return fc(field, OpLt, v) }

// Lte is field <= v.
func Lte(field string, v any) *FieldCond { return fc(field, OpLte, v) }

// Gt is field > v.
func Gt(field string, v any) *FieldCond { return fc(field, OpGt, v) }

// Gte is field >= v.
func Gte(field string, v any) *FieldCond { return fc(field, OpGte, v) }

// Contains matches strings containing s (LIKE with s escaped).
func Contains(field, s string) *FieldCond { return fc(field, OpContains, s) }

// StartsWith matches strings starting with s.
func StartsWith(field, s string) *FieldCond { return fc(field, OpStartsWith, s) }

// EndsWith matches strings ending with s.
func EndsWith(field, s string) *FieldCond { return fc(field, OpEndsWith, s) }

// Search matches String fields whose text matches the full-text query
// (to_tsvector(field) @@ to_tsquery(query), Prisma's search filter). The
// query uses PostgreSQL's tsquery syntax: & (and), | (or), ! (not), <->
// (followed by) and parentheses; an invalid query is a *ValidationError.
func Search(field, query string) *FieldCond { return fc(field, OpSearch, query) }

// Has matches list fields containing v.
func Has(field string, v any) *FieldCond { return fc(field, OpHas, v) }

// HasEvery matches list fields containing every element of values.
func HasEvery(field string, values any) *FieldCond { return fc(field, OpHasEvery, values) }

// HasSome matches list fields containing at least one element of values.
func HasSome(field string, values any) *FieldCond { return fc(field, OpHasSome, values) }

// IsEmpty matches empty (true) or non-empty (false) list fields.
func IsEmpty(field string, empty bool) *FieldCond { return fc(field, OpIsEmpty, empty) }

// Fold returns a case-insensitive copy of c (mode: "insensitive").
func Fold(c *FieldCond) *FieldCond {
	cp := *c
	cp.Insensitive = true
	return &cp
}

// SomeOf matches rows with at least one related row matching w.
func SomeOf(relation string, w ...Cond) *RelCond {
	return &RelCond{Relation: relation, Op: Some, Where: w}
}

// EveryOf matches rows whose related rows all match w.
func EveryOf(relation string, w ...Cond) *RelCond {
	return &RelCond{Relation: relation, Op: Every, Where: w}
}

// NoneOf matches rows with no related row matching w.
func NoneOf(relation string, w ...Cond) *RelCond {
	return &RelCond{Relation: relation, Op: None, Where: w}
}

// IsRel matches rows whose to-one relation exists and matches w (no
// conditions: merely exists... use IsNull for absence).
func IsRel(relation string, w ...Cond) *RelCond {
	if w == nil {
		w = Where{}
	}
	return &RelCond{Relation: relation, Op: Is, Where: w}
}

// IsNotRel matches rows whose to-one relation does not match w.
func IsNotRel(relation string, w ...Cond) *RelCond {
	if w == nil {
		w = Where{}
	}
	return &RelCond{Relation: relation, Op: IsNot, Where: w}
}

// RelIsNull matches rows without a related row (is: null).
func RelIsNull(relation string) *RelCond { return &RelCond{Relation: relation, Op: Is} }

// AnyOf is Or built from single conditions.
func AnyOf(conds ...Cond) Or {
	o := make(Or, len(conds))
	for i, c := range conds {
		o[i] = Where{c}
	}
	return o
}

// NotAll is Not built from single conditions.
func NotAll(conds ...Cond) Not {
	o := make(Not, len(conds))
	for i, c := range conds {
		o[i] = Where{c}
	}
	return o
}

// Nulls places NULLs in an ordering.
type Nulls uint8

// Null placements.
const (
	NullsDefault Nulls = iota
	NullsFirst
	NullsLast
)

// flip is the placement of NULLs when the order is reversed.
func (n Nulls) flip() Nulls {
	switch n {
	case NullsFirst:
		return NullsLast
	case NullsLast:
		return NullsFirst
	}
	return n
}

// Order is one orderBy item: a scalar field, a to-one relation's field
// (Relation and Field), or the count of a to-many relation (Relation and
// Count). Relation may be a path of to-one relations joined by dots
// ("user.profile"), as Prisma's nested {user: {profile: {bio: "asc"}}}.
// Relevance, when set, orders by full-text relevance instead (Prisma's
// _relevance); Field, Relation and Count are then unused.
type Order struct {
	Field     string
	Desc      bool
	Nulls     Nulls
	Relation  string
	Count     bool
	Relevance *Relevance
}

// Relevance is Prisma's orderBy _relevance (PostgreSQL, preview feature
// fullTextSearchPostgres): the rank of the String fields Fields, read as
// one text, against the tsquery Search — ts_rank(to_tsvector(concat_ws('
// ', fields...)), to_tsquery(search)). A query PostgreSQL cannot parse,
// or no fields, fail as Prisma's statement fails (P2039).
type Relevance struct {
	Fields []string
	Search string
}

// ByRelevance orders by the full-text relevance of fields to the tsquery
// search (Prisma's {_relevance: {fields, search, sort}}).
func ByRelevance(fields []string, search string, desc bool) Order {
	return Order{Relevance: &Relevance{Fields: fields, Search: search}, Desc: desc}
}

// isField reports whether o orders by a scalar field of the model itself.
func (o Order) isField() bool { return o.Relation == "" && !o.Count && o.Relevance == nil }

// Asc orders by field ascending.
func Asc(field string) Order { return Order{Field: field} }

// Desc orders by field descending.
func Desc(field string) Order { return Order{Field: field, Desc: true} }

// ByCount orders by the number of related rows of a to-many relation.
func ByCount(relation string, desc bool) Order {
	return Order{Relation: relation, Count: true, Desc: desc}
}
