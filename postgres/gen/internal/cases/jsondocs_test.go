package cases_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen/internal/cases/jsondocs"
	"github.com/polystore/polystore/postgres/gen/internal/cases/keywords"
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

	// A search PostgreSQL cannot parse is Prisma's P2039 with its message.
	_, err = c.Doc.FindMany(ctx, &jsondocs.DocFindArgs{Where: []jsondocs.DocCond{f.Title.Search("cat &")}})
	oe, ok := orm.AsError(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, orm.CodeDatabaseError, oe.Code)
	require.Equal(t, "42601", oe.SQLState)

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

// TestGeneratedManyAndReturn: CreateManyAndReturn, UpdateManyAndReturn
// and omit (per query, and the client's default omissions with Keep) in the
// generated client.
func TestGeneratedManyAndReturn(t *testing.T) {
	oc := open(t, "jsondocs")
	c := jsondocs.New(oc)
	ctx := context.Background()
	f := jsondocs.DocFields
	docs, err := c.Doc.CreateManyAndReturn(ctx, &jsondocs.DocCreateManyAndReturnArgs{Data: [][]jsondocs.DocSet{
		{f.ID.Set(2), f.Title.Set("two")}, {f.ID.Set(1), f.Title.Set("one"), f.Body.Set("b")},
	}})
	require.NoError(t, err)
	require.Equal(t, []int{2, 1}, []int{docs[0].ID, docs[1].ID})
	require.Equal(t, "b", *docs[1].Body)
	require.JSONEq(t, `{}`, string(docs[0].Data), "the database default comes back")

	docs, err = c.Doc.UpdateManyAndReturn(ctx, &jsondocs.DocUpdateManyAndReturnArgs{
		Where: []jsondocs.DocCond{f.ID.Gte(1)}, Data: []jsondocs.DocSet{f.Body.Set("new")},
		Returning: jsondocs.DocReturning{Omit: []jsondocs.DocField{f.Title}},
	})
	require.NoError(t, err)
	require.Len(t, docs, 2)
	for _, d := range docs {
		require.Equal(t, "new", *d.Body)
		require.Empty(t, d.Title, "omitted")
	}

	// The client's default omissions, and Keep.
	cfgc := orm.NewWithPool(oc.Pool(), &orm.Config{Omit: map[string][]string{"Doc": {"body"}}})
	oc2 := jsondocs.New(cfgc)
	d, err := oc2.Doc.FindUniqueOrThrow(ctx, jsondocs.DocByID(1), nil)
	require.NoError(t, err)
	require.Nil(t, d.Body)
	require.Equal(t, "one", d.Title)
	d, err = oc2.Doc.FindUniqueOrThrow(ctx, jsondocs.DocByID(1), &jsondocs.DocFindArgs{Keep: []jsondocs.DocField{f.Body}})
	require.NoError(t, err)
	require.Equal(t, "new", *d.Body)

	_, err = c.Doc.CreateManyAndReturn(ctx, nil)
	require.ErrorIs(t, err, orm.ErrValidation)
	_, err = c.Doc.UpdateManyAndReturn(ctx, nil)
	require.ErrorIs(t, err, orm.ErrValidation)
}

// TestGeneratedNestedUpdateMany: ToMany.UpdateMany and DeleteMany in an
// update of the parent.
func TestGeneratedNestedUpdateMany(t *testing.T) {
	c := keywords.New(open(t, "keywords"))
	ctx := context.Background()
	tf, sf := keywords.TypeFields, keywords.SelectFields
	// clock-free: a stored value that only round-trips.
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	_, err := c.Type.Create(ctx, &keywords.TypeCreateArgs{Data: []keywords.TypeSet{
		tf.Func.Set(1), tf.Range.Set("r"), tf.String.Set("s"), tf.Time.Set(at),
		tf.Items.Create([]keywords.SelectSet{sf.Chan.Set("a1")}, []keywords.SelectSet{sf.Chan.Set("a2")}, []keywords.SelectSet{sf.Chan.Set("b1")}),
	}})
	require.NoError(t, err)
	ty, err := c.Type.Update(ctx, &keywords.TypeUpdateArgs{Where: keywords.TypeByFunc(1), Data: []keywords.TypeSet{
		tf.Items.UpdateMany([]keywords.SelectCond{sf.Chan.StartsWith("a")}, sf.Chan.Set("x")),
		tf.Items.DeleteMany(sf.Chan.Equals("b1")),
	}, Returning: keywords.TypeReturning{Include: []keywords.TypeInclude{tf.Items.Include(nil)}}})
	require.NoError(t, err)
	require.Len(t, ty.Items, 2)
	for _, it := range ty.Items {
		require.Equal(t, "x", it.Chan)
	}
}
