package typed

import (
	"context"
	"fmt"

	"github.com/polystore/polystore/postgres/orm"
)

// Delegate runs the operations of model M (User) against a client or a
// transaction; generated clients hold one per model (client.User). Every
// method converts its typed arguments and calls the orm.Delegate method of
// the same name.
type Delegate[M any] struct {
	db orm.DB
	od orm.Delegate[M]
}

// NewDelegate is used by generated code.
func NewDelegate[M any](db orm.DB, m *orm.Model) Delegate[M] {
	return Delegate[M]{db, orm.Delegate[M]{Model: m}}
}

// Model returns the model's metadata.
func (d Delegate[M]) Model() *orm.Model { return d.od.Model }

// DB returns the client or transaction the delegate runs on.
func (d Delegate[M]) DB() orm.DB { return d.db }

// nilArgs is the *orm.ValidationError of a write called without arguments.
func (d Delegate[M]) nilArgs(op string) error {
	name := ""
	if d.od.Model != nil {
		name = d.od.Model.Name
	}
	return &orm.ValidationError{Model: name, Issues: []orm.Issue{{Message: op + " needs arguments"}}}
}

// uniqueArgs builds fresh runtime arguments with Take 1, which the runtime
// applies to a FindUnique anyway: it then has no copy of them to make.
func uniqueArgs[M any](where Unique[M], args *FindArgs[M]) *orm.FindArgs {
	fa := args.Orm()
	if fa == nil {
		return &orm.FindArgs{Where: where.w, Take: 1}
	}
	fa.Take = 1
	if len(fa.Where) == 0 {
		fa.Where = where.w
		return fa
	}
	w := make(orm.Where, 0, len(where.w)+len(fa.Where))
	fa.Where = append(append(w, where.w...), fa.Where...)
	return fa
}

// FindUnique returns the row selected by where, or nil. args.Where may add
// conditions; Select, Include and Count shape the result.
func (d Delegate[M]) FindUnique(ctx context.Context, where Unique[M], args *FindArgs[M]) (*M, error) {
	return d.od.FindUnique(ctx, d.db, uniqueArgs(where, args))
}

// FindUniqueOrThrow is FindUnique failing with P2025 (orm.ErrNotFound).
func (d Delegate[M]) FindUniqueOrThrow(ctx context.Context, where Unique[M], args *FindArgs[M]) (*M, error) {
	return d.od.FindUniqueOrThrow(ctx, d.db, uniqueArgs(where, args))
}

// FindFirst returns the first matching row, or nil.
func (d Delegate[M]) FindFirst(ctx context.Context, args *FindArgs[M]) (*M, error) {
	return d.od.FindFirst(ctx, d.db, args.Orm())
}

// FindFirstOrThrow is FindFirst failing with P2025 (orm.ErrNotFound).
func (d Delegate[M]) FindFirstOrThrow(ctx context.Context, args *FindArgs[M]) (*M, error) {
	return d.od.FindFirstOrThrow(ctx, d.db, args.Orm())
}

// FindMany returns the matching rows.
func (d Delegate[M]) FindMany(ctx context.Context, args *FindArgs[M]) ([]M, error) {
	return d.od.FindMany(ctx, d.db, args.Orm())
}

// Create inserts a row (with nested writes, in one transaction) and
// returns it.
func (d Delegate[M]) Create(ctx context.Context, args *CreateArgs[M]) (*M, error) {
	if args == nil {
		return nil, d.nilArgs("Create")
	}
	sel, omit, inc := args.Returning.orm()
	return d.od.Create(ctx, d.db, &orm.CreateArgs{Data: Data(args.Data), Select: sel, Omit: omit, Include: inc, Count: args.counts()})
}

// CreateMany inserts rows (COPY or multi-row INSERT) and returns how many.
func (d Delegate[M]) CreateMany(ctx context.Context, args *CreateManyArgs[M]) (int64, error) {
	if args == nil {
		return 0, d.nilArgs("CreateMany")
	}
	return d.od.CreateMany(ctx, d.db, &orm.CreateManyArgs{Rows: pairRows(args.Data), SkipDuplicates: args.SkipDuplicates})
}

// CreateManyAndReturn inserts rows and returns them in order (Prisma's
// createManyAndReturn).
func (d Delegate[M]) CreateManyAndReturn(ctx context.Context, args *CreateManyAndReturnArgs[M]) ([]M, error) {
	if args == nil {
		return nil, d.nilArgs("CreateManyAndReturn")
	}
	if len(args.Count) > 0 {
		return nil, fmt.Errorf("%w: createManyAndReturn returns no _count (Prisma's select has no _count there)", orm.ErrValidation)
	}
	sel, omit, inc := args.Returning.orm()
	return d.od.CreateManyAndReturn(ctx, d.db, &orm.CreateManyArgs{Rows: pairRows(args.Data), SkipDuplicates: args.SkipDuplicates,
		Select: sel, Omit: omit, Include: inc})
}

// UpdateManyAndReturn updates the matching rows and returns them (Prisma's
// updateManyAndReturn).
func (d Delegate[M]) UpdateManyAndReturn(ctx context.Context, args *UpdateManyAndReturnArgs[M]) ([]M, error) {
	if args == nil {
		return nil, d.nilArgs("UpdateManyAndReturn")
	}
	sel, omit, inc := args.Returning.orm()
	return d.od.UpdateManyAndReturn(ctx, d.db, &orm.UpdateArgs{Where: Where(args.Where), Data: Data(args.Data), Limit: args.Limit,
		Select: sel, Omit: omit, Include: inc, Count: args.counts()})
}

