package trading

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type apiClient struct {
	t testing.TB
	h http.Handler
}

func (c apiClient) do(method, path, body string) (int, []byte) {
	c.t.Helper()
	var rd *bytes.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, path, rd)
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, req)
	return w.Code, w.Body.Bytes()
}

func (c apiClient) json(method, path, body string, want int, out any) {
	c.t.Helper()
	code, b := c.do(method, path, body)
	require.Equal(c.t, want, code, "%s %s: %s", method, path, b)
	if out != nil {
		require.NoError(c.t, json.Unmarshal(b, out), "%s", b)
	}
}

func newAPI(t testing.TB, e *env, n *Node) apiClient {
	a, err := NewAPI(e.store, n)
	require.NoError(t, err)
	return apiClient{t: t, h: a.Handler()}
}

// The order API end to end on the real stores: place, match, read the
// order, the balances, the book and the tape; modify and cancel; every
// amount an exact decimal string.
func TestOrderAPI(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	n := e.node(t)
	defer n.Close()
	api := newAPI(t, e, n)
	seller, err := e.store.CreateAccount(ctx, "seller", map[string]string{"BTC": "3"})
	require.NoError(t, err)
	buyer, err := e.store.CreateAccount(ctx, "buyer", map[string]string{"USD": "100000"})
	require.NoError(t, err)

	var sell, buy, bid OrderView
	api.json("POST", "/orders", fmt.Sprintf(`{"accountId":%d,"symbol":"BTC-USD","side":"sell","price":"20000.50","quantity":"2"}`, seller), 201, &sell)
	require.Equal(t, "pending", sell.Status)
	require.Equal(t, "2", sell.Hold)
	api.json("POST", "/orders", fmt.Sprintf(`{"accountId":%d,"symbol":"BTC-USD","side":"buy","type":"limit","tif":"ioc","price":"20001","quantity":"0.5"}`, buyer), 201, &buy)
	api.json("POST", "/orders", fmt.Sprintf(`{"accountId":%d,"symbol":"BTC-USD","side":"buy","price":"19000","quantity":"1"}`, buyer), 201, &bid)
	waitSettled(t, e, n)

	var got OrderView
	api.json("GET", fmt.Sprintf("/orders/%d", buy.ID), "", 200, &got)
	require.Equal(t, []string{"filled", "0.5", "0"}, []string{got.Status, got.Filled, got.Hold})
	api.json("GET", fmt.Sprintf("/orders/%d", sell.ID), "", 200, &got)
	require.Equal(t, []string{"open", "0.5", "1.5"}, []string{got.Status, got.Filled, got.Hold})

	var acct AccountView
	api.json("GET", fmt.Sprintf("/accounts/%d", buyer), "", 200, &acct)
	usd := map[string]Balance{}
	for _, b := range acct.Balances {
		usd[b.Currency] = b
	}
	// 100000 − 0.5 × 20000.50 − 19000 reserved for the resting bid
	require.Equal(t, Balance{Currency: "USD", Available: "70999.75", Reserved: "19000"}, usd["USD"])
	require.Equal(t, "0.5", usd["BTC"].Available)

	var depth Depth
	api.json("GET", "/book/BTC-USD?depth=5", "", 200, &depth)
	require.Equal(t, []DepthLevel{{Price: "19000.00", Quantity: "1.0000", Orders: 1}}, depth.Bids)
	require.Equal(t, []DepthLevel{{Price: "20000.50", Quantity: "1.5000", Orders: 1}}, depth.Asks)
	var tape []map[string]string
	api.json("GET", "/trades/BTC-USD?limit=10", "", 200, &tape)
	require.Len(t, tape, 1)
	require.Equal(t, "20000.50", tape[0]["price"])
	require.Equal(t, "0.5000", tape[0]["quantity"])

	// A bad modify is a 400 naming the field; it reserves nothing.
	for _, tc := range []struct{ body, code, field string }{
		{`"quantity":"0.00001"`, "off_lot", "quantity"},
		{`"quantity":"0"`, "bad_quantity", "quantity"},
		{`"price":"1.001","quantity":"1"`, "off_tick", "price"},
		{`"price":"-1","quantity":"1"`, "bad_price", "price"},
		{`"quantity":"1","side":"sell"`, "unknown_field", "side"},
	} {
		var ae APIError
		api.json("PATCH", fmt.Sprintf("/orders/%d", bid.ID), fmt.Sprintf(`{"accountId":%d,%s}`, buyer, tc.body), 400, &ae)
		require.Equal(t, []string{tc.code, tc.field}, []string{ae.Error.Code, ae.Error.Field}, tc.body)
	}
	api.json("PATCH", fmt.Sprintf("/orders/%d", bid.ID), fmt.Sprintf(`{"accountId":%d,"quantity":"1"}`, seller), 409, nil)
	noViolations(t, e)

	// Modify the bid up through the ask: it trades 1 at 20000.50 at once.
	var mod OrderView
	api.json("PATCH", fmt.Sprintf("/orders/%d", bid.ID), fmt.Sprintf(`{"accountId":%d,"price":"20000.50","quantity":"1"}`, buyer), 202, &mod)
	require.Equal(t, "modify pending", mod.Reason)
	code, _ := api.do("PATCH", fmt.Sprintf("/orders/%d", bid.ID), fmt.Sprintf(`{"accountId":%d,"quantity":"1"}`, buyer))
	require.Contains(t, []int{409, 202}, code, "a second modify waits for the first, or the order is done")
	waitSettled(t, e, n)
	api.json("GET", fmt.Sprintf("/orders/%d", bid.ID), "", 200, &got)
	require.Equal(t, []string{"filled", "1", "0", "20000.5"}, []string{got.Status, got.Filled, got.Hold, got.Price})
	noViolations(t, e)

	// Cancel the rest of the sell; a second cancel is a conflict.
	api.json("DELETE", fmt.Sprintf("/orders/%d?accountId=%d", sell.ID, seller), "", 202, nil)
	waitSettled(t, e, n)
	api.json("POST", fmt.Sprintf("/orders/%d/cancel", sell.ID), fmt.Sprintf(`{"accountId":%d}`, seller), 409, nil)
	api.json("GET", fmt.Sprintf("/accounts/%d", seller), "", 200, &acct)
	for _, b := range acct.Balances {
		if b.Currency == "BTC" {
			require.Equal(t, Balance{Currency: "BTC", Available: "1.5", Reserved: "0"}, b, "3 − 1.5 sold, the rest released")
		}
	}
	noViolations(t, e)
}

