package shop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/ratelimit"
)

// Limits on user input.
const (
	MaxQuantity = 100
	MaxIDLength = 64
)

// Config configures a Shop. Zero fields take the defaults.
type Config struct {
	// Prefix starts every Redis key (default "shop:").
	Prefix string
	// ReservationTTL is how long a reservation holds stock (default 10m).
	ReservationTTL time.Duration
	// IdempotencyTTL is how long an Idempotency-Key's answer is kept (default 24h).
	IdempotencyTTL time.Duration
	// ReapInterval is how often the reaper returns expired reservations'
	// stock (default 250ms).
	ReapInterval time.Duration
	// Logger receives worker errors (default: discard).
	Logger *slog.Logger
	// SoldOutL1 answers requests for a product the process saw sold out
	// from the client-side cache of its stock, without running the
	// reservation script (see Shop.Reserve). The client must allow
	// client-side caching (rueidis' default); without it each such
	// request reads the stock from Redis.
	SoldOutL1 bool
}

func (c *Config) defaults() {
	if c.Prefix == "" {
		c.Prefix = "shop:"
	}
	if c.ReservationTTL <= 0 {
		c.ReservationTTL = 10 * time.Minute
	}
	if c.IdempotencyTTL <= 0 {
		c.IdempotencyTTL = 24 * time.Hour
	}
	if c.ReapInterval <= 0 {
		c.ReapInterval = 250 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Shop is the flash-sale core: stock in Redis, reservations, confirmation.
type Shop struct {
	cfg   Config
	redis rueidis.Client

	// reservationTTL and idempotencyTTL are the script's arguments (ms).
	reservationTTL, idempotencyTTL string
	// soldOut holds the ids of products the script answered sold out
	// for (see Config.SoldOutL1), each with its *soldOutEntry.
	soldOut sync.Map
	// keyCache holds each product's *keys (see keys), keysCached counts
	// them.
	keyCache   sync.Map
	keysCached atomic.Int64
}

// soldOutEntry is what a sold-out answer from L1 needs of its product,
// built once when the product is seen sold out: the read of its stock
// from the client-side cache, pinned so that no request builds it.
type soldOutEntry struct {
	stock rueidis.Cacheable
}

func newShop(client rueidis.Client, cfg Config) *Shop {
	return &Shop{cfg: cfg, redis: client, reservationTTL: ms(cfg.ReservationTTL), idempotencyTTL: ms(cfg.IdempotencyTTL)}
}

// ReserveRequest asks to hold Quantity units of ProductID for UserID.
type ReserveRequest struct {
	UserID         string
	ProductID      string
	Quantity       int
	IdempotencyKey string
}

// Reservation is a hold on stock until ExpiresAt.
type Reservation struct {
	ID        string    `json:"id"`
	UserID    string    `json:"userId"`
	ProductID string    `json:"productId"`
	Quantity  int       `json:"quantity"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Remaining is the product's stock left after this reservation.
	Remaining int64 `json:"remaining"`
	// Replayed is true when the answer was stored under the idempotency key
	// by an earlier request.
	Replayed bool `json:"replayed"`
}

func validID(field, v string) error {
	if v == "" {
		return invalid(field, "is required")
	}
	if len(v) > MaxIDLength {
		return invalid(field, "is longer than %d characters", MaxIDLength)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return invalid(field, "may contain only letters, digits, '-', '_' and '.'")
		}
	}
	return nil
}

// Validate checks the request's fields; the error names the first bad one.
func (r ReserveRequest) Validate() error {
	if err := validID("userId", r.UserID); err != nil {
		return err
	}
	if err := validID("productId", r.ProductID); err != nil {
		return err
	}
	if r.Quantity < 1 || r.Quantity > MaxQuantity {
		return invalid("quantity", "must be between 1 and %d, got %d", MaxQuantity, r.Quantity)
	}
	if r.IdempotencyKey == "" {
		return &Error{Status: http.StatusBadRequest, Code: CodeMissingIdempotency, Field: "Idempotency-Key", Message: "the Idempotency-Key header is required"}
	}
	return validID("Idempotency-Key", r.IdempotencyKey)
}

// payload is what an Idempotency-Key is bound to: the product and the
// quantity ('|' cannot occur in a product id).
func payload(r ReserveRequest) string {
	return r.ProductID + ":" + strconv.Itoa(r.Quantity)
}

// Reserve holds stock: one script checks and decrements it, records the
// reservation and stores the answer under the idempotency key. The same
// key returns the same answer; the same key with another payload is a
// conflict. A sold-out answer returns at once and is not stored: it
// changes nothing, so a retry is answered from the stock of its time.
//
// The key is also claimed for its payload in a slot of its own, so a key
// reused for another product is caught although each product lives in its
// own cluster slot. On a single server (standalone or sentinel) the claim
// is part of the script: one round trip per request. On Redis Cluster it
// is a SET NX GET before the script, whose idempotency key then
// deduplicates concurrent retries atomically.
//
// With Config.SoldOutL1, a product the script answered sold out for is
// remembered in the process; its next requests read the stock from the
// client-side cache (invalidated by Redis when the stock changes) and, when
// it is still short and the key was never used, answer sold out without
// running the script.
func (s *Shop) Reserve(ctx context.Context, req ReserveRequest, unitPrice string) (*Reservation, error) {
	res, _, err := s.reserve(ctx, req, unitPrice, s.cfg.SoldOutL1, nil)
	return res, err
}

// userLimit is a caller's rate limit checked by the reservation script
// itself (reserveLimitedScript): the limiter's key and its arguments.
type userLimit struct {
	key      string
	args     *[3]string // limit, period µs, burst
	capacity int64
}

// reserve is Reserve; l1 asks for the sold-out check from L1 (the HTTP
// handler makes it itself, before the rate limit). With lim (single server
// only) the script spends one of the caller's requests first, in the same
// round trip, and reserves only if the limit allows it: the result is the
// limit's answer, and a request it refuses is a *Error of code
// rate_limited.
func (s *Shop) reserve(ctx context.Context, req ReserveRequest, unitPrice string, l1 bool, lim *userLimit) (*Reservation, ratelimit.Result, error) {
	var rl ratelimit.Result
	if err := req.Validate(); err != nil {
		return nil, rl, err
	}
	pl := payload(req)
	claim := s.claimKey(req.UserID, req.IdempotencyKey)
	k := s.keys(req.ProductID)
	if l1 {
		if left, ok := s.soldOutL1(ctx, req.ProductID, req.Quantity, claim); ok {
			return nil, rl, soldOutError(left, req.Quantity)
		}
	}
	id := newID()
	// Room for the claim and the limiter's key, and for the limit's
	// arguments: one allocation each.
	keys := make([]string, 5, 7)
	keys[0], keys[1], keys[2], keys[3], keys[4] = k.stock, k.held, k.expiry, k.idempotency(req.UserID, req.IdempotencyKey), k.reservation(id)
	if s.redis.Mode() == rueidis.ClientModeCluster {
		prev, err := s.redis.Do(ctx, s.redis.B().Set().Key(claim).Value(pl).Nx().Get().
			PxMilliseconds(s.cfg.IdempotencyTTL.Milliseconds()).Build()).ToString()
		if err != nil && !rueidis.IsRedisNil(err) {
			return nil, rl, storeError("reserve", err)
		}
		if err == nil && prev != pl {
			return nil, rl, conflictError()
		}
	} else {
		keys = append(keys, claim)
	}
	args := make([]string, 7, 10)
	args[0], args[1], args[2], args[3], args[4], args[5], args[6] = strconv.Itoa(req.Quantity), id, req.UserID, s.reservationTTL, pl, s.idempotencyTTL, unitPrice
	script, n := reserveScript, 5
	if lim != nil {
		keys = append(keys, lim.key)
		args = append(args, lim.args[:]...)
		script, n = reserveLimitedScript, 7
	}
	out, err := script.Exec(ctx, s.redis, keys, args).ToArray()
	if err != nil {
		return nil, rl, storeError("reserve", err)
	}
	if len(out) < n {
		return nil, rl, storeError("reserve", errors.New("short script answer"))
	}
	status, err := out[0].ToString()
	if err != nil {
		return nil, rl, storeError("reserve", err)
	}
	// The numbers are integers (strings from an older script parse too).
	exp, _ := out[2].AsInt64()
	remaining, _ := out[3].AsInt64()
	replay, _ := out[4].AsInt64()
	if lim != nil {
		left, _ := out[5].AsInt64()
		reset, _ := out[6].AsInt64()
		rl = ratelimit.Result{Allowed: status != "rate_limited", Limit: lim.capacity, Remaining: max(left, 0),
			Reset: time.Duration(max(reset, 0)) * time.Microsecond}
	}
	switch status {
	case "reserved":
		rid, err := out[1].ToString()
		if err != nil {
			return nil, rl, storeError("reserve", err)
		}
		return &Reservation{ID: rid, UserID: req.UserID, ProductID: req.ProductID, Quantity: req.Quantity,
			ExpiresAt: time.UnixMilli(exp).UTC(), Remaining: remaining, Replayed: replay == 1}, rl, nil
	case "sold_out":
		if s.cfg.SoldOutL1 {
			if _, seen := s.soldOut.Load(req.ProductID); !seen {
				s.soldOut.Store(req.ProductID, &soldOutEntry{stock: s.redis.B().Get().Key(k.stock).Cache().Pin()})
			}
		}
		return nil, rl, soldOutError(remaining, req.Quantity)
	case "unknown":
		return nil, rl, &Error{Status: http.StatusBadRequest, Code: CodeUnknownProduct, Field: "productId", Message: "no sale for this product"}
	case "conflict":
		return nil, rl, conflictError()
	case "rate_limited":
		if lim != nil {
			rl.RetryAfter = time.Duration(math.MaxInt64) // the cost never fits
			if exp >= 0 {
				rl.RetryAfter = time.Duration(exp) * time.Microsecond
			}
			return nil, rl, rateLimitedError(rl)
		}
	}
	return nil, rl, storeError("reserve", fmt.Errorf("unexpected script answer %q", status))
}

// soldOutEarly is soldOutL1 for a request not yet checked: it costs a map
// lookup unless the product was seen sold out.
func (s *Shop) soldOutEarly(ctx context.Context, req ReserveRequest) (int64, bool) {
	if !s.cfg.SoldOutL1 {
		return 0, false
	}
	if _, ok := s.soldOut.Load(req.ProductID); !ok {
		return 0, false
	}
	return s.soldOutL1(ctx, req.ProductID, req.Quantity, s.claimKey(req.UserID, req.IdempotencyKey))
}

// soldOutTTL bounds how long the client-side cache may keep a sold-out
// product's stock; Redis invalidates it sooner when the stock changes.
const soldOutTTL = time.Second

// soldOutL1 answers whether a request for qty units of a product known to
// be sold out can be answered sold out without the script: the stock (from
// the client-side cache) is still short and the request's key was never
// used, so it has no earlier answer to replay. It reports the units left.
// Any doubt, or error, sends the request to the script.
func (s *Shop) soldOutL1(ctx context.Context, productID string, qty int, claim string) (int64, bool) {
	v, ok := s.soldOut.Load(productID)
	if !ok {
		return 0, false
	}
	left, err := s.redis.DoCache(ctx, v.(*soldOutEntry).stock, soldOutTTL).AsInt64()
	if err != nil {
		return 0, false
	}
	if left >= int64(qty) {
		s.soldOut.Delete(productID) // back on sale
		return 0, false
	}
	n, err := s.redis.Do(ctx, s.redis.B().Exists().Key(claim).Build()).AsInt64()
	if err != nil || n != 0 {
		return 0, false
	}
	return left, true
}

func soldOutError(left int64, asked int) error {
	return &Error{Status: http.StatusConflict, Code: CodeSoldOut, Field: "quantity",
		Message: strconv.FormatInt(left, 10) + " left, " + strconv.Itoa(asked) + " asked"}
}

func conflictError() error {
	return &Error{Status: http.StatusConflict, Code: CodeIdempotencyConflict, Field: "Idempotency-Key",
		Message: "this Idempotency-Key was used with another payload"}
}

// Confirmation is the outcome of confirming a reservation in Redis.
type Confirmation struct {
	OrderID   string
	Quantity  int
	UnitPrice string
	// Replayed is true when the reservation had been confirmed before.
	Replayed bool
}

// Confirm moves a live reservation from held to sold (or expires it, when
// its time is up) and queues it for the order writer. Confirming again
// returns the same order id.
func (s *Shop) Confirm(ctx context.Context, userID, productID, reservationID string) (*Confirmation, error) {
	k := s.keys(productID)
	out, err := confirmScript.Exec(ctx, s.redis,
		[]string{k.stock, k.held, k.sold, k.expiry, k.reservation(reservationID), k.pending},
		[]string{reservationID, newID(), userID}).ToArray()
	if err != nil {
		return nil, storeError("confirm", err)
	}
	f, err := fields(out, 5)
	if err != nil {
		return nil, storeError("confirm", err)
	}
	qty, _ := strconv.Atoi(f[2])
	switch f[0] {
	case "confirmed":
		return &Confirmation{OrderID: f[1], Quantity: qty, UnitPrice: f[3], Replayed: f[4] == "1"}, nil
	case "expired":
		return nil, &Error{Status: http.StatusConflict, Code: CodeReservationExpired, Field: "reservationId", Message: "the reservation expired; its stock went back on sale"}
	case "not_found":
		return nil, &Error{Status: http.StatusNotFound, Code: CodeReservationNotFound, Field: "reservationId", Message: "no such reservation for this user"}
	}
	return nil, storeError("confirm", fmt.Errorf("unexpected script answer %q", f[0]))
}

// Counts are a product's stock counters, read atomically.
type Counts struct {
	Initial, Stock, Held, Sold int64
}

// Oversold is the number of units sold beyond the initial stock.
func (c Counts) Oversold() int64 { return max(0, c.Sold-c.Initial) }

// Balanced reports the invariant initial = stock + held + sold, and stock >= 0.
func (c Counts) Balanced() bool {
	return c.Initial == c.Stock+c.Held+c.Sold && c.Stock >= 0 && c.Held >= 0
}

// Counts reads a product's counters in one step.
func (s *Shop) Counts(ctx context.Context, productID string) (Counts, error) {
	k := s.keys(productID)
	out, err := countsScript.Exec(ctx, s.redis, []string{k.stock, k.held, k.sold, k.initial}, nil).ToArray()
	if err != nil {
		return Counts{}, storeError("counts", err)
	}
	var n [4]int64
	for i := range n {
		if i < len(out) {
			if v, err := out[i].AsInt64(); err == nil {
				n[i] = v
			}
		}
	}
	return Counts{Stock: n[0], Held: n[1], Sold: n[2], Initial: n[3]}, nil
}

// OpenSale puts units of a product on sale, once: a sale already open is
// left as it is (a restarted process does not refill it). It reports
// whether it opened the sale now.
func (s *Shop) OpenSale(ctx context.Context, productID string, units int64) (bool, error) {
	if err := validID("productId", productID); err != nil {
		return false, err
	}
	if units < 0 {
		return false, invalid("units", "must not be negative")
	}
	k := s.keys(productID)
	n, err := openScript.Exec(ctx, s.redis, []string{k.stock, k.held, k.sold, k.initial}, []string{strconv.FormatInt(units, 10)}).AsInt64()
	if err != nil {
		return false, storeError("open sale", err)
	}
	return n == 1, nil
}

// reapChunk is how many expired reservations one reapScript call
// returns. The requests share the reaper's pipelined connection and
// Redis' one thread: a chunk is a fraction of a millisecond of Redis' time
// that a request may wait behind, where the reaper's whole batch of up to
// 1,000 scripts, sent at once, was about 10 ms in front of every request
// on that connection.
const reapChunk = 32

// Reap returns the stock of the product's expired reservations, each
// exactly once, and reports the units returned. It returns them reapChunk
// at a time, one script call after another.
func (s *Shop) Reap(ctx context.Context, productID string) (int64, error) {
	k := s.keys(productID)
	ids, err := s.redis.Do(ctx, s.redis.B().Zrangebyscore().Key(k.expiry).Min("-inf").
		Max(strconv.FormatInt(time.Now().UnixMilli(), 10)).Limit(0, 1000).Build()).AsStrSlice()
	if err != nil || len(ids) == 0 {
		return 0, storeError("reap", err)
	}
	keys := make([]string, 0, 3+min(len(ids), reapChunk))
	var total int64
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), reapChunk)]
		ids = ids[len(chunk):]
		keys = append(keys[:0], k.stock, k.held, k.expiry)
		for _, id := range chunk {
			keys = append(keys, k.reservation(id))
		}
		n, err := reapScript.Exec(ctx, s.redis, keys, chunk).AsInt64()
		if err != nil {
			return total, storeError("reap", err)
		}
		total += n
	}
	return total, nil
}

func ms(d time.Duration) string { return strconv.FormatInt(max(d.Milliseconds(), 1), 10) }

func fields(out []rueidis.RedisMessage, n int) ([]string, error) {
	if len(out) < n {
		return nil, errors.New("short script answer")
	}
	f := make([]string, n)
	for i := range f {
		v, err := out[i].ToString()
		if err != nil {
			if v2, err2 := out[i].AsInt64(); err2 == nil {
				v = strconv.FormatInt(v2, 10)
			} else {
				return nil, err
			}
		}
		f[i] = v
	}
	return f, nil
}
