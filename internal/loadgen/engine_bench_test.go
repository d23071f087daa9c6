package loadgen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/loadgen"
)

// processCPU is this process's user + system CPU time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEngines: both engines at 2,000/s against one trivial net/http
// server in this process; the server's share is the same on both sides,
// so the difference of cpu-µs/op is the generators'. Run with
//
//	go test -run XXX -bench Engines -benchtime 4x ./internal/loadgen/
//
// (each op is one second of load; cpu-µs/req is the process's CPU per
// request).
func BenchmarkEngines(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	body := []byte(`{"productId":"p1","quantity":1}`)
	// One client for every run, as a long-running population would have.
	tr := &http.Transport{MaxIdleConnsPerHost: 1000, DisableCompression: true}
	defer tr.CloseIdleConnections()
	for _, eng := range []struct {
		name   string
		engine loadgen.Engine
	}{{"vegeta", loadgen.EngineVegeta}, {"raw", loadgen.EngineRaw}} {
		b.Run(eng.name, func(b *testing.B) {
			cfg := loadgen.Config{Rate: 2000, Duration: time.Second, Engine: eng.engine,
				Targeter: loadgen.Static(http.MethodPost, srv.URL+"/r", body, http.Header{"Content-Type": {"application/json"}})}
			if eng.engine == loadgen.EngineRaw {
				cfg.Addr = strings.TrimPrefix(srv.URL, "http://")
			} else {
				cfg.Client = &http.Client{Transport: tr}
			}
			var reqs uint64
			c0 := processCPU()
			for b.Loop() {
				rep, err := loadgen.Run(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Codes[201] != rep.Requests {
					b.Fatalf("codes %v", rep.Codes)
				}
				reqs += rep.Requests
			}
			b.ReportMetric(float64((processCPU()-c0).Microseconds())/float64(reqs), "cpu-µs/req")
		})
	}
}
