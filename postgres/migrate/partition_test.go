package migrate_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

const partitionSchema = `datasource db {
  provider = "postgresql"
}

/// @@polystore.partition(range: [createdAt], interval: "1 month", premake: 2, retention: "3 months")
model Event {
  id        BigInt   @default(autoincrement())
  createdAt DateTime @default(now())
  kind      String

  @@id([id, createdAt])
  @@index([kind])
}

/// @@polystore.partition(range: [day], interval: "1 week", premake: 1, retention: "2 weeks", retentionKeepTable: true)
model Audit {
  id  Int      @default(autoincrement())
  day DateTime @db.Date

  @@id([id, day])
}

/// @@polystore.partition(hash: [userId], partitions: 8)
model Visit {
  id     BigInt @default(autoincrement())
  userId Int

  @@id([id, userId])
}
`

func monthStart(x time.Time) time.Time {
	x = x.UTC()
	return time.Date(x.Year(), x.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func partitionsOf(t *testing.T, ctx context.Context, pool *pgxpool.Pool, table string) []string {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = to_regclass($1) ORDER BY 1`, `"`+table+`"`)
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	require.NoError(t, rows.Err())
	return out
}

func changeNames(rep *migrate.PartitionReport, table string, action migrate.PartitionAction) []string {
	var out []string
	for _, c := range rep.Changes {
		if c.Action == action && c.Table == table {
			out = append(out, c.Partition)
		}
	}
	sort.Strings(out)
	return out
}

// TestMaintainPartitions: the migration creates partitioned tables (the
// hash partitions and a default range partition); maintenance, on a clock
// the test moves, creates the current and premade range partitions,
// moves rows the default partition took into a new partition, and drops
// (or detaches) partitions past the retention. Diffs stay empty whatever
// partitions exist. Expectations are computed from the clock, never
// written as dates.
func TestMaintainPartitions(t *testing.T) {
	ctx := context.Background()
	pool := devenv.Postgres(t)
	s, err := psl.Load("schema.prisma", []byte(partitionSchema))
	require.NoError(t, err)
	want := migrate.FromSchema(s)
	require.NoError(t, migrate.Apply(ctx, pool, migrate.Diff(nil, want), nil))
	requireInSync(t, ctx, pool, want, nil)
	require.Len(t, partitionsOf(t, ctx, pool, "Visit"), 8)
	require.Equal(t, []string{"Event_default"}, partitionsOf(t, ctx, pool, "Event"))

	clock := time.Now().UTC()
	opts := &migrate.PartitionOpts{Now: func() time.Time { return clock }}
	name := func(x time.Time) string { return "Event_p" + x.Format("20060102") }
	m0 := monthStart(clock)

	// A row five months ahead lands in the default partition for now.
	future := m0.AddDate(0, 5, 5)
	_, err = pool.Exec(ctx, `INSERT INTO "Event" ("createdAt", kind) VALUES ($1, 'future'), ($2, 'now')`, future, clock)
	require.NoError(t, err)

	dry, err := migrate.MaintainPartitions(ctx, pool, s, &migrate.PartitionOpts{Now: opts.Now, DryRun: true})
	require.NoError(t, err)
	require.NotEmpty(t, dry.Changes)
	require.Equal(t, []string{"Event_default"}, partitionsOf(t, ctx, pool, "Event"), "a dry run changes nothing")

	rep, err := migrate.MaintainPartitions(ctx, pool, s, opts)
	require.NoError(t, err)
	require.Equal(t, []string{name(m0), name(m0.AddDate(0, 1, 0)), name(m0.AddDate(0, 2, 0))}, changeNames(rep, "Event", migrate.PartitionCreated))
	require.Equal(t, []string{"Event_default", name(m0), name(m0.AddDate(0, 1, 0)), name(m0.AddDate(0, 2, 0))},
		partitionsOf(t, ctx, pool, "Event"))
	var moved int64
	for _, c := range rep.Changes {
		moved += c.Moved
	}
	require.EqualValues(t, 1, moved, "the row for now moved out of the default partition")
	requireInSync(t, ctx, pool, want, nil)

	again, err := migrate.MaintainPartitions(ctx, pool, s, opts)
	require.NoError(t, err)
	require.Empty(t, again.Changes, "maintenance is idempotent")

	// Four months later: the future row's partition is created (its row
	// moved out of the default partition), and the partitions that ended
	// three months or more before the clock are dropped.
	clock = m0.AddDate(0, 4, 10)
	m4 := monthStart(clock)
	rep, err = migrate.MaintainPartitions(ctx, pool, s, opts)
	require.NoError(t, err)
	require.Equal(t, []string{name(m0)}, changeNames(rep, "Event", migrate.PartitionDropped))
	parts := partitionsOf(t, ctx, pool, "Event")
	require.Contains(t, parts, name(m4.AddDate(0, 2, 0)))
	require.NotContains(t, parts, name(m0))
	var where string
	require.NoError(t, pool.QueryRow(ctx, `SELECT tableoid::regclass::text FROM "Event" WHERE kind = 'future'`).Scan(&where))
	require.Equal(t, `"`+name(m0.AddDate(0, 5, 0))+`"`, where)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM "Event_default"`).Scan(&n))
	require.Zero(t, n)
	requireInSync(t, ctx, pool, want, nil)

	// retentionKeepTable: expired weekly partitions are detached, kept as tables.
	detached := changeNames(rep, "Audit", migrate.PartitionDetached)
	require.NotEmpty(t, detached)
	for _, d := range detached {
		require.True(t, strings.HasPrefix(d, "Audit_p"))
		var kind string
		require.NoError(t, pool.QueryRow(ctx, `SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)`, `"`+d+`"`).Scan(&kind))
		require.Equal(t, "r", kind, "a detached partition stays as a table")
		require.NotContains(t, partitionsOf(t, ctx, pool, "Audit"), d)
	}
	require.Len(t, partitionsOf(t, ctx, pool, "Audit"), 3, "default, the current week and one ahead")
}

