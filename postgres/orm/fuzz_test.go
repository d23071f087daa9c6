package orm_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

func TestParseFindArgs(t *testing.T) {
	fa, err := orm.ParseFindArgs(UserModel, []byte(`{
		"where": {"email": {"contains": "EXAMPLE", "mode": "insensitive"}, "posts": {"some": {"published": true}}, "OR": [{"name": null}, {"role": "ADMIN"}]},
		"orderBy": [{"name": {"sort": "asc", "nulls": "last"}}, {"posts": {"_count": "desc"}}],
		"take": 10, "skip": 1,
		"include": {"posts": {"where": {"title": {"not": {"startsWith": "x"}}}, "take": 2}, "_count": {"select": {"posts": true}}}
	}`))
	require.NoError(t, err)
	require.Equal(t, 10, fa.Take)
	require.Len(t, fa.Where, 3)
	require.Equal(t, []orm.Order{{Field: "name", Nulls: orm.NullsLast}, {Relation: "posts", Count: true, Desc: true}}, fa.OrderBy)
	require.Equal(t, "posts", fa.Include[0].Relation)
	require.Equal(t, []orm.CountOf{{Relation: "posts"}}, fa.Count)

	for _, bad := range []string{`{"where": {"nope": 1}}`, `{"where": {"email": {"like": "x"}}}`, `{"take": -1}`, `{"where": `,
		`{"orderBy": {"email": "sideways"}}`, `{"where": {"posts": {"is": {}}}}`} {
		_, err := orm.ParseFindArgs(UserModel, []byte(bad))
		if err == nil {
			// Structurally valid JSON may still fail when compiled.
			continue
		}
		require.ErrorIs(t, err, orm.ErrValidation, bad)
	}
}

// FuzzWhereJSON builds where/orderBy from arbitrary JSON and runs the
// query: the only errors allowed are *ValidationError — never a SQL syntax
// error or any other database error, and injected text never runs.
func FuzzWhereJSON(f *testing.F) {
	for _, seed := range []string{
		`{"where": {"email": "a@b"}, "orderBy": {"id": "asc"}}`,
		`{"where": {"email": {"contains": "'; DROP TABLE users; --", "mode": "insensitive"}}}`,
		`{"where": {"OR": [{"name": null}, {"id": {"in": [1, 2, 3]}}], "NOT": {"role": "ADMIN"}}}`,
		`{"where": {"posts": {"some": {"tags": {"hasEvery": ["go", "sql"]}, "comments": {"none": {}}}}}}`,
		`{"where": {"profile": {"is": null}, "createdAt": {"gte": "2020-01-01T00:00:00Z"}}}`,
		`{"where": {"posts": {"every": {"views": {"gt": 3, "lte": 2147483647}}}}, "orderBy": [{"posts": {"_count": "desc"}}, {"name": {"sort": "desc", "nulls": "first"}}]}`,
		`{"where": {"id": {"lt": 99999999999}}}`,
		`{"where": {"role": "ROOT"}}`,
		`{"where": {"email": {"startsWith": "\u0000"}}}`,
		`{"where": {"AND": {"AND": {"AND": {"id": 1}}}}, "orderBy": {"email": "asc"}}`,
		`{"where": {"posts": {"some": {"title": {"not": {"endsWith": "%_\\"}}}}}}`,
		`{"where": {"deletedAt": {"not": null}, "updatedAt": {"lt": "yesterday"}}}`,
		`{"orderBy": {"profile": {"bio": "asc"}}}`,
		`{"where": {"name": {"in": "notalist"}}}`,
	} {
		f.Add(seed)
	}
	e := newEnv(f, nil)
	seed(f, e)
	f.Fuzz(func(t *testing.T, input string) {
		var top map[string]json.RawMessage
		if json.Unmarshal([]byte(input), &top) != nil {
			return
		}
		args := &orm.FindArgs{Take: 5}
		var err error
		if w, ok := top["where"]; ok {
			if args.Where, err = orm.ParseWhere(UserModel, w); err != nil {
				requireValidation(t, err)
				return
			}
		}
		if o, ok := top["orderBy"]; ok {
			if args.OrderBy, err = orm.ParseOrderBy(UserModel, o); err != nil {
				requireValidation(t, err)
				return
			}
		}
		for _, s := range strategies() {
			args.Strategy = s
			args.Include = []orm.Include{orm.Inc("posts")}
			_, err = orm.FindMany[User](context.Background(), e.c, UserModel, args)
			if err != nil {
				requireValidation(t, err)
			}
		}
		n, err := orm.Count(context.Background(), e.c, UserModel, nil)
		require.NoError(t, err)
		require.EqualValues(t, 3, n, "the users table is intact")
	})
}

func requireValidation(t *testing.T, err error) {
	t.Helper()
	if oe, ok := orm.AsError(err); ok && oe.Code == orm.CodeValueOutOfRange {
		return // P2020: a number out of the column type's range
	}
	if oe, ok := orm.AsError(err); ok && oe.Code == orm.CodeDatabaseError && oe.SQLState == "22025" {
		return // P2039: a LIKE pattern ending in a backslash, as Prisma answers it
	}
	if oe, ok := orm.AsError(err); ok && oe.Code == orm.CodeDatabaseError && oe.SQLState == "42601" && strings.Contains(oe.Message, "tsquery") {
		return // P2039: a full-text search query PostgreSQL cannot parse, as Prisma answers it
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		t.Fatalf("database error %s (%s): %v", pg.Code, pg.Message, err)
	}
	var ve *orm.ValidationError
	require.ErrorAs(t, err, &ve, "%v", err)
}

// FuzzFindArgsJSON runs whole Prisma-style find arguments (includes at any
// depth, paging, cursor, distinct, _count) with both load strategies: only
// *ValidationError may come back, with or without a relation scope
// (SoftDelete).
func FuzzFindArgsJSON(f *testing.F) {
	for _, seed := range []string{
		`{"where": {"id": 1}, "include": {"posts": {"include": {"comments": {"include": {"author": true}}}}, "profile": true}}`,
		`{"include": {"posts": {"where": {"published": true}, "orderBy": {"views": "desc"}, "take": 1, "skip": 1}, "_count": {"select": {"posts": true}}}}`,
		`{"orderBy": [{"email": "asc"}], "cursor": {"email": "bob@example.com"}, "take": 2, "skip": 1}`,
		`{"distinct": ["role"], "orderBy": {"createdAt": "desc"}, "select": {"role": true, "id": true}}`,
		`{"include": {"posts": {"distinct": ["published"], "cursor": {"id": 2}}}}`,
		`{"include": {"comments": {"include": {"post": {"include": {"categories": {"take": 1}}}}}}}`,
		`{"take": 99999999999}`,
	} {
		f.Add(seed)
	}
	e := newEnv(f, nil)
	seed(f, e)
	clients := []*orm.Client{e.c, e.c.With(orm.SoftDelete("deletedAt"))}
	f.Fuzz(func(t *testing.T, input string) {
		args, err := orm.ParseFindArgs(UserModel, []byte(input))
		if err != nil {
			requireValidation(t, err)
			return
		}
		for _, c := range clients {
			for _, s := range strategies() {
				args.Strategy = s
				if _, err := orm.FindMany[User](context.Background(), c, UserModel, args); err != nil {
					requireValidation(t, err)
				}
			}
		}
	})
}
