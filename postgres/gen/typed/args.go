package typed

import "github.com/polystore/polystore/postgres/orm"

// FindArgs are the arguments of the find operations on model M and of each
// included relation level. A nil *FindArgs means no arguments.
type FindArgs[M any] struct {
	Where   []Cond[M]
	OrderBy []Order[M]
	// Cursor starts the result at the selected row (in OrderBy order).
	Cursor Unique[M]
	// Skip rows; Take at most this many (0: no limit).
	Skip, Take int
	// Distinct keeps the first row of each distinct combination of fields.
	Distinct []FieldRef[M]
	// Select loads only these scalar fields (nil: all of them).
	Select []FieldRef[M]
	// Omit leaves these fields out; Keep loads fields the client omits by
	// default (Prisma's omit: true / false; not with Select).
	Omit, Keep []FieldRef[M]
	// Include loads relations, each with its own arguments.
	Include []Include[M]
	// Count loads _count of to-many relations.
	Count []CountOf[M]
	// Strategy overrides the relation load strategy (top level only).
	Strategy orm.Strategy
	// Lock locks the returned rows until the transaction ends (FOR UPDATE,
	// SKIP LOCKED...; inside a transaction, top level only; a polystore
	// extension, see orm.Lock).
	Lock orm.Lock
}

// Orm converts the arguments for the runtime.
func (a *FindArgs[M]) Orm() *orm.FindArgs {
	if a == nil {
		return nil
	}
	out := &orm.FindArgs{
		Where: Where(a.Where), OrderBy: orders(a.OrderBy), Cursor: a.Cursor.w,
		Skip: a.Skip, Take: a.Take, Distinct: names(a.Distinct), Select: names(a.Select),
		Omit: omitOf(a.Omit, a.Keep), Strategy: a.Strategy, Lock: a.Lock,
	}
	if len(a.Include) > 0 {
		out.Include = make([]orm.Include, len(a.Include))
		for i, inc := range a.Include {
			out.Include[i] = inc.inc
		}
	}
	out.Count = countsOf(a.Count)
	return out
}

// Returning shapes the row returned by a write: scalar fields to load (or
// to omit, or to keep although the client omits them), relations to
// include and _count of to-many relations (Create, Update, Upsert and
// Delete; Prisma's createManyAndReturn and updateManyAndReturn refuse it).
type Returning[M any] struct {
	Select     []FieldRef[M]
	Omit, Keep []FieldRef[M]
	Include    []Include[M]
	Count      []CountOf[M]
}

func (r *Returning[M]) orm() ([]string, orm.Omit, []orm.Include) {
	if r == nil {
		return nil, nil, nil
	}
	var incs []orm.Include
	if len(r.Include) > 0 {
		incs = make([]orm.Include, len(r.Include))
		for i, inc := range r.Include {
			incs[i] = inc.inc
		}
	}
	return names(r.Select), omitOf(r.Omit, r.Keep), incs
}

// counts converts Count for the runtime.
func (r *Returning[M]) counts() []orm.CountOf {
	return countsOf(r.Count)
}

func countsOf[M any](cs []CountOf[M]) []orm.CountOf {
	if len(cs) == 0 {
		return nil
	}
	out := make([]orm.CountOf, len(cs))
	for i, c := range cs {
		out[i] = c.c
	}
	return out
}

// omitOf builds Prisma's omit object: true for omit, false for keep.
func omitOf[M any](omit, keep []FieldRef[M]) orm.Omit {
	if len(omit) == 0 && len(keep) == 0 {
		return nil
	}
	o := make(orm.Omit, len(omit)+len(keep))
	for _, f := range omit {
		o[f.FieldName()] = true
	}
	for _, f := range keep {
		o[f.FieldName()] = false
	}
	return o
}

// CreateArgs are the arguments of Create.
type CreateArgs[M any] struct {
	Data []Set[M]
	Returning[M]
}

// CreateManyArgs are the arguments of CreateMany: one []Set per row.
type CreateManyArgs[M any] struct {
	Data           [][]Set[M]
	SkipDuplicates bool
}

