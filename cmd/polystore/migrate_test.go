package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
)

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

	// Drop a field: refused without --allow-destructive, nothing written.
	writeSchema(t, dir, strings.Replace(cliSchema, "  email String @unique\n", "", 1))
	_, _, err = run(ctx, "migrate", "dev", "--name", "drop email", "--schema", p, "--url", url)
	require.ErrorContains(t, err, "refusing destructive changes")
	entries, err = os.ReadDir(migrations)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	_, _, err = run(ctx, "migrate", "diff", "--from-url", url, "--to-schema-datamodel", p, "--exit-code")
	require.Equal(t, 2, exitCode(err))
	out, _, err = run(ctx, "migrate", "dev", "--name", "drop email", "--schema", p, "--url", url, "--allow-destructive")
	require.NoError(t, err)
	require.Contains(t, out, "_drop_email")

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
