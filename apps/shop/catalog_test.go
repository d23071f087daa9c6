package shop_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
)

// newPGApp returns an App on a fresh PostgreSQL database (migrated) and a
// fresh Redis prefix; more apps on the same stores model more processes.
func newPGApps(t *testing.T, n int, cfg shop.AppConfig) []*shop.App {
	t.Helper()
	pool := devenv.Postgres(t)
	ns := devenv.Redis(t)
	cfg.Prefix, cfg.PG = ns.Prefix, pool
	var apps []*shop.App
	for range n {
		a, err := shop.NewApp(ns.Client, cfg)
		require.NoError(t, err)
		require.NoError(t, a.Prepare(t.Context()))
		apps = append(apps, a)
	}
	return apps
}

// Migrate is idempotent: a second run on the migrated database plans
// nothing and succeeds.
func TestMigrateTwice(t *testing.T) {
	pool := devenv.Postgres(t)
	require.NoError(t, shop.Migrate(t.Context(), pool))
	require.NoError(t, shop.Migrate(t.Context(), pool))
	var n int
	require.NoError(t, pool.QueryRow(t.Context(), `SELECT count(*) FROM information_schema.tables WHERE table_name IN ('Product','Inventory','Order','OrderItem','OutboxEvent','InventoryChange')`).Scan(&n))
	require.Equal(t, 6, n)
}

// A cold start: 10,000 concurrent reads of three products, split over two
// App instances (two processes sharing Redis and PostgreSQL), reach
// PostgreSQL at most once per product within the TTL. Queries are counted
// from the orm's query events, one per statement sent.
//
// Both tests below run with and without the in-process L1 (CatalogL1).
func TestCatalogColdStartHitsPostgresOncePerProduct(t *testing.T) {
	for _, l1 := range []bool{false, true} {
		t.Run(map[bool]string{false: "redis", true: "l1"}[l1], func(t *testing.T) { testCatalogColdStart(t, l1) })
	}
}

func testCatalogColdStart(t *testing.T, l1 bool) {
	apps := newPGApps(t, 2, shop.AppConfig{SaleCatalogTTL: time.Minute, CatalogL1: l1})
	ctx := context.Background()
	ids := []string{"cold-a", "cold-b", "cold-c"}
	for i, id := range ids {
		require.NoError(t, apps[0].AddProduct(ctx, shop.Product{ID: id, Name: "item " + id, Price: []string{"19.99", "5", "0.50"}[i]}, 100))
	}
	for _, a := range apps {
		a.SetSaleRunning(true)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 10000)
	for i := range 10000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := ids[i%len(ids)]
			p, err := apps[i%2].Product(ctx, id)
			if err != nil {
				errs <- err
				return
			}
			if p.ID != id {
				errs <- errors.New("wrong product " + p.ID + " for " + id)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	q := apps[0].Store().ProductQueries() + apps[1].Store().ProductQueries()
	t.Logf("10,000 cold reads of %d products: %d PostgreSQL reads", len(ids), q)
	require.Equal(t, int64(len(ids)), q, "exactly one PostgreSQL read per product")

	p, err := apps[1].Product(ctx, "cold-c")
	require.NoError(t, err)
	require.Equal(t, "0.50", p.Price, "exact decimal from numeric(10,2)")
	_, err = apps[0].Product(ctx, "no-such-product")
	require.ErrorIs(t, err, shop.ErrUnknownProduct)
}

// While a sale runs, product reads are cached for the shorter TTL: a value
// loaded outside the sale outlives SaleCatalogTTL, one loaded during the
// sale is read again from PostgreSQL once it passed.
func TestCatalogShorterTTLDuringSale(t *testing.T) {
	for _, l1 := range []bool{false, true} {
		t.Run(map[bool]string{false: "redis", true: "l1"}[l1], func(t *testing.T) { testCatalogShorterTTL(t, l1) })
	}
}

func testCatalogShorterTTL(t *testing.T, l1 bool) {
	const saleTTL = 500 * time.Millisecond
	a := newPGApps(t, 1, shop.AppConfig{CatalogTTL: time.Minute, SaleCatalogTTL: saleTTL, CatalogL1: l1})[0]
	ctx := context.Background()
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "calm", Name: "calm", Price: "1.00"}, 1))
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: "hot", Name: "hot", Price: "2.00"}, 1))
	read := func(id string) {
		_, err := a.Product(ctx, id)
		require.NoError(t, err)
	}
	read("calm") // cached for a minute
	a.SetSaleRunning(true)
	read("hot") // cached for saleTTL (±10% jitter)
	require.Equal(t, int64(2), a.Store().ProductQueries())
	time.Sleep(saleTTL * 3)
	read("calm")
	require.Equal(t, int64(2), a.Store().ProductQueries(), "the normal TTL has not passed")
	read("hot")
	require.Equal(t, int64(3), a.Store().ProductQueries(), "the sale TTL passed: reloaded once")
}
