package shop

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"

	polyshop "github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/loadgen"
)

// Goals of the end-to-end run (issue "Reference system 1").
const (
	goalP99        = 20 * time.Millisecond
	goalSoldOutP99 = 5 * time.Millisecond
)

// envRates reads POLYSTORE_BENCH_RATES ("1000,2000,5000"), else def.
func envRates(def []int) []int {
	v := os.Getenv("POLYSTORE_BENCH_RATES")
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

func loadAvg() string {
	out, err := exec.Command("uptime").Output()
	if err != nil {
		return "?"
	}
	s := strings.TrimSpace(string(out))
	if i := strings.Index(s, "load average"); i >= 0 {
		return s[i:]
	}
	return s
}

// TestShopBenchTable prints the shop's benchmark table: reservation
// decisions/s on one hot SKU, polystore vs the guide in the same run, and
// `POST /shop/reservations` at constant rates (open loop, internal/loadgen)
// against the shop served over real HTTP on loopback with all its stores
// (its own PostgreSQL database, a private redis-server, the MongoDB
// history), up to the knee: the highest rate whose p99 stays within 20 ms
// with every request answered 201; the p99 at 5000/s; then sold-out
// answers at 5000/s and at the knee when higher (goal p99 <= 5 ms). Each
// row also gives the CPU time per answer of every process involved (see
// cpuMeter), which stays meaningful on a loaded machine. It asserts no
// speed: it reports. Run it with
//
//	make bench-shop        # or: cd bench && POLYSTORE_BENCH=1 go test -run TestShopBenchTable -v ./shop/
//
// POLYSTORE_BENCH_RATES (default 1000,2000,3000,5000,7500,10000,12500,15000),
// POLYSTORE_BENCH_STEP (default 5s per rate and side),
// POLYSTORE_BENCH_SOLDOUT_RATE (default 5000),
// POLYSTORE_BENCH_GEN_RATE (the generators' comparison, default 3000),
// POLYSTORE_BENCH_REDIS_FLUSH_DELAY (rueidis' MaxFlushDelay, default 0),
// POLYSTORE_BENCH_LOADGEN (vegeta: the net/http generator instead of
// loadgen.EngineRaw) and POLYSTORE_BENCH_PART (decisions or http; default
// both) tune the run.
func TestShopBenchTable(t *testing.T) {
	if os.Getenv("POLYSTORE_BENCH") != "1" {
		t.Skip("set POLYSTORE_BENCH=1 to run the shop's benchmark table (about two minutes)")
	}
	ctx := context.Background()
	step := envDuration("POLYSTORE_BENCH_STEP", 5*time.Second)
	t.Logf("machine load before: %s", loadAvg())
	t.Logf("Go runtime: GOMAXPROCS=%d GOGC=%q GOMEMLIMIT=%q (empty: the defaults); rueidis MaxFlushDelay %s",
		runtime.GOMAXPROCS(0), os.Getenv("GOGC"), os.Getenv("GOMEMLIMIT"), envDuration("POLYSTORE_BENCH_REDIS_FLUSH_DELAY", 0))

	part := os.Getenv("POLYSTORE_BENCH_PART") // "decisions", "http" or both
	var sb strings.Builder

	// 1. Decisions/s on one hot SKU, both sides in this run. The part runs
	// as a subtest so that its keys in the shared Redis (about three per
	// decision: up to a million in a quiet run, most of them with a
	// one-minute TTL) are removed when it ends: left to the end of the
	// test, they expired under the HTTP steps 60 to 90 s later, a burst of
	// the shared redis-server's active expiry on the same two cores as the
	// 5,000/s step (see docs/shop.md, "The in-stock stall").
	c := redisbench.Client(t)
	shared := newNeighbour(ctx, c)
	type row struct {
		name      string
		n         int
		poly, gd  float64
		gdFailPct float64
	}
	var rows []row
	if part != "http" {
		keys0 := shared.sample(ctx).keys
		t.Run("decisions", func(t *testing.T) {
			for _, n := range []int{callers, manyCallers, 1} {
				// Rounds alternate between the two sides so that a burst of load
				// on the shared machine hits both alike.
				polyFn, guideFn := polystoreReserve(t, c), guideReserve(t, c)
				var polyN, guideN, guideFail, polyT, guideT float64
				const rounds = 5
				for range rounds {
					for _, side := range []int{0, 1} {
						fn := polyFn
						if side == 1 {
							fn = guideFn
						}
						t0 := time.Now()
						rate, fail, err := decisionRate(ctx, fn, n, step/rounds)
						if err != nil {
							t.Fatal(err)
						}
						el := time.Since(t0).Seconds()
						if side == 0 {
							polyN, polyT = polyN+rate*el, polyT+el
						} else {
							guideN, guideT, guideFail = guideN+rate*el, guideT+el, guideFail+fail/rounds
						}
					}
				}
				rows = append(rows, row{fmt.Sprintf("%d callers", n), n, polyN / polyT, guideN / guideT, guideFail})
			}
			t.Logf("decisions part: the shared Redis holds %d keys (%d before the part); removing them", shared.sample(ctx).keys, keys0)
		})
		t0 := time.Now()
		left, err := countRedisPrefix(ctx, c, prefix)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("decisions part: %d of its keys left in the shared Redis after its cleanup (%s to check); the shared Redis holds %d keys",
			left, time.Since(t0).Round(time.Millisecond), shared.sample(ctx).keys)
		if left != 0 {
			t.Errorf("the decisions part left %d keys under %q in the shared Redis: they would expire under the HTTP steps", left, prefix)
		}
	}
	fmt.Fprintf(&sb, "\nreservation decisions/s, one hot SKU, Redis (%s per side, in alternating rounds)\n", step)
	fmt.Fprintf(&sb, "%-12s %14s %14s %8s %16s\n", "callers", "polystore", "guide", "ratio", "guide lock fails")
	for _, r := range rows {
		fmt.Fprintf(&sb, "%-12s %14.0f %14.0f %7.1fx %15.1f%%\n", r.name, r.poly, r.gd, r.poly/max(r.gd, 1e-9), r.gdFailPct)
	}
	t.Log(sb.String())
	t.Logf("machine load after decisions: %s", loadAvg())

	if part == "decisions" {
		return
	}

	sb.Reset()
	httpTable(t, &sb, step, shared)
	t.Log(sb.String())
	t.Logf("machine load after: %s", loadAvg())
}

// e2e is the shop served over real HTTP on loopback with all its stores:
// a PostgreSQL database of its own, a private redis-server (so its CPU
// time is the benchmark's alone) and the MongoDB history.
type e2e struct {
	app    *polyshop.App
	base   string
	addr   string
	client *http.Client
	meter  *cpuMeter
	server *latencyHist // handling time of POST /shop/reservations in the server
	seq    atomic.Int64
	// redisPort and httpPort are the two loopback ports of a request;
	// diag is what the last step's connections and GC did (see tcpStats).
	redisPort, httpPort int
	diag                string
	// rc is the shop's Redis client (for the accumulation line);
	// shared, when set, the shared Redis server the decisions part used.
	rc     rueidis.Client
	shared *neighbour
	// serverConns counts the HTTP server's open connections; transport is
	// the vegeta engine's (its idle connections are closed after a step).
	serverConns *atomic.Int64
	transport   *http.Transport
}

func newE2E(t *testing.T) *e2e {
	ctx := context.Background()
	rp := devenv.StartRedis(t, "--save", "", "--appendonly", "no")
	// POLYSTORE_BENCH_REDIS_FLUSH_DELAY sets rueidis' MaxFlushDelay (fewer,
	// larger writes to Redis for a little latency); default 0, rueidis' own.
	rc, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{rp.Addr()},
		MaxFlushDelay: envDuration("POLYSTORE_BENCH_REDIS_FLUSH_DELAY", 0)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rc.Close)
	pgURL, drop, err := devenv.ScratchDatabase(ctx, devenv.PostgresServer(t).URL, devenv.UniqueName("shopbench_"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = drop() })
	pool, err := pgxpool.New(ctx, pgURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	env := &demo.Env{Name: "shop", Logger: slog.New(slog.DiscardHandler), PG: pool, PGURL: pgURL,
		Redis: rc, RedisURL: rp.URL(), RedisPrefix: "shopbench:", Mongo: devenv.Mongo(t)}
	sys := polyshop.NewSystem().(*polyshop.System)
	if err := sys.Setup(ctx, env); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sys.Close(context.Background()) })
	mux := http.NewServeMux()
	server := &latencyHist{}
	mux.Handle("/shop/", server.wrap(http.StripPrefix("/shop", sys.Handler())))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	open := &atomic.Int64{} // the server's open connections
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute,
		ConnState: func(_ net.Conn, s http.ConnState) {
			switch s {
			case http.StateNew:
				open.Add(1)
			case http.StateClosed, http.StateHijacked:
				open.Add(-1)
			}
		}}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	// One client for every step, so a step starts on the connections the
	// earlier ones opened instead of dialing a burst of new ones (as a
	// long-running client population would).
	tr := &http.Transport{MaxIdleConnsPerHost: 4000, IdleConnTimeout: 30 * time.Second, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	_, rport, _ := net.SplitHostPort(rp.Addr())
	redisPort, _ := strconv.Atoi(rport)
	return &e2e{app: sys.App(), base: "http://" + ln.Addr().String(), addr: ln.Addr().String(), client: &http.Client{Transport: tr},
		meter: &cpuMeter{redisPID: rp.Pid(), pg: pool}, server: server, redisPort: redisPort, httpPort: ln.Addr().(*net.TCPAddr).Port, rc: rc,
		serverConns: open, transport: tr}
}

