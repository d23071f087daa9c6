package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
)

func TestDBPush(t *testing.T) {
	ctx := context.Background()
	url := devenv.PostgresURL(t)
	dir := t.TempDir()
	p := writeSchema(t, dir, cliSchema)

	out, _, err := run(ctx, "db", "push", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "now in sync")
	out, _, err = run(ctx, "db", "push", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "already in sync")

	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `INSERT INTO "User" (email) VALUES ('a@x')`)
	require.NoError(t, err)
	var recorded int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM _prisma_migrations`).Scan(&recorded))
	require.Zero(t, recorded, "push records no migration")

	// A required column without a default cannot be added to a table
	// with rows: refused with Prisma's words, nothing changes.
	withName := strings.Replace(cliSchema, "  email String @unique\n", "  email String @unique\n  name  String\n", 1)
	writeSchema(t, dir, withName)
	_, _, err = run(ctx, "db", "push", "--schema", p, "--url", url, "--accept-data-loss")
	require.Error(t, err)
	require.Equal(t, 1, exitCode(err))
	require.Contains(t, err.Error(), "⚠️ We found changes that cannot be executed:\n\n  • ")
	require.Contains(t, err.Error(), "`name`")
	require.Contains(t, err.Error(), "--force-reset")
	require.Error(t, conn.QueryRow(ctx, `SELECT name FROM "User"`).Scan(new(string)), "no column was added")

	// Dropping a column with data is refused, and nothing changes.
	noEmail := strings.Replace(cliSchema, "  email String @unique\n", "", 1)
	writeSchema(t, dir, noEmail)
	out, _, err = run(ctx, "db", "push", "--schema", p, "--url", url)
	require.ErrorContains(t, err, "--accept-data-loss")
	require.Equal(t, 1, exitCode(err))
	const warning = "\n⚠️  There might be data loss when applying the changes:\n\n" +
		"  • You are about to drop the column `email` on the `User` table, which still contains 1 non-null values.\n\n"
	require.Contains(t, out, warning)
	var email string
	require.NoError(t, conn.QueryRow(ctx, `SELECT email FROM "User"`).Scan(&email))
	require.Equal(t, "a@x", email)
	out, _, err = run(ctx, "db", "push", "--schema", p, "--url", url, "--accept-data-loss")
	require.NoError(t, err)
	require.Contains(t, out, warning)
	require.Error(t, conn.QueryRow(ctx, `SELECT email FROM "User"`).Scan(&email), "the column is gone")

	// A destructive step that loses nothing here goes ahead without the
	// flag, as with Prisma: an empty table is dropped.
	noPosts := strings.Replace(strings.Replace(noEmail, "  posts Post[]\n", "", 1),
		"model Post {\n  id       Int  @id @default(autoincrement())\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n", "", 1)
	require.NotEqual(t, noEmail, noPosts)
	writeSchema(t, dir, noPosts)
	out, _, err = run(ctx, "db", "push", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.NotContains(t, out, "data loss")
	require.Contains(t, out, "now in sync")
	require.Error(t, conn.QueryRow(ctx, `SELECT count(*) FROM "Post"`).Scan(new(int)), "the empty table is gone")

	// --force-reset drops the schema with its rows first: the required
	// column refused above can then be added.
	writeSchema(t, dir, withName)
	out, _, err = run(ctx, "db", "push", "--schema", p, "--url", url, "--force-reset")
	require.NoError(t, err)
	require.Contains(t, out, `schema "public" was successfully reset.`)
	require.Contains(t, out, "now in sync")
	var users int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM "User" WHERE name IS NOT NULL`).Scan(&users))
	require.Zero(t, users, "the rows went with the reset")
}

