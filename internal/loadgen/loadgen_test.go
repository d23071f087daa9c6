package loadgen_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/loadgen"
)

func TestConstantRateInProcess(t *testing.T) {
	var calls atomic.Int64
	h := loadgen.FuncHandler(func(context.Context) error { calls.Add(1); return nil })
	var snaps []loadgen.Snapshot
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Rate: 400, Duration: time.Second, Interval: 250 * time.Millisecond,
		Client:     loadgen.HandlerClient(h),
		Targeter:   loadgen.Static(http.MethodGet, "http://in-process/", nil, nil),
		OnSnapshot: func(s loadgen.Snapshot) { snaps = append(snaps, s) },
	})
	require.NoError(t, err)
	// The pacer never runs ahead of 400/s; a loaded CI machine may lag behind.
	require.LessOrEqual(t, rep.Requests, uint64(401))
	require.GreaterOrEqual(t, rep.Requests, uint64(200))
	require.Equal(t, uint64(calls.Load()), rep.Requests)
	require.Equal(t, rep.Requests, rep.Codes[200])
	require.Zero(t, rep.Errors)
	require.GreaterOrEqual(t, len(snaps), 4, "a snapshot every 250ms and one at the end")
	require.LessOrEqual(t, rep.Total.P50, rep.Total.P99)
	require.LessOrEqual(t, rep.Total.P99, rep.Total.Max)
}

// A slow server must not slow the generator down: at 100/s for 1s against
// a 200ms handler a closed loop of one worker would send 5 requests.
func TestOpenLoopAgainstSlowServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Rate: 100, Duration: time.Second,
		Targeter: loadgen.Static(http.MethodGet, srv.URL, nil, nil),
	})
	require.NoError(t, err)
	// A closed loop of one worker would manage 5; allow for a loaded machine.
	require.Greater(t, rep.Requests, uint64(50))
	require.LessOrEqual(t, rep.Requests, uint64(105))
	require.Equal(t, rep.Requests, rep.Codes[http.StatusTeapot])
	require.Equal(t, rep.Requests, rep.Errors, "4xx answers count as errors")
	require.GreaterOrEqual(t, rep.Total.P50, 200*time.Millisecond)
	require.GreaterOrEqual(t, rep.Total.Max, rep.Total.P999)
}

func TestStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	var seen atomic.Int64
	rep, err := loadgen.Run(ctx, loadgen.Config{
		Rate:     200,
		Client:   loadgen.HandlerClient(loadgen.FuncHandler(func(context.Context) error { return nil })),
		Targeter: loadgen.Static(http.MethodPost, "http://in-process/x", []byte("{}"), nil),
		OnResult: func(*loadgen.Result) { seen.Add(1) },
	})
	require.NoError(t, err)
	require.Less(t, time.Since(start), 3*time.Second)
	require.Positive(t, rep.Requests)
	require.Equal(t, uint64(seen.Load()), rep.Requests)
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]loadgen.Config{
		"zero rate":       {Targeter: loadgen.Static("GET", "http://x/", nil, nil), Duration: time.Second},
		"no targeter":     {Rate: 1, Duration: time.Second},
		"negative":        {Rate: 1, Duration: -1, Targeter: loadgen.Static("GET", "http://x/", nil, nil)},
		"forever, no ctx": {Rate: 1, Targeter: loadgen.Static("GET", "http://x/", nil, nil)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loadgen.Run(context.Background(), cfg)
			require.ErrorIs(t, err, loadgen.ErrConfig)
		})
	}
}

func TestFuncHandlerError(t *testing.T) {
	h := loadgen.FuncHandler(func(context.Context) error { return context.DeadlineExceeded })
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Rate: 50, Duration: 200 * time.Millisecond,
		Client: loadgen.HandlerClient(h), Targeter: loadgen.Static("GET", "http://in-process/", nil, nil),
	})
	require.NoError(t, err)
	require.Equal(t, rep.Requests, rep.Codes[500])
	require.Equal(t, "500:"+itoa(rep.Requests), loadgen.CodeString(rep.Codes))
}

func itoa(n uint64) string { return fmtUint(n) }

