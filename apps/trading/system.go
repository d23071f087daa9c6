package trading

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/loadgen"
)

// System is the trading platform as a reference system of `polystore
// demo` and `polystore serve`: Setup migrates, funds the demo accounts and
// starts the node (relay, journal, engine, settlement); Run drives market
// makers and takers through the HTTP order API.
type System struct {
	// Accounts is the number of funded demo accounts (default 50).
	Accounts int
	// JournalDir holds the engine's journal (default: a folder named after
	// the database under the system's temporary directory).
	JournalDir string

	env      *demo.Env
	pool     *pgxpool.Pool
	store    *Store
	node     *Node
	api      *API
	accounts []int
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	checks, violations atomic.Int64
	lastViolation      atomic.Value // string
}

// NewSystem returns the trading system for the demo registry.
func NewSystem() demo.System { return &System{} }

// Info implements demo.System.
func (s *System) Info() demo.Info {
	return demo.Info{
		Name:        "trading",
		Title:       "Trading platform",
		Description: "Orders reserve funds in a Serializable PostgreSQL transaction, reach an in-memory price-time matching engine through an outbox and an fsynced journal, settle back exactly once, and stream to a MongoDB audit log and Redis market data.",
		DefaultRate: 150,
	}
}

// demoFunds is what each demo account starts with.
var demoFunds = map[string]string{"USD": "10000000", "BTC": "1000", "ETH": "10000", "SOL": "100000"}

// Store returns the PostgreSQL side (after Setup).
func (s *System) Store() *Store { return s.store }

// Node returns the running engine process (after Setup).
func (s *System) Node() *Node { return s.node }

// AccountIDs returns the demo accounts (after Setup).
func (s *System) AccountIDs() []int { return s.accounts }

// Setup implements demo.System: schema, demo accounts (created once,
// kept under serve), the node on its journal, and the page's feed.
func (s *System) Setup(ctx context.Context, env *demo.Env) error {
	if env == nil || env.PGURL == "" {
		return errors.New("trading: setup needs PostgreSQL")
	}
	if s.Accounts <= 0 {
		s.Accounts = 50
	}
	cfg, err := pgxpool.ParseConfig(env.PGURL)
	if err != nil {
		return err
	}
	cfg.MaxConns = 24 // placements, the relay, one settler per symbol, the checker
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	s.env, s.pool = env, pool
	if err := s.setup(ctx, env); err != nil {
		pool.Close()
		return err
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.feed(wctx) }()
	go func() { defer s.wg.Done(); s.watch(wctx) }()
	return nil
}

func (s *System) setup(ctx context.Context, env *demo.Env) error {
	if err := ApplySchema(ctx, s.pool); err != nil {
		return err
	}
	store, err := NewStore(s.pool, DefaultMarkets)
	if err != nil {
		return err
	}
	s.store = store
	var existing int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM accounts`).Scan(&existing); err != nil {
		return err
	}
	dir := s.JournalDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "polystore", "trading-"+s.pool.Config().ConnConfig.Database)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "journal")
	if existing == 0 {
		// A new database: a journal left from an earlier one describes
		// orders this database never had.
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if s.accounts, err = seedAccounts(ctx, s.pool, s.Accounts, store.Markets()); err != nil {
		return err
	}
	var redisPrefix string
	if env.Redis != nil {
		redisPrefix = env.RedisPrefix
	}
	node, err := StartNode(ctx, NodeConfig{Store: store, JournalPath: path, Redis: env.Redis, Mongo: env.Mongo,
		KeyPrefix: redisPrefix, Logger: env.Logger, SnapshotEvery: time.Minute})
	if err != nil {
		return err
	}
	s.node = node
	if s.api, err = NewAPI(store, node); err != nil {
		return err
	}
	s.api.Logger = env.Logger
	return nil
}

// seedAccounts creates the demo accounts trader-1..n with demoFunds as
// their deposits, in one transaction; accounts that exist are kept as
// they are. It returns their ids in order.
func seedAccounts(ctx context.Context, pool *pgxpool.Pool, n int, markets []Market) ([]int, error) {
	owners := make([]string, n)
	for i := range owners {
		owners[i] = "trader-" + strconv.Itoa(i+1)
	}
	var ccys, amounts []string
	for _, c := range Currencies(markets) {
		amount := demoFunds[c]
		if amount == "" {
			amount = "0"
		}
		ccys, amounts = append(ccys, c), append(amounts, amount)
	}
	var ids []int
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO accounts (owner) SELECT unnest($1::text[]) ON CONFLICT (owner) DO NOTHING`, owners); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO balances ("accountId", currency, available, deposited)
			SELECT a.id, c.ccy, c.amount, c.amount FROM accounts a, unnest($2::text[], $3::numeric[]) AS c(ccy, amount)
			WHERE a.owner = ANY($1) ON CONFLICT ("accountId", currency) DO NOTHING`, owners, ccys, amounts); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM accounts WHERE owner = ANY($1) ORDER BY id`, owners)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int])
		return err
	})
	return ids, err
}

