package orm_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

var ftsModel = &orm.Model{
	Name: "Fts",
	Fields: []*orm.Field{
		{Name: "id", Type: orm.Int},
		{Name: "body", Type: orm.String, Nullable: true},
	},
	PrimaryKey: []string{"id"},
}

var _ = mustSchema(ftsModel)

type ftsRow struct {
	ID int `json:"id"`
}

// TestFullTextSearch: Prisma's search filter on PostgreSQL
// (to_tsvector(body) @@ to_tsquery(query)) with the tsquery operators, in
// Go and parsed from JSON; a query PostgreSQL cannot parse fails as it
// fails for Prisma, P2039 with PostgreSQL's message.
func TestFullTextSearch(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Pool().Exec(ctx, `CREATE TABLE "Fts" (id int PRIMARY KEY, body text);
		INSERT INTO "Fts" VALUES (1, 'The fat cat sat on the mat'), (2, 'A dog and a cat'),
		(3, 'Fish swim'), (4, NULL), (5, 'fat rats are fat');`)
	require.NoError(t, err)
	find := func(w orm.Where) ([]int, error) {
		rows, err := orm.FindMany[ftsRow](ctx, e.c, ftsModel, &orm.FindArgs{Where: w, OrderBy: []orm.Order{orm.Asc("id")}})
		var ids []int
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		return ids, err
	}
	for q, want := range map[string][]int{
		"cat":                 {1, 2},
		"cat & dog":           {2},
		"cat | fish":          {1, 2, 3},
		"!cat":                {3, 4, 5}, // concat_ws makes a NULL body an empty text
		"fat <-> cat":         {1},
		"fat <-> rat":         {5},
		"(dog | fish) & !cat": {3},
		"Cats":                {1, 2},
	} {
		got, err := find(orm.Where{orm.Search("body", q)})
		require.NoError(t, err, q)
		require.Equal(t, want, got, q)
		w, err := orm.ParseWhere(ftsModel, []byte(`{"body": {"search": "`+q+`"}}`))
		require.NoError(t, err)
		got, err = find(w)
		require.NoError(t, err, q)
		require.Equal(t, want, got, q)
	}
	got, err := find(orm.Where{orm.NotAll(orm.Search("body", "cat"))})
	require.NoError(t, err)
	require.Equal(t, []int{3, 4, 5}, got, "a NULL body is an empty text in Prisma's SQL (concat_ws)")

	for _, bad := range []string{"cat &", "(cat", "& dog", "cat dog"} {
		_, err := find(orm.Where{orm.Search("body", bad)})
		oe, ok := orm.AsError(err)
		require.True(t, ok, "%s: %v", bad, err)
		require.Equal(t, orm.CodeDatabaseError, oe.Code, bad)
		require.Equal(t, "42601", oe.SQLState, bad)
	}
	_, err = find(orm.Where{orm.Search("id", "1")})
	require.ErrorIs(t, err, orm.ErrValidation)
	_, err = find(orm.Where{&orm.FieldCond{Field: "body", Op: orm.OpSearch, Value: 1}})
	require.ErrorIs(t, err, orm.ErrValidation)

	// The client still works after a rejected query.
	got, err = find(orm.Where{orm.Search("body", "fish")})
	require.NoError(t, err)
	require.Equal(t, []int{3}, got)
}
