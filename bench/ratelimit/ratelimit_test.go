// Package ratelimit_test compares polystore's rate limiters with a raw
// rueidis INCR round trip (the floor) and with go-redis/redis_rate (GCRA),
// on the same Redis server, at parallelism 1 and 64. fixed_window_noscript
// counts with MULTI/INCRBY/PEXPIRE NX/EXEC instead of a script; leased
// takes permits in batches of 100 and spends them in the process
// (trips/op: lease scripts per check).
package ratelimit_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

var (
	serverURL string
	prefix    = devenv.UniqueName("bench:rl:") + ":"
)

func TestMain(m *testing.M) {
	ctx := context.Background()
	// A private server: no other traffic skews the server-side cost metric.
	srv, err := devenv.StartRedisProcess(ctx, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverURL = srv.URL()
	code := m.Run()
	_ = srv.Close()
	os.Exit(code)
}

func newRueidis() (rueidis.Client, error) {
	opt, err := devenv.RedisOption(serverURL)
	if err != nil {
		return nil, err
	}
	return rueidis.NewClient(opt)
}

const nkeys = 1024

var keys = func() []string {
	k := make([]string, nkeys)
	for i := range k {
		k[i] = "user:" + strconv.Itoa(i)
	}
	return k
}()

// run calls check with rotating keys, sequentially (p=1) or from 64
// goroutines (p=64).
func run(b *testing.B, par int, check func(ctx context.Context, key string) error) {
	ctx := context.Background()
	var n atomic.Uint64
	b.ReportAllocs()
	before := serverUsec(b)
	defer func() {
		b.ReportMetric((serverUsec(b)-before)/float64(b.N), "srv-µs/op")
	}()
	b.ResetTimer()
	if par == 1 {
		for i := 0; b.Loop(); i++ {
			if err := check(ctx, keys[i%nkeys]); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.SetParallelism(max(par/runtime.GOMAXPROCS(0), 1))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := check(ctx, keys[n.Add(1)%nkeys]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// serverUsec is the server's total command time so far (INFO
// commandstats): the Redis CPU a check costs, which the shared machine's
// scheduling noise does not blur.
func serverUsec(b *testing.B) float64 {
	rc, err := newRueidis()
	if err != nil {
		b.Fatal(err)
	}
	defer rc.Close()
	info, err := rc.Do(context.Background(), rc.B().Info().Section("commandstats").Build()).ToString()
	if err != nil {
		b.Fatal(err)
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		_, rest, ok := strings.Cut(line, "usec=")
		if !ok {
			continue
		}
		v, _, _ := strings.Cut(rest, ",")
		f, err := strconv.ParseFloat(v, 64)
		if err == nil {
			total += f
		}
	}
	return total
}

// A limit high enough that every check is admitted: the benchmark measures
// the check itself.
var limit = ratelimit.Limit{Rate: 1_000_000_000, Period: time.Second, Burst: 1_000_000_000}

func BenchmarkCheck(b *testing.B) {
	rc, err := newRueidis()
	if err != nil {
		b.Fatal(err)
	}
	defer rc.Close()
	opt, err := goredis.ParseURL(serverURL)
	if err != nil {
		b.Fatal(err)
	}
	gr := goredis.NewClient(opt)
	defer gr.Close()
	rr := redis_rate.NewLimiter(gr)

	for _, par := range []int{1, 64} {
		b.Run(fmt.Sprintf("impl=floor_incr/p=%d", par), func(b *testing.B) {
			run(b, par, func(ctx context.Context, key string) error {
				return rc.Do(ctx, rc.B().Incr().Key(prefix+"incr:{"+key+"}").Build()).Error()
			})
		})
		for _, alg := range ratelimit.Algorithms {
			l, err := ratelimit.New(rc, ratelimit.Config{Algorithm: alg, Limit: limit, Prefix: prefix + alg.String() + ":"})
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("impl=%s/p=%d", alg, par), func(b *testing.B) {
				run(b, par, func(ctx context.Context, key string) error {
					res, err := l.Allow(ctx, key, nil)
					if err == nil && !res.Allowed {
						err = fmt.Errorf("denied")
					}
					return err
				})
			})
		}
		nl, err := ratelimit.New(rc, ratelimit.Config{Algorithm: ratelimit.FixedWindow, NoScript: true, Limit: limit, Prefix: prefix + "noscript:"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("impl=fixed_window_noscript/p=%d", par), func(b *testing.B) {
			run(b, par, func(ctx context.Context, key string) error {
				res, err := nl.Allow(ctx, key, nil)
				if err == nil && !res.Allowed {
					err = fmt.Errorf("denied")
				}
				return err
			})
		})
		b.Run(fmt.Sprintf("impl=leased/p=%d", par), func(b *testing.B) {
			// A fresh limiter per run, so each run pays its own leases.
			ll, err := ratelimit.NewLeased(rc, ratelimit.LeasedConfig{Limit: limit, Batch: 100, Prefix: prefix + "leased:"})
			if err != nil {
				b.Fatal(err)
			}
			run(b, par, func(ctx context.Context, key string) error {
				res, err := ll.Allow(ctx, key, nil)
				if err == nil && !res.Allowed {
					err = fmt.Errorf("denied")
				}
				return err
			})
			st := ll.Stats()
			b.ReportMetric(float64(st.RoundTrips)/float64(max(st.Checks, 1)), "trips/op")
		})
		b.Run(fmt.Sprintf("impl=redis_rate_gcra/p=%d", par), func(b *testing.B) {
			rl := redis_rate.Limit{Rate: 1_000_000_000, Period: time.Second, Burst: 1_000_000_000}
			run(b, par, func(ctx context.Context, key string) error {
				res, err := rr.Allow(ctx, prefix+"rr:"+key, rl)
				if err == nil && res.Allowed == 0 {
					err = fmt.Errorf("denied")
				}
				return err
			})
		})
	}
}