// Handler implements demo.System: the order API.
func (s *System) Handler() http.Handler {
	if s.api == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusServiceUnavailable, "not_ready", "", "the trading system is not set up")
		})
	}
	return s.api.Handler()
}

// Close implements demo.System: it stops the feed and the node.
func (s *System) Close(context.Context) error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	var err error
	if s.node != nil {
		err = s.node.Close()
		s.node = nil
	}
	if s.pool != nil {
		s.pool.Close()
		s.pool = nil
	}
	return err
}

// Conservation is the page's "conservation" event.
type Conservation struct {
	Checks     int64  `json:"checks"`
	Violations int64  `json:"violations"`
	Last       string `json:"last,omitempty"`
}

// watch runs Store.Check about once a second and counts violations.
func (s *System) watch(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		if v, err := s.store.Check(ctx); err == nil {
			s.checks.Add(1)
			if len(v) > 0 {
				s.violations.Add(int64(len(v)))
				s.lastViolation.Store(v[0].What)
				s.env.Logger.Error("trading: conservation violated", "what", v[0].What, "count", len(v))
			}
			last, _ := s.lastViolation.Load().(string)
			s.env.Emit("conservation", Conservation{Checks: s.checks.Load(), Violations: s.violations.Load(), Last: last})
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// MarketEvent is the page's "market" event, about twice a second: the
// book and the trades since the last event, per symbol.
type MarketEvent struct {
	T       float64                 `json:"t"` // unix seconds
	Symbols map[string]*SymbolState `json:"symbols"`
}

// SymbolState is one symbol in a MarketEvent.
type SymbolState struct {
	Depth  *Depth  `json:"depth"`
	Last   string  `json:"last,omitempty"`
	Trades []Trade `json:"trades"` // new since the last event, oldest first (at most 50)
	Volume string  `json:"volume"` // traded since the last event
	Count  int     `json:"count"`  // trades since the last event
	Lag    uint64  `json:"lag"`    // events not yet settled
	Open   int     `json:"open"`   // resting orders
}

// feed pushes the book and the tape to the page.
func (s *System) feed(ctx context.Context) {
	updates, stop := s.node.Subscribe(4096)
	defer stop()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	last := map[string]string{}
	pending := map[string][]Trade{}
	counts := map[string]int{}
	vol := map[string]int64{}
	for {
		select {
		case <-ctx.Done():
			return
		case u := <-updates:
			for _, tr := range u.Trades {
				counts[u.Symbol]++
				vol[u.Symbol] += tr.Lots
				last[u.Symbol] = tr.Price
			}
			p := append(pending[u.Symbol], u.Trades...)
			if len(p) > 50 {
				p = p[len(p)-50:]
			}
			pending[u.Symbol] = p
		case now := <-t.C:
			ev := MarketEvent{T: float64(now.UnixMilli()) / 1000, Symbols: map[string]*SymbolState{}}
			for _, m := range s.store.Markets() {
				d, err := s.node.Depth(ctx, m.Symbol, 15)
				if err != nil {
					return
				}
				var open int
				_ = s.node.Engine().Do(ctx, m.Symbol, func(b *engine.Book) { open = b.Open() })
				st := &SymbolState{Depth: d, Last: last[m.Symbol], Trades: pending[m.Symbol], Count: counts[m.Symbol],
					Volume: m.QtyText(vol[m.Symbol]), Lag: s.node.SettlementLag(m.Symbol), Open: open}
				if st.Trades == nil {
					st.Trades = []Trade{}
				}
				ev.Symbols[m.Symbol] = st
				delete(pending, m.Symbol)
				counts[m.Symbol], vol[m.Symbol] = 0, 0
			}
			s.env.Emit("market", ev)
		}
	}
}

// flow generates the demo's orders: per symbol a mid price that wanders
// slowly; limit orders near it on both sides (some crossing), IOC, FOK and
// market orders, cancels and modifies of open orders.
type flow struct {
	mu       sync.Mutex
	rng      *rand.Rand
	accounts []int
	markets  []Market
	mids     []float64 // in ticks
	open     []openOrder
}

type openOrder struct {
	id      int64
	account int
	symbol  string
	lots    int64
}

// demoMids are the starting mid prices of DefaultMarkets, in quote units.
var demoMids = map[string]float64{"BTC-USD": 30000, "ETH-USD": 2000, "SOL-USD": 100}

func newFlow(seed uint64, accounts []int, markets []Market) *flow {
	f := &flow{rng: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)), accounts: accounts, markets: markets}
	for _, m := range markets {
		mid := demoMids[m.Symbol]
		if mid == 0 {
			mid = 100
		}
		f.mids = append(f.mids, mid*math.Pow10(int(m.PriceDecimals)))
	}
	return f
}

