package cases_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen/internal/cases/jsondocs"
	"github.com/polystore/polystore/postgres/orm"
)

// TestGeneratedJSONFilters: the generated client's Json handles (Path
// filters, null kinds, JsonNull and DbNull writes) and full-text Search.
func TestGeneratedJSONFilters(t *testing.T) {
	c := jsondocs.New(open(t, "jsondocs"))
	ctx := context.Background()
	f := jsondocs.DocFields
	for i, d := range []struct {
		title string
		meta  jsondocs.DocSet
	}{
		{"The fat cat", f.Meta.Set(json.RawMessage(`{"plan": {"tier": "Pro", "seats": 5}, "tags": ["a", "b"]}`))},
		{"A dog and a cat", f.Meta.Set(json.RawMessage(`{"plan": {"tier": "free", "seats": 1}, "tags": ["b"]}`))},
		{"Fish", f.Meta.SetJSONNull()},
		{"Nothing", f.Meta.SetDbNull()},
	} {
		_, err := c.Doc.Create(ctx, &jsondocs.DocCreateArgs{Data: []jsondocs.DocSet{f.ID.Set(i + 1), f.Title.Set(d.title), d.meta}})
		require.NoError(t, err)
	}
	ids := func(conds ...jsondocs.DocCond) []int {
		t.Helper()
		rows, err := c.Doc.FindMany(ctx, &jsondocs.DocFindArgs{Where: conds, OrderBy: []jsondocs.DocOrder{f.ID.Asc()}})
		require.NoError(t, err)
		var out []int
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	require.Equal(t, []int{2}, ids(f.Meta.Path("plan", "tier").Equals("free")))
	require.Equal(t, []int{1}, ids(f.Meta.Path("plan", "tier").StringContains("pro").Insensitive()))
	require.Empty(t, ids(f.Meta.Path("plan", "tier").StringContains("pro")))
	require.Equal(t, []int{1}, ids(f.Meta.Path("plan", "seats").Gt(1)))
	require.Equal(t, []int{1, 2}, ids(f.Meta.Path("tags").ArrayContains([]string{"b"})))
	require.Equal(t, []int{1}, ids(f.Meta.Path("tags").ArrayStartsWith("a"), f.Meta.Path("tags").ArrayEndsWith("b")))
	require.Equal(t, []int{3}, ids(f.Meta.EqualsNull(orm.JsonNull)))
	require.Equal(t, []int{4}, ids(f.Meta.EqualsNull(orm.DbNull)))
	require.Equal(t, []int{3, 4}, ids(f.Meta.EqualsNull(orm.AnyNull)))
	require.Equal(t, []int{1, 2}, ids(f.Meta.NotNull(orm.AnyNull)))
	require.Equal(t, []int{4}, ids(f.Meta.IsNull()))
	require.Equal(t, []int{1, 2, 3, 4}, ids(f.Data.Equals(json.RawMessage(`{}`))))
	require.Equal(t, []int{1, 2}, ids(f.Title.Search("cat")))
	require.Equal(t, []int{2}, ids(f.Title.Search("cat & dog")))

	_, err := c.Doc.Update(ctx, &jsondocs.DocUpdateArgs{Where: jsondocs.DocByID(1), Data: []jsondocs.DocSet{f.Data.SetJSONNull()}})
	require.NoError(t, err)
	require.Equal(t, []int{1}, ids(f.Data.EqualsNull(orm.JsonNull)))

	_, err = c.Doc.FindMany(ctx, &jsondocs.DocFindArgs{Where: []jsondocs.DocCond{f.Title.Search("cat &")}})
	require.ErrorIs(t, err, orm.ErrValidation)

	// Row locks: only inside a transaction.
	_, err = c.Doc.FindFirst(ctx, &jsondocs.DocFindArgs{Lock: orm.ForUpdate()})
	require.ErrorIs(t, err, orm.ErrValidation)
	err = c.Transaction(ctx, func(ctx context.Context, tx *jsondocs.Client) error {
		d, err := tx.Doc.FindFirst(ctx, &jsondocs.DocFindArgs{OrderBy: []jsondocs.DocOrder{f.ID.Asc()}, Lock: orm.ForUpdate(orm.LockSkipLocked)})
		require.NoError(t, err)
		require.Equal(t, 1, d.ID)
		return nil
	}, nil)
	require.NoError(t, err)
}
