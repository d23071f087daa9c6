package orm_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

var jdocModel = &orm.Model{
	Name: "JDoc",
	Fields: []*orm.Field{
		{Name: "id", Type: orm.Int},
		{Name: "meta", Type: orm.JSON, Nullable: true},
		{Name: "body", Type: orm.JSON, HasDefault: true},
	},
	PrimaryKey: []string{"id"},
}

var _ = mustSchema(jdocModel)

type jdoc struct {
	ID   int             `json:"id"`
	Meta json.RawMessage `json:"meta"`
}

// jdocRows: 4 holds the JSON value null, 5 is SQL NULL; 3's seats is a
// string, 6's tier is JSON null and its tags a string; 7 and 8 are not
// objects.
const jdocDDL = `CREATE TABLE "JDoc" (id int PRIMARY KEY, meta jsonb, body jsonb NOT NULL DEFAULT '{}');
INSERT INTO "JDoc" (id, meta) VALUES
 (1, '{"plan": {"tier": "pro", "seats": 5}, "tags": ["a", "b", "c"], "name": "Alice Smith"}'),
 (2, '{"plan": {"tier": "free", "seats": 1}, "tags": ["b"], "name": "bob jones"}'),
 (3, '{"plan": {"tier": "PRO", "seats": "5"}, "tags": [], "name": "Carol"}'),
 (4, 'null'),
 (5, NULL),
 (6, '{"plan": {"tier": null}, "tags": "a", "name": 42}'),
 (7, '[1, 2, 3]'),
 (8, '"hello world"');`

