package shop_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
)

func TestMain(m *testing.M) { devenv.Main(m) }

func long() bool { return os.Getenv("POLYSTORE_LONG") == "1" }

func newApp(t *testing.T, ttl time.Duration) *shop.App {
	t.Helper()
	ns := devenv.Redis(t)
	a, err := shop.NewApp(ns.Client, shop.AppConfig{Config: shop.Config{Prefix: ns.Prefix, ReservationTTL: ttl}})
	require.NoError(t, err)
	return a
}

// 0 oversell: many concurrent buyers for few units. In CI: 5 trials × 2,000
// buyers for 100 units; with POLYSTORE_LONG=1 the full 100 trials × 10,000.
// Invariant at the end of each trial: initial = stock + held + sold, every
// unit demanded is reserved (stock 0, exactly 100 units held), and each
// successful buyer got distinct units.
func TestNoOversell(t *testing.T) {
	trials, buyers := 5, 2000
	if long() {
		trials, buyers = 100, 10000
	}
	a := newApp(t, time.Minute)
	ctx := context.Background()
	for trial := range trials {
		id := fmt.Sprintf("sku%d", trial)
		require.NoError(t, a.AddProduct(ctx, shop.Product{ID: id, Name: "x", Price: "1.00"}, 100))
		var reserved, soldOut atomic.Int64
		var wg sync.WaitGroup
		sem := make(chan struct{}, 256)
		for b := range buyers {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				res, err := a.Reserve(ctx, shop.ReserveRequest{UserID: fmt.Sprintf("u%d", b), ProductID: id, Quantity: 1,
					IdempotencyKey: fmt.Sprintf("k%d-%d", trial, b)}, "1.00")
				switch {
				case err == nil:
					require.Equal(t, 1, res.Quantity)
					reserved.Add(1)
				case errors.Is(err, shop.ErrSoldOut):
					soldOut.Add(1)
				default:
					t.Errorf("reserve: %v", err)
				}
			}()
		}
		wg.Wait()
		c, err := a.Counts(ctx, id)
		require.NoError(t, err)
		require.Equal(t, int64(100), reserved.Load(), "trial %d: every unit demanded is reserved, none twice", trial)
		require.Equal(t, int64(buyers-100), soldOut.Load())
		require.True(t, c.Balanced(), "%+v", c)
		require.Equal(t, shop.Counts{Initial: 100, Stock: 0, Held: 100, Sold: 0}, c)
	}
}

// 50 concurrent retries with one Idempotency-Key: one reservation, the same
// answer for all, and one order when each retry confirms.
func TestIdempotentRetries(t *testing.T) {
	a := newApp(t, time.Minute)
	ctx := context.Background()
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "sku", Name: "x", Price: "9.99"}, 10))
	req := shop.ReserveRequest{UserID: "alice", ProductID: "sku", Quantity: 2, IdempotencyKey: "retry-1"}
	ids := make([]string, 50)
	var replays atomic.Int64
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := a.Reserve(ctx, req, "9.99")
			require.NoError(t, err)
			ids[i] = res.ID
			if res.Replayed {
				replays.Add(1)
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		require.Equal(t, ids[0], id, "every retry gets the same reservation")
	}
	require.Equal(t, int64(49), replays.Load())
	c, err := a.Counts(ctx, "sku")
	require.NoError(t, err)
	require.Equal(t, shop.Counts{Initial: 10, Stock: 8, Held: 2}, c)

	orders := make([]string, 50)
	for i := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := a.Confirm(ctx, "alice", "sku", ids[0])
			require.NoError(t, err)
			orders[i] = o.OrderID
		}()
	}
	wg.Wait()
	for _, o := range orders {
		require.Equal(t, orders[0], o, "one order for all confirmations")
	}
	c, err = a.Counts(ctx, "sku")
	require.NoError(t, err)
	require.Equal(t, shop.Counts{Initial: 10, Stock: 8, Sold: 2}, c)

	// The same key with another payload is a conflict, for this product or another.
	_, err = a.Reserve(ctx, shop.ReserveRequest{UserID: "alice", ProductID: "sku", Quantity: 1, IdempotencyKey: "retry-1"}, "9.99")
	require.ErrorIs(t, err, shop.ErrIdempotencyConflict)
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "other", Name: "y", Price: "1.00"}, 10))
	_, err = a.Reserve(ctx, shop.ReserveRequest{UserID: "alice", ProductID: "other", Quantity: 2, IdempotencyKey: "retry-1"}, "1.00")
	require.ErrorIs(t, err, shop.ErrIdempotencyConflict)
	// Another user's key is another key.
	_, err = a.Reserve(ctx, shop.ReserveRequest{UserID: "bob", ProductID: "other", Quantity: 2, IdempotencyKey: "retry-1"}, "1.00")
	require.NoError(t, err)
}

