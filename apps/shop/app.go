package shop

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/redis/cache"
	"github.com/polystore/polystore/redis/ratelimit"
)

// Product is an item of the catalog.
type Product struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Price string `json:"price"` // exact decimal, e.g. "19.99"
	// Available is the stock on sale now (from Redis).
	Available int64 `json:"available"`
}

// AppConfig configures an App.
type AppConfig struct {
	Config
	// UserLimit bounds each user's requests (default 50/s, burst 100).
	UserLimit ratelimit.Limit

	// PG, when set, holds the catalog, orders and outbox (see Migrate,
	// Prepare): products are read through the Redis cache, confirmed
	// orders written with their outbox row. Without it the catalog lives
	// in memory and Confirm stops at Redis.
	PG *pgxpool.Pool
	// Mongo, with PG, receives the order history written by the outbox
	// worker.
	Mongo *mongo.Database
	// CatalogTTL is how long a product read is cached (default 5m, the
	// guide's); SaleCatalogTTL replaces it while a sale runs (default 30s).
	CatalogTTL, SaleCatalogTTL time.Duration
	// CatalogL1 serves catalog hits from process memory (redis/cache's L1
	// with decoded values), which saves a Redis round trip and a decode on
	// every reservation. Redis keeps the copies correct: it invalidates
	// them (RESP3 client tracking) when the entry is written or expires.
	// The client must allow client-side caching (rueidis' default; not
	// DisableCache, and not a server without CLIENT TRACKING).
	CatalogL1 bool
}

// App is the shop's HTTP API over a Shop.
type App struct {
	*Shop
	limiter *ratelimit.Limiter

	acfg    AppConfig
	store   *Store
	catalog *cache.Cache
	history *History
	wake    chan struct{}

	saleRunning atomic.Bool
	// catalogSeen holds the ids of products read from the catalog (see
	// scriptLimit); limitArgs and limitCapacity are the user limit's
	// script arguments (rate, period µs, burst) and its capacity.
	catalogSeen   sync.Map
	limitArgs     [3]string
	limitCapacity int64

	mu       sync.RWMutex
	products map[string]Product
	order    []string
	// knownIDs maps each id of products (each to itself) for the
	// reservation body's parser to take instead of a copy; replaced, never
	// changed, by AddProduct (under mu).
	knownIDs atomic.Pointer[map[string]string]
	// loaders holds the catalog loader of each product of products
	// (productLoader); replaced with knownIDs. readOpts and saleReadOpts
	// are a product read's options out of and during a sale.
	loaders                atomic.Pointer[map[string]cache.Loader[Product]]
	readOpts, saleReadOpts cache.GetOpts
}

