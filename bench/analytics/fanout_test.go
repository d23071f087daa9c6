package analytics_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
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

	"github.com/polystore/polystore/internal/sse"
)

// BenchmarkFanout: live dashboard updates to many subscribers. Subscribers
// (POLYSTORE_BENCH_SUBSCRIBERS, default 10,000) each hold one
// text/event-stream connection to the demo's hub over loopback HTTP, the
// way the page's EventSource does; they run in a child process (one
// descriptor per connection on each side would exceed a 20,000-file limit
// in one process). The publisher sends one update per second (payload
// about the size of the analytics page's series, 8 KiB) for fanoutUpdates
// seconds. Reported: delivery latency from Publish to a subscriber having
// read the whole event, p50/p99/max, and the share of (subscriber, update)
// pairs delivered (the hub drops for a subscriber that falls a buffer
// behind rather than block the publisher). Server, subscribers and
// everything else share the machine's cores.
func BenchmarkFanout(b *testing.B) {
	subscribers := 10_000
	if n, err := strconv.Atoi(os.Getenv("POLYSTORE_BENCH_SUBSCRIBERS")); err == nil && n > 0 {
		subscribers = n
	}
	const fanoutUpdates = 5
	hub := sse.NewHub()
	mux := http.NewServeMux()
	mux.Handle("GET /events/{topic}", hub)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Start()
	defer srv.Close()
	defer hub.Close()
	payload := strings.Repeat("x", 8<<10)
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
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
		for i := range fanoutUpdates {
			if i > 0 {
				time.Sleep(time.Second)
			}
			if err := hub.Publish(topic, "series", map[string]any{"at": time.Now().UnixNano(), "series": payload}); err != nil {
				b.Fatal(err)
			}
		}
		time.Sleep(2 * time.Second) // the last update's stragglers
		_ = stdin.Close()
		var lat []time.Duration
		for out.Scan() {
			if us, err := strconv.ParseInt(out.Text(), 10, 64); err == nil {
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
		b.ReportMetric(q(0.50), "p50-ms")
		b.ReportMetric(q(0.99), "p99-ms")
		b.ReportMetric(q(1), "max-ms")
		b.ReportMetric(float64(len(lat))/float64(connected*fanoutUpdates), "delivered")
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
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			resp, err := client.Do(req)
			if err != nil {
				fmt.Fprintln(os.Stderr, "subscriber:", err)
				return
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 0, 4<<10), 64<<10)
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
	_, _ = io.Copy(io.Discard, os.Stdin)
	cancel()
	done.Wait()
	w := bufio.NewWriter(os.Stdout)
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
