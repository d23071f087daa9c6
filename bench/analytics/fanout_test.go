//go:build linux

package analytics_test

import (
	"bufio"
	"bytes"

	"context"
	"encoding/json"
	"fmt"
	"io"

	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"testing"
	"time"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/sse"
)

// BenchmarkFanout: live dashboard updates to many subscribers. Subscribers
// (POLYSTORE_BENCH_SUBSCRIBERS, default 10,000) each hold one
// text/event-stream connection to the demo's hub over loopback TCP, the
// way the page's EventSource does; they run in a child process (one
// descriptor per connection on each side would exceed a 20,000-file limit
// in one process) whose raw-socket readers parse every byte
// (fanout_reader_test.go). The publisher sends one update per second for
// fanoutUpdates seconds:
//
//   - payload=delta: the page's "live" event as the app sends it
//     (analytics.Live: rates, totals and the one minute that changed);
//   - payload=series: the whole last 60 minutes (analytics.Series, about
//     60 KB of the demo's traffic), what the page was sent before.
//
// and two ways of writing them:
//
//   - hub=shared: internal/sse as the demo serves it: the hub takes over
//     each HTTP/1.1 connection and a few shard goroutines write every
//     update to all of them;
//   - hub=per-subscriber: the baseline, the same hub behind a
//     ResponseWriter that cannot be taken over, so that each stream has a
//     goroutine of its own that wakes up, writes a chunk and flushes per
//     update (the hub's path for HTTP/2, and what it did for every
//     stream before).
//
// Reported: delivery latency from Publish to a subscriber having read the
// whole event, p50/p99/max, the share of (subscriber, update) pairs
// delivered, the payload size, and the CPU time of the server process
// (hub, HTTP, publisher) and of the subscriber process, which share the
// machine's cores, per update and per delivered message.
func BenchmarkFanout(b *testing.B) {
	subscribers := 10_000
	if n, err := strconv.Atoi(os.Getenv("POLYSTORE_BENCH_SUBSCRIBERS")); err == nil && n > 0 {
		subscribers = n
	}
	series, live := fanoutPayloads(b)
	b.Run("payload=delta/hub=per-subscriber", func(b *testing.B) { fanout(b, subscribers, live, false) })
	b.Run("payload=delta/hub=shared", func(b *testing.B) { fanout(b, subscribers, live, true) })
	b.Run("payload=series/hub=shared", func(b *testing.B) { fanout(b, subscribers, series, true) })
}

// perSubscriber hides the connection from the hub (no Hijack, no
// Unwrap): the hub serves the stream from the handler's goroutine.
type perSubscriber struct{ w http.ResponseWriter }

func (p perSubscriber) Header() http.Header         { return p.w.Header() }
func (p perSubscriber) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p perSubscriber) WriteHeader(code int)        { p.w.WriteHeader(code) }
func (p perSubscriber) Flush()                      { p.w.(http.Flusher).Flush() }

