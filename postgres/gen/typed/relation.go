package typed

import "github.com/polystore/polystore/postgres/orm"

// Set is one assignment of a create or update on model M: a value, an
// atomic number update, or a nested write on a relation.
type Set[M any] struct {
	field string
	value any
}

// SetRaw assigns an untyped value (an orm.Atomic, an orm.Nested...) to a
// field or relation of M; the runtime checks it.
func SetRaw[M any](field string, value any) Set[M] { return Set[M]{field, value} }

// Data converts assignments to orm.Data. Nested writes on the same
// relation are merged, in order.
func Data[M any](sets []Set[M]) orm.Data {
	d := make(orm.Data, len(sets))
	for _, s := range sets {
		if n, ok := s.value.(*orm.Nested); ok {
			if prev, ok := d[s.field].(*orm.Nested); ok {
				d[s.field] = mergeNested(prev, n)
				continue
			}
		}
		d[s.field] = s.value
	}
	return d
}

func mergeNested(a, b *orm.Nested) *orm.Nested {
	return &orm.Nested{
		Create:          append(a.Create[:len(a.Create):len(a.Create)], b.Create...),
		CreateMany:      append(a.CreateMany[:len(a.CreateMany):len(a.CreateMany)], b.CreateMany...),
		SkipDuplicates:  a.SkipDuplicates || b.SkipDuplicates,
		Connect:         append(a.Connect[:len(a.Connect):len(a.Connect)], b.Connect...),
		ConnectOrCreate: append(a.ConnectOrCreate[:len(a.ConnectOrCreate):len(a.ConnectOrCreate)], b.ConnectOrCreate...),
		Disconnect:      append(a.Disconnect[:len(a.Disconnect):len(a.Disconnect)], b.Disconnect...),
		Set:             append(a.Set[:len(a.Set):len(a.Set)], b.Set...),
		SetNone:         a.SetNone || b.SetNone,
		Update:          append(a.Update[:len(a.Update):len(a.Update)], b.Update...),
		UpdateMany:      append(a.UpdateMany[:len(a.UpdateMany):len(a.UpdateMany)], b.UpdateMany...),
		DeleteMany:      append(a.DeleteMany[:len(a.DeleteMany):len(a.DeleteMany)], b.DeleteMany...),
		Upsert:          append(a.Upsert[:len(a.Upsert):len(a.Upsert)], b.Upsert...),
		Delete:          append(a.Delete[:len(a.Delete):len(a.Delete)], b.Delete...),
	}
}

// pairRows converts createMany rows to field/value pairs for the runtime
// (orm.CreateManyArgs.Rows): one allocation for all of them, no map per
// row.
func pairRows[M any](rs [][]Set[M]) [][]orm.FieldValue {
	n := 0
	for _, r := range rs {
		n += len(r)
	}
	flat := make([]orm.FieldValue, n)
	out := make([][]orm.FieldValue, len(rs))
	k := 0
	for i, r := range rs {
		row := flat[k : k+len(r) : k+len(r)]
		for j, s := range r {
			row[j] = orm.FieldValue{Field: s.field, Value: s.value}
		}
		out[i] = row
		k += len(r)
	}
	return out
}

func rows[M any](rs [][]Set[M]) []orm.Data {
	out := make([]orm.Data, len(rs))
	for i, r := range rs {
		out[i] = Data(r)
	}
	return out
}

// Include loads a relation of model M.
type Include[M any] struct{ inc orm.Include }

// Orm returns the runtime include.
func (i Include[M]) Orm() orm.Include { return i.inc }

// CountOf counts the related rows of a to-many relation of M (_count).
type CountOf[M any] struct{ c orm.CountOf }

type relation struct{ name string }

// ToMany is a list relation of model M to model R (User.posts,
// Post.categories).
type ToMany[M, R any] struct{ relation }

// NewToMany is used by generated code.
func NewToMany[M, R any](name string) ToMany[M, R] { return ToMany[M, R]{relation{name}} }

// RelationName returns the schema name of the relation field.
func (r ToMany[M, R]) RelationName() string { return r.name }

func (r ToMany[M, R]) rel(op orm.RelOp, conds []Cond[R]) Cond[M] {
	w := Where(conds)
	if w == nil {
		w = orm.Where{}
	}
	return Cond[M]{&orm.RelCond{Relation: r.name, Op: op, Where: w}}
}

// Some matches rows with at least one related row matching every condition.
func (r ToMany[M, R]) Some(conds ...Cond[R]) Cond[M] { return r.rel(orm.Some, conds) }

// Every matches rows whose related rows all match.
func (r ToMany[M, R]) Every(conds ...Cond[R]) Cond[M] { return r.rel(orm.Every, conds) }

// None matches rows with no related row matching.
func (r ToMany[M, R]) None(conds ...Cond[R]) Cond[M] { return r.rel(orm.None, conds) }

// Include loads the relation; args (nil for all rows) may filter, order,
// page, select and include further, to any depth.
func (r ToMany[M, R]) Include(args *FindArgs[R]) Include[M] {
	return Include[M]{orm.Include{Relation: r.name, Args: args.Orm()}}
}

// Count counts the related rows matching conds into the result's _count.
func (r ToMany[M, R]) Count(conds ...Cond[R]) CountOf[M] {
	return CountOf[M]{orm.CountOf{Relation: r.name, Where: Where(conds)}}
}

// CountAsc orders by the number of related rows, ascending.
func (r ToMany[M, R]) CountAsc() Order[M] { return Order[M]{orm.ByCount(r.name, false)} }

// CountDesc orders by the number of related rows, descending.
func (r ToMany[M, R]) CountDesc() Order[M] { return Order[M]{orm.ByCount(r.name, true)} }

