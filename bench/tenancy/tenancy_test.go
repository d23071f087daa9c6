// Package tenancy_test measures the isolation of apps/tenancy against its
// baselines, in the same run:
//
//   - BenchmarkTenantRead: one tenant's page of tasks from a table of
//     Rows rows spread over Tenants tenants, each read a transaction
//     BEGIN; set_config; SELECT; COMMIT. impl=where-rls-off is the
//     baseline: a role that bypasses row-level security with an explicit
//     WHERE tenant_id = $1. impl=rls is the app role with no WHERE (the
//     policy alone), impl=rls+where the app role with the WHERE orm.Tenant
//     adds, impl=naive-policy a copy of the table without indexes under a
//     policy calling a plpgsql function per row (the slow way to do it).
//     Reported: p50 and p99 latency per op.
//   - BenchmarkCacheClear: clearing one tenant's cache holding Keys keys.
//     impl=scan-del is the guide's SCAN MATCH tenant:* COUNT 100 + DEL,
//     impl=generation is Cache.Clear (one INCR).
//
// POLYSTORE_BENCH_ROWS (default 1,000,000) and POLYSTORE_BENCH_KEYS
// (default 200,000) size the data.
package tenancy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
)

const tenants = 1000

var (
	rows     = envInt("POLYSTORE_BENCH_ROWS", 1_000_000)
	keys     = envInt("POLYSTORE_BENCH_KEYS", 200_000)
	prefix   = devenv.UniqueName("bench:tenancy:") + ":"
	admin    *pgxpool.Pool // superuser: row-level security bypassed
	app      *pgxpool.Pool // the app role
	appURL   string
	tenantID []string
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestMain is redisbench.Main plus the removal of the PostgreSQL database
// and roles the benchmarks share (set up once, by the first of them).
func TestMain(m *testing.M) {
	ctx := context.Background()
	srv, err := devenv.ResolveRedis(ctx, &devenv.Options{StartServers: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	redisbench.URL = srv.URL
	code := m.Run()
	if cleanupPG != nil {
		cleanupPG()
	}
	if opt, err := devenv.RedisOption(srv.URL); err == nil {
		if c, err := rueidis.NewClient(opt); err == nil {
			_, _ = devenv.DeleteRedisPrefix(ctx, c, prefix)
			c.Close()
		}
	}
	_ = srv.Close(ctx)
	os.Exit(code)
}

var cleanupPG func()

// setupPG prepares the database once per binary (sync by b.Run order).
func setupPG(b *testing.B) {
	b.Helper()
	if admin != nil {
		return
	}
	ctx := context.Background()
	srv, err := devenv.ResolvePostgres(ctx, &devenv.Options{StartServers: true})
	if err != nil {
		b.Fatal(err)
	}
	root, err := pgx.Connect(ctx, srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	name := devenv.UniqueName("polystore_bench_tenancy_")
	roles := tenancy.RolesWithPrefix(devenv.UniqueName("bt_"))
	if _, err := root.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	u.Path = "/" + name
	cleanupPG = func() {
		if app != nil {
			app.Close()
		}
		if admin != nil {
			admin.Close()
		}
		_, _ = root.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		_ = tenancy.DropRoles(ctx, srv.URL, roles)
		_ = root.Close(ctx)
		_ = srv.Close(ctx)
	}
	start := time.Now()
	creds, err := tenancy.Setup(ctx, u.String(), roles)
	if err != nil {
		b.Fatal(err)
	}
	if admin, err = pgxpool.New(ctx, u.String()); err != nil {
		b.Fatal(err)
	}
	appURL = creds.AppURL
	if app, err = pgxpool.New(ctx, creds.AppURL); err != nil {
		b.Fatal(err)
	}
	for range tenants {
		tenantID = append(tenantID, uuid.NewString())
	}
	must := func(sql string, args ...any) {
		if _, err := admin.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("%v\n%s", err, sql)
		}
	}
	must(`INSERT INTO tenants (id, name) SELECT t::uuid, 'tenant' FROM unnest($1::text[]) t`, tenantID)
	must(`INSERT INTO projects (tenant_id, name) SELECT id, 'p' FROM tenants`)
	must(`INSERT INTO tasks (tenant_id, project_id, title, status)
		SELECT p.tenant_id, p.id, 'task ' || i, (ARRAY['TODO','DOING','DONE']::"TaskStatus"[])[1 + i % 3]
		FROM generate_series(1, $1) i JOIN (SELECT row_number() OVER () - 1 AS n, tenant_id, id FROM projects) p ON p.n = i % $2`, rows, tenants)
	// The naive baseline: same rows, no index, a per-row function policy.
	must(`CREATE TABLE tasks_naive AS SELECT * FROM tasks`)
	must(`CREATE FUNCTION naive_is_tenant(t uuid) RETURNS boolean LANGUAGE plpgsql VOLATILE AS
		$$ BEGIN RETURN t::text = current_setting('app.current_tenant', true); END $$`)
	must(`ALTER TABLE tasks_naive ENABLE ROW LEVEL SECURITY`)
	must(`ALTER TABLE tasks_naive FORCE ROW LEVEL SECURITY`)
	must(`CREATE POLICY naive ON tasks_naive USING (naive_is_tenant(tenant_id))`)
	must(`GRANT SELECT ON tasks_naive TO ` + pgx.Identifier{roles.App}.Sanitize())
	must(`ANALYZE`)
	b.Logf("setup: %d rows over %d tenants in %s", rows, tenants, time.Since(start).Round(time.Second))
}

// latencies records per-op durations and reports p50 and p99.
type latencies []time.Duration

type quantiles struct{ p50, p99 time.Duration }

// quantiles sorts l and returns its p50 and p99 (zero when empty).
func (l latencies) quantiles() quantiles {
	if len(l) == 0 {
		return quantiles{}
	}
	slices.Sort(l)
	q := func(p float64) time.Duration { return l[min(int(p*float64(len(l))), len(l)-1)] }
	return quantiles{q(0.50), q(0.99)}
}

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	q := l.quantiles()
	b.ReportMetric(float64(q.p50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(q.p99.Microseconds()), "p99-µs")
}

const (
	cols = `SELECT id, title, status FROM `
	page = ` ORDER BY id DESC LIMIT 50`
)

// tenantQuery is one tenant's 50 newest tasks, with or without the
// explicit tenant filter.
func tenantQuery(where bool) string {
	if where {
		return cols + `tasks WHERE tenant_id = $1` + page
	}
	return cols + `tasks` + page
}

// read returns an op reading tenant i%tenants's page in a transaction that
// sets the tenant first, as apps/tenancy does.
func read(pool *pgxpool.Pool, query string, where bool) func(i int) error {
	ctx := context.Background()
	return func(i int) error {
		t := tenantID[i%tenants]
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", tenancy.TenantSetting, t); err != nil {
				return err
			}
			var args []any
			if where {
				args = append(args, t)
			}
			r, err := tx.Query(ctx, query, args...)
			if err != nil {
				return err
			}
			n := 0
			for r.Next() {
				n++
			}
			r.Close()
			if err := r.Err(); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("tenant %s: no rows", t)
			}
			return nil
		})
	}
}

