package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Target is one request blueprint (method, URL, body, header).
type Target = vegeta.Target

// Result is one answer: status code, latency, body, error.
type Result = vegeta.Result

// Targeter fills in the next request. It is called concurrently from the
// workers; returning an error stops the run.
type Targeter = vegeta.Targeter

// ErrConfig is wrapped by every configuration error of Run.
var ErrConfig = errors.New("loadgen: invalid config")

// Config describes one run.
type Config struct {
	// Rate is the number of requests started per second (> 0).
	Rate int
	// Duration of the run. Zero runs until ctx is done.
	Duration time.Duration
	// Targeter builds each request.
	Targeter Targeter
	// Client sends the requests. Nil means a pooled HTTP client; use
	// HandlerClient to call an http.Handler in-process.
	Client *http.Client
	// Timeout bounds each request. Zero means 30 seconds.
	Timeout time.Duration
	// MaxWorkers bounds the concurrent requests in flight. Zero means 10,000:
	// the generator adds workers when all are busy, so a slow server sees the
	// same schedule as a fast one.
	MaxWorkers uint64
	// Interval between snapshots. Zero means one second.
	Interval time.Duration
	// OnSnapshot, when set, receives a snapshot every Interval and a last one
	// at the end.
	OnSnapshot func(Snapshot)
	// OnResult, when set, sees every result, one at a time, in arrival
	// order (EngineVegeta: from one goroutine; EngineRaw: from the
	// connections' goroutines, under a lock).
	OnResult func(*Result)

	// Engine selects how requests are sent (default EngineVegeta).
	Engine Engine
	// Addr is the server's host:port (EngineRaw only, required there).
	Addr string
	// Request builds each request's bytes (EngineRaw only); when nil,
	// EngineRaw builds them from Targeter's Target.
	Request RequestFunc
}

// Latencies summarises a latency distribution.
type Latencies struct {
	Count uint64        `json:"count"`
	Mean  time.Duration `json:"mean"`
	P50   time.Duration `json:"p50"`
	P99   time.Duration `json:"p99"`
	P999  time.Duration `json:"p999"`
	Max   time.Duration `json:"max"`
}

func (l Latencies) String() string {
	return fmt.Sprintf("p50 %s  p99 %s  p99.9 %s  max %s", Round(l.P50), Round(l.P99), Round(l.P999), Round(l.Max))
}

// Round rounds a latency for display (three significant figures).
func Round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}

// Snapshot is the state of a run at one moment.
type Snapshot struct {
	// Elapsed since the run started.
	Elapsed time.Duration `json:"elapsed"`
	// Requests answered so far (including errors).
	Requests uint64 `json:"requests"`
	// Rate is the answers per second over the last interval.
	Rate float64 `json:"rate"`
	// Window is the latency distribution of the last interval.
	Window Latencies `json:"window"`
	// Total is the latency distribution since the start.
	Total Latencies `json:"total"`
	// Codes counts answers by HTTP status; 0 counts transport errors.
	Codes map[int]uint64 `json:"codes"`
	// Errors counts answers with a transport error or a status >= 400.
	Errors uint64 `json:"errors"`
}

// Report is the final snapshot of a run.
type Report struct {
	Snapshot
	// Duration is the time from the first request to the last answer.
	Duration time.Duration `json:"duration"`
	// Throughput is the answers per second over Duration.
	Throughput float64 `json:"throughput"`
}

// Static returns a Targeter that sends the same request every time.
func Static(method, url string, body []byte, header http.Header) Targeter {
	return func(t *Target) error {
		if t == nil {
			return fmt.Errorf("%w: nil target", ErrConfig)
		}
		t.Method, t.URL, t.Body, t.Header = method, url, body, header
		return nil
	}
}

