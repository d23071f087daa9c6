package ratelimit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/redis/ratelimit"
)

// TestNilArguments checks that nil requests, nil receivers and a
// misconfigured Middleware get an error wrapping ErrInvalid (or a 500)
// instead of a panic.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	var (
		lim    *ratelimit.Limiter
		local  *ratelimit.Local
		multi  *ratelimit.Multi
		leased *ratelimit.Leased
		conc   *ratelimit.Concurrency
	)
	cases := []struct {
		name string
		call func() error
	}{
		{"KeyByIP(nil)", func() error { _, err := ratelimit.KeyByIP(nil); return err }},
		{"KeyByHeader(nil)", func() error { _, err := ratelimit.KeyByHeader("X-Key")(nil); return err }},
		{"KeyByTrustedProxies(nil)", func() error { _, err := ratelimit.KeyByTrustedProxies(nil)(nil); return err }},
		{"New(nil)", func() error { _, err := ratelimit.New(nil, ratelimit.Config{}); return err }},
		{"NewLocal(zero)", func() error { _, err := ratelimit.NewLocal(ratelimit.Config{}); return err }},
		{"NewMulti(nil)", func() error { _, err := ratelimit.NewMulti(nil, ratelimit.MultiConfig{}); return err }},
		{"NewLeased(nil)", func() error { _, err := ratelimit.NewLeased(nil, ratelimit.LeasedConfig{}); return err }},
		{"NewConcurrency(nil)", func() error { _, err := ratelimit.NewConcurrency(nil, ratelimit.ConcurrencyConfig{}); return err }},
		{"nil Limiter.Allow", func() error { _, err := lim.Allow(ctx, "k", nil); return err }},
		{"nil Limiter.Reset", func() error { return lim.Reset(ctx, "k") }},
		{"nil Local.Allow", func() error { _, err := local.Allow(ctx, "k", nil); return err }},
		{"nil Multi.Allow", func() error { _, err := multi.Allow(ctx, "k", nil); return err }},
		{"nil Multi.Reset", func() error { return multi.Reset(ctx, "k") }},
		{"nil Leased.Allow", func() error { _, err := leased.Allow(ctx, "k", nil); return err }},
		{"nil Leased.Reset", func() error { return leased.Reset(ctx, "k") }},
		{"nil Concurrency.Acquire", func() error { _, err := conc.Acquire(ctx, "k"); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), ratelimit.ErrInvalid)
		})
	}
	if lim.Key("k") != "" || lim.Config().Prefix != "" || leased.Key("k") != "" ||
		leased.Held("k") != 0 || leased.Stats() != (ratelimit.LeasedStats{}) {
		t.Fatal("nil receivers' accessors must return zero values")
	}

	// A misconfigured Middleware answers 500 and never reaches next.
	local2, err := ratelimit.NewLocal(ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: ratelimit.PerSecond(10)})
	if err != nil {
		t.Fatal(err)
	}
	for _, mc := range []struct {
		name string
		c    ratelimit.Checker
		opts *ratelimit.MiddlewareOpts
	}{
		{"nil Checker", nil, nil},
		{"FailLocal without Local", local2, &ratelimit.MiddlewareOpts{OnUnavailable: ratelimit.FailLocal}},
	} {
		t.Run("Middleware "+mc.name, func(t *testing.T) {
			called := false
			h := ratelimit.Middleware(mc.c, mc.opts)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
			if w.Code != http.StatusInternalServerError || called {
				t.Fatalf("code %d, next called %v; want 500 and not called", w.Code, called)
			}
		})
	}
}
