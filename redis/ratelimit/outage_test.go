package ratelimit_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

// records collects log records.
type records struct {
	mu  sync.Mutex
	msg []string
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msg = append(r.msg, rec.Level.String()+" "+rec.Message)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }
func (r *records) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msg...)
}

// TestMiddlewareOutage hangs a private redis-server (SIGSTOP) under the
// middleware with a default rueidis client: the first request waits at
// most Config.Timeout, the following ones skip Redis and take the policy
// at once, the outage is logged once (not once per request) and counted;
// after the server resumes, one message reports the recovery.
func TestMiddlewareOutage(t *testing.T) {
	const timeout = 300 * time.Millisecond
	srv := devenv.StartRedis(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	cfg := ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: ratelimit.PerHour(1000), Timeout: timeout}
	l, err := ratelimit.New(c, cfg)
	require.NoError(t, err)
	local, err := ratelimit.NewLocal(cfg)
	require.NoError(t, err)
	logs := &records{}
	stats := &ratelimit.MiddlewareStats{}
	h := ratelimit.Middleware(l, &ratelimit.MiddlewareOpts{Logger: slog.New(logs), Key: ratelimit.KeyByHeader("X-API-Key"),
		OnUnavailable: ratelimit.FailLocal, Local: local, Stats: stats, ProbeInterval: 200 * time.Millisecond,
		LogInterval: time.Hour})(okHandler())
	require.Equal(t, http.StatusOK, get(t, h, "k").Code)

	require.NoError(t, srv.Pause())
	t.Cleanup(func() { _ = srv.Resume() })
	const n = 200
	start := time.Now()
	for i := 0; i < n; i++ {
		rec := get(t, h, "k")
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, "1000", rec.Header().Get("RateLimit-Limit"), "checked by the local limiter")
	}
	took := time.Since(start)
	// Without skipping, every request would wait for the timeout.
	require.Less(t, took, n*timeout/4, "requests skip the unreachable Redis between probes")
	require.EqualValues(t, n, stats.Unavailable.Load())
	require.EqualValues(t, 1, stats.Outages.Load())
	require.Greater(t, stats.Skipped.Load(), int64(n/2))
	require.Equal(t, []string{"WARN rate limiter unavailable; applying policy until it answers"}, logs.all())

	require.NoError(t, srv.Resume())
	require.Eventually(t, func() bool {
		rec := get(t, h, "k")
		return rec.Code == http.StatusOK && len(logs.all()) == 2
	}, 15*time.Second, 20*time.Millisecond)
	require.Equal(t, "INFO rate limiter recovered", logs.all()[1])
	require.EqualValues(t, 1, stats.Outages.Load())
}
