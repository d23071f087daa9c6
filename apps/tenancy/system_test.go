package tenancy_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/internal/demo"
)

// The demo scenario end to end, as `polystore demo tenancy` runs it:
// Setup, constant-rate traffic with a flooding tenant and attacks, every
// invariant holding; a second Setup on the kept data (what serve does at
// each start) finds the same tenants; Close removes the roles it created.
func TestSystemRunsTheDemo(t *testing.T) {
	ctx := context.Background()
	env := demo.TestEnv(t, "tenancy")
	var (
		mu     sync.Mutex
		events = map[string]int{}
	)
	env.Publish = func(event string, _ any) { mu.Lock(); events[event]++; mu.Unlock() }
	sys := &tenancy.System{Tenants: 4, FloodFactor: 5}
	require.NoError(t, sys.Setup(ctx, env))
	t.Cleanup(func() { _ = sys.Close(context.Background()) })
	roles := sys.Roles()
	require.True(t, strings.HasSuffix(roles.App, "_app"))

	var rows int
	sum, err := sys.Run(ctx, demo.RunOptions{Duration: 3 * time.Second, Rate: 80}, func(p demo.Progress) { rows++ })
	require.NoError(t, err)
	require.True(t, sum.OK(), "%+v", sum.Checks)
	require.Len(t, sum.Checks, 6)
	require.GreaterOrEqual(t, rows, 2, "progress about once a second")
	mu.Lock()
	require.GreaterOrEqual(t, events["tenants"], 2, "the page's live event")
	mu.Unlock()
	for _, m := range sum.Metrics {
		if m.Key == "attacks" || m.Key == "rows" || m.Key == "throttled" {
			require.Positive(t, m.Value, m.Key)
		}
	}

	require.NoError(t, sys.Close(ctx))
	countRoles := func() int {
		var n int
		require.NoError(t, env.PG.QueryRow(ctx, "SELECT count(*) FROM pg_roles WHERE rolname = ANY($1)",
			[]string{roles.App, roles.Admin, roles.Report}).Scan(&n))
		return n
	}
	require.Zero(t, countRoles(), "the roles are removed with the throwaway database")

	// Setup again on the same data, as serve does at each start: the roles
	// come back, the tenants are found, not duplicated.
	again := &tenancy.System{Tenants: 4}
	require.NoError(t, again.Setup(ctx, env))
	require.Equal(t, 3, countRoles())
	rep, err := again.Service().Reporter.TenantReport(ctx, "test")
	require.NoError(t, err)
	require.Len(t, rep, 4)
	require.NoError(t, again.Close(ctx))
	require.Zero(t, countRoles())
}
