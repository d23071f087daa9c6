package orm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// A schema full of NULLs: optional scalars, optional lists, an optional
// to-one relation and a 1:1 back side.
var (
	nlAuthor = &orm.Model{
		Name: "NlAuthor",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int},
			{Name: "name", Type: orm.String, Nullable: true},
			{Name: "tags", Type: orm.String, List: true, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "books", Kind: orm.OneToMany, Model: "NlBook", Inverse: "author"},
			{Name: "bio", Kind: orm.OneToOne, Model: "NlBio", Inverse: "author"},
		},
	}
	nlBook = &orm.Model{
		Name: "NlBook",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int},
			{Name: "title", Type: orm.String, Nullable: true},
			{Name: "price", Type: orm.Int, Nullable: true},
			{Name: "authorId", Type: orm.Int, Nullable: true},
		},
		PrimaryKey: []string{"id"},
		Relations: []*orm.Relation{
			{Name: "author", Kind: orm.ManyToOne, Model: "NlAuthor", Fields: []string{"authorId"}, References: []string{"id"}},
		},
	}
	nlBio = &orm.Model{
		Name: "NlBio",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int},
			{Name: "text", Type: orm.String, Nullable: true},
			{Name: "authorId", Type: orm.Int},
		},
		PrimaryKey: []string{"id"},
		Uniques:    []orm.Unique{{Fields: []string{"authorId"}}},
		Relations: []*orm.Relation{
			{Name: "author", Kind: orm.OneToOne, Model: "NlAuthor", Fields: []string{"authorId"}, References: []string{"id"}},
		},
	}
	_ = mustSchema(nlAuthor, nlBook, nlBio)
)

const nlDDL = `
CREATE TABLE "NlAuthor" (id int PRIMARY KEY, name text, tags text[]);
CREATE TABLE "NlBook" (id int PRIMARY KEY, title text, price int, "authorId" int REFERENCES "NlAuthor"(id));
CREATE TABLE "NlBio" (id int PRIMARY KEY, text text, "authorId" int NOT NULL UNIQUE REFERENCES "NlAuthor"(id));
INSERT INTO "NlAuthor" VALUES (1, 'Bob', '{a,b}'), (2, NULL, NULL), (3, 'Ann', '{}'), (4, 'Cy', '{a,NULL}'), (5, NULL, '{b}');
INSERT INTO "NlBook" VALUES (1, 'x', 5, 1), (2, NULL, NULL, 1), (3, 'y', 0, 2), (4, NULL, 3, NULL),
  (5, 'z', NULL, 3), (6, 'x', 9, 5), (7, 'w', 2, 5);
INSERT INTO "NlBio" VALUES (1, 'hi', 1), (2, NULL, 2), (3, 'yo', 4);`

type nlRow struct {
	ID int `json:"id"`
}