// EngineRaw against a real server: every scheduled request is answered,
// bodies (chunked or not) reach OnResult, Connection: close is honoured
// and the pacer keeps the rate.
func TestRawEngine(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/chunked":
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(body)
			w.(http.Flusher).Flush() // forces chunked framing
			_, _ = w.Write([]byte("!"))
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = w.Write([]byte(r.Header.Get("X-Seq")))
		default:
			if n%2 == 0 {
				w.WriteHeader(http.StatusConflict)
			}
			_, _ = w.Write(body)
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, path := range []string{"/plain", "/chunked", "/close"} {
		t.Run(path, func(t *testing.T) {
			calls.Store(0)
			var seq atomic.Int64
			var bodies []string
			rep, err := loadgen.Run(context.Background(), loadgen.Config{
				Rate: 400, Duration: time.Second, Engine: loadgen.EngineRaw, Addr: addr,
				Request: func(dst []byte) ([]byte, error) {
					n := strconv.FormatInt(seq.Add(1), 10)
					return loadgen.AppendRequest(dst, http.MethodPost, path, addr, http.Header{"X-Seq": {n}}, []byte(`{"n":`+n+`}`)), nil
				},
				OnResult: func(r *loadgen.Result) { bodies = append(bodies, string(r.Body)) },
			})
			require.NoError(t, err)
			require.Equal(t, uint64(400), rep.Requests, "a second at 400/s is 400 requests")
			require.Equal(t, uint64(calls.Load()), rep.Requests)
			require.Len(t, bodies, 400)
			switch path {
			case "/plain":
				require.Equal(t, rep.Requests/2, rep.Codes[409])
				require.Equal(t, rep.Requests/2, rep.Codes[200])
				require.Equal(t, rep.Codes[409], rep.Errors)
				require.Regexp(t, `^\{"n":\d+\}$`, bodies[0])
			case "/chunked":
				require.Equal(t, rep.Requests, rep.Codes[201])
				require.Regexp(t, `^\{"n":\d+\}!$`, bodies[0])
			case "/close":
				require.Equal(t, rep.Requests, rep.Codes[200])
				require.Regexp(t, `^\d+$`, bodies[0])
			}
			require.LessOrEqual(t, rep.Total.P50, rep.Total.P99)
			require.LessOrEqual(t, rep.Total.P99, rep.Total.Max)
		})
	}
}

// EngineRaw is open loop too, and its latency runs from the scheduled send
// time: one connection allowed against a 50ms handler at 100/s means the
// queue grows and the latencies with it.
func TestRawEngineOpenLoop(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(50 * time.Millisecond)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Rate: 100, Duration: 500 * time.Millisecond, Engine: loadgen.EngineRaw, Addr: strings.TrimPrefix(srv.URL, "http://"),
		Targeter: loadgen.Static(http.MethodGet, srv.URL+"/x?y=1", nil, nil), MaxWorkers: 1,
	})
	require.NoError(t, err)
	require.Equal(t, uint64(50), rep.Requests)
	require.Equal(t, rep.Requests, rep.Codes[http.StatusTeapot])
	// The last request was due at 490ms and served after ~50×50ms.
	require.GreaterOrEqual(t, rep.Total.Max, 2*time.Second)

	rep, err = loadgen.Run(context.Background(), loadgen.Config{
		Rate: 100, Duration: 500 * time.Millisecond, Engine: loadgen.EngineRaw, Addr: strings.TrimPrefix(srv.URL, "http://"),
		Targeter: loadgen.Static(http.MethodGet, srv.URL, nil, nil),
	})
	require.NoError(t, err)
	require.Equal(t, uint64(50), rep.Requests)
	require.Less(t, rep.Total.P50, time.Second, "connections are added when all are busy")
}

func TestRawEngineErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Rate: 50, Duration: 200 * time.Millisecond, Engine: loadgen.EngineRaw, Addr: addr,
		Targeter: loadgen.Static(http.MethodGet, "http://"+addr+"/", nil, nil),
	})
	require.NoError(t, err)
	require.Equal(t, uint64(10), rep.Requests)
	require.Equal(t, rep.Requests, rep.Codes[0], "refused connections are transport errors")
	require.Equal(t, rep.Requests, rep.Errors)

	for name, cfg := range map[string]loadgen.Config{
		"no addr":     {Rate: 1, Duration: time.Second, Engine: loadgen.EngineRaw, Targeter: loadgen.Static("GET", "http://x/", nil, nil)},
		"client":      {Rate: 1, Duration: time.Second, Engine: loadgen.EngineRaw, Addr: addr, Client: http.DefaultClient, Targeter: loadgen.Static("GET", "http://x/", nil, nil)},
		"no request":  {Rate: 1, Duration: time.Second, Engine: loadgen.EngineRaw, Addr: addr},
		"addr vegeta": {Rate: 1, Duration: time.Second, Addr: addr, Targeter: loadgen.Static("GET", "http://x/", nil, nil)},
		"bad engine":  {Rate: 1, Duration: time.Second, Engine: 7, Targeter: loadgen.Static("GET", "http://x/", nil, nil)},
	} {
		_, err := loadgen.Run(context.Background(), cfg)
		require.ErrorIs(t, err, loadgen.ErrConfig, name)
	}
}

// EngineRaw without a Duration runs until the context ends, then returns
// with every request it sent answered.
func TestRawEngineStopsWithContext(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) }))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep, err := loadgen.Run(ctx, loadgen.Config{
		Rate: 200, Engine: loadgen.EngineRaw, Addr: strings.TrimPrefix(srv.URL, "http://"),
		Targeter: loadgen.Static(http.MethodGet, srv.URL, nil, nil),
	})
	require.NoError(t, err)
	require.Less(t, time.Since(start), 3*time.Second)
	require.Positive(t, rep.Requests)
	require.LessOrEqual(t, rep.Requests, uint64(62), "200/s for 300ms")
	require.Equal(t, uint64(served.Load()), rep.Requests)
	require.Equal(t, rep.Requests, rep.Codes[200])
}
