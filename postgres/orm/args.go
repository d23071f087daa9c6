package orm

// FindArgs are the arguments of FindMany, FindFirst and FindUnique, and of
// each included relation level.
type FindArgs struct {
	Where   Where
	OrderBy []Order
	// Cursor is a unique selector; the result starts at that row in the
	// OrderBy order (the primary key is appended as a tie-breaker).
	Cursor Where
	// Skip rows; Take at most this many rows (0: no limit). A negative Take
	// (top level, and per parent in a to-many include) returns the last
	// -Take rows in OrderBy order, or with
	// a Cursor the rows up to it.
	Skip, Take int
	// Distinct keeps the first row (in OrderBy order) of each distinct
	// combination of these fields.
	Distinct []string
	// Select lists the scalar fields to load; nil loads them all. Fields
	// needed to link included relations are always loaded.
	Select []string
	// Omit leaves fields out (not with Select; see Omit and Config.Omit).
	Omit Omit
	// Include loads relations, each with its own arguments.
	Include []Include
	// Count loads the number of related rows per relation into the result's
	// "_count" field.
	Count []CountOf
	// Strategy overrides the client's relation load strategy (top level
	// only).
	Strategy Strategy
	// Lock locks the returned rows until the transaction ends (SELECT ...
	// FOR UPDATE/FOR SHARE, SKIP LOCKED or NOWAIT; top level, inside a
	// transaction only). A polystore extension beyond Prisma.
	Lock Lock
}

// Include loads one relation. Args may be nil.
type Include struct {
	Relation string
	Args     *FindArgs
}

// CountOf counts the related rows of a to-many relation, optionally only
// those matching Where.
type CountOf struct {
	Relation string
	Where    Where
}

// Inc is a shorthand for an Include without arguments.
func Inc(relation string, nested ...Include) Include {
	if len(nested) == 0 {
		return Include{Relation: relation}
	}
	return Include{Relation: relation, Args: &FindArgs{Include: nested}}
}

// Data holds the values of a create or update, keyed by field name. Values
// are plain values (nil for NULL), an *Atomic for number updates, or a
// *Nested for relation fields.
type Data map[string]any

// AtomicOp is an atomic number update.
type AtomicOp uint8

// Atomic number update operators.
const (
	AtomicSet AtomicOp = iota + 1
	AtomicIncrement
	AtomicDecrement
	AtomicMultiply
	AtomicDivide
	AtomicPush // scalar lists: append a value or a list (Prisma's push)
)

// Atomic updates a number field in place (col = col + $1...), so
// concurrent updates never lose each other.
type Atomic struct {
	Op    AtomicOp
	Value any
}

// Increment adds v.
func Increment(v any) *Atomic { return &Atomic{AtomicIncrement, v} }

// Decrement subtracts v.
func Decrement(v any) *Atomic { return &Atomic{AtomicDecrement, v} }

// Multiply multiplies by v.
func Multiply(v any) *Atomic { return &Atomic{AtomicMultiply, v} }

// Divide divides by v.
func Divide(v any) *Atomic { return &Atomic{AtomicDivide, v} }

// Push appends v — one element or a slice of elements — to a scalar list
// (Prisma's push; a NULL list becomes the pushed elements).
func Push(v any) *Atomic { return &Atomic{AtomicPush, v} }

// Set sets the value (same as a plain value).
func Set(v any) *Atomic { return &Atomic{AtomicSet, v} }

// Nested is a nested write on a relation field of Data. Each list is
// applied in the order of the fields below; all of it runs in the
// transaction of the parent write.
type Nested struct {
	Create []Data
	// CreateMany creates rows like Create; the rows may not hold nested
	// writes. SkipDuplicates skips the CreateMany rows that would violate a
	// unique constraint (Prisma's createMany: {data, skipDuplicates}).
	CreateMany      []Data
	SkipDuplicates  bool
	Connect         []Where // unique selectors
	ConnectOrCreate []ConnectOrCreate
	// Disconnect unlinks related rows (to-one: set Disconnect to a nil
	// entry, e.g. []Where{nil}).
	Disconnect []Where
	// Set replaces every link of a to-many relation with the given rows
	// (SetNone clears it).
	Set     []Where
	SetNone bool
	Update  []NestedUpdate
	// UpdateMany updates every related row matching each Where with Data
	// (a to-many relation, in an update; scalar data only; none matching is
	// not an error).
	UpdateMany []NestedUpdate
	// Upsert updates the linked row matching Where, or creates a linked row.
	Upsert []NestedUpsert
	// Delete removes related rows (to-one: a nil entry deletes the linked row).
	Delete []Where
	// DeleteMany removes every related row matching each Where (a to-many
	// relation; none matching is not an error).
	DeleteMany []Where
}

// ConnectOrCreate connects the row matching Where or creates it.
type ConnectOrCreate struct {
	Where  Where
	Create Data
}

// NestedUpsert updates the related row matching Where, or creates it.
type NestedUpsert struct {
	Where  Where
	Create Data
	Update Data
}

// NestedUpdate updates the related rows matching Where (to-one: nil Where).
type NestedUpdate struct {
	Where Where
	Data  Data
}

// CreateArgs are the arguments of Create.
type CreateArgs struct {
	Data    Data
	Select  []string
	Omit    Omit
	Include []Include
	// Count loads the number of related rows per to-many relation into the
	// returned row's "_count" field, as FindArgs.Count (Prisma's _count in
	// the select or include of a write).
	Count []CountOf
}

