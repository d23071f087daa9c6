package orm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/orm"
)

// TestFieldRefNotCachedAsValue: a find comparing two columns and the same
// find comparing with a value have one shape but different SQL; neither
// may reuse the other's statement.
func TestFieldRefNotCachedAsValue(t *testing.T) {
	e, ddl, _, _ := loadParity(t)
	ctx := context.Background()
	_, err := e.c.Pool().Exec(ctx, parityDrop+string(ddl))
	require.NoError(t, err)
	e.c.Pool().Reset()
	ids := func(w orm.Where) []int {
		t.Helper()
		rows, err := orm.FindMany[pKit](ctx, e.c, pKitModel, &orm.FindArgs{Where: w, Select: sel("id"), OrderBy: []orm.Order{orm.Asc("id")}})
		require.NoError(t, err)
		out := []int{}
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	for range 2 {
		require.Equal(t, []int{2, 4}, ids(orm.Where{orm.Lt("shelfSlot", orm.Ref("id"))}))
		require.Equal(t, []int{}, ids(orm.Where{orm.Lt("shelfSlot", 1)}))
		require.Equal(t, []int{1, 2, 4}, ids(orm.Where{orm.Lte("shelfSlot", orm.Column[int]{Name: "id"}.Ref())}))
	}
	// not takes no reference (as in Prisma); NOT of equals does.
	_, err = orm.FindMany[pKit](ctx, e.c, pKitModel, &orm.FindArgs{Where: orm.Where{orm.Ne("shelfSlot", orm.Ref("id"))}})
	require.True(t, orm.IsValidation(err), "%v", err)
	require.Equal(t, []int{2, 4}, ids(orm.Where{orm.NotAll(orm.Eq("shelfSlot", orm.Ref("id")))}))
	// A field reference is no unique selector.
	_, err = orm.FindUnique[pKit](ctx, e.c, pKitModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", orm.Ref("shelfSlot"))}})
	require.True(t, orm.IsValidation(err), "%v", err)
	// A nil *FieldRef is a nil value (IS NULL), no panic.
	_, err = orm.FindMany[pKit](ctx, e.c, pKitModel, &orm.FindArgs{Where: orm.Where{orm.Eq("shelfSlot", (*orm.FieldRef)(nil))}})
	require.NoError(t, err)
}
