package shop

import (
	"math/bits"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/loadgen"
)

// Latencies is a latency summary (the load generator's type).
type Latencies = loadgen.Latencies

// latencyHist records how long the server's handler takes per request,
// lock-free, in log-linear buckets (16 per power of two of nanoseconds, so
// a percentile is within 6.25% of the truth). It tells the server's share
// of a latency from the network's and the load generator's.
type latencyHist struct {
	buckets [64 * 16]atomic.Uint64
	count   atomic.Uint64
	max     atomic.Int64
}

func bucketOf(d time.Duration) int {
	n := uint64(max(d, 1))
	e := bits.Len64(n) - 1 // 2^e <= n < 2^(e+1)
	if e < 4 {
		return int(n)
	}
	return e*16 + int((n>>(e-4))&15)
}

// bucketTop is the largest duration of bucket i.
func bucketTop(i int) time.Duration {
	e, sub := i/16, uint64(i%16)
	if e < 4 {
		return time.Duration(i)
	}
	return time.Duration((16+sub+1)<<(e-4) - 1)
}

func (h *latencyHist) add(d time.Duration) {
	h.buckets[bucketOf(d)].Add(1)
	h.count.Add(1)
	for {
		m := h.max.Load()
		if int64(d) <= m || h.max.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

func (h *latencyHist) reset() {
	for i := range h.buckets {
		h.buckets[i].Store(0)
	}
	h.count.Store(0)
	h.max.Store(0)
}

func (h *latencyHist) latencies() Latencies {
	n := h.count.Load()
	l := Latencies{Count: n, Max: time.Duration(h.max.Load())}
	if n == 0 {
		return l
	}
	q := func(p float64) time.Duration {
		want := uint64(p*float64(n-1)) + 1
		var seen uint64
		for i := range h.buckets {
			if seen += h.buckets[i].Load(); seen >= want {
				return min(bucketTop(i), l.Max)
			}
		}
		return l.Max
	}
	l.P50, l.P99, l.P999 = q(0.50), q(0.99), q(0.999)
	return l
}

// wrap times next's handling of POST requests.
func (h *latencyHist) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		t0 := time.Now()
		next.ServeHTTP(w, r)
		h.add(time.Since(t0))
	})
}

func TestLatencyHist(t *testing.T) {
	var h latencyHist
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Microsecond)
	}
	l := h.latencies()
	near := func(got, want time.Duration) bool { return got >= want && float64(got) <= float64(want)*1.0625 }
	if l.Count != 1000 || l.Max != time.Millisecond || !near(l.P50, 500*time.Microsecond) || !near(l.P99, 990*time.Microsecond) {
		t.Fatalf("got %+v", l)
	}
	for _, d := range []time.Duration{1, 15, 16, 17, 1000, time.Second} {
		if top := bucketTop(bucketOf(d)); top < d || (d >= 16 && float64(top) > float64(d)*1.0625) {
			t.Fatalf("bucket of %d tops at %d", d, top)
		}
	}
}
