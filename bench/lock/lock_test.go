// Package lock_test compares polystore's redis/lock acquire+release with a
// raw rueidis SET NX PX + owner-checked DEL script (the floor),
// go-redsync/redsync (on go-redis and on rueidis) and bsm/redislock, on
// the same Redis server. Each op is one uncontended acquire and release.
// polystore also draws a fencing token in the acquire script;
// polystore-semaphore is a Semaphore of limit 1 (slot, lease and fencing
// token in one script). Every implementation gets a fresh client of its
// own; BenchmarkLockPaired compares medians of alternating calls, the
// figure to quote on a loaded machine.
package lock_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/go-redsync/redsync/v4"
	rsgoredis "github.com/go-redsync/redsync/v4/redis/goredis/v9"
	rsrueidis "github.com/go-redsync/redsync/v4/redis/rueidis"
	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
	"github.com/redis/rueidis/rueidiscompat"

	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
)

var prefix = devenv.UniqueName("bench:lock:") + ":"

// TestMain starts a private redis-server, so that the server time a lock
// costs (srv-µs/op, from INFO commandstats) counts no other traffic.
func TestMain(m *testing.M) {
	srv, err := devenv.StartRedisProcess(context.Background(), 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	redisbench.URL = srv.URL()
	code := m.Run()
	_ = srv.Close()
	os.Exit(code)
}

// serverUsec is the private server's CPU time so far (INFO cpu, user +
// system, in µs): the commands, the scripts and the network I/O they
// cost the server. Scripts' own redis.call()s are counted once.
func serverUsec(b *testing.B) float64 {
	var total float64
	for k, v := range serverInfo(b, "cpu") {
		if k == "used_cpu_sys" || k == "used_cpu_user" {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				total += f * 1e6
			}
		}
	}
	return total
}

