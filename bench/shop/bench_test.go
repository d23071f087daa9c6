package shop

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"

	polyshop "github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
)

// callers and manyCallers are the numbers of concurrent buyers of the
// decision benchmarks, the same for both sides.
const (
	callers     = 64
	manyCallers = 1024
)

// reserveFn makes one reservation decision; decided is false when no
// decision was reached (the guide could not take its lock).
type reserveFn func(ctx context.Context, i int64) (decided bool, err error)

// polystoreReserve returns polystore's reservation of one unit of a hot
// SKU with stock enough never to sell out; each call is a new buyer with a
// new Idempotency-Key. Its keys are removed at cleanup.
func polystoreReserve(tb testing.TB, c rueidis.Client) reserveFn {
	ctx := context.Background()
	p := prefix + devenv.UniqueName("poly") + ":"
	tb.Cleanup(func() { _, _ = devenv.DeleteRedisPrefix(ctx, c, p) })
	app, err := polyshop.NewApp(c, polyshop.AppConfig{Config: polyshop.Config{Prefix: p,
		ReservationTTL: time.Minute, IdempotencyTTL: time.Minute}})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := app.OpenSale(ctx, "hot", 1<<50); err != nil {
		tb.Fatal(err)
	}
	return func(ctx context.Context, i int64) (bool, error) {
		n := strconv.FormatInt(i, 10)
		_, err := app.Reserve(ctx, polyshop.ReserveRequest{UserID: "u" + n, ProductID: "hot", Quantity: 1, IdempotencyKey: "k" + n}, "9.99")
		var e *polyshop.Error
		if err != nil && !(errors.As(err, &e) && e.Code == polyshop.CodeSoldOut) {
			return false, err
		}
		return true, nil
	}
}

// guideReserve returns the guide's reserveInventory of one unit of the
// same hot SKU, with node-redlock's retry defaults.
func guideReserve(tb testing.TB, c rueidis.Client) reserveFn {
	ctx := context.Background()
	p := prefix + devenv.UniqueName("guide") + ":"
	tb.Cleanup(func() { _, _ = devenv.DeleteRedisPrefix(ctx, c, p) })
	g := NewGuide(c, p)
	g.Queue = func(GuideUpdate) {} // the queue's broker is not part of the decision
	if err := g.SetStock(ctx, "hot", 1<<50); err != nil {
		tb.Fatal(err)
	}
	return func(ctx context.Context, _ int64) (bool, error) {
		err := g.Reserve(ctx, "hot", 1)
		switch {
		case err == nil, errors.Is(err, ErrInsufficient):
			return true, nil
		case errors.Is(err, ErrLockFailed):
			return false, nil
		}
		return false, err
	}
}

// BenchmarkReserveHotSKU: reservation decisions per second on one hot SKU
// against Redis, 64 or 1024 concurrent buyers, or one (callers=1).
// impl=guide is the guide's Redlock + GET/SET (bench/shop/guide.go),
// impl=polystore is apps/shop's Reserve (SET NX GET of the idempotency
// claim, then one script). Compare decisions/s of the two impls in the
// same run; lockfail-% is the guide's share of calls that gave up on the
// lock (no decision).
func BenchmarkReserveHotSKU(b *testing.B) {
	impls := []struct {
		name string
		fn   func(testing.TB, rueidis.Client) reserveFn
	}{{"polystore", polystoreReserve}, {"guide", guideReserve}}
	for _, n := range []int{callers, manyCallers, 1} {
		for _, impl := range impls {
			b.Run(fmt.Sprintf("callers=%d/impl=%s", n, impl.name), func(b *testing.B) {
				fn := impl.fn(b, redisbench.Client(b))
				ctx := context.Background()
				var seq, decided, failed atomic.Int64
				var firstErr atomic.Value
				b.SetParallelism(max(1, n/runtime.GOMAXPROCS(0)))
				if n == 1 {
					b.SetParallelism(1)
				}
				start := time.Now()
				run := func(pb interface{ Next() bool }) {
					for pb.Next() {
						ok, err := fn(ctx, seq.Add(1))
						if err != nil {
							firstErr.CompareAndSwap(nil, err)
						}
						if ok {
							decided.Add(1)
						} else {
							failed.Add(1)
						}
					}
				}
				if n == 1 {
					run(loopPB{b})
				} else {
					b.RunParallel(func(pb *testing.PB) { run(pb) })
				}
				elapsed := time.Since(start)
				if err, _ := firstErr.Load().(error); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(decided.Load())/elapsed.Seconds(), "decisions/s")
				if total := decided.Load() + failed.Load(); total > 0 {
					b.ReportMetric(100*float64(failed.Load())/float64(total), "lockfail-%")
				}
			})
		}
	}
}

// loopPB adapts b.Loop to the pb.Next shape for the one-caller runs.
type loopPB struct{ b *testing.B }

func (l loopPB) Next() bool { return l.b.Loop() }

// decisionRate runs fn from n concurrent callers for d and returns the
// decisions per second and the share of calls without a decision.
func decisionRate(ctx context.Context, fn reserveFn, n int, d time.Duration) (rate, failedPct float64, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var seq, decided, failed atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				ok, err := fn(ctx, seq.Add(1))
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					cancel()
					return
				}
				if ok {
					decided.Add(1)
				} else {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, 0, err
	}
	if total := decided.Load() + failed.Load(); total > 0 {
		failedPct = 100 * float64(failed.Load()) / float64(total)
	}
	return float64(decided.Load()) / elapsed.Seconds(), failedPct, nil
}
