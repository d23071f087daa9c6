package shop_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
)

// childConfig tells the shop subprocess which stores to use and where to
// listen.
type childConfig struct {
	PG, Redis, Prefix, MongoURL, MongoDB, Addr, Product string
}

const envChild = "POLYSTORE_SHOP_CHILD"

// openShop builds a prepared App on the stores of cfg with the product on
// sale (idempotent: a restart neither refills Redis nor PostgreSQL).
func openShop(t testing.TB, cfg childConfig) *shop.App {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, cfg.PG)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	opt, err := devenv.RedisOption(cfg.Redis)
	require.NoError(t, err)
	opt.DisableCache = true
	client, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	mc, err := mongo.Connect(options.Client().ApplyURI(cfg.MongoURL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = mc.Disconnect(context.Background()) })
	a, err := shop.NewApp(client, shop.AppConfig{Config: shop.Config{Prefix: cfg.Prefix, ReservationTTL: 2 * time.Second},
		PG: pool, Mongo: mc.Database(cfg.MongoDB), UserLimit: unlimited})
	require.NoError(t, err)
	require.NoError(t, a.Prepare(ctx))
	require.NoError(t, a.AddProduct(ctx, shop.Product{ID: cfg.Product, Name: "x", Price: "7.77"}, 300))
	return a
}

// TestShopChildProcess is the shop process of TestShopKilledMidSale: the
// test binary re-executes itself with this test selected. It serves until
// it is killed.
func TestShopChildProcess(t *testing.T) {
	raw := os.Getenv(envChild)
	if raw == "" {
		t.Skip("the subprocess of TestShopKilledMidSale")
	}
	var cfg childConfig
	require.NoError(t, json.Unmarshal([]byte(raw), &cfg))
	a := openShop(t, cfg)
	ctx := context.Background()
	go a.RunWorker(ctx)
	go a.RunReaper(ctx)
	require.NoError(t, http.ListenAndServe(cfg.Addr, a.Handler()))
}

// The shop runs as a subprocess and is SIGKILLed mid-sale, then restarted:
// callers get answers or no answer (connection refused), never a wrong
// one; afterwards initial = remaining + held + sold and every confirmed
// order — including those confirmed in Redis whose PostgreSQL write the
// kill interrupted — is in PostgreSQL with one inventory change and one
// history document.
func TestShopKilledMidSale(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	ns := devenv.Redis(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	cfg := childConfig{PG: devenv.PostgresURL(t), Redis: ns.URL, Prefix: ns.Prefix, MongoURL: devenv.MongoServer(t).URL,
		MongoDB: devenv.Mongo(t).Name(), Addr: addr, Product: "killed"}
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)

	var mu sync.Mutex
	var cmd *exec.Cmd
	start := func() {
		c := exec.Command(exe, "-test.run=^TestShopChildProcess$", "-test.count=1")
		c.Env = append(os.Environ(), envChild+"="+string(raw))
		c.Stdout, c.Stderr = os.Stderr, os.Stderr
		require.NoError(t, c.Start())
		mu.Lock()
		cmd = c
		mu.Unlock()
		require.Eventually(t, func() bool {
			resp, err := http.Get("http://" + addr + "/products")
			if err != nil {
				return false
			}
			_ = resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		}, 60*time.Second, 50*time.Millisecond, "the shop process serves")
	}
	kill := func() {
		mu.Lock()
		c := cmd
		mu.Unlock()
		_ = c.Process.Kill()
		_ = c.Wait()
	}
	start()
	t.Cleanup(kill)

	load := newSaleLoad(t, "http://"+addr, cfg.Product)
	load.run(5*time.Second, 6, func() {
		kill()
		start()
	})
	t.Log(load.summary())
	require.NotEmpty(t, load.observed, "orders were confirmed")
	kill()

	// The stores agree once the reservations expired and the orders drained.
	a := openShop(t, cfg)
	v := waitSettled(t, a, cfg.Product, load.observed)
	t.Logf("after the kill: %d orders, %d units, %d inventory changes, %d history documents", v.Orders, v.OrderedUnits, v.Changes, v.HistoryDocs)
}