// next builds one request: method, path (relative to the API) and body.
func (f *flow) next() (string, string, []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.rng.IntN(100)
	if len(f.open) > 0 && r < 15 {
		i := f.rng.IntN(len(f.open))
		o := f.open[i]
		f.open[i] = f.open[len(f.open)-1]
		f.open = f.open[:len(f.open)-1]
		if r < 11 {
			return http.MethodPost, PathOrders + "/" + strconv.FormatInt(o.id, 10) + "/cancel",
				[]byte(`{"accountId":` + strconv.Itoa(o.account) + `}`)
		}
		lots := max(1, o.lots/2)
		body, _ := json.Marshal(ModifyRequest{AccountID: o.account, Quantity: f.marketOf(o.symbol).QtyText(lots)})
		return http.MethodPatch, PathOrders + "/" + strconv.FormatInt(o.id, 10), body
	}
	mi := f.rng.IntN(len(f.markets))
	m := f.markets[mi]
	// The mid wanders: a small random step per order, pulled back to its
	// start so a long run stays in range of the accounts' funds.
	start := demoMids[m.Symbol] * math.Pow10(int(m.PriceDecimals))
	f.mids[mi] += f.mids[mi]*0.0004*f.rng.NormFloat64() + (start-f.mids[mi])*0.001
	mid := f.mids[mi]
	spread := mid * 0.002
	req := OrderRequest{AccountID: f.accounts[f.rng.IntN(len(f.accounts))], Symbol: m.Symbol}
	buy := f.rng.IntN(2) == 0
	req.Side = "sell"
	// Most orders rest near the touch; a quarter cross it.
	off := spread * (0.1 + f.rng.ExpFloat64())
	if f.rng.IntN(4) == 0 {
		off = -spread * 0.5 * f.rng.Float64()
	}
	ticks := int64(mid + off)
	if buy {
		req.Side = "buy"
		ticks = int64(mid - off)
	}
	ticks = max(ticks, 1)
	lotsMax := int64(math.Pow10(int(m.QtyDecimals))) / 10 // up to 0.1 base units
	lots := 1 + f.rng.Int64N(max(lotsMax, 1))
	req.Price, req.Quantity = m.PriceText(ticks), m.QtyText(lots)
	switch {
	case r < 70:
		req.Type, req.TIF = "limit", "gtc"
	case r < 82:
		req.Type, req.TIF = "limit", "ioc"
	case r < 88:
		req.Type, req.TIF = "limit", "fok"
	default:
		req.Type = "market"
		req.Price = m.PriceText(int64(mid + spread*5)) // protection
		if !buy {
			req.Price = ""
		}
	}
	body, _ := json.Marshal(req)
	return http.MethodPost, PathOrders, body
}

