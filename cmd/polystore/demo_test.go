package main

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// `polystore demo` runs the shop's sale end to end on the real servers,
// prints live rows and the summary, and exits 0.
func TestDemoShop(t *testing.T) {
	requireStores(t)
	t.Setenv(envAddr, "")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, _, err := run(ctx, "demo", "--duration", "3s", "--rate", "200", "--addr", "127.0.0.1:0")
	require.NoError(t, err, out)
	require.Contains(t, out, "dashboard: http://127.0.0.1:")
	require.Regexp(t, `(?m)^\s+\d+s  req/s \d+/s  p50 [\d.]+ms  p99 [\d.]+ms  sold \d+  remaining \d+  held \d+  oversold 0$`, out)
	// No row reads as a collapse: the last moments after the load stopped
	// get a "load stopped" row of totals, not a tiny requests/s.
	for _, m := range regexp.MustCompile(`req/s (\d+)/s`).FindAllStringSubmatch(out, -1) {
		require.GreaterOrEqual(t, atoi(t, m[1]), 50, "a row at a quarter of the rate or less:\n%s", out)
	}
	// The summary's units sold = the last live "sold" + what buyers still
	// confirming sold after the load stopped.
	rows := regexp.MustCompile(`(?m)^\s+\d+s  .*  sold (\d+)  remaining`).FindAllStringSubmatch(out, -1)
	require.NotEmpty(t, rows)
	lastLive := atoi(t, rows[len(rows)-1][1])
	total := atoi(t, regexp.MustCompile(`(?m)^  units sold (\d+)$`).FindStringSubmatch(out)[1])
	during := atoi(t, regexp.MustCompile(`(?m)^  units sold while the load ran \(the last live row\) (\d+)$`).FindStringSubmatch(out)[1])
	after := atoi(t, regexp.MustCompile(`(?m)^  units sold by buyers confirming after the load stopped (\d+)$`).FindStringSubmatch(out)[1])
	require.Equal(t, lastLive, during, out)
	require.Equal(t, total, during+after, out)
	require.Contains(t, out, "ok     no oversell")
	require.Contains(t, out, "all invariants hold")
	require.Contains(t, out, "removed the demo's databases and keys")
}

func TestDemoUnknownSystem(t *testing.T) {
	_, _, err := run(context.Background(), "demo", "nosuch")
	require.ErrorContains(t, err, `unknown system "nosuch"`)
	// Bad load flags are refused before any store is looked for.
	out, _, err := run(context.Background(), "demo", "--duration", "0s")
	require.ErrorContains(t, err, "--duration must be > 0")
	require.NotContains(t, out, "finding the stores")
	out, _, err = run(context.Background(), "demo", "--rate", "-5")
	require.ErrorContains(t, err, "--rate must be >= 0")
	require.NotContains(t, out, "finding the stores")
}

func TestServeHelpNamesTheSystems(t *testing.T) {
	out, _, err := run(context.Background(), "serve", "--help")
	require.NoError(t, err)
	require.Contains(t, out, "/shop/")
	require.Contains(t, out, "Flash-sale shop")
	require.Contains(t, out, "GET /healthz")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}