// step is one constant-rate run of POST /shop/reservations for productID,
// each request a new buyer (of 200,000 users) with a new Idempotency-Key,
// sent by engine (loadgen.EngineRaw: prebuilt request bytes on keep-alive
// connections; loadgen.EngineVegeta: the net/http client), the CPU time it
// cost per answer and the server's handling time.
func (e *e2e) step(ctx context.Context, engine loadgen.Engine, productID string, rate int, d time.Duration) (*loadgen.Report, cpuSample, Latencies, error) {
	body := []byte(`{"productId":"` + productID + `","quantity":1}`)
	url := e.base + "/shop/reservations"
	cfg := loadgen.Config{
		// At most 4,000 requests in flight (8,000 descriptors with the
		// server's ends): past that the server is long past its knee.
		Rate: rate, Duration: d, Timeout: 5 * time.Second, MaxWorkers: 4000, Engine: engine,
	}
	if engine == loadgen.EngineRaw {
		head := []byte("POST /shop/reservations HTTP/1.1\r\nHost: " + e.addr + "\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\n" + polyshop.HeaderUser + ": u")
		cfg.Addr = e.addr
		cfg.Request = func(dst []byte) ([]byte, error) {
			n := e.seq.Add(1)
			dst = append(dst, head...)
			dst = strconv.AppendInt(dst, n%200_000, 10)
			dst = append(dst, "\r\n"+polyshop.HeaderIdempotency+": k"...)
			dst = strconv.AppendInt(dst, n, 10)
			dst = append(dst, "\r\n\r\n"...)
			return append(dst, body...), nil
		}
	} else {
		cfg.Client = e.client
		cfg.Targeter = func(tg *loadgen.Target) error {
			n := e.seq.Add(1)
			tg.Method, tg.URL, tg.Body = http.MethodPost, url, body
			tg.Header = http.Header{
				"Content-Type":             {"application/json"},
				polyshop.HeaderUser:        {"u" + strconv.FormatInt(n%200_000, 10)},
				polyshop.HeaderIdempotency: {"k" + strconv.FormatInt(n, 10)},
			}
			return nil
		}
	}
	before := e.meter.sample(ctx)
	redis0, http0, gc0 := tcpStats(e.redisPort), tcpStats(e.httpPort), readGC()
	m0, n0, a0 := readMachine(), e.shared.sample(ctx), readAllocs()
	e.server.reset()
	t0 := time.Now()
	rep, err := loadgen.Run(ctx, cfg)
	span := time.Since(t0)
	cpu := e.meter.sample(ctx).sub(before)
	m1, n1, a1 := readMachine(), e.shared.sample(ctx), readAllocs()
	if engine == loadgen.EngineVegeta {
		// Its keep-alive connections would stay open, each a goroutine of
		// the server, into the next step.
		e.transport.CloseIdleConnections()
	}
	e.diag = fmt.Sprintf("redis: %s; http: %s; %s; %s\n%8s %s", tcpStats(e.redisPort).sub(redis0), tcpStats(e.httpPort).sub(http0), readGC().sub(gc0),
		a1.sub(a0).perAnswer(rep.Requests), "", machineLine(m0, m1, cpu, span, n0, n1))
	return rep, cpu, e.server.latencies(), err
}

