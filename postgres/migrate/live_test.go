package migrate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

func TestMain(m *testing.M) { devenv.Main(m) }

func stepKinds(p *migrate.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, string(s.Kind)+" "+s.Object)
	}
	return out
}

func requireInSync(t *testing.T, ctx context.Context, pool *pgxpool.Pool, want *migrate.Database, opts *migrate.Options) {
	t.Helper()
	plan, err := migrate.PlanChanges(ctx, pool, want, opts)
	require.NoError(t, err)
	require.True(t, plan.Empty(), "diff after apply is not empty:\n%s", plan.SQL())
}

// TestApplyIntrospectRoundTrip: every golden schema (testdata/ddl and
// psl's testdata/valid), created on a fresh real database by polystore's
// own DDL from empty, introspects back to the same shape: the diff is
// empty (no false positives from default operator classes, normalised
// jsonb or timestamp defaults, extensions, ignored models...).
func TestApplyIntrospectRoundTrip(t *testing.T) {
	for _, dir := range goldenSchemas(t) {
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			skipUnappliable(t, dir)
			ctx := context.Background()
			pool := devenv.Postgres(t)
			s := loadSchema(t, schemaIn(dir))
			want := migrate.FromSchema(s)
			var opts *migrate.Options
			if s.Datasource != nil && len(s.Datasource.Schemas) > 0 {
				opts = &migrate.Options{Schemas: s.Datasource.Schemas}
			}
			_, err := pool.Exec(ctx, migrate.Diff(nil, want).SQL())
			require.NoError(t, err)
			requireInSync(t, ctx, pool, want, opts)
		})
	}
}

// TestChangeSet: from the guide schema with data, a change set (a field,
// an index, an enum value, a @map rename, a relation) gives the expected
// steps; the rename is a drop plus an add (never guessed) and is refused
// until destructive changes are allowed; afterwards the diff is empty.
func TestChangeSet(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	v1 := migrate.FromSchema(loadSchema(t, "testdata/ddl/guide/schema.prisma"))
	require.NoError(t, migrate.Apply(ctx, pool, migrate.Diff(nil, v1), nil))
	_, err := pool.Exec(ctx, `INSERT INTO "users" (email, "updatedAt") VALUES ($1, now())`, "a@example.com")
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO "Post" (title, content, "authorId") VALUES ($1, $2, 1)`, "hello", "first post")
	require.NoError(t, err)

	v2 := migrate.FromSchema(loadSchema(t, "testdata/changes/v2.prisma"))
	plan, err := migrate.PlanChanges(ctx, pool, v2, nil)
	require.NoError(t, err)
	require.Equal(t, []string{
		"AlterEnum UserRole",
		"AlterTable users",
		"AlterTable Post",
		"CreateIndex Post",
		"AddForeignKey Post",
	}, stepKinds(plan))
	golden(t, "testdata/changes/v1_to_v2.sql", plan.SQL())
	require.Len(t, plan.Destructive(), 1)
	require.Contains(t, strings.Join(plan.Warnings(), "\n"), `RENAME COLUMN "content" TO "body"`)

	err = migrate.Apply(ctx, pool, plan, nil)
	require.ErrorIs(t, err, migrate.ErrDestructive)
	require.True(t, migrate.IsDestructive(err))
	requireSameDB(t, ctx, pool, v1) // nothing applied

	require.NoError(t, migrate.Apply(ctx, pool, plan, &migrate.Options{AllowDestructive: true}))
	requireInSync(t, ctx, pool, v2, nil)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM "Post" WHERE title = 'hello'`).Scan(&n))
	require.Equal(t, 1, n, "rows survive the change")
}

func requireSameDB(t *testing.T, ctx context.Context, pool *pgxpool.Pool, want *migrate.Database) {
	t.Helper()
	requireInSync(t, ctx, pool, want, nil)
}

// TestRequiredColumnOnNonEmptyTable: adding a required column without a
// default to a table with rows is refused before anything runs.
func TestRequiredColumnOnNonEmptyTable(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	v1 := migrate.FromSchema(loadSchema(t, "testdata/ddl/guide/schema.prisma"))
	require.NoError(t, migrate.Apply(ctx, pool, migrate.Diff(nil, v1), nil))
	v2 := migrate.FromSchema(loadSchema(t, "testdata/ddl/guide/schema.prisma"))
	tbl := v2.Table("", "Category")
	tbl.Columns = append(tbl.Columns, &migrate.Column{Name: "slug", Type: "TEXT", NotNull: true})
	plan := migrate.Diff(v1, v2)
	// Empty table: fine.
	require.NoError(t, migrate.Check(ctx, pool, plan, nil))
	_, err := pool.Exec(ctx, `INSERT INTO "Category" (name) VALUES ($1)`, "go")
	require.NoError(t, err)
	err = migrate.Apply(ctx, pool, plan, &migrate.Options{AllowDestructive: true})
	require.ErrorIs(t, err, migrate.ErrUnexecutable)
	requireSameDB(t, ctx, pool, v1)
}

