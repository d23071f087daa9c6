package shop_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
)

// countingClient counts the scripts run through it and can pose as a
// Redis Cluster client (to run the cluster path on one server).
type countingClient struct {
	rueidis.Client
	scripts atomic.Int64
	cluster bool
}

func (c *countingClient) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	if name := cmd.Commands()[0]; strings.EqualFold(name, "EVALSHA") || strings.EqualFold(name, "EVAL") {
		c.scripts.Add(1)
	}
	return c.Client.Do(ctx, cmd)
}

func (c *countingClient) Mode() rueidis.ClientMode {
	if c.cluster {
		return rueidis.ClientModeCluster
	}
	return c.Client.Mode()
}

func newCountingApp(t *testing.T, cluster, soldOutL1 bool, ttl time.Duration) (*shop.App, *countingClient) {
	t.Helper()
	ns := devenv.Redis(t)
	c := &countingClient{Client: ns.Client, cluster: cluster}
	a, err := shop.NewApp(c, shop.AppConfig{Config: shop.Config{Prefix: ns.Prefix, ReservationTTL: ttl, SoldOutL1: soldOutL1}})
	require.NoError(t, err)
	return a, c
}

// With SoldOutL1, once the script has answered sold out, the next
// sold-out answers come without a script; a key that reserved before
// still replays its reservation, a key used for another payload is still
// a conflict, and stock coming back puts the product on sale again.
func TestSoldOutL1(t *testing.T) {
	ctx := context.Background()
	a, c := newCountingApp(t, false, true, 300*time.Millisecond)
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "sku", Name: "x", Price: "1.00"}, 2))
	req := func(key string, qty int) shop.ReserveRequest {
		return shop.ReserveRequest{UserID: "u", ProductID: "sku", Quantity: qty, IdempotencyKey: key}
	}
	first, err := a.Reserve(ctx, req("k1", 2), "1.00")
	require.NoError(t, err)
	_, err = a.Reserve(ctx, req("k2", 1), "1.00")
	require.ErrorIs(t, err, shop.ErrSoldOut, "the script's answer")

	before := c.scripts.Load()
	for i := range 20 {
		_, err = a.Reserve(ctx, req("n"+string(rune('a'+i)), 1), "1.00")
		require.ErrorIs(t, err, shop.ErrSoldOut)
	}
	require.Equal(t, before, c.scripts.Load(), "sold-out answers from L1 run no script")

	again, err := a.Reserve(ctx, req("k1", 2), "1.00")
	require.NoError(t, err, "a key that reserved replays its reservation")
	require.True(t, again.Replayed)
	require.Equal(t, first.ID, again.ID)
	_, err = a.Reserve(ctx, req("k1", 1), "1.00")
	require.ErrorIs(t, err, shop.ErrIdempotencyConflict)

	// The reservation expires and its stock comes back: on sale again.
	time.Sleep(350 * time.Millisecond)
	n, err := a.Reap(ctx, "sku")
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	require.Eventually(t, func() bool {
		_, err := a.Reserve(ctx, req("k3", 1), "1.00")
		return err == nil
	}, 3*time.Second, 20*time.Millisecond, "restocked units sell")
	cnt, err := a.Counts(ctx, "sku")
	require.NoError(t, err)
	require.Equal(t, shop.Counts{Initial: 2, Stock: 1, Held: 1}, cnt)
}