// NewApp returns the shop on a Redis client. It does no I/O.
//
// Build the client with redisconn.NewClient (or apply redisconn.FailFast to
// its options): then, with Redis down, every request is answered 503 with
// Retry-After within a second. A plain rueidis client retries read-only
// commands (the sold-out check, the catalog) until the request's context
// ends, so callers would wait instead of being told.
func NewApp(client rueidis.Client, cfg AppConfig) (*App, error) {
	if client == nil {
		return nil, errors.New("shop: nil Redis client")
	}
	cfg.defaults()
	if cfg.UserLimit.Rate == 0 {
		cfg.UserLimit = ratelimit.Limit{Rate: 50, Period: time.Second, Burst: 100}
	}
	lim, err := ratelimit.New(client, ratelimit.Config{Algorithm: ratelimit.GCRA, Limit: cfg.UserLimit, Prefix: cfg.Prefix + "rl:"})
	if err != nil {
		return nil, err
	}
	if cfg.CatalogTTL <= 0 {
		cfg.CatalogTTL = 5 * time.Minute
	}
	if cfg.SaleCatalogTTL <= 0 {
		cfg.SaleCatalogTTL = 30 * time.Second
	}
	a := &App{Shop: newShop(client, cfg.Config), limiter: lim, products: map[string]Product{}, acfg: cfg, wake: make(chan struct{}, 1),
		readOpts: cache.GetOpts{TTL: cfg.CatalogTTL}, saleReadOpts: cache.GetOpts{TTL: cfg.SaleCatalogTTL}}
	// The limiter's own arguments for GCRA (see ratelimit.New): a burst
	// of 0 means the rate.
	a.limitCapacity = cfg.UserLimit.Burst
	if a.limitCapacity == 0 {
		a.limitCapacity = cfg.UserLimit.Rate
	}
	a.limitArgs = [3]string{strconv.FormatInt(cfg.UserLimit.Rate, 10), strconv.FormatInt(cfg.UserLimit.Period.Microseconds(), 10),
		strconv.FormatInt(a.limitCapacity, 10)}
	if cfg.PG != nil {
		if a.store, err = NewStore(cfg.PG); err != nil {
			return nil, err
		}
		// Cached "not found" answers are short-lived: a product added
		// later shows up within a second. Redis calls may take up to 5s
		// under a stampede of a loaded machine before they count as an outage.
		if a.catalog, err = cache.New(client, cache.Config{Prefix: cfg.Prefix + "cache:", Namespace: "catalog",
			TTL: cfg.CatalogTTL, NegativeTTL: time.Second, Timeout: 5 * time.Second, Logger: cfg.Logger,
			L1: cfg.CatalogL1, L1Decoded: cfg.CatalogL1}); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Store returns the PostgreSQL side (nil without AppConfig.PG).
func (a *App) Store() *Store { return a.store }

// Prepare migrates the PostgreSQL schema (with AppConfig.PG) and creates
// the order history's indexes (with AppConfig.Mongo). Idempotent.
func (a *App) Prepare(ctx context.Context) error {
	if a.store == nil {
		return nil
	}
	if err := Migrate(ctx, a.acfg.PG); err != nil {
		return err
	}
	if a.acfg.Mongo != nil && a.history == nil {
		h, err := NewHistory(ctx, a.acfg.Mongo)
		if err != nil {
			return err
		}
		a.history = h
	}
	return nil
}

// SetSaleRunning switches product reads to the sale's shorter cache TTL
// (on) or back to the normal one (off).
func (a *App) SetSaleRunning(on bool) { a.saleRunning.Store(on) }

// catalogOpts are the options of a product read now: the sale's shorter
// TTL while a sale runs (built once: a read is on every reservation's
// path).
func (a *App) catalogOpts() *cache.GetOpts {
	if a.saleRunning.Load() {
		return &a.saleReadOpts
	}
	return &a.readOpts
}

// productLoader returns the catalog cache's loader of product id: read
// from PostgreSQL, a missing product is cache.ErrNotFound. The loaders of
// the catalog's products (AddProduct) are built once; any other id gets
// one per call, so made-up ids cannot grow the process.
func (a *App) productLoader(id string) cache.Loader[Product] {
	if m := a.loaders.Load(); m != nil {
		if l, ok := (*m)[id]; ok {
			return l
		}
	}
	return a.newProductLoader(id)
}

func (a *App) newProductLoader(id string) cache.Loader[Product] {
	return func(ctx context.Context) (Product, error) {
		p, err := a.store.LoadProduct(ctx, id)
		if errors.Is(err, ErrUnknownProduct) {
			return p, cache.ErrNotFound
		}
		return p, err
	}
}

// Product returns a product of the catalog: from the Redis cache, or
// PostgreSQL on a miss (one loader per product across concurrent callers
// and processes, see redis/cache). Without PostgreSQL, from memory.
func (a *App) Product(ctx context.Context, id string) (Product, error) {
	if err := validID("productId", id); err != nil {
		return Product{}, err
	}
	if a.store == nil {
		p, ok := a.product(id)
		if !ok {
			return Product{}, &Error{Status: http.StatusBadRequest, Code: CodeUnknownProduct, Field: "productId", Message: "no such product"}
		}
		return p, nil
	}
	p, err := cache.Get(ctx, a.catalog, id, a.productLoader(id), a.catalogOpts())
	if errors.Is(err, cache.ErrNotFound) {
		return Product{}, &Error{Status: http.StatusBadRequest, Code: CodeUnknownProduct, Field: "productId", Message: "no such product"}
	}
	if err != nil {
		return Product{}, storeError("catalog", err)
	}
	p.Available = 0
	return p, nil
}

// AddProduct adds a product to the catalog (and, with PostgreSQL, its
// row and inventory) and opens its sale with units.
func (a *App) AddProduct(ctx context.Context, p Product, units int64) error {
	if err := validID("id", p.ID); err != nil {
		return err
	}
	if a.store != nil {
		if err := a.store.PutProduct(ctx, p, units); err != nil {
			return err
		}
	}
	if _, err := a.OpenSale(ctx, p.ID, units); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.products[p.ID]; !ok {
		a.order = append(a.order, p.ID)
		known := make(map[string]string, len(a.order))
		loaders := make(map[string]cache.Loader[Product], len(a.order))
		for _, id := range a.order {
			known[id] = id
			if a.store != nil {
				loaders[id] = a.newProductLoader(id)
			}
		}
		a.knownIDs.Store(&known)
		a.loaders.Store(&loaders)
	}
	a.products[p.ID] = p
	return nil
}

// ProductIDs returns the catalog's ids in order.
func (a *App) ProductIDs() []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return append([]string(nil), a.order...)
}

func (a *App) product(id string) (Product, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	p, ok := a.products[id]
	return p, ok
}

// Handler serves the API (routes relative to where it is mounted):
//
//	GET  /products                  the catalog with live availability
//	GET  /products/{id}
//	POST /reservations              {"productId","quantity"} + Idempotency-Key
//	POST /orders                    {"productId","reservationId"}
//	GET  /orders                    the caller's orders, newest first (?limit=, default 50)
//	GET  /stats                     stock counters of every product
//
// The caller is named by the X-User-Id header; each user is rate limited.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products", a.listProducts)
	mux.HandleFunc("GET /products/{id}", a.getProduct)
	mux.HandleFunc("POST /reservations", a.postReservation)
	mux.Handle("POST /orders", a.limited(a.postOrder))
	mux.Handle("GET /orders", a.limited(a.getOrders))
	mux.HandleFunc("GET /stats", a.getStats)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no route " + r.Method + " " + r.URL.Path})
	})
	return mux
}