// fanoutPayloads records an hour of the demo's traffic in Redis and
// returns the page's old update (the whole series) and its new one (the
// live event with the current minute).
func fanoutPayloads(b *testing.B) (series, live any) {
	ctx := context.Background()
	a, err := analytics.New(analytics.Config{Redis: redisbench.Client(b), Prefix: devenv.UniqueName(prefix) + ":{an}:", MaxBacklog: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	gen := analytics.NewTraffic(1, 200_000)
	now := time.Now()
	for m := 59; m >= 0; m-- {
		if _, err := a.Counters().Record(ctx, gen.Events(300, now.Add(-time.Duration(m)*time.Minute))); err != nil {
			b.Fatal(err)
		}
	}
	s, err := a.Series(ctx, 60)
	if err != nil {
		b.Fatal(err)
	}
	rates := map[string]float64{}
	for t, n := range s.Totals {
		rates[t] = float64(n) / 3600
	}
	return s, analytics.Live{T: now.Unix(), Rates: rates, Totals: s.Totals, Uniques: s.Uniques, Backlog: 3,
		From: s.From, Points: s.Points[len(s.Points)-1:]}
}

func fanout(b *testing.B, subscribers int, payload any, shared bool) {
	const fanoutUpdates = 5
	if err := raiseFileLimit(subscribers); err != nil {
		b.Fatal(err)
	}
	hub := sse.NewHub()
	mux := http.NewServeMux()
	if shared {
		mux.Handle("GET /events/{topic}", hub)
	} else {
		mux.HandleFunc("GET /events/{topic}", func(w http.ResponseWriter, r *http.Request) {
			hub.ServeHTTP(perSubscriber{w}, r)
		})
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Start()
	defer srv.Close()
	defer hub.Close()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	size, _ := json.Marshal(payload)
	for b.Loop() {
		topic := "fanout" + strconv.FormatInt(time.Now().UnixNano(), 10)
		cmd := exec.Command(exe, "-test.run=^TestFanoutSubscribers$")
		cmd.Env = append(os.Environ(), "POLYSTORE_FANOUT_ADDR="+srv.Listener.Addr().String(),
			"POLYSTORE_FANOUT_PATH=/events/"+topic, "POLYSTORE_FANOUT_N="+strconv.Itoa(subscribers))
		cmd.Stderr = os.Stderr
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		out := bufio.NewScanner(stdout)
		connected := -1
		for connected < 0 && out.Scan() {
			if n, ok := strings.CutPrefix(out.Text(), "connected "); ok {
				connected, _ = strconv.Atoi(n)
			}
		}
		if connected <= 0 {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			b.Fatalf("subscriber process: %d connected", connected)
		}
		// Let the last subscriptions register with the hub.
		time.Sleep(200 * time.Millisecond)
		cpu0 := cpuTime()
		for i := range fanoutUpdates {
			if i > 0 {
				time.Sleep(time.Second)
			}
			if err := hub.Publish(topic, "live", map[string]any{"at": time.Now().UnixNano(), "data": payload}); err != nil {
				b.Fatal(err)
			}
		}
		time.Sleep(2 * time.Second) // the last update's stragglers
		srvCPU := cpuTime() - cpu0
		_ = stdin.Close()
		var lat []time.Duration
		var subCPU time.Duration
		for out.Scan() {
			if us, ok := strings.CutPrefix(out.Text(), "cpu "); ok {
				n, _ := strconv.ParseInt(us, 10, 64)
				subCPU = time.Duration(n) * time.Microsecond
			} else if us, err := strconv.ParseInt(out.Text(), 10, 64); err == nil {
				lat = append(lat, time.Duration(us)*time.Microsecond)
			}
		}
		if err := cmd.Wait(); err != nil {
			b.Fatalf("subscriber process: %v", err)
		}
		slices.Sort(lat)
		q := func(p float64) float64 {
			if len(lat) == 0 {
				return 0
			}
			return float64(lat[min(int(p*float64(len(lat))), len(lat)-1)].Microseconds()) / 1000
		}
		b.ReportMetric(float64(connected), "subscribers")
		b.ReportMetric(float64(len(size)), "payload-B")
		b.ReportMetric(q(0.50), "p50-ms")
		b.ReportMetric(q(0.99), "p99-ms")
		b.ReportMetric(q(1), "max-ms")
		b.ReportMetric(float64(len(lat))/float64(connected*fanoutUpdates), "delivered")
		b.ReportMetric(float64(srvCPU.Microseconds())/1e3/fanoutUpdates, "srv-cpu-ms/update")
		b.ReportMetric(float64(subCPU.Microseconds())/1e3/fanoutUpdates, "sub-cpu-ms/update")
		b.ReportMetric(float64(srvCPU.Microseconds())/float64(connected*fanoutUpdates), "srv-cpu-µs/msg")
		b.ReportMetric(float64(subCPU.Microseconds())/float64(max(len(lat), 1)), "sub-cpu-µs/msg")
		if connected < subscribers {
			b.Errorf("%d of %d subscribers connected", connected, subscribers)
		}
	}
}

// TestFanoutSubscribers is BenchmarkFanout's child process: it does
// nothing unless POLYSTORE_FANOUT_ADDR is set. It opens POLYSTORE_FANOUT_N
// event streams of POLYSTORE_FANOUT_PATH (raw sockets, fanout_reader_test.go),
// prints "connected <n>" once each has read the hub's first event, records
// each update's delivery latency until its standard input closes, then
// prints its CPU time over that span and one latency in microseconds per
// line.
func TestFanoutSubscribers(t *testing.T) {
	addr := os.Getenv("POLYSTORE_FANOUT_ADDR")
	if addr == "" {
		t.Skip("BenchmarkFanout's subscriber process")
	}
	n, _ := strconv.Atoi(os.Getenv("POLYSTORE_FANOUT_N"))
	if err := raiseFileLimit(n); err != nil {
		t.Fatal(err)
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	pollers, subscribed, failed, err := dialRaw(ap, os.Getenv("POLYSTORE_FANOUT_PATH"), n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "subscribers:", err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, p := range pollers {
		wg.Add(1)
		go func() { defer wg.Done(); p.run(stop) }()
	}
	deadline := time.Now().Add(60 * time.Second)
	for subscribed.Load()+failed.Load() < int64(n) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("connected %d\n", subscribed.Load())
	cpu0 := cpuTime()
	_, _ = io.Copy(io.Discard, os.Stdin)
	cpu := cpuTime() - cpu0 // while the updates arrive, before the teardown
	close(stop)
	wg.Wait()
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "cpu %d\n", cpu.Microseconds())
	for _, p := range pollers {
		p.close()
		for _, d := range p.lat {
			fmt.Fprintln(w, d.Microseconds())
		}
	}
	_ = w.Flush()
}

// raiseFileLimit raises the soft limit of open files to the hard one when
// n connections and some slack need more (Go does this at start-up since
// 1.19; checked here so that a low hard limit fails clearly).
func raiseFileLimit(n int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	need := uint64(n) + 256
	if lim.Cur < need && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	if lim.Cur < need {
		return fmt.Errorf("open files limited to %d, %d needed: raise ulimit -n", lim.Cur, need)
	}
	return nil
}

// publishedAt reads the leading "at" field of {"at":<n>,...}.
func publishedAt(data []byte) (int64, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(`{"at":`))
	if !ok {
		return 0, false
	}
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	return n, err == nil && n > 0
}
