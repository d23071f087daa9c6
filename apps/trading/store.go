package trading

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/apps/trading/db"
	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/psl"
)

//go:embed schema.prisma
var schemaSource []byte

// ApplySchema brings the database to the schema: it creates what is
// missing and leaves what is there (safe to run at every start). It also
// sets the storage parameters placement relies on (see balancesFillfactor).
func ApplySchema(ctx context.Context, pool *pgxpool.Pool) error {
	if pool == nil {
		return errors.New("trading: ApplySchema needs a pool")
	}
	s, err := psl.Load("schema.prisma", schemaSource)
	if err != nil {
		return err
	}
	plan, err := migrate.PlanChanges(ctx, pool, migrate.FromSchema(s), nil)
	if err != nil {
		return err
	}
	if err := migrate.Apply(ctx, pool, plan, nil); err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `ALTER TABLE balances SET (fillfactor = `+balancesFillfactor+`)`)
	return err
}

// balancesFillfactor leaves half of every balances page free, so that
// the updates placement and settlement make stay heap-only (HOT): the
// new row version goes on the same page and no index entry is added.
// Under Serializable, an index insert into a B-tree page another
// placement has read (predicate locks on B-trees are per page) is a
// read-write conflict; with a few hundred balances on a handful of pages
// nearly every pair of concurrent placements would conflict.
const balancesFillfactor = "50"

// Store is the PostgreSQL side of the platform: accounts, balances, order
// placement and cancellation, and the conservation check.
type Store struct {
	pool    *pgxpool.Pool
	client  *db.Client
	markets map[string]Market
	list    []Market
	wake    func()

	placed, attempts atomic.Int64
	batches          atomic.Int64
	batchAttempts    atomic.Int64

	seqMu    sync.Mutex
	placeSQL string // sqlPlaceBatch with the id sequences filled in
	groupSQL string // sqlPlaceGrouped with the id sequences filled in
}

// NewStore returns a Store on pool (whose database holds the schema).
func NewStore(pool *pgxpool.Pool, markets []Market) (*Store, error) {
	if pool == nil {
		return nil, errors.New("trading: nil pool")
	}
	if len(markets) == 0 {
		markets = DefaultMarkets
	}
	s := &Store{pool: pool, client: db.New(orm.NewWithPool(pool, nil)), markets: map[string]Market{}, list: markets}
	for _, m := range markets {
		if err := m.validate(); err != nil {
			return nil, err
		}
		s.markets[m.Symbol] = m
	}
	return s, nil
}

// Markets returns the traded markets.
func (s *Store) Markets() []Market { return s.list }

// Client returns the generated client.
func (s *Store) Client() *db.Client { return s.client }

// OnCommit sets the function called after every committed placement or
// cancellation (a Node's Wake, so the relay need not wait for its poll).
func (s *Store) OnCommit(f func()) { s.wake = f }

// RetryStats returns the committed placements and the transaction attempts
// they took (attempts − placements = retries after serialization failures).
func (s *Store) RetryStats() (placed, attempts int64) { return s.placed.Load(), s.attempts.Load() }

