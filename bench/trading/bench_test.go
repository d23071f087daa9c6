package trading

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/apps/trading"
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

// BenchmarkPlacement: Serializable placement in PostgreSQL (reserve funds,
// insert the order and its outbox row, retry on 40001/40P01) from 16
// goroutines over 200 accounts; reports orders/s, p99 and the retry rate.
func BenchmarkPlacement(b *testing.B) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(devenv.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = 16
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if err := trading.ApplySchema(ctx, pool); err != nil {
		b.Fatal(err)
	}
	store, err := trading.NewStore(pool, nil)
	if err != nil {
		b.Fatal(err)
	}
	accounts := make([]int, 200)
	for i := range accounts {
		if accounts[i], err = store.CreateAccount(ctx, fmt.Sprintf("acc%d", i), map[string]string{"USD": "100000000", "BTC": "100000"}); err != nil {
			b.Fatal(err)
		}
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(rand.Uint64(), 0))
		var mine []time.Duration
		for pb.Next() {
			side := "buy"
			if rng.IntN(2) == 0 {
				side = "sell"
			}
			req := &trading.OrderRequest{AccountID: accounts[rng.IntN(len(accounts))], Symbol: "BTC-USD", Side: side,
				Price: fmt.Sprintf("%d.%02d", 20000+rng.IntN(100), rng.IntN(100)), Quantity: "0.01"}
			t0 := time.Now()
			if _, err := store.Place(ctx, req, nil); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	placed, attempts := store.RetryStats()
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(100*float64(attempts-placed)/float64(placed), "retry-%")
}