// limited checks the caller's rate limit before h; Redis unreachable
// answers 503 with Retry-After.
func (a *App) limited(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, err := userOf(r)
		if err != nil {
			writeError(w, err)
			return
		}
		if a.allow(w, r, user) {
			h(w, r)
		}
	})
}

// allow spends one of user's requests; when the limit (or Redis) says no
// it answers 429 (or 503) and returns false.
func (a *App) allow(w http.ResponseWriter, r *http.Request, user string) bool {
	res, err := a.limiter.Allow(r.Context(), "user:"+user, nil)
	if err != nil {
		writeError(w, storeError("rate limit", err))
		return false
	}
	ratelimit.SetHeaders(w.Header(), res)
	if !res.Allowed {
		writeError(w, rateLimitedError(res))
		return false
	}
	return true
}

// rateLimitedError is the 429 answer to a request the limit refused.
func rateLimitedError(res ratelimit.Result) *Error {
	return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
		Message: "too many requests for this user", RetryAfter: int(max(1, (res.RetryAfter+time.Second-1)/time.Second))}
}

func (a *App) withAvailability(ctx context.Context, p Product) (Product, error) {
	c, err := a.Counts(ctx, p.ID)
	if err != nil {
		return p, err
	}
	p.Available = c.Stock
	return p, nil
}