// TestMaintainPartitionsErrors: bad arguments and an unmigrated table
// are errors, not panics.
func TestMaintainPartitionsErrors(t *testing.T) {
	ctx := context.Background()
	s, err := psl.Load("schema.prisma", []byte(partitionSchema))
	require.NoError(t, err)
	_, err = migrate.MaintainPartitions(ctx, nil, s, nil)
	require.Error(t, err)
	pool := devenv.Postgres(t)
	_, err = migrate.MaintainPartitions(ctx, pool, nil, nil)
	require.Error(t, err)
	_, err = migrate.MaintainPartitions(ctx, pool, s, nil)
	require.ErrorIs(t, err, migrate.ErrNotPartitioned)

	// Partitioning an existing plain table is refused with the reason.
	plain, err := psl.Load("schema.prisma", []byte(strings.ReplaceAll(partitionSchema, "/// @@polystore", "/// ")))
	require.NoError(t, err)
	require.NoError(t, migrate.Apply(ctx, pool, migrate.Diff(nil, migrate.FromSchema(plain)), nil))
	plan, err := migrate.PlanChanges(ctx, pool, migrate.FromSchema(s), nil)
	require.NoError(t, err)
	require.Len(t, plan.Destructive(), 3)
	require.Contains(t, plan.SQL(), "cannot change it in place")
	err = migrate.Apply(ctx, pool, plan, &migrate.Options{AllowDestructive: true})
	require.Error(t, err)
	require.Contains(t, err.Error(), "PostgreSQL cannot change it in place")
}

