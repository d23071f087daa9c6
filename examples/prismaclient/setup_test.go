package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
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

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// decText renders an exact decimal (a field, or the pgtype.Numeric an
// aggregate returns) with the two places of the example's Decimal(10, 2)
// columns.
func decText(t testing.TB, v any) string {
	t.Helper()
	switch n := v.(type) {
	case decimal.Decimal:
		return n.StringFixed(2)
	case *decimal.Decimal:
		return decText(t, *n)
	case pgtype.Numeric:
		return decText(t, decimal.NewFromBigInt(n.Int, n.Exp))
	}
	t.Fatalf("not a decimal: %T %v", v, v)
	return ""
}
