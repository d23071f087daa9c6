package migrate_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

const pullDatasource = "datasource db {\n  provider = \"postgresql\"\n}\n\n"

// TestPullRoundTrip: every golden schema on one database schema, created
// on a fresh database, pulled back into schema.prisma, gives a schema whose
// diff against the live database is empty (prisma db pull's promise).
func TestPullRoundTrip(t *testing.T) {
	for _, dir := range goldenSchemas(t) {
		s := loadSchema(t, schemaIn(dir))
		if s.Datasource != nil && len(s.Datasource.Schemas) > 0 {
			continue // pull reads the default database schema only
		}
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			skipUnappliable(t, dir)
			ctx := context.Background()
			pool := devenv.Postgres(t)
			_, err := pool.Exec(ctx, migrate.Diff(nil, migrate.FromSchema(s)).SQL())
			require.NoError(t, err)
			live, err := migrate.Introspect(ctx, pool, nil)
			require.NoError(t, err)
			pulled := migrate.PullSchema(live)
			header := pullDatasource
			if ds := s.Datasource; ds != nil && ds.Name != "db" {
				// Native types take the datasource's name as their prefix.
				pulled = migrate.PullSchemaFor(live, ds.Name)
				header = strings.Replace(header, "datasource db", "datasource "+ds.Name, 1)
			}
			for _, g := range s.Generators {
				if slices.Contains(g.PreviewFeatures, "partialIndexes") {
					// db pull keeps the generator blocks: partial indexes
					// come back as where: raw(...), which needs the feature.
					header = "generator client {\n  provider        = \"prisma-client\"\n  previewFeatures = [\"partialIndexes\"]\n}\n\n" + header
				}
			}
			ps, err := psl.Load("pulled.prisma", append([]byte(header), pulled...))
			require.NoError(t, err, "the pulled schema is valid:\n%s", pulled)
			plan, err := migrate.PlanChanges(ctx, pool, migrate.FromSchema(ps), nil)
			require.NoError(t, err)
			require.True(t, plan.Empty(), "diff after pull is not empty:\n%s\npulled:\n%s", plan.SQL(), pulled)
		})
	}
}
