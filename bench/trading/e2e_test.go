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
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/apps/trading"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/loadgen"
)

// BenchmarkEndToEnd: orders at a constant rate against the whole platform
// on the real stores — Serializable placement batched by the node's placer
// (group commit), fsynced journal (group commit), engine, settlement in
// PostgreSQL, audit log in MongoDB, market data in Redis — once over the
// WebSocket order stream (a few connections, orders pipelined) and once
// over HTTP (POST /orders, one request each: the baseline), in the same
// run. Every second order crosses the one before it, so half the orders
// trade. Reports the orders/s and trades/s sustained (from the first send
// to the last acknowledgement); the acknowledgement
// latency (answered once the order is reserved in PostgreSQL and durable
// in the journal: the "order in → journaled → acknowledged"),
// measured from each order's scheduled send time (open loop, so a stall
// counts against every order it delays) as p50/p99; the latency from a
// taker's send to its trade being settled and published; the CPU time per
// order of this process (load generator, transport both ways, node) and of
// the PostgreSQL backends, which do not depend much on what else the
// machine runs; orders per placement transaction and the mean time of a
// batch's transaction (tx-ms) and of its journal group commit
// (journal-ms), the two steps of the acknowledgement; the failed
// orders; and the scheduling latency of the process's goroutines during
// the load (sched-p50/p99/p99.9-µs: the time from runnable to running,
// runtime/metrics "/sched/latencies:seconds", bucket upper bounds), what
// an acknowledgement waits for when the process's goroutines queue for
// its two Ps.
// Transports: "ws" is the WebSocket stream acknowledging at intake (valid
// and durable in the intake journal; the reservation follows, and its
// "placed" message is reported as placed-p50/p99-ms); "ws-placed" is the
// same stream opened with ?ack=placed, acknowledging once reserved and
// journaled (the path before the intake, the baseline of "ws"); "http" is
// POST /orders (synchronous, reserved and journaled).
// One run per rate and transport, whatever b.N; set
// POLYSTORE_TRADING_E2E_RATE to run one rate (e.g. 10000),
// POLYSTORE_TRADING_E2E_TRANSPORTS to choose transports (default
// "ws,ws-placed,http"), POLYSTORE_TRADING_E2E_CONNS for the WebSocket
// connections (default 4), POLYSTORE_TRADING_E2E_SHARDS for the
// placer's shards (default the node's) and POLYSTORE_TRADING_E2E_JOURNAL
// for the journals' files: "prealloc" (default: zeros written ahead,
// fdatasync), "grow" (the file grows with each group, fsync; the journal
// before preallocation), or both, e.g. "grow,prealloc", run one after the
// other for each transport. The intake journal's group commits are
// reported as intake-groups/s, intake-records/group, intake-sync-ms (write
// and sync per group) and intake-fullsync-% (groups synced with fsync).
// POLYSTORE_TRADING_E2E_MONGO=process serves the audit log from the
// embedded MongoDB-compatible server in a child process at nice 19 instead
// of in this process (auditMongo). POLYSTORE_TRADING_E2E_INTAKE=memory puts
// the intake journal on /dev/shm (a diagnostic: the ack without the disk's
// flush; nothing there is durable).
func BenchmarkEndToEnd(b *testing.B) {
	raiseFileLimit(b)
	rates := []int{2000, 10000}
	if r, err := strconv.Atoi(os.Getenv("POLYSTORE_TRADING_E2E_RATE")); err == nil && r > 0 {
		rates = []int{r}
	}
	conns := 4
	if c, err := strconv.Atoi(os.Getenv("POLYSTORE_TRADING_E2E_CONNS")); err == nil && c > 0 {
		conns = c
	}
	transports := []string{"ws", "ws-placed", "http"}
	if t := os.Getenv("POLYSTORE_TRADING_E2E_TRANSPORTS"); t != "" {
		transports = strings.Split(t, ",")
	}
	journals := []string{"prealloc"}
	if j := os.Getenv("POLYSTORE_TRADING_E2E_JOURNAL"); j != "" {
		journals = strings.Split(j, ",")
	}
	for _, rate := range rates {
		for _, tr := range transports {
			for _, jn := range journals {
				prealloc := 0
				switch jn {
				case "prealloc":
				case "grow":
					prealloc = -1
				default:
					b.Fatalf("unknown journal %q", jn)
				}
				b.Run(fmt.Sprintf("rate=%d/%s/journal=%s", rate, tr, jn), func(b *testing.B) {
					switch tr {
					case "ws":
						endToEnd(b, rate, 5*time.Second, conns, false, prealloc)
					case "ws-placed":
						endToEnd(b, rate, 5*time.Second, conns, true, prealloc)
					case "http":
						endToEnd(b, rate, 5*time.Second, 0, false, prealloc)
					default:
						b.Fatalf("unknown transport %q", tr)
					}
				})
			}
		}
	}
}

