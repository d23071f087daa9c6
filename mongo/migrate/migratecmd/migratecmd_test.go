package migratecmd_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/migrate"
	"github.com/polystore/polystore/mongo/migrate/migratecmd"
)

// marker is a migration whose Up inserts a document and whose Down
// removes it, so the test sees each step in the database.
var marker = migrate.Migration{ID: "0001_marker", Description: "marks the database",
	Up: func(ctx context.Context, db *mongo.Database) error {
		_, err := db.Collection("marker").InsertOne(ctx, bson.M{"_id": "cli"})
		return err
	},
	Down: func(ctx context.Context, db *mongo.Database) error {
		_, err := db.Collection("marker").DeleteOne(ctx, bson.M{"_id": "cli"})
		return err
	}}

// run executes the command with args and returns its standard output.
func run(t *testing.T, o *migratecmd.Options, args ...string) (string, error) {
	t.Helper()
	cmd := migratecmd.Command(o)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceErrors = true
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestUpStatusDown(t *testing.T) {
	ctx := context.Background()
	db := devenv.Mongo(t)
	url := devenv.MongoServer(t).URL
	o := &migratecmd.Options{Migrations: func() []migrate.Migration { return []migrate.Migration{marker} }}
	args := func(a ...string) []string { return append(a, "--url", url, "--db", db.Name()) }
	count := func() int64 {
		n, err := db.Collection("marker").CountDocuments(ctx, bson.M{})
		require.NoError(t, err)
		return n
	}

	out, err := run(t, o, args("status")...)
	require.NoError(t, err)
	require.Regexp(t, `0001_marker\s+pending\s+marks the database`, out)
	out, err = run(t, o, args("up", "--dry-run")...)
	require.NoError(t, err)
	require.Contains(t, out, "would apply 0001_marker (data)")
	require.Zero(t, count(), "a dry run writes nothing")
	out, err = run(t, o, args("up")...)
	require.NoError(t, err)
	require.Contains(t, out, "applied 0001_marker (data)")
	require.Equal(t, int64(1), count())
	out, err = run(t, o, args("up")...)
	require.NoError(t, err)
	require.Contains(t, out, "nothing to apply")
	require.Equal(t, int64(1), count(), "applied once")
	out, err = run(t, o, args("status")...)
	require.NoError(t, err)
	require.Regexp(t, `0001_marker\s+applied\s+\d{4}-`, out)
	out, err = run(t, o, args("down")...)
	require.NoError(t, err)
	require.Contains(t, out, "reverted 0001_marker")
	require.Zero(t, count())
	out, err = run(t, o, args("down")...)
	require.NoError(t, err)
	require.Contains(t, out, "nothing to revert")
}

func TestUsageErrors(t *testing.T) {
	o := &migratecmd.Options{Migrations: func() []migrate.Migration { return []migrate.Migration{marker} }}
	t.Setenv(migratecmd.EnvURL, "")
	_, err := run(t, o, "status", "--db", "x")
	require.ErrorContains(t, err, migratecmd.EnvURL)
	require.Equal(t, 2, migratecmd.ExitCode(err))
	_, err = run(t, o, "status", "--url", "mongodb://127.0.0.1:1")
	require.ErrorContains(t, err, "--db")
	require.Equal(t, 2, migratecmd.ExitCode(err))
	_, err = run(t, o, "up", "--url", "not a url", "--db", "x")
	require.ErrorContains(t, err, "--url")
	require.Equal(t, 2, migratecmd.ExitCode(err))

	_, err = run(t, &migratecmd.Options{Migrations: func() []migrate.Migration { return nil }}, "up", "--db", "x")
	require.ErrorIs(t, err, migratecmd.ErrNoMigrations)
	require.Equal(t, 2, migratecmd.ExitCode(err))
	require.Zero(t, migratecmd.ExitCode(nil))
}

// An unreachable server is an error within the server selection timeout,
// not a hang.
func TestUnreachableServerFailsFast(t *testing.T) {
	o := &migratecmd.Options{ServerSelectionTimeout: 300 * time.Millisecond,
		Migrations: func() []migrate.Migration { return []migrate.Migration{marker} }}
	start := time.Now()
	_, err := run(t, o, "status", "--url", "mongodb://127.0.0.1:1", "--db", "x")
	require.Error(t, err)
	require.Equal(t, 1, migratecmd.ExitCode(err))
	require.Less(t, time.Since(start), 10*time.Second)
}
