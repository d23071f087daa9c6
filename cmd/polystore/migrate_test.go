package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

// insertUser adds a row to cliSchema's User table.
func insertUser(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	_, err = pool.Exec(ctx, `INSERT INTO "User" (email) VALUES ('a@example.com')`)
	require.NoError(t, err)
}

func writeSchema(t *testing.T, dir, src string) string {
	t.Helper()
	p := filepath.Join(dir, "schema.prisma")
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	return p
}

const cliSchema = `datasource db {
  provider = "postgresql"
  url = env("DATABASE_URL")
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  posts Post[]
}

model Post {
  id       Int  @id @default(autoincrement())
  author   User @relation(fields: [authorId], references: [id])
  authorId Int
}
`

func TestFormatAndValidateCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := writeSchema(t, dir, cliSchema)

	_, _, err := run(ctx, "format", "--check", "--schema", p)
	require.Error(t, err)
	require.Equal(t, 1, exitCode(err))
	out, _, err := run(ctx, "format", "--schema", p)
	require.NoError(t, err)
	require.Contains(t, out, "Formatted")
	src, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Contains(t, string(src), "  url      = env(\"DATABASE_URL\")")
	_, _, err = run(ctx, "format", "--check", "--schema", p)
	require.NoError(t, err)

	out, _, err = run(ctx, "validate", "--schema", p)
	require.NoError(t, err)
	require.Contains(t, out, "is valid: 2 models")

	bad := writeSchema(t, t.TempDir(), "model A {\n  id Int @id\n  b  Nope\n}\n")
	_, _, err = run(ctx, "validate", "--schema", bad)
	require.ErrorContains(t, err, "schema.prisma:3:6: type \"Nope\"")
	_, _, err = run(ctx, "validate", "--error-format", "prisma", "--schema", bad)
	require.ErrorContains(t, err, "error: Type \"Nope\" is neither a built-in type, nor refers to another model")
	require.ErrorContains(t, err, "Validation Error Count: 1")
	var pe *psl.Error
	require.ErrorAs(t, err, &pe)
	_, _, err = run(ctx, "validate", "--error-format", "json", "--schema", bad)
	require.Equal(t, 2, exitCode(err))
	broken := writeSchema(t, filepath.Dir(bad), "model A {\n  id Int @id(\n}\n")
	_, _, err = run(ctx, "format", "--schema", broken)
	require.ErrorContains(t, err, "schema.prisma:2:14: expected a value")
	after, err := os.ReadFile(broken)
	require.NoError(t, err)
	require.Equal(t, "model A {\n  id Int @id(\n}\n", string(after), "a schema with errors is left untouched")
}

func TestMigrateCommands(t *testing.T) {
	ctx := context.Background()
	url := devenv.PostgresURL(t)
	dir := t.TempDir()
	p := writeSchema(t, dir, cliSchema)
	migrations := filepath.Join(dir, "migrations")

	out, _, err := run(ctx, "migrate", "dev", "--name", "init", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "Applied migration")
	entries, err := os.ReadDir(migrations)
	require.NoError(t, err)
	require.Len(t, entries, 2) // the migration folder and migration_lock.toml

	out, _, err = run(ctx, "migrate", "status", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "up to date")

	out, _, err = run(ctx, "migrate", "diff", "--from-url", url, "--to-schema-datamodel", p, "--exit-code")
	require.NoError(t, err)
	require.Contains(t, out, "No difference")

	shadow := devenv.PostgresURL(t)
	out, _, err = run(ctx, "migrate", "diff", "--from-migrations", migrations, "--to-url", url, "--shadow-database-url", shadow, "--exit-code")
	require.NoError(t, err)
	require.Contains(t, out, "No difference")

	out, _, err = run(ctx, "migrate", "diff", "--from-empty", "--to-schema-datamodel", p, "--script")
	require.NoError(t, err)
	require.Contains(t, out, `CREATE UNIQUE INDEX "User_email_key" ON "User"("email");`)

	// Drop a field that holds data: refused without --allow-destructive
	// with Prisma's warning, nothing written.
	insertUser(t, ctx, url)
	writeSchema(t, dir, strings.Replace(cliSchema, "  email String @unique\n", "", 1))
	_, _, err = run(ctx, "migrate", "dev", "--name", "drop email", "--schema", p, "--url", url)
	require.ErrorContains(t, err, "refusing destructive changes")
	require.ErrorContains(t, err, "⚠️  Warnings for the current datasource:\n\n  • You are about to drop the column `email` on the `User` table, which still contains 1 non-null values.")
	entries, err = os.ReadDir(migrations)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	_, _, err = run(ctx, "migrate", "diff", "--from-url", url, "--to-schema-datamodel", p, "--exit-code")
	require.Equal(t, 2, exitCode(err))
	out, _, err = run(ctx, "migrate", "dev", "--name", "drop email", "--schema", p, "--url", url, "--allow-destructive")
	require.NoError(t, err)
	require.Contains(t, out, "_drop_email")
	require.Contains(t, out, "  • You are about to drop the column `email` on the `User` table, which still contains 1 non-null values.")

	out, _, err = run(ctx, "migrate", "deploy", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "No pending migrations")

	cmd := newRootCmd()
	cmd.SetArgs([]string{"migrate", "reset", "--schema", p, "--url", url})
	cmd.SetIn(strings.NewReader("n\n"))
	cmd.SetOut(new(strings.Builder))
	err = cmd.ExecuteContext(ctx)
	require.ErrorContains(t, err, "reset cancelled")

	out, _, err = run(ctx, "migrate", "reset", "--force", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "applied 2 migration(s)")
}

