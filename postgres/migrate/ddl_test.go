package migrate_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file (run with -update)")
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Fatalf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func loadSchema(t testing.TB, path string) *psl.Schema {
	t.Helper()
	s, err := psl.LoadFile(path)
	require.NoError(t, err)
	return s
}

// TestDDLGolden: the migration from an empty database to each
// testdata/ddl/<case>/schema.prisma matches migration.sql, Prisma's layout.
func TestDDLGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata/ddl")
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata", "ddl", e.Name())
			s := loadSchema(t, filepath.Join(dir, "schema.prisma"))
			plan := migrate.Diff(nil, migrate.FromSchema(s))
			require.Empty(t, plan.Destructive())
			golden(t, filepath.Join(dir, "migration.sql"), plan.SQL())
			// The target compared with itself needs nothing.
			require.True(t, migrate.Diff(migrate.FromSchema(s), migrate.FromSchema(s)).Empty())
		})
	}
}
