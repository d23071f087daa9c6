package migrate_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/migrate"
)

// TestPartialIndexPredicates: a partial index whose predicate is written
// otherwise but means the same to Prisma (and so to PostgreSQL's
// pg_get_expr text) needs no migration; one that differs is dropped and
// created again.
func TestPartialIndexPredicates(t *testing.T) {
	db := func(where string) *migrate.Database {
		return &migrate.Database{Tables: []*migrate.Table{{Schema: "public", Name: "T",
			Columns: []*migrate.Column{{Name: "id", Type: "INTEGER", NotNull: true}},
			Indexes: []*migrate.Index{{Name: "T_id_idx", Columns: []migrate.IndexColumn{{Name: "id"}}, Where: where}}}}}
	}
	for _, c := range []struct {
		schema, live string
		same         bool
	}{
		{`"deletedAt" IS NULL`, `("deletedAt" IS NULL)`, true},
		{`"state" = 'it''s'`, `(state = 'it''s'::text)`, true},
		{`"score" = 1.50 AND "rank" = -1`, `((score = (1.50)::double precision) AND (rank = '-1'::integer))`, true},
		{`"role" = 'USER'`, `(role = 'USER'::"Role")`, true},
		{`"active" != false AND "state" != 'x'`, `((active <> false) AND ((state)::text <> 'x'::text))`, true},
		{`a = true AND s IS NULL`, `(a = TRUE) and (s is null)`, true},
		{`s = 'x'`, `s = ('x')::character varying`, true},
		{`s IS NOT NULL`, `S IS NOT NULL`, false},
		{`s = 'a b'`, `s = 'a  b'`, false},
		{`a OR (b AND c)`, `(a OR b) AND c`, false},
		{`lower(s) = 'a'`, `LOWER(s) = 'a'`, false},
		{`a`, `a;`, false},
		{`a`, ``, false},
	} {
		plan := migrate.Diff(db(c.live), db(c.schema))
		require.Equal(t, c.same, plan.Empty(), "%q against %q:\n%s", c.schema, c.live, plan.SQL())
	}
}
