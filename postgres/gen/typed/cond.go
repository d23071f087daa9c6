package typed

import "github.com/polystore/polystore/postgres/orm"

// Cond is a condition on rows of model M. Build it from the generated field
// handles (UserFields.Email.Contains("@x")) and combine it with And, Or and
// Not; it converts to an orm.Cond.
type Cond[M any] struct{ c orm.Cond }

// Wrap turns an untyped orm condition into a condition on M (for
// conditions the handles do not cover). The runtime still checks its
// field names against the model.
func Wrap[M any](c orm.Cond) Cond[M] { return Cond[M]{c} }

// Orm returns the runtime condition.
func (c Cond[M]) Orm() orm.Cond { return c.c }

// Insensitive makes a string comparison, or a Json string_* filter,
// case-insensitive (Prisma's mode: "insensitive"); other conditions are
// returned unchanged.
func (c Cond[M]) Insensitive() Cond[M] {
	switch x := c.c.(type) {
	case *orm.FieldCond:
		return Cond[M]{orm.Fold(x)}
	case *orm.JSONCond:
		return Cond[M]{orm.FoldJSON(x)}
	}
	return c
}

// Where converts conditions to an orm.Where (a conjunction); nil for none.
func Where[M any](conds []Cond[M]) orm.Where {
	if len(conds) == 0 {
		return nil
	}
	w := make(orm.Where, len(conds))
	for i, c := range conds {
		w[i] = c.c
	}
	return w
}

// And matches rows matching every condition (Prisma's AND).
func And[M any](conds ...Cond[M]) Cond[M] {
	return Cond[M]{orm.And{Where(conds)}}
}

// Or matches rows matching at least one condition (Prisma's OR); use And
// to make one alternative out of several conditions.
func Or[M any](conds ...Cond[M]) Cond[M] {
	o := make(orm.Or, len(conds))
	for i, c := range conds {
		o[i] = orm.Where{c.c}
	}
	return Cond[M]{o}
}

// Not matches rows matching none of the conditions (Prisma's NOT).
func Not[M any](conds ...Cond[M]) Cond[M] {
	o := make(orm.Not, len(conds))
	for i, c := range conds {
		o[i] = orm.Where{c.c}
	}
	return Cond[M]{o}
}

// Unique selects one row of M: equality on the primary key or on a unique
// field set, built by the generated UserByID, PostByTitleAuthorID...
// functions. And adds non-unique conditions (an update guarded by
// balance >= amount).
type Unique[M any] struct{ w orm.Where }

// NewUnique is used by generated code: conds must be equalities on a
// primary key or unique field set (the runtime checks it).
func NewUnique[M any](conds ...Cond[M]) Unique[M] { return Unique[M]{Where(conds)} }

// And returns a selector with more conditions; the receiver is unchanged.
func (u Unique[M]) And(conds ...Cond[M]) Unique[M] {
	w := make(orm.Where, 0, len(u.w)+len(conds))
	w = append(w, u.w...)
	w = append(w, Where(conds)...)
	return Unique[M]{w}
}

// Where returns the conditions as an orm.Where.
func (u Unique[M]) Where() orm.Where { return u.w }

// IsZero reports whether the selector is empty.
func (u Unique[M]) IsZero() bool { return len(u.w) == 0 }

func uniques[M any](us []Unique[M]) []orm.Where {
	if len(us) == 0 {
		return nil
	}
	out := make([]orm.Where, len(us))
	for i, u := range us {
		out[i] = u.w
	}
	return out
}

// Order is one orderBy item of model M.
type Order[M any] struct{ o orm.Order }

// Orm returns the runtime ordering.
func (o Order[M]) Orm() orm.Order { return o.o }

// NullsFirst places NULLs first.
func (o Order[M]) NullsFirst() Order[M] { o.o.Nulls = orm.NullsFirst; return o }

// NullsLast places NULLs last.
func (o Order[M]) NullsLast() Order[M] { o.o.Nulls = orm.NullsLast; return o }

func orders[M any](os []Order[M]) []orm.Order {
	if len(os) == 0 {
		return nil
	}
	out := make([]orm.Order, len(os))
	for i, o := range os {
		out[i] = o.o
	}
	return out
}

// FieldRef is a scalar field of model M, for Select, Distinct, GroupBy and
// aggregates.
type FieldRef[M any] interface {
	FieldName() string
	fieldOf(*M)
}

func names[M any](fs []FieldRef[M]) []string {
	if len(fs) == 0 {
		return nil
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.FieldName()
	}
	return out
}
