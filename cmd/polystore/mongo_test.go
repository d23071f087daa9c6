package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	mmigrate "github.com/polystore/polystore/mongo/migrate"
)

func init() {
	mmigrate.Register(mmigrate.Migration{ID: "0001_cli_marker", Description: "marks the database",
		Up: func(ctx context.Context, db *mongo.Database) error {
			_, err := db.Collection("marker").InsertOne(ctx, bson.M{"_id": "cli"})
			return err
		},
		Down: func(ctx context.Context, db *mongo.Database) error {
			_, err := db.Collection("marker").DeleteOne(ctx, bson.M{"_id": "cli"})
			return err
		}})
}

func TestMongoMigrate(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	url := devenv.MongoServer(t).URL
	args := func(a ...string) []string { return append(a, "--url", url, "--db", db.Name()) }
	marker := func() int64 {
		n, err := db.Collection("marker").CountDocuments(ctx, bson.M{})
		require.NoError(t, err)
		return n
	}

	out, _, err := run(ctx, args("mongo", "migrate", "status")...)
	require.NoError(t, err)
	require.Regexp(t, `0001_cli_marker\s+pending`, out)
	out, _, err = run(ctx, args("mongo", "migrate", "up", "--dry-run")...)
	require.NoError(t, err)
	require.Contains(t, out, "would apply 0001_cli_marker (data)")
	require.Zero(t, marker())
	out, _, err = run(ctx, args("mongo", "migrate", "up")...)
	require.NoError(t, err)
	require.Contains(t, out, "applied 0001_cli_marker")
	require.Equal(t, int64(1), marker())
	out, _, err = run(ctx, args("mongo", "migrate", "up")...)
	require.NoError(t, err)
	require.Contains(t, out, "nothing to apply")
	out, _, err = run(ctx, args("mongo", "migrate", "status")...)
	require.NoError(t, err)
	require.Regexp(t, `0001_cli_marker\s+applied`, out)
	out, _, err = run(ctx, args("mongo", "migrate", "down")...)
	require.NoError(t, err)
	require.Contains(t, out, "reverted 0001_cli_marker")
	require.Zero(t, marker())

	t.Setenv(devenv.EnvMongoURL, "")
	_, _, err = run(ctx, "mongo", "migrate", "status", "--db", "x")
	require.Error(t, err)
	require.Equal(t, 2, exitCode(err))
	_, _, err = run(ctx, "mongo", "migrate", "status", "--url", url)
	require.Equal(t, 2, exitCode(err))
}

// TestMongoMigrateWithoutMigrations: the polystore binary registers no
// migrations; the command says where migrations come from instead of
// reporting "nothing to apply".
func TestMongoMigrateWithoutMigrations(t *testing.T) {
	err := checkRegistered(nil)
	require.Error(t, err)
	require.Equal(t, 2, exitCode(err))
	require.Contains(t, err.Error(), "migrate.Register")
	require.Contains(t, err.Error(), "docs/odm.md")
	require.NoError(t, checkRegistered(mmigrate.Registered()), "this test binary registers one")
}
