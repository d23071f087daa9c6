package loadgen_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/loadgen"
)

// A run hands nothing to the next one: when Run returns, every connection
// it opened is closed (the server sees them go) and its goroutines are
// gone. A keep-alive connection left open costs the server a goroutine and
// its buffers until an idle timeout, if it has one (vegeta's own client
// has none), and load-generator state piling up across runs of one
// process is what a benchmark's later steps must not inherit.
func TestRunLeavesNoConnectionsOrGoroutines(t *testing.T) {
	for _, tc := range []struct {
		name   string
		engine loadgen.Engine
	}{{"vegeta", loadgen.EngineVegeta}, {"raw", loadgen.EngineRaw}} {
		t.Run(tc.name, func(t *testing.T) {
			var open, total atomic.Int64
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(2 * time.Millisecond) // a few requests overlap: several connections
				w.WriteHeader(http.StatusNoContent)
			}))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				switch s {
				case http.StateNew:
					open.Add(1)
					total.Add(1)
				case http.StateClosed, http.StateHijacked:
					open.Add(-1)
				}
			}
			srv.Start()
			defer srv.Close()

			g0 := runtime.NumGoroutine()
			cfg := loadgen.Config{Rate: 500, Duration: 300 * time.Millisecond, Engine: tc.engine,
				Targeter: loadgen.Static(http.MethodGet, srv.URL+"/", nil, nil)}
			if tc.engine == loadgen.EngineRaw {
				cfg.Addr = srv.Listener.Addr().String()
			}
			rep, err := loadgen.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Codes[http.StatusNoContent] != rep.Requests || rep.Requests == 0 {
				t.Fatalf("answers %v of %d", rep.Codes, rep.Requests)
			}
			if total.Load() == 0 {
				t.Fatal("the server saw no connection")
			}
			// The server notices a closed connection when it reads the EOF:
			// give it a moment, not a run's worth.
			deadline := time.Now().Add(5 * time.Second)
			for (open.Load() > 0 || runtime.NumGoroutine() > g0) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := open.Load(); n > 0 {
				t.Errorf("%d of the run's %d connections still open after it returned", n, total.Load())
			}
			if g := runtime.NumGoroutine(); g > g0 {
				t.Errorf("%d goroutines after the run, %d before", g, g0)
			}
		})
	}
}
