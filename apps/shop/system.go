package shop

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/loadgen"
)

// System is the shop as a reference system of `polystore demo` and
// `polystore serve`.
type System struct {
	// ReservationTTL of the demo's reservations (default 5s, so unpaid
	// reservations expire and go back on sale while you watch).
	ReservationTTL time.Duration
	// ConfirmRatio is the share of reservations the demo's buyers pay for
	// (default 0.8).
	ConfirmRatio float64

	app    *App
	env    *demo.Env
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	sale []string // products of the running sale, for the page
}

// NewSystem returns the shop for the demo registry.
func NewSystem() demo.System { return &System{} }

// Info implements demo.System.
func (s *System) Info() demo.Info {
	return demo.Info{
		Name:        "shop",
		Title:       "Flash-sale shop",
		Description: "Thousands of buyers, a few hundred units: atomic reservations in Redis, orders in PostgreSQL, order history in MongoDB — and never an oversold unit.",
		DefaultRate: 1000,
	}
}

// App returns the running shop (after Setup).
func (s *System) App() *App { return s.app }

// Setup implements demo.System: it opens the default catalog's sale and
// starts the reaper and the live stats.
func (s *System) Setup(ctx context.Context, env *demo.Env) error {
	if s.ReservationTTL <= 0 {
		s.ReservationTTL = 5 * time.Second
	}
	if s.ConfirmRatio <= 0 {
		s.ConfirmRatio = 0.8
	}
	app, err := NewApp(env.Redis, AppConfig{Config: Config{Prefix: env.RedisPrefix, ReservationTTL: s.ReservationTTL, Logger: env.Logger,
		SoldOutL1: !env.RedisEmbedded},
		PG: env.PG, Mongo: env.Mongo, CatalogL1: !env.RedisEmbedded})
	if err != nil {
		return err
	}
	if err := app.Prepare(ctx); err != nil {
		return err
	}
	s.app, s.env = app, env
	ids, err := s.addProducts(ctx, "", 1000)
	if err != nil {
		return err
	}
	s.setSale(ids)
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.wg.Add(3)
	go func() { defer s.wg.Done(); app.RunReaper(wctx) }()
	go func() { defer s.wg.Done(); app.RunWorker(wctx) }()
	go func() { defer s.wg.Done(); s.publishStats(wctx) }()
	return nil
}

var catalog = []struct{ name, price string }{
	{"Limited sneakers", "129.99"},
	{"Wireless earbuds", "59.90"},
	{"Coffee grinder", "34.50"},
}