// TestJSONFilters runs each Json filter, built in Go and parsed from
// Prisma's JSON form, on real rows. The expected rows follow Prisma's
// PostgreSQL SQL for the filter (col #> path, jsonb_typeof guards,
// three-valued NOT).
func TestJSONFilters(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Pool().Exec(ctx, jdocDDL)
	require.NoError(t, err)
	p := orm.JSONPath
	for _, tc := range []struct {
		name string
		cond orm.Cond
		json string
		want []int
	}{
		{"path equals", p("meta", "plan", "tier").Equals("pro"),
			`{"meta": {"path": ["plan", "tier"], "equals": "pro"}}`, []int{1}},
		{"path equals JsonNull", p("meta", "plan", "tier").Equals(orm.JsonNull),
			`{"meta": {"path": ["plan", "tier"], "equals": {"$type": "Enum", "value": "JsonNull"}}}`, []int{6}},
		{"path equals DbNull (missing)", p("meta", "plan", "tier").Equals(orm.DbNull),
			`{"meta": {"path": ["plan", "tier"], "equals": {"$type": "Enum", "value": "DbNull"}}}`, []int{4, 5, 7, 8}},
		{"path equals AnyNull", p("meta", "plan", "tier").Equals(orm.AnyNull),
			`{"meta": {"path": ["plan", "tier"], "equals": {"$type": "Enum", "value": "AnyNull"}}}`, []int{4, 5, 6, 7, 8}},
		{"path not", p("meta", "plan", "tier").Not("pro"),
			`{"meta": {"path": ["plan", "tier"], "not": "pro"}}`, []int{2, 3, 6}},
		{"path array index", p("meta", "tags", "0").Equals("a"),
			`{"meta": {"path": ["tags", "0"], "equals": "a"}}`, []int{1}},
		{"path equals object", p("meta", "plan").Equals(map[string]any{"seats": 1, "tier": "free"}),
			`{"meta": {"path": ["plan"], "equals": {"seats": 1, "tier": "free"}}}`, []int{2}},
		{"string_contains", p("meta", "plan", "tier").StringContains("r"),
			`{"meta": {"path": ["plan", "tier"], "string_contains": "r"}}`, []int{1, 2}},
		{"string_contains insensitive", orm.FoldJSON(p("meta", "plan", "tier").StringContains("pro")),
			`{"meta": {"path": ["plan", "tier"], "string_contains": "pro", "mode": "insensitive"}}`, []int{1, 3}},
		{"string_starts_with", p("meta", "plan", "tier").StringStartsWith("fr"),
			`{"meta": {"path": ["plan", "tier"], "string_starts_with": "fr"}}`, []int{2}},
		{"string_ends_with", p("meta", "plan", "tier").StringEndsWith("o"),
			`{"meta": {"path": ["plan", "tier"], "string_ends_with": "o"}}`, []int{1}},
		// % is a LIKE wildcard, as in Prisma (TestPrismaParity's
		// json_string_contains_wildcard): every string value matches.
		{"string filter pattern is unescaped", p("meta", "name").StringContains("%"),
			`{"meta": {"path": ["name"], "string_contains": "%"}}`, []int{1, 2, 3}},
		{"string filter needs a string", p("meta", "name").StringContains("4"),
			`{"meta": {"path": ["name"], "string_contains": "4"}}`, nil},
		{"two string filters", orm.And{{p("meta", "name").StringStartsWith("A"), p("meta", "name").StringEndsWith("h")}},
			`{"meta": {"path": ["name"], "string_starts_with": "A", "string_ends_with": "h"}}`, []int{1}},
		{"array_contains list", p("meta", "tags").ArrayContains([]string{"b"}),
			`{"meta": {"path": ["tags"], "array_contains": ["b"]}}`, []int{1, 2}},
		{"array_contains needs an array", p("meta", "tags").ArrayContains("a"),
			`{"meta": {"path": ["tags"], "array_contains": "a"}}`, []int{1}},
		{"array_starts_with", p("meta", "tags").ArrayStartsWith("a"),
			`{"meta": {"path": ["tags"], "array_starts_with": "a"}}`, []int{1}},
		{"array_ends_with", p("meta", "tags").ArrayEndsWith("b"),
			`{"meta": {"path": ["tags"], "array_ends_with": "b"}}`, []int{2}},
		{"gt number", p("meta", "plan", "seats").Gt(1),
			`{"meta": {"path": ["plan", "seats"], "gt": 1}}`, []int{1}},
		{"gte number", p("meta", "plan", "seats").Gte(1),
			`{"meta": {"path": ["plan", "seats"], "gte": 1}}`, []int{1, 2}},
		{"lt number", p("meta", "plan", "seats").Lt(5),
			`{"meta": {"path": ["plan", "seats"], "lt": 5}}`, []int{2}},
		{"lte number", p("meta", "plan", "seats").Lte(5),
			`{"meta": {"path": ["plan", "seats"], "lte": 5}}`, []int{1, 2}},
		{"gt string", p("meta", "plan", "seats").Gt("4"),
			`{"meta": {"path": ["plan", "seats"], "gt": "4"}}`, []int{3}},
		{"gt number at another path", p("meta", "name").Gt(40),
			`{"meta": {"path": ["name"], "gt": 40}}`, []int{6}},
		{"NOT gt: only numbers", orm.NotAll(p("meta", "plan", "seats").Gt(1)),
			`{"NOT": {"meta": {"path": ["plan", "seats"], "gt": 1}}}`, []int{2}},
		{"whole equals, key order free", orm.Eq("meta", json.RawMessage(`{"name": "bob jones", "tags": ["b"], "plan": {"seats": 1, "tier": "free"}}`)),
			`{"meta": {"equals": {"name": "bob jones", "tags": ["b"], "plan": {"seats": 1, "tier": "free"}}}}`, []int{2}},
		{"whole equals array", p("meta").Equals([]int{1, 2, 3}),
			`{"meta": {"equals": [1, 2, 3]}}`, []int{7}},
		{"whole not", p("meta").Not([]int{1, 2, 3}),
			`{"meta": {"not": [1, 2, 3]}}`, []int{1, 2, 3, 4, 6, 8}},
		{"equals JsonNull", orm.Eq("meta", orm.JsonNull),
			`{"meta": {"equals": {"$type": "Enum", "value": "JsonNull"}}}`, []int{4}},
		{"equals DbNull", orm.Eq("meta", orm.DbNull),
			`{"meta": {"equals": {"$type": "Enum", "value": "DbNull"}}}`, []int{5}},
		{"equals AnyNull", orm.Eq("meta", orm.AnyNull),
			`{"meta": {"equals": {"$type": "Enum", "value": "AnyNull"}}}`, []int{4, 5}},
		{"not JsonNull", orm.Ne("meta", orm.JsonNull),
			`{"meta": {"not": {"$type": "Enum", "value": "JsonNull"}}}`, []int{1, 2, 3, 6, 7, 8}},
		{"not DbNull", orm.Ne("meta", orm.DbNull),
			`{"meta": {"not": {"$type": "Enum", "value": "DbNull"}}}`, []int{1, 2, 3, 4, 6, 7, 8}},
		{"not AnyNull", orm.Ne("meta", orm.AnyNull),
			`{"meta": {"not": {"$type": "Enum", "value": "AnyNull"}}}`, []int{1, 2, 3, 6, 7, 8}},
		{"top-level string_contains", p("meta").StringContains("world"),
			`{"meta": {"string_contains": "world"}}`, []int{8}},
		{"top-level array_contains", p("meta").ArrayContains(2),
			`{"meta": {"array_contains": 2}}`, []int{7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parsed, err := orm.ParseWhere(jdocModel, []byte(tc.json))
			require.NoError(t, err)
			for _, w := range []orm.Where{{tc.cond}, parsed} {
				rows, err := orm.FindMany[jdoc](ctx, e.c, jdocModel, &orm.FindArgs{Where: w, OrderBy: []orm.Order{orm.Asc("id")}})
				require.NoError(t, err)
				var ids []int
				for _, r := range rows {
					ids = append(ids, r.ID)
				}
				require.Equal(t, tc.want, ids)
			}
		})
	}
}

