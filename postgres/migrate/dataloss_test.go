package migrate_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/migrate"
)

// TestDataLossPrisma: for every testdata/warnings case, the database made
// from from.prisma and filled by seed.sql, planned towards to.prisma,
// costs what Prisma 7's schema engine said on the same rows
// (prisma.warnings.json, recorded by record-warnings.mjs): the same
// data-loss warnings and unexecutable steps, word for word, in its order.
func TestDataLossPrisma(t *testing.T) {
	dirs, err := filepath.Glob("testdata/warnings/*/prisma.warnings.json")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, rec := range dirs {
		dir := filepath.Dir(rec)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			raw, err := os.ReadFile(rec)
			require.NoError(t, err)
			var want migrate.DataLoss
			require.NoError(t, json.Unmarshal(raw, &struct {
				Warnings     *[]string `json:"warnings"`
				Unexecutable *[]string `json:"unexecutable"`
			}{&want.Warnings, &want.Unexecutable}))
			ctx := context.Background()
			pool := devenv.Postgres(t)
			from := migrate.FromSchema(loadSchema(t, filepath.Join(dir, "from.prisma")))
			_, err = pool.Exec(ctx, migrate.Diff(nil, from).SQL())
			require.NoError(t, err)
			seed, err := os.ReadFile(filepath.Join(dir, "seed.sql"))
			require.NoError(t, err)
			if len(seed) > 0 {
				_, err = pool.Exec(ctx, string(seed))
				require.NoError(t, err)
			}
			to := migrate.FromSchema(loadSchema(t, filepath.Join(dir, "to.prisma")))
			plan, err := migrate.PlanChanges(ctx, pool, to, nil)
			require.NoError(t, err)
			got, err := migrate.EvaluateDataLoss(ctx, pool, plan)
			require.NoError(t, err)
			if got.Warnings == nil {
				got.Warnings = []string{}
			}
			if got.Unexecutable == nil {
				got.Unexecutable = []string{}
			}
			require.Equal(t, want, *got)
		})
	}
}