func (f *flow) marketOf(symbol string) Market {
	for _, m := range f.markets {
		if m.Symbol == symbol {
			return m
		}
	}
	return f.markets[0]
}

// placed records an accepted GTC order as a candidate for cancel/modify.
func (f *flow) placed(v *OrderView) {
	if v.TIF != "gtc" || v.Type != "limit" {
		return
	}
	m := f.marketOf(v.Symbol)
	q, err := toSteps(v.Quantity, m.QtyDecimals)
	if err != nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.open = append(f.open, openOrder{id: v.ID, account: v.AccountID, symbol: v.Symbol, lots: q})
	if len(f.open) > 5000 {
		f.open = f.open[len(f.open)-5000:]
	}
}

// Run implements demo.System: orders at opts.Rate per second through the
// HTTP API for opts.Duration, then the checks (see check).
func (s *System) Run(ctx context.Context, opts demo.RunOptions, progress func(demo.Progress)) (*demo.Summary, error) {
	if opts.Rate <= 0 || opts.Duration <= 0 {
		return nil, fmt.Errorf("trading: rate and duration must be > 0")
	}
	if s.node == nil {
		return nil, errors.New("trading: Run before Setup")
	}
	cctx := context.WithoutCancel(ctx)
	client := loadgen.HandlerClient(s.Handler())
	base := "http://in-process"
	if opts.BaseURL != "" {
		client, base = nil, opts.BaseURL
	}
	if progress == nil {
		progress = func(demo.Progress) {}
	}
	fl := newFlow(uint64(time.Now().UnixNano()), s.accounts, s.store.Markets())
	targeter := func(t *loadgen.Target) error {
		method, path, body := fl.next()
		t.Method, t.URL, t.Body = method, base+path, body
		t.Header = http.Header{"Content-Type": {"application/json"}}
		return nil
	}
	var placed, cancels, modifies, refused, conflicts, failed atomic.Int64
	onResult := func(r *loadgen.Result) {
		switch {
		case r.Code == http.StatusCreated:
			placed.Add(1)
			var v OrderView
			if json.Unmarshal(r.Body, &v) == nil {
				fl.placed(&v)
			}
		case r.Code == http.StatusAccepted && r.Method == http.MethodPatch:
			modifies.Add(1)
		case r.Code == http.StatusAccepted:
			cancels.Add(1)
		case r.Code == http.StatusUnprocessableEntity:
			refused.Add(1) // insufficient funds: a normal answer
		case r.Code == http.StatusConflict:
			conflicts.Add(1) // cancel/modify of an order that just filled
		default:
			failed.Add(1)
			if failed.Load() <= 3 {
				s.env.Logger.Warn("trading: request failed", "code", r.Code, "err", r.Error, "body", string(bytes.TrimSpace(r.Body)))
			}
		}
	}
	startTrades := s.node.Trades()
	prevPlaced, prevTrades := int64(0), startTrades
	var prevElapsed time.Duration
	onSnapshot := func(snap loadgen.Snapshot) {
		dt := (snap.Elapsed - prevElapsed).Seconds()
		if dt <= 0 {
			dt = 1
		}
		p, tr := placed.Load(), s.node.Trades()
		var lag uint64
		var open, levels int
		for _, m := range s.store.Markets() {
			lag += s.node.SettlementLag(m.Symbol)
			_ = s.node.Engine().Do(cctx, m.Symbol, func(b *engine.Book) {
				open += b.Open()
				bids, asks := b.Depth(1 << 20)
				levels += len(bids) + len(asks)
			})
		}
		progress(demo.Progress{Elapsed: snap.Elapsed, Metrics: []demo.Metric{
			{Key: "ops", Label: "orders/s", Value: float64(p-prevPlaced) / dt, Unit: "/s"},
			{Key: "tps", Label: "trades/s", Value: float64(tr-prevTrades) / dt, Unit: "/s"},
			{Key: "p50", Label: "place p50", Value: ms(snap.Window.P50), Unit: "ms"},
			{Key: "p99", Label: "place p99", Value: ms(snap.Window.P99), Unit: "ms"},
			{Key: "open", Label: "resting orders", Value: float64(open)},
			{Key: "levels", Label: "book levels", Value: float64(levels)},
			{Key: "lag", Label: "settlement lag (events)", Value: float64(lag)},
			{Key: "violations", Label: "conservation violations", Value: float64(s.violations.Load())},
			{Key: "errors", Label: "errors", Value: float64(failed.Load())},
		}})
		prevPlaced, prevTrades, prevElapsed = p, tr, snap.Elapsed
	}
	rep, err := loadgen.Run(ctx, loadgen.Config{Rate: opts.Rate, Duration: opts.Duration, Client: client,
		Targeter: targeter, OnResult: onResult, OnSnapshot: onSnapshot, Timeout: 15 * time.Second})
	if err != nil {
		return nil, err
	}
	sum := &demo.Summary{Metrics: []demo.Metric{
		{Key: "placed", Label: "orders placed", Value: float64(placed.Load())},
		{Key: "ops", Label: "orders/s", Value: float64(placed.Load()) / math.Max(rep.Duration.Seconds(), 0.001), Unit: "/s"},
		{Key: "cancels", Label: "cancels", Value: float64(cancels.Load())},
		{Key: "modifies", Label: "modifies", Value: float64(modifies.Load())},
		{Key: "p50", Label: "request p50", Value: ms(rep.Total.P50), Unit: "ms"},
		{Key: "p99", Label: "request p99", Value: ms(rep.Total.P99), Unit: "ms"},
	}}
	add := func(name string, ok bool, format string, a ...any) {
		sum.Checks = append(sum.Checks, demo.Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, a...)})
	}
	add("every request answered without a server error", failed.Load() == 0,
		"%d placed, %d cancels, %d modifies, %d refused for funds, %d on closed orders, %d failed",
		placed.Load(), cancels.Load(), modifies.Load(), refused.Load(), conflicts.Load(), failed.Load())
	if err := s.check(cctx, add); err != nil {
		return nil, err
	}
	sum.Metrics = append(sum.Metrics, demo.Metric{Key: "trades", Label: "trades", Value: float64(s.node.Trades() - startTrades)})
	return sum, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// drain waits until every committed order and cancel reached the engine
