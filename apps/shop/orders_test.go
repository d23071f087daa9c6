package shop_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
)

// newFullApp returns an App on all three stores (fresh database, prefix
// and MongoDB database), prepared.
func newFullApp(t *testing.T, ttl time.Duration) *shop.App {
	t.Helper()
	ns := devenv.Redis(t)
	a, err := shop.NewApp(ns.Client, shop.AppConfig{Config: shop.Config{Prefix: ns.Prefix, ReservationTTL: ttl},
		PG: devenv.Postgres(t), Mongo: devenv.Mongo(t), UserLimit: unlimited})
	require.NoError(t, err)
	require.NoError(t, a.Prepare(t.Context()))
	return a
}

// Confirmed orders reach PostgreSQL (order + item + outbox in one
// transaction) and, through the worker, the inventory (once) and MongoDB
// (once), with exact totals; concurrent confirms of one reservation write
// one order.
func TestConfirmWritesOrderOutboxInventoryAndHistory(t *testing.T) {
	a := newFullApp(t, time.Minute)
	ctx := context.Background()
	ids := []string{"o-a", "o-b"}
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: ids[0], Name: "A", Price: "19.99"}, 50))
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: ids[1], Name: "B", Price: "0.10"}, 50))

	var observed []string
	var mu sync.Mutex
	for i := range 30 {
		pid := ids[i%2]
		res, err := a.Reserve(ctx, shop.ReserveRequest{UserID: fmt.Sprintf("u%d", i%4), ProductID: pid, Quantity: 1 + i%3, IdempotencyKey: fmt.Sprintf("k%d", i)}, map[string]string{"o-a": "19.99", "o-b": "0.10"}[pid])
		require.NoError(t, err)
		if i%5 == 4 {
			continue // this buyer never pays
		}
		// Three concurrent confirms of the same reservation: one order.
		var wg sync.WaitGroup
		got := make([]string, 3)
		for j := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := a.ConfirmOrder(ctx, res.UserID, pid, res.ID)
				if err != nil {
					t.Errorf("confirm: %v", err)
					return
				}
				got[j] = c.OrderID
			}()
		}
		wg.Wait()
		require.Equal(t, got[0], got[1])
		require.Equal(t, got[0], got[2])
		mu.Lock()
		observed = append(observed, got[0])
		mu.Unlock()
	}
	backlog, err := a.Store().OutboxBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(len(observed)), backlog, "one outbox row per order, none processed yet")

	// Two workers (two processes) drain the outbox concurrently.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); require.NoError(t, a.Drain(ctx)) }()
	}
	wg.Wait()
	v, err := a.Verify(ctx, ids, observed)
	require.NoError(t, err)
	require.True(t, v.OK(), "%v", v.Problems)
	require.Equal(t, int64(len(observed)), v.Orders)
	require.Equal(t, int64(len(observed)), v.Changes)
	require.Equal(t, int64(len(observed)), v.HistoryDocs)

	// Processing again changes nothing.
	n, err := a.WorkOnce(ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	doc, err := a.History().Get(ctx, observed[0])
	require.NoError(t, err)
	require.NotNil(t, doc)
	require.Equal(t, "processing", doc.Status)
	require.Len(t, doc.Timeline, 2)
	require.Len(t, doc.Items, 1)
	require.False(t, doc.CreatedAt.IsZero(), "timestamps maintained")

	// The user's orders over HTTP, newest first, totals exact.
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/orders", nil)
	req.Header.Set(shop.HeaderUser, "u1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var orders []shop.OrderView
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&orders))
	require.NotEmpty(t, orders)
	for i, o := range orders {
		require.Len(t, o.Items, 1)
		it := o.Items[0]
		cents := map[string]int{"19.99": 1999, "0.10": 10}[it.Price]
		require.NotZero(t, cents, it.Price)
		want := fmt.Sprintf("%d.%02d", cents*it.Quantity/100, cents*it.Quantity%100)
		require.Equal(t, want, o.Total)
		if i > 0 {
			require.False(t, o.CreatedAt.After(orders[i-1].CreatedAt))
		}
	}
	require.True(t, strings.HasPrefix(orders[0].Status, "PROCESSING"))
}

// unlimited lets tests send as many requests per user as they like.
var unlimited = ratelimit.Limit{Rate: 1e6, Period: time.Second, Burst: 1e6}