func writeMigrations(t *testing.T, dir string, scripts ...string) {
	t.Helper()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, s := range scripts {
		_, err := migrate.WriteMigration(dir, "step "+string(rune('a'+i)), s, base.Add(time.Duration(i)*time.Second))
		require.NoError(t, err)
	}
}

// TestConcurrentDeploy: several deployers on separate sessions race over
// the same folder; each migration is applied exactly once.
func TestConcurrentDeploy(t *testing.T) {
	ctx := context.Background()
	url := devenv.PostgresURL(t)
	dir := t.TempDir()
	v1 := migrate.FromSchema(loadSchema(t, "testdata/ddl/guide/schema.prisma"))
	writeMigrations(t, dir,
		migrate.Diff(nil, v1).SQL(),
		`CREATE TABLE "deploy_log" ("id" SERIAL PRIMARY KEY, "note" TEXT NOT NULL);`,
		`INSERT INTO "deploy_log" ("note") VALUES ('ran');`,
		`ALTER TABLE "Category" ADD COLUMN "slug" TEXT;`,
	)
	const deployers = 6
	var wg sync.WaitGroup
	results := make([]*migrate.DeployResult, deployers)
	errs := make([]error, deployers)
	for i := 0; i < deployers; i++ {
		pool, err := pgxpool.New(ctx, url)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = migrate.Deploy(ctx, pool, dir, nil)
		}(i)
	}
	wg.Wait()
	total := 0
	for i := range errs {
		require.NoError(t, errs[i])
		total += len(results[i].Applied)
	}
	require.Equal(t, 4, total, "each migration applied by exactly one deployer")

	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	var ran int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM "deploy_log"`).Scan(&ran))
	require.Equal(t, 1, ran)
	hist, err := migrate.History(ctx, pool)
	require.NoError(t, err)
	require.Len(t, hist, 4)
	local, err := migrate.ReadMigrations(dir)
	require.NoError(t, err)
	for i, h := range hist {
		require.Equal(t, local[i].Name, h.Name)
		require.Equal(t, local[i].Checksum, h.Checksum)
		require.NotNil(t, h.FinishedAt)
		require.Equal(t, 1, h.AppliedStepsCount)
	}
	st, err := migrate.GetStatus(ctx, pool, dir)
	require.NoError(t, err)
	require.True(t, st.UpToDate())
}

// TestDevStatusAndFailure: dev writes and applies a migration, then has
// nothing to do; a modified file shows in status; a failing migration is
// rolled back entirely and retried after it is fixed.
func TestDevStatusAndFailure(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	dir := t.TempDir()
	target := migrate.FromSchema(loadSchema(t, "testdata/ddl/guide/schema.prisma"))
	// clock-free: the injected clock only names the migration folder.
	now := func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }
	res, err := migrate.Dev(ctx, pool, target, dir, "init", false, &migrate.Options{Now: now})
	require.NoError(t, err)
	require.NotNil(t, res.Migration)
	require.Equal(t, "20260304050607_init", res.Migration.Name)
	lock, err := os.ReadFile(filepath.Join(dir, migrate.LockFile))
	require.NoError(t, err)
	require.Contains(t, string(lock), `provider = "postgresql"`)
	requireInSync(t, ctx, pool, target, nil)

	res, err = migrate.Dev(ctx, pool, target, dir, "again", false, nil)
	require.NoError(t, err)
	require.Nil(t, res.Migration)

	st, err := migrate.GetStatus(ctx, pool, dir)
	require.NoError(t, err)
	require.True(t, st.UpToDate())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "20260304050607_init", "migration.sql"), []byte("-- changed\n"), 0o644))
	st, err = migrate.GetStatus(ctx, pool, dir)
	require.NoError(t, err)
	require.Equal(t, []string{"20260304050607_init"}, st.Modified)

	bad := filepath.Join(dir, "20260305000000_bad", "migration.sql")
	require.NoError(t, os.MkdirAll(filepath.Dir(bad), 0o755))
	require.NoError(t, os.WriteFile(bad, []byte(`CREATE TABLE "half" (id INT);\nSELECT no_such_function();`), 0o644))
	_, err = migrate.Deploy(ctx, pool, dir, nil)
	require.ErrorIs(t, err, migrate.ErrFailedMigration)
	var exists bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT to_regclass('"half"') IS NOT NULL`).Scan(&exists))
	require.False(t, exists, "a failed migration leaves nothing behind")
	st, err = migrate.GetStatus(ctx, pool, dir)
	require.NoError(t, err)
	require.Equal(t, []string{"20260305000000_bad"}, st.Pending)

	require.NoError(t, os.WriteFile(bad, []byte(`CREATE TABLE "half" (id INT);`), 0o644))
	dr, err := migrate.Deploy(ctx, pool, dir, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"20260305000000_bad"}, dr.Applied)
	require.NotEmpty(t, dr.Warnings, "the modified init migration is reported")
}