// Bad input is a 400 naming the field, with nothing reserved.
func TestOrderAPIBadInput(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	n := e.node(t)
	defer n.Close()
	api := newAPI(t, e, n)
	acc, err := e.store.CreateAccount(ctx, "alice", map[string]string{"USD": "100"})
	require.NoError(t, err)
	order := func(fields string) string {
		return fmt.Sprintf(`{"accountId":%d,"symbol":"BTC-USD","side":"buy",%s}`, acc, fields)
	}
	cases := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"price off tick", "POST", "/orders", order(`"price":"1.001","quantity":"1"`), 400, "off_tick", "price"},
		{"price exponent", "POST", "/orders", order(`"price":"1e3","quantity":"1"`), 400, "bad_price", "price"},
		{"price as number", "POST", "/orders", order(`"price":1,"quantity":"1"`), 400, "bad_field", "price"},
		{"zero quantity", "POST", "/orders", order(`"price":"1","quantity":"0"`), 400, "bad_quantity", "quantity"},
		{"negative quantity", "POST", "/orders", order(`"price":"1","quantity":"-1"`), 400, "bad_quantity", "quantity"},
		{"huge quantity", "POST", "/orders", order(`"price":"1","quantity":"99999999999999"`), 400, "too_large", "quantity"},
		{"bad tif", "POST", "/orders", order(`"tif":"day","price":"1","quantity":"1"`), 400, "bad_tif", "tif"},
		{"bad type", "POST", "/orders", order(`"type":"stop","price":"1","quantity":"1"`), 400, "bad_type", "type"},
		{"unknown field", "POST", "/orders", order(`"price":"1","quantity":"1","leverage":"100"`), 400, "unknown_field", "leverage"},
		{"unknown symbol", "POST", "/orders", fmt.Sprintf(`{"accountId":%d,"symbol":"X","side":"buy","price":"1","quantity":"1"}`, acc), 400, "unknown_symbol", "symbol"},
		{"no account", "POST", "/orders", `{"symbol":"BTC-USD","side":"buy","price":"1","quantity":"1"}`, 400, "bad_account", "accountId"},
		{"account as string", "POST", "/orders", `{"accountId":"1"}`, 400, "bad_field", "accountId"},
		{"not json", "POST", "/orders", `price=1`, 400, "bad_json", ""},
		{"empty body", "POST", "/orders", ``, 400, "bad_json", ""},
		{"two objects", "POST", "/orders", order(`"price":"1","quantity":"1"`) + `{}`, 400, "bad_json", ""},
		{"insufficient funds", "POST", "/orders", order(`"price":"100","quantity":"2"`), 422, "insufficient_funds", ""},
		{"bad order id", "GET", "/orders/abc", "", 400, "bad_id", "id"},
		{"unknown order", "GET", "/orders/999999", "", 404, "unknown_order", "id"},
		{"modify an unknown order", "PATCH", "/orders/1", fmt.Sprintf(`{"accountId":%d,"quantity":"x"}`, acc), 409, "not_open", ""},
		{"cancel without account", "DELETE", "/orders/1", "", 400, "bad_account", "accountId"},
		{"unknown account", "GET", "/accounts/999999", "", 404, "unknown_account", "id"},
		{"book of unknown symbol", "GET", "/book/NOPE", "", 404, "unknown_symbol", "symbol"},
		{"depth too deep", "GET", "/book/BTC-USD?depth=100000", "", 400, "bad_depth", "depth"},
		{"trades limit", "GET", "/trades/BTC-USD?limit=-1", "", 400, "bad_limit", "limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var e APIError
			api.json(tc.method, tc.path, tc.body, tc.status, &e)
			require.Equal(t, tc.code, e.Error.Code)
			require.Equal(t, tc.field, e.Error.Field)
			require.NotEmpty(t, e.Error.Message)
		})
	}
	var acct AccountView
	api.json("GET", fmt.Sprintf("/accounts/%d", acc), "", 200, &acct)
	for _, b := range acct.Balances {
		if b.Currency == "USD" {
			require.Equal(t, Balance{Currency: "USD", Available: "100", Reserved: "0"}, b)
		}
	}
	noViolations(t, e)
}

