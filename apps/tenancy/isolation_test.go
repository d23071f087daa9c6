package tenancy_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/apps/tenancy/db"
	"github.com/polystore/polystore/postgres/orm"
)

// taskRow is a task read by raw SQL (no tenant filter in the text: row-level
// security alone restricts it).
type taskRow struct {
	Tenant string `db:"tenant"`
	ID     int64  `db:"id"`
	Status string `db:"status"`
}

type projectRow struct {
	Tenant string `db:"tenant"`
	ID     int64  `db:"id"`
	Name   string `db:"name"`
}

// tenantModel is what one tenant must see: its projects and tasks, nothing
// else. Each tenant has one worker, so the model is exact except across a
// failed write, whose outcome is learned by reading back.
type tenantModel struct {
	id       string
	projects map[int64]string // id -> name
	tasks    map[int64]string // id -> status
}

// readState reads the tenant's rows by raw SQL without any tenant filter
// and counts rows of other tenants (which must never appear).
func readState(ctx context.Context, tx *db.Client, tenant string, foreign *atomic.Int64) (map[int64]string, map[int64]string, error) {
	ps, err := orm.QueryRaw[projectRow](ctx, tx.DB(), orm.SQL("SELECT tenant_id::text AS tenant, id, name FROM projects"))
	if err != nil {
		return nil, nil, err
	}
	ts, err := orm.QueryRaw[taskRow](ctx, tx.DB(), orm.SQL("SELECT tenant_id::text AS tenant, id, status::text AS status FROM tasks"))
	if err != nil {
		return nil, nil, err
	}
	projects, tasks := map[int64]string{}, map[int64]string{}
	for _, p := range ps {
		if p.Tenant != tenant {
			foreign.Add(1)
		}
		projects[p.ID] = p.Name
	}
	for _, k := range ts {
		if k.Tenant != tenant {
			foreign.Add(1)
		}
		tasks[k.ID] = k.Status
	}
	return projects, tasks, nil
}

