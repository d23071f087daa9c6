package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/examples/prismaclient/db"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// setup returns a client on a fresh database holding the schema's tables,
// created with the migration engine's DDL.
func setup(t testing.TB) (*db.Client, *pgxpool.Pool) {
	t.Helper()
	pool := devenv.Postgres(t)
	require.NoError(t, ApplySchema(context.Background(), pool))
	c := db.New(orm.NewWithPool(pool, nil))
	return c, pool
}

func dec(s string) pgtype.Numeric {
	var n pgtype.Numeric
	if err := n.Scan(s); err != nil {
		panic(err)
	}
	return n
}

// decText renders an exact decimal (a pgtype.Numeric or what an aggregate
// returns) as text.
func decText(t testing.TB, v any) string {
	t.Helper()
	switch n := v.(type) {
	case pgtype.Numeric:
		b, err := n.MarshalJSON()
		require.NoError(t, err)
		return string(b)
	case *pgtype.Numeric:
		return decText(t, *n)
	}
	t.Fatalf("not a decimal: %T %v", v, v)
	return ""
}