// TestJSONNullWrites: DbNull writes SQL NULL, JsonNull the JSON value null
// (Prisma's distinction); AnyNull and DbNull on a required field are
// validation errors.
func TestJSONNullWrites(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Pool().Exec(ctx, jdocDDL)
	require.NoError(t, err)
	_, err = orm.Create[jdoc](ctx, e.c, jdocModel, &orm.CreateArgs{Data: orm.Data{"id": 10, "meta": orm.JsonNull, "body": orm.JsonNull}})
	require.NoError(t, err)
	_, err = orm.Create[jdoc](ctx, e.c, jdocModel, &orm.CreateArgs{Data: orm.Data{"id": 11, "meta": orm.DbNull}})
	require.NoError(t, err)
	n, err := orm.CreateMany(ctx, e.c, jdocModel, &orm.CreateManyArgs{Data: []orm.Data{{"id": 12, "meta": orm.JsonNull}, {"id": 13, "meta": orm.DbNull}}})
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	_, err = orm.Update[jdoc](ctx, e.c, jdocModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"meta": orm.JsonNull}})
	require.NoError(t, err)
	for id, want := range map[int]string{10: "json", 11: "db", 12: "json", 13: "db", 1: "json"} {
		var dbNull, jsonNull bool
		require.NoError(t, e.c.Pool().QueryRow(ctx, `SELECT meta IS NULL, COALESCE(meta = 'null'::jsonb, false) FROM "JDoc" WHERE id = $1`, id).Scan(&dbNull, &jsonNull))
		require.Equal(t, want == "db", dbNull, "row %d", id)
		require.Equal(t, want == "json", jsonNull, "row %d", id)
	}
	_, err = orm.Create[jdoc](ctx, e.c, jdocModel, &orm.CreateArgs{Data: orm.Data{"id": 20, "meta": orm.AnyNull}})
	require.ErrorIs(t, err, orm.ErrValidation)
	_, err = orm.Create[jdoc](ctx, e.c, jdocModel, &orm.CreateArgs{Data: orm.Data{"id": 21, "body": orm.DbNull}})
	require.ErrorIs(t, err, orm.ErrValidation)
}