// and every event of every book is settled and published.
func (s *System) drain(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var pending, unrelayed int64
		if err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM orders WHERE status = 'PENDING'),
			(SELECT count(*) FROM order_outbox WHERE NOT relayed)`).Scan(&pending, &unrelayed); err != nil {
			return err
		}
		settled := pending == 0 && unrelayed == 0
		for _, m := range s.store.Markets() {
			var seq uint64
			if err := s.node.Engine().Do(ctx, m.Symbol, func(b *engine.Book) { seq = b.Seq() }); err != nil {
				return err
			}
			var cursor int64
			if err := s.pool.QueryRow(ctx, `SELECT "lastSeq" FROM settlement_cursors WHERE symbol = $1`, m.Symbol).Scan(&cursor); err != nil {
				return err
			}
			if uint64(cursor) != seq || s.node.Settled(m.Symbol) != seq {
				settled = false
			}
		}
		if settled {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not settled after %s: %d pending orders, %d unrelayed outbox rows", timeout, pending, unrelayed)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// check verifies, once everything is settled: conservation (now and in
// every check during the run), no overfill, each trade once in
// PostgreSQL, the audit log and the market-data stream, and that the
// journal rebuilds books identical to the live ones.
func (s *System) check(ctx context.Context, add func(string, bool, string, ...any)) error {
	err := s.drain(ctx, 60*time.Second)
	add("everything relayed and settled", err == nil, "%v", errOr(err, "no pending order, outbox empty, cursors at the books' last event"))
	v, err := s.store.Check(ctx)
	if err != nil {
		return err
	}
	detail := "per currency available + reserved = deposits − withdrawals; available ≥ 0; reserved = holds of open orders"
	if len(v) > 0 {
		detail = fmt.Sprintf("%d violations, e.g. %s", len(v), v[0].What)
	}
	add("conservation of cash and shares at the end", len(v) == 0, "%s", detail)
	add("conservation during the run", s.violations.Load() == 0, "%d violations in %d checks", s.violations.Load(), s.checks.Load())
	var overfilled int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM orders WHERE filled > quantity`).Scan(&overfilled); err != nil {
		return err
	}
	add("no order filled beyond its quantity", overfilled == 0, "%d overfilled orders", overfilled)
	for _, m := range s.store.Markets() {
		var tradeSeq uint64
		if err := s.node.Engine().Do(ctx, m.Symbol, func(b *engine.Book) { tradeSeq = b.TradeSeq() }); err != nil {
			return err
		}
		var n, maxSeq, distinct int64
		if err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(max(seq), 0), count(DISTINCT seq) FROM trades WHERE symbol = $1`,
			m.Symbol).Scan(&n, &maxSeq, &distinct); err != nil {
			return err
		}
		add(m.Symbol+": every trade settled exactly once", uint64(n) == tradeSeq && n == maxSeq && n == distinct,
			"engine %d trades; PostgreSQL %d rows, %d distinct, max seq %d", tradeSeq, n, distinct, maxSeq)
		if s.env.Mongo != nil {
			var audited int64
			var err error
			for range 50 { // the audit write follows the settlement commit
				audited, err = s.env.Mongo.Collection(AuditCollection).CountDocuments(ctx, map[string]any{"metadata.symbol": m.Symbol})
				if err != nil || audited >= n {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				return err
			}
			add(m.Symbol+": every trade audited exactly once", audited == n, "%d audit documents, %d trades", audited, n)
		}
		if s.env.Redis != nil {
			xlen, err := s.env.Redis.Do(ctx, s.env.Redis.B().Xlen().Key(s.node.TradesKey(m.Symbol)).Build()).AsInt64()
			if err != nil {
				return err
			}
			add(m.Symbol+": every trade in the market-data stream once", xlen == n || (n > s.node.cfg.StreamMaxLen && xlen >= s.node.cfg.StreamMaxLen),
				"%d stream entries, %d trades", xlen, n)
		}
	}
	res, err := s.node.ReplayCheck(ctx)
	if err != nil {
		add("journal replay rebuilds the live books", false, "%v", err)
		return nil
	}
	ok, detail := true, ""
	for _, r := range res {
		if r.LiveHash != r.ReplayHash {
			ok = false
		}
		detail += fmt.Sprintf("%s %016x/%016x ", r.Symbol, r.LiveHash, r.ReplayHash)
	}
	add("journal replay state hash = live book hash", ok, "%s", detail)
	return nil
}

func errOr(err error, ok string) string {
	if err != nil {
		return err.Error()
	}
	return ok
}
