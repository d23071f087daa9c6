package tenancy_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
)

// Invariant: a tenant never holds more than its cap, while another tenant
// gets a slot at once even when the first one is saturated.
func TestGateCapsEachTenant(t *testing.T) {
	g := tenancy.NewGate(3, 0)
	ctx := context.Background()
	var cur, peak atomic.Int32
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				release, err := g.Acquire(ctx, "noisy")
				if err != nil {
					t.Error(err)
					return
				}
				n := cur.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				time.Sleep(time.Millisecond)
				cur.Add(-1)
				release()
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	require.Equal(t, int32(3), peak.Load())
	require.Zero(t, g.InUse("noisy"))

	// A tenant holding its whole cap: its next caller gives up after
	// maxWait with ErrTenantBusy, another tenant gets a slot.
	g = tenancy.NewGate(2, 20*time.Millisecond)
	for range 2 {
		_, err := g.Acquire(ctx, "noisy")
		require.NoError(t, err)
	}
	_, err := g.Acquire(ctx, "noisy")
	require.ErrorIs(t, err, tenancy.ErrTenantBusy)
	release, err := g.Acquire(ctx, "quiet")
	require.NoError(t, err)
	require.Equal(t, 1, g.InUse("quiet"))
	require.Equal(t, 2, g.InUse("noisy"))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = tenancy.NewGate(1, 0).Acquire(cctx, "t")
	require.NoError(t, err, "a free slot is taken even with a done context")
	release()
}
