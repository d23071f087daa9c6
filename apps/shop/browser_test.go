package shop_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/shop"
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

// The dashboard end to end in Chromium: the page loads, its numbers change
// while a sale runs, the charts get points, the oversold counter stays 0,
// no console error; a screenshot goes to the test's temp dir.
func TestDashboardInBrowser(t *testing.T) {
	b := browsertest.New(t)
	env := demo.TestEnv(t, "shop")
	hub := sse.NewHub()
	env.Publish = func(event string, data any) { _ = hub.Publish("shop", event, data) }
	sys := &shop.System{ReservationTTL: 5 * time.Second}
	require.NoError(t, sys.Setup(context.Background(), env))
	t.Cleanup(func() { _ = sys.Close(context.Background()) })
	srv := httptest.NewServer(demo.Handler([]demo.Info{sys.Info()}, []demo.System{sys}, hub, nil))
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close) // runs first: ends the page's event stream so srv.Close returns

	b.Navigate(srv.URL + "/")
	b.WaitText("#system-shop h2", 10*time.Second, func(s string) bool { return s == "Flash-sale shop" })

	b.Navigate(srv.URL + "/shop/")
	b.WaitText("#status", 10*time.Second, func(s string) bool { return s == "live" })
	first := number(b.WaitText("#remaining", 10*time.Second, func(s string) bool { return number(s) >= 0 }))

	done := make(chan *demo.Summary, 1)
	go func() {
		sum, err := sys.Run(context.Background(), demo.RunOptions{Duration: 4 * time.Second, Rate: 150, BaseURL: srv.URL + "/shop"},
			func(p demo.Progress) { _ = hub.Publish("shop", "progress", demo.ProgressEvent(p)) })
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	b.WaitText("#remaining", 60*time.Second, func(s string) bool { return number(s) != first })
	b.WaitText("#rps", 60*time.Second, func(s string) bool { return s != "–" })
	sum := <-done
	require.NotNil(t, sum)
	_ = hub.Publish("shop", "summary", sum) // as the demo runner does
	require.True(t, sum.OK(), "%+v", sum.Checks)
	b.WaitText("#sold", 10*time.Second, func(s string) bool { return number(s) > 0 })
	require.Equal(t, "0", b.Text("#oversold"))
	b.WaitText("#orders", 10*time.Second, func(s string) bool { return number(s) > 0 })
	b.WaitText("#history", 10*time.Second, func(s string) bool { return number(s) > 0 })
	for _, c := range []string{"stock", "rate", "latency"} {
		require.Greater(t, b.ChartPoints(c), 1, "chart %s has points", c)
	}
	if devenv.InCI() {
		require.True(t, b.ChartsDrawn(), "CI runs npm ci in web/, so uPlot is embedded")
	}
	b.Screenshot("shop.png")
	b.CheckConsole()
}