// TestTakeOverPrismaProject: a database migrated by Prisma (its history
// table created with Prisma's own DDL and rows) is taken over as is:
// nothing is pending, status is clean and dev finds no change.
func TestTakeOverPrismaProject(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	dir := "testdata/prisma_project/migrations"
	local, err := migrate.ReadMigrations(dir)
	require.NoError(t, err)
	require.Len(t, local, 1)
	_, err = pool.Exec(ctx, `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, local[0].SQL)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
VALUES ('0b6f6b5e-2f7c-4c43-9d2a-5c1f1f3b9f10', $1, now(), $2, 1)`, local[0].Checksum, local[0].Name)
	require.NoError(t, err)

	st, err := migrate.GetStatus(ctx, pool, dir)
	require.NoError(t, err)
	require.True(t, st.UpToDate(), "%+v", st)
	res, err := migrate.Deploy(ctx, pool, dir, nil)
	require.NoError(t, err)
	require.Empty(t, res.Applied)
	require.Empty(t, res.Warnings)
	requireInSync(t, ctx, pool, migrate.FromSchema(loadSchema(t, "testdata/prisma_project/schema.prisma")), nil)
}

// TestDeployOutsideTransaction: scripts that add an enum value and use it,
// or manage their own transaction as Prisma writes them, deploy cleanly.
func TestDeployOutsideTransaction(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	dir := t.TempDir()
	scripts := []string{
		"CREATE TYPE \"Role\" AS ENUM ('USER');\nCREATE TABLE \"U\" (\"id\" SERIAL NOT NULL, \"role\" \"Role\" NOT NULL DEFAULT 'USER', CONSTRAINT \"U_pkey\" PRIMARY KEY (\"id\"));",
		"-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'ADMIN';\n\n-- AlterTable\nALTER TABLE \"U\" ALTER COLUMN \"role\" SET DEFAULT 'ADMIN';",
		"-- AlterEnum\nBEGIN;\nCREATE TYPE \"Role_new\" AS ENUM ('ADMIN');\nALTER TABLE \"U\" ALTER COLUMN \"role\" DROP DEFAULT;\nALTER TABLE \"U\" ALTER COLUMN \"role\" TYPE \"Role_new\" USING (\"role\"::text::\"Role_new\");\nALTER TYPE \"Role\" RENAME TO \"Role_old\";\nALTER TYPE \"Role_new\" RENAME TO \"Role\";\nDROP TYPE \"Role_old\";\nALTER TABLE \"U\" ALTER COLUMN \"role\" SET DEFAULT 'ADMIN';\nCOMMIT;",
	}
	require.True(t, migrate.InTransaction(scripts[0]))
	require.False(t, migrate.InTransaction(scripts[1]))
	require.False(t, migrate.InTransaction(scripts[2]))
	writeMigrations(t, dir, scripts...)
	res, err := migrate.Deploy(ctx, pool, dir, nil)
	require.NoError(t, err)
	require.Len(t, res.Applied, 3)
	live, err := migrate.Introspect(ctx, pool, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"ADMIN"}, live.Enum("", "Role").Values)
	st, err := migrate.GetStatus(ctx, pool, dir)
	require.NoError(t, err)
	require.True(t, st.UpToDate())
}