// TestNullLogicMatchesPrisma runs each filter through ParseWhere and the
// compiler and compares the rows with those of the SQL Prisma 7 generates
// for it (its filter visitor: NOT (...), relation filters as
// IN/NOT IN subselects with NOT (...) for every, to-one is/isNot as a LEFT
// JOIN tested with "w AND j.id IS NOT NULL" / "NOT w OR j.id IS NULL").
func TestNullLogicMatchesPrisma(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	_, err := e.c.Pool().Exec(ctx, nlDDL)
	require.NoError(t, err)

	const (
		authorJoinBio  = `SELECT t0.id FROM "NlAuthor" t0 LEFT JOIN "NlBio" j1 ON j1."authorId" = t0.id WHERE `
		author         = `SELECT t0.id FROM "NlAuthor" t0 WHERE `
		bookJoinAuthor = `SELECT t0.id FROM "NlBook" t0 LEFT JOIN "NlAuthor" j1 ON j1.id = t0."authorId" WHERE `
		book           = `SELECT t0.id FROM "NlBook" t0 WHERE `
		booksOf        = `SELECT b."authorId" FROM "NlBook" b `
	)
	cases := []struct {
		model *orm.Model
		where string
		sql   string
	}{
		// Scalars.
		{nlAuthor, `{"NOT": {"name": "Bob"}}`, author + `NOT (t0.name = 'Bob')`},
		{nlAuthor, `{"NOT": [{"name": "Bob"}, {"name": "Ann"}]}`, author + `NOT (t0.name = 'Bob') AND NOT (t0.name = 'Ann')`},
		{nlAuthor, `{"NOT": {"name": "Bob", "id": 1}}`, author + `NOT (t0.name = 'Bob' AND t0.id = 1)`},
		{nlAuthor, `{"NOT": {"OR": [{"name": "Bob"}, {"id": 2}]}}`, author + `NOT (t0.name = 'Bob' OR t0.id = 2)`},
		{nlAuthor, `{"NOT": {"NOT": {"name": "Bob"}}}`, author + `NOT (NOT (t0.name = 'Bob'))`},
		{nlAuthor, `{"NOT": []}`, author + `TRUE`},
		{nlAuthor, `{"OR": []}`, author + `FALSE`},
		{nlAuthor, `{"name": {"not": "Bob"}}`, author + `t0.name <> 'Bob'`},
		{nlAuthor, `{"name": {"not": null}}`, author + `t0.name IS NOT NULL`},
		{nlAuthor, `{"NOT": {"name": null}}`, author + `NOT (t0.name IS NULL)`},
		{nlAuthor, `{"name": {"not": {"in": ["Bob", "Cy"]}}}`, author + `t0.name NOT IN ('Bob', 'Cy')`},
		// Prisma does not negate a not inside a not (TestPrismaParity's
		// not_not_string, recorded from Prisma 7.10).
		{nlAuthor, `{"name": {"not": {"not": "Bob"}}}`, author + `t0.name <> 'Bob'`},
		{nlAuthor, `{"name": {"not": {"contains": "o", "mode": "insensitive"}}}`, author + `t0.name NOT ILIKE '%o%'`},
		{nlAuthor, `{"name": {"notIn": ["Bob"]}}`, author + `t0.name NOT IN ('Bob')`},
		{nlAuthor, `{"name": {"notIn": []}}`, author + `TRUE`},
		{nlAuthor, `{"name": {"in": []}}`, author + `FALSE`},
		{nlAuthor, `{"NOT": {"name": {"in": []}}}`, author + `NOT (FALSE)`},
		{nlAuthor, `{"NOT": {"name": {"notIn": ["Bob"]}}}`, author + `NOT (t0.name NOT IN ('Bob'))`},
		{nlAuthor, `{"name": {"not": {"equals": null}}}`, author + `t0.name IS NOT NULL`},
		{nlAuthor, `{"NOT": {"name": {"startsWith": "B"}}}`, author + `NOT (t0.name LIKE 'B%')`},
		// Scalar lists.
		{nlAuthor, `{"tags": {"isEmpty": true}}`, author + `t0.tags = '{}'`},
		{nlAuthor, `{"tags": {"isEmpty": false}}`, author + `t0.tags <> '{}'`},
		{nlAuthor, `{"NOT": {"tags": {"isEmpty": true}}}`, author + `NOT (t0.tags = '{}')`},
		{nlAuthor, `{"NOT": {"tags": {"isEmpty": false}}}`, author + `NOT (t0.tags <> '{}')`},
		{nlAuthor, `{"tags": {"has": "a"}}`, author + `t0.tags @> ARRAY['a']`},
		{nlAuthor, `{"NOT": {"tags": {"has": "a"}}}`, author + `NOT (t0.tags @> ARRAY['a'])`},
		{nlAuthor, `{"NOT": {"tags": {"has": "b"}}}`, author + `NOT (t0.tags @> ARRAY['b'])`},
		{nlAuthor, `{"tags": {"hasSome": ["b", "c"]}}`, author + `t0.tags && ARRAY['b', 'c']`},
		{nlAuthor, `{"NOT": {"tags": {"hasSome": ["b"]}}}`, author + `NOT (t0.tags && ARRAY['b'])`},
		{nlAuthor, `{"tags": {"hasEvery": ["a", "b"]}}`, author + `t0.tags @> ARRAY['a', 'b']`},
		{nlAuthor, `{"tags": {"hasEvery": []}}`, author + `t0.tags @> ARRAY[]::text[]`},
		{nlAuthor, `{"NOT": {"tags": {"hasEvery": []}}}`, author + `NOT (t0.tags @> ARRAY[]::text[])`},
		{nlAuthor, `{"tags": {"equals": null}}`, author + `t0.tags IS NULL`},
		// To-many relation filters.
		{nlAuthor, `{"books": {"some": {"price": {"gt": 1}}}}`, author + `t0.id IN (` + booksOf + `WHERE b.price > 1 AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"every": {"price": {"gt": 1}}}}`, author + `t0.id NOT IN (` + booksOf + `WHERE NOT (b.price > 1) AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"none": {"price": {"gt": 1}}}}`, author + `t0.id NOT IN (` + booksOf + `WHERE b.price > 1 AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"NOT": {"books": {"some": {"price": {"gt": 1}}}}}`, author + `NOT (t0.id IN (` + booksOf + `WHERE b.price > 1 AND b."authorId" IS NOT NULL))`},
		{nlAuthor, `{"NOT": {"books": {"every": {"price": {"gt": 1}}}}}`, author + `NOT (t0.id NOT IN (` + booksOf + `WHERE NOT (b.price > 1) AND b."authorId" IS NOT NULL))`},
		{nlAuthor, `{"NOT": {"books": {"none": {"price": {"gt": 1}}}}}`, author + `NOT (t0.id NOT IN (` + booksOf + `WHERE b.price > 1 AND b."authorId" IS NOT NULL))`},
		{nlAuthor, `{"books": {"every": {"NOT": {"title": "x"}}}}`, author + `t0.id NOT IN (` + booksOf + `WHERE NOT (NOT (b.title = 'x')) AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"every": {"title": {"not": "x"}}}}`, author + `t0.id NOT IN (` + booksOf + `WHERE NOT (b.title <> 'x') AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"some": {"NOT": {"price": 5}}}}`, author + `t0.id IN (` + booksOf + `WHERE NOT (b.price = 5) AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"none": {"NOT": {"price": 5}}}}`, author + `t0.id NOT IN (` + booksOf + `WHERE NOT (b.price = 5) AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"every": {}}}`, author + `t0.id NOT IN (` + booksOf + `WHERE NOT (TRUE) AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"none": {}}}`, author + `t0.id NOT IN (` + booksOf + `WHERE b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"every": {"author": {"is": {"name": "Bob"}}}}}`, author + `t0.id NOT IN (` + booksOf +
			`LEFT JOIN "NlAuthor" j2 ON j2.id = b."authorId" WHERE NOT ((j2.name = 'Bob') AND j2.id IS NOT NULL) AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"some": {"author": {"isNot": {"name": "Bob"}}}}}`, author + `t0.id IN (` + booksOf +
			`LEFT JOIN "NlAuthor" j2 ON j2.id = b."authorId" WHERE (NOT (j2.name = 'Bob') OR j2.id IS NULL) AND b."authorId" IS NOT NULL)`},
		{nlAuthor, `{"books": {"every": {"author": {"isNot": {"name": "Bob"}}}}}`, author + `t0.id NOT IN (` + booksOf +
			`LEFT JOIN "NlAuthor" j2 ON j2.id = b."authorId" WHERE NOT (NOT (j2.name = 'Bob') OR j2.id IS NULL) AND b."authorId" IS NOT NULL)`},
		// To-one, back side (1:1).
		{nlAuthor, `{"bio": {"is": {"text": "hi"}}}`, authorJoinBio + `(j1.text = 'hi') AND j1.id IS NOT NULL`},
		{nlAuthor, `{"bio": {"isNot": {"text": "hi"}}}`, authorJoinBio + `NOT (j1.text = 'hi') OR j1.id IS NULL`},
		{nlAuthor, `{"NOT": {"bio": {"is": {"text": "hi"}}}}`, authorJoinBio + `NOT ((j1.text = 'hi') AND j1.id IS NOT NULL)`},
		{nlAuthor, `{"NOT": {"bio": {"isNot": {"text": "hi"}}}}`, authorJoinBio + `NOT (NOT (j1.text = 'hi') OR j1.id IS NULL)`},
		{nlAuthor, `{"bio": {"isNot": {"NOT": {"text": "hi"}}}}`, authorJoinBio + `NOT (NOT (j1.text = 'hi')) OR j1.id IS NULL`},
		{nlAuthor, `{"bio": {"is": {"NOT": {"text": "hi"}}}}`, authorJoinBio + `(NOT (j1.text = 'hi')) AND j1.id IS NOT NULL`},
		{nlAuthor, `{"bio": {"text": {"not": "hi"}}}`, authorJoinBio + `(j1.text <> 'hi') AND j1.id IS NOT NULL`},
		{nlAuthor, `{"bio": null}`, authorJoinBio + `j1."authorId" IS NULL`},
		{nlAuthor, `{"bio": {"isNot": null}}`, authorJoinBio + `NOT (j1."authorId" IS NULL)`},
		{nlAuthor, `{"OR": [{"bio": {"isNot": {"text": "hi"}}}, {"name": "Ann"}]}`, authorJoinBio + `(NOT (j1.text = 'hi') OR j1.id IS NULL) OR t0.name = 'Ann'`},
		{nlAuthor, `{"NOT": {"OR": [{"bio": {"isNot": {"text": "hi"}}}, {"name": "Ann"}]}}`, authorJoinBio + `NOT ((NOT (j1.text = 'hi') OR j1.id IS NULL) OR t0.name = 'Ann')`},
		// To-one, owning side (nullable foreign key).
		{nlBook, `{"author": {"is": {"name": "Bob"}}}`, bookJoinAuthor + `(j1.name = 'Bob') AND j1.id IS NOT NULL`},
		{nlBook, `{"author": {"name": "Bob"}}`, bookJoinAuthor + `(j1.name = 'Bob') AND j1.id IS NOT NULL`},
		{nlBook, `{"author": {"isNot": {"name": "Bob"}}}`, bookJoinAuthor + `NOT (j1.name = 'Bob') OR j1.id IS NULL`},
		{nlBook, `{"NOT": {"author": {"isNot": {"name": "Bob"}}}}`, bookJoinAuthor + `NOT (NOT (j1.name = 'Bob') OR j1.id IS NULL)`},
		{nlBook, `{"NOT": {"author": {"is": {"name": "Bob"}}}}`, bookJoinAuthor + `NOT ((j1.name = 'Bob') AND j1.id IS NOT NULL)`},
		{nlBook, `{"NOT": {"author": {"name": {"not": "Bob"}}}}`, bookJoinAuthor + `NOT ((j1.name <> 'Bob') AND j1.id IS NOT NULL)`},
		{nlBook, `{"author": {"isNot": {"tags": {"isEmpty": true}}}}`, bookJoinAuthor + `NOT (j1.tags = '{}') OR j1.id IS NULL`},
		{nlBook, `{"author": {"is": {"books": {"every": {"price": {"gt": 1}}}}}}`, bookJoinAuthor + `(j1.id NOT IN (` + booksOf +
			`WHERE NOT (b.price > 1) AND b."authorId" IS NOT NULL)) AND j1.id IS NOT NULL`},
		{nlBook, `{"NOT": {"author": {"is": {"books": {"some": {"price": null}}}}}}`, bookJoinAuthor + `NOT ((j1.id IN (` + booksOf +
			`WHERE b.price IS NULL AND b."authorId" IS NOT NULL)) AND j1.id IS NOT NULL)`},
		{nlBook, `{"author": null}`, book + `t0."authorId" IS NULL`},
		{nlBook, `{"author": {"isNot": null}}`, book + `NOT (t0."authorId" IS NULL)`},
		{nlBook, `{"NOT": {"price": {"gt": 1}}}`, book + `NOT (t0.price > 1)`},
		{nlBook, `{"NOT": {"OR": [{"price": 5}, {"title": "y"}]}}`, book + `NOT (t0.price = 5 OR t0.title = 'y')`},
		{nlBook, `{"NOT": [{"price": {"lt": 4}}, {"title": {"in": ["x", "z"]}}]}`, book + `NOT (t0.price < 4) AND NOT (t0.title IN ('x', 'z'))`},
	}
	for _, tc := range cases {
		t.Run(tc.model.Name+" "+tc.where, func(t *testing.T) {
			var want []int
			rows, err := e.c.Pool().Query(ctx, tc.sql+" ORDER BY 1")
			require.NoError(t, err)
			for rows.Next() {
				var id int
				require.NoError(t, rows.Scan(&id))
				want = append(want, id)
			}
			require.NoError(t, rows.Err())
			w, err := orm.ParseWhere(tc.model, []byte(tc.where))
			require.NoError(t, err)
			for _, strat := range []orm.Strategy{orm.StrategyQuery, orm.StrategyJoin} {
				got, err := orm.FindMany[nlRow](ctx, e.c, tc.model, &orm.FindArgs{Where: w, OrderBy: []orm.Order{orm.Asc("id")}, Strategy: strat})
				require.NoError(t, err)
				ids := make([]int, 0, len(got))
				for _, r := range got {
					ids = append(ids, r.ID)
				}
				require.Equal(t, fmt.Sprint(want), fmt.Sprint(ids), "Prisma's SQL: %s", tc.sql)
				n, err := orm.Count(ctx, e.c, tc.model, &orm.CountArgs{Where: w})
				require.NoError(t, err)
				require.EqualValues(t, len(want), n)
			}
		})
	}
}