// planRelations returns the relations an EXPLAIN (FORMAT JSON) plan scans.
func planRelations(t *testing.T, plan []byte) []string {
	t.Helper()
	var doc []map[string]any
	require.NoError(t, json.Unmarshal(plan, &doc))
	seen := map[string]bool{}
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if r, ok := n["Relation Name"].(string); ok {
			seen[r] = true
		}
		if kids, ok := n["Plans"].([]any); ok {
			for _, k := range kids {
				walk(k.(map[string]any))
			}
		}
	}
	walk(doc[0]["Plan"].(map[string]any))
	var out []string
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// TestPartitionPruning fills a range partitioned and a hash partitioned
// table with 10 million rows each, server-side and concurrently, and
// checks with EXPLAIN that a query on the partition key reads only the
// partitions that can hold its rows, and that the rows it counts are all
// there. For a fast fill the partitions are unlogged and the tables lose
// their primary key and index (pruning needs neither).
func TestPartitionPruning(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 20 million rows")
	}
	const rows = 10_000_000
	ctx := context.Background()
	pool := devenv.Postgres(t)
	s, err := psl.Load("schema.prisma", []byte(strings.Replace(partitionSchema, "premake: 2", "premake: 9", 1)))
	require.NoError(t, err)
	require.NoError(t, migrate.Apply(ctx, pool, migrate.Diff(nil, migrate.FromSchema(s)), nil))
	clock := time.Now().UTC()
	_, err = migrate.MaintainPartitions(ctx, pool, s, &migrate.PartitionOpts{Now: func() time.Time { return clock }})
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `ALTER TABLE "Event" DROP CONSTRAINT "Event_pkey"; DROP INDEX "Event_kind_idx";
ALTER TABLE "Visit" DROP CONSTRAINT "Visit_pkey"`)
	require.NoError(t, err)
	for _, table := range []string{"Event", "Visit"} {
		parts := partitionsOf(t, ctx, pool, table)
		require.Len(t, parts, map[string]int{"Event": 11, "Visit": 8}[table])
		for _, p := range parts {
			_, err := pool.Exec(ctx, `ALTER TABLE "`+p+`" SET UNLOGGED`)
			require.NoError(t, err)
		}
	}

	// Ten monthly partitions from this month on, a million rows each; a
	// hundred rows for each of 100000 users.
	m0 := monthStart(clock)
	start := time.Now()
	fills := []string{`INSERT INTO "Event" (id, "createdAt", kind)
SELECT g, $1::timestamp + make_interval(months => ((g - 1) / 1000000)::int, secs => (g % 86400)), 'k'
FROM generate_series(1, $2::bigint) g`,
		`INSERT INTO "Visit" (id, "userId") SELECT g, (g % 100000)::int FROM generate_series(1, $2::bigint) g
WHERE $1::timestamp IS NOT NULL`}
	errs := make(chan error, len(fills))
	for _, sql := range fills {
		go func(sql string) {
			_, err := pool.Exec(ctx, sql, m0, rows)
			errs <- err
		}(sql)
	}
	for range fills {
		require.NoError(t, <-errs)
	}
	_, err = pool.Exec(ctx, `ANALYZE "Event"; ANALYZE "Visit"`)
	require.NoError(t, err)
	t.Logf("filled %d rows in two partitioned tables in %s", 2*rows, time.Since(start).Round(time.Millisecond))

	explain := func(sql string, args ...any) []string {
		var plan []byte
		require.NoError(t, pool.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+sql, args...).Scan(&plan))
		return planRelations(t, plan)
	}
	count := func(sql string, args ...any) int64 {
		var n int64
		require.NoError(t, pool.QueryRow(ctx, sql, args...).Scan(&n))
		return n
	}
	name := func(x time.Time) string { return "Event_p" + x.Format("20060102") }

	// Range: one month reads one partition; a span of two months reads two.
	m3, m4, m5 := m0.AddDate(0, 3, 0), m0.AddDate(0, 4, 0), m0.AddDate(0, 5, 0)
	q := `SELECT count(*) FROM "Event" WHERE "createdAt" >= $1 AND "createdAt" < $2`
	require.Equal(t, []string{name(m3)}, explain(q, m3, m4))
	require.EqualValues(t, 1_000_000, count(q, m3, m4))
	require.Equal(t, []string{name(m3), name(m4)}, explain(q, m3, m5))
	require.EqualValues(t, 2_000_000, count(q, m3, m5))
	// A query without the key reads every partition, the default one too.
	require.Len(t, explain(`SELECT count(*) FROM "Event" WHERE kind = 'k'`), 11)

	// Hash: one user's rows live in one of the eight partitions.
	var home string
	require.NoError(t, pool.QueryRow(ctx, `SELECT tableoid::regclass::text FROM "Visit" WHERE "userId" = 4242 LIMIT 1`).Scan(&home))
	vq := `SELECT count(*) FROM "Visit" WHERE "userId" = $1`
	require.Equal(t, []string{strings.Trim(home, `"`)}, explain(vq, 4242))
	require.EqualValues(t, rows/100000, count(vq, 4242))
	require.Len(t, explain(`SELECT count(*) FROM "Visit" WHERE "userId" IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)`), 8-countMissing(t, ctx, pool))
}

// countMissing is how many hash partitions hold none of users 1..12.
func countMissing(t *testing.T, ctx context.Context, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT 8 - count(DISTINCT tableoid) FROM "Visit" WHERE "userId" BETWEEN 1 AND 12`).Scan(&n))
	return n
}
