package lock_test

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/redis/rueidis"

	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/redis/lock"
)

// BenchmarkLockCost measures what a parallel acquire+release pair costs
// in CPU, which the machine's load does not change much: each iteration
// runs, for every implementation in turn, GOMAXPROCS goroutines (and, in
// the second sub-benchmark, 8×GOMAXPROCS, as in a busy server) doing
// costChunk uncontended pairs each (every goroutine on its own name, every
// implementation on a fresh client of its own), and charges that chunk
// this process's CPU time (user+system, getrusage), the private server's
// CPU time and the scripts the server ran (INFO commandstats). It reports
// per implementation cpu-µs (client), srv-µs (server), wall-µs (elapsed
// time per pair, divided by nothing: a pair's latency) and scripts per
// pair, and the ratios of polystore's to redislock's totals:
// ratio-cpu (client+server CPU) and ratio-wall, ratio-cpu-raw (polystore
// / raw SET NX + release) and ratio-cpu-autopipe (polystore with
// DirectCalls -1, every call pipelined / redislock). Alternating small
// chunks lets a load spike hit every implementation alike.
func BenchmarkLockCost(b *testing.B) {
	// GOMAXPROCS is read in the sub-benchmark, which -cpu sets; the parent
	// runs with whatever the last -cpu value left.
	for _, per := range []int{1, 8} {
		b.Run("goroutines="+strconv.Itoa(per)+"xGOMAXPROCS", func(b *testing.B) { lockCost(b, per*runtime.GOMAXPROCS(0)) })
	}
}

func lockCost(b *testing.B, procs int) {
	impls := []namedLock{
		{"polystore", polystoreFn(redisbench.Client(b))},
		{"redislock", redislockFn(redislock.New(newGoRedis(b)))},
		{"pooled", polystoreFn(pooled(b))},
		{"raw", rawFn(redisbench.Client(b))},
		{"autopipe", polystoreOptFn(redisbench.Client(b), &lock.Options{DirectCalls: -1})},
	}
	ctx := context.Background()
	type total struct{ cpu, srv, wall, scripts, pairs float64 }
	tot := make([]total, len(impls))
	chunk := func(i int, im namedLock) error {
		var wg sync.WaitGroup
		errs := make(chan error, procs)
		start := time.Now()
		for w := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := prefix + "cost-" + im.name + strconv.Itoa(w)
				for range costChunk {
					if err := im.f(ctx, name); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		t := &tot[i]
		t.wall += float64(time.Since(start).Microseconds()) * float64(procs)
		t.pairs += float64(procs * costChunk)
		select {
		case err := <-errs:
			return err
		default:
			return nil
		}
	}
	for i, im := range impls { // dial every goroutine's connections
		if err := chunk(i, im); err != nil {
			b.Fatal(err)
		}
	}
	clear(tot)
	for b.Loop() {
		for i, im := range impls {
			cpu0, srv0, scr0 := processUsec(), serverUsec(b), scriptRuns(b)
			if err := chunk(i, im); err != nil {
				b.Fatal(err)
			}
			// The INFO calls cost the server about the same for every chunk.
			tot[i].cpu += processUsec() - cpu0
			tot[i].srv += serverUsec(b) - srv0
			tot[i].scripts += scriptRuns(b) - scr0
		}
	}
	for i, im := range impls {
		t := tot[i]
		b.ReportMetric(t.cpu/t.pairs, im.name+"-cpu-µs")
		b.ReportMetric(t.srv/t.pairs, im.name+"-srv-µs")
		b.ReportMetric(t.wall/t.pairs, im.name+"-wall-µs")
		b.ReportMetric(t.scripts/t.pairs, im.name+"-scripts")
	}
	p, r, raw, auto := tot[0], tot[1], tot[3], tot[4]
	b.ReportMetric((p.cpu+p.srv)/(r.cpu+r.srv), "ratio-cpu")
	b.ReportMetric(p.wall/r.wall, "ratio-wall")
	b.ReportMetric((p.cpu+p.srv)/(raw.cpu+raw.srv), "ratio-cpu-raw")
	b.ReportMetric((auto.cpu+auto.srv)/(r.cpu+r.srv), "ratio-cpu-autopipe")
}

// costChunk is the pairs per goroutine in one chunk of BenchmarkLockCost.
const costChunk = 150

// rawFn is the floor: SET NX PX, then the owner-checked DEL script.
func rawFn(c rueidis.Client) lockFn {
	var n atomic.Int64
	return func(ctx context.Context, name string) error {
		tok := strconv.FormatInt(n.Add(1), 10)
		if err := c.Do(ctx, c.B().Set().Key(name).Value(tok).Nx().PxMilliseconds(ttl.Milliseconds()).Build()).Error(); err != nil {
			return err
		}
		return rawRelease.Exec(ctx, c, []string{name}, []string{tok}).Error()
	}
}

// processUsec is this process's CPU time so far in µs.
func processUsec() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e3
}

// scriptRuns counts the scripts clients ran on the private server
// (EVALSHA and EVAL in INFO commandstats). Both locks are two scripts per
// pair and nothing else; raw-rueidis is one SET plus one script.
func scriptRuns(b *testing.B) float64 {
	var n float64
	for k, v := range serverInfo(b, "commandstats") {
		switch k {
		case "cmdstat_evalsha", "cmdstat_eval", "cmdstat_evalsha_ro", "cmdstat_eval_ro":
			calls, _, _ := strings.Cut(strings.TrimPrefix(v, "calls="), ",")
			f, _ := strconv.ParseFloat(calls, 64)
			n += f
		}
	}
	return n
}