// One round trip per reservation on a single server (the claim is in the
// script); on Redis Cluster the claim is a command of its own before it.
// Both paths keep the idempotency rules, and a sold-out answer is not
// stored: the key sells once stock is back.
func TestReserveClaimPaths(t *testing.T) {
	for _, cluster := range []bool{false, true} {
		t.Run(map[bool]string{false: "single", true: "cluster"}[cluster], func(t *testing.T) {
			ctx := context.Background()
			a, c := newCountingApp(t, cluster, false, time.Minute)
			require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "a", Name: "x", Price: "1.00"}, 1))
			require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "b", Name: "y", Price: "1.00"}, 5))
			before := c.scripts.Load()
			r, err := a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "a", Quantity: 1, IdempotencyKey: "k"}, "1.00")
			require.NoError(t, err)
			require.Equal(t, before+1, c.scripts.Load())
			// The key is bound to its payload across products.
			_, err = a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "b", Quantity: 1, IdempotencyKey: "k"}, "1.00")
			require.ErrorIs(t, err, shop.ErrIdempotencyConflict)
			again, err := a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "a", Quantity: 1, IdempotencyKey: "k"}, "1.00")
			require.NoError(t, err)
			require.Equal(t, r.ID, again.ID)
			// A sold-out answer is not stored under its key.
			_, err = a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "a", Quantity: 1, IdempotencyKey: "late"}, "1.00")
			require.ErrorIs(t, err, shop.ErrSoldOut)
			_, err = a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "a", Quantity: 1, IdempotencyKey: "late"}, "1.00")
			require.ErrorIs(t, err, shop.ErrSoldOut, "a retry is answered from the stock of its time")
			if !cluster {
				// On one server the key stays free; on a cluster its claim
				// (made before the script) binds it to its first payload.
				_, err = a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "b", Quantity: 1, IdempotencyKey: "late"}, "1.00")
				require.NoError(t, err)
			}
			cnt, err := a.Counts(ctx, "a")
			require.NoError(t, err)
			require.Equal(t, shop.Counts{Initial: 1, Stock: 0, Held: 1}, cnt)
		})
	}
}

// Over HTTP, a sold-out answer from L1 comes before the rate limit: a user
// whose limit is spent still gets 409 sold_out (not 429), with no script
// run (neither the limit's nor the reservation's); a request that may sell
// (a key that reserved before) still passes the limit.
func TestSoldOutL1BeforeRateLimit(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	c := &countingClient{Client: ns.Client}
	a, err := shop.NewApp(c, shop.AppConfig{Config: shop.Config{Prefix: ns.Prefix, ReservationTTL: time.Minute, SoldOutL1: true},
		UserLimit: ratelimit.Limit{Rate: 2, Period: time.Hour, Burst: 2}})
	require.NoError(t, err)
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "sku", Name: "x", Price: "1.00"}, 1))
	h := a.Handler()
	post := func(key string) *httptest.ResponseRecorder {
		return do(h, http.MethodPost, "/reservations", `{"productId":"sku","quantity":1}`,
			map[string]string{shop.HeaderUser: "u1", shop.HeaderIdempotency: key})
	}
	require.Equal(t, http.StatusCreated, post("k1").Code)
	w := post("k2") // the script's sold-out answer flags the product
	require.Equal(t, http.StatusConflict, w.Code)
	require.Contains(t, w.Body.String(), `"code":"sold_out"`)
	before := c.scripts.Load()
	for i := range 10 {
		w := post("late" + strconv.Itoa(i))
		require.Equal(t, http.StatusConflict, w.Code, "sold out, not rate limited, although the limit (2) is spent")
		require.Contains(t, w.Body.String(), `"code":"sold_out"`)
	}
	require.Equal(t, before, c.scripts.Load(), "no script for sold-out answers from L1, not even the rate limit's")
	require.Equal(t, http.StatusTooManyRequests, post("k1").Code, "a replay may sell: it passes the limit, which is spent")
}