// HandlerClient returns an HTTP client that calls h in-process, without a
// network: requests run h.ServeHTTP on the worker goroutine. With a nil
// handler every request fails with an error wrapping ErrConfig.
func HandlerClient(h http.Handler) *http.Client {
	return &http.Client{Transport: handlerTransport{h}}
}

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if t.h == nil {
		return nil, fmt.Errorf("%w: nil handler", ErrConfig)
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// FuncHandler turns fn into a handler answering 200 when fn returns nil and
// 500 with the error otherwise, so a plain function can be driven by Run
// through HandlerClient. A nil fn answers 500 naming ErrConfig.
func FuncHandler(fn func(ctx context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fn == nil {
			http.Error(w, fmt.Errorf("%w: nil function", ErrConfig).Error(), http.StatusInternalServerError)
			return
		}
		if err := fn(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// Run sends requests at cfg.Rate until cfg.Duration passes or ctx is done,
// then waits for the answers in flight and returns the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Rate <= 0 {
		return nil, fmt.Errorf("%w: Rate must be > 0, got %d", ErrConfig, cfg.Rate)
	}
	if cfg.Targeter == nil && (cfg.Engine != EngineRaw || cfg.Request == nil) {
		return nil, fmt.Errorf("%w: Targeter is nil", ErrConfig)
	}
	if cfg.Engine != EngineVegeta && cfg.Engine != EngineRaw {
		return nil, fmt.Errorf("%w: unknown Engine %d", ErrConfig, cfg.Engine)
	}
	if cfg.Engine != EngineRaw && (cfg.Addr != "" || cfg.Request != nil) {
		return nil, fmt.Errorf("%w: Addr and Request are for EngineRaw", ErrConfig)
	}
	if cfg.Duration < 0 {
		return nil, fmt.Errorf("%w: Duration must be >= 0, got %s", ErrConfig, cfg.Duration)
	}
	if cfg.Duration == 0 && ctx.Done() == nil {
		return nil, fmt.Errorf("%w: Duration 0 needs a cancellable context", ErrConfig)
	}
	interval := cfg.Interval
	if interval <= 0 {
		interval = time.Second
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	maxWorkers := cfg.MaxWorkers
	if maxWorkers == 0 {
		maxWorkers = 10000
	}
	if cfg.Engine == EngineRaw {
		return runRaw(ctx, cfg, interval, timeout, maxWorkers)
	}
	opts := []func(*vegeta.Attacker){
		vegeta.MaxWorkers(maxWorkers),
		vegeta.Workers(min(maxWorkers, 16)),
		vegeta.Timeout(timeout),
		vegeta.KeepAlive(true),
		vegeta.MaxBody(1 << 20),
	}
	if cfg.Client != nil {
		c := *cfg.Client
		if c.Timeout == 0 {
			c.Timeout = timeout
		}
		opts = append(opts, vegeta.Client(&c))
	} else {
		// vegeta's own client keeps its idle keep-alive connections open
		// with no timeout, each a goroutine here and one in the server,
		// after the run: a transport of the run's own (vegeta's defaults,
		// 10,000 idle connections per host) is closed when the run ends.
		tr := &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 10000,
		}
		defer tr.CloseIdleConnections()
		opts = append(opts, vegeta.Client(&http.Client{Transport: tr, Timeout: timeout}))
	}
	atk := vegeta.NewAttacker(opts...)
	pacer := vegeta.ConstantPacer{Freq: cfg.Rate, Per: time.Second}

	// A cancelled context stops the pacer; answers in flight still arrive.
	stopped := make(chan struct{})
	var stopOnce sync.Once
	stop := func() { stopOnce.Do(func() { close(stopped) }) }
	go func() {
		select {
		case <-ctx.Done():
			atk.Stop()
		case <-stopped:
		}
	}()
	defer stop()

	results := atk.Attack(cfg.Targeter, pacer, cfg.Duration, "")
	c := newCollector()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case r, ok := <-results:
			if !ok {
				rep := c.report(interval)
				if cfg.OnSnapshot != nil {
					cfg.OnSnapshot(rep.Snapshot)
				}
				return rep, nil
			}
			c.add(r)
			if cfg.OnResult != nil {
				cfg.OnResult(r)
			}
		case <-tick.C:
			if cfg.OnSnapshot != nil {
				cfg.OnSnapshot(c.snapshot())
			}
		}
	}
}

// collector accumulates results; it is used from one goroutine.
type collector struct {
	began       time.Time
	total       vegeta.Metrics
	window      vegeta.Metrics
	windowStart time.Time
	codes       map[int]uint64
	errors      uint64
	maxTotal    time.Duration
	maxWindow   time.Duration
}

func newCollector() *collector {
	now := time.Now()
	return &collector{began: now, windowStart: now, codes: map[int]uint64{}}
}

func (c *collector) add(r *Result) {
	c.total.Add(r)
	c.window.Add(r)
	c.codes[int(r.Code)]++
	if r.Error != "" {
		c.errors++
	}
	c.maxTotal = max(c.maxTotal, r.Latency)
	c.maxWindow = max(c.maxWindow, r.Latency)
}

func latencies(m *vegeta.Metrics, maxLatency time.Duration) Latencies {
	if m.Requests == 0 {
		return Latencies{}
	}
	return Latencies{
		Count: m.Requests,
		Mean:  time.Duration(float64(m.Latencies.Total) / float64(m.Requests)),
		P50:   m.Latencies.Quantile(0.50),
		P99:   m.Latencies.Quantile(0.99),
		P999:  m.Latencies.Quantile(0.999),
		Max:   maxLatency,
	}
}

func (c *collector) snapshot() Snapshot { return c.snapshotMin(0) }

// snapshotMin takes a snapshot whose rate is computed over at least minWindow
// (the last, partial interval of a run would otherwise look like a burst).
func (c *collector) snapshotMin(minWindow time.Duration) Snapshot {
	now := time.Now()
	s := Snapshot{
		Elapsed:  now.Sub(c.began),
		Requests: c.total.Requests,
		Window:   latencies(&c.window, c.maxWindow),
		Total:    latencies(&c.total, c.maxTotal),
		Codes:    make(map[int]uint64, len(c.codes)),
		Errors:   c.errors,
	}
	if secs := max(now.Sub(c.windowStart), minWindow).Seconds(); secs > 0 {
		s.Rate = float64(c.window.Requests) / secs
	}
	for k, v := range c.codes {
		s.Codes[k] = v
	}
	c.window, c.windowStart, c.maxWindow = vegeta.Metrics{}, now, 0
	return s
}

func (c *collector) report(interval time.Duration) *Report {
	s := c.snapshotMin(interval)
	rep := &Report{Snapshot: s}
	if c.total.Requests > 0 {
		rep.Duration = c.total.End.Sub(c.total.Earliest)
		if secs := rep.Duration.Seconds(); secs > 0 {
			rep.Throughput = float64(c.total.Requests) / secs
		}
	}
	return rep
}

// CodeString formats status counts as "201:10 409:3" in code order, for logs.
func CodeString(codes map[int]uint64) string {
	out := ""
	for code := 0; code < 600; code++ {
		if n, ok := codes[code]; ok {
			if out != "" {
				out += " "
			}
			out += strconv.Itoa(code) + ":" + strconv.FormatUint(n, 10)
		}
	}
	return out
}
