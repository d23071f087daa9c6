package migrate_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/migrate"
)

// TestWriteMigrationOrder: migrations written within the same second still
// apply in the order they were written, and checksums are sha256 of the file.
func TestWriteMigrationOrder(t *testing.T) {
	dir := t.TempDir()
	// clock-free: the date only names the migration folder.
	now := time.Date(2026, 5, 6, 7, 8, 9, 500, time.UTC)
	a, err := migrate.WriteMigration(dir, "Zeta Step", "SELECT 1;\n", now)
	require.NoError(t, err)
	b, err := migrate.WriteMigration(dir, "alpha", "SELECT 2;\n", now)
	require.NoError(t, err)
	require.Equal(t, "20260506070809_zeta_step", a.Name)
	require.Equal(t, "20260506070810_alpha", b.Name)
	local, err := migrate.ReadMigrations(dir)
	require.NoError(t, err)
	require.Equal(t, []string{a.Name, b.Name}, []string{local[0].Name, local[1].Name})
	require.Equal(t, "b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd", migrate.Checksum([]byte("SELECT 1;\n")))
	require.Equal(t, migrate.Checksum([]byte("SELECT 1;\n")), local[0].Checksum)
	_, err = os.Stat(filepath.Join(dir, migrate.LockFile))
	require.NoError(t, err)
}
