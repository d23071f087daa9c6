package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/loadgen"
)

// System is the analytics app as a reference system of `polystore demo`
// and `polystore serve`.
type System struct {
	// BatchSize is the events per request of the demo's load (default 50).
	BatchSize int

	app    *App
	env    *demo.Env
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewSystem returns the analytics system for the demo registry.
func NewSystem() demo.System { return &System{} }

// Info implements demo.System.
func (s *System) Info() demo.Info {
	return demo.Info{
		Name:        "analytics",
		Title:       "Real-time analytics",
		Description: "Event batches counted in Redis in one round trip (HyperLogLog uniques, mergeable percentile sketches), minute and hour rollups in MongoDB, user segments in a PostgreSQL materialized view.",
		DefaultRate: 200,
	}
}

// App returns the running app (after Setup).
func (s *System) App() *App {
	if s == nil {
		return nil
	}
	return s.app
}

// Setup implements demo.System: it creates the schema and starts the
// rollup consumer, the segment refresher and the live feed of the page.
func (s *System) Setup(ctx context.Context, env *demo.Env) error {
	if s == nil {
		return fmt.Errorf("%w: nil *System", ErrInvalid)
	}
	if env == nil {
		return fmt.Errorf("%w: nil environment", ErrInvalid)
	}
	if s.BatchSize <= 0 {
		s.BatchSize = 50
	}
	app, err := New(Config{Redis: env.Redis, Mongo: env.Mongo, Postgres: env.PG,
		Prefix: env.RedisPrefix + "{an}:", Logger: env.Logger})
	if err != nil {
		return err
	}
	if err := app.Setup(ctx); err != nil {
		return err
	}
	s.app, s.env = app, env
	host, _ := os.Hostname()
	consumer := host + "-" + strconv.Itoa(os.Getpid())
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.wg.Add(3)
	go func() {
		defer s.wg.Done()
		if err := app.RunRollups(wctx, consumer, &RollupOpts{ClaimIdle: 10 * time.Second}); err != nil {
			env.Logger.Error("analytics: rollups stopped", "err", err)
		}
	}()
	go func() { defer s.wg.Done(); _ = app.RunSegmentRefresh(wctx, 3*time.Second) }()
	go func() { defer s.wg.Done(); s.publish(wctx) }()
	return nil
}

// Handler implements demo.System.
// Before Setup (or on a nil System) it answers 503.
func (s *System) Handler() http.Handler {
	if s == nil {
		return notSetUp()
	}
	return s.app.Handler()
}

// Close implements demo.System.
func (s *System) Close(context.Context) error {
	if s == nil {
		return nil
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	return nil
}

// Live is the page's "live" event, once a second. The page loads the last
// 60 minutes once (GET /analytics/series) when its event stream opens;
// after that each Live carries only the minutes that changed since the
// previous one (Points: usually the current minute alone), so every
// subscriber gets about a kilobyte a second instead of the whole series.
type Live struct {
	// Seq counts the live events from 1. The hub sends a subscriber that
	// fell behind only the latest event, so a gap means skipped deltas:
	// the page then loads the whole window again.
	Seq    int64              `json:"seq"`
	T      int64              `json:"t"`      // unix seconds
	Rates  map[string]float64 `json:"rates"`  // events/s per type over the last second
	Totals map[string]int64   `json:"totals"` // events ever per type
	// Uniques are the distinct users of the last 60 minutes.
	Uniques int64 `json:"uniques"`
	Backlog int64 `json:"backlog"` // stream entries the rollups still need
	// From is the start of the 60-minute window (unix seconds): the page
	// drops older minutes.
	From int64 `json:"from"`
	// Points are the minutes of the window whose figures changed since the
	// previous Live, oldest first.
	Points []SeriesPoint `json:"points"`
}

// liveDelta keeps what the page was last sent of each minute.
type liveDelta struct{ sent map[int64]int64 } // minute -> count

// changed returns the points whose count differs from what was last sent
// (a minute's figures change only with its count) and remembers them.
func (d *liveDelta) changed(s *Series) []SeriesPoint {
	if d.sent == nil {
		d.sent = map[int64]int64{}
	}
	out := []SeriesPoint{}
	for _, p := range s.Points {
		if d.sent[p.T] != p.Count {
			out = append(out, p)
			d.sent[p.T] = p.Count
		}
	}
	for t := range d.sent {
		if t < s.From {
			delete(d.sent, t)
		}
	}
	return out
}

// SegmentRow is one preset segment of the page's table.
type SegmentRow struct {
	Name  string       `json:"name"`
	Rules SegmentRules `json:"rules"`
	Count int64        `json:"count"`
	Top   *SegmentUser `json:"top"`
}

// Segments of the page's table.
var presetSegments = []struct {
	name  string
	rules SegmentRules
}{
	{"buyers, last day", SegmentRules{MinOrders: 1, RecencyDays: 1, Limit: 1}},
	{"repeat buyers (3+ orders)", SegmentRules{MinOrders: 3, RecencyDays: 30, Limit: 1}},
	{"big spenders (LTV ≥ 500)", SegmentRules{MinOrders: 1, MinLTV: 500, RecencyDays: 30, Limit: 1}},
	{"whales (LTV ≥ 2,000)", SegmentRules{MinOrders: 1, MinLTV: 2000, RecencyDays: 30, Limit: 1}},
}

// publish feeds the page: "live" (rates, totals and the minutes that
// changed) every second, "segments" every 3 seconds.
func (s *System) publish(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var prev map[string]int64
	var prevT time.Time
	var delta liveDelta
	var seq int64
	for i := 0; ; i++ {
		now := time.Now()
		if series, err := s.app.Series(ctx, 60); err == nil {
			seq++
			live := Live{Seq: seq, T: now.Unix(), Totals: series.Totals, Rates: map[string]float64{},
				Uniques: series.Uniques, From: series.From, Points: delta.changed(series)}
			if prev != nil {
				dt := now.Sub(prevT).Seconds()
				for tp, n := range series.Totals {
					live.Rates[tp] = math.Max(0, float64(n-prev[tp])/dt)
				}
			}
			prev, prevT = series.Totals, now
			live.Backlog = s.app.counters.backlog.Load()
			s.env.Emit("live", live)
		}
		if i%3 == 0 && s.app.pg != nil {
			var rows []SegmentRow
			for _, p := range presetSegments {
				seg, err := s.app.QuerySegment(ctx, p.rules)
				if err != nil {
					break
				}
				row := SegmentRow{Name: p.name, Rules: p.rules, Count: seg.Count}
				if len(seg.Users) > 0 {
					row.Top = &seg.Users[0]
				}
				rows = append(rows, row)
			}
			if len(rows) == len(presetSegments) {
				s.env.Emit("segments", rows)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Traffic generates realistic, skewed events: Zipf-distributed users (a
// few very active), page views far more common than purchases, lognormal
// page latencies and purchase amounts, skewed countries and devices.
type Traffic struct {
	mu    sync.Mutex
	r     *rand.Rand
	users *rand.Zipf
}

// NewTraffic returns a generator over about nUsers users.
func NewTraffic(seed uint64, nUsers uint64) *Traffic {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &Traffic{r: r, users: rand.NewZipf(r, 1.2, 8, nUsers-1)}
}

var (
	trafficTypes     = []string{"page_view", "click", "search", "add_to_cart", "purchase", "signup"}
	trafficWeights   = []int{55, 20, 12, 7, 4, 2}
	trafficCountries = []string{"US", "DE", "IN", "BR", "FR", "JP", "GB", "NG"}
	countryWeights   = []int{30, 15, 15, 10, 8, 8, 8, 6}
)

func pick(r *rand.Rand, weights []int) int {
	n := r.IntN(100)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return 0
}

// Events returns n events stamped now.
// A nil Traffic has none.
func (g *Traffic) Events(n int, now time.Time) []Event {
	if g == nil || n <= 0 {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Event, n)
	for i := range out {
		t := trafficTypes[pick(g.r, trafficWeights)]
		e := Event{Type: t, User: "user-" + strconv.FormatUint(g.users.Uint64(), 10), Time: now.UTC().Truncate(time.Millisecond),
			Metadata: map[string]string{"country": trafficCountries[pick(g.r, countryWeights)], "device": []string{"mobile", "mobile", "desktop", "tablet"}[g.r.IntN(4)]}}
		switch t {
		case "page_view", "search":
			v := math.Round(math.Exp(4+0.6*g.r.NormFloat64())*10) / 10 // latency in ms, median ~55
			e.Value = &v
		case "purchase":
			v := math.Round(math.Exp(3.5+g.r.NormFloat64())*100) / 100 // amount, median ~33
			e.Value = &v
		}
		out[i] = e
	}
	return out
}

// Run implements demo.System: batches of skewed events posted open-loop at
// opts.Rate requests per second; then it waits for the rollups to drain
// and checks that every accepted event is counted in Redis, in the MongoDB
// minute and hour documents and, for purchases, in PostgreSQL.
func (s *System) Run(ctx context.Context, opts demo.RunOptions, progress func(demo.Progress)) (*demo.Summary, error) {
	if opts.Rate <= 0 || opts.Duration <= 0 {
		return nil, fmt.Errorf("%w: rate and duration must be > 0", ErrInvalid)
	}
	if s == nil || s.app == nil {
		return nil, fmt.Errorf("%w: Run before Setup", ErrInvalid)
	}
	cctx := context.WithoutCancel(ctx)
	before, err := s.app.reader.Totals(cctx)
	if err != nil {
		return nil, err
	}
	client := loadgen.HandlerClient(s.Handler())
	base := "http://in-process"
	if opts.BaseURL != "" {
		client, base = nil, opts.BaseURL
	}
	gen := NewTraffic(uint64(time.Now().UnixNano()), 200_000)
	targeter := func(t *loadgen.Target) error {
		var body bytes.Buffer
		for _, e := range gen.Events(s.BatchSize, time.Now()) {
			b, _ := json.Marshal(e)
			body.Write(b)
			body.WriteByte('\n')
		}
		t.Method, t.URL, t.Body = http.MethodPost, base+PathEvents, body.Bytes()
		t.Header = http.Header{"Content-Type": {"application/x-ndjson"}}
		return nil
	}
	var accepted, rejected, failed atomic.Int64
	onResult := func(r *loadgen.Result) {
		var res IngestResponse
		if r.Code == http.StatusOK && json.Unmarshal(r.Body, &res) == nil {
			accepted.Add(int64(res.Accepted))
			rejected.Add(int64(len(res.Rejected)))
			return
		}
		failed.Add(1)
	}
	var prevAcc int64
	var prevElapsed time.Duration
	onSnapshot := func(snap loadgen.Snapshot) {
		acc := accepted.Load()
		dt := (snap.Elapsed - prevElapsed).Seconds()
		if dt <= 0 {
			dt = 1
		}
		progress(demo.Progress{Elapsed: snap.Elapsed, Metrics: []demo.Metric{
			{Key: "rps", Label: "batches/s", Value: snap.Rate, Unit: "/s"},
			{Key: "eps", Label: "events/s", Value: float64(acc-prevAcc) / dt, Unit: "/s"},
			{Key: "p50", Label: "ack p50", Value: ms(snap.Window.P50), Unit: "ms"},
			{Key: "p99", Label: "ack p99", Value: ms(snap.Window.P99), Unit: "ms"},
			{Key: "accepted", Label: "accepted", Value: float64(acc)},
			{Key: "backlog", Label: "backlog", Value: float64(s.app.counters.backlog.Load())},
			{Key: "errors", Label: "errors", Value: float64(failed.Load())},
		}})
		prevAcc, prevElapsed = acc, snap.Elapsed
	}
	rep, err := loadgen.Run(ctx, loadgen.Config{Rate: opts.Rate, Duration: opts.Duration, Client: client,
		Targeter: targeter, OnResult: onResult, OnSnapshot: onSnapshot})
	if err != nil {
		return nil, err
	}
	return s.check(cctx, rep, before, accepted.Load(), rejected.Load(), failed.Load())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// check waits (up to 60s) for the rollups to catch up, then compares.
func (s *System) check(ctx context.Context, rep *loadgen.Report, before map[string]int64, accepted, rejected, failed int64) (*demo.Summary, error) {
	sum := &demo.Summary{Metrics: []demo.Metric{
		{Key: "accepted", Label: "events accepted", Value: float64(accepted)},
		{Key: "eps", Label: "events/s", Value: float64(accepted) / math.Max(rep.Duration.Seconds(), 0.001), Unit: "/s"},
		{Key: "p50", Label: "ack p50", Value: ms(rep.Total.P50), Unit: "ms"},
		{Key: "p99", Label: "ack p99", Value: ms(rep.Total.P99), Unit: "ms"},
		{Key: "p999", Label: "ack p99.9", Value: ms(rep.Total.P999), Unit: "ms"},
	}}
	add := func(name string, ok bool, format string, a ...any) {
		sum.Checks = append(sum.Checks, demo.Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, a...)})
	}
	add("every generated event valid", rejected == 0 && failed == 0, "%d rejected, %d failed requests", rejected, failed)

	drained := s.app.waitDrained(ctx, 60*time.Second)
	add("rollups caught up", drained == nil, "%v", errOrOK(drained))
	after, err := s.app.reader.Totals(ctx)
	if err != nil {
		return nil, err
	}
	var inRedis int64
	for t, n := range after {
		inRedis += n - before[t]
	}
	add("accepted = counted in Redis", inRedis == accepted, "%d accepted, %d counted", accepted, inRedis)
	if s.app.rollups != nil {
		minutes, hours, err := s.app.rollupTotals(ctx)
		if err != nil {
			return nil, err
		}
		total := int64(0)
		for _, n := range after {
			total += n
		}
		add("Redis = MongoDB minute documents", minutes == total, "%d in Redis, %d in minute documents", total, minutes)
		add("Redis = MongoDB hour documents", hours == total, "%d in Redis, %d in hour documents", total, hours)
	}
	if s.app.pg != nil {
		orders, err := s.app.orderCount(ctx)
		if err != nil {
			return nil, err
		}
		add("purchases = PostgreSQL orders", orders == after[s.app.orderType], "%d purchases, %d orders", after[s.app.orderType], orders)
	}
	return sum, nil
}

func errOrOK(err error) string {
	if err != nil {
		return err.Error()
	}
	return "no entry pending"
}