// An expired reservation returns its stock exactly once, even when late
// confirmations race the reaper.
func TestExpiryRacesLateConfirm(t *testing.T) {
	a := newApp(t, 50*time.Millisecond)
	ctx := context.Background()
	const n = 200
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "sku", Name: "x", Price: "1.00"}, n))
	ids := make([]string, n)
	for i := range ids {
		res, err := a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "sku", Quantity: 1, IdempotencyKey: fmt.Sprint("k", i)}, "1.00")
		require.NoError(t, err)
		ids[i] = res.ID
	}
	time.Sleep(60 * time.Millisecond) // every reservation is due now
	var confirmed, expired atomic.Int64
	var returned atomic.Int64
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := a.Confirm(ctx, "u", "sku", id)
			switch {
			case err == nil:
				confirmed.Add(1)
			case errors.Is(err, shop.ErrReservationExpired):
				expired.Add(1)
			default:
				t.Errorf("confirm: %v", err)
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				k, err := a.Reap(ctx, "sku")
				require.NoError(t, err)
				returned.Add(k)
			}
		}()
	}
	wg.Wait()
	c, err := a.Counts(ctx, "sku")
	require.NoError(t, err)
	require.Zero(t, confirmed.Load(), "a confirmation after expiry never sells")
	require.Equal(t, int64(n), expired.Load())
	require.Equal(t, shop.Counts{Initial: n, Stock: n}, c, "every unit back on sale exactly once")
	require.LessOrEqual(t, returned.Load(), int64(n))
}

func TestValidation(t *testing.T) {
	long := string(make([]byte, shop.MaxIDLength+1))
	for name, tc := range map[string]struct {
		req   shop.ReserveRequest
		field string
	}{
		"no user":        {shop.ReserveRequest{ProductID: "p", Quantity: 1, IdempotencyKey: "k"}, "userId"},
		"no product":     {shop.ReserveRequest{UserID: "u", Quantity: 1, IdempotencyKey: "k"}, "productId"},
		"zero quantity":  {shop.ReserveRequest{UserID: "u", ProductID: "p", IdempotencyKey: "k"}, "quantity"},
		"negative":       {shop.ReserveRequest{UserID: "u", ProductID: "p", Quantity: -1, IdempotencyKey: "k"}, "quantity"},
		"huge":           {shop.ReserveRequest{UserID: "u", ProductID: "p", Quantity: 1 << 40, IdempotencyKey: "k"}, "quantity"},
		"long id":        {shop.ReserveRequest{UserID: "u", ProductID: long, Quantity: 1, IdempotencyKey: "k"}, "productId"},
		"odd characters": {shop.ReserveRequest{UserID: "u{x}", ProductID: "p", Quantity: 1, IdempotencyKey: "k"}, "userId"},
		"no key":         {shop.ReserveRequest{UserID: "u", ProductID: "p", Quantity: 1}, "Idempotency-Key"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.req.Validate()
			var e *shop.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, 400, e.Status)
			require.Equal(t, tc.field, e.Field)
		})
	}
}

// The reaper returns expired reservations a chunk at a time: across many
// chunks every expired, unconfirmed unit comes back exactly once, while
// confirmed reservations and reservations not yet due keep their units.
func TestReapInChunks(t *testing.T) {
	const ttl = 2 * time.Second
	a := newApp(t, ttl)
	ctx := context.Background()
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "sku", Name: "x", Price: "1.00"}, 1000))
	var expiring, sold, fresh int64
	for i := range 100 { // about three chunks
		qty := 1 + i%3
		res, err := a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "sku", Quantity: qty, IdempotencyKey: fmt.Sprint("k", i)}, "1.00")
		require.NoError(t, err)
		if i%10 == 0 {
			_, err := a.Confirm(ctx, "u", "sku", res.ID)
			require.NoError(t, err)
			sold += int64(qty)
		} else {
			expiring += int64(qty)
		}
	}
	time.Sleep(ttl + 100*time.Millisecond) // all of them due now
	for i := range 5 {
		_, err := a.Reserve(ctx, shop.ReserveRequest{UserID: "u", ProductID: "sku", Quantity: 2, IdempotencyKey: fmt.Sprint("fresh", i)}, "1.00")
		require.NoError(t, err)
		fresh += 2
	}
	n, err := a.Reap(ctx, "sku")
	require.NoError(t, err)
	require.Equal(t, expiring, n, "every expired unit, once")
	n, err = a.Reap(ctx, "sku")
	require.NoError(t, err)
	require.Zero(t, n, "nothing twice")
	c, err := a.Counts(ctx, "sku")
	require.NoError(t, err)
	require.Equal(t, shop.Counts{Initial: 1000, Stock: 1000 - sold - fresh, Held: fresh, Sold: sold}, c)
}