// TestConcurrentDeployProcesses: several "polystore migrate deploy"
// processes start together on one folder; each migration is applied
// exactly once (the advisory lock serialises them).
func TestConcurrentDeployProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ctx := context.Background()
	url := devenv.PostgresURL(t)
	bin := filepath.Join(t.TempDir(), "polystore")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	dir := t.TempDir()
	for i, script := range []string{
		`CREATE TABLE "runs" ("id" SERIAL PRIMARY KEY, "migration" TEXT NOT NULL);`,
		`INSERT INTO "runs" ("migration") VALUES ('b'); SELECT pg_sleep(0.2);`,
		`INSERT INTO "runs" ("migration") VALUES ('c');`,
	} {
		_, err := migrate.WriteMigration(dir, fmt.Sprintf("m%d", i), script, time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC))
		require.NoError(t, err)
	}
	const procs = 4
	cmds := make([]*exec.Cmd, procs)
	outs := make([]*bytes.Buffer, procs)
	for i := range cmds {
		outs[i] = new(bytes.Buffer)
		cmds[i] = exec.Command(bin, "migrate", "deploy", "--dir", dir, "--url", url)
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		require.NoError(t, cmds[i].Start())
	}
	for i, c := range cmds {
		require.NoError(t, c.Wait(), outs[i].String())
	}
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	var runs []string
	rows, err := pool.Query(ctx, `SELECT migration FROM "runs" ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var m string
		require.NoError(t, rows.Scan(&m))
		runs = append(runs, m)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"b", "c"}, runs, "each migration ran exactly once, in order")
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL`).Scan(&n))
	require.Equal(t, 3, n)
	applied := 0
	for _, o := range outs {
		if strings.Contains(o.String(), "Applied 3 migration(s)") {
			applied++
		}
	}
	require.Equal(t, 1, applied, "exactly one process applied the migrations")
}

