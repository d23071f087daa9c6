package trading

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/apps/trading"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/loadgen"
)

// BenchmarkEndToEnd: orders over HTTP at a constant rate against the
// whole platform on the real stores — Serializable placement batched by
// the node's placer (group commit), fsynced journal (group commit),
// engine, settlement in PostgreSQL, audit log in MongoDB, market data in
// Redis. Every second order crosses the one before it, so half the orders
// trade. Reports the orders/s and trades/s achieved; the acknowledgement
// latency (request → 201, answered once the order is reserved in
// PostgreSQL and durable in the journal: the issue's "order in →
// journaled → acknowledged") and the latency from a taker's request to its
// trade being settled and published, each as p50/p99; the CPU time per
// order of this process (load generator, HTTP both ways, node) and of the
// PostgreSQL backends, which do not depend on what else the machine runs;
// and the failed requests. One run per rate, whatever b.N; set
// POLYSTORE_TRADING_E2E_RATE to run one rate (e.g. 10000).
func BenchmarkEndToEnd(b *testing.B) {
	rates := []int{500, 2000}
	if r, err := strconv.Atoi(os.Getenv("POLYSTORE_TRADING_E2E_RATE")); err == nil && r > 0 {
		rates = []int{r}
	}
	for _, rate := range rates {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) { endToEnd(b, rate, 5*time.Second) })
	}
}

func endToEnd(b *testing.B, rate int, duration time.Duration) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(devenv.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = 32
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if err := trading.ApplySchema(ctx, pool); err != nil {
		b.Fatal(err)
	}
	store, err := trading.NewStore(pool, nil)
	if err != nil {
		b.Fatal(err)
	}
	accounts := make([]int, 100)
	for i := range accounts {
		if accounts[i], err = store.CreateAccount(ctx, fmt.Sprintf("acc%d", i), map[string]string{"USD": "100000000", "BTC": "100000"}); err != nil {
			b.Fatal(err)
		}
	}
	rns := devenv.Redis(b)
	node, err := trading.StartNode(ctx, trading.NodeConfig{Store: store, JournalPath: filepath.Join(b.TempDir(), "journal"),
		Redis: rns.Client, KeyPrefix: rns.Prefix, Mongo: devenv.Mongo(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer node.Close()
	api, err := trading.NewAPI(store, node)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(api.Handler())
	defer srv.Close()

	var mu sync.Mutex
	started := map[int64]time.Time{} // order id → its request's start
	settled := map[int64]time.Time{} // taker order id → its first trade published
	updates, stop := node.Subscribe(1 << 16)
	subDone := make(chan struct{})
	go func() {
		defer close(subDone)
		for u := range updates {
			now := time.Now()
			mu.Lock()
			for _, t := range u.Trades {
				taker := int64(t.BuyOrder)
				if t.TakerSide == "sell" {
					taker = int64(t.SellOrder)
				}
				if _, seen := settled[taker]; !seen {
					settled[taker] = now
				}
			}
			mu.Unlock()
		}
	}()
	var seq int64
	var seqMu sync.Mutex
	targeter := func(t *loadgen.Target) error {
		seqMu.Lock()
		i := seq
		seq++
		seqMu.Unlock()
		side := "sell"
		if i%2 == 1 {
			side = "buy"
		}
		body, _ := json.Marshal(trading.OrderRequest{AccountID: accounts[int(i)%len(accounts)], Symbol: "BTC-USD", Side: side,
			Price: "30000.00", Quantity: "0.0100"})
		t.Method, t.URL, t.Body = http.MethodPost, srv.URL+trading.PathOrders, body
		t.Header = http.Header{"Content-Type": {"application/json"}}
		return nil
	}
	var placeLat []time.Duration
	var failed int
	onResult := func(r *loadgen.Result) {
		if r.Code != http.StatusCreated {
			failed++
			return
		}
		var v trading.OrderView
		if json.Unmarshal(r.Body, &v) != nil {
			failed++
			return
		}
		placeLat = append(placeLat, r.Latency)
		mu.Lock()
		started[v.ID] = r.Timestamp
		mu.Unlock()
	}
	trades0 := node.Trades()
	cpu0, pg0 := processCPU(), pgCPU(ctx, pool)
	b.ResetTimer()
	rep, err := loadgen.Run(ctx, loadgen.Config{Rate: rate, Duration: duration, Targeter: targeter, OnResult: onResult})
	if err != nil {
		b.Fatal(err)
	}
	// Wait for the last trades to be settled and published.
	want := int64(len(placeLat) / 2)
	deadline := time.Now().Add(30 * time.Second)
	for node.Trades()-trades0 < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := rep.Duration
	cpu, pgcpu := processCPU()-cpu0, pgCPU(ctx, pool)-pg0
	b.StopTimer()
	stop()
	trades := node.Trades() - trades0
	mu.Lock()
	var e2e []time.Duration
	for id, at := range settled {
		if t0, ok := started[id]; ok {
			e2e = append(e2e, at.Sub(t0))
		}
	}
	mu.Unlock()
	if failed > 0 {
		b.Logf("%d requests failed (%s)", failed, loadgen.CodeString(rep.Codes))
	}
	if len(placeLat) == 0 || len(e2e) == 0 {
		b.Fatalf("nothing placed or settled: %d placed, %d matched", len(placeLat), len(e2e))
	}
	slices.Sort(placeLat)
	slices.Sort(e2e)
	pct := func(l []time.Duration, p int) float64 { return float64(l[len(l)*p/100].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(placeLat))/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(trades)/elapsed.Seconds(), "trades/s")
	b.ReportMetric(pct(placeLat, 50), "ack-p50-ms")
	b.ReportMetric(pct(placeLat, 99), "ack-p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(placeLat)), "proc-cpu-µs/order")
	b.ReportMetric(float64(pgcpu.Microseconds())/float64(len(placeLat)), "pg-cpu-µs/order")
	b.ReportMetric(pct(e2e, 50), "settled-p50-ms")
	b.ReportMetric(pct(e2e, 99), "settled-p99-ms")
	b.ReportMetric(float64(failed), "failed")
}