// On one server a reservation checks the caller's rate limit in its own
// script (one round trip): the limit is the one redis/ratelimit's Limiter
// keeps on the same key. Two users, one through POST /reservations and
// one through the Limiter, get the same answers and headers step by step;
// requests through both paths spend one limit; a refused reservation
// writes nothing; a product not read from the catalog yet takes the
// limit's own script first.
func TestReserveLimitedSharesTheLimit(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	c := &countingClient{Client: ns.Client}
	limit := ratelimit.Limit{Rate: 3, Period: time.Hour, Burst: 3}
	a, err := shop.NewApp(c, shop.AppConfig{Config: shop.Config{Prefix: ns.Prefix, ReservationTTL: time.Minute}, UserLimit: limit})
	require.NoError(t, err)
	lim, err := ratelimit.New(ns.Client, ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: limit, Prefix: ns.Prefix + "rl:"})
	require.NoError(t, err)
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "sku", Name: "x", Price: "1.00"}, 100))
	h := a.Handler()
	post := func(user, key string) *httptest.ResponseRecorder {
		return do(h, http.MethodPost, "/reservations", `{"productId":"sku","quantity":1}`,
			map[string]string{shop.HeaderUser: user, shop.HeaderIdempotency: key})
	}
	for i := range 5 {
		before := c.scripts.Load()
		w := post("a", "k"+strconv.Itoa(i))
		require.Equal(t, before+1, c.scripts.Load(), "one script: the limit and the reservation together")
		res, err := lim.Allow(ctx, "user:b", nil)
		require.NoError(t, err)
		want := httptest.NewRecorder()
		ratelimit.SetHeaders(want.Header(), res)
		for _, name := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"} {
			require.Equal(t, want.Header().Get(name), w.Header().Get(name), "step %d: header %s", i, name)
		}
		if res.Allowed {
			require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
		} else {
			require.Equal(t, http.StatusTooManyRequests, w.Code, w.Body.String())
			require.Contains(t, w.Body.String(), `"code":"rate_limited"`)
		}
	}
	cnt, err := a.Counts(ctx, "sku")
	require.NoError(t, err)
	require.Equal(t, shop.Counts{Initial: 100, Stock: 97, Held: 3}, cnt, "refused reservations write nothing")

	// One limit across both paths: two requests through the Limiter leave
	// one for a reservation.
	for range 2 {
		res, err := lim.Allow(ctx, "user:c", nil)
		require.NoError(t, err)
		require.True(t, res.Allowed)
	}
	require.Equal(t, http.StatusCreated, post("c", "c1").Code)
	res, err := lim.Allow(ctx, "user:c", nil)
	require.NoError(t, err)
	require.False(t, res.Allowed, "the reservation spent the last request of the Limiter's key")
	require.Equal(t, http.StatusTooManyRequests, post("c", "c2").Code)
}

// With the catalog in PostgreSQL the limit stays in front of the catalog's
// loader: a product this process has not read yet (or an unknown one)
// takes the limit's own script first, and a refused caller reaches neither
// the catalog nor the reservation; once the product was read, the limit is
// part of the reservation's script.
func TestReserveLimitBeforeCatalogLoad(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	c := &countingClient{Client: ns.Client}
	a, err := shop.NewApp(c, shop.AppConfig{Config: shop.Config{Prefix: ns.Prefix, ReservationTTL: time.Minute},
		PG: devenv.Postgres(t), UserLimit: ratelimit.Limit{Rate: 3, Period: time.Hour, Burst: 3}})
	require.NoError(t, err)
	require.NoError(t, a.Prepare(ctx))
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "lim-p", Name: "x", Price: "9.99"}, 10))
	h := a.Handler()
	post := func(product, key string) *httptest.ResponseRecorder {
		return do(h, http.MethodPost, "/reservations", `{"productId":"`+product+`","quantity":1}`,
			map[string]string{shop.HeaderUser: "u1", shop.HeaderIdempotency: key})
	}
	scripts := func(f func()) int64 {
		before := c.scripts.Load()
		f()
		return c.scripts.Load() - before
	}
	require.Equal(t, http.StatusCreated, post("lim-p", "k1").Code) // the limit's script, the catalog's, the reservation's
	require.Equal(t, int64(1), scripts(func() { require.Equal(t, http.StatusCreated, post("lim-p", "k2").Code) }),
		"product read before: one script")
	w := post("no-such-product", "k3") // spends the limit, as any request
	require.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"code":"unknown_product"`)
	require.Equal(t, http.StatusTooManyRequests, post("other-p", "k4").Code, "the limit (3) is spent before the catalog is read")
	require.Equal(t, http.StatusTooManyRequests, post("lim-p", "k5").Code)
	cnt, err := a.Counts(ctx, "lim-p")
	require.NoError(t, err)
	require.Equal(t, shop.Counts{Initial: 10, Stock: 8, Held: 2}, cnt)
}