func BenchmarkTenantRead(b *testing.B) {
	setupPG(b)
	baseline := read(admin, tenantQuery(true), true)
	for _, c := range []struct {
		name string
		op   func(i int) error
	}{
		{"impl=where-rls-off", baseline},
		{"impl=rls", read(app, tenantQuery(false), false)},
		{"impl=rls+where", read(app, tenantQuery(true), true)},
		{"impl=naive-policy", read(app, cols+`tasks_naive`+page, false)},
	} {
		b.Run(c.name, func(b *testing.B) {
			var lat latencies
			i := 0
			for b.Loop() {
				start := time.Now()
				if err := c.op(i); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				i++
			}
			lat.report(b)
		})
	}
}

func BenchmarkCacheClear(b *testing.B) {
	c := redisbench.Client(b)
	ctx := context.Background()
	cache := tenancy.NewCache(c, prefix+"gen:")
	tenant := uuid.NewString()
	fill := func(keyOf func(i int) string) {
		const batch = 1000
		for i := 0; i < keys; i += batch {
			cmds := make(rueidis.Commands, 0, batch)
			for j := i; j < min(i+batch, keys); j++ {
				cmds = append(cmds, c.B().Set().Key(keyOf(j)).Value("0\nv").Ex(time.Hour).Build())
			}
			for _, r := range c.DoMulti(ctx, cmds...) {
				if err := r.Error(); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	guidePrefix := prefix + "tenant:" + tenant + ":"
	b.Run("impl=scan-del", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			fill(func(i int) string { return guidePrefix + strconv.Itoa(i) })
			b.StartTimer()
			// The guide's TenantAwareCache.clear.
			var cursor uint64
			for {
				e, err := c.Do(ctx, c.B().Scan().Cursor(cursor).Match(guidePrefix+"*").Count(100).Build()).AsScanEntry()
				if err != nil {
					b.Fatal(err)
				}
				if len(e.Elements) > 0 {
					if err := c.Do(ctx, c.B().Del().Key(e.Elements...).Build()).Error(); err != nil {
						b.Fatal(err)
					}
				}
				if cursor = e.Cursor; cursor == 0 {
					break
				}
			}
		}
	})
	b.Run("impl=generation", func(b *testing.B) {
		fill(func(i int) string { return prefix + "gen:{" + tenant + "}:k:" + strconv.Itoa(i) })
		for b.Loop() {
			if err := cache.Clear(ctx, tenant); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTenantReadPaired measures the row-level-security cost with the
// variants interleaved: every iteration reads one page with the baseline
// (explicit WHERE, RLS bypassed), with rls+where (what InTenant and
// orm.Tenant send) and with the policy alone, in a rotating order, so that
// whatever else the machine does lands on all three alike. Reported: p50
// and p99 per variant and their ratios to the baseline (the goals are
// rls+where p50 ≤ 1.10×, p99 ≤ 1.20×). Before timing, it checks that the
// three plans scan the same index and touch the same number of buffers.
func BenchmarkTenantReadPaired(b *testing.B) {
	setupPG(b)
	checkSamePlans(b)
	variants := []struct {
		name string
		op   func(i int) error
		lat  latencies
	}{
		{name: "where-rls-off", op: read(admin, tenantQuery(true), true)},
		{name: "rls+where", op: read(app, tenantQuery(true), true)},
		{name: "rls", op: read(app, tenantQuery(false), false)},
	}
	i := 0
	for b.Loop() {
		for k := range variants {
			v := &variants[(i+k)%len(variants)]
			start := time.Now()
			if err := v.op(i); err != nil {
				b.Fatal(err)
			}
			v.lat = append(v.lat, time.Since(start))
		}
		i++
	}
	base := variants[0].lat.quantiles()
	for _, v := range variants {
		q := v.lat.quantiles()
		b.ReportMetric(float64(q.p50.Microseconds()), v.name+"-p50-µs")
		b.ReportMetric(float64(q.p99.Microseconds()), v.name+"-p99-µs")
		if v.name != variants[0].name && base.p50 > 0 && base.p99 > 0 {
			b.ReportMetric(float64(q.p50)/float64(base.p50), v.name+"-p50-ratio")
			b.ReportMetric(float64(q.p99)/float64(base.p99), v.name+"-p99-ratio")
		}
	}
}

// planSummary is what EXPLAIN (ANALYZE, BUFFERS) says about a tenant read:
// the scan node, its index and the shared buffers it touched.
type planSummary struct {
	Node    string
	Index   string
	Buffers int64
}

func explainTenantRead(b *testing.B, pool *pgxpool.Pool, query string, where bool) planSummary {
	b.Helper()
	ctx := context.Background()
	t := tenantID[0]
	var raw []byte
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", tenancy.TenantSetting, t); err != nil {
			return err
		}
		var args []any
		if where {
			args = append(args, t)
		}
		// Warm the pages first so both plans read from shared buffers.
		if _, err := tx.Exec(ctx, query, args...); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+query, args...).Scan(&raw)
	})
	if err != nil {
		b.Fatal(err)
	}
	var out []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out) == 0 {
		b.Fatalf("EXPLAIN: %v: %s", err, raw)
	}
	var s planSummary
	var walk func(n planNode)
	walk = func(n planNode) {
		if n.Index != "" && s.Index == "" {
			s.Node, s.Index = n.Node, n.Index
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(out[0].Plan)
	s.Buffers = out[0].Plan.Hit + out[0].Plan.Read
	return s
}

type planNode struct {
	Node  string     `json:"Node Type"`
	Index string     `json:"Index Name"`
	Hit   int64      `json:"Shared Hit Blocks"`
	Read  int64      `json:"Shared Read Blocks"`
	Plans []planNode `json:"Plans"`
}

// checkSamePlans fails the benchmark unless the baseline, rls+where and
// the policy alone scan the same index and touch the same buffers: the
// policy's condition must become an index condition, not a per-row filter.
func checkSamePlans(b *testing.B) {
	b.Helper()
	base := explainTenantRead(b, admin, tenantQuery(true), true)
	for _, v := range []struct {
		name  string
		where bool
	}{{"rls+where", true}, {"rls", false}} {
		got := explainTenantRead(b, app, tenantQuery(v.where), v.where)
		b.Logf("plan %-13s %+v (baseline %+v)", v.name, got, base)
		if got.Index == "" || got.Index != base.Index || got.Node != base.Node || got.Buffers != base.Buffers {
			b.Fatalf("%s plan %+v differs from the baseline's %+v", v.name, got, base)
		}
	}
}
