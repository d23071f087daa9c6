package trading_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/trading"
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

// The page end to end in Chromium: it loads and goes live; under the
// demo's order flow (over HTTP, through the served API) the book fills,
// the tape and the trade count grow, the charts get points, the
// conservation counter stays 0, the run's invariants hold and the console
// stays clean.
func TestTradingPageInBrowser(t *testing.T) {
	b := browsertest.New(t)
	env := demo.TestEnv(t, "trading")
	hub := sse.NewHub()
	env.Publish = func(event string, data any) { _ = hub.Publish("trading", event, data) }
	sys := &trading.System{Accounts: 10, JournalDir: t.TempDir()}
	require.NoError(t, sys.Setup(context.Background(), env))
	t.Cleanup(func() { _ = sys.Close(context.Background()) })
	srv := httptest.NewServer(demo.Handler([]demo.Info{sys.Info()}, []demo.System{sys}, hub, nil))
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close)

	b.Navigate(srv.URL + "/trading/")
	b.WaitText("#status", 10*time.Second, func(s string) bool { return s == "live" })
	b.WaitText("#book-symbol", 10*time.Second, func(s string) bool { return s == "BTC-USD" })

	done := make(chan *demo.Summary, 1)
	go func() {
		sum, err := sys.Run(context.Background(), demo.RunOptions{Duration: 5 * time.Second, Rate: 60, BaseURL: srv.URL + "/trading"},
			func(p demo.Progress) { _ = hub.Publish("trading", "progress", demo.ProgressEvent(p)) })
		if err != nil {
			t.Error(err)
		}
		done <- sum
	}()
	b.WaitText("#trades", 60*time.Second, func(s string) bool { return number(s) > 0 })
	first := number(b.Text("#trades"))
	b.WaitText("#trades", 60*time.Second, func(s string) bool { return number(s) > first })
	b.WaitText("#bids tbody", 20*time.Second, func(s string) bool { return strings.TrimSpace(s) != "" })
	b.WaitText("#asks tbody", 20*time.Second, func(s string) bool { return strings.TrimSpace(s) != "" })
	b.WaitText("#p99", 20*time.Second, func(s string) bool { return strings.HasSuffix(s, "ms") })
	pricePoints := b.ChartPoints("price")
	grew := time.Now().Add(20 * time.Second)
	for b.ChartPoints("price") < pricePoints+2 {
		require.True(t, time.Now().Before(grew), "the price chart grows while orders flow")
		time.Sleep(200 * time.Millisecond)
	}
	sum := <-done
	require.NotNil(t, sum)
	require.True(t, sum.OK(), "%+v", sum.Checks)
	b.WaitText("#tape tbody", 20*time.Second, func(s string) bool { return strings.TrimSpace(s) != "" })
	require.Positive(t, b.ChartPoints("rate"))
	require.Positive(t, b.ChartPoints("latency"))
	require.Equal(t, "0", b.Text("#violations"), "conservation holds throughout")
	require.Positive(t, number(b.Text("#checks")))
	if devenv.InCI() {
		require.True(t, b.ChartsDrawn(), "CI runs npm ci in web/, so uPlot is embedded")
	}
	b.Screenshot("trading.png")
	b.CheckConsole()
}