// TestInsensitiveInMatchesPrisma: in/notIn with mode insensitive compare
// lower-cased values, as Prisma's LOWER(col) IN (LOWER($1), ...); NULLs
// match neither.
func TestInsensitiveInMatchesPrisma(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	_, err := e.c.Pool().Exec(ctx, nlDDL)
	require.NoError(t, err)
	for in, sql := range map[string]string{
		`{"name": {"in": ["bob", "ANN"], "mode": "insensitive"}}`:   `lower(name) IN (lower('bob'), lower('ANN'))`,
		`{"name": {"notIn": ["bob"], "mode": "insensitive"}}`:       `lower(name) NOT IN (lower('bob'))`,
		`{"NOT": {"name": {"in": ["BOB"], "mode": "insensitive"}}}`: `NOT (lower(name) IN (lower('BOB')))`,
		`{"name": {"not": {"in": ["cY"]}, "mode": "insensitive"}}`:  `lower(name) NOT IN (lower('cY'))`,
		`{"name": {"in": [], "mode": "insensitive"}}`:               `FALSE`,
		`{"name": {"notIn": [], "mode": "insensitive"}}`:            `TRUE`,
	} {
		var want []int
		rows, err := e.c.Pool().Query(ctx, `SELECT id FROM "NlAuthor" WHERE `+sql+` ORDER BY id`)
		require.NoError(t, err)
		for rows.Next() {
			var id int
			require.NoError(t, rows.Scan(&id))
			want = append(want, id)
		}
		w, err := orm.ParseWhere(nlAuthor, []byte(in))
		require.NoError(t, err)
		got, err := orm.FindMany[nlRow](ctx, e.c, nlAuthor, &orm.FindArgs{Where: w, OrderBy: []orm.Order{orm.Asc("id")}})
		require.NoError(t, err, in)
		ids := []int{}
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		require.Equal(t, fmt.Sprint(want), fmt.Sprint(ids), in)
	}
}

