package migrate_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/migrate"
)

// Every function that talks to PostgreSQL answers a nil pool, connection
// or Querier with ErrNoDatabase instead of panicking.
func TestNilDatabase(t *testing.T) {
	ctx := context.Background()
	var pool *pgxpool.Pool
	plan := &migrate.Plan{}
	calls := map[string]func() error{
		"PlanChanges(nil)":       func() error { _, err := migrate.PlanChanges(ctx, nil, &migrate.Database{}, nil); return err },
		"PlanChanges(nil *Pool)": func() error { _, err := migrate.PlanChanges(ctx, pool, &migrate.Database{}, nil); return err },
		"Introspect":             func() error { _, err := migrate.Introspect(ctx, pool, nil); return err },
		"EvaluateDataLoss":       func() error { _, err := migrate.EvaluateDataLoss(ctx, nil, plan); return err },
		"Check":                  func() error { return migrate.Check(ctx, nil, plan, nil) },
		"Apply":                  func() error { return migrate.Apply(ctx, nil, plan, nil) },
		"Dev": func() error {
			_, err := migrate.Dev(ctx, nil, &migrate.Database{}, t.TempDir(), "x", false, nil)
			return err
		},
		"Deploy":             func() error { _, err := migrate.Deploy(ctx, nil, t.TempDir(), nil); return err },
		"Reset":              func() error { _, err := migrate.Reset(ctx, nil, t.TempDir(), nil); return err },
		"DropSchemas":        func() error { return migrate.DropSchemas(ctx, nil, nil) },
		"History":            func() error { _, err := migrate.History(ctx, nil); return err },
		"Resolve":            func() error { return migrate.Resolve(ctx, nil, t.TempDir(), "x", true) },
		"GetStatus":          func() error { _, err := migrate.GetStatus(ctx, nil, t.TempDir()); return err },
		"MaintainPartitions": func() error { _, err := migrate.MaintainPartitions(ctx, nil, nil, nil); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, call(), migrate.ErrNoDatabase)
		})
	}
}

// A nil plan is the empty plan and a nil schema the empty database.
func TestNilPlanAndSchema(t *testing.T) {
	var p *migrate.Plan
	require.True(t, p.Empty())
	require.Nil(t, p.Destructive())
	require.Nil(t, p.Warnings())
	require.Equal(t, "-- This is an empty migration.\n", p.SQL())
	db := migrate.FromSchema(nil)
	require.NotNil(t, db)
	require.Empty(t, db.Tables)
	require.True(t, migrate.Diff(nil, db).Empty())
}
