package trading

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
)

// BenchmarkMatch: one op is one order of the realistic mix (limit orders
// near the touch, cancels, modifies, IOC and market orders), through
// polystore's in-memory book on one goroutine, and through the guide's
// Redis ZSET book (which knows only limit orders: the mix's placements,
// each ZADD + two ZRANGE + two ZREM when it crosses).
func BenchmarkMatch(b *testing.B) {
	mix := engine.GenerateMix(1, 1<<20, nil)
	b.Run("engine", func(b *testing.B) {
		book := engine.NewBook(nil, &engine.BookOpts{Capacity: 1 << 14})
		for i := range mix {
			book.Apply(&mix[i])
		}
		b.ReportAllocs()
		round := uint64(1)
		for i := 0; b.Loop(); i++ {
			if i == len(mix) {
				i = 0
				round++
			}
			c := engine.Shift(mix[i], round<<32)
			book.Apply(&c)
		}
	})
	b.Run("guide_zset", func(b *testing.B) {
		ctx := context.Background()
		g := NewGuideBook(redisbench.Client(b), prefix, devenv.UniqueName("zset"))
		var orders []GuideOrder
		for _, c := range mix {
			if c.Op == engine.OpPlace && c.Type == engine.Limit {
				side := "BUY"
				if c.Side == engine.Sell {
					side = "SELL"
				}
				orders = append(orders, GuideOrder{ID: int64(c.OrderID), Side: side, Price: float64(c.Price) / 100, Quantity: float64(c.Qty)})
			}
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := g.AddOrder(ctx, orders[i%len(orders)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEngineConstantRate feeds one book open-loop at 500,000 commands
// per second: each command has a scheduled time, and its latency runs from
// that time (not from when the loop got to it) to the end of Apply, so a
// stall counts against every command it delays.
func BenchmarkEngineConstantRate(b *testing.B) {
	const rate = 500_000
	mix := engine.GenerateMix(2, 1<<20, nil)
	book := engine.NewBook(nil, &engine.BookOpts{Capacity: 1 << 14})
	for i := range mix {
		book.Apply(&mix[i])
	}
	n := max(b.N, 100_000)
	lat := make([]time.Duration, n)
	interval := time.Second / rate
	b.ResetTimer()
	start := time.Now()
	round := uint64(1)
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		for time.Now().Before(due) {
		}
		j := i % len(mix)
		if j == 0 {
			round++
		}
		c := engine.Shift(mix[j], round<<32)
		book.Apply(&c)
		lat[i] = time.Since(due)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[n/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[n*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(lat[n*999/1000].Nanoseconds()), "p99.9-ns")
	b.ReportMetric(float64(lat[n-1].Nanoseconds()), "max-ns")
}