// TestPushAppendsToLists: push appends one element or a list, and a NULL
// list becomes the pushed elements, as Prisma's push.
func TestPushAppendsToLists(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	_, err := e.c.Pool().Exec(ctx, nlDDL)
	require.NoError(t, err)
	type row struct {
		ID   int      `json:"id"`
		Tags []string `json:"tags"`
	}
	for id, tc := range map[int]struct {
		push any
		want []string
	}{1: {"c", []string{"a", "b", "c"}}, 2: {[]string{"x", "y"}, []string{"x", "y"}}, 3: {[]string{"z"}, []string{"z"}}} {
		got, err := orm.Update[row](ctx, e.c, nlAuthor, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", id)}, Data: orm.Data{"tags": orm.Push(tc.push)}})
		require.NoError(t, err)
		require.Equal(t, tc.want, got.Tags, "id %d", id)
	}
	for _, bad := range []*orm.Atomic{orm.Push(nil), orm.Push(1), {Op: 99, Value: 1}} {
		_, err := orm.Update[row](ctx, e.c, nlAuthor, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"tags": bad}})
		require.ErrorIs(t, err, orm.ErrValidation)
	}
	_, err = orm.Update[row](ctx, e.c, nlAuthor, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"name": orm.Push("x")}})
	require.ErrorIs(t, err, orm.ErrValidation, "push needs a list")
	_, err = orm.Create[row](ctx, e.c, nlAuthor, &orm.CreateArgs{Data: orm.Data{"id": 9, "tags": orm.Push("x")}})
	require.ErrorIs(t, err, orm.ErrValidation, "push is for updates")
}
