package lock_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
)

// BenchmarkRedlockHandoff measures acquisition latency after release on a
// Redlock of three private redis-servers: a waiter blocks in Acquire, the
// holder releases, and the time from the release call to the waiter
// holding the lock is one sample (handoff-p50-µs, handoff-p99-µs,
// handoff-mean-µs), with this process's CPU time per cycle (holder's
// acquire and release, the waiter's attempts and waits and its release:
// client-cpu-µs/cycle). mode=wake is the default (the release wakes the
// waiter through the instances' wake lists); mode=poll is RedlockPoll, the
// waiter retrying after a random pause of up to RetryDelay (default 50ms).
func BenchmarkRedlockHandoff(b *testing.B) {
	var clients []rueidis.Client
	for range 3 {
		p := devenv.StartRedis(b)
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{p.Addr()}, DisableCache: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(c.Close)
		clients = append(clients, c)
	}
	for _, mode := range []string{"wake", "poll"} {
		b.Run("mode="+mode, func(b *testing.B) {
			o := &lock.Options{Prefix: prefix, TTL: ttl, RedlockPoll: mode == "poll", InstanceTimeout: time.Second}
			holder, err := lock.NewRedlock(clients, o)
			if err != nil {
				b.Fatal(err)
			}
			waiter, err := lock.NewRedlock(clients, o)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var took []time.Duration
			cpu0 := processUsec()
			for b.Loop() {
				name := "redlock-handoff-" + mode + strconv.Itoa(len(took))
				held, err := holder.TryAcquire(ctx, name, nil)
				if err != nil {
					b.Fatal(err)
				}
				got := make(chan time.Time, 1)
				errc := make(chan error, 1)
				go func() {
					lk, err := waiter.Acquire(ctx, name, nil)
					got <- time.Now()
					if err == nil {
						err = lk.Release(ctx)
					}
					errc <- err
				}()
				time.Sleep(5 * time.Millisecond) // the waiter is blocked by now
				start := time.Now()
				if err := held.Release(ctx); err != nil {
					b.Fatal(err)
				}
				took = append(took, (<-got).Sub(start))
				if err := <-errc; err != nil {
					b.Fatal(err)
				}
			}
			cpu := processUsec() - cpu0
			var sum time.Duration
			for _, d := range took {
				sum += d
			}
			slices.Sort(took)
			us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
			b.ReportMetric(us(took[len(took)/2]), "handoff-p50-µs")
			b.ReportMetric(us(took[len(took)*99/100]), "handoff-p99-µs")
			b.ReportMetric(us(sum/time.Duration(len(took))), "handoff-mean-µs")
			b.ReportMetric(cpu/float64(len(took)), "client-cpu-µs/cycle")
		})
	}
}
