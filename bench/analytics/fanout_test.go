package analytics_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/sse"
)

// BenchmarkFanout: live dashboard updates to many subscribers. Subscribers
// (POLYSTORE_BENCH_SUBSCRIBERS, default 10,000) each hold one
// text/event-stream connection to the demo's hub over loopback HTTP, the
// way the page's EventSource does; they run in a child process (one
// descriptor per connection on each side would exceed a 20,000-file limit
// in one process). The publisher sends one update per second for
// fanoutUpdates seconds:
//
//   - payload=series: the whole last 60 minutes (analytics.Series, about
//     20 KiB of real traffic), what the page was sent before;
//   - payload=delta: the page's "live" event as the app sends it now
//     (analytics.Live: rates, totals and the one minute that changed).
//
// Reported: delivery latency from Publish to a subscriber having read the
// whole event, p50/p99/max, the share of (subscriber, update) pairs
// delivered (the hub drops for a subscriber that falls a buffer behind
// rather than block the publisher), the payload size, and the CPU time per
// update of the server process (hub, HTTP, publisher) and of the
// subscriber process, which share the machine's cores: if the second
// dominates, the benchmark measures its own client.
func BenchmarkFanout(b *testing.B) {
	subscribers := 10_000
	if n, err := strconv.Atoi(os.Getenv("POLYSTORE_BENCH_SUBSCRIBERS")); err == nil && n > 0 {
		subscribers = n
	}
	series, live := fanoutPayloads(b)
	b.Run("payload=series", func(b *testing.B) { fanout(b, subscribers, series) })
	b.Run("payload=delta", func(b *testing.B) { fanout(b, subscribers, live) })
}

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

func fanout(b *testing.B, subscribers int, payload any) {
	const fanoutUpdates = 5
	hub := sse.NewHub()
	mux := http.NewServeMux()
	mux.Handle("GET /events/{topic}", hub)
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
		cmd.Env = append(os.Environ(), "POLYSTORE_FANOUT_URL="+srv.URL+"/events/"+topic, "POLYSTORE_FANOUT_N="+strconv.Itoa(subscribers))
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
		if connected < subscribers {
			b.Errorf("%d of %d subscribers connected", connected, subscribers)
		}
	}
}

// TestFanoutSubscribers is BenchmarkFanout's child process: it does
// nothing unless POLYSTORE_FANOUT_URL is set. It opens POLYSTORE_FANOUT_N
// event streams, prints "connected <n>", records each update's delivery
// latency until its standard input closes, then prints one latency in
// microseconds per line.
func TestFanoutSubscribers(t *testing.T) {
	url := os.Getenv("POLYSTORE_FANOUT_URL")
	if url == "" {
		t.Skip("BenchmarkFanout's subscriber process")
	}
	n, _ := strconv.Atoi(os.Getenv("POLYSTORE_FANOUT_N"))
	ctx, cancel := context.WithCancel(context.Background())
	tr := &http.Transport{
		MaxIdleConnsPerHost: n,
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
	}
	client := &http.Client{Transport: tr}
	var (
		connected, done sync.WaitGroup
		mu              sync.Mutex
		lat             []time.Duration
		ok              atomic.Int64
	)
	connected.Add(n)
	for range n {
		done.Add(1)
		go func() {
			defer done.Done()
			signalled := false
			defer func() {
				if !signalled {
					connected.Done()
				}
			}()
			// Reconnect as EventSource does: a loaded server may drop a
			// connection while 10,000 arrive at once.
			var resp *http.Response
			for attempt := 0; ; attempt++ {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				var err error
				if resp, err = client.Do(req); err == nil {
					break
				}
				if attempt == 10 {
					fmt.Fprintln(os.Stderr, "subscriber:", err)
					return
				}
				time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 0, 4<<10), 256<<10)
			if !sc.Scan() { // the hub's retry hint: subscribed
				return
			}
			ok.Add(1)
			signalled = true
			connected.Done()
			var local []time.Duration
			for sc.Scan() {
				line, found := bytes.CutPrefix(sc.Bytes(), []byte("data: "))
				if !found {
					continue
				}
				// The publisher's JSON starts {"at":<unix ns>,: read just
				// that, as cheaply as possible, so the subscribers' own
				// CPU use takes little from the server they share cores with.
				if at, ok := publishedAt(line); ok {
					local = append(local, time.Since(time.Unix(0, at)))
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	connected.Wait()
	fmt.Printf("connected %d\n", ok.Load())
	cpu0 := cpuTime()
	_, _ = io.Copy(io.Discard, os.Stdin)
	cpu := cpuTime() - cpu0 // while the updates arrive, before the teardown
	cancel()
	done.Wait()
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "cpu %d\n", cpu.Microseconds())
	for _, d := range lat {
		fmt.Fprintln(w, d.Microseconds())
	}
	_ = w.Flush()
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