// TestMigrateDevConsistency: migrate dev and migrate status agree on an
// applied migration edited afterwards (both exit 1 and say what to do);
// dev needs a name for a new migration; a destructive refusal names the
// flag that allows it.
func TestMigrateDevConsistency(t *testing.T) {
	ctx := context.Background()
	url := devenv.PostgresURL(t)
	dir := t.TempDir()
	p := writeSchema(t, dir, cliSchema)

	_, _, err := run(ctx, "migrate", "dev", "--schema", p, "--url", url)
	require.Equal(t, 1, exitCode(err))
	require.ErrorContains(t, err, "name it with --name")
	_, err = os.Stat(filepath.Join(dir, "migrations"))
	require.True(t, os.IsNotExist(err), "nothing written without a name")

	_, _, err = run(ctx, "migrate", "dev", "--name", "init", "--schema", p, "--url", url)
	require.NoError(t, err)
	out, _, err := run(ctx, "migrate", "dev", "--schema", p, "--url", url)
	require.NoError(t, err, "in sync: no name needed")
	require.Contains(t, out, "Already in sync")

	insertUser(t, ctx, url)
	writeSchema(t, dir, strings.Replace(cliSchema, "  email String @unique\n", "", 1))
	_, _, err = run(ctx, "migrate", "dev", "--name", "drop_email", "--schema", p, "--url", url)
	require.ErrorContains(t, err, "Re-run with --allow-destructive")
	writeSchema(t, dir, cliSchema)

	entries, err := os.ReadDir(filepath.Join(dir, "migrations"))
	require.NoError(t, err)
	var applied string
	for _, e := range entries {
		if e.IsDir() {
			applied = filepath.Join(dir, "migrations", e.Name(), "migration.sql")
		}
	}
	f, err := os.OpenFile(applied, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("-- edited after it was applied\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	out, _, err = run(ctx, "migrate", "status", "--schema", p, "--url", url)
	require.Equal(t, 1, exitCode(err))
	require.Contains(t, out, "Modified after they were applied")
	out, _, err = run(ctx, "migrate", "dev", "--name", "next", "--schema", p, "--url", url)
	require.Equal(t, 1, exitCode(err))
	require.ErrorContains(t, err, "was modified after it was applied")
	require.ErrorContains(t, err, "Next: restore the applied files")
	require.NotContains(t, out, "Already in sync")
}

// TestMultiFileSchema: --schema takes a folder of .prisma files (Prisma's
// multi-file schemas) in validate, format and migrate; each file is
// formatted as prisma format formats it.
func TestMultiFileSchema(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join("..", "..", "postgres", "migrate", "testdata", "ddl", "multifile")
	dir := filepath.Join(t.TempDir(), "schema")
	require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join(src, "schema"))))

	out, _, err := run(ctx, "validate", "--schema", dir)
	require.NoError(t, err)
	require.Contains(t, out, "is valid: 2 models, 1 enum, ")

	messy := filepath.Join(dir, "models", "post.prisma")
	require.NoError(t, os.WriteFile(messy, []byte("model Post {\n id Int @id @default(autoincrement())\n  authorId Int?\n author User? @relation(fields: [authorId], references: [id])\n @@index(authorId)\n}\n"), 0o644))
	_, _, err = run(ctx, "format", "--check", "--schema", dir)
	require.Equal(t, 1, exitCode(err))
	_, _, err = run(ctx, "format", "--schema", dir)
	require.NoError(t, err)
	for _, name := range []string{"main", "models/post", "models/user"} {
		got, err := os.ReadFile(filepath.Join(dir, name+".prisma"))
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join(src, "prisma."+strings.ReplaceAll(name, "/", ".")+".formatted.prisma"))
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), name)
	}

	url := devenv.PostgresURL(t)
	_, _, err = run(ctx, "migrate", "dev", "--name", "init", "--schema", dir, "--url", url)
	require.NoError(t, err)
	out, _, err = run(ctx, "migrate", "diff", "--from-url", url, "--to-schema-datamodel", dir, "--exit-code")
	require.NoError(t, err)
	require.Contains(t, out, "No difference")
	_, err = os.Stat(filepath.Join(filepath.Dir(dir), "migrations"))
	require.NoError(t, err, "migrations sit beside the schema folder")
}

// migrate dev --create-only weighs the migration as Prisma's does: a
// data-loss warning needs consent (--allow-destructive away from a
// terminal), and a step that cannot run on the rows yet is reported on
// stderr but does not stop the file being written, since it is meant to
// be edited before it is applied.
func TestMigrateDevCreateOnly(t *testing.T) {
	ctx := context.Background()
	migrations := func(dir string) int {
		entries, err := os.ReadDir(filepath.Join(dir, "migrations"))
		require.NoError(t, err)
		n := 0
		for _, e := range entries {
			if e.IsDir() {
				n++
			}
		}
		return n
	}
	setup := func() (url, dir, p string) {
		url, dir = devenv.PostgresURL(t), t.TempDir()
		p = writeSchema(t, dir, cliSchema)
		_, _, err := run(ctx, "migrate", "dev", "--name", "init", "--schema", p, "--url", url)
		require.NoError(t, err)
		insertUser(t, ctx, url)
		return url, dir, p
	}

	// A required column without a default on a table with rows.
	url, dir, p := setup()
	writeSchema(t, dir, strings.Replace(cliSchema, "  email String @unique\n", "  email String @unique\n  name  String\n", 1))
	_, _, err := run(ctx, "migrate", "dev", "--name", "add_name", "--schema", p, "--url", url)
	require.Error(t, err, "applying it is refused")
	require.Equal(t, 1, migrations(dir))
	out, errOut, err := run(ctx, "migrate", "dev", "--name", "add_name", "--create-only", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, errOut, "⚠️ We found changes that cannot be executed:\n\n  • Step 0 Added the required column `name` to the `User` table")
	require.Contains(t, out, "Created (not applied) migration")
	require.Equal(t, 2, migrations(dir), "the file to edit is written")

	// A column with data dropped: consent needed, also with --create-only.
	url, dir, p = setup()
	writeSchema(t, dir, strings.Replace(cliSchema, "  email String @unique\n", "", 1))
	_, _, err = run(ctx, "migrate", "dev", "--name", "drop_email", "--create-only", "--schema", p, "--url", url)
	require.ErrorContains(t, err, "--allow-destructive")
	require.Equal(t, 1, migrations(dir), "nothing written without consent")
	out, _, err = run(ctx, "migrate", "dev", "--name", "drop_email", "--create-only", "--allow-destructive", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "⚠️  Warnings for the current datasource:")
	require.Contains(t, out, "Created (not applied) migration")
	require.Equal(t, 2, migrations(dir))
}
