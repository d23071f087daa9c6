package trading

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
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
// per second of the realistic mix (see paceOpenLoop): a goroutine locked to
// its OS thread spins on the monotonic clock, command i is due at
// start + i/rate, and its latency runs from that due time to the end of
// Apply (no coordinated omission). 50,000 warm-up commands are not counted.
// Latencies go into a fixed HDR-style histogram (no allocation, no new
// memory touched during the run).
//
// The same measurement runs in one process under each thread setup
// (sub-benchmarks, in turn, POLYSTORE_MATCH_ROUNDS times; default 1):
//
//   - spread: the thread as the Go runtime and the OS leave it;
//   - pinned: the thread pinned to the CPU that takes the fewest device
//     interrupts, every other thread of the process kept off that CPU;
//   - nosigurg: the thread blocks SIGURG, the runtime's asynchronous
//     preemption signal, which the runtime's monitor otherwise sends it
//     every 10 ms or more often while it spins (each delivery pauses it);
//   - dedicated: both;
//   - floor: spread, with no book: each command is only the clock read
//     that ends it, so its tail is what the machine alone sets for this
//     latency (the engine's part is the difference from spread).
//
// Metrics: p50/p99/p99.9/max latency, late-% (started more than 10 µs
// after due) and over-10us-% (latency above the 10 µs goal) as measured; svc-p50/p99/p99.9/max, each command's own time
// from its start to the end of Apply; owned-p99/p99.9/owned-late-%, the
// same run replayed from those service times with the stalls where the OS
// gave the core to another thread taken out (what a core of one's own
// gives on this machine, with owned-late-% and owned-over-10us-%); thread-cpu-% (below 100: the OS took the core
// away); stalls over 4 µs per second by cause (os, runtime, fault, other)
// and the other ones by length (other-4-10us/s …); on pinned runs, the
// CPU's interrupts per second by vector (irq-LOC/s: local timer, irq-CAL/s:
// function calls, irq-RES/s: rescheduling, irq-dev/s: devices) and its
// steal time (steal-ms/s); GCs and heap allocations per command.
func BenchmarkEngineConstantRate(b *testing.B) {
	rounds := 1
	if v, err := strconv.Atoi(os.Getenv("POLYSTORE_MATCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	cpu := quietestCPU()
	for range rounds {
		for _, v := range []struct {
			name        string
			pin, block  bool
			withoutBook bool
		}{
			{name: "spread"},
			{name: "pinned", pin: true},
			{name: "nosigurg", block: true},
			{name: "dedicated", pin: true, block: true},
			{name: "floor", withoutBook: true},
		} {
			b.Run(v.name, func(b *testing.B) {
				if v.pin && cpu < 0 {
					b.Skip("no CPU to pin to: needs two CPUs")
				}
				runConstantRate(b, cpu, v.pin, v.block, v.withoutBook)
			})
		}
	}
}

func runConstantRate(b *testing.B, cpu int, pin, block, withoutBook bool) {
	const (
		rate   = 500_000
		warmup = 50_000
	)
	mix := constantRateMix()
	var book *engine.Book
	if !withoutBook {
		// Capacity: the mix keeps up to ~21,000 orders open at its peak.
		book = engine.NewBook(nil, &engine.BookOpts{Capacity: 1 << 15})
		for i := range mix {
			book.Apply(&mix[i])
		}
	}
	n := max(b.N, rate) // at least one second of measured traffic
	svc := make([]uint32, n)
	var (
		res *paceResult
		err error
	)
	done := make(chan struct{})
	b.ResetTimer()
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		on := -1
		if pin {
			var p *pinning
			if p, err = pinThread(cpu); err != nil {
				return
			}
			defer p.release()
			on = cpu
		}
		if block {
			var restore func()
			if restore, err = blockPreemptSignal(); err != nil {
				return
			}
			defer restore()
		}
		res = paceOpenLoop(book, mix, rate, warmup, n, svc, on)
	}()
	<-done
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(res.lat.quantile(0.5)), "p50-ns")
	b.ReportMetric(float64(res.lat.quantile(0.99)), "p99-ns")
	b.ReportMetric(float64(res.lat.quantile(0.999)), "p99.9-ns")
	b.ReportMetric(float64(res.lat.max), "max-ns")
	b.ReportMetric(100*float64(res.late)/float64(n), "late-%")
	b.ReportMetric(100*res.lat.above(int64(lateAfter)), "over-10us-%")
	b.ReportMetric(float64(res.svc.quantile(0.5)), "svc-p50-ns")
	b.ReportMetric(float64(res.svc.quantile(0.99)), "svc-p99-ns")
	b.ReportMetric(float64(res.svc.quantile(0.999)), "svc-p99.9-ns")
	b.ReportMetric(float64(res.svc.max), "svc-max-ns")
	b.ReportMetric(float64(res.owned.quantile(0.99)), "owned-p99-ns")
	b.ReportMetric(float64(res.owned.quantile(0.999)), "owned-p99.9-ns")
	b.ReportMetric(100*float64(res.ownedLate)/float64(n), "owned-late-%")
	b.ReportMetric(100*res.owned.above(int64(lateAfter)), "owned-over-10us-%")
	secs := res.elapsed.Seconds()
	b.ReportMetric(float64(n)/secs, "cmds/s")
	if res.cpu > 0 {
		// The pacer spins between commands, so the thread's CPU time is the
		// run's length when nobody takes the core away.
		b.ReportMetric(100*float64(res.cpu)/float64(res.elapsed), "thread-cpu-%")
	}
	for where, name := range []string{"wait", "apply"} {
		for cause, st := range res.stalls[where] {
			if st.n > 0 {
				b.ReportMetric(float64(st.n)/secs, "stalls-"+name+"-"+causeNames[cause]+"/s")
			}
		}
	}
	var other stallStat
	for _, st := range res.stalls {
		other.n += st[causeOther].n
		other.ns += st[causeOther].ns
		other.max = max(other.max, st[causeOther].max)
	}
	b.ReportMetric(float64(other.ns)/1e3/secs, "other-us/s")
	b.ReportMetric(float64(other.max)/1e3, "other-max-us")
	for k, lo := range gapClasses {
		name := fmt.Sprintf("other-%dus+/s", lo.Microseconds())
		if k+1 < len(gapClasses) {
			name = fmt.Sprintf("other-%d-%dus/s", lo.Microseconds(), gapClasses[k+1].Microseconds())
		}
		b.ReportMetric(float64(res.otherGaps[k])/secs, name)
	}
	if res.irqs != nil {
		for _, v := range []string{"LOC", "CAL", "RES", "TLB", "dev"} {
			b.ReportMetric(float64(res.irqs[v])/secs, "irq-"+v+"/s")
		}
	}
	if pin && res.steal >= 0 {
		b.ReportMetric(float64(res.steal)*10/secs, "steal-ms/s") // USER_HZ = 100
	}
	b.ReportMetric(float64(res.gcs), "gcs")
	b.ReportMetric(float64(res.allocs)/float64(n), "allocs/cmd")
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
