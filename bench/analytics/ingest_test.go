// Package analytics_test measures the analytics ingest path against the
// guide's per-event pipeline, ported as the baseline (impl=guide): for
// every event one pipeline of INCR total, INCR minute, SADD + EXPIRE of the
// user's event set, ZADD of the event's JSON into a per-type sorted set and
// ZREMRANGEBYSCORE, then a second round trip that queues the event for the
// rollups (RPUSH, the cheapest stand-in for the guide's job queue).
// impl=polystore records the same events through Counters.Record, batches
// of 500 in one MULTI/EXEC (stream append, HyperLogLogs, sketches,
// min/max, sums), and impl=polystore-http adds JSON parsing and validation
// of an NDJSON body (App.Ingest). Both sides run with 16 concurrent callers
// on the same Redis; the figure to compare is ns/event.
package analytics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
)

var prefix = devenv.UniqueName("bench:analytics:") + ":"

func TestMain(m *testing.M) { redisbench.Main(m, prefix) }

var types = []string{"page_view", "page_view", "page_view", "click", "click", "signup", "purchase"}

func events(r *rand.Rand, n int, now time.Time) []analytics.Event {
	out := make([]analytics.Event, n)
	for i := range out {
		v := 20 + r.ExpFloat64()*80
		out[i] = analytics.Event{Type: types[r.IntN(len(types))], User: "u" + strconv.Itoa(r.IntN(100_000)),
			Time: now, Value: &v, Metadata: map[string]string{"country": "DE", "device": "mobile"}}
	}
	return out
}

// guideTrack is the guide's RealTimeMetrics.trackEvent, ported as is.
func guideTrack(ctx context.Context, c rueidis.Client, p string, e analytics.Event) error {
	ts := e.Time.UnixMilli()
	minute := strconv.FormatInt(e.Time.Unix()/60, 10)
	meta, _ := json.Marshal(map[string]any{"userId": e.User, "value": e.Value, "metadata": e.Metadata})
	b := c.B()
	for _, r := range c.DoMulti(ctx,
		b.Incr().Key(p+"stats:"+e.Type+":total").Build(),
		b.Incr().Key(p+"stats:"+e.Type+":"+minute).Build(),
		b.Sadd().Key(p+"user:"+e.User+":events").Member(strconv.FormatInt(ts, 10)+":"+e.Type).Build(),
		b.Expire().Key(p+"user:"+e.User+":events").Seconds(86400).Build(),
		b.Zadd().Key(p+"timeseries:"+e.Type).ScoreMember().ScoreMember(float64(ts), string(meta)).Build(),
		b.Zremrangebyscore().Key(p+"timeseries:"+e.Type).Min("0").Max(strconv.FormatInt(ts-7*24*3600*1000, 10)).Build(),
	) {
		if err := r.Error(); err != nil {
			return err
		}
	}
	job, _ := json.Marshal(map[string]any{"userId": e.User, "eventType": e.Type, "timestamp": ts, "metadata": e.Metadata})
	return c.Do(ctx, b.Rpush().Key(p+"analyticsQueue").Element(string(job)).Build()).Error()
}

const batchSize = 500

// cpuTime is the CPU time used by this process so far (user + system):
// per event, it is the client-side cost of ingest, far less sensitive
// than wall time to the load of a shared machine. The Redis server's CPU
// is not in it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPerEvent reports ns/event (wall) and cpu-µs/event (this process)
// for events recorded since the CPU time was cpu0.
func reportPerEvent(b *testing.B, events int64, cpu0 time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/1e3/float64(events), "cpu-µs/event")
}

func BenchmarkIngest(b *testing.B) {
	c := redisbench.Client(b)
	ctx := context.Background()
	now := time.Now()
	// The inputs are built before the clock and the CPU count start.
	r := rand.New(rand.NewPCG(1, 2))
	guideEvents := events(r, 4096, now)
	batches := make([][]analytics.Event, 16)
	for i := range batches {
		batches[i] = events(r, batchSize, now)
	}
	bodies := make([][]byte, 16)
	for i := range bodies {
		var body bytes.Buffer
		for _, e := range events(r, batchSize, now) {
			e.Time = time.Time{} // stamped on receipt, so the bodies stay valid
			line, _ := json.Marshal(e)
			body.Write(line)
			body.WriteByte('\n')
		}
		bodies[i] = body.Bytes()
	}
	b.Run("impl=guide", func(b *testing.B) {
		p := devenv.UniqueName(prefix) + ":"
		var next atomic.Int64
		b.SetParallelism(8) // 16 callers on 2 cores
		b.ResetTimer()
		cpu0 := cpuTime()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := guideTrack(ctx, c, p, guideEvents[next.Add(1)%int64(len(guideEvents))]); err != nil {
					b.Error(err)
					return
				}
			}
		})
		reportPerEvent(b, int64(b.N), cpu0)
	})
	app := func(b *testing.B) *analytics.App {
		a, err := analytics.New(analytics.Config{Redis: c, Prefix: devenv.UniqueName(prefix) + ":{an}:", MaxBacklog: 1 << 40})
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	b.Run("impl=polystore", func(b *testing.B) {
		a := app(b)
		var next, total atomic.Int64
		b.SetParallelism(8)
		b.ResetTimer()
		cpu0 := cpuTime()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() { // one op = one batch
				if _, err := a.Counters().Record(ctx, batches[next.Add(1)%int64(len(batches))]); err != nil {
					b.Error(err)
					return
				}
				total.Add(batchSize)
			}
		})
		reportPerEvent(b, total.Load(), cpu0)
	})
	b.Run("impl=polystore-http", func(b *testing.B) {
		a := app(b)
		var next, total atomic.Int64
		b.SetParallelism(8)
		b.ResetTimer()
		cpu0 := cpuTime()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				n, bad, err := a.Ingest(ctx, bodies[next.Add(1)%int64(len(bodies))])
				if err != nil || len(bad) > 0 {
					b.Error(fmt.Errorf("ingest: %v %v", err, bad))
					return
				}
				total.Add(int64(n))
			}
		})
		reportPerEvent(b, total.Load(), cpu0)
	})
}