var orderSeeds = []string{
	`{"accountId":1,"symbol":"BTC-USD","side":"buy","price":"1","quantity":"0.0001"}`,
	`{"accountId":1,"symbol":"BTC-USD","side":"sell","type":"market","quantity":"1"}`,
	`{"accountId":1,"symbol":"ETH-USD","side":"buy","tif":"fok","price":"99999999.99","quantity":"999999"}`,
	`{"accountId":-1}`, `{"accountId":2147483648,"symbol":"BTC-USD","side":"buy","price":"1","quantity":"1"}`, `{"accountId":1e99}`, `{"price":"0.","quantity":".1"}`, `{"quantity":"١"}`,
	`[]`, `null`, `{`, `{"accountId":1,"accountId":2}`, "\x00\xff", `{"symbol":"BTC-USD\u0000"}`,
	`{"accountId":1,"symbol":"BTC-USD","side":"buy","price":"000000000000000001.000000000000000000","quantity":"1"}`,
}

// FuzzOrderEndpoint posts arbitrary bodies to POST /orders on the real
// stores: the answer is 201, 400, 413 or 422 with a JSON body (an
// APIError naming a code unless 201), never a 5xx or a panic, and
// conservation holds after each.
func FuzzOrderEndpoint(f *testing.F) {
	for _, s := range orderSeeds {
		f.Add([]byte(s))
	}
	e := setup(f)
	acc, err := e.store.CreateAccount(context.Background(), "fuzz", map[string]string{"USD": "1000", "BTC": "1", "ETH": "1"})
	require.NoError(f, err)
	require.Equal(f, 1, acc, "the seeds name account 1")
	a, err := NewAPI(e.store, &Node{markets: e.store.markets})
	require.NoError(f, err)
	h := a.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req := httptest.NewRequest("POST", "/orders", bytes.NewReader(body)).WithContext(ctx)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		require.Contains(t, []int{201, 400, 413, 422}, w.Code, "%q -> %s", body, w.Body)
		if w.Code == 201 {
			var v OrderView
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &v))
			require.Positive(t, v.ID)
		} else {
			var ae APIError
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &ae), "%s", w.Body)
			require.NotEmpty(t, ae.Error.Code)
		}
		noViolations(t, e)
	})
}
