// Package cache_test measures polystore's cache: hits against a plain
// rueidis GET + JSON decode, with and without the L1 (client-side cache),
// and a stampede of 1,000 goroutines over 4 clients missing one key.
package cache_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
	"github.com/redis/rueidis"
)

var prefix = devenv.UniqueName("bench:cache:") + ":"

func TestMain(m *testing.M) { redisbench.Main(m, prefix) }

type product struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Price float64  `json:"price"`
	Tags  []string `json:"tags"`
	Stock int      `json:"stock"`
}

var sample = product{ID: 42, Name: "Trail running shoe, size 43", Price: 129.9, Tags: []string{"shoes", "running", "sale"}, Stock: 17}

func BenchmarkHit(b *testing.B) {
	ctx := context.Background()
	rc := redisbench.CachingClient(b)
	plain, err := cache.New(rc, cache.Config{Prefix: prefix})
	if err != nil {
		b.Fatal(err)
	}
	l1, err := cache.New(rc, cache.Config{Prefix: prefix, L1: true})
	if err != nil {
		b.Fatal(err)
	}
	l1d, err := cache.New(rc, cache.Config{Prefix: prefix, L1: true, L1Decoded: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := plain.Set(ctx, "p42", sample, nil); err != nil {
		b.Fatal(err)
	}
	raw, _ := json.Marshal(sample)
	rawKey := prefix + "raw:p42"
	if err := rc.Do(ctx, rc.B().Set().Key(rawKey).Value(string(raw)).Build()).Error(); err != nil {
		b.Fatal(err)
	}
	never := func(context.Context) (product, error) { return product{}, fmt.Errorf("miss") }

	b.Run("impl=raw_get_decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bs, err := rc.Do(ctx, rc.B().Get().Key(rawKey).Build()).AsBytes()
			if err != nil {
				b.Fatal(err)
			}
			var p product
			if err := json.Unmarshal(bs, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range []struct {
		name string
		c    *cache.Cache
	}{{"cache_get", plain}, {"cache_get_l1", l1}, {"cache_get_l1_decoded", l1d}} {
		b.Run("impl="+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cache.Get(ctx, tc.c, "p42", never, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// ctx=request: each call under a context of its own that can be
	// canceled, as an HTTP handler's request context (a server's request
	// has one; context.Background, above, has no Done channel).
	for _, tc := range []struct {
		name string
		c    *cache.Cache
	}{{"cache_get_l1", l1}, {"cache_get_l1_decoded", l1d}} {
		b.Run("impl="+tc.name+"/ctx=request", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rctx, cancel := context.WithCancel(ctx)
				_, err := cache.Get(rctx, tc.c, "p42", never, nil)
				cancel()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStampede: each iteration, 1,000 goroutines over 4 clients miss
// one fresh key whose loader takes 5ms. Reported: loader calls per
// stampede (must be 1) and the p99 wait of the callers.
func BenchmarkStampede(b *testing.B) {
	const clients, goroutines = 4, 1000
	caches := make([]*cache.Cache, clients)
	for i := range caches {
		var err error
		caches[i], err = cache.New(redisbench.CachingClient(b), cache.Config{Prefix: prefix + "stampede:"})
		if err != nil {
			b.Fatal(err)
		}
	}
	var loads atomic.Int64
	load := func(context.Context) (product, error) {
		loads.Add(1)
		time.Sleep(5 * time.Millisecond)
		return sample, nil
	}
	var waits []time.Duration
	iter := 0
	run := devenv.UniqueName("hot")
	for b.Loop() {
		iter++
		key := fmt.Sprint(run, ":", iter)
		lat := make([]time.Duration, goroutines)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				t0 := time.Now()
				if _, err := cache.Get(context.Background(), caches[g%clients], key, load, nil); err != nil {
					b.Error(err)
				}
				lat[g] = time.Since(t0)
			}()
		}
		close(start)
		wg.Wait()
		waits = append(waits, lat...)
	}
	slices.Sort(waits)
	b.ReportMetric(float64(loads.Load())/float64(iter), "loads/op")
	b.ReportMetric(float64(waits[len(waits)*99/100].Microseconds())/1000, "p99-ms")
	if loads.Load() != int64(iter) {
		b.Fatalf("%d loads for %d stampedes", loads.Load(), iter)
	}
}

// BenchmarkBatch reads 100 products per op. Hits: 100 sequential cache.Get
// calls vs one cache.GetMany vs a raw rueidis MGET of the same JSON (no
// cache envelope). Misses (fresh keys every op, loader instant): 100 Gets,
// each taking its fill lock and loading one key, vs one GetMany, which
// takes the 100 locks in one round trip and loads them in one call.
func BenchmarkBatch(b *testing.B) {
	const n = 100
	ctx := context.Background()
	rc := redisbench.CachingClient(b)
	c, err := cache.New(rc, cache.Config{Prefix: prefix + "batch:", TTL: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, n)
	rawKeys := make([]string, n)
	raw, _ := json.Marshal(sample)
	for i := range keys {
		keys[i] = fmt.Sprint("p", i)
		rawKeys[i] = prefix + "batchraw:{" + keys[i] + "}"
		if err := c.Set(ctx, keys[i], sample, nil); err != nil {
			b.Fatal(err)
		}
		if err := rc.Do(ctx, rc.B().Set().Key(rawKeys[i]).Value(string(raw)).Build()).Error(); err != nil {
			b.Fatal(err)
		}
	}
	one := func(context.Context) (product, error) { return sample, nil }
	batch := func(_ context.Context, ks []string) (map[string]product, error) {
		out := make(map[string]product, len(ks))
		for _, k := range ks {
			out[k] = sample
		}
		return out, nil
	}
	b.Run("hits/impl=get_loop", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, k := range keys {
				if _, err := cache.Get(ctx, c, k, one, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("hits/impl=get_many", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if m, err := cache.GetMany(ctx, c, keys, batch, nil); err != nil || len(m) != n {
				b.Fatal(err, len(m))
			}
		}
	})
	b.Run("hits/impl=raw_pipelined_get_decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cmds := make(rueidis.Commands, n)
			for i, k := range rawKeys {
				cmds[i] = rc.B().Get().Key(k).Build()
			}
			for _, r := range rc.DoMulti(ctx, cmds...) {
				bs, err := r.AsBytes()
				if err != nil {
					b.Fatal(err)
				}
				var p product
				if err := json.Unmarshal(bs, &p); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	run := devenv.UniqueName("miss")
	iter := 0
	fresh := func() []string {
		iter++
		ks := make([]string, n)
		for i := range ks {
			ks[i] = fmt.Sprint(run, ":", iter, ":", i)
		}
		return ks
	}
	b.Run("misses/impl=get_loop", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, k := range fresh() {
				if _, err := cache.Get(ctx, c, k, one, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("misses/impl=get_many", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if m, err := cache.GetMany(ctx, c, fresh(), batch, nil); err != nil || len(m) != n {
				b.Fatal(err, len(m))
			}
		}
	})
}
