package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.prisma")
	require.NoError(t, os.WriteFile(schema, []byte("model Item {\n  id Int @id\n  name String\n}\n"), 0o644))

	out, _, err := run(context.Background(), "generate", "--schema", schema, "--out", filepath.Join(dir, "store"))
	require.NoError(t, err)
	require.Contains(t, out, "Generated the client of")
	src, err := os.ReadFile(filepath.Join(dir, "store", gen.FileName))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(src), gen.Header+"\n"))
	require.Contains(t, string(src), "\npackage store\n", "the package defaults to the folder name")

	_, _, err = run(context.Background(), "generate", "--schema", schema, "--out", filepath.Join(dir, "x"), "--package", "items")
	require.NoError(t, err)
	src, err = os.ReadFile(filepath.Join(dir, "x", gen.FileName))
	require.NoError(t, err)
	require.Contains(t, string(src), "\npackage items\n")

	// The default output folder is db/ beside the schema.
	_, _, err = run(context.Background(), "generate", "--schema", schema)
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(dir, "db", gen.FileName))

	// A generator block with provider "polystore" names the output folder.
	withGen := filepath.Join(dir, "gen.prisma")
	require.NoError(t, os.WriteFile(withGen, []byte("generator client {\n  provider = \"polystore\"\n  output   = \"./internal/store\"\n}\n\nmodel Item {\n  id Int @id\n}\n"), 0o644))
	out, _, err = run(context.Background(), "generate", "--schema", withGen)
	require.NoError(t, err)
	require.NotContains(t, out, "Left out")
	src, err = os.ReadFile(filepath.Join(dir, "internal", "store", gen.FileName))
	require.NoError(t, err)
	require.Contains(t, string(src), "\npackage store\n")
}

// Models the client cannot serve are named, each with its reason, rather
// than left out silently.
func TestGenerateListsLeftOutModels(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.prisma")
	require.NoError(t, os.WriteFile(schema, []byte(`generator client {
  provider        = "polystore"
  previewFeatures = ["views"]
}

model Item {
  id Int @id
}

model Legacy {
  id Int @id
  @@ignore
}

model Pair {
  a Int?
  b Int?
  @@unique([a, b])
  @@ignore
}

view Stats {
  n Int
}
`), 0o644))
	out, _, err := run(context.Background(), "generate", "--schema", schema)
	require.NoError(t, err)
	require.Contains(t, out, "Left out of the client: model Legacy: @@ignore\n")
	require.Contains(t, out, "Left out of the client: view Stats: views are not part of the client")
	src, err := os.ReadFile(filepath.Join(dir, "db", gen.FileName))
	require.NoError(t, err)
	require.Contains(t, string(src), "type Item struct")
	require.NotContains(t, string(src), "Stats")
}

func TestGenerateErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.prisma")
	require.NoError(t, os.WriteFile(bad, []byte("model Item {\n  id Int @id\n  other Missing\n}\n"), 0o644))
	_, _, err := run(context.Background(), "generate", "--schema", bad, "--out", filepath.Join(dir, "out"))
	require.Error(t, err)
	require.Contains(t, err.Error(), "bad.prisma:3")
	require.NoDirExists(t, filepath.Join(dir, "out"), "nothing is written for an invalid schema")

	good := filepath.Join(dir, "schema.prisma")
	require.NoError(t, os.WriteFile(good, []byte("model Item {\n  id Int @id\n}\n"), 0o644))
	_, _, err = run(context.Background(), "generate", "--schema", good, "--out", filepath.Join(dir, "out"), "--package", "type")
	require.ErrorIs(t, err, gen.ErrGenerate)
	require.NoDirExists(t, filepath.Join(dir, "out"))
}
