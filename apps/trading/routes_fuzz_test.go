package trading

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/httpfuzz"
)

// routeSeeds are requests to every route of the order API but POST /orders
// (FuzzOrderEndpoint has its bodies): path parameters out of range, odd
// query strings and bodies, and a few good requests. Account 1 exists and
// order 1 is its resting bid, so the good ones reach the stores.
var routeSeeds = []struct{ method, path, body string }{
	{"GET", "/orders/1", ""},
	{"GET", "/orders/0", ""},
	{"GET", "/orders/-1", ""},
	{"GET", "/orders/9223372036854775807", ""},
	{"GET", "/orders/9223372036854775808", ""},
	{"GET", "/orders/1e3", ""},
	{"GET", "/orders/%00", ""},
	{"PATCH", "/orders/1", `{"accountId":1,"price":"","quantity":"0.5"}`},
	{"PATCH", "/orders/1", `{"accountId":2147483648,"quantity":"1"}`},
	{"PATCH", "/orders/1", `{"accountId":1,"price":"-1","quantity":"1"}`},
	{"PATCH", "/orders/1", `{"accountId":1,"quantity":"1e400"}`},
	{"PATCH", "/orders/9223372036854775807", `{"accountId":1,"quantity":"1"}`},
	{"PATCH", "/orders/1", `null`},
	{"PATCH", "/orders/1", `{"accountId":"1"}`},
	{"DELETE", "/orders/1?accountId=2", ""},
	{"DELETE", "/orders/1?accountId=99999999999", ""},
	{"DELETE", "/orders/1?accountId=-5", ""},
	{"DELETE", "/orders/1", ""},
	{"POST", "/orders/1/cancel", `{"accountId":2147483648}`},
	{"POST", "/orders/1/cancel", `{"accountId":1e3}`},
	{"POST", "/orders/1/cancel", ``},
	{"GET", "/accounts/1", ""},
	{"GET", "/accounts/2147483648", ""},
	{"GET", "/accounts/99999999999999", ""},
	{"GET", "/accounts/0", ""},
	{"GET", "/book/BTC-USD", ""},
	{"GET", "/book/BTC-USD?depth=0", ""},
	{"GET", "/book/BTC-USD?depth=99999999999999999999", ""},
	{"GET", "/book/NOPE", ""},
	{"GET", "/book/%F0%9F%92%A9", ""},
	{"GET", "/trades/ETH-USD?limit=1000", ""},
	{"GET", "/trades/ETH-USD?limit=1001", ""},
	{"GET", "/trades/x?limit=-1", ""},
	{"GET", "/markets", ""},
	{"GET", "/orders?accountId=1&clientOrderId=abc", ""},
	{"GET", "/orders?accountId=2147483648&clientOrderId=abc", ""},
	{"GET", "/orders?accountId=1&clientOrderId=%00", ""},
	{"GET", "/orders?accountId=1", ""},
	{"GET", "/intake/1", ""},
	{"GET", "/intake/0", ""},
	{"GET", "/intake/18446744073709551615", ""},
	{"GET", "/ws", ""},
	{"PUT", "/orders/1", "{}"},
	{"GET", "/nope", ""},
	{"GET", "/.", ""},
}

// FuzzRoutes sends arbitrary methods, paths (path parameters and query
// strings) and bodies to every route of the order API on the real stores
// with a running node. Whatever comes in: no panic; no 5xx but 503 (a store
// that did not answer in time); a JSON APIError naming a code on every
// 4xx the API answers itself; and a rejected request changes nothing — the
// orders, the outbox and the balances are as before, and conservation
// holds.
func FuzzRoutes(f *testing.F) {
	for _, s := range routeSeeds {
		f.Add(s.method, s.path, s.body)
	}
	e := setup(f)
	ctx := context.Background()
	n := e.node(f)
	f.Cleanup(func() { _ = n.Close() })
	acc, err := e.store.CreateAccount(ctx, "fuzz", map[string]string{"USD": "1000", "BTC": "1", "ETH": "1"})
	require.NoError(f, err)
	require.Equal(f, 1, acc, "the seeds name account 1")
	api, err := NewAPI(e.store, n)
	require.NoError(f, err)
	h := api.Handler()
	bid := httptest.NewRecorder()
	h.ServeHTTP(bid, httptest.NewRequest("POST", "/orders", strings.NewReader(`{"accountId":1,"symbol":"BTC-USD","side":"buy","price":"10","quantity":"1"}`)))
	require.Equal(f, http.StatusCreated, bid.Code, bid.Body.String())
	waitSettled(f, e, n)

	state := func(t *testing.T) string {
		var s string
		require.NoError(t, e.pool.QueryRow(ctx, `SELECT concat_ws('|',
			(SELECT string_agg(concat_ws(',', id, status, quantity, hold, reason), ';' ORDER BY id) FROM orders),
			(SELECT count(*) FROM order_outbox),
			(SELECT string_agg(concat_ws(',', "accountId", currency, available, reserved), ';' ORDER BY id) FROM balances))`).Scan(&s))
		return s
	}
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !httpfuzz.Sendable(method, path) {
			return // no client sends it
		}
		if method == "POST" && (path == "/orders" || strings.HasPrefix(path, "/orders?")) {
			return // FuzzOrderEndpoint's; a good body would change the state
		}
		waitSettled(t, e, n)
		before := state(t)
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		req := httptest.NewRequest(method, path, strings.NewReader(body)).WithContext(rctx)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		require.True(t, w.Code < 500 || w.Code == http.StatusServiceUnavailable, "%s %s %q -> %d %s", method, path, body, w.Code, w.Body)
		if w.Code >= 400 {
			if w.Header().Get("Content-Type") == "application/json" {
				var ae APIError
				require.NoError(t, json.Unmarshal(w.Body.Bytes(), &ae), "%s", w.Body)
				require.NotEmpty(t, ae.Error.Code, "%s", w.Body)
			} else {
				// net/http's own answers: an unknown path or method, or a
				// WebSocket handshake refused; never a body the API wrote.
				require.Contains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusBadRequest, http.StatusUpgradeRequired}, w.Code, "%s %s -> %s", method, path, w.Body)
			}
			require.Equal(t, before, state(t), "%s %s %q was refused (%d) but changed the state", method, path, body, w.Code)
		} else if w.Code < 300 && w.Body.Len() > 0 { // 3xx: net/http's redirect of an unclean path
			require.True(t, json.Valid(w.Body.Bytes()), "%s", w.Body)
		}
		noViolations(t, e)
	})
}
