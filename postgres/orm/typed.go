package orm

import "context"

// Delegate binds a model to its row type T: generated clients declare one
// per model (var User = orm.Delegate[UserRow]{Model: UserModel}) and call
// its methods with a *Client or a *Tx.
type Delegate[T any] struct{ Model *Model }

// FindMany: see the package function.
func (d Delegate[T]) FindMany(ctx context.Context, db DB, args *FindArgs) ([]T, error) {
	return FindMany[T](ctx, db, d.Model, args)
}

// FindFirst: see the package function.
func (d Delegate[T]) FindFirst(ctx context.Context, db DB, args *FindArgs) (*T, error) {
	return FindFirst[T](ctx, db, d.Model, args)
}

// FindFirstOrThrow: see the package function.
func (d Delegate[T]) FindFirstOrThrow(ctx context.Context, db DB, args *FindArgs) (*T, error) {
	return FindFirstOrThrow[T](ctx, db, d.Model, args)
}

// FindUnique: see the package function.
func (d Delegate[T]) FindUnique(ctx context.Context, db DB, args *FindArgs) (*T, error) {
	return FindUnique[T](ctx, db, d.Model, args)
}

// FindUniqueOrThrow: see the package function.
func (d Delegate[T]) FindUniqueOrThrow(ctx context.Context, db DB, args *FindArgs) (*T, error) {
	return FindUniqueOrThrow[T](ctx, db, d.Model, args)
}

// Create: see the package function.
func (d Delegate[T]) Create(ctx context.Context, db DB, args *CreateArgs) (*T, error) {
	return Create[T](ctx, db, d.Model, args)
}

// CreateMany: see the package function.
func (d Delegate[T]) CreateMany(ctx context.Context, db DB, args *CreateManyArgs) (int64, error) {
	return CreateMany(ctx, db, d.Model, args)
}

// CreateManyAndReturn: see the package function.
func (d Delegate[T]) CreateManyAndReturn(ctx context.Context, db DB, args *CreateManyArgs) ([]T, error) {
	return CreateManyAndReturn[T](ctx, db, d.Model, args)
}

// UpdateManyAndReturn: see the package function.
func (d Delegate[T]) UpdateManyAndReturn(ctx context.Context, db DB, args *UpdateArgs) ([]T, error) {
	return UpdateManyAndReturn[T](ctx, db, d.Model, args)
}

// Update: see the package function.
func (d Delegate[T]) Update(ctx context.Context, db DB, args *UpdateArgs) (*T, error) {
	return Update[T](ctx, db, d.Model, args)
}

// UpdateMany: see the package function.
func (d Delegate[T]) UpdateMany(ctx context.Context, db DB, args *UpdateArgs) (int64, error) {
	return UpdateMany(ctx, db, d.Model, args)
}

// Upsert: see the package function.
func (d Delegate[T]) Upsert(ctx context.Context, db DB, args *UpsertArgs) (*T, error) {
	return Upsert[T](ctx, db, d.Model, args)
}

// Delete: see the package function.
func (d Delegate[T]) Delete(ctx context.Context, db DB, args *DeleteArgs) (*T, error) {
	return Delete[T](ctx, db, d.Model, args)
}

// DeleteMany: see the package function.
func (d Delegate[T]) DeleteMany(ctx context.Context, db DB, args *DeleteArgs) (int64, error) {
	return DeleteMany(ctx, db, d.Model, args)
}

// Count: see the package function.
func (d Delegate[T]) Count(ctx context.Context, db DB, args *CountArgs) (int64, error) {
	return Count(ctx, db, d.Model, args)
}

// CountSelect: see the package function.
func (d Delegate[T]) CountSelect(ctx context.Context, db DB, args *CountArgs) (map[string]int64, error) {
	return CountSelect(ctx, db, d.Model, args)
}

// Aggregate: see the package function.
func (d Delegate[T]) Aggregate(ctx context.Context, db DB, args *AggregateArgs) (*AggregateResult, error) {
	return Aggregate(ctx, db, d.Model, args)
}

// GroupBy: see the package function.
func (d Delegate[T]) GroupBy(ctx context.Context, db DB, args *GroupByArgs) ([]Group, error) {
	return GroupBy(ctx, db, d.Model, args)
}

// Column is a typed handle on a scalar field, so filters and orderings
// take values of the field's Go type (generated as
// var UserViews = orm.Column[int]{Name: "views"}).
type Column[V any] struct{ Name string }

// Eq is Name = v.
func (c Column[V]) Eq(v V) *FieldCond { return Eq(c.Name, v) }

// Ne is Name <> v.
func (c Column[V]) Ne(v V) *FieldCond { return Ne(c.Name, v) }

// IsNull is Name IS NULL.
func (c Column[V]) IsNull() *FieldCond { return Eq(c.Name, nil) }

// NotNull is Name IS NOT NULL.
func (c Column[V]) NotNull() *FieldCond { return Ne(c.Name, nil) }

// In is Name IN vs.
func (c Column[V]) In(vs ...V) *FieldCond { return In(c.Name, vs) }

// NotIn is Name NOT IN vs.
func (c Column[V]) NotIn(vs ...V) *FieldCond { return NotIn(c.Name, vs) }

// Lt is Name < v.
func (c Column[V]) Lt(v V) *FieldCond { return Lt(c.Name, v) }

// Lte is Name <= v.
func (c Column[V]) Lte(v V) *FieldCond { return Lte(c.Name, v) }

// Gt is Name > v.
func (c Column[V]) Gt(v V) *FieldCond { return Gt(c.Name, v) }

// Gte is Name >= v.
func (c Column[V]) Gte(v V) *FieldCond { return Gte(c.Name, v) }

// Ref refers to the column in another condition, comparing two columns
// of the row (Prisma's field reference): orm.Gt("pages", minPages.Ref()).
func (c Column[V]) Ref() FieldRef { return Ref(c.Name) }

// Asc orders by the column ascending.
func (c Column[V]) Asc() Order { return Asc(c.Name) }

// Desc orders by the column descending.
func (c Column[V]) Desc() Order { return Desc(c.Name) }

// Set assigns v in Data: d[c.Name] = v, returning d.
func (c Column[V]) Set(d Data, v V) Data {
	d[c.Name] = v
	return d
}

// TextColumn is a Column of a String field with the string filters.
type TextColumn struct{ Column[string] }

// Text makes a TextColumn.
func Text(name string) TextColumn { return TextColumn{Column[string]{Name: name}} }

// Contains matches values containing s.
func (c TextColumn) Contains(s string) *FieldCond { return Contains(c.Name, s) }

// StartsWith matches values starting with s.
func (c TextColumn) StartsWith(s string) *FieldCond { return StartsWith(c.Name, s) }

// EndsWith matches values ending with s.
func (c TextColumn) EndsWith(s string) *FieldCond { return EndsWith(c.Name, s) }

// ListColumn is a typed handle on a scalar list field.
type ListColumn[V any] struct{ Name string }

// Has matches lists containing v.
func (c ListColumn[V]) Has(v V) *FieldCond { return Has(c.Name, v) }

// HasEvery matches lists containing every v.
func (c ListColumn[V]) HasEvery(vs ...V) *FieldCond { return HasEvery(c.Name, vs) }

// HasSome matches lists containing at least one v.
func (c ListColumn[V]) HasSome(vs ...V) *FieldCond { return HasSome(c.Name, vs) }

// IsEmpty matches empty (true) or non-empty (false) lists.
func (c ListColumn[V]) IsEmpty(empty bool) *FieldCond { return IsEmpty(c.Name, empty) }