// CreateManyArgs are the arguments of CreateMany. Rows may set different
// fields; omitted fields take their database default.
type CreateManyArgs struct {
	Data []Data
	// Rows gives the rows as field/value pairs instead of Data, with no map
	// per row (the generated client's form); a field set twice in a row
	// keeps its last value, as in Data. Set Data or Rows, not both.
	// Extensions see Rows as Data.
	Rows [][]FieldValue
	// SkipDuplicates adds ON CONFLICT DO NOTHING.
	SkipDuplicates bool
	// Select, Omit and Include shape the rows CreateManyAndReturn returns
	// (CreateMany returns a count and ignores them).
	Select  []string
	Omit    Omit
	Include []Include
}

// FieldValue is one field of a row of CreateManyArgs.Rows.
type FieldValue struct {
	Field string
	Value any
}

// UpdateArgs are the arguments of Update (Where must contain a unique
// selector; other conditions may be added) and UpdateMany.
type UpdateArgs struct {
	Where Where
	Data  Data
	// Limit caps the rows UpdateMany and UpdateManyAndReturn change (Prisma's
	// limit; 0: no cap). Update ignores it.
	Limit   int
	Select  []string
	Omit    Omit
	Include []Include
	// Count (Update only; Prisma's updateManyAndReturn has no _count) loads the number of related rows per to-many relation into the
	// returned row's "_count" field, as FindArgs.Count (Prisma's _count in
	// the select or include of a write).
	Count []CountOf
}

// UpsertArgs are the arguments of Upsert: Where is a unique selector.
type UpsertArgs struct {
	Where   Where
	Create  Data
	Update  Data
	Select  []string
	Omit    Omit
	Include []Include
	// Count loads the number of related rows per to-many relation into the
	// returned row's "_count" field, as FindArgs.Count (Prisma's _count in
	// the select or include of a write).
	Count []CountOf
}

// DeleteArgs are the arguments of Delete (unique Where) and DeleteMany.
type DeleteArgs struct {
	Where Where
	// Limit caps the rows DeleteMany deletes (Prisma's limit; 0: no cap).
	// Delete ignores it.
	Limit   int
	Select  []string
	Omit    Omit
	Include []Include
	// Count (Delete only) loads the number of related rows per to-many relation into the
	// returned row's "_count" field, as FindArgs.Count (Prisma's _count in
	// the select or include of a write).
	Count []CountOf
}

// CountArgs are the arguments of Count. OrderBy, Cursor, Skip and Take
// count a page of the matching rows, as FindArgs pages them (a negative
// Take counts the rows before the cursor, or the last rows).
type CountArgs struct {
	Where   Where
	OrderBy []Order
	Cursor  Where
	Skip    int
	Take    int
	// Select counts per field, as Prisma's count({select: {_all: true,
	// name: true}}): "_all" counts the rows, a field its non-null values.
	// CountSelect reads it; Count, which returns one number, refuses it.
	Select []string
}

// AggregateArgs are the arguments of Aggregate.
type AggregateArgs struct {
	Where   Where
	OrderBy []Order
	// Cursor starts the rows aggregated at this unique row in OrderBy
	// order; OrderBy must then be empty or hold a unique field set, else
	// Prisma's P2019.
	Cursor Where
	Skip   int
	Take   int
	// Count counts rows (_count: {_all: true}); CountFields counts non-null
	// values per field.
	Count              bool
	CountFields        []string
	Sum, Avg, Min, Max []string
}

// AggregateResult holds aggregate values keyed by field name.
type AggregateResult struct {
	Count       int64
	CountFields map[string]int64
	Sum         map[string]any
	Avg         map[string]any
	Min         map[string]any
	Max         map[string]any
}

// Aggregate functions usable in Having and GroupBy ordering.
type AggFunc uint8

// Aggregate functions.
const (
	AggCount AggFunc = iota + 1
	AggSum
	AggAvg
	AggMin
	AggMax
)

var aggNames = [...]string{"", "_count", "_sum", "_avg", "_min", "_max"}

func (a AggFunc) String() string {
	if int(a) < len(aggNames) {
		return aggNames[a]
	}
	return "agg?"
}

// HavingCond compares an aggregate of a field (Field "" with AggCount:
// count(*)) with a value; Agg 0 compares a By field itself (Prisma's
// having: {genre: "sf"}).
type HavingCond struct {
	Agg   AggFunc
	Field string
	Op    Op // OpEquals, OpNot, OpLt, OpLte, OpGt, OpGte, OpIn, OpNotIn; of a String: OpContains, OpStartsWith, OpEndsWith
	Value any
	// Insensitive compares a String by field case-insensitively (Prisma's
	// mode: "insensitive").
	Insensitive bool
	// JSON, when set, is a Json filter on Field, a by field (Prisma's
	// having: {doc: {path: [...], equals: ...}}); Agg, Op and Value are
	// then unused.
	JSON *JSONCond
	// Or, when set, makes the condition a disjunction of conjunctions
	// (Prisma's having: {OR: [...]}; none, or only empty ones, match no
	// group), and Not the conjunction of their negations (NOT: [...]);
	// Agg, Field, Op and Value are then unused.
	Or, Not [][]HavingCond
}

// GroupOrder orders groups by a By field (Agg 0) or an aggregate.
type GroupOrder struct {
	Agg   AggFunc
	Field string
	Desc  bool
	// Nulls places NULL groups (a By field only, as Prisma's
	// {sort, nulls}); PostgreSQL's default puts them last ascending,
	// first descending.
	Nulls Nulls
}

// GroupByArgs are the arguments of GroupBy.
type GroupByArgs struct {
	By                 []string
	Where              Where
	Having             []HavingCond
	OrderBy            []GroupOrder
	Skip               int
	Take               int
	Count              bool
	CountFields        []string
	Sum, Avg, Min, Max []string
}

// Group is one GroupBy row: Key holds the By fields.
type Group struct {
	Key map[string]any
	AggregateResult
}
