package main

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
)

// deadAddr returns a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// TestMissingSchemaSaysWhereItLooked: a newcomer who runs a schema command
// in the wrong folder learns where polystore looked and what to pass.
func TestMissingSchemaSaysWhereItLooked(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, args := range [][]string{{"validate"}, {"format"}, {"generate"}, {"migrate", "dev"}} {
		_, _, err := run(context.Background(), args...)
		require.Error(t, err, args)
		require.Equal(t, 1, exitCode(err))
		require.Contains(t, err.Error(), "no schema.prisma in prisma/ or in the current directory", args)
		require.Contains(t, err.Error(), "--schema", args)
	}
	_, _, err := run(context.Background(), "validate", "--schema", "nothere.prisma")
	require.ErrorContains(t, err, "no schema at nothere.prisma (--schema)")
	_, _, err = run(context.Background(), "migrate", "diff", "--from-empty", "--to-schema-datamodel", "gone.prisma")
	require.ErrorContains(t, err, "no schema at gone.prisma")
}

// TestNoDatabaseURLNamesTheVariables: without any URL, migrate names every
// variable it reads, the schema's own first, with an example value.
func TestNoDatabaseURLNamesTheVariables(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", "")
	t.Setenv("APP_DB", "")
	t.Setenv(devenv.EnvPostgresURL, "")
	p := writeSchema(t, dir, "datasource db {\n  provider = \"postgresql\"\n  url = env(\"APP_DB\")\n}\n")
	_, _, err := run(context.Background(), "migrate", "status", "--schema", p)
	require.EqualError(t, err, "no database URL: pass --url or set APP_DB or DATABASE_URL or "+devenv.EnvPostgresURL+
		", for example APP_DB="+devenv.DefaultPostgresURL+" (`polystore doctor` checks that the server answers)")
}

// TestUnreachableServersSayWhatToDo: a URL where nothing listens fails in
// one message naming the URL, where it came from and what to check, with
// exit status 1 and no panic.
func TestUnreachableServersSayWhatToDo(t *testing.T) {
	addr := deadAddr(t)
	dir := t.TempDir()
	p := writeSchema(t, dir, cliSchema)
	t.Setenv(devenv.EnvPostgresURL, "")
	t.Setenv("DATABASE_URL", "postgres://postgres@"+addr+"/x?sslmode=disable")
	_, _, err := run(context.Background(), "migrate", "status", "--schema", p)
	require.Error(t, err)
	require.Equal(t, 1, exitCode(err))
	require.Contains(t, err.Error(), "connect to the database at postgres://postgres@"+addr+"/x")
	require.Contains(t, err.Error(), "(from DATABASE_URL (the schema's datasource url))")
	require.Contains(t, err.Error(), "polystore doctor")

	_, _, err = run(context.Background(), "migrate", "status", "--schema", p, "--url", "postgres://a b")
	require.ErrorContains(t, err, "--url: not a PostgreSQL URL")

	t.Setenv(devenv.EnvRedisURL, addr)
	_, _, err = run(context.Background(), "jobs", "dead", "list", "--queue", "{mail}")
	require.Error(t, err)
	require.Equal(t, 1, exitCode(err))
	require.Contains(t, err.Error(), "connect to Redis at "+addr+" (from "+devenv.EnvRedisURL+")")
	require.Contains(t, err.Error(), "--redis")
	require.Contains(t, err.Error(), "polystore doctor")
}

// TestUnknownCommandPointsAtHelp: a mistyped command says how to list the
// real ones.
func TestUnknownCommandPointsAtHelp(t *testing.T) {
	_, _, err := run(context.Background(), "frobnicate")
	require.ErrorContains(t, err, `unknown command "frobnicate"`)
	require.ErrorContains(t, err, "polystore --help")
	_, _, err = run(context.Background(), "migrate", "stauts")
	require.ErrorContains(t, err, "status", "the closest subcommand is suggested")
}