// raiseFileLimit lifts the soft limit on open files to the hard one: the
// HTTP baseline opens a connection per request in flight.
func raiseFileLimit(b *testing.B) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		b.Logf("open files limit: %v", err)
		return
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			b.Logf("open files limit: %v", err)
		}
	}
}

// e2eRun is what one transport's run measured.
type e2eRun struct {
	mu      sync.Mutex
	started map[int64]time.Time // order id → its scheduled send (ws) or its request's start (http)
	ack     []time.Duration
	placedL []time.Duration // at intake: from the due time to the "placed" message
	failed  int
	codes   map[string]int // failures by cause

	first, last time.Time // the first send, the last acknowledgement

	client []clientAck // the intake acks' client-side stages (ackStages)
}

func (r *e2eRun) acked(orderID int64, sent time.Time, lat time.Duration) {
	r.mu.Lock()
	r.started[orderID] = sent
	r.mu.Unlock()
	r.ackedAt(sent, lat)
}

// intakeAcked records an acknowledgement at intake (the order's id comes
// later, with its placement) and its client-side stages.
func (r *e2eRun) intakeAcked(sent time.Time, lat time.Duration, seq uint64, wrote time.Time) {
	r.mu.Lock()
	r.client = append(r.client, clientAck{seq: seq, due: sent.UnixNano(), wrote: wrote.UnixNano(), recv: sent.Add(lat).UnixNano()})
	r.mu.Unlock()
	r.ackedAt(sent, lat)
}

func (r *e2eRun) ackedAt(sent time.Time, lat time.Duration) {
	r.mu.Lock()
	r.ack = append(r.ack, lat)
	if r.first.IsZero() || sent.Before(r.first) {
		r.first = sent
	}
	if at := sent.Add(lat); at.After(r.last) {
		r.last = at
	}
	r.mu.Unlock()
}

// placed records the placement that follows an intake acknowledgement.
func (r *e2eRun) placed(orderID int64, sent time.Time, lat time.Duration) {
	r.mu.Lock()
	r.started[orderID] = sent
	r.placedL = append(r.placedL, lat)
	r.mu.Unlock()
}

func (r *e2eRun) fail(cause string) {
	r.mu.Lock()
	r.failed++
	r.codes[cause]++
	r.mu.Unlock()
}

// e2eOrder is the i-th order of the load: alternately a sell and a buy of
// 0.01 BTC at 30,000 by the accounts in turn.
func e2eOrder(accounts []int, i int64) trading.OrderRequest {
	side := "sell"
	if i%2 == 1 {
		side = "buy"
	}
	return trading.OrderRequest{AccountID: accounts[int(i)%len(accounts)], Symbol: "BTC-USD", Side: side,
		Price: "30000.00", Quantity: "0.0100"}
}