func (s *System) addProducts(ctx context.Context, suffix string, units int64) ([]string, error) {
	var ids []string
	for i, c := range catalog {
		id := "p" + strconv.Itoa(i+1) + suffix
		if err := s.app.AddProduct(ctx, Product{ID: id, Name: c.name, Price: c.price}, units); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *System) setSale(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sale = ids
}

// SaleStats sums the counters of the running sale's products.
func (s *System) SaleStats(ctx context.Context) (Stats, error) {
	s.mu.Lock()
	ids := append([]string(nil), s.sale...)
	s.mu.Unlock()
	return s.app.StatsOf(ctx, ids)
}

func (s *System) publishStats(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		if st, err := s.SaleStats(ctx); err == nil {
			s.env.Emit("stats", st)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Handler implements demo.System.
func (s *System) Handler() http.Handler { return s.app.Handler() }

// Close implements demo.System.
func (s *System) Close(context.Context) error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	return nil
}

// Run implements demo.System: a flash sale of three products whose stock
// is about a third of the demand, driven open-loop at opts.Rate.
func (s *System) Run(ctx context.Context, opts demo.RunOptions, progress func(demo.Progress)) (*demo.Summary, error) {
	if opts.Rate <= 0 || opts.Duration <= 0 {
		return nil, fmt.Errorf("shop: rate and duration must be > 0")
	}
	// Stock: about a third of the units asked for (1.5 per request on
	// average), so the sale sells out in the middle of the run.
	units := max(10, int64(float64(opts.Rate)*opts.Duration.Seconds()*1.5/3/float64(len(catalog))))
	saleID := "s" + strconv.FormatInt(time.Now().UnixMilli()%1e9, 36)
	ids, err := s.addProducts(ctx, saleID, units)
	if err != nil {
		return nil, err
	}
	s.setSale(ids)
	s.app.SetSaleRunning(true)
	defer s.app.SetSaleRunning(false)

	client := loadgen.HandlerClient(s.Handler())
	base := "http://in-process"
	if opts.BaseURL != "" {
		client, base = nil, opts.BaseURL
	}
	confirmClient := client
	if confirmClient == nil {
		confirmClient = &http.Client{Timeout: 10 * time.Second}
	}

	var seq atomic.Uint64
	targeter := func(t *loadgen.Target) error {
		n := seq.Add(1)
		// One hot product takes 60% of the demand.
		p := ids[0]
		if r := rand.Float64(); r > 0.6 {
			p = ids[1+int(r*10)%(len(ids)-1)]
		}
		user := "u" + strconv.Itoa(rand.IntN(20000))
		body, _ := json.Marshal(reserveBody{ProductID: p, Quantity: 1 + rand.IntN(2)})
		t.Method, t.URL, t.Body = http.MethodPost, base+"/reservations", body
		t.Header = http.Header{"Content-Type": {"application/json"}, HeaderUser: {user}, HeaderIdempotency: {saleID + "-" + strconv.FormatUint(n, 36)}}
		return nil
	}

	// Buyers pay for most reservations; the rest expire and go back on sale.
	confirms := make(chan *loadgen.Result, 4096)
	var confirmed, confirmErrors atomic.Int64
	var omu sync.Mutex
	var observed []string // order ids the buyers were given
	var cwg sync.WaitGroup
	for range 8 {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			for r := range confirms {
				var res struct {
					ID        string `json:"id"`
					ProductID string `json:"productId"`
					UserID    string `json:"userId"`
				}
				if json.Unmarshal(r.Body, &res) != nil {
					continue
				}
				body, _ := json.Marshal(orderBody{ProductID: res.ProductID, ReservationID: res.ID})
				req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, base+"/orders", bytesReader(body))
				req.Header.Set(HeaderUser, res.UserID)
				req.Header.Set("Content-Type", "application/json")
				resp, err := confirmClient.Do(req)
				if err != nil {
					confirmErrors.Add(1)
					continue
				}
				var order OrderResult
				derr := json.NewDecoder(resp.Body).Decode(&order)
				_ = resp.Body.Close()
				if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
					if derr != nil || order.OrderID == "" {
						confirmErrors.Add(1)
						continue
					}
					confirmed.Add(1)
					omu.Lock()
					observed = append(observed, order.OrderID)
					omu.Unlock()
				} else if resp.StatusCode != http.StatusConflict && resp.StatusCode != http.StatusServiceUnavailable {
					// 409: the reservation expired (a slow buyer); 503: retry later
					confirmErrors.Add(1)
				}
			}
		}()
	}

	var imbalances atomic.Int64
	var samples atomic.Int64
	// soldLive is the "sold" of the last live row: buyers still confirming
	// when the load stops sell more, which the summary tells apart.
	var soldLive int64
	var prevCodes map[int]uint64
	var prevElapsed time.Duration
	onSnapshot := func(snap loadgen.Snapshot) {
		st, err := s.SaleStats(ctx)
		if err == nil {
			soldLive = st.Sold
			samples.Add(1)
			if st.Unbalanced > 0 || st.Oversold > 0 {
				imbalances.Add(1)
			}
		}
		dt := (snap.Elapsed - prevElapsed).Seconds()
		if dt <= 0 {
			dt = 1
		}
		delta := func(code int) float64 { return float64(snap.Codes[code]-prevCodes[code]) / dt }
		var errRate float64
		for code, n := range snap.Codes {
			if code != http.StatusCreated && code != http.StatusOK && code != http.StatusConflict {
				errRate += float64(n-prevCodes[code]) / dt
			}
		}
		progress(demo.Progress{Elapsed: snap.Elapsed, Metrics: []demo.Metric{
			{Key: "rps", Label: "req/s", Value: snap.Rate, Unit: "/s"},
			{Key: "p50", Label: "p50", Value: ms2(snap.Window.P50), Unit: "ms"},
			{Key: "p99", Label: "p99", Value: ms2(snap.Window.P99), Unit: "ms"},
			{Key: "p999", Value: ms2(snap.Window.P999), Unit: "ms"},
			{Key: "sold", Label: "sold", Value: float64(st.Sold)},
			{Key: "remaining", Label: "remaining", Value: float64(st.Remaining)},
			{Key: "held", Label: "held", Value: float64(st.Held)},
			{Key: "oversold", Label: "oversold", Value: float64(st.Oversold)},
			{Key: "orders", Value: float64(confirmed.Load())},
			{Key: "reserved_rate", Value: delta(http.StatusCreated)},
			{Key: "sold_out_rate", Value: delta(http.StatusConflict)},
			{Key: "sold_out", Value: float64(snap.Codes[http.StatusConflict])},
			{Key: "error_rate", Value: errRate},
		}})
		prevCodes, prevElapsed = snap.Codes, snap.Elapsed
	}
	onResult := func(r *loadgen.Result) {
		if r.Code == http.StatusCreated && rand.Float64() < s.ConfirmRatio {
			select {
			case confirms <- r:
			default: // confirmers saturated: this buyer walks away
			}
		}
	}
	rep, err := loadgen.Run(ctx, loadgen.Config{Rate: opts.Rate, Duration: opts.Duration, Client: client,
		Targeter: targeter, OnSnapshot: onSnapshot, OnResult: onResult})
	close(confirms)
	cwg.Wait()
	if err != nil {
		return nil, err
	}

	// Unpaid reservations expire and go back on sale; wait for the reaper.
	deadline := time.Now().Add(s.ReservationTTL + 5*time.Second)
	var st Stats
	for {
		st, err = s.SaleStats(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		if st.Held == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.env.Emit("stats", st)

	// The worker writes every confirmed order's inventory change and
	// history; wait for it, then check the three stores agree.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 60*time.Second)
	drainErr := s.app.Drain(dctx)
	cancel()
	omu.Lock()
	v, verr := s.app.Verify(context.WithoutCancel(ctx), ids, observed)
	omu.Unlock()
	if verr != nil {
		return nil, verr
	}

	sum := &demo.Summary{Metrics: []demo.Metric{
		{Key: "requests", Label: "reservation requests", Value: float64(rep.Requests)},
		{Key: "throughput", Label: "answered", Value: rep.Throughput, Unit: "/s"},
		{Key: "reserved", Label: "reservations", Value: float64(rep.Codes[http.StatusCreated])},
		{Key: "sold_out", Label: "sold-out answers", Value: float64(rep.Codes[http.StatusConflict])},
		{Key: "confirmed", Label: "orders confirmed", Value: float64(confirmed.Load())},
		{Key: "orders", Label: "orders in PostgreSQL", Value: float64(v.Orders)},
		{Key: "history", Label: "order history documents", Value: float64(v.HistoryDocs)},
		{Key: "sold", Label: "units sold", Value: float64(st.Sold)},
		{Key: "sold_live", Label: "units sold while the load ran (the last live row)", Value: float64(soldLive)},
		{Key: "sold_after", Label: "units sold by buyers confirming after the load stopped", Value: float64(st.Sold - soldLive)},
		{Key: "initial", Label: "units on sale", Value: float64(st.Initial)},
		{Key: "p50", Label: "p50", Value: ms2(rep.Total.P50), Unit: "ms"},
		{Key: "p99", Label: "p99", Value: ms2(rep.Total.P99), Unit: "ms"},
		{Key: "p999", Label: "p99.9", Value: ms2(rep.Total.P999), Unit: "ms"},
		{Key: "max", Label: "max", Value: ms2(rep.Total.Max), Unit: "ms"},
	}}
	sum.Checks = append(sum.Checks,
		demo.Check{Name: "no oversell", OK: st.Oversold == 0 && st.Sold <= st.Initial,
			Detail: fmt.Sprintf("sold %d of %d units, oversold %d", st.Sold, st.Initial, st.Oversold)},
		demo.Check{Name: "stock conserved at every sample", OK: imbalances.Load() == 0 && st.Unbalanced == 0,
			Detail: fmt.Sprintf("initial = remaining + held + sold held in %d of %d samples and at the end (%d = %d + %d + %d)",
				samples.Load()-imbalances.Load(), samples.Load(), st.Initial, st.Remaining, st.Held, st.Sold)},
		demo.Check{Name: "expired reservations returned", OK: st.Held == 0,
			Detail: fmt.Sprintf("%d units still held after the reservations' TTL", st.Held)},
		demo.Check{Name: "every confirmed order stored once in each store", OK: drainErr == nil && v.OK() && v.Orders == v.Changes && v.HistoryDocs >= v.Orders && int64(v.Observed) <= v.Orders,
			Detail: verifyDetail(v, drainErr)},
		demo.Check{Name: "no wrong answers", OK: rep.Codes[http.StatusInternalServerError] == 0 && rep.Codes[0] == 0 && confirmErrors.Load() == 0,
			Detail: fmt.Sprintf("answers %s (503 = a store was unreachable or overloaded, with Retry-After); %d failed confirmations",
				loadgen.CodeString(rep.Codes), confirmErrors.Load())},
	)
	return sum, nil
}

func verifyDetail(v *Verification, drainErr error) string {
	if drainErr != nil {
		return "the worker did not drain: " + drainErr.Error()
	}
	if !v.OK() {
		return strings.Join(v.Problems, "; ")
	}
	return fmt.Sprintf("%d orders (%d units = units sold in Redis = inventory sold in PostgreSQL), %d inventory changes, %d history documents; totals exact decimals; %d confirmations seen by buyers all stored",
		v.Orders, v.OrderedUnits, v.Changes, v.HistoryDocs, v.Observed)
}

func ms2(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
