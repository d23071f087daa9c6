package shop_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
)

// saleLoad drives buyers against a shop's HTTP API at base: each reserves
// 1-2 units with a fresh Idempotency-Key and confirms 70% of what it got.
// It records every answer and fails the test on a wrong one: a 5xx other
// than 503, a 503 without Retry-After, a 2xx that does not parse or names
// another product or quantity. Transport errors (the process is down) are
// counted apart: the caller saw no answer, not a wrong one.
type saleLoad struct {
	t       *testing.T
	base    string
	product string
	client  *http.Client

	mu        sync.Mutex
	observed  []string // order ids confirmed to buyers
	codes     map[int]int
	transport atomic.Int64
	seq       atomic.Int64
}

func newSaleLoad(t *testing.T, base, product string) *saleLoad {
	return &saleLoad{t: t, base: base, product: product, codes: map[int]int{},
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableKeepAlives: false}}}
}

func (l *saleLoad) post(path, user, key, body string) (int, []byte, bool) {
	req, _ := http.NewRequest(http.MethodPost, l.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(shop.HeaderUser, user)
	if key != "" {
		req.Header.Set(shop.HeaderIdempotency, key)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		l.transport.Add(1)
		return 0, nil, false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	l.mu.Lock()
	l.codes[resp.StatusCode]++
	l.mu.Unlock()
	switch {
	case resp.StatusCode == http.StatusServiceUnavailable:
		if resp.Header.Get("Retry-After") == "" {
			l.t.Errorf("503 without Retry-After: %s", b)
		}
	case resp.StatusCode >= 500:
		l.t.Errorf("wrong answer %d to %s: %s", resp.StatusCode, path, b)
	}
	return resp.StatusCode, b, true
}

// buyer runs until ctx is done.
func (l *saleLoad) buyer(ctx context.Context, id int) {
	for ctx.Err() == nil {
		n := l.seq.Add(1)
		user := "u" + strconv.Itoa(id)
		qty := 1 + int(n%2)
		code, body, ok := l.post("/reservations", user, "k"+strconv.FormatInt(n, 36), fmt.Sprintf(`{"productId":%q,"quantity":%d}`, l.product, qty))
		if !ok || code != http.StatusCreated {
			if !ok || code == http.StatusServiceUnavailable {
				time.Sleep(20 * time.Millisecond)
			}
			continue
		}
		var r shop.Reservation
		if err := json.Unmarshal(body, &r); err != nil || r.ProductID != l.product || r.Quantity != qty || r.ID == "" || r.Remaining < 0 {
			l.t.Errorf("wrong reservation answer: %s", body)
			continue
		}
		if rand.Float64() >= 0.7 {
			continue
		}
		code, body, ok = l.post("/orders", user, "", fmt.Sprintf(`{"productId":%q,"reservationId":%q}`, l.product, r.ID))
		if ok && (code == http.StatusCreated || code == http.StatusOK) {
			var o shop.OrderResult
			if err := json.Unmarshal(body, &o); err != nil || o.OrderID == "" || o.Quantity != qty || o.ProductID != l.product {
				l.t.Errorf("wrong order answer: %s", body)
				continue
			}
			l.mu.Lock()
			l.observed = append(l.observed, o.OrderID)
			l.mu.Unlock()
		}
	}
}

// run starts buyers, calls fault after a third of d, and returns when d
// has passed.
func (l *saleLoad) run(d time.Duration, buyers int, fault func()) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	for i := range buyers {
		wg.Add(1)
		go func() { defer wg.Done(); l.buyer(ctx, i) }()
	}
	time.Sleep(d / 3)
	fault()
	wg.Wait()
}

func (l *saleLoad) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("answers %v, %d without an answer (process down), %d orders confirmed to buyers", l.codes, l.transport.Load(), len(l.observed))
}

// waitSettled waits until no unit is held (the reservations' TTL passed
// and the reaper returned them), then drains the orders and verifies the
// three stores.
func waitSettled(t *testing.T, a *shop.App, product string, observed []string) *shop.Verification {
	t.Helper()
	ctx := context.Background()
	require.Eventually(t, func() bool {
		_, _ = a.ReapAll(ctx)
		c, err := a.Counts(ctx, product)
		return err == nil && c.Held == 0
	}, 30*time.Second, 100*time.Millisecond, "reservations expire and their stock returns")
	dctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	require.NoError(t, a.Drain(dctx))
	v, err := a.Verify(ctx, []string{product}, observed)
	require.NoError(t, err)
	require.True(t, v.OK(), "%v", v.Problems)
	require.Equal(t, v.Orders, v.Changes, "one inventory change per order")
	require.Equal(t, v.Orders, v.HistoryDocs, "one history document per order")
	require.GreaterOrEqual(t, v.Orders, int64(len(observed)))
	return v
}

// Redis (a private redis-server with an fsynced append-only file) is
// stopped and restarted mid-sale: meanwhile callers get 503 with
// Retry-After, never a wrong answer; afterwards initial = remaining + held
// + sold, every confirmed order is in PostgreSQL with one inventory change
// and one history document, including confirms whose answer was lost.
func TestRedisRestartMidSale(t *testing.T) {
	rp := devenv.StartRedis(t, "--appendonly", "yes", "--appendfsync", "always")
	opt, err := devenv.RedisOption(rp.URL())
	require.NoError(t, err)
	opt.DisableCache = true
	client, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	a, err := shop.NewApp(client, shop.AppConfig{Config: shop.Config{Prefix: "fault:", ReservationTTL: 2 * time.Second},
		PG: devenv.Postgres(t), Mongo: devenv.Mongo(t), UserLimit: unlimited})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, a.Prepare(ctx))
	const product = "fault-redis"
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: product, Name: "x", Price: "12.34"}, 300))
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.RunWorker(wctx) }()
	go func() { defer wg.Done(); a.RunReaper(wctx) }()
	defer func() { stop(); wg.Wait() }()

	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	load := newSaleLoad(t, srv.URL, product)
	load.run(4*time.Second, 6, func() {
		require.NoError(t, rp.Stop())
		time.Sleep(time.Second)
		require.NoError(t, rp.Restart(ctx))
	})
	t.Log(load.summary())
	// Six buyers for a second of outage: with fail-fast Redis calls each
	// sees many quick 503s. A client that retried read-only commands until
	// Redis came back (rueidis's default) held the requests instead and
	// answered a handful at most.
	require.GreaterOrEqual(t, load.codes[http.StatusServiceUnavailable], 20, "the outage was seen as 503s at once")
	require.NotEmpty(t, load.observed, "orders were confirmed")
	v := waitSettled(t, a, product, load.observed)
	t.Logf("after the restart: %d orders, %d units, %d inventory changes, %d history documents", v.Orders, v.OrderedUnits, v.Changes, v.HistoryDocs)
}
