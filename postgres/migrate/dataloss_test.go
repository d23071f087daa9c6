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
	"github.com/polystore/polystore/postgres/psl"
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
			want := recordedLoss(t, dir)
			ctx := context.Background()
			pool := devenv.Postgres(t)
			from := migrate.FromSchema(loadSchema(t, filepath.Join(dir, "from.prisma")))
			_, err := pool.Exec(ctx, migrate.Diff(nil, from).SQL())
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
			require.Len(t, got.UnexecutableSteps, len(got.Unexecutable))
			for _, i := range got.UnexecutableSteps {
				require.Less(t, i, len(plan.Steps))
			}
			got.UnexecutableSteps = nil
			require.Equal(t, want, *got)
		})
	}
}

// recordedLoss reads a testdata/warnings case's prisma.warnings.json.
func recordedLoss(t *testing.T, dir string) migrate.DataLoss {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "prisma.warnings.json"))
	require.NoError(t, err)
	var l migrate.DataLoss
	require.NoError(t, json.Unmarshal(raw, &struct {
		Warnings     *[]string `json:"warnings"`
		Unexecutable *[]string `json:"unexecutable"`
	}{&l.Warnings, &l.Unexecutable}))
	return l
}

// TestDevWeighsDataLoss: migrate dev asks (refuses without
// AllowDestructive) only when the rows present would lose something, with
// Prisma's warnings; it drops an empty column or table without asking, and
// refuses a step that cannot run on the rows with Prisma's words, writing
// no migration either way.
func TestDevWeighsDataLoss(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	dir := t.TempDir()
	schema := func(c, name string) *migrate.Database {
		return migrate.FromSchema(loadSchema(t, filepath.Join("testdata/warnings", c, name)))
	}
	migrations := func() int {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		return len(entries)
	}
	_, err := migrate.Dev(ctx, pool, schema("drop_column", "from.prisma"), dir, "init", false, nil)
	require.NoError(t, err)
	res, err := migrate.Dev(ctx, pool, schema("drop_column", "to.prisma"), dir, "drop_empty", false, nil)
	require.NoError(t, err, "columns of an empty table drop without asking")
	require.True(t, res.DataLoss.Empty())
	_, err = migrate.Dev(ctx, pool, schema("drop_column", "from.prisma"), dir, "back", false, nil)
	require.NoError(t, err)
	seed, err := os.ReadFile("testdata/warnings/drop_column/seed.sql")
	require.NoError(t, err)
	_, err = pool.Exec(ctx, string(seed))
	require.NoError(t, err)

	before := migrations()
	_, err = migrate.Dev(ctx, pool, schema("drop_column", "to.prisma"), dir, "drop_full", false, nil)
	require.ErrorIs(t, err, migrate.ErrDestructive)
	var de *migrate.DestructiveError
	require.ErrorAs(t, err, &de)
	want := recordedLoss(t, "testdata/warnings/drop_column")
	require.Equal(t, want.Warnings, de.DataLoss.Warnings)
	require.Contains(t, err.Error(), "⚠️  Warnings for the current datasource:\n\n  • "+want.Warnings[0])
	require.Equal(t, before, migrations(), "nothing written")
	res, err = migrate.Dev(ctx, pool, schema("drop_column", "to.prisma"), dir, "drop_full", false, &migrate.Options{AllowDestructive: true})
	require.NoError(t, err)
	require.Equal(t, want.Warnings, res.DataLoss.Warnings)
	require.Equal(t, before+1, migrations())

	// A required column added to a table with rows cannot run at all.
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM "User"`).Scan(&n))
	require.Equal(t, 3, n)
	_, err = migrate.Dev(ctx, pool, schema("add_required", "to.prisma"), dir, "required", false, &migrate.Options{AllowDestructive: true})
	require.ErrorIs(t, err, migrate.ErrUnexecutable)
	var ue *migrate.UnexecutableError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, []string{"Added the required column `email` to the `User` table without a default value. There are 3 rows in this table, it is not possible to execute this step."},
		ue.DataLoss.Unexecutable)
	require.Contains(t, err.Error(), "We found changes that cannot be executed:\n\n  • Step 0 Added the required column `email`")
	require.Equal(t, before+1, migrations(), "nothing written")
}

// TestUnexecutableStepNumbers: each step that cannot run is numbered as
// prisma migrate dev numbers it, by the index of its "-- Kind" block in
// the migration (from 0), here after an enum and a table created first.
func TestUnexecutableStepNumbers(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	const head = "datasource db {\n  provider = \"postgresql\"\n}\n\n"
	load := func(src string) *migrate.Database {
		s, err := psl.Load("schema.prisma", []byte(head+src))
		require.NoError(t, err)
		return migrate.FromSchema(s)
	}
	_, err := pool.Exec(ctx, migrate.Diff(nil, load("model User {\n  id Int @id\n  nick String?\n}\n")).SQL())
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO "User" (id) VALUES (1), (2)`)
	require.NoError(t, err)
	plan, err := migrate.PlanChanges(ctx, pool, load(`enum Kind {
  A
}

model User {
  id    Int    @id
  nick  String
  email String
  kind  Kind?
}

model Other {
  id Int @id
}
`), nil)
	require.NoError(t, err)
	var kinds []migrate.StepKind
	for _, s := range plan.Steps {
		kinds = append(kinds, s.Kind)
	}
	require.Equal(t, []migrate.StepKind{migrate.CreateEnum, migrate.AlterTable, migrate.CreateTable}, kinds)
	loss, err := migrate.EvaluateDataLoss(ctx, pool, plan)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1}, loss.UnexecutableSteps)
	require.Equal(t, []string{
		"Step 1 Added the required column `email` to the `User` table without a default value. There are 2 rows in this table, it is not possible to execute this step.",
		"Step 1 Made the column `nick` on table `User` required, but there are 2 existing NULL values.",
	}, loss.NumberedUnexecutable())
}
