package cases_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen/internal/cases/ids"
	"github.com/polystore/polystore/postgres/orm"
)

// The formats of Prisma's client-side defaults.
const (
	cuidRe   = `^c[0-9a-z]{24}$`
	cuid2Re  = `^[a-z][0-9a-z]{23}$`
	uuid4Re  = `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`
	uuid7Re  = `^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`
	nanoidRe = `^[A-Za-z0-9_-]{21}$`
	ulidRe   = `^[0-7][0-9A-HJKMNP-TV-Z]{25}$`
)

func TestClientGeneratedIDs(t *testing.T) {
	c := ids.New(open(t, "ids"))
	ctx := context.Background()

	// create without ids: the order, its nested items and its unique
	// reference all get generated values.
	order, err := c.Order.Create(ctx, &ids.OrderCreateArgs{
		Data: []ids.OrderSet{ids.OrderFields.Items.Create(
			[]ids.OrderItemSet{ids.OrderItemFields.Sku.Set("a")},
			[]ids.OrderItemSet{ids.OrderItemFields.Sku.Set("b")},
		)},
		Returning: ids.OrderReturning{Include: []ids.OrderInclude{ids.OrderFields.Items.Include(nil)}},
	})
	require.NoError(t, err)
	require.Regexp(t, cuidRe, order.ID)
	require.Regexp(t, `^[A-Za-z0-9_-]{10}$`, order.Reference)
	require.Len(t, order.Items, 2)
	require.NotEqual(t, order.Items[0].ID, order.Items[1].ID)
	for _, it := range order.Items {
		require.Regexp(t, cuid2Re, it.ID)
		require.Equal(t, order.ID, it.OrderID)
	}

	// A value the caller gives is kept.
	given, err := c.Order.Create(ctx, &ids.OrderCreateArgs{Data: []ids.OrderSet{
		ids.OrderFields.ID.Set("order-1"), ids.OrderFields.Reference.Set("REF")}})
	require.NoError(t, err)
	require.Equal(t, "order-1", given.ID)
	require.Equal(t, "REF", given.Reference)

	// A nested create through the owning side, and connectOrCreate.
	item, err := c.OrderItem.Create(ctx, &ids.OrderItemCreateArgs{Data: []ids.OrderItemSet{
		ids.OrderItemFields.Sku.Set("c"),
		ids.OrderItemFields.Order.Create(),
	}})
	require.NoError(t, err)
	require.Regexp(t, cuid2Re, item.ID)
	require.Regexp(t, cuidRe, item.OrderID)

	// createMany: one id per row (COPY and multi-row INSERT paths).
	for _, skip := range []bool{false, true} {
		n, err := c.Event.CreateMany(ctx, &ids.EventCreateManyArgs{SkipDuplicates: skip, Data: [][]ids.EventSet{
			{ids.EventFields.Name.Set("e1")}, {ids.EventFields.Name.Set("e2")}, {ids.EventFields.Name.Set("e3")},
		}})
		require.NoError(t, err)
		require.Equal(t, int64(3), n)
	}
	events, err := c.Event.FindMany(ctx, &ids.EventFindArgs{OrderBy: []ids.EventOrder{ids.EventFields.ID.Asc()}})
	require.NoError(t, err)
	require.Len(t, events, 6)
	seen := map[string]bool{}
	for _, e := range events {
		require.Regexp(t, uuid7Re, e.ID)
		require.Regexp(t, uuid4Re, e.Trace)
		require.NotNil(t, e.Key, "an optional field with a generated default gets a value too")
		require.Regexp(t, nanoidRe, *e.Key)
		seen[e.ID], seen[e.Trace], seen[*e.Key] = true, true, true
	}
	require.Len(t, seen, 18, "every generated value is distinct")
	// uuid(7) ids are time-ordered: insertion order is id order.
	require.Equal(t, []string{"e1", "e2", "e3", "e1", "e2", "e3"}, []string{
		events[0].Name, events[1].Name, events[2].Name, events[3].Name, events[4].Name, events[5].Name})

	// An explicit null for an optional field is kept as null.
	ev, err := c.Event.Create(ctx, &ids.EventCreateArgs{Data: []ids.EventSet{
		ids.EventFields.Name.Set("null key"), ids.EventFields.Key.SetNull()}})
	require.NoError(t, err)
	require.Nil(t, ev.Key)

	// upsert whose create runs gets generated ids; ulid() too.
	l, err := c.Ledger.Upsert(ctx, &ids.LedgerUpsertArgs{
		Where:  ids.LedgerByID("missing"),
		Create: []ids.LedgerSet{ids.LedgerFields.Note.Set("created")},
		Update: []ids.LedgerSet{ids.LedgerFields.Note.Set("updated")},
	})
	require.NoError(t, err)
	require.Regexp(t, ulidRe, l.ID)
	require.Regexp(t, uuid4Re, l.Ref)
	require.Equal(t, "created", l.Note)
	n, err := c.Ledger.Count(ctx, &ids.LedgerCountArgs{Where: []ids.LedgerCond{ids.LedgerFields.ID.Equals(l.ID)}})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
}

