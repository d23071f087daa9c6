package orm_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

var pwModel = &orm.Model{
	Name: "Pw",
	Fields: []*orm.Field{
		{Name: "id", Type: orm.Int},
		{Name: "name", Type: orm.String, Nullable: true},
		{Name: "meta", Type: orm.JSON, Nullable: true},
		{Name: "ok", Type: orm.Boolean},
		{Name: "kind", Type: orm.Enum, EnumName: "Kind", EnumValues: []string{"A", "B"}},
		{Name: "tags", Type: orm.String, List: true},
		{Name: "blob", Type: orm.Bytes, Nullable: true},
	},
	PrimaryKey: []string{"id"},
}

var _ = mustSchema(pwModel)

// TestParseWhereRejectsUnsupportedOperators: an operator Prisma's filter
// type for the field lacks, or one this package does not support, is a
// *ValidationError naming its path — never a different query.
func TestParseWhereRejectsUnsupportedOperators(t *testing.T) {
	for in, path := range map[string]string{
		`{"meta": {"plan": "pro"}}`:                     "where.meta.plan",
		`{"meta": "pro"}`:                               "where.meta",
		`{"meta": {"equals": null}}`:                    "where.meta.equals",
		`{"id": {"contains": "1"}}`:                     "where.id.contains",
		`{"id": {"mode": "insensitive", "equals": 1}}`:  "where.id.mode",
		`{"id": {"has": 1}}`:                            "where.id.has",
		`{"id": {"isEmpty": true}}`:                     "where.id.isEmpty",
		`{"id": {"like": "1"}}`:                         "where.id.like",
		`{"ok": {"gt": false}}`:                         "where.ok.gt",
		`{"ok": {"in": [true]}}`:                        "where.ok.in",
		`{"kind": {"lt": "B"}}`:                         "where.kind.lt",
		`{"kind": {"startsWith": "A"}}`:                 "where.kind.startsWith",
		`{"tags": {"not": ["a"]}}`:                      "where.tags.not",
		`{"tags": {"contains": "a"}}`:                   "where.tags.contains",
		`{"tags": {"in": [["a"]]}}`:                     "where.tags.in",
		`{"tags": {"mode": "insensitive", "has": "a"}}`: "where.tags.mode",
		`{"blob": {"gt": "AA=="}}`:                      "where.blob.gt",
		`{"blob": {"search": "x"}}`:                     "where.blob.search",
		`{"meta": {"path": "plan", "equals": 1}}`:       "where.meta.path",
		`{"name": {"mode": "loud", "equals": "x"}}`:     "where.name.mode",
		`{"nope": 1}`:                                   "where.nope",
		`{"OR": {"id": 1}}`:                             "where.OR",
	} {
		_, err := orm.ParseWhere(pwModel, []byte(in))
		var ve *orm.ValidationError
		require.ErrorAs(t, err, &ve, in)
		require.ErrorIs(t, err, orm.ErrValidation)
		require.Equal(t, path, ve.Issues[0].Path, in)
	}
	for _, in := range []string{
		`{"meta": {"equals": {"plan": {"tier": "pro"}}}}`,
		`{"meta": {"not": [1, 2]}}`,
		`{"name": {"contains": "x", "mode": "insensitive", "not": {"startsWith": "y"}}}`,
		`{"tags": {"has": "a"}}`, `{"tags": {"hasEvery": ["a"]}}`, `{"tags": {"hasSome": ["b"]}}`, `{"tags": {"isEmpty": false}}`, `{"tags": {"equals": ["a"]}}`,
		`{"kind": {"in": ["A"], "not": "B"}, "ok": {"not": true}, "id": {"gte": 1, "notIn": [2]}}`,
		`{"name": {}}`,
		`{"meta": {"path": ["plan", "tier"], "equals": "pro"}}`,
		`{"meta": {"string_contains": "x", "mode": "insensitive"}, "name": {"not": {"search": "x & y"}}}`,
		`{"meta": {"path": ["a"], "array_contains": ["x"], "gt": 1}}`,
		`{"meta": {"not": {"$type": "Enum", "value": "AnyNull"}}}`,
	} {
		_, err := orm.ParseWhere(pwModel, []byte(in))
		require.NoError(t, err, in)
	}
}

// FuzzParseWhereTypes feeds filters on every kind of field (Json, Boolean,
// Enum, lists, Bytes) through ParseWhere and the database: only typed errors
// (*ValidationError, P2020, P2039 for what Prisma answers so) come back.
func FuzzParseWhereTypes(f *testing.F) {
	for _, s := range []string{
		`{"meta": {"path": ["plan", "tier"], "equals": "pro"}}`,
		`{"meta": {"equals": {"plan": "pro"}}}`,
		`{"meta": {"not": 1}}`,
		`{"ok": {"not": true}, "kind": {"in": ["A", "C"]}}`,
		`{"tags": {"hasEvery": [], "isEmpty": true}}`,
		`{"NOT": {"tags": {"has": "a"}}, "OR": [{"name": {"not": {"in": ["x"]}}}]}`,
		`{"blob": {"equals": "AAE="}}`,
		`{"id": {"in": [1, 99999999999]}}`,
		`{"name": {"not": {"not": {"not": null}}}}`,
		`{"meta": {"path": ["plan"], "string_contains": "p", "mode": "insensitive"}}`,
		`{"meta": {"path": ["tags", "0"], "array_starts_with": "a", "array_ends_with": [1], "array_contains": {"k": 1}}}`,
		`{"meta": {"path": [], "gt": 1, "lte": "z"}, "NOT": {"meta": {"path": ["n"], "lt": 2}}}`,
		`{"meta": {"equals": {"$type": "Enum", "value": "DbNull"}}, "OR": [{"meta": {"not": {"$type": "Enum", "value": "AnyNull"}}}]}`,
		`{"meta": {"string_ends_with": "'; --", "string_starts_with": "%_\\"}}`,
		`{"meta": {"path": ["a\u0000"], "equals": "\u0000"}}`,
		`{"name": {"search": "cat & !dog | (fat <-> rat)"}}`,
		`{"name": {"search": "&&& (("}}`,
		`{"name": {"not": {"search": "x:*"}}}`,
	} {
		f.Add(s)
	}
	e := newEnv(f, nil)
	_, err := e.c.Pool().Exec(context.Background(), `CREATE TYPE "Kind" AS ENUM ('A', 'B');
		CREATE TABLE "Pw" (id int PRIMARY KEY, name text, meta jsonb, ok boolean NOT NULL, kind "Kind" NOT NULL, tags text[] NOT NULL, blob bytea);
		INSERT INTO "Pw" VALUES (1, 'x', '{"plan": "pro"}', true, 'A', '{a}', NULL), (2, NULL, NULL, false, 'B', '{}', '\x01')`)
	require.NoError(f, err)
	type pwRow struct {
		ID int `json:"id"`
	}
	f.Fuzz(func(t *testing.T, in string) {
		w, err := orm.ParseWhere(pwModel, []byte(in))
		if err != nil {
			requireValidation(t, err)
			return
		}
		if _, err := orm.FindMany[pwRow](context.Background(), e.c, pwModel, &orm.FindArgs{Where: w}); err != nil {
			requireValidation(t, err)
		}
	})
}