// Create creates related rows linked to this one (one row per argument).
func (r ToMany[M, R]) Create(rowsData ...[]Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Create: rows(rowsData)}}
}

// CreateMany creates related rows in one statement (no nested writes
// inside them).
func (r ToMany[M, R]) CreateMany(rowsData ...[]Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{CreateMany: rows(rowsData)}}
}

// CreateManySkippingDuplicates is CreateMany leaving out the rows that
// would violate a unique constraint (Prisma's createMany with
// skipDuplicates: true).
func (r ToMany[M, R]) CreateManySkippingDuplicates(rowsData ...[]Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{CreateMany: rows(rowsData), SkipDuplicates: true}}
}

// Connect links existing rows.
func (r ToMany[M, R]) Connect(where ...Unique[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Connect: uniques(where)}}
}

// ConnectOrCreate links the row matching where, or creates it.
func (r ToMany[M, R]) ConnectOrCreate(where Unique[R], create ...Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{Where: where.w, Create: Data(create)}}}}
}

// Disconnect unlinks related rows.
func (r ToMany[M, R]) Disconnect(where ...Unique[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Disconnect: uniques(where)}}
}

// SetTo replaces every link with the given rows (none: clears the relation).
func (r ToMany[M, R]) SetTo(where ...Unique[R]) Set[M] {
	if len(where) == 0 {
		return Set[M]{r.name, &orm.Nested{SetNone: true}}
	}
	return Set[M]{r.name, &orm.Nested{Set: uniques(where)}}
}

// Update updates the related rows matching where.
func (r ToMany[M, R]) Update(where []Cond[R], data ...Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Update: []orm.NestedUpdate{{Where: Where(where), Data: Data(data)}}}}
}

// UpdateMany updates every related row matching where with data (scalar
// assignments only; in an update of M).
func (r ToMany[M, R]) UpdateMany(where []Cond[R], data ...Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: Where(where), Data: Data(data)}}}}
}

// DeleteMany deletes every related row matching where (no condition: all
// of them; in an update of M).
func (r ToMany[M, R]) DeleteMany(where ...Cond[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{DeleteMany: []orm.Where{Where(where)}}}
}

// Upsert updates the related row matching where, or creates one.
func (r ToMany[M, R]) Upsert(where Unique[R], create, update []Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Upsert: []orm.NestedUpsert{{Where: where.w, Create: Data(create), Update: Data(update)}}}}
}

// Delete deletes related rows.
func (r ToMany[M, R]) Delete(where ...Unique[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Delete: uniques(where)}}
}

// ToOne is a to-one relation of model M to model R (Post.author,
// User.profile).
type ToOne[M, R any] struct{ relation }

// NewToOne is used by generated code.
func NewToOne[M, R any](name string) ToOne[M, R] { return ToOne[M, R]{relation{name}} }

// RelationName returns the schema name of the relation field.
func (r ToOne[M, R]) RelationName() string { return r.name }

// Is matches rows whose related row exists and matches every condition.
func (r ToOne[M, R]) Is(conds ...Cond[R]) Cond[M] {
	w := Where(conds)
	if w == nil {
		w = orm.Where{}
	}
	return Cond[M]{&orm.RelCond{Relation: r.name, Op: orm.Is, Where: w}}
}

// IsNot matches rows whose related row does not match the conditions.
func (r ToOne[M, R]) IsNot(conds ...Cond[R]) Cond[M] {
	w := Where(conds)
	if w == nil {
		w = orm.Where{}
	}
	return Cond[M]{&orm.RelCond{Relation: r.name, Op: orm.IsNot, Where: w}}
}

// IsNull matches rows without a related row.
func (r ToOne[M, R]) IsNull() Cond[M] { return Cond[M]{orm.RelIsNull(r.name)} }

// IsNotNull matches rows with a related row.
func (r ToOne[M, R]) IsNotNull() Cond[M] {
	return Cond[M]{&orm.RelCond{Relation: r.name, Op: orm.IsNot}}
}

// Include loads the related row; args may select and include further.
func (r ToOne[M, R]) Include(args *FindArgs[R]) Include[M] {
	return Include[M]{orm.Include{Relation: r.name, Args: args.Orm()}}
}

// By orders by a field of the related row.
func (r ToOne[M, R]) By(o Order[R]) Order[M] {
	return Order[M]{orm.Order{Relation: r.name, Field: o.o.Field, Desc: o.o.Desc, Nulls: o.o.Nulls}}
}

// Create creates the related row and links it.
func (r ToOne[M, R]) Create(data ...Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Create: []orm.Data{Data(data)}}}
}

// Connect links an existing row.
func (r ToOne[M, R]) Connect(where Unique[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Connect: []orm.Where{where.w}}}
}

// ConnectOrCreate links the row matching where, or creates it.
func (r ToOne[M, R]) ConnectOrCreate(where Unique[R], create ...Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{Where: where.w, Create: Data(create)}}}}
}

// Disconnect unlinks the related row (optional relations).
func (r ToOne[M, R]) Disconnect() Set[M] {
	return Set[M]{r.name, &orm.Nested{Disconnect: []orm.Where{nil}}}
}

// Update updates the related row.
func (r ToOne[M, R]) Update(data ...Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Update: []orm.NestedUpdate{{Data: Data(data)}}}}
}

// Upsert updates the related row, or creates and links one.
func (r ToOne[M, R]) Upsert(create, update []Set[R]) Set[M] {
	return Set[M]{r.name, &orm.Nested{Upsert: []orm.NestedUpsert{{Create: Data(create), Update: Data(update)}}}}
}

// Delete deletes the related row.
func (r ToOne[M, R]) Delete() Set[M] {
	return Set[M]{r.name, &orm.Nested{Delete: []orm.Where{nil}}}
}
