package shop

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	polyshop "github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
)

var prefix = devenv.UniqueName("bench:shop:") + ":"

func TestMain(m *testing.M) { redisbench.Main(m, prefix) }

// The conditions of the oversell test: stock units, buyers each asking for
// one at once, and one of them — the first to read the stock — stalls for
// stall where its client can be slow. The guide's lock lives lockTTL (its
// 5000 ms scaled down so the test is short; what matters is stall > TTL,
// which a GC pause, a slow network or a paused VM produces at 5 s too).
const (
	oversellStock  = 5
	oversellBuyers = 20
	lockTTL        = 100 * time.Millisecond
	stall          = time.Second
)

// TestGuideOversellsWhenTheLockExpires: one lock holder stalls between its
// GET and its SET for longer than the lock's TTL; meanwhile the lock
// expires, the other buyers take it in turn and sell the stock out, and
// then the stalled holder writes back the stock it read before — the
// units come back on sale and are sold again. Every unit taken queues one
// database update of -1: more updates than units is the oversell.
// polystore's reservation, with the same buyers and the first one stalling
// as long (before and after its one atomic call, the only places it can),
// hands out exactly the stock and keeps initial = stock + held + sold.
func TestGuideOversellsWhenTheLockExpires(t *testing.T) {
	ctx := context.Background()
	c := redisbench.Client(t)

	t.Run("guide", func(t *testing.T) {
		g := NewGuide(c, prefix+devenv.UniqueName("oversell")+":")
		g.LockTTL = lockTTL
		var stalled atomic.Bool
		g.afterRead = func() {
			if stalled.CompareAndSwap(false, true) {
				time.Sleep(stall)
			}
		}
		var queued atomic.Int64
		var wg sync.WaitGroup
		g.Queue = func(u GuideUpdate) { defer wg.Done(); queued.Add(-u.Quantity) }
		require.NoError(t, g.SetStock(ctx, "sku", oversellStock))

		var ok, insufficient, lockFailed, releaseFailed atomic.Int64
		var buyers sync.WaitGroup
		wg.Add(oversellBuyers) // Queue calls Done; buyers that queue nothing do it below
		for range oversellBuyers {
			buyers.Add(1)
			go func() {
				defer buyers.Done()
				err := g.Reserve(ctx, "sku", 1)
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, ErrInsufficient):
					insufficient.Add(1)
					wg.Done()
				case errors.Is(err, ErrLockFailed):
					lockFailed.Add(1)
					wg.Done()
				case errors.Is(err, ErrReleaseFailed):
					releaseFailed.Add(1) // the lock had expired; the unit was taken
				default:
					t.Error(err)
					wg.Done()
				}
			}()
		}
		buyers.Wait()
		wg.Wait()
		stock, err := g.Stock(ctx, "sku")
		require.NoError(t, err)
		sold := queued.Load()
		t.Logf("guide: %d units, %d buyers, lock TTL %s, one holder stalls %s: %d units taken (%d told ok, %d told the release failed), %d insufficient, %d without the lock; Redis says %d left",
			oversellStock, oversellBuyers, lockTTL, stall, sold, ok.Load(), releaseFailed.Load(), insufficient.Load(), lockFailed.Load(), stock)
		require.Greater(t, sold, int64(oversellStock), "the guide oversells when the lock expires under a slow holder")
		require.Greater(t, stock+sold, int64(oversellStock), "units taken + units left exceed the stock: the stalled holder put units back on sale")
	})

	t.Run("polystore", func(t *testing.T) {
		app, err := polyshop.NewApp(c, polyshop.AppConfig{Config: polyshop.Config{Prefix: prefix + devenv.UniqueName("oversell") + ":"}})
		require.NoError(t, err)
		_, err = app.OpenSale(ctx, "sku", oversellStock)
		require.NoError(t, err)
		var reserved, soldOut atomic.Int64
		var buyers sync.WaitGroup
		for i := range oversellBuyers {
			buyers.Add(1)
			go func() {
				defer buyers.Done()
				if i == 0 { // the same slow client, before and after its one call
					time.Sleep(stall)
					defer time.Sleep(stall)
				}
				_, err := app.Reserve(ctx, polyshop.ReserveRequest{UserID: "u" + strconv.Itoa(i), ProductID: "sku", Quantity: 1,
					IdempotencyKey: fmt.Sprintf("k%d", i)}, "9.99")
				var e *polyshop.Error
				switch {
				case err == nil:
					reserved.Add(1)
				case errors.As(err, &e) && e.Code == polyshop.CodeSoldOut:
					soldOut.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		buyers.Wait()
		counts, err := app.Counts(ctx, "sku")
		require.NoError(t, err)
		t.Logf("polystore: %d units, %d buyers, one stalling %s around its call: %d reserved, %d sold out; counts %+v",
			oversellStock, oversellBuyers, stall, reserved.Load(), soldOut.Load(), counts)
		require.Equal(t, int64(oversellStock), reserved.Load(), "exactly the stock is reserved")
		require.Equal(t, int64(oversellBuyers-oversellStock), soldOut.Load())
		require.True(t, counts.Balanced(), "initial = stock + held + sold: %+v", counts)
		require.Equal(t, int64(0), counts.Stock)
		require.Equal(t, int64(oversellStock), counts.Held)
	})
}
