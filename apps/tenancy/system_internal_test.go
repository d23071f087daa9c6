package tenancy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The demo's load plan: quiet tenants get one share each, the flooding
// tenant 2·FloodFactor, the quota is two shares; the round robin spaces
// each tenant's requests evenly, so a quiet tenant never bursts past it.
func TestLoadPlanAndPicker(t *testing.T) {
	s := &System{Tenants: 8, FloodFactor: 10}
	p := s.plan(270)
	require.Equal(t, int64(20), p.quota) // 270 rps over 7 + 20 shares: 10 each, quota 20
	require.Equal(t, []int{20, 1, 1, 1, 1, 1, 1, 1}, p.weights)
	require.Equal(t, int64(1), s.plan(1).quota, "at least 1/s")

	pk := &rrPicker{w: p.weights, cur: make([]int, len(p.weights)), total: 27}
	counts := make([]int, 8)
	last := make([]int, 8)
	for i := range last {
		last[i] = -1
	}
	for n := range 27 * 20 {
		ti := pk.next()
		counts[ti]++
		if ti != flood && last[ti] >= 0 {
			require.LessOrEqual(t, n-last[ti], 28, "tenant %d waited %d picks", ti, n-last[ti])
			require.GreaterOrEqual(t, n-last[ti], 26, "tenant %d came back after %d picks", ti, n-last[ti])
		}
		last[ti] = n
	}
	require.Equal(t, []int{400, 20, 20, 20, 20, 20, 20, 20}, counts)
}

func TestRolePrefix(t *testing.T) {
	require.Equal(t, "polystore_demo_tenancy", rolePrefix("polystore_demo_tenancy"))
	require.Equal(t, "t_9db", rolePrefix("9db"))
	require.Equal(t, "my_db", rolePrefix("My-DB"))
	long := rolePrefix(strings.Repeat("x", 63))
	require.Len(t, long, 48)
	require.NotEqual(t, long, rolePrefix(strings.Repeat("x", 62)+"y"), "hashed, not just cut")
	require.NoError(t, RolesWithPrefix(long).validate())
}