// CreateAccount creates an account with a zero balance in every currency
// and deposits the given amounts (decimal strings).
func (s *Store) CreateAccount(ctx context.Context, owner string, deposits map[string]string) (int, error) {
	var id int
	err := s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		a, err := tx.Account.Create(ctx, &db.AccountCreateArgs{Data: []db.AccountSet{db.AccountFields.Owner.Set(owner)}})
		if err != nil {
			return err
		}
		id = a.ID
		for _, c := range Currencies(s.list) {
			if _, err := tx.Balance.Create(ctx, &db.BalanceCreateArgs{Data: []db.BalanceSet{
				db.BalanceFields.Account.Connect(db.AccountByID(a.ID)), db.BalanceFields.Currency.Set(c)}}); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if err != nil {
		return 0, err
	}
	for c, amount := range deposits {
		if err := s.Deposit(ctx, id, c, amount); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// Deposit adds amount (a decimal string, at most 8 decimals) to an
// account's available balance.
func (s *Store) Deposit(ctx context.Context, account int, currency, amount string) error {
	units, err := toSteps(amount, 8)
	if err != nil || units <= 0 {
		return &RejectError{Code: "bad_amount", Reason: "amount must be a positive decimal with at most 8 decimals"}
	}
	n := numeric(units, 8)
	_, err = s.client.Balance.Update(ctx, &db.BalanceUpdateArgs{
		Where: db.BalanceByAccountIDCurrency(account, currency),
		Data:  []db.BalanceSet{db.BalanceFields.Available.Increment(n), db.BalanceFields.Deposited.Increment(n)},
	})
	if orm.IsNotFound(err) {
		return &RejectError{Code: "unknown_account", Reason: fmt.Sprintf("no %s balance for account %d", currency, account)}
	}
	return err
}

// RejectError is a refused order: nothing was reserved or recorded.
type RejectError struct {
	Code string `json:"code"`
	// Field is the request field at fault ("price", "quantity", ...), empty
	// when the refusal is not about one field (insufficient funds).
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

func (e *RejectError) Error() string { return "trading: order rejected: " + e.Code + ": " + e.Reason }

// OrderRequest is an order as users send it: exact decimals as strings.
type OrderRequest struct {
	AccountID int    `json:"accountId"`
	Symbol    string `json:"symbol"`
	Side      string `json:"side"`     // buy | sell
	Type      string `json:"type"`     // limit | market
	TIF       string `json:"tif"`      // gtc | ioc | fok (limit orders; default gtc)
	Price     string `json:"price"`    // limit price, or a market order's protection price
	Quantity  string `json:"quantity"` // in the base currency
}

// order is a validated request in integer units.
type order struct {
	m         Market
	side      engine.Side
	typ       engine.Type
	tif       engine.TIF
	ticks     int64
	lots      int64
	holdCcy   string
	holdUnits int64 // in the hold currency, 1e-8 units
}

func reject(field, code, format string, a ...any) *RejectError {
	return &RejectError{Code: code, Field: field, Reason: fmt.Sprintf(format, a...)}
}

// validAccountID tells whether id can name an account: accounts.id is a
// PostgreSQL integer, so an id past 2^31-1 is refused as bad input rather
// than sent to the server, which would fail to encode it.
func validAccountID(id int) bool { return id > 0 && id <= math.MaxInt32 }

func (s *Store) validate(r *OrderRequest) (*order, error) {
	if r == nil {
		return nil, reject("", "bad_request", "no order")
	}
	if !validAccountID(r.AccountID) {
		return nil, reject("accountId", "bad_account", "accountId must be a positive account id")
	}
	m, ok := s.markets[r.Symbol]
	if !ok {
		return nil, reject("symbol", "unknown_symbol", "unknown symbol %q", r.Symbol)
	}
	o := &order{m: m}
	switch r.Side {
	case "buy":
		o.side = engine.Buy
	case "sell":
		o.side = engine.Sell
	default:
		return nil, reject("side", "bad_side", "side must be buy or sell")
	}
	switch r.Type {
	case "limit", "":
		o.typ = engine.Limit
	case "market":
		o.typ = engine.Market
	default:
		return nil, reject("type", "bad_type", "type must be limit or market")
	}
	switch r.TIF {
	case "gtc", "":
		o.tif = engine.GTC
	case "ioc":
		o.tif = engine.IOC
	case "fok":
		o.tif = engine.FOK
	default:
		return nil, reject("tif", "bad_tif", "tif must be gtc, ioc or fok")
	}
	lots, err := toSteps(r.Quantity, m.QtyDecimals)
	switch {
	case errors.Is(err, errOffGrid):
		return nil, reject("quantity", "off_lot", "quantity must be a multiple of %s", m.QtyText(1))
	case errors.Is(err, errTooLarge) || lots > engine.MaxQuantity:
		return nil, reject("quantity", "too_large", "quantity above %s", m.QtyText(engine.MaxQuantity))
	case err != nil || lots <= 0:
		return nil, reject("quantity", "bad_quantity", "quantity must be a positive decimal")
	}
	o.lots = lots
	if r.Price != "" || o.typ == engine.Limit {
		ticks, err := toSteps(r.Price, m.PriceDecimals)
		switch {
		case errors.Is(err, errOffGrid):
			return nil, reject("price", "off_tick", "price must be a multiple of the tick %s", m.PriceText(1))
		case errors.Is(err, errTooLarge) || ticks > engine.MaxPrice:
			return nil, reject("price", "too_large", "price above %s", m.PriceText(engine.MaxPrice))
		case err != nil || ticks <= 0:
			return nil, reject("price", "bad_price", "price must be a positive decimal")
		}
		o.ticks = ticks
	}
	if o.side == engine.Buy && o.ticks == 0 {
		return nil, reject("price", "bad_price", "a market buy needs a protection price to reserve funds against")
	}
	var err2 *RejectError
	o.holdCcy, o.holdUnits, err2 = holdOf(m, o.side, o.ticks, o.lots)
	if err2 != nil {
		return nil, err2
	}
	return o, nil
}

// holdOf is what an order of lots at ticks reserves: the quote notional
// for a buy, the base quantity for a sell, in 1e-8 units.
func holdOf(m Market, side engine.Side, ticks, lots int64) (string, int64, *RejectError) {
	if side == engine.Sell {
		return m.Base, lots * pow10(8-m.QtyDecimals), nil
	}
	hi, lo := bits.Mul64(uint64(ticks), uint64(lots))
	// notional in 1e-8 units = ticks × lots × 10^(8 − PriceDecimals − QtyDecimals)
	scale := pow10(8 - m.PriceDecimals - m.QtyDecimals)
	hi2, lo2 := bits.Mul64(lo, uint64(scale))
	if hi != 0 || hi2 != 0 || lo2 > 1<<62 {
		return "", 0, reject("quantity", "too_large", "order value too large")
	}
	return m.Quote, int64(lo2), nil
}

func pow10(n int32) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

var errInsufficient = &RejectError{Code: "insufficient_funds", Reason: "available balance below the amount the order reserves"}

// PlaceOpts tunes Place; nil means defaults.
type PlaceOpts struct {
	MaxRetries int // serialization-failure retries (default 50)
}

var (
	sideDB = map[engine.Side]db.Side{engine.Buy: db.SideBuy, engine.Sell: db.SideSell}
	typeDB = map[engine.Type]db.OrderType{engine.Limit: db.OrderTypeLimit, engine.Market: db.OrderTypeMarket}
	tifDB  = map[engine.TIF]db.TimeInForce{engine.GTC: db.TimeInForceGtc, engine.IOC: db.TimeInForceIoc, engine.FOK: db.TimeInForceFok}
)

// Place validates r, then in one Serializable transaction (retried on
// serialization failures and deadlocks) reserves the funds the order can
// use, records the order and queues it in the outbox. The order reaches the
// engine only after the commit, through the relay. A *RejectError means
// nothing was reserved.
func (s *Store) Place(ctx context.Context, r *OrderRequest, opts *PlaceOpts) (*db.Order, error) {
	o, err := s.validate(r)
	if err != nil {
		return nil, err
	}
	retries := 50
	if opts != nil && opts.MaxRetries > 0 {
		retries = opts.MaxRetries
	}
	hold := numeric(o.holdUnits, 8)
	var out *db.Order
	err = s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		s.attempts.Add(1)
		_, err := tx.Balance.Update(ctx, &db.BalanceUpdateArgs{
			Where: db.BalanceByAccountIDCurrency(r.AccountID, o.holdCcy).And(db.BalanceFields.Available.Gte(hold)),
			Data:  []db.BalanceSet{db.BalanceFields.Available.Decrement(hold), db.BalanceFields.Reserved.Increment(hold)},
		})
		if orm.IsNotFound(err) {
			return errInsufficient
		}
		if err != nil {
			return err
		}
		out, err = tx.Order.Create(ctx, &db.OrderCreateArgs{Data: []db.OrderSet{
			// The scalar, not Account.Connect: Connect reads the account
			// FOR UPDATE, which serializes an account's placements and adds
			// a read the foreign key already makes.
			db.OrderFields.AccountID.Set(r.AccountID),
			db.OrderFields.Symbol.Set(o.m.Symbol),
			db.OrderFields.Side.Set(sideDB[o.side]),
			db.OrderFields.Type.Set(typeDB[o.typ]),
			db.OrderFields.Tif.Set(tifDB[o.tif]),
			db.OrderFields.Price.Set(numeric(o.ticks, o.m.PriceDecimals)),
			db.OrderFields.Quantity.Set(numeric(o.lots, o.m.QtyDecimals)),
			db.OrderFields.HoldCurrency.Set(o.holdCcy),
			db.OrderFields.Hold.Set(hold),
		}})
		if err != nil {
			return err
		}
		_, err = tx.Outbox.Create(ctx, &db.OutboxCreateArgs{Data: []db.OutboxSet{
			db.OutboxFields.OrderID.Set(out.ID), db.OutboxFields.Op.Set("place"), db.OutboxFields.Symbol.Set(o.m.Symbol)}})
		return err
	}, &orm.TxOpts{Isolation: orm.Serializable, MaxRetries: retries, RetryBackoff: time.Millisecond, MaxWait: 10 * time.Second, Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	s.placed.Add(1)
	if s.wake != nil {
		s.wake()
	}
	return out, nil
}

// ErrNotOpen is returned when cancelling an order that is not open.
var ErrNotOpen = &RejectError{Code: "not_open", Reason: "the order is not open (unknown, filled or already cancelled)"}

// Cancel queues the cancellation of an open order of account. The hold is
// released when the engine confirms, by settlement.
func (s *Store) Cancel(ctx context.Context, account int, orderID int64) error {
	err := s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		o, err := tx.Order.FindUnique(ctx, db.OrderByID(orderID), nil)
		if err != nil {
			return err
		}
		if o == nil || o.AccountID != account || (o.Status != db.OrderStatusPending && o.Status != db.OrderStatusOpen) {
			return ErrNotOpen
		}
		_, err = tx.Outbox.Create(ctx, &db.OutboxCreateArgs{Data: []db.OutboxSet{
			db.OutboxFields.OrderID.Set(orderID), db.OutboxFields.Op.Set("cancel"), db.OutboxFields.Symbol.Set(o.Symbol)}})
		return err
	}, &orm.TxOpts{Isolation: orm.Serializable, MaxRetries: 50, RetryBackoff: time.Millisecond, MaxWait: 10 * time.Second, Timeout: 10 * time.Second})
	if err == nil && s.wake != nil {
		s.wake()
	}
	return err
}

// ModifyRequest changes a resting GTC limit order: a new price (empty
// keeps it) and a new remaining quantity. A smaller quantity at the same
// price keeps the order's place in its queue; any other change sends it
// to the back of its new price, where it may trade at once.
type ModifyRequest struct {
	AccountID int    `json:"accountId"`
	Price     string `json:"price"`
	Quantity  string `json:"quantity"`
}

// modifyPending marks an order whose modify has not reached settlement;
// a second modify waits for it.
const modifyPending = "modify pending"

// Modify queues a change of an open order. Until the engine applies it,
// the order holds what it held plus the full amount of the modified order
// (reserved now, in the same Serializable transaction as the outbox row);
// settlement then keeps exactly the new order's hold and releases the
// rest, or releases everything if the order closed first.
func (s *Store) Modify(ctx context.Context, orderID int64, r *ModifyRequest) (*db.Order, error) {
	if r == nil {
		return nil, reject("", "bad_request", "no modify request")
	}
	if !validAccountID(r.AccountID) {
		return nil, reject("accountId", "bad_account", "accountId must be a positive account id")
	}
	var out *db.Order
	err := s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		o, err := tx.Order.FindUnique(ctx, db.OrderByID(orderID), nil)
		if err != nil {
			return err
		}
		if o == nil || o.AccountID != r.AccountID || (o.Status != db.OrderStatusPending && o.Status != db.OrderStatusOpen) {
			return ErrNotOpen
		}
		if o.Type != db.OrderTypeLimit || o.Tif != db.TimeInForceGtc {
			return reject("", "not_modifiable", "only resting (GTC limit) orders can be modified")
		}
		if o.Reason != nil && *o.Reason == modifyPending {
			return reject("", "modify_pending", "an earlier modify of this order is not applied yet")
		}
		m := s.markets[o.Symbol]
		side := engine.Buy
		if o.Side == db.SideSell {
			side = engine.Sell
		}
		ticks := decimalOf(o.Price).Shift(m.PriceDecimals).IntPart()
		if r.Price != "" {
			t, err := toSteps(r.Price, m.PriceDecimals)
			switch {
			case errors.Is(err, errOffGrid):
				return reject("price", "off_tick", "price must be a multiple of the tick %s", m.PriceText(1))
			case errors.Is(err, errTooLarge) || t > engine.MaxPrice:
				return reject("price", "too_large", "price above %s", m.PriceText(engine.MaxPrice))
			case err != nil || t <= 0:
				return reject("price", "bad_price", "price must be a positive decimal")
			}
			ticks = t
		}
		lots, err := toSteps(r.Quantity, m.QtyDecimals)
		switch {
		case errors.Is(err, errOffGrid):
			return reject("quantity", "off_lot", "quantity must be a multiple of %s", m.QtyText(1))
		case errors.Is(err, errTooLarge) || lots > engine.MaxQuantity:
			return reject("quantity", "too_large", "quantity above %s", m.QtyText(engine.MaxQuantity))
		case err != nil || lots <= 0:
			return reject("quantity", "bad_quantity", "quantity must be a positive decimal")
		}
		ccy, units, rej := holdOf(m, side, ticks, lots)
		if rej != nil {
			return rej
		}
		hold := numeric(units, 8)
		if _, err := tx.Balance.Update(ctx, &db.BalanceUpdateArgs{
			Where: db.BalanceByAccountIDCurrency(r.AccountID, ccy).And(db.BalanceFields.Available.Gte(hold)),
			Data:  []db.BalanceSet{db.BalanceFields.Available.Decrement(hold), db.BalanceFields.Reserved.Increment(hold)},
		}); orm.IsNotFound(err) {
			return errInsufficient
		} else if err != nil {
			return err
		}
		out, err = tx.Order.Update(ctx, &db.OrderUpdateArgs{Where: db.OrderByID(orderID), Data: []db.OrderSet{
			db.OrderFields.Hold.Increment(hold), db.OrderFields.Reason.Set(modifyPending)}})
		if err != nil {
			return err
		}
		_, err = tx.Outbox.Create(ctx, &db.OutboxCreateArgs{Data: []db.OutboxSet{
			db.OutboxFields.OrderID.Set(orderID), db.OutboxFields.Op.Set("modify"), db.OutboxFields.Symbol.Set(o.Symbol),
			db.OutboxFields.Price.Set(numeric(ticks, m.PriceDecimals)), db.OutboxFields.Quantity.Set(numeric(lots, m.QtyDecimals))}})
		return err
	}, &orm.TxOpts{Isolation: orm.Serializable, MaxRetries: 50, RetryBackoff: time.Millisecond, MaxWait: 10 * time.Second, Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	if s.wake != nil {
		s.wake()
	}
	return out, nil
}

// Order returns an order, or nil when there is none with that id.
func (s *Store) Order(ctx context.Context, id int64) (*db.Order, error) {
	return s.client.Order.FindUnique(ctx, db.OrderByID(id), nil)
}

// Balance is one currency of an account, as exact decimals.
type Balance struct {
	Currency  string `json:"currency"`
	Available string `json:"available"`
	Reserved  string `json:"reserved"`
}

// Balances returns an account's balances (empty when the account does not
// exist).
func (s *Store) Balances(ctx context.Context, account int) ([]Balance, error) {
	rows, err := s.client.Balance.FindMany(ctx, &db.BalanceFindArgs{Where: []db.BalanceCond{db.BalanceFields.AccountID.Equals(account)}, OrderBy: []db.BalanceOrder{db.BalanceFields.Currency.Asc()}})
	if err != nil {
		return nil, err
	}
	out := make([]Balance, len(rows))
	for i, b := range rows {
		out[i] = Balance{Currency: b.Currency, Available: Text(b.Available), Reserved: Text(b.Reserved)}
	}
	return out, nil
}

// Violation is one broken invariant found by Check.
type Violation struct {
	What string `json:"what"`
}

// Check verifies, in one consistent snapshot, per currency: available +
// reserved = deposited − withdrawn over all accounts; no available balance
// below zero; every account's reserved amount equals the holds of its
// open (pending or resting) orders. It returns the violations (none when
// everything holds).
func (s *Store) Check(ctx context.Context) ([]Violation, error) {
	var out []Violation
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT currency, sum(available + reserved)::text, sum(deposited - withdrawn)::text
			FROM balances GROUP BY currency HAVING sum(available + reserved) <> sum(deposited - withdrawn)`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c, held, net string
			if err := rows.Scan(&c, &held, &net); err != nil {
				return err
			}
			out = append(out, Violation{What: fmt.Sprintf("%s: available+reserved %s, deposits−withdrawals %s", c, held, net)})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT "accountId", currency, available::text FROM balances WHERE available < 0`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var a int
			var c, v string
			if err := rows.Scan(&a, &c, &v); err != nil {
				return err
			}
			out = append(out, Violation{What: fmt.Sprintf("account %d %s: available %s < 0", a, c, v)})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT b."accountId", b.currency, b.reserved::text, coalesce(h.held, 0)::text
			FROM balances b LEFT JOIN (
				SELECT "accountId", "holdCurrency", sum(hold) AS held FROM orders
				WHERE status IN ('PENDING', 'OPEN') GROUP BY 1, 2
			) h ON h."accountId" = b."accountId" AND h."holdCurrency" = b.currency
			WHERE b.reserved <> coalesce(h.held, 0)`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var a int
			var c, r, h string
			if err := rows.Scan(&a, &c, &r, &h); err != nil {
				return err
			}
			out = append(out, Violation{What: fmt.Sprintf("account %d %s: reserved %s, holds of open orders %s", a, c, r, h)})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var closedHolds int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM orders WHERE status NOT IN ('PENDING', 'OPEN') AND hold <> 0`).Scan(&closedHolds); err != nil {
			return err
		}
		if closedHolds > 0 {
			out = append(out, Violation{What: fmt.Sprintf("%d closed orders still hold funds", closedHolds)})
		}
		return nil
	})
	return out, err
}