// TestJSONFilterErrors: malformed Json filters are validation errors.
func TestJSONFilterErrors(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Pool().Exec(ctx, jdocDDL)
	require.NoError(t, err)
	p := orm.JSONPath
	for _, c := range []orm.Cond{
		p("meta", "a").Gt(true), p("meta", "a").Gt([]int{1}), p("meta", "a").Lt(orm.JsonNull),
		p("meta", "a").ArrayContains(orm.DbNull), p("meta", "a").Equals(nil), p("meta", "a").Equals(make(chan int)),
		p("id", "a").Equals(1), p("nope").Equals(1), &orm.JSONCond{Field: "meta", Op: 99, Value: 1},
		p("meta", "a\x00").Equals(1), &orm.JSONCond{Field: "meta", Op: orm.JSONStringContains, Value: 1},
	} {
		_, err := orm.FindMany[jdoc](ctx, e.c, jdocModel, &orm.FindArgs{Where: orm.Where{c}})
		require.ErrorIs(t, err, orm.ErrValidation, "%+v", c)
	}
	for _, in := range []string{
		`{"meta": {"path": "plan", "equals": 1}}`, `{"meta": {"path": [1], "equals": 1}}`,
		`{"meta": {"path": ["a"]}}`, `{"meta": {"equals": null}}`, `{"meta": {"like": 1}}`,
		`{"meta": {"mode": "loud", "string_contains": "x"}}`,
		`{"meta": {"path": ["a"], "gt": {"$type": "Enum", "value": "JsonNull"}}}`,
	} {
		_, err := orm.ParseWhere(jdocModel, []byte(in))
		require.ErrorIs(t, err, orm.ErrValidation, in)
	}
	require.Equal(t, "string_contains", orm.JSONStringContains.String())
	require.Equal(t, "JsonNull", orm.JsonNull.String())
}

// TestJSONFiltersAsPrisma holds the rows Prisma 7.10 (prisma-client-js with
// @prisma/adapter-pg) returned for these filters on the jdocDDL rows
// (findMany, where as below, orderBy id): the expectations are recorded
// from Prisma itself, not derived from its SQL.
func TestJSONFiltersAsPrisma(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	_, err := e.c.Pool().Exec(ctx, jdocDDL)
	require.NoError(t, err)
	for _, tc := range []struct {
		where string
		want  []int
	}{
		{`{"meta": {"path": ["plan", "tier"], "equals": "pro"}}`, []int{1}},
		{`{"meta": {"path": ["plan", "seats"], "equals": 5}}`, []int{1}},
		{`{"meta": {"path": ["plan", "tier"], "not": "pro"}}`, []int{2, 3, 6}},
		{`{"NOT": {"meta": {"path": ["plan", "tier"], "equals": "pro"}}}`, []int{2, 3, 6}},
		{`{"meta": {"path": ["plan", "tier"], "string_contains": "r"}}`, []int{1, 2}},
		{`{"meta": {"path": ["plan", "tier"], "string_contains": "pro", "mode": "insensitive"}}`, []int{1, 3}},
		{`{"meta": {"path": ["plan", "tier"], "string_starts_with": "fr"}}`, []int{2}},
		{`{"meta": {"path": ["name"], "string_ends_with": "jones"}}`, []int{2}},
		{`{"meta": {"path": ["tags"], "array_contains": ["b"]}}`, []int{1, 2}},
		{`{"meta": {"path": ["tags"], "array_contains": ["a", "c"]}}`, []int{1}},
		{`{"meta": {"path": ["tags"], "array_starts_with": "a"}}`, []int{1}},
		{`{"meta": {"path": ["tags"], "array_ends_with": "b"}}`, []int{2}},
		{`{"meta": {"path": ["plan", "seats"], "gt": 1}}`, []int{1}},
		{`{"meta": {"path": ["plan", "seats"], "lte": 1}}`, []int{2}},
		{`{"meta": {"equals": [1, 2, 3]}}`, []int{7}},
		{`{"meta": {"not": "hello world"}}`, []int{1, 2, 3, 4, 6, 7}},
		{`{"meta": {"equals": {"$type": "Enum", "value": "JsonNull"}}}`, []int{4}},
		{`{"meta": {"equals": {"$type": "Enum", "value": "DbNull"}}}`, []int{5}},
		{`{"meta": {"equals": {"$type": "Enum", "value": "AnyNull"}}}`, []int{4, 5}},
		{`{"meta": {"not": {"$type": "Enum", "value": "JsonNull"}}}`, []int{1, 2, 3, 6, 7, 8}},
	} {
		t.Run(tc.where, func(t *testing.T) {
			w, err := orm.ParseWhere(jdocModel, []byte(tc.where))
			require.NoError(t, err)
			rows, err := orm.FindMany[jdoc](ctx, e.c, jdocModel, &orm.FindArgs{Where: w, OrderBy: []orm.Order{orm.Asc("id")}})
			require.NoError(t, err)
			ids := []int{}
			for _, r := range rows {
				ids = append(ids, r.ID)
			}
			require.Equal(t, tc.want, ids)
		})
	}
}