// endToEnd runs one rate over the WebSocket stream (conns > 0
// connections; acknowledged at intake, or once placed with placedAck) or
// over HTTP (conns == 0).
func endToEnd(b *testing.B, rate int, duration time.Duration, conns int, placedAck bool, prealloc int) {
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
	shards, _ := strconv.Atoi(os.Getenv("POLYSTORE_TRADING_E2E_SHARDS")) // 0: the node's default
	// POLYSTORE_TRADING_E2E_SYNCDEPTH: the journals' group commits syncing
	// at once (journal.Options.SyncDepth; 0, the default, and 1: one at a
	// time; 2: overlapping).
	depth, _ := strconv.Atoi(os.Getenv("POLYSTORE_TRADING_E2E_SYNCDEPTH"))
	// POLYSTORE_TRADING_E2E_NICE: NodeConfig.BackgroundNice (the bulk
	// stages on threads of this nice value; with GOMAXPROCS above the cores).
	nice, _ := strconv.Atoi(os.Getenv("POLYSTORE_TRADING_E2E_NICE"))
	// POLYSTORE_TRADING_E2E_INTAKE=memory: a diagnostic, not a setting. The
	// intake journal goes to a memory file system (/dev/shm), where its
	// sync costs nothing and guarantees nothing: the ack's p99 without the
	// disk's flush, the rest of the path unchanged.
	var intakePath string
	switch m := os.Getenv("POLYSTORE_TRADING_E2E_INTAKE"); m {
	case "", "disk":
	case "memory":
		dir, err := os.MkdirTemp("/dev/shm", "polystore-intake-")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		intakePath = filepath.Join(dir, "intake")
	default:
		b.Fatalf("POLYSTORE_TRADING_E2E_INTAKE=%q: want disk or memory", m)
	}
	node, err := trading.StartNode(ctx, trading.NodeConfig{Store: store, JournalPath: filepath.Join(b.TempDir(), "journal"),
		IntakePath: intakePath, Redis: rns.Client, KeyPrefix: rns.Prefix, Mongo: auditMongo(b), PlaceShards: shards, JournalPreallocate: prealloc,
		JournalSyncDepth: depth, BackgroundNice: nice})
	if err != nil {
		b.Fatal(err)
	}
	defer node.Close()
	api, err := trading.NewAPI(store, node)
	if err != nil {
		b.Fatal(err)
	}
	tracer := newAckTracer()
	api.AckTrace = tracer.trace
	srv := httptest.NewServer(api.Handler())
	defer srv.Close()

	run := &e2eRun{started: map[int64]time.Time{}, codes: map[string]int{}}
	var mu sync.Mutex
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
	trades0 := node.Trades()
	ps0 := node.PlacerStats()
	_, is0 := node.JournalStats()
	cpu0, pg0 := processCPU(), pgCPU(ctx, pool)
	sched0 := schedHist()
	var clientCPU time.Duration // the load child's, when the load runs in one
	b.ResetTimer()
	if conns > 0 {
		url := "ws" + strings.TrimPrefix(srv.URL, "http") + trading.PathStream
		if loadInChild(b) {
			clientCPU = wsLoadInChild(ctx, b, url, rate, duration, conns, placedAck, accounts, run)
		} else if err := wsLoad(ctx, url, rate, duration, conns, placedAck, accounts, run); err != nil {
			b.Fatal(err)
		}
	} else {
		httpLoad(ctx, b, srv.URL+trading.PathOrders, rate, duration, accounts, run)
	}
	sched1 := schedHist()
	// Wait for the last trades to be settled and published.
	want := int64(len(run.ack) / 2)
	deadline := time.Now().Add(30 * time.Second)
	for node.Trades()-trades0 < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cpu, pgcpu := processCPU()-cpu0, pgCPU(ctx, pool)-pg0
	ps := node.PlacerStats()
	_, is := node.JournalStats()
	b.StopTimer()
	stop()
	trades := node.Trades() - trades0
	mu.Lock()
	var e2e []time.Duration
	for id, at := range settled {
		if t0, ok := run.started[id]; ok {
			e2e = append(e2e, at.Sub(t0))
		}
	}
	mu.Unlock()
	if run.failed > 0 {
		b.Logf("%d orders failed (%v)", run.failed, run.codes)
	}
	placed := len(run.ack)
	if placed == 0 || len(e2e) == 0 {
		b.Fatalf("nothing placed or settled: %d placed, %d matched", placed, len(e2e))
	}
	slices.Sort(run.ack)
	slices.Sort(e2e)
	pct := func(l []time.Duration, p int) float64 { return float64(l[len(l)*p/100].Microseconds()) / 1000 }
	// Rates over the time from the first send to the last acknowledgement:
	// what the platform sustained, whatever the schedule asked.
	elapsed := run.last.Sub(run.first)
	b.ReportMetric(float64(placed)/elapsed.Seconds(), "orders/s")
	b.ReportMetric(float64(trades)/elapsed.Seconds(), "trades/s")
	b.ReportMetric(pct(run.ack, 50), "ack-p50-ms")
	b.ReportMetric(pct(run.ack, 99), "ack-p99-ms")
	if len(run.placedL) > 0 {
		slices.Sort(run.placedL)
		b.ReportMetric(pct(run.placedL, 50), "placed-p50-ms")
		b.ReportMetric(pct(run.placedL, 99), "placed-p99-ms")
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(placed), "proc-cpu-µs/order")
	b.ReportMetric(float64(pgcpu.Microseconds())/float64(placed), "pg-cpu-µs/order")
	if clientCPU > 0 {
		b.ReportMetric(float64(clientCPU.Microseconds())/float64(placed), "client-cpu-µs/order")
	}
	nb := float64(max(ps.Batches-ps0.Batches, 1))
	b.ReportMetric(float64(ps.Orders-ps0.Orders)/nb, "orders/tx")
	b.ReportMetric(float64((ps.Transaction-ps0.Transaction).Microseconds())/1000/nb, "tx-ms")
	b.ReportMetric(float64((ps.Commit-ps0.Commit).Microseconds())/1000/nb, "journal-ms")
	if g := float64(is.Groups - is0.Groups); g > 0 {
		b.ReportMetric(g/elapsed.Seconds(), "intake-groups/s")
		b.ReportMetric(float64(is.Records-is0.Records)/g, "intake-records/group")
		b.ReportMetric(float64((is.Sync-is0.Sync).Microseconds())/1000/g, "intake-sync-ms")
		b.ReportMetric(100*float64(is.FullSyncs-is0.FullSyncs)/g, "intake-fullsync-%")
		b.ReportMetric(syncQuantile(is0.SyncHist, is.SyncHist, 0.99), "intake-sync-p99-max-ms")
	}
	b.ReportMetric(pct(e2e, 50), "settled-p50-ms")
	b.ReportMetric(pct(e2e, 99), "settled-p99-ms")
	b.ReportMetric(float64(run.failed), "failed")
	b.ReportMetric(schedQuantile(sched0, sched1, 0.50), "sched-p50-µs")
	b.ReportMetric(schedQuantile(sched0, sched1, 0.99), "sched-p99-µs")
	b.ReportMetric(schedQuantile(sched0, sched1, 0.999), "sched-p99.9-µs")
	tracer.mu.Lock()
	reportAckStages(b, run.client, tracer.byS)
	tracer.mu.Unlock()
}

// httpLoad posts the orders with the load generator (open loop, one
// request per order; each latency runs from the request's start).
func httpLoad(ctx context.Context, b *testing.B, url string, rate int, duration time.Duration, accounts []int, run *e2eRun) {
	var seq atomic.Int64
	targeter := func(t *loadgen.Target) error {
		body, _ := json.Marshal(e2eOrder(accounts, seq.Add(1)-1))
		t.Method, t.URL, t.Body = http.MethodPost, url, body
		t.Header = http.Header{"Content-Type": {"application/json"}}
		return nil
	}
	onResult := func(r *loadgen.Result) {
		if r.Code != http.StatusCreated {
			run.fail(strconv.Itoa(int(r.Code)) + " " + r.Error)
			return
		}
		var v trading.OrderView
		if json.Unmarshal(r.Body, &v) != nil {
			run.fail("bad body")
			return
		}
		run.acked(v.ID, r.Timestamp, r.Latency)
	}
	if _, err := loadgen.Run(ctx, loadgen.Config{Rate: rate, Duration: duration, Targeter: targeter, OnResult: onResult}); err != nil {
		b.Fatal(err)
	}
}