// TestClientWriteCountAndCursorCount: a write returns _count of the
// relations asked for (Prisma's _count in a write's select or include),
// and Count pages from a cursor as a find does.
func TestClientWriteCountAndCursorCount(t *testing.T) {
	c := ids.New(open(t, "ids"))
	ctx := context.Background()
	order, err := c.Order.Create(ctx, &ids.OrderCreateArgs{
		Data: []ids.OrderSet{ids.OrderFields.Items.Create(
			[]ids.OrderItemSet{ids.OrderItemFields.Sku.Set("a")},
			[]ids.OrderItemSet{ids.OrderItemFields.Sku.Set("b")},
			[]ids.OrderItemSet{ids.OrderItemFields.Sku.Set("c")},
		)},
		Returning: ids.OrderReturning{Count: []ids.OrderCountOf{ids.OrderFields.Items.Count()}},
	})
	require.NoError(t, err)
	require.NotNil(t, order.Count)
	require.Equal(t, int64(3), order.Count.Items)

	upd, err := c.Order.Update(ctx, &ids.OrderUpdateArgs{Where: ids.OrderByID(order.ID),
		Data:      []ids.OrderSet{ids.OrderFields.Reference.Set("R2")},
		Returning: ids.OrderReturning{Count: []ids.OrderCountOf{ids.OrderFields.Items.Count(ids.OrderItemFields.Sku.In("a", "b"))}}})
	require.NoError(t, err)
	require.Equal(t, int64(2), upd.Count.Items)

	byID := []ids.OrderItemOrder{ids.OrderItemFields.ID.Asc()}
	items, err := c.OrderItem.FindMany(ctx, &ids.OrderItemFindArgs{OrderBy: byID})
	require.NoError(t, err)
	require.Len(t, items, 3)
	n, err := c.OrderItem.Count(ctx, &ids.OrderItemCountArgs{Cursor: ids.OrderItemByID(items[1].ID), OrderBy: byID})
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "the cursor's row and the one after it")
	// A cursor with an order that is not unique is Prisma's P2019.
	_, err = c.OrderItem.Count(ctx, &ids.OrderItemCountArgs{Cursor: ids.OrderItemByID(items[1].ID),
		OrderBy: []ids.OrderItemOrder{ids.OrderItemFields.Sku.Asc()}})
	oe, ok := orm.AsError(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, orm.CodeInputError, oe.Code)

	_, err = c.Order.CreateManyAndReturn(ctx, &ids.OrderCreateManyAndReturnArgs{Data: [][]ids.OrderSet{{}},
		Returning: ids.OrderReturning{Count: []ids.OrderCountOf{ids.OrderFields.Items.Count()}}})
	require.ErrorIs(t, err, orm.ErrValidation, "createManyAndReturn has no _count, as in Prisma")
}
