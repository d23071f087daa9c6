package shop_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/httpfuzz"
)

// storeState is what the shop has written: its Redis keys (besides the
// rate limiter's) and its PostgreSQL rows.
type storeState struct {
	keys                  []string
	orders, items, outbox int64
	stock, held, sold     int64
}

func snapshot(t testing.TB, a *shop.App, ns *devenv.RedisNS, productID string) storeState {
	t.Helper()
	ctx := context.Background()
	var st storeState
	keys, err := ns.Client.Do(ctx, ns.Client.B().Keys().Pattern(ns.Prefix+"*").Build()).AsStrSlice()
	require.NoError(t, err)
	for _, k := range keys {
		if !strings.HasPrefix(k, ns.Prefix+"rl:") && !strings.HasPrefix(k, ns.Prefix+"cache:") {
			st.keys = append(st.keys, k)
		}
	}
	sort.Strings(st.keys) // KEYS answers in no particular order
	pool := a.Store().Client().ORM().Pool()
	require.NoError(t, pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM "Order"), (SELECT count(*) FROM "OrderItem"), (SELECT count(*) FROM "OutboxEvent")`).
		Scan(&st.orders, &st.items, &st.outbox))
	c, err := a.Counts(ctx, productID)
	require.NoError(t, err)
	st.stock, st.held, st.sold = c.Stock, c.Held, c.Sold
	return st
}

type badCase struct {
	name, method, path, body string
	header                   map[string]string
	status                   int
	code, field              string
}

func badCases() []badCase {
	long := strings.Repeat("x", shop.MaxIDLength+1)
	h := func(kv ...string) map[string]string {
		m := map[string]string{shop.HeaderUser: "u1", shop.HeaderIdempotency: "k1", "Content-Type": "application/json"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	post := func(name, path, body string, hdr map[string]string, code, field string) badCase {
		return badCase{name: name, method: http.MethodPost, path: path, body: body, header: hdr, status: 400, code: code, field: field}
	}
	return []badCase{
		post("malformed JSON", "/reservations", `{"productId": "bad-p", "quantity": `, h(), shop.CodeInvalidJSON, "body"),
		post("empty body", "/reservations", ``, h(), shop.CodeInvalidJSON, "body"),
		post("not an object", "/reservations", `[1,2]`, h(), shop.CodeInvalidField, "body"),
		post("trailing data", "/reservations", `{"productId":"bad-p","quantity":1} {}`, h(), shop.CodeInvalidJSON, "body"),
		post("unknown field", "/reservations", `{"productId":"bad-p","quantity":1,"price":"0.01"}`, h(), shop.CodeInvalidField, "price"),
		post("quantity a string", "/reservations", `{"productId":"bad-p","quantity":"1"}`, h(), shop.CodeInvalidField, "quantity"),
		post("negative quantity", "/reservations", `{"productId":"bad-p","quantity":-1}`, h(), shop.CodeInvalidField, "quantity"),
		post("zero quantity", "/reservations", `{"productId":"bad-p","quantity":0}`, h(), shop.CodeInvalidField, "quantity"),
		post("huge quantity", "/reservations", `{"productId":"bad-p","quantity":1000000000000}`, h(), shop.CodeInvalidField, "quantity"),
		post("quantity beyond int64", "/reservations", `{"productId":"bad-p","quantity":1e30}`, h(), shop.CodeInvalidField, "quantity"),
		post("fractional quantity", "/reservations", `{"productId":"bad-p","quantity":1.5}`, h(), shop.CodeInvalidField, "quantity"),
		post("unknown product", "/reservations", `{"productId":"no-such","quantity":1}`, h(), shop.CodeUnknownProduct, "productId"),
		post("over-long product id", "/reservations", `{"productId":"`+long+`","quantity":1}`, h(), shop.CodeInvalidField, "productId"),
		post("product id with a hash tag", "/reservations", `{"productId":"a}{b","quantity":1}`, h(), shop.CodeInvalidField, "productId"),
		post("missing Idempotency-Key", "/reservations", `{"productId":"bad-p","quantity":1}`, h(shop.HeaderIdempotency, ""), shop.CodeMissingIdempotency, "Idempotency-Key"),
		post("over-long Idempotency-Key", "/reservations", `{"productId":"bad-p","quantity":1}`, h(shop.HeaderIdempotency, long), shop.CodeInvalidField, "Idempotency-Key"),
		post("missing user", "/reservations", `{"productId":"bad-p","quantity":1}`, h(shop.HeaderUser, ""), shop.CodeInvalidField, shop.HeaderUser),
		post("over-long user", "/reservations", `{"productId":"bad-p","quantity":1}`, h(shop.HeaderUser, long), shop.CodeInvalidField, shop.HeaderUser),
		post("body too large", "/reservations", `{"productId":"`+strings.Repeat("a", 20<<10)+`","quantity":1}`, h(), shop.CodeInvalidField, "body"),
		post("order: malformed JSON", "/orders", `{"productId":`, h(), shop.CodeInvalidJSON, "body"),
		post("order: unknown product", "/orders", `{"productId":"no-such","reservationId":"r1"}`, h(), shop.CodeUnknownProduct, "productId"),
		post("order: over-long reservation id", "/orders", `{"productId":"bad-p","reservationId":"`+long+`"}`, h(), shop.CodeInvalidField, "reservationId"),
		post("order: missing reservation id", "/orders", `{"productId":"bad-p"}`, h(), shop.CodeInvalidField, "reservationId"),
		post("order: reservation id a number", "/orders", `{"productId":"bad-p","reservationId":7}`, h(), shop.CodeInvalidField, "reservationId"),
		{name: "orders: bad limit", method: http.MethodGet, path: "/orders?limit=-3", header: h(), status: 400, code: shop.CodeInvalidField, field: "limit"},
		{name: "orders: huge limit", method: http.MethodGet, path: "/orders?limit=99999999999999999999", header: h(), status: 400, code: shop.CodeInvalidField, field: "limit"},
		{name: "product: over-long id", method: http.MethodGet, path: "/products/" + long, header: h(), status: 400, code: shop.CodeInvalidField, field: "id"},
	}
}

func newBadInputApp(t testing.TB) (*shop.App, *devenv.RedisNS) {
	ns := devenv.Redis(t)
	a, err := shop.NewApp(ns.Client, shop.AppConfig{Config: shop.Config{Prefix: ns.Prefix, ReservationTTL: time.Minute},
		PG: devenv.Postgres(t), Mongo: devenv.Mongo(t), UserLimit: unlimited})
	require.NoError(t, err)
	require.NoError(t, a.Prepare(context.Background()))
	require.NoError(t, a.AddProduct(context.Background(), shop.Product{ID: "bad-p", Name: "x", Price: "9.99"}, 10))
	return a, ns
}

func do(h http.Handler, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// Bad input over HTTP: 400 with a stable code and the offending field, and
// nothing written to Redis or PostgreSQL.
func TestBadInputWritesNothing(t *testing.T) {
	a, ns := newBadInputApp(t)
	h := a.Handler()
	before := snapshot(t, a, ns, "bad-p")
	for _, tc := range badCases() {
		t.Run(tc.name, func(t *testing.T) {
			w := do(h, tc.method, tc.path, tc.body, tc.header)
			require.Equal(t, tc.status, w.Code, w.Body.String())
			require.Equal(t, "application/json", w.Header().Get("Content-Type"))
			var e struct{ Error shop.Error }
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
			require.Equal(t, tc.code, e.Error.Code, w.Body.String())
			require.Equal(t, tc.field, e.Error.Field, w.Body.String())
			require.NotEmpty(t, e.Error.Message)
		})
	}
	require.Equal(t, before, snapshot(t, a, ns, "bad-p"), "nothing written")

	// The same shop still sells: a good request after all that.
	w := do(h, http.MethodPost, "/reservations", `{"productId":"bad-p","quantity":2}`,
		map[string]string{shop.HeaderUser: "u1", shop.HeaderIdempotency: "good", "Content-Type": "application/json"})
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
}

// FuzzHandler sends arbitrary methods, paths (path parameters and query
// strings), bodies and header values to the API. Whatever comes in: no
// panic, no 5xx, a JSON answer, an error with a stable code (and a field on
// 400), an oversold count of 0, and a request refused as bad input (400)
// or as unknown (404) writes nothing to Redis or PostgreSQL.
// The seed corpus (the bad-input cases and a few good requests) runs in
// every `go test`.
func FuzzHandler(f *testing.F) {
	for _, tc := range badCases() {
		f.Add(tc.method, tc.path, tc.body, tc.header[shop.HeaderUser], tc.header[shop.HeaderIdempotency])
	}
	f.Add("POST", "/reservations", `{"productId":"bad-p","quantity":1}`, "u2", "k2")
	f.Add("POST", "/orders", `{"productId":"bad-p","reservationId":"cxxxxxxxxxxxxxxxxxxxxxxxx"}`, "u2", "")
	f.Add("GET", "/products", ``, "", "")
	f.Add("GET", "/orders", ``, "u2", "")
	f.Add("DELETE", "/reservations", `{}`, "u2", "k")
	f.Add("GET", "/products/%00", ``, "", "")
	f.Add("GET", "/products/bad-p?x=%ZZ", ``, "", "")
	f.Add("GET", "/products?limit=-1&cursor=%FF", ``, "", "")
	f.Add("GET", "/orders?limit=2&cursor=..%2F..", ``, "u2", "")
	f.Add("GET", "/stats?product=bad-p", ``, "", "")
	f.Add("GET", "/.", ``, "", "")
	a, ns := newBadInputApp(f)
	h := a.Handler()
	codes := map[string]bool{shop.CodeInvalidJSON: true, shop.CodeInvalidField: true, shop.CodeMissingIdempotency: true,
		shop.CodeUnknownProduct: true, shop.CodeSoldOut: true, shop.CodeIdempotencyConflict: true, shop.CodeReservationNotFound: true,
		shop.CodeReservationExpired: true, shop.CodeRateLimited: true, shop.CodeNotFound: true}
	f.Fuzz(func(t *testing.T, method, path, body, user, key string) {
		if !httpfuzz.Sendable(method, path) {
			return // no client sends it
		}
		hdr := map[string]string{"Content-Type": "application/json"}
		for k, v := range map[string]string{shop.HeaderUser: user, shop.HeaderIdempotency: key} {
			if v != "" && !strings.ContainsAny(v, "\r\n\x00") {
				hdr[k] = v
			}
		}
		before := snapshot(t, a, ns, "bad-p")
		w := do(h, method, path, body, hdr)
		require.Less(t, w.Code, 500, "%s %s %q: %s", method, path, body, w.Body.String())
		if w.Code == http.StatusBadRequest || w.Code == http.StatusNotFound {
			require.Equal(t, before, snapshot(t, a, ns, "bad-p"), "%s %s %q was refused (%d) but wrote", method, path, body, w.Code)
		}
		if w.Code >= 400 {
			var e struct{ Error shop.Error }
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
			require.True(t, codes[e.Error.Code], "stable code, got %q", e.Error.Code)
			if w.Code == 400 {
				require.NotEmpty(t, e.Error.Field, w.Body.String())
			}
		} else if w.Code < 300 { // 3xx: net/http's redirect of an unclean path ("/.")
			require.True(t, json.Valid(w.Body.Bytes()), w.Body.String())
		}
		c, err := a.Counts(context.Background(), "bad-p")
		require.NoError(t, err)
		require.True(t, c.Balanced(), "%+v", c)
	})
}
