package ratelimit_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

var quiet = slog.New(slog.DiscardHandler)

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
}

func get(t *testing.T, h http.Handler, apiKey string) *httptest.ResponseRecorder {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if apiKey != "" {
		req.Header.Set("X-API-Key", apiKey)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestMiddlewareHeaders(t *testing.T) {
	ns := devenv.Redis(t)
	clock := newClock()
	l, err := ratelimit.New(ns.Client, ratelimit.Config{Algorithm: ratelimit.FixedWindow, Limit: ratelimit.PerMinute(2),
		Prefix: ns.Key("mw") + ":", Now: clock.Now})
	require.NoError(t, err)
	h := ratelimit.Middleware(l, &ratelimit.MiddlewareOpts{Logger: quiet, Key: ratelimit.KeyByHeader("X-API-Key")})(okHandler())

	rec := get(t, h, "")
	require.Equal(t, http.StatusBadRequest, rec.Code, "no key")

	for i, want := range []struct {
		code      int
		remaining string
	}{{200, "1"}, {200, "0"}, {429, "0"}} {
		rec := get(t, h, "alice")
		require.Equal(t, want.code, rec.Code, "request %d", i)
		require.Equal(t, "2", rec.Header().Get("RateLimit-Limit"))
		require.Equal(t, want.remaining, rec.Header().Get("RateLimit-Remaining"))
		require.NotEmpty(t, rec.Header().Get("RateLimit-Reset"))
		if want.code == 429 {
			require.NotEmpty(t, rec.Header().Get("Retry-After"))
			require.Equal(t, rec.Header().Get("RateLimit-Reset"), rec.Header().Get("Retry-After"))
		} else {
			require.Empty(t, rec.Header().Get("Retry-After"))
		}
	}
	require.Equal(t, http.StatusOK, get(t, h, "bob").Code, "keys are independent")
}

func TestKeyByIP(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "192.0.2.7:5555"
	k, err := ratelimit.KeyByIP(req)
	require.NoError(t, err)
	require.Equal(t, "ip:192.0.2.7", k)
	req.RemoteAddr = ""
	_, err = ratelimit.KeyByIP(req)
	require.ErrorIs(t, err, ratelimit.ErrNoKey)
}

// TestMiddlewareRedisDown stops a private redis-server under the middleware
// and checks each policy, then restarts it and checks Redis is used again.
func TestMiddlewareRedisDown(t *testing.T) {
	srv := devenv.StartRedis(t)
	opt, err := devenv.RedisOption(srv.URL())
	require.NoError(t, err)
	opt.Dialer.Timeout = 500 * time.Millisecond
	c, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(c.Close)

	cfg := ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: ratelimit.PerHour(2)}
	l, err := ratelimit.New(c, cfg)
	require.NoError(t, err)
	local, err := ratelimit.NewLocal(cfg)
	require.NoError(t, err)
	open := ratelimit.Middleware(l, &ratelimit.MiddlewareOpts{Logger: quiet, Key: ratelimit.KeyByHeader("X-API-Key"), OnUnavailable: ratelimit.FailOpen})(okHandler())
	closed := ratelimit.Middleware(l, &ratelimit.MiddlewareOpts{Logger: quiet, Key: ratelimit.KeyByHeader("X-API-Key"), OnUnavailable: ratelimit.FailClosed, ProbeInterval: 20 * time.Millisecond})(okHandler())
	fallback := ratelimit.Middleware(l, &ratelimit.MiddlewareOpts{Logger: quiet, Key: ratelimit.KeyByHeader("X-API-Key"), OnUnavailable: ratelimit.FailLocal, Local: local})(okHandler())

	// Redis up: the limit is shared by every middleware (one Redis key).
	require.Equal(t, 200, get(t, open, "k").Code)
	require.Equal(t, 200, get(t, closed, "k").Code)
	require.Equal(t, 429, get(t, fallback, "k").Code)

	require.NoError(t, srv.Stop())
	t.Run("fail open", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			rec := get(t, open, "k")
			require.Equal(t, 200, rec.Code)
			require.Empty(t, rec.Header().Get("RateLimit-Limit"), "unchecked")
		}
	})
	t.Run("fail closed", func(t *testing.T) {
		rec := get(t, closed, "other")
		require.Equal(t, http.StatusServiceUnavailable, rec.Code)
		require.Equal(t, "1", rec.Header().Get("Retry-After"))
	})
	t.Run("local fallback", func(t *testing.T) {
		require.Equal(t, 200, get(t, fallback, "k").Code)
		require.Equal(t, 200, get(t, fallback, "k").Code)
		rec := get(t, fallback, "k")
		require.Equal(t, 429, rec.Code, "the local limiter enforces the same limit")
		require.Equal(t, "2", rec.Header().Get("RateLimit-Limit"))
	})
	_, err = l.Allow(context.Background(), "k", nil)
	require.True(t, ratelimit.IsUnavailable(err))
	require.ErrorIs(t, err, ratelimit.ErrUnavailable)

	require.NoError(t, srv.Restart(context.Background()))
	// The restarted server is empty; the client reconnects by itself.
	require.Eventually(t, func() bool {
		_, err := l.Allow(context.Background(), "probe", nil)
		return err == nil
	}, 10*time.Second, 50*time.Millisecond)
	// The middleware probes Redis again after ProbeInterval.
	var rec *httptest.ResponseRecorder
	require.Eventually(t, func() bool {
		rec = get(t, closed, "k")
		return rec.Code != http.StatusServiceUnavailable
	}, 10*time.Second, 30*time.Millisecond)
	require.Equal(t, 200, rec.Code, "Redis is used again")
	require.Equal(t, "1", rec.Header().Get("RateLimit-Remaining"))
}
