package analytics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/loadgen"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// probeType is the event type of the freshness probes.
const probeType = "fresh_probe"

// BenchmarkIngestRate: the analytics system with all its stores (Redis
// counters and stream, the rollup consumer writing MongoDB minute and hour
// documents, users and orders in PostgreSQL, the segment refresh, the
// page's once-a-second live feed), served over loopback HTTP, under
// POST /events at a constant rate (open loop, internal/loadgen):
// POLYSTORE_BENCH_EPS events/s (default 50,000) in NDJSON batches of
// POLYSTORE_BENCH_BATCH (default 500) of the demo's skewed traffic, for
// POLYSTORE_BENCH_SECONDS (default 10). Reported:
//
//   - events/s accepted over the run, ack-p50-ms / ack-p99-ms of the
//     batches, and failed (requests not answered 200);
//   - cpu-µs/event: this process's CPU time (load generator, HTTP, parsing,
//     Redis client, rollups, live feed) over the run per accepted event —
//     compare with BenchmarkIngest's impl=guide figure of the same run;
//   - fresh-p50-ms / fresh-p99-ms: a probe event posted every 50 ms, from
//     its acknowledgement (accepted) to the first read of its minute bucket
//     (Reader.Minutes, what GET /series and the page read) that counts it;
//     probe-rt-p99-ms is from the moment it is sent instead, the
//     acknowledgement's own latency included;
//   - rollup-fresh-p99-ms: from a probe's acknowledgement to the MongoDB
//     minute document counting it (the rollups flush every 500 ms);
//   - drain-s: after the load stops, until the rollups have acknowledged
//     every stream entry.
func BenchmarkIngestRate(b *testing.B) {
	eps := envInt("POLYSTORE_BENCH_EPS", 50_000)
	batch := envInt("POLYSTORE_BENCH_BATCH", 500)
	seconds := envInt("POLYSTORE_BENCH_SECONDS", 10)
	ctx := context.Background()
	env := demo.TestEnv(b, "analytics")
	sys := &analytics.System{}
	if err := sys.Setup(ctx, env); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sys.Close(ctx) })
	srv := httptest.NewServer(sys.Handler())
	b.Cleanup(srv.Close)
	app := sys.App()

	// Bodies without timestamps (stamped on receipt), so they stay valid.
	gen := analytics.NewTraffic(7, 200_000)
	bodies := make([][]byte, 64)
	for i := range bodies {
		var body bytes.Buffer
		for _, e := range gen.Events(batch, time.Now()) {
			e.Time = time.Time{}
			line, _ := json.Marshal(e)
			body.Write(line)
			body.WriteByte('\n')
		}
		bodies[i] = body.Bytes()
	}
	url := srv.URL + analytics.PathEvents
	header := http.Header{"Content-Type": {"application/x-ndjson"}}

	for b.Loop() {
		var next atomic.Int64
		targeter := func(t *loadgen.Target) error {
			t.Method, t.URL, t.Header = http.MethodPost, url, header
			t.Body = bodies[next.Add(1)%int64(len(bodies))]
			return nil
		}
		var accepted, failed atomic.Int64
		onResult := func(r *loadgen.Result) {
			var res analytics.IngestResponse
			if r.Code == http.StatusOK && json.Unmarshal(r.Body, &res) == nil {
				accepted.Add(int64(res.Accepted))
				return
			}
			failed.Add(1)
		}
		pctx, stopProbes := context.WithCancel(ctx)
		var probes sync.WaitGroup
		pr := &prober{app: app, url: url}
		probes.Add(2)
		go func() { defer probes.Done(); pr.post(pctx) }()
		go func() { defer probes.Done(); pr.watchRollups(pctx) }()

		cpu0 := cpuTime()
		rep, err := loadgen.Run(ctx, loadgen.Config{Rate: max(1, eps/batch), Duration: time.Duration(seconds) * time.Second,
			Targeter: targeter, OnResult: onResult})
		if err != nil {
			b.Fatal(err)
		}
		cpu := cpuTime() - cpu0
		loadEnd := time.Now()
		time.Sleep(time.Second) // the last probes reach the rollups
		stopProbes()
		probes.Wait()
		drained := waitDrained(ctx, app, 2*time.Minute)

		n := accepted.Load()
		b.ReportMetric(float64(n)/rep.Duration.Seconds(), "events/s")
		b.ReportMetric(ms(rep.Total.P50), "ack-p50-ms")
		b.ReportMetric(ms(rep.Total.P99), "ack-p99-ms")
		b.ReportMetric(float64(failed.Load()), "failed")
		if n > 0 {
			b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/event")
		}
		b.ReportMetric(quantileMS(pr.fresh, 0.50), "fresh-p50-ms")
		b.ReportMetric(quantileMS(pr.fresh, 0.99), "fresh-p99-ms")
		b.ReportMetric(quantileMS(pr.roundTrip, 0.99), "probe-rt-p99-ms")
		b.ReportMetric(quantileMS(pr.rollupFresh, 0.99), "rollup-fresh-p99-ms")
		b.ReportMetric(time.Since(loadEnd).Seconds()-1, "drain-s")
		if drained != nil {
			b.Error(drained)
		}
		if len(pr.fresh) == 0 {
			b.Error("no freshness probe was measured")
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func quantileMS(d []time.Duration, q float64) float64 {
	if len(d) == 0 {
		return 0
	}
	d = slices.Clone(d)
	slices.Sort(d)
	return ms(d[min(int(q*float64(len(d))), len(d)-1)])
}

// prober measures freshness with single-event batches of probeType.
type prober struct {
	app *analytics.App
	url string

	mu          sync.Mutex
	fresh       []time.Duration       // ack -> visible
	roundTrip   []time.Duration       // sent -> visible
	acked       map[int64][]time.Time // minute -> ack time of its k-th probe
	rollupFresh []time.Duration
}

// post sends a probe every 50 ms, one at a time, and times it until a
// read of its minute bucket counts it.
func (p *prober) post(ctx context.Context) {
	counted := map[int64]int64{} // minute -> probes acknowledged
	for ctx.Err() == nil {
		start := time.Now()
		minute := start.UTC().Truncate(time.Minute)
		if start.Sub(minute) > 59*time.Second {
			time.Sleep(time.Second) // keep each probe inside the minute it is stamped in
			continue
		}
		body := `{"eventType":"` + probeType + `","userId":"prober","timestamp":` + strconv.FormatInt(start.UnixMilli(), 10) + "}\n"
		resp, err := http.Post(p.url, "application/x-ndjson", bytes.NewReader([]byte(body)))
		if err != nil {
			return
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		acked := time.Now()
		counted[minute.Unix()]++
		p.mu.Lock()
		if p.acked == nil {
			p.acked = map[int64][]time.Time{}
		}
		p.acked[minute.Unix()] = append(p.acked[minute.Unix()], acked)
		p.mu.Unlock()
		for ctx.Err() == nil {
			ms, err := p.app.Reader().Minutes(ctx, []time.Time{minute})
			if err == nil && ms[0].Types[probeType] != nil && ms[0].Types[probeType].Count >= counted[minute.Unix()] {
				p.mu.Lock()
				p.fresh = append(p.fresh, time.Since(acked))
				p.roundTrip = append(p.roundTrip, time.Since(start))
				p.mu.Unlock()
				break
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(50*time.Millisecond - time.Since(start)%(50*time.Millisecond))
	}
}

// watchRollups polls the probes' MongoDB minute documents every 25 ms:
// when a document's count grows from c to c', probes c+1..c' of that
// minute became visible there.
func (p *prober) watchRollups(ctx context.Context) {
	seen := map[int64]int64{}
	for ctx.Err() == nil {
		p.mu.Lock()
		minutes := make([]int64, 0, len(p.acked))
		for m, acks := range p.acked {
			if int64(len(acks)) > seen[m] {
				minutes = append(minutes, m)
			}
		}
		p.mu.Unlock()
		for _, m := range minutes {
			doc, err := p.app.RollupFor(ctx, "minute", time.Unix(m, 0).UTC(), probeType)
			if errors.Is(err, analytics.ErrNoRollup) || err != nil {
				continue
			}
			now := time.Now()
			p.mu.Lock()
			acks := p.acked[m]
			for k := seen[m]; k < min(doc.Values.Count, int64(len(acks))); k++ {
				p.rollupFresh = append(p.rollupFresh, now.Sub(acks[k]))
			}
			seen[m] = max(seen[m], min(doc.Values.Count, int64(len(acks))))
			p.mu.Unlock()
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// waitDrained waits until the stream holds no entry the rollups still
// need (Counters.Backlog trims below the oldest one).
func waitDrained(ctx context.Context, app *analytics.App, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		n, err := app.Counters().Backlog(ctx)
		if err == nil && n <= 1 {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("rollups still behind: " + strconv.FormatInt(n, 10) + " entries")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
