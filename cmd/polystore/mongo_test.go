package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/mongo/migrate/migratecmd"
)

// TestMongoMigrateWithoutMigrations: the polystore binary registers no
// migrations; `polystore mongo migrate` says where migrations come from,
// and exits 2, instead of reporting "nothing to apply". (The command
// itself is tested with migrations in mongo/migrate/migratecmd.)
func TestMongoMigrateWithoutMigrations(t *testing.T) {
	require.Contains(t, newMongoMigrateCmd().Long, "migratecmd.Main")
	for _, sub := range []string{"up", "status", "down"} {
		_, _, err := run(context.Background(), "mongo", "migrate", sub, "--db", "x")
		require.Equal(t, 2, exitCode(err), sub)
		require.ErrorIs(t, err, migratecmd.ErrNoMigrations, sub)
		require.Contains(t, err.Error(), "migrate.Register")
		require.Contains(t, err.Error(), "docs/odm.md")
	}
}