// serverInfo returns the private server's INFO section as key: value.
func serverInfo(b *testing.B, section string) map[string]string {
	c := redisbench.Client(b)
	info, err := c.Do(context.Background(), c.B().Info().Section(section).Build()).ToString()
	if err != nil {
		b.Fatal(err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(info, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			m[k] = v
		}
	}
	return m
}

func newGoRedis(b *testing.B) *goredis.Client {
	opt, err := goredis.ParseURL(redisbench.URL)
	if err != nil {
		b.Fatal(err)
	}
	c := goredis.NewClient(opt)
	b.Cleanup(func() { _ = c.Close() })
	return c
}

const ttl = 10 * time.Second

var rawRelease = rueidis.NewLuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`)

type lockFn func(ctx context.Context, name string) error

func run(b *testing.B, f lockFn) {
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		before := serverUsec(b)
		defer func() { b.ReportMetric((serverUsec(b)-before)/float64(b.N), "srv-cpu-µs/op") }()
		for b.Loop() {
			if err := f(ctx, prefix+"serial"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		var g atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			name := prefix + "p" + strconv.FormatInt(g.Add(1), 10)
			for pb.Next() {
				if err := f(ctx, name); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// pipelined returns a fresh client that has served concurrent calls, as a
// client shared by a server's goroutines has: rueidis then pipelines every
// call through its writer and reader goroutines. A fresh client used by
// one goroutine at a time writes and reads in the caller, as go-redis
// does.
func pipelined(b *testing.B) rueidis.Client { return usedConcurrently(redisbench.Client(b)) }

// usedConcurrently makes 800 calls on c from 8 goroutines and returns c.
func usedConcurrently(c rueidis.Client) rueidis.Client {
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_ = c.Do(context.Background(), c.B().Ping().Build()).Error()
			}
		}()
	}
	wg.Wait()
	return c
}

// BenchmarkLock gives every implementation a fresh client of its own
// (rueidis or go-redis, default options but no client-side cache), so none
// inherits a client that an earlier sub-benchmark switched to rueidis's
// pipelining mode; impl=polystore-pipelined is polystore on such a client,
// impl=polystore-pooled on a client with DisableAutoPipelining.
func BenchmarkLock(b *testing.B) {
	b.Run("impl=raw-rueidis", func(b *testing.B) {
		run(b, rawFn(redisbench.Client(b)))
	})
	b.Run("impl=polystore", func(b *testing.B) { run(b, polystoreFn(redisbench.Client(b))) })
	b.Run("impl=polystore-pipelined", func(b *testing.B) { run(b, polystoreFn(pipelined(b))) })
	b.Run("impl=polystore-pooled", func(b *testing.B) { run(b, polystoreFn(pooled(b))) })
	b.Run("impl=polystore-semaphore", func(b *testing.B) { run(b, semaphoreFn(b, redisbench.Client(b))) })
	b.Run("impl=redsync-goredis", func(b *testing.B) {
		run(b, redsyncFn(redsync.New(rsgoredis.NewPool(newGoRedis(b)))))
	})
	b.Run("impl=redsync-rueidis", func(b *testing.B) {
		run(b, redsyncFn(redsync.New(rsrueidis.NewPool(rueidiscompat.NewAdapter(redisbench.Client(b))))))
	})
	b.Run("impl=redislock", func(b *testing.B) { run(b, redislockFn(redislock.New(newGoRedis(b)))) })
}

func redislockFn(rl *redislock.Client) lockFn {
	return func(ctx context.Context, name string) error {
		lk, err := rl.Obtain(ctx, name, ttl, nil)
		if err != nil {
			return err
		}
		return lk.Release(ctx)
	}
}

// BenchmarkLockPaired alternates the implementations within each
// iteration (serial, uncontended, a fresh client each), so a load spike
// on a shared machine hits them alike. It reports each one's median
// acquire+release as <impl>-p50-µs, and the ratios of the medians:
// ratio-redislock (polystore / redislock, fresh clients), ratio-pipelined
// (polystore on a client in rueidis's pipelining mode / redislock) and
// ratio-semaphore-lock (a Semaphore of limit 1 / the lock), ratio-pooled
// (polystore on a client with DisableAutoPipelining, after concurrent use
// / redislock), ratio-raw (polystore / a raw SET NX and owner-checked DEL
// script on rueidis, the floor) and ratio-autopipe (polystore with
// DirectCalls -1, every call through rueidis's pipeline, on a client in
// pipelining mode / redislock). multi and script are the alternative
// designs in alternatives_test.go. The order is random in every iteration,
// so no implementation mostly runs right after the same one.
func BenchmarkLockPaired(b *testing.B) {
	ctx := context.Background()
	impls := []namedLock{
		{"polystore", polystoreFn(redisbench.Client(b))},
		{"pipelined", polystoreFn(pipelined(b))},
		{"semaphore", semaphoreFn(b, redisbench.Client(b))},
		{"redislock", redislockFn(redislock.New(newGoRedis(b)))},
		{"multi", multiFn(redisbench.Client(b))},
		{"script", scriptFn(redisbench.Client(b))},
		{"pooled", polystoreFn(pooled(b))},
		{"raw", rawFn(redisbench.Client(b))},
		{"autopipe", polystoreOptFn(pipelined(b), &lock.Options{DirectCalls: -1})},
	}
	took := make([][]time.Duration, len(impls))
	for b.Loop() {
		// A random order each time: no implementation mostly runs right
		// after the same one (a pipelined client's goroutines may still be
		// winding down when the next call starts).
		for _, i := range rand.Perm(len(impls)) {
			im := impls[i]
			start := time.Now()
			if err := im.f(ctx, prefix+"paired-"+im.name); err != nil {
				b.Fatal(err)
			}
			took[i] = append(took[i], time.Since(start))
		}
	}
	p50 := reportMedians(b, impls, took)
	b.ReportMetric(p50[0]/p50[3], "ratio-redislock")
	b.ReportMetric(p50[1]/p50[3], "ratio-pipelined")
	b.ReportMetric(p50[2]/p50[0], "ratio-semaphore-lock")
	b.ReportMetric(p50[6]/p50[3], "ratio-pooled")
	b.ReportMetric(p50[0]/p50[7], "ratio-raw")
	b.ReportMetric(p50[8]/p50[3], "ratio-autopipe")
}

// pooled returns a client with rueidis's DisableAutoPipelining: each call
// borrows a connection from a pool and writes and reads in the caller, as
// go-redis does, whatever the concurrency.
func pooled(b *testing.B) rueidis.Client {
	opt, err := devenv.RedisOption(redisbench.URL)
	if err != nil {
		b.Fatal(err)
	}
	opt.DisableCache, opt.DisableAutoPipelining = true, true
	c, err := rueidis.NewClient(opt)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	// Concurrent calls first, as pipelined does: they leave it unchanged.
	return usedConcurrently(c)
}

// BenchmarkLockPairedParallel is BenchmarkLockPaired under concurrency
// (RunParallel, GOMAXPROCS goroutines, each on its own lock names, each
// alternating the implementations in a random order): the rueidis
// clients are shared by the goroutines, so they run in rueidis's
// pipelining mode, as in a server, and polystore sends a call on a pooled
// connection of its own while at most Options.DirectCalls are in flight.
// It reports medians and ratio-redislock, ratio-pooled (polystore on a
// client with DisableAutoPipelining / redislock), ratio-raw (polystore /
// raw SET NX + release on a shared rueidis client) and ratio-autopipe
// (polystore with DirectCalls -1, every call pipelined / redislock).
func BenchmarkLockPairedParallel(b *testing.B) {
	ctx := context.Background()
	impls := []namedLock{
		{"polystore", polystoreFn(redisbench.Client(b))},
		{"pooled", polystoreFn(pooled(b))},
		{"redislock", redislockFn(redislock.New(newGoRedis(b)))},
		{"raw", rawFn(redisbench.Client(b))},
		{"autopipe", polystoreOptFn(redisbench.Client(b), &lock.Options{DirectCalls: -1})},
	}
	// Warm up: every client dials the connections the goroutines will use.
	var wg sync.WaitGroup
	for w := range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, im := range impls {
				_ = im.f(ctx, prefix+"pp-warm-"+im.name+strconv.Itoa(w))
			}
		}()
	}
	wg.Wait()
	b.ResetTimer()
	var (
		mu   sync.Mutex
		took = make([][]time.Duration, len(impls))
		g    atomic.Int64
	)
	b.RunParallel(func(pb *testing.PB) {
		id := strconv.FormatInt(g.Add(1), 10)
		mine := make([][]time.Duration, len(impls))
		for pb.Next() {
			for _, i := range rand.Perm(len(impls)) {
				im := impls[i]
				start := time.Now()
				if err := im.f(ctx, prefix+"pp-"+im.name+id); err != nil {
					b.Error(err)
					return
				}
				mine[i] = append(mine[i], time.Since(start))
			}
		}
		mu.Lock()
		for i := range mine {
			took[i] = append(took[i], mine[i]...)
		}
		mu.Unlock()
	})
	if len(took[0]) == 0 {
		return
	}
	p50 := reportMedians(b, impls, took)
	b.ReportMetric(p50[0]/p50[2], "ratio-redislock")
	b.ReportMetric(p50[1]/p50[2], "ratio-pooled")
	b.ReportMetric(p50[0]/p50[3], "ratio-raw")
	b.ReportMetric(p50[4]/p50[2], "ratio-autopipe")
}

type namedLock struct {
	name string
	f    lockFn
}

// reportMedians reports each implementation's median duration as
// <name>-p50-µs and returns the medians in µs.
func reportMedians(b *testing.B, impls []namedLock, took [][]time.Duration) []float64 {
	p50 := make([]float64, len(impls))
	for i, im := range impls {
		slices.Sort(took[i])
		p50[i] = float64(took[i][len(took[i])/2]) / 1e3
		b.ReportMetric(p50[i], im.name+"-p50-µs")
	}
	return p50
}

func polystoreFn(c rueidis.Client) lockFn { return polystoreOptFn(c, nil) }

// polystoreOptFn is polystoreFn with options (Prefix and TTL are set).
func polystoreOptFn(c rueidis.Client, o *lock.Options) lockFn {
	var opt lock.Options
	if o != nil {
		opt = *o
	}
	opt.Prefix, opt.TTL = prefix, ttl
	l := lock.New(c, &opt)
	return func(ctx context.Context, name string) error {
		lk, err := l.TryAcquire(ctx, name, nil)
		if err != nil {
			return err
		}
		return lk.Release(ctx)
	}
}

func semaphoreFn(b *testing.B, c rueidis.Client) lockFn {
	s, err := lock.NewSemaphore(c, lock.SemaphoreOptions{Limit: 1, Prefix: prefix + "sem:", TTL: ttl})
	if err != nil {
		b.Fatal(err)
	}
	return func(ctx context.Context, name string) error {
		p, err := s.TryAcquire(ctx, name, nil)
		if err != nil {
			return err
		}
		return p.Release(ctx)
	}
}

func redsyncFn(rs *redsync.Redsync) lockFn {
	return func(ctx context.Context, name string) error {
		m := rs.NewMutex(name, redsync.WithExpiry(ttl), redsync.WithTries(1))
		if err := m.LockContext(ctx); err != nil {
			return err
		}
		_, err := m.UnlockContext(ctx)
		return err
	}
}

// BenchmarkHandoff measures acquisition latency after release: a waiter
// blocks in Acquire, the holder releases, and the time from the release
// call to the waiter holding the lock is reported as handoff-µs (mean).
// polystore's waiter is woken by the release (BLPOP on the lock's wake
// list); redislock's polls with a 10ms linear backoff (its retry
// strategy; the default does not retry at all).
func BenchmarkHandoff(b *testing.B) {
	c := redisbench.Client(b)
	type impl struct {
		hold, wait func(ctx context.Context, name string) (release func() error, err error)
	}
	handoff := func(b *testing.B, im impl) {
		ctx := context.Background()
		var total time.Duration
		i := 0
		for b.Loop() {
			i++
			name := prefix + "handoff" + strconv.Itoa(i)
			release, err := im.hold(ctx, name)
			if err != nil {
				b.Fatal(err)
			}
			got := make(chan time.Time, 1)
			errc := make(chan error, 1)
			go func() {
				rel, err := im.wait(ctx, name)
				got <- time.Now()
				if err == nil {
					err = rel()
				}
				errc <- err
			}()
			time.Sleep(5 * time.Millisecond) // the waiter is blocked by now
			start := time.Now()
			if err := release(); err != nil {
				b.Fatal(err)
			}
			total += (<-got).Sub(start)
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(total.Microseconds())/float64(i), "handoff-µs")
	}
	b.Run("impl=polystore", func(b *testing.B) {
		holder := lock.New(c, &lock.Options{Prefix: prefix, TTL: ttl})
		waiter := lock.New(redisbench.Client(b), &lock.Options{Prefix: prefix, TTL: ttl})
		acquire := func(l *lock.Locker, wait bool) func(ctx context.Context, name string) (func() error, error) {
			return func(ctx context.Context, name string) (func() error, error) {
				var lk *lock.Lock
				var err error
				if wait {
					lk, err = l.Acquire(ctx, name, nil)
				} else {
					lk, err = l.TryAcquire(ctx, name, nil)
				}
				if err != nil {
					return nil, err
				}
				return func() error { return lk.Release(ctx) }, nil
			}
		}
		handoff(b, impl{hold: acquire(holder, false), wait: acquire(waiter, true)})
	})
	b.Run("impl=redislock", func(b *testing.B) {
		rl := redislock.New(newGoRedis(b))
		acquire := func(retry redislock.RetryStrategy) func(ctx context.Context, name string) (func() error, error) {
			return func(ctx context.Context, name string) (func() error, error) {
				lk, err := rl.Obtain(ctx, name, ttl, &redislock.Options{RetryStrategy: retry})
				if err != nil {
					return nil, err
				}
				return func() error { return lk.Release(ctx) }, nil
			}
		}
		handoff(b, impl{hold: acquire(nil), wait: acquire(redislock.LinearBackoff(10 * time.Millisecond))})
	})
}
