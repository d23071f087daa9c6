package analytics_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/analytics"
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

// The page end to end in Chromium: it loads, goes live, its counters and
// charts grow while the demo's load runs, the segment table fills, the
// run's invariants hold, and the console stays clean.
func TestDashboardInBrowser(t *testing.T) {
	b := browsertest.New(t)
	env := demo.TestEnv(t, "analytics")
	hub := sse.NewHub()
	env.Publish = func(event string, data any) { _ = hub.Publish("analytics", event, data) }
	sys := &analytics.System{}
	require.NoError(t, sys.Setup(context.Background(), env))
	t.Cleanup(func() { _ = sys.Close(context.Background()) })
	srv := httptest.NewServer(demo.Handler([]demo.Info{sys.Info()}, []demo.System{sys}, hub, nil))
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close)

	b.Navigate(srv.URL + "/analytics/")
	b.WaitText("#status", 10*time.Second, func(s string) bool { return s == "live" })

	done := make(chan *demo.Summary, 1)
	go func() {
		sum, err := sys.Run(context.Background(), demo.RunOptions{Duration: 5 * time.Second, Rate: 40, BaseURL: srv.URL + "/analytics"},
			func(p demo.Progress) { _ = hub.Publish("analytics", "progress", demo.ProgressEvent(p)) })
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	b.WaitText("#total", 60*time.Second, func(s string) bool { return number(s) > 0 })
	first, firstTotal := b.ChartPoints("rate"), number(b.Text("#total"))
	b.WaitText("#total", 60*time.Second, func(s string) bool { return number(s) > firstTotal })
	grew := time.Now().Add(20 * time.Second)
	for b.ChartPoints("rate") < first+2 {
		require.True(t, time.Now().Before(grew), "the live chart grows while the load runs")
		time.Sleep(200 * time.Millisecond)
	}
	sum := <-done
	require.NotNil(t, sum)
	require.True(t, sum.OK(), "%+v", sum.Checks)
	b.WaitText("#uniques", 20*time.Second, func(s string) bool { return number(s) > 0 })
	b.WaitText("#p99", 20*time.Second, func(s string) bool { return strings.HasSuffix(s, "ms") })
	b.WaitText("#segments tbody", 30*time.Second, func(s string) bool { return strings.Contains(s, "buyers, last day") })
	require.Positive(t, b.ChartPoints("minutes"))
	require.Positive(t, b.ChartPoints("latency"))
	if devenv.InCI() {
		require.True(t, b.ChartsDrawn(), "CI runs npm ci in web/, so uPlot is embedded")
	}
	b.Screenshot("analytics.png")
	b.CheckConsole()
}