func TestDBExecute(t *testing.T) {
	ctx := context.Background()
	url := devenv.PostgresURL(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "s.sql")
	require.NoError(t, os.WriteFile(script, []byte("CREATE TABLE t (v int);\nINSERT INTO t VALUES (1), (2);\n"), 0o644))
	out, _, err := run(ctx, "db", "execute", "--url", url, "--file", script)
	require.NoError(t, err)
	require.Contains(t, out, "executed successfully")

	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM t`).Scan(&n))
	require.Equal(t, 2, n)

	// A failing script applies nothing.
	cmd := newRootCmd()
	cmd.SetArgs([]string{"db", "execute", "--url", url, "--stdin"})
	cmd.SetIn(strings.NewReader("INSERT INTO t VALUES (3); INSERT INTO nope VALUES (1);"))
	cmd.SetOut(os.Stderr)
	cmd.SetErr(os.Stderr)
	require.ErrorContains(t, cmd.ExecuteContext(ctx), "nothing was applied")
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM t`).Scan(&n))
	require.Equal(t, 2, n, "all or nothing")

	// Statements that cannot run in a transaction run one by one.
	require.NoError(t, os.WriteFile(script, []byte("CREATE INDEX CONCURRENTLY t_v ON t (v);\nINSERT INTO t VALUES (3);\n"), 0o644))
	_, _, err = run(ctx, "db", "execute", "--url", url, "--file", script)
	require.NoError(t, err)
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM t`).Scan(&n))
	require.Equal(t, 3, n)

	_, _, err = run(ctx, "db", "execute", "--url", url)
	require.ErrorContains(t, err, "exactly one of --file and --stdin")
	require.NoError(t, os.WriteFile(script, []byte("  \n"), 0o644))
	_, _, err = run(ctx, "db", "execute", "--url", url, "--file", script)
	require.ErrorContains(t, err, "empty")
}

func TestDBSeed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := writeSchema(t, dir, cliSchema)
	const url = "postgres://seed@127.0.0.1:1/seeded"
	out, _, err := run(ctx, "db", "seed", "--schema", p, "--url", url, "--command", `echo "seeding $DATABASE_URL"`)
	require.NoError(t, err)
	require.Equal(t, "seeding "+url+"\n", out)

	_, _, err = run(ctx, "db", "seed", "--schema", p, "--url", url, "--command", "exit 7")
	require.Error(t, err)
	require.Equal(t, 7, exitCode(err), "the seed command's exit code is seed's")

	t.Setenv(EnvSeed, "")
	_, _, err = run(ctx, "db", "seed", "--schema", p, "--url", url)
	require.ErrorContains(t, err, "no seed command")
	require.Equal(t, 2, exitCode(err))
}

func TestDBPull(t *testing.T) {
	ctx := context.Background()
	url := devenv.PostgresURL(t)
	_, _, err := run(ctx, "db", "push", "--schema", writeSchema(t, t.TempDir(), cliSchema), "--url", url)
	require.NoError(t, err)

	// An existing schema keeps its datasource and generator; its models are replaced.
	dir := t.TempDir()
	p := writeSchema(t, dir, "generator client {\n  provider = \"polystore\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\nmodel Stale {\n  id Int @id\n}\n")
	out, _, err := run(ctx, "db", "pull", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "Introspected 2 table(s)")
	src, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Contains(t, string(src), "generator client {")
	require.Contains(t, string(src), "model User {")
	require.Contains(t, string(src), "User     User @relation(fields: [authorId], references: [id])")
	require.NotContains(t, string(src), "Stale")
	out, _, err = run(ctx, "db", "push", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "already in sync", "the pulled schema round-trips")

	// Without a schema file one is written; --print writes nothing.
	fresh := filepath.Join(t.TempDir(), "prisma", "schema.prisma")
	out, _, err = run(ctx, "db", "pull", "--schema", fresh, "--url", url, "--print")
	require.NoError(t, err)
	require.Contains(t, out, "datasource db {")
	_, err = os.Stat(fresh)
	require.True(t, os.IsNotExist(err))
	_, _, err = run(ctx, "db", "pull", "--schema", fresh, "--url", url)
	require.NoError(t, err)
	_, err = os.Stat(fresh)
	require.NoError(t, err)

	// Native types take the name of the schema's datasource.
	named := writeSchema(t, t.TempDir(), "datasource pg {\n  provider = \"postgresql\"\n}\n\nmodel N {\n  id   Int    @id\n  name String @pg.VarChar(20)\n}\n")
	namedURL := devenv.PostgresURL(t)
	_, _, err = run(ctx, "db", "push", "--schema", named, "--url", namedURL)
	require.NoError(t, err)
	_, _, err = run(ctx, "db", "pull", "--schema", named, "--url", namedURL)
	require.NoError(t, err)
	src, err = os.ReadFile(named)
	require.NoError(t, err)
	require.Contains(t, string(src), "@pg.VarChar(20)")
	out, _, err = run(ctx, "db", "push", "--schema", named, "--url", namedURL)
	require.NoError(t, err)
	require.Contains(t, out, "already in sync")

	empty := devenv.PostgresURL(t)
	_, _, err = run(ctx, "db", "pull", "--schema", filepath.Join(t.TempDir(), "s.prisma"), "--url", empty)
	require.ErrorContains(t, err, "no tables")
}
