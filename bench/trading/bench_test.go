package trading

import (
	"context"
	"runtime"
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
// per second of the realistic mix. The pacer runs on a goroutine locked to
// its OS thread and never waits for the book: command i is due at
// start + i/rate, and its latency runs from that scheduled time (not from
// when the loop got to it) to the end of Apply, so a stall counts against
// every command it delays (no coordinated omission). The first 50,000
// commands warm the book up and are not counted. It reports p50/p99/p99.9
// and max latency, the rate achieved, the commands that started more
// than 10 µs late, the thread's CPU time per command (independent of other
// load on the machine) and the heap allocations per command during the run.
func BenchmarkEngineConstantRate(b *testing.B) {
	const (
		rate   = 500_000
		warmup = 50_000
	)
	mix := engine.GenerateMix(2, 1<<20, nil)
	book := engine.NewBook(nil, &engine.BookOpts{Capacity: 1 << 14})
	for i := range mix {
		book.Apply(&mix[i])
	}
	n := max(b.N, rate) // at least one second of measured traffic
	lat := make([]int64, n)
	var (
		late          int
		elapsed       time.Duration
		cpu           time.Duration
		allocs        uint64
		memBefore     runtime.MemStats
		memAfter      runtime.MemStats
		cpuStart, end time.Duration
	)
	done := make(chan struct{})
	b.ResetTimer()
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		interval := int64(time.Second / rate)
		round := uint64(1)
		j := 0
		next := func() engine.Command {
			if j == len(mix) {
				j = 0
				round++
			}
			c := engine.Shift(mix[j], round<<32)
			j++
			return c
		}
		start := time.Now()
		for i := range warmup {
			due := int64(i) * interval
			for int64(time.Since(start)) < due {
			}
			c := next()
			book.Apply(&c)
		}
		runtime.ReadMemStats(&memBefore)
		cpuStart = threadCPU()
		start = time.Now()
		for i := range n {
			due := int64(i) * interval
			now := int64(time.Since(start))
			for now < due {
				now = int64(time.Since(start))
			}
			if now-due > 10_000 {
				late++
			}
			c := next()
			book.Apply(&c)
			lat[i] = int64(time.Since(start)) - due
		}
		elapsed = time.Since(start)
		end = threadCPU()
		runtime.ReadMemStats(&memAfter)
	}()
	<-done
	b.StopTimer()
	cpu = end - cpuStart
	allocs = memAfter.Mallocs - memBefore.Mallocs
	slices.Sort(lat)
	b.ReportMetric(float64(lat[n/2]), "p50-ns")
	b.ReportMetric(float64(lat[n*99/100]), "p99-ns")
	b.ReportMetric(float64(lat[n*999/1000]), "p99.9-ns")
	b.ReportMetric(float64(lat[n-1]), "max-ns")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "cmds/s")
	b.ReportMetric(100*float64(late)/float64(n), "late-%")
	if cpu > 0 {
		// The pacer spins between commands, so the thread's CPU time is the
		// run's length; what the book used is the rest of this figure.
		b.ReportMetric(100*float64(cpu)/float64(elapsed), "thread-cpu-%")
	}
	b.ReportMetric(float64(allocs)/float64(n), "allocs/cmd")
}

// BenchmarkEngineMaxRate is the book's sustained rate on one locked OS
// thread: the realistic mix as fast as it goes, with the thread's CPU time
// per command (what a quiet core would take) next to the wall time.
func BenchmarkEngineMaxRate(b *testing.B) {
	mix := engine.GenerateMix(2, 1<<20, nil)
	book := engine.NewBook(nil, &engine.BookOpts{Capacity: 1 << 14})
	for i := range mix {
		book.Apply(&mix[i])
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	cpu0 := threadCPU()
	start := time.Now()
	round := uint64(1)
	for i := 0; b.Loop(); i++ {
		if i == len(mix) {
			i = 0
			round++
		}
		c := engine.Shift(mix[i], round<<32)
		book.Apply(&c)
	}
	wall := time.Since(start)
	cpu := threadCPU() - cpu0
	b.ReportMetric(float64(b.N)/wall.Seconds(), "cmds/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/cmd")
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "cmds/cpu-s")
	}
}