// diffKeys returns the keys whose presence or value differ.
func diffKeys(a, b map[int64]string) []int64 {
	var out []int64
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

func isLongRun() bool { return os.Getenv("POLYSTORE_LONG") == "1" }

// Invariant: over randomized reads and writes from 64 tenants on one
// shared pool of 8 connections (so every connection serves many tenants
// in turn), with backends killed mid-transaction by pg_terminate_backend,
// no tenant ever reads a row of another tenant (foreign rows = 0), raw SQL
// without any tenant filter run through the client returns exactly the
// tenant's own rows, and every tenant's rows match its model. Writes aimed
// at another tenant's rows affect nothing. CI runs 10,000 operations;
// POLYSTORE_LONG=1 runs 100,000.
func TestIsolationInvariant(t *testing.T) {
	const tenants = 64
	ops := 10_000
	if isLongRun() {
		ops = 100_000
	}
	if testing.Short() {
		ops = 2_000
	}
	e := newEnv(t, &tenancy.StoreConfig{MaxConns: 8, PerTenantConns: 2, MaxWait: 30 * time.Second})
	ctx := context.Background()

	models := make([]*tenantModel, tenants)
	for i := range models {
		tn, _, err := e.store.CreateTenant(ctx, fmt.Sprintf("tenant %02d", i), db.PlanPro, fmt.Sprintf("admin%d@example.com", i))
		require.NoError(t, err)
		models[i] = &tenantModel{id: tn.ID, projects: map[int64]string{}, tasks: map[int64]string{}}
	}

	var (
		foreign, crossHits, connErrs, kills atomic.Int64
		done                                = make(chan struct{})
		killerWG                            sync.WaitGroup
	)
	// The killer terminates app-role backends that are inside a
	// transaction (active or idle in transaction), at random moments.
	killerWG.Add(1)
	go func() {
		defer killerWG.Done()
		rng := rand.New(rand.NewPCG(1, 2))
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Duration(100+rng.IntN(150)) * time.Millisecond):
			}
			var n int64
			err := e.admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM (
				SELECT pid FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()
				AND state IN ('active', 'idle in transaction') ORDER BY random() LIMIT 1) s`, e.roles.App).Scan(&n)
			if err == nil {
				kills.Add(n)
			}
		}
	}()

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, %d operations, %d tenants", seed, ops, tenants)
	var wg sync.WaitGroup
	errs := make(chan error, tenants)
	for i, m := range models {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			for n := range ops / tenants {
				if err := isolationStep(ctx, e.store, m, rng, n, &foreign, &crossHits, &connErrs); err != nil {
					errs <- fmt.Errorf("tenant %d op %d: %w", i, n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	killerWG.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// Final check of every tenant against its model.
	for _, m := range models {
		require.NoError(t, e.store.InTenant(ctx, m.id, func(ctx context.Context, tx *db.Client) error {
			ps, ts, err := readState(ctx, tx, m.id, &foreign)
			if err != nil {
				return err
			}
			require.Equal(t, m.projects, ps)
			require.Equal(t, m.tasks, ts)
			return nil
		}, nil))
	}
	t.Logf("backends killed %d, operations failed by it %d", kills.Load(), connErrs.Load())
	require.Zero(t, foreign.Load(), "rows of another tenant were seen")
	require.Zero(t, crossHits.Load(), "a write aimed at another tenant's row affected it")
	require.Positive(t, kills.Load(), "the killer never hit a backend")
}

// isolationStep runs one random operation of tenant m and checks its
// outcome against the model. Row ids come from sequences shared by all
// tenants, so a random id up to the largest one mostly names another
// tenant's row: writes aimed at such ids must affect nothing.
func isolationStep(ctx context.Context, s *tenancy.Store, m *tenantModel, rng *rand.Rand, n int,
	foreign, crossHits, connErrs *atomic.Int64) error {
	randomOwn := func(mp map[int64]string) (int64, bool) {
		if len(mp) == 0 {
			return 0, false
		}
		keys := slices.Sorted(maps.Keys(mp))
		return keys[rng.IntN(len(keys))], true
	}
	op := rng.IntN(10)
	var (
		write   bool
		applied func()
	)
	err := s.InTenant(ctx, m.id, func(ctx context.Context, tx *db.Client) error {
		applied = nil
		switch op {
		case 0, 1: // create a project through the client
			write = true
			name := fmt.Sprintf("p-%d-%d", n, rng.Int64())
			p, err := tx.Project.Create(ctx, &db.ProjectCreateArgs{Data: []db.ProjectSet{db.ProjectFields.Name.Set(name)}})
			if err != nil {
				return err
			}
			if p.TenantID != m.id {
				foreign.Add(1)
			}
			applied = func() { m.projects[p.ID] = name }
		case 2: // create a task through the client, nested under an own project
			pid, ok := randomOwn(m.projects)
			if !ok {
				return nil
			}
			write = true
			k, err := tx.Task.Create(ctx, &db.TaskCreateArgs{Data: []db.TaskSet{
				db.TaskFields.Title.Set("t"), db.TaskFields.ProjectID.Set(pid)}})
			if err != nil {
				return err
			}
			applied = func() { m.tasks[k.ID] = string(k.Status) }
		case 3: // read projects with their tasks through the client
			ps, err := tx.Project.FindMany(ctx, &db.ProjectFindArgs{
				Include:  []db.ProjectInclude{db.ProjectFields.Tasks.Include(nil)},
				Strategy: orm.StrategyJoin})
			if err != nil {
				return err
			}
			got := map[int64]string{}
			for _, p := range ps {
				if p.TenantID != m.id {
					foreign.Add(1)
				}
				got[p.ID] = p.Name
				for _, k := range p.Tasks {
					if k.TenantID != m.id {
						foreign.Add(1)
					}
				}
			}
			if len(diffKeys(got, m.projects)) != 0 {
				return fmt.Errorf("client read %v, model %v", got, m.projects)
			}
		case 4: // raw SQL without a tenant filter through the client
			ps, ts, err := readState(ctx, tx, m.id, foreign)
			if err != nil {
				return err
			}
			if d := diffKeys(ps, m.projects); len(d) != 0 {
				return fmt.Errorf("raw read projects differ at %v", d)
			}
			if d := diffKeys(ts, m.tasks); len(d) != 0 {
				return fmt.Errorf("raw read tasks differ at %v", d)
			}
		case 5: // raw UPDATE of every task, no WHERE: only the tenant's rows
			write = true
			status := []string{"TODO", "DOING", "DONE"}[rng.IntN(3)]
			nrows, err := orm.ExecRaw(ctx, tx.DB(), orm.SQL(`UPDATE tasks SET status = ?::"TaskStatus"`, status))
			if err != nil {
				return err
			}
			if nrows != int64(len(m.tasks)) {
				return fmt.Errorf("raw update touched %d rows, the tenant has %d", nrows, len(m.tasks))
			}
			applied = func() {
				for id := range m.tasks {
					m.tasks[id] = status
				}
			}
		case 6: // aim at rows by id regardless of tenant: raw and client
			ids, err := orm.QueryRaw[int64](ctx, tx.DB(), orm.SQL("SELECT coalesce(max(id), 0) FROM tasks"))
			if err != nil {
				return err
			}
			target := rng.Int64N(ids[0]+50) + 1
			if _, own := m.tasks[target]; own {
				return nil
			}
			nrows, err := orm.ExecRaw(ctx, tx.DB(), orm.SQL(`UPDATE tasks SET title = 'stolen' WHERE id = ?`, target))
			if err != nil {
				return err
			}
			crossHits.Add(nrows)
			nrows, err = orm.ExecRaw(ctx, tx.DB(), orm.SQL(`DELETE FROM tasks WHERE id = ?`, target))
			if err != nil {
				return err
			}
			crossHits.Add(nrows)
			nrows, err = tx.Task.UpdateMany(ctx, &db.TaskUpdateManyArgs{Where: []db.TaskCond{db.TaskFields.ID.Equals(target)},
				Data: []db.TaskSet{db.TaskFields.Title.Set("stolen")}})
			if err != nil {
				return err
			}
			crossHits.Add(nrows)
		case 7: // delete an own task through the client
			id, ok := randomOwn(m.tasks)
			if !ok {
				return nil
			}
			write = true
			if _, err := tx.Task.Delete(ctx, &db.TaskDeleteArgs{Where: db.TaskByTenantIDID(m.id, id)}); err != nil {
				return err
			}
			applied = func() { delete(m.tasks, id) }
		case 8: // counts through the client and raw
			np, err := tx.Project.Count(ctx, nil)
			if err != nil {
				return err
			}
			nt, err := orm.QueryRaw[int64](ctx, tx.DB(), orm.SQL("SELECT count(*) FROM tasks"))
			if err != nil {
				return err
			}
			if np != int64(len(m.projects)) || nt[0] != int64(len(m.tasks)) {
				return fmt.Errorf("counts %d/%d, model %d/%d", np, nt[0], len(m.projects), len(m.tasks))
			}
		case 9: // the tenant row: exactly one, its own
			ts, err := orm.QueryRaw[string](ctx, tx.DB(), orm.SQL("SELECT id::text FROM tenants"))
			if err != nil {
				return err
			}
			if len(ts) != 1 || ts[0] != m.id {
				foreign.Add(int64(len(ts) - 1))
				return fmt.Errorf("tenants visible: %v", ts)
			}
		}
		return nil
	}, nil)
	if err == nil {
		if applied != nil {
			applied()
		}
		return nil
	}
	if !orm.IsConnectionClosed(err) {
		return err
	}
	connErrs.Add(1)
	if !write {
		return nil
	}
	// The write may or may not have committed: read back (retrying while
	// the killer strikes) and accept a difference of at most this write.
	for attempt := 0; ; attempt++ {
		var ps, ts map[int64]string
		err := s.InTenant(ctx, m.id, func(ctx context.Context, tx *db.Client) error {
			var err error
			ps, ts, err = readState(ctx, tx, m.id, foreign)
			return err
		}, nil)
		if err != nil {
			if orm.IsConnectionClosed(err) && attempt < 50 {
				continue
			}
			return fmt.Errorf("read back: %w", err)
		}
		dp, dt := diffKeys(ps, m.projects), diffKeys(ts, m.tasks)
		switch {
		case len(dp) == 0 && len(dt) == 0: // not applied
		case op <= 1 && len(dp) == 1 && len(dt) == 0, op == 2 && len(dt) == 1 && len(dp) == 0,
			op == 5 && len(dp) == 0, op == 7 && len(dt) == 1 && len(dp) == 0:
			// applied before the connection died
		default:
			return errors.New("state after a failed write differs by more than that write")
		}
		m.projects, m.tasks = ps, ts
		return nil
	}
}