// Update updates the selected row and returns it; a miss is P2025.
func (d Delegate[M]) Update(ctx context.Context, args *UpdateArgs[M]) (*M, error) {
	if args == nil {
		return nil, d.nilArgs("Update")
	}
	sel, omit, inc := args.Returning.orm()
	return d.od.Update(ctx, d.db, &orm.UpdateArgs{Where: args.Where.w, Data: Data(args.Data), Select: sel, Omit: omit, Include: inc,
		Count: args.counts()})
}

// UpdateMany updates the matching rows and returns how many.
func (d Delegate[M]) UpdateMany(ctx context.Context, args *UpdateManyArgs[M]) (int64, error) {
	if args == nil {
		return 0, d.nilArgs("UpdateMany")
	}
	return d.od.UpdateMany(ctx, d.db, &orm.UpdateArgs{Where: Where(args.Where), Data: Data(args.Data), Limit: args.Limit})
}

// Upsert updates the selected row or creates it, and returns it.
func (d Delegate[M]) Upsert(ctx context.Context, args *UpsertArgs[M]) (*M, error) {
	if args == nil {
		return nil, d.nilArgs("Upsert")
	}
	sel, omit, inc := args.Returning.orm()
	return d.od.Upsert(ctx, d.db, &orm.UpsertArgs{Where: args.Where.w, Create: Data(args.Create),
		Update: Data(args.Update), Select: sel, Omit: omit, Include: inc, Count: args.counts()})
}

// Delete deletes the selected row and returns it; a miss is P2025.
func (d Delegate[M]) Delete(ctx context.Context, args *DeleteArgs[M]) (*M, error) {
	if args == nil {
		return nil, d.nilArgs("Delete")
	}
	sel, omit, inc := args.Returning.orm()
	return d.od.Delete(ctx, d.db, &orm.DeleteArgs{Where: args.Where.w, Select: sel, Omit: omit, Include: inc, Count: args.counts()})
}

// DeleteMany deletes the rows matching every condition and returns how
// many (no condition: every row).
func (d Delegate[M]) DeleteMany(ctx context.Context, where ...Cond[M]) (int64, error) {
	return d.od.DeleteMany(ctx, d.db, &orm.DeleteArgs{Where: Where(where)})
}

// DeleteManyWith is DeleteMany with Prisma's limit: at most args.Limit of
// the matching rows are deleted (0: all).
func (d Delegate[M]) DeleteManyWith(ctx context.Context, args *DeleteManyArgs[M]) (int64, error) {
	if args == nil {
		return 0, d.nilArgs("DeleteManyWith")
	}
	return d.od.DeleteMany(ctx, d.db, &orm.DeleteArgs{Where: Where(args.Where), Limit: args.Limit})
}

// Count counts the matching rows.
func (d Delegate[M]) Count(ctx context.Context, args *CountArgs[M]) (int64, error) {
	if args == nil {
		return d.od.Count(ctx, d.db, nil)
	}
	return d.od.Count(ctx, d.db, &orm.CountArgs{Where: Where(args.Where), OrderBy: orders(args.OrderBy), Cursor: args.Cursor.w,
		Skip: args.Skip, Take: args.Take})
}

// CountSelect counts the matching rows (key "_all") and the non-null
// values of each of fields (keyed by field name), as Prisma's
// count({select: {_all: true, name: true}}).
func (d Delegate[M]) CountSelect(ctx context.Context, args *CountArgs[M], fields ...FieldRef[M]) (map[string]int64, error) {
	a := &orm.CountArgs{Select: append([]string{"_all"}, names(fields)...)}
	if args != nil {
		a.Where, a.OrderBy, a.Cursor, a.Skip, a.Take = Where(args.Where), orders(args.OrderBy), args.Cursor.w, args.Skip, args.Take
	}
	return d.od.CountSelect(ctx, d.db, a)
}

// Aggregate computes _count, _sum, _avg, _min and _max over the matching
// rows; the result maps field names to values.
func (d Delegate[M]) Aggregate(ctx context.Context, args *AggregateArgs[M]) (*orm.AggregateResult, error) {
	if args == nil {
		return nil, d.nilArgs("Aggregate")
	}
	return d.od.Aggregate(ctx, d.db, &orm.AggregateArgs{
		Where: Where(args.Where), OrderBy: orders(args.OrderBy), Cursor: args.Cursor.w, Skip: args.Skip, Take: args.Take,
		Count: args.Count, CountFields: names(args.CountFields),
		Sum: names(args.Sum), Avg: names(args.Avg), Min: names(args.Min), Max: names(args.Max),
	})
}

// GroupBy groups the matching rows by the By fields, with aggregates per
// group, Having conditions and ordering.
func (d Delegate[M]) GroupBy(ctx context.Context, args *GroupByArgs[M]) ([]orm.Group, error) {
	if args == nil {
		return nil, d.nilArgs("GroupBy")
	}
	return d.od.GroupBy(ctx, d.db, args.orm())
}