// benchEngine is the load generator of the table: loadgen.EngineRaw, or
// vegeta's net/http client with POLYSTORE_BENCH_LOADGEN=vegeta.
func benchEngine() loadgen.Engine {
	if os.Getenv("POLYSTORE_BENCH_LOADGEN") == "vegeta" {
		return loadgen.EngineVegeta
	}
	return loadgen.EngineRaw
}

func engineName(e loadgen.Engine) string {
	if e == loadgen.EngineVegeta {
		return "vegeta"
	}
	return "raw"
}

// httpTable runs POST /shop/reservations at constant rates up to the knee,
// then sold-out answers, then the two load generators against each other,
// and writes the table to sb.
func httpTable(t *testing.T, sb *strings.Builder, step time.Duration, shared *neighbour) {
	ctx := context.Background()
	e := newE2E(t)
	e.shared = shared
	app := e.app
	engine := benchEngine()

	// Warm up (connections, the catalog cache, the scripts) at a low rate;
	// not reported.
	if err := app.AddProduct(ctx, polyshop.Product{ID: "warmup", Name: "Warm-up item", Price: "9.99"}, 1_000_000); err != nil {
		t.Fatal(err)
	}
	for _, eng := range []loadgen.Engine{loadgen.EngineVegeta, loadgen.EngineRaw} {
		if _, _, _, err := e.step(ctx, eng, "warmup", 500, 2*time.Second); err != nil {
			t.Fatal(err)
		}
	}

	// The CPU the processes burn with no request at all (the reaper, the
	// outbox worker, redis-server's cron, the MongoDB stand-in): at low
	// rates it is a large part of the CPU per answer.
	time.Sleep(time.Second)
	idle0, idleT := e.meter.sample(ctx), time.Now()
	time.Sleep(step)
	idle, idleSpan := e.meter.sample(ctx).sub(idle0), time.Since(idleT)
	fmt.Fprintf(sb, "\nidle (no requests): CPU %s ms per second (this process + redis-server + postgres)\n", idle.perSecond(idleSpan))

	accumLine(t, sb, e, "idle")
	fmt.Fprintf(sb, "\nPOST /shop/reservations, in stock, open loop (load generator: %s), %s per rate, HTTP on loopback\n", engineName(engine), step)
	fmt.Fprintf(sb, "CPU µs/answer: all processes (this one: shop + HTTP + load generator; redis-server; postgres backends)\n")
	fmt.Fprintf(sb, "server: the handler's own time (p50/p99), without the network and the load generator\n")
	fmt.Fprintf(sb, "under each row: the step's TCP retransmissions and window/buffer-limited time on the Redis and HTTP ports (both ends), and this process's GC\n")
	fmt.Fprintf(sb, "%8s %10s %9s %9s %9s %9s  %-22s %-17s %s\n", "rate/s", "answered/s", "p50", "p99", "p99.9", "max", "CPU µs/answer", "server p50/p99", "codes")
	row := func(rate int, rep *loadgen.Report, cpu cpuSample, srv Latencies) {
		fmt.Fprintf(sb, "%8d %10.0f %9s %9s %9s %9s  %-22s %-17s %s\n", rate, rep.Throughput, loadgen.Round(rep.Total.P50), loadgen.Round(rep.Total.P99),
			loadgen.Round(rep.Total.P999), loadgen.Round(rep.Total.Max), cpu.perRequest(rep.Requests),
			loadgen.Round(srv.P50).String()+"/"+loadgen.Round(srv.P99).String(), loadgen.CodeString(rep.Codes))
		fmt.Fprintf(sb, "%8s %s\n", "", e.diag)
	}
	knee := 0
	var p99At5k time.Duration
	for i, rate := range envRates([]int{1000, 2000, 3000, 5000, 7500, 10000, 12500, 15000}) {
		id := "bench" + strconv.Itoa(i)
		if err := app.AddProduct(ctx, polyshop.Product{ID: id, Name: "Bench item", Price: "9.99"}, int64(rate)*int64(step/time.Second+1)*2); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		e.settle(t)
		rep, cpu, srv, err := e.step(ctx, engine, id, rate, step)
		if err != nil {
			t.Fatal(err)
		}
		all201 := rep.Codes[http.StatusCreated] == rep.Requests
		row(rate, rep, cpu, srv)
		accumLine(t, sb, e, "step"+strconv.Itoa(i)+"-"+strconv.Itoa(rate))
		if rate == 5000 {
			p99At5k = rep.Total.P99
		}
		if rep.Total.P99 <= goalP99 && all201 {
			knee = rate
		} else if rate >= 5000 {
			break // past the knee: higher rates only queue
		}
	}
	fmt.Fprintf(sb, "knee (highest rate with p99 <= %s and every answer 201): %d/s (goal >= 10000/s)\n", goalP99, knee)
	if p99At5k > 0 {
		fmt.Fprintf(sb, "p99 at 5000/s: %s (goal <= %s)\n", loadgen.Round(p99At5k), goalP99)
	}

	// Sold-out answers, at 5000/s (POLYSTORE_BENCH_SOLDOUT_RATE) and at the
	// knee when it is higher.
	if err := app.AddProduct(ctx, polyshop.Product{ID: "soldout", Name: "Gone", Price: "9.99"}, 0); err != nil {
		t.Fatal(err)
	}
	soldRate := 5000
	if n, err := strconv.Atoi(os.Getenv("POLYSTORE_BENCH_SOLDOUT_RATE")); err == nil && n > 0 {
		soldRate = n
	}
	soldRates := []int{soldRate}
	if knee > soldRate {
		soldRates = append(soldRates, knee)
	}
	fmt.Fprintf(sb, "\nsold out (goal p99 <= %s)\n", goalSoldOutP99)
	for _, rate := range soldRates {
		time.Sleep(2 * time.Second)
		e.settle(t)
		rep, cpu, srv, err := e.step(ctx, engine, "soldout", rate, step)
		if err != nil {
			t.Fatal(err)
		}
		row(rate, rep, cpu, srv)
		accumLine(t, sb, e, "soldout-"+strconv.Itoa(rate))
		// A wrong answer fails the run; an overloaded one (503 with
		// Retry-After, or a timeout: code 0) is only reported.
		for code, n := range rep.Codes {
			if code != http.StatusConflict && code != http.StatusServiceUnavailable && code != 0 {
				t.Errorf("sold-out run: %d answers %d, want 409 (or 503/timeouts under overload)", n, code)
			}
		}
	}

	// The load generators against each other, in alternating rounds at
	// one rate (POLYSTORE_BENCH_GEN_RATE, default 3000/s), in stock.
	genRate := 3000
	if n, err := strconv.Atoi(os.Getenv("POLYSTORE_BENCH_GEN_RATE")); err == nil && n > 0 {
		genRate = n
	}
	if err := app.AddProduct(ctx, polyshop.Product{ID: "gen", Name: "Generator item", Price: "9.99"}, int64(genRate)*int64(2*step/time.Second+2)*2); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(sb, "\nload generators at %d/s, in stock, two alternating rounds of %s each\n", genRate, step/2)
	fmt.Fprintf(sb, "%-8s %10s %9s %9s %9s %9s  %-22s %-17s %s\n", "engine", "answered/s", "p50", "p99", "p99.9", "max", "CPU µs/answer", "server p50/p99", "codes")
	var sum [2]cpuSample
	var n [2]uint64
	var span time.Duration // of each side
	for range 2 {
		for k, eng := range []loadgen.Engine{loadgen.EngineVegeta, loadgen.EngineRaw} {
			time.Sleep(time.Second)
			t0 := time.Now()
			rep, cpu, srv, err := e.step(ctx, eng, "gen", genRate, step/2)
			if err != nil {
				t.Fatal(err)
			}
			if k == 0 {
				span += time.Since(t0)
			}
			fmt.Fprintf(sb, "%-8s %10.0f %9s %9s %9s %9s  %-22s %-17s %s\n", engineName(eng), rep.Throughput, loadgen.Round(rep.Total.P50), loadgen.Round(rep.Total.P99),
				loadgen.Round(rep.Total.P999), loadgen.Round(rep.Total.Max), cpu.perRequest(rep.Requests),
				loadgen.Round(srv.P50).String()+"/"+loadgen.Round(srv.P99).String(), loadgen.CodeString(rep.Codes))
			sum[k], n[k] = sum[k].add(cpu), n[k]+rep.Requests
		}
	}
	if n[0] > 0 && n[1] > 0 {
		per := func(d time.Duration, n uint64) float64 { return float64(d.Microseconds()) / float64(n) }
		fmt.Fprintf(sb, "raw/vegeta CPU per answer: this process %.2f, all processes %.2f\n",
			per(sum[1].goProc, n[1])/per(sum[0].goProc, n[0]), per(sum[1].total(), n[1])/per(sum[0].total(), n[0]))
		// Less the idle CPU of as long a run: what the answers themselves cost.
		bg := idle.scale(float64(span) / float64(idleSpan))
		fmt.Fprintf(sb, "less the idle CPU: vegeta %s, raw %s µs/answer; raw/vegeta this process %.2f, all processes %.2f\n",
			sum[0].sub(bg).perRequest(n[0]), sum[1].sub(bg).perRequest(n[1]),
			per(sum[1].sub(bg).goProc, n[1])/per(sum[0].sub(bg).goProc, n[0]), per(sum[1].sub(bg).total(), n[1])/per(sum[0].sub(bg).total(), n[0]))
	}
}