// TestPartialFailureAndResolve: a script outside a transaction that fails
// part-way blocks later deploys until it is resolved; resolving it as
// rolled back lets the fixed script run.
func TestPartialFailureAndResolve(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	dir := t.TempDir()
	writeMigrations(t, dir, "CREATE TYPE \"E\" AS ENUM ('A');\nALTER TYPE \"E\" ADD VALUE 'B';\nSELECT no_such_function();")
	local, err := migrate.ReadMigrations(dir)
	require.NoError(t, err)
	name := local[0].Name
	_, err = migrate.Deploy(ctx, pool, dir, nil)
	var merr *migrate.MigrationError
	require.ErrorAs(t, err, &merr)
	require.True(t, merr.Partial)
	_, err = migrate.Deploy(ctx, pool, dir, nil)
	require.ErrorIs(t, err, migrate.ErrFailedMigration, "an unfinished migration blocks deploy")
	st, err := migrate.GetStatus(ctx, pool, dir)
	require.NoError(t, err)
	require.Equal(t, []string{name}, st.Failed)

	_, err = pool.Exec(ctx, `DROP TYPE "E"`)
	require.NoError(t, err)
	require.NoError(t, migrate.Resolve(ctx, pool, dir, name, false))
	require.NoError(t, os.WriteFile(local[0].Path, []byte("CREATE TYPE \"E\" AS ENUM ('A');\nALTER TYPE \"E\" ADD VALUE 'B';"), 0o644))
	res, err := migrate.Deploy(ctx, pool, dir, nil)
	require.NoError(t, err)
	require.Equal(t, []string{name}, res.Applied)
	st, err = migrate.GetStatus(ctx, pool, dir)
	require.NoError(t, err)
	require.True(t, st.UpToDate(), "%+v", st)
}

// TestDropEverything: dropping tables that reference each other works in
// one plan, and is refused until allowed.
func TestDropEverything(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	v1 := migrate.FromSchema(loadSchema(t, "testdata/ddl/relations/schema.prisma"))
	require.NoError(t, migrate.Apply(ctx, pool, migrate.Diff(nil, v1), nil))
	plan, err := migrate.PlanChanges(ctx, pool, &migrate.Database{}, nil)
	require.NoError(t, err)
	require.ErrorIs(t, migrate.Apply(ctx, pool, plan, nil), migrate.ErrDestructive)
	require.NoError(t, migrate.Apply(ctx, pool, plan, &migrate.Options{AllowDestructive: true}))
	live, err := migrate.Introspect(ctx, pool, nil)
	require.NoError(t, err)
	require.Empty(t, live.Tables)
	require.Empty(t, live.Enums)
}

// TestRemoveEnumValue: removing an enum value recreates the type, keeps
// the column's default and data, and is refused until allowed.
func TestRemoveEnumValue(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	load := func(values string) *migrate.Database {
		s, err := psl.Load("schema.prisma", []byte("enum Role {\n"+values+"}\n\nmodel U {\n  id   Int    @id\n  role Role   @default(USER)\n  all  Role[]\n}\n"))
		require.NoError(t, err)
		return migrate.FromSchema(s)
	}
	v1, v2 := load("  USER\n  ADMIN\n  GONE\n"), load("  USER\n  ADMIN\n")
	require.NoError(t, migrate.Apply(ctx, pool, migrate.Diff(nil, v1), nil))
	_, err := pool.Exec(ctx, `INSERT INTO "U" (id, role, "all") VALUES (1, 'ADMIN', '{USER,ADMIN}')`)
	require.NoError(t, err)
	plan, err := migrate.PlanChanges(ctx, pool, v2, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"AlterEnum Role"}, stepKinds(plan))
	require.ErrorIs(t, migrate.Apply(ctx, pool, plan, nil), migrate.ErrDestructive)
	require.NoError(t, migrate.Apply(ctx, pool, plan, &migrate.Options{AllowDestructive: true}))
	requireInSync(t, ctx, pool, v2, nil)
	var role string
	require.NoError(t, pool.QueryRow(ctx, `SELECT role::text FROM "U" WHERE id = 1`).Scan(&role))
	require.Equal(t, "ADMIN", role)
}

// TestDevDetectsDrift: with a shadow database, dev refuses to go on when
// the database was changed outside the migrations.
func TestDevDetectsDrift(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	shadow := devenv.Postgres(t)
	dir := t.TempDir()
	target := migrate.FromSchema(loadSchema(t, "testdata/ddl/guide/schema.prisma"))
	opts := &migrate.Options{Shadow: shadow}
	res, err := migrate.Dev(ctx, pool, target, dir, "init", false, opts)
	require.NoError(t, err)
	require.NotNil(t, res.Migration)
	res, err = migrate.Dev(ctx, pool, target, dir, "noop", false, opts)
	require.NoError(t, err)
	require.Nil(t, res.Migration, "no drift, no change")

	_, err = pool.Exec(ctx, `ALTER TABLE "Category" ADD COLUMN "hand_made" TEXT`)
	require.NoError(t, err)
	_, err = migrate.Dev(ctx, pool, target, dir, "after", false, opts)
	require.ErrorIs(t, err, migrate.ErrDrift)
	require.ErrorContains(t, err, "[AlterTable] Category")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "nothing written")
}