func (a *App) listProducts(w http.ResponseWriter, r *http.Request) {
	out := []Product{}
	for _, id := range a.ProductIDs() {
		p, err := a.Product(r.Context(), id)
		if err != nil {
			writeError(w, err)
			return
		}
		p, err = a.withAvailability(r.Context(), p)
		if err != nil {
			writeError(w, err)
			return
		}
		out = append(out, p)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *App) getProduct(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := validID("id", id); err != nil {
		writeError(w, err)
		return
	}
	p, err := a.Product(r.Context(), id)
	if errors.Is(err, ErrUnknownProduct) {
		writeError(w, &Error{Status: http.StatusNotFound, Code: CodeUnknownProduct, Field: "id", Message: "no such product"})
		return
	}
	if err != nil {
		writeError(w, err)
		return
	}
	p, err = a.withAvailability(r.Context(), p)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

type reserveBody struct {
	ProductID string `json:"productId"`
	Quantity  int    `json:"quantity"`
}

// scriptLimit returns the caller's rate limit for the reservation script
// to check in its own round trip (reserveLimitedScript), or nil when the
// limit must be checked first, on its own: on Redis Cluster (the limit's
// key is in another slot) and for a product this process has not read
// from the catalog yet. The latter keeps the limit in front of the
// catalog's loader: requests for made-up product ids are limited before
// they can reach PostgreSQL, as they were before the limit moved into the
// script.
func (a *App) scriptLimit(user, productID string) *userLimit {
	if a.redis.Mode() == rueidis.ClientModeCluster {
		return nil
	}
	if a.store != nil {
		if _, ok := a.catalogSeen.Load(productID); !ok {
			return nil
		}
	}
	return &userLimit{key: a.limiter.Key("user:" + user), args: &a.limitArgs, capacity: a.limitCapacity}
}

// postReservation answers POST /reservations. The body is checked first
// (bad input writes nothing, not even the rate limit's count); a sold-out
// answer from L1 (Config.SoldOutL1) comes next, before the rate limit: it
// changes nothing and costs one EXISTS, less than the limit's own script,
// so a sale's flood of late buyers costs Redis one command each. Every
// other request passes the caller's rate limit before the reservation: on
// one server, for a product already read from the catalog, inside the
// reservation's script (one round trip; see scriptLimit), else with the
// limit's own script first.
func (a *App) postReservation(w http.ResponseWriter, r *http.Request) {
	user, err := userOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var b reserveBody
	var known map[string]string
	if m := a.knownIDs.Load(); m != nil {
		known = *m
	}
	if err := decodeReservation(r, &b, known); err != nil {
		writeError(w, err)
		return
	}
	req := ReserveRequest{UserID: user, ProductID: b.ProductID, Quantity: b.Quantity, IdempotencyKey: r.Header.Get(HeaderIdempotency)}
	if err := req.Validate(); err != nil {
		writeError(w, err)
		return
	}
	if left, ok := a.soldOutEarly(r.Context(), req); ok {
		writeSoldOut(w, left, req.Quantity)
		return
	}
	lim := a.scriptLimit(user, req.ProductID)
	if lim == nil && !a.allow(w, r, user) {
		return
	}
	p, err := a.Product(r.Context(), req.ProductID)
	if err != nil {
		if lim != nil && !a.allow(w, r, user) {
			return
		}
		writeError(w, err)
		return
	}
	if lim == nil {
		a.catalogSeen.Store(req.ProductID, struct{}{})
	}
	res, rl, err := a.reserve(r.Context(), req, p.Price, false, lim)
	if rl.Limit != 0 {
		ratelimit.SetHeaders(w.Header(), rl)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	writeReservation(w, status, res)
}

type orderBody struct {
	ProductID     string `json:"productId"`
	ReservationID string `json:"reservationId"`
}

// OrderResult is the answer to a confirmed reservation.
type OrderResult struct {
	OrderID   string `json:"orderId"`
	ProductID string `json:"productId"`
	Quantity  int    `json:"quantity"`
	UnitPrice string `json:"unitPrice"`
	Replayed  bool   `json:"replayed"`
}

func (a *App) postOrder(w http.ResponseWriter, r *http.Request) {
	user, _ := userOf(r)
	var b orderBody
	if err := decode(r, &b); err != nil {
		writeError(w, err)
		return
	}
	if err := validID("productId", b.ProductID); err != nil {
		writeError(w, err)
		return
	}
	if err := validID("reservationId", b.ReservationID); err != nil {
		writeError(w, err)
		return
	}
	if _, err := a.Product(r.Context(), b.ProductID); err != nil {
		writeError(w, err)
		return
	}
	c, err := a.ConfirmOrder(r.Context(), user, b.ProductID, b.ReservationID)
	if err != nil {
		writeError(w, err)
		return
	}
	status := http.StatusCreated
	if c.Replayed {
		status = http.StatusOK
	}
	writeJSON(w, status, OrderResult{OrderID: c.OrderID, ProductID: b.ProductID, Quantity: c.Quantity, UnitPrice: c.UnitPrice, Replayed: c.Replayed})
}

// Stats are the sale's counters summed over the catalog.
type Stats struct {
	Initial   int64 `json:"initial"`
	Remaining int64 `json:"remaining"`
	Held      int64 `json:"held"`
	Sold      int64 `json:"sold"`
	Oversold  int64 `json:"oversold"`
	// Unbalanced counts products whose initial != stock + held + sold.
	Unbalanced int `json:"unbalanced"`
	// History counts order-history documents (when known).
	History int64 `json:"history"`
}

// Stats sums the counters of every product.
func (a *App) Stats(ctx context.Context) (Stats, error) { return a.StatsOf(ctx, a.ProductIDs()) }

// StatsOf sums the counters of the given products.
func (a *App) StatsOf(ctx context.Context, ids []string) (Stats, error) {
	var s Stats
	for _, id := range ids {
		c, err := a.Counts(ctx, id)
		if err != nil {
			return s, err
		}
		s.Initial += c.Initial
		s.Remaining += c.Stock
		s.Held += c.Held
		s.Sold += c.Sold
		s.Oversold += c.Oversold()
		if !c.Balanced() {
			s.Unbalanced++
		}
	}
	return s, nil
}

func (a *App) getStats(w http.ResponseWriter, r *http.Request) {
	s, err := a.Stats(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

// ReapAll reaps every product once and returns the units returned.
func (a *App) ReapAll(ctx context.Context) (int64, error) {
	var total int64
	for _, id := range a.ProductIDs() {
		n, err := a.Reap(ctx, id)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// RunReaper reaps every ReapInterval until ctx is done.
func (a *App) RunReaper(ctx context.Context) {
	t := time.NewTicker(a.cfg.ReapInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := a.ReapAll(ctx); err != nil && ctx.Err() == nil {
				a.cfg.Logger.Warn("reaper", "err", err)
			}
		}
	}
}
