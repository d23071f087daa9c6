package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/browsertest"
	"github.com/polystore/polystore/internal/sse"
	"github.com/polystore/polystore/web"
)

// pageServer serves the dashboard pages, their assets and hub's event
// streams the way `polystore demo` does, with no system behind them.
func pageServer(t *testing.T, hub *sse.Hub) *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /web/", web.Handler(web.FindDir()))
	mux.Handle("GET /events/{topic}", hub)
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, name := range []string{"shop", "tenancy", "trading", "analytics"} {
		mux.Handle("GET /"+name+"/{$}", web.Page(name))
	}
	// The analytics page loads its last hour of series when it connects.
	mux.HandleFunc("GET /analytics/series", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"from":0,"points":[],"uniques":0}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(hub.Close) // runs first: ends the streams so srv.Close returns
	return srv
}

// Once the server says the run is over, every system's page reads "run
// finished" and keeps its final numbers, also after the demo exits and its
// event stream ends — it does not show "reconnecting…" forever.
func TestPagesShowRunFinished(t *testing.T) {
	for _, name := range []string{"shop", "tenancy", "trading", "analytics"} {
		t.Run(name, func(t *testing.T) {
			b := browsertest.New(t)
			hub := sse.NewHub()
			srv := pageServer(t, hub)
			require.NoError(t, hub.Publish(name, "state", map[string]string{"phase": "sale running"}))
			b.Navigate(srv.URL + "/" + name + "/")
			b.WaitText("#status", 10*time.Second, func(s string) bool { return s == "live" })

			check := "the " + name + " invariant"
			require.NoError(t, hub.Publish(name, "summary", map[string]any{
				"metrics": []any{}, "checks": []map[string]any{{"name": check, "ok": true, "detail": "held"}},
			}))
			require.NoError(t, hub.Publish(name, "state", map[string]string{"phase": "done"}))
			b.WaitText("#status", 10*time.Second, func(s string) bool { return s == "run finished" })

			// The demo exits: its streams end and nothing answers any more.
			hub.Close()
			srv.CloseClientConnections()
			srv.Close()
			time.Sleep(2500 * time.Millisecond) // the streams ask to be retried after 1s
			require.Equal(t, "run finished", b.Text("#status"))
			require.Contains(t, b.Text("#summary"), check, "the final numbers stay on the page")
			// The browser may log the refused connection of a retry already
			// under way when the stream ended; that is not the page's error.
			for _, e := range b.AllowConsoleErrors() {
				require.Contains(t, e, "/events/"+name, "only the event stream may fail")
			}
		})
	}
}

// A stream that drops while the run is still going shows "reconnecting…".
func TestPageShowsReconnectingMidRun(t *testing.T) {
	b := browsertest.New(t)
	hub := sse.NewHub()
	srv := pageServer(t, hub)
	require.NoError(t, hub.Publish("shop", "state", map[string]string{"phase": "sale running"}))
	b.Navigate(srv.URL + "/shop/")
	b.WaitText("#status", 10*time.Second, func(s string) bool { return s == "live" })
	hub.Close()
	srv.CloseClientConnections()
	srv.Close()
	got := b.WaitText("#status", 10*time.Second, func(s string) bool { return strings.HasPrefix(s, "reconnecting") })
	require.Equal(t, "reconnecting…", got)
	for _, e := range b.AllowConsoleErrors() {
		require.Contains(t, e, "/events/shop", "only the event stream may fail")
	}
}
