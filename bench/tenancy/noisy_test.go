package tenancy_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/apps/tenancy/db"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/redis/ratelimit"
)

// BenchmarkNoisyNeighbour drives 5 quiet tenants open-loop at 40 reads/s
// each for 3s and reports their p99, with impl=alone (no other load),
// impl=noisy-guarded (a sixth tenant sends 10× its 40/s quota; the
// per-tenant rate limit answers the excess and the gate caps its
// connections) and impl=noisy-unguarded (same flood, no limit and no
// per-tenant cap). One shared pool of 8 connections.
func BenchmarkNoisyNeighbour(b *testing.B) {
	setupPG(b)
	ctx := context.Background()
	rc := redisbench.Client(b)
	const quiet, quietRate, quota, period = 5, 40, 40, 3 * time.Second
	run := func(b *testing.B, noisy, guarded bool) {
		per := 2
		if !guarded {
			per = 8
		}
		store, err := tenancy.OpenStore(ctx, tenancy.StoreConfig{URL: appURL, MaxConns: 8, PerTenantConns: per, MaxWait: 10 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		defer store.Close()
		lim, err := ratelimit.New(rc, ratelimit.Config{Algorithm: ratelimit.GCRA,
			Limit: ratelimit.Limit{Rate: quota, Period: time.Second, Burst: quota}, Prefix: prefix + "rl:" + b.Name() + ":"})
		if err != nil {
			b.Fatal(err)
		}
		read := func(tenant string) error {
			return store.InTenant(ctx, tenant, func(ctx context.Context, tx *db.Client) error {
				_, err := tx.Task.FindMany(ctx, &db.TaskFindArgs{OrderBy: []db.TaskOrder{db.TaskFields.ID.Desc()}, Take: 50})
				return err
			}, nil)
		}
		var (
			mu  sync.Mutex
			lat latencies
			wg  sync.WaitGroup
		)
		// drive sends rate requests/s for period, each from its scheduled
		// time (open loop: a slow server does not slow the sender).
		drive := func(rate int, f func(start time.Time)) {
			defer wg.Done()
			tick := time.Second / time.Duration(rate)
			begin := time.Now()
			for i := 0; ; i++ {
				at := begin.Add(time.Duration(i) * tick)
				if at.Sub(begin) >= period {
					return
				}
				time.Sleep(time.Until(at))
				wg.Add(1)
				go func() { defer wg.Done(); f(at) }()
			}
		}
		for q := range quiet {
			wg.Add(1)
			go drive(quietRate, func(at time.Time) {
				if err := read(tenantID[q]); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(at))
				mu.Unlock()
			})
		}
		if noisy {
			wg.Add(1)
			go drive(10*quota, func(time.Time) {
				if guarded {
					res, err := lim.Allow(ctx, "tenant:"+tenantID[quiet], nil)
					if err != nil || !res.Allowed {
						return // 429
					}
				}
				if err := read(tenantID[quiet]); err != nil && !errors.Is(err, tenancy.ErrTenantBusy) && !errors.Is(err, orm.ErrPoolTimeout) {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		lat.report(b)
	}
	for _, c := range []struct {
		name           string
		noisy, guarded bool
	}{{"impl=alone", false, true}, {"impl=noisy-guarded", true, true}, {"impl=noisy-unguarded", true, false}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				run(b, c.noisy, c.guarded)
			}
		})
	}
}