// CreateManyAndReturnArgs are the arguments of CreateManyAndReturn: one
// []Set per row; Returning shapes the returned rows.
type CreateManyAndReturnArgs[M any] struct {
	Data           [][]Set[M]
	SkipDuplicates bool
	Returning[M]
}

// UpdateManyAndReturnArgs are the arguments of UpdateManyAndReturn.
type UpdateManyAndReturnArgs[M any] struct {
	Where []Cond[M]
	Data  []Set[M]
	Limit int // at most this many rows (Prisma's limit; 0: all)
	Returning[M]
}

// UpdateArgs are the arguments of Update: Where selects one row (extra
// conditions allowed with Unique.And; a miss is P2025).
type UpdateArgs[M any] struct {
	Where Unique[M]
	Data  []Set[M]
	Returning[M]
}

// UpdateManyArgs are the arguments of UpdateMany.
type UpdateManyArgs[M any] struct {
	Where []Cond[M]
	Data  []Set[M]
	Limit int // at most this many rows (Prisma's limit; 0: all)
}

// DeleteManyArgs are the arguments of DeleteManyWith.
type DeleteManyArgs[M any] struct {
	Where []Cond[M]
	Limit int // at most this many rows (Prisma's limit; 0: all)
}

// UpsertArgs are the arguments of Upsert.
type UpsertArgs[M any] struct {
	Where  Unique[M]
	Create []Set[M]
	Update []Set[M]
	Returning[M]
}

// DeleteArgs are the arguments of Delete.
type DeleteArgs[M any] struct {
	Where Unique[M]
	Returning[M]
}

// CountArgs are the arguments of Count: OrderBy, Cursor, Skip and Take
// count a page of the matching rows, as a find pages them.
type CountArgs[M any] struct {
	Where      []Cond[M]
	OrderBy    []Order[M]
	Cursor     Unique[M]
	Skip, Take int
}

// AggregateArgs are the arguments of Aggregate: Count counts rows,
// CountFields non-null values; Sum, Avg, Min and Max name number (or, for
// Min and Max, any comparable) fields.
type AggregateArgs[M any] struct {
	Where   []Cond[M]
	OrderBy []Order[M]
	// Cursor starts the rows aggregated at the selected row (OrderBy must
	// be empty or unique, else P2019).
	Cursor             Unique[M]
	Skip, Take         int
	Count              bool
	CountFields        []FieldRef[M]
	Sum, Avg, Min, Max []FieldRef[M]
}

// GroupOrder orders groups by a By field or an aggregate.
type GroupOrder[M any] struct {
	Agg   orm.AggFunc // 0: the field itself
	Field FieldRef[M] // nil with AggCount: count(*)
	Desc  bool
	Nulls orm.Nulls // NULL groups first or last (a By field only)
}

// GroupByArgs are the arguments of GroupBy.
type GroupByArgs[M any] struct {
	By                 []FieldRef[M]
	Where              []Cond[M]
	Having             []Having[M]
	OrderBy            []GroupOrder[M]
	Skip, Take         int
	Count              bool
	CountFields        []FieldRef[M]
	Sum, Avg, Min, Max []FieldRef[M]
}

func (a *GroupByArgs[M]) orm() *orm.GroupByArgs {
	out := &orm.GroupByArgs{
		By: names(a.By), Where: Where(a.Where), Skip: a.Skip, Take: a.Take,
		Count: a.Count, CountFields: names(a.CountFields),
		Sum: names(a.Sum), Avg: names(a.Avg), Min: names(a.Min), Max: names(a.Max),
	}
	for _, h := range a.Having {
		out.Having = append(out.Having, h.h)
	}
	for _, o := range a.OrderBy {
		g := orm.GroupOrder{Agg: o.Agg, Desc: o.Desc, Nulls: o.Nulls}
		if o.Field != nil {
			g.Field = o.Field.FieldName()
		}
		out.OrderBy = append(out.OrderBy, g)
	}
	return out
}
