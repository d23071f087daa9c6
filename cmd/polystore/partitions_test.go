package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
)

const partitionCLISchema = `datasource db {
  provider = "postgresql"
  url = env("DATABASE_URL")
}

/// @@polystore.partition(range: [at], interval: "1 day", premake: 2, retention: "30 days")
model Reading {
  id Int      @default(autoincrement())
  at DateTime

  @@id([id, at])
}
`

// TestMigratePartitionsCommand: migrate dev creates the partitioned table,
// migrate partitions creates today's and two days' partitions ahead (a dry
// run first changes nothing), a second run has nothing to do, and the
// schema stays in sync.
func TestMigratePartitionsCommand(t *testing.T) {
	ctx := context.Background()
	url := devenv.PostgresURL(t)
	dir := t.TempDir()
	p := writeSchema(t, dir, partitionCLISchema)
	_, _, err := run(ctx, "migrate", "dev", "--name", "init", "--schema", p, "--url", url)
	require.NoError(t, err)

	today := time.Now().UTC().Format("20060102")
	out, _, err := run(ctx, "migrate", "partitions", "--dry-run", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "would be created")
	out, _, err = run(ctx, "migrate", "partitions", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "Reading_p"+today+" created")
	require.NotContains(t, out, "would be")
	out, _, err = run(ctx, "migrate", "partitions", "--schema", p, "--url", url)
	require.NoError(t, err)
	require.Contains(t, out, "up to date")

	out, _, err = run(ctx, "migrate", "diff", "--from-url", url, "--to-schema-datamodel", filepath.Clean(p), "--exit-code")
	require.NoError(t, err)
	require.Contains(t, out, "No difference")
}
