package tenancy_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/internal/browsertest"
	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/sse"
)

func number(s string) int64 {
	n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// The page end to end in Chromium: it loads, goes live, its per-tenant
// table, counters and charts move while the demo's load runs over the
// network, the foreign-rows counter stays 0, the run's invariants hold,
// and the console stays clean.
func TestDashboardInBrowser(t *testing.T) {
	b := browsertest.New(t)
	env := demo.TestEnv(t, "tenancy")
	hub := sse.NewHub()
	env.Publish = func(event string, data any) { _ = hub.Publish("tenancy", event, data) }
	sys := &tenancy.System{Tenants: 4, FloodFactor: 5}
	require.NoError(t, sys.Setup(context.Background(), env))
	t.Cleanup(func() { _ = sys.Close(context.Background()) })
	srv := httptest.NewServer(demo.Handler([]demo.Info{sys.Info()}, []demo.System{sys}, hub, nil))
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close)

	b.Navigate(srv.URL + "/tenancy/")
	b.WaitText("#status", 10*time.Second, func(s string) bool { return s == "live" })

	done := make(chan *demo.Summary, 1)
	go func() {
		sum, err := sys.Run(context.Background(), demo.RunOptions{Duration: 5 * time.Second, Rate: 60, BaseURL: srv.URL + "/tenancy"},
			func(p demo.Progress) { _ = hub.Publish("tenancy", "progress", demo.ProgressEvent(p)) })
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	b.WaitText("#attacks", 60*time.Second, func(s string) bool { return number(s) > 0 })
	first, firstAttacks := b.ChartPoints("rate"), number(b.Text("#attacks"))
	b.WaitText("#attacks", 60*time.Second, func(s string) bool { return number(s) > firstAttacks })
	grew := time.Now().Add(20 * time.Second)
	for b.ChartPoints("rate") < first+2 {
		require.True(t, time.Now().Before(grew), "the live chart grows while the load runs")
		time.Sleep(200 * time.Millisecond)
	}
	require.Contains(t, b.Text("#tenants tbody"), "floodco (flooding)")
	require.Contains(t, b.Text("#tenants tbody"), "acme")
	require.Equal(t, "0", b.Text("#foreign"))
	require.True(t, strings.HasSuffix(b.Text("#p99"), "ms"), b.Text("#p99"))
	sum := <-done
	require.NotNil(t, sum)
	require.True(t, sum.OK(), "%+v", sum.Checks)
	require.Equal(t, "0", b.Text("#foreign"), "no foreign row ever")
	require.Equal(t, b.Text("#attacks"), b.Text("#refused"), "every attack refused")
	require.Positive(t, b.ChartPoints("latency"))
	require.Positive(t, b.ChartPoints("isolation"))
	if devenv.InCI() {
		require.True(t, b.ChartsDrawn(), "CI runs npm ci in web/, so uPlot is embedded")
	}
	b.Screenshot("tenancy.png")
	b.CheckConsole()
}
