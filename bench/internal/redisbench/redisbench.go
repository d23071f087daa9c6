// Package redisbench is the shared setup of the Redis benchmarks: one
// resolved server per test binary, clients without client-side caching,
// and removal of the benchmark's keys afterwards.
package redisbench

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/devenv"
)

// URL is the server's redis:// URL, set by Main.
var URL string

// Main resolves a Redis server (starting one if none answers), runs the
// benchmarks, deletes every key under prefix and stops a server it started.
//
//	func TestMain(m *testing.M) { redisbench.Main(m, prefix) }
func Main(m *testing.M, prefix string) {
	ctx := context.Background()
	srv, err := devenv.ResolveRedis(ctx, &devenv.Options{StartServers: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	URL = srv.URL
	code := m.Run()
	if c, err := newClient(); err == nil {
		_, _ = devenv.DeleteRedisPrefix(ctx, c, prefix)
		c.Close()
	}
	_ = srv.Close(ctx)
	os.Exit(code)
}

func newClient() (rueidis.Client, error) { return dial(false) }

func dial(caching bool) (rueidis.Client, error) {
	opt, err := devenv.RedisOption(URL)
	if err != nil {
		return nil, err
	}
	opt.DisableCache = !caching
	return rueidis.NewClient(opt)
}

// Client returns a rueidis client to the server, closed at cleanup.
func Client(tb testing.TB) rueidis.Client {
	tb.Helper()
	return open(tb, false)
}

// CachingClient returns a client with RESP3 client-side caching enabled
// (for L1 benchmarks), closed at cleanup.
func CachingClient(tb testing.TB) rueidis.Client {
	tb.Helper()
	return open(tb, true)
}

func open(tb testing.TB, caching bool) rueidis.Client {
	tb.Helper()
	c, err := dial(caching)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}
