package shop

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/polystore/polystore/apps/shop/db"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/orm"
)

// PlacedOrder is a reservation confirmed in Redis, as written to
// PostgreSQL: one product, Quantity units at UnitPrice.
type PlacedOrder struct {
	ID            string
	UserID        string
	ProductID     string
	ReservationID string
	Quantity      int
	UnitPrice     string // exact decimal, at most 2 decimals
}

// Total is Quantity × UnitPrice, exact.
func (o PlacedOrder) Total() (string, error) {
	c, err := parseCents(o.UnitPrice)
	if err != nil {
		return "", err
	}
	return formatCents(c * int64(o.Quantity)), nil
}

// outboxKind is the only kind of outbox event: an order to apply.
const outboxKind = "order.confirmed"

// WriteOrder writes the order, its item and its outbox row in one
// transaction. An order already written (a retried confirm, or the
// recovery of a pending one) is left as it is: it reports false.
func (s *Store) WriteOrder(ctx context.Context, o PlacedOrder) (bool, error) {
	if s == nil {
		return false, errNoStore
	}
	total, err := o.Total()
	if err != nil {
		return false, invalid("unitPrice", "%v", err)
	}
	price, _ := parseCents(o.UnitPrice)
	created := false
	err = s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		prev, err := tx.Order.FindUnique(ctx, db.OrderByID(o.ID), &db.OrderFindArgs{Select: []db.OrderField{db.OrderFields.ID}})
		if err != nil || prev != nil {
			return err
		}
		if _, err := tx.Order.Create(ctx, &db.OrderCreateArgs{Data: []db.OrderSet{
			db.OrderFields.ID.Set(o.ID), db.OrderFields.UserID.Set(o.UserID),
			db.OrderFields.Total.Set(typed.MustNumeric(total)), db.OrderFields.Status.Set(db.OrderStatusPending),
		}}); err != nil {
			return err
		}
		if _, err := tx.OrderItem.Create(ctx, &db.OrderItemCreateArgs{Data: []db.OrderItemSet{
			db.OrderItemFields.Order.Connect(db.OrderByID(o.ID)), db.OrderItemFields.ProductID.Set(o.ProductID),
			db.OrderItemFields.Quantity.Set(o.Quantity), db.OrderItemFields.Price.Set(typed.MustNumeric(formatCents(price))),
		}}); err != nil {
			return err
		}
		if _, err := tx.OutboxEvent.Create(ctx, &db.OutboxEventCreateArgs{Data: []db.OutboxEventSet{
			db.OutboxEventFields.OrderID.Set(o.ID), db.OutboxEventFields.Kind.Set(outboxKind),
		}}); err != nil {
			return err
		}
		created = true
		return nil
	}, nil)
	if orm.IsUniqueViolation(err) {
		// A concurrent retry of the same confirm wrote it first.
		return false, nil
	}
	return created, err
}

type outboxRow struct {
	ID      string `db:"id"`
	OrderID string `db:"orderId"`
}

// ProcessOutbox claims up to limit unprocessed outbox rows (FOR UPDATE
// SKIP LOCKED, so concurrent workers never take the same row) and, in the
// same transaction, applies each order to its product's inventory once
// (the InventoryChange row with its unique orderId is the proof) and
// writes its history document to MongoDB (a duplicate-key no-op when it
// is there already). A failure rolls the batch back: its rows are
// claimed again later and each step finds what it already did. It returns
// the rows processed.
func (s *Store) ProcessOutbox(ctx context.Context, h *History, limit int) (int, error) {
	if s == nil {
		return 0, errNoStore
	}
	if limit <= 0 {
		limit = 100
	}
	n := 0
	err := s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		n = 0
		rows, err := orm.QueryRaw[outboxRow](ctx, tx.DB(), orm.SQL(`SELECT "id", "orderId" FROM "OutboxEvent"
			WHERE "processedAt" IS NULL ORDER BY "createdAt", "id" LIMIT ? FOR UPDATE SKIP LOCKED`, limit))
		if err != nil || len(rows) == 0 {
			return err
		}
		now := time.Now().UTC()
		deltas := map[string]int{} // units sold per product in this batch
		for _, r := range rows {
			o, err := tx.Order.FindUnique(ctx, db.OrderByID(r.OrderID), &db.OrderFindArgs{Include: []db.OrderInclude{db.OrderFields.Items.Include(nil)}})
			if err != nil {
				return err
			}
			if o == nil {
				return fmt.Errorf("shop: outbox row %s names a missing order %s", r.ID, r.OrderID)
			}
			for _, it := range o.Items {
				applied, err := tx.InventoryChange.CreateMany(ctx, &db.InventoryChangeCreateManyArgs{SkipDuplicates: true, Data: [][]db.InventoryChangeSet{{
					db.InventoryChangeFields.OrderID.Set(o.ID), db.InventoryChangeFields.ProductID.Set(it.ProductID),
					db.InventoryChangeFields.Delta.Set(-it.Quantity),
				}}})
				if err != nil {
					return err
				}
				if applied > 0 { // 0: applied by an earlier attempt
					deltas[it.ProductID] += it.Quantity
				}
			}
			if h != nil {
				if _, err := h.Insert(ctx, historyOf(o, now)); err != nil {
					return fmt.Errorf("shop: order history: %w", err)
				}
			}
			if _, err := tx.Order.Update(ctx, &db.OrderUpdateArgs{Where: db.OrderByID(o.ID), Data: []db.OrderSet{
				db.OrderFields.Status.Set(db.OrderStatusProcessing)}}); err != nil {
				return err
			}
			if _, err := tx.OutboxEvent.Update(ctx, &db.OutboxEventUpdateArgs{Where: db.OutboxEventByID(r.ID), Data: []db.OutboxEventSet{
				db.OutboxEventFields.ProcessedAt.Set(now), db.OutboxEventFields.Attempts.Increment(1)}}); err != nil {
				return err
			}
		}
		// One update per product, in product order: concurrent workers
		// lock the inventory rows in the same order and never deadlock.
		products := make([]string, 0, len(deltas))
		for p := range deltas {
			products = append(products, p)
		}
		sort.Strings(products)
		for _, p := range products {
			if _, err := tx.Inventory.Update(ctx, &db.InventoryUpdateArgs{Where: db.InventoryByProductID(p), Data: []db.InventorySet{
				db.InventoryFields.Available.Decrement(deltas[p]), db.InventoryFields.Sold.Increment(deltas[p]),
				db.InventoryFields.UpdatedAt.Set(now),
			}}); err != nil {
				return fmt.Errorf("shop: inventory of %s: %w", p, err)
			}
		}
		n = len(rows)
		return nil
	}, &orm.TxOpts{Timeout: 30 * time.Second, MaxRetries: 3})
	return n, err
}

func historyOf(o *db.Order, now time.Time) *OrderHistory {
	items := make([]HistoryItem, len(o.Items))
	for i, it := range o.Items {
		items[i] = HistoryItem{ProductID: it.ProductID, Quantity: it.Quantity, Price: typed.NumericString(it.Price)}
	}
	return &OrderHistory{
		ID: o.ID, OrderID: o.ID, UserID: o.UserID, Items: items, Total: typed.NumericString(o.Total),
		Status: "processing", Payment: "paid",
		Timeline: []TimelineEntry{
			{Status: "pending", Timestamp: o.CreatedAt.UTC(), Description: "order confirmed"},
			{Status: "processing", Timestamp: now, Description: "inventory applied"},
		},
		Metadata: map[string]any{"source": "flash-sale"},
	}
}

// OutboxBacklog returns the outbox rows not processed yet.
func (s *Store) OutboxBacklog(ctx context.Context) (int64, error) {
	if s == nil {
		return 0, errNoStore
	}
	return s.client.OutboxEvent.Count(ctx, &db.OutboxEventCountArgs{Where: []db.OutboxEventCond{db.OutboxEventFields.ProcessedAt.IsNull()}})
}

// OrderView is an order as the API returns it.
type OrderView struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	Total     string     `json:"total"`
	CreatedAt time.Time  `json:"createdAt"`
	Items     []ItemView `json:"items"`
}

// ItemView is a line of an OrderView.
type ItemView struct {
	ProductID string `json:"productId"`
	Quantity  int    `json:"quantity"`
	Price     string `json:"price"`
}

// OrdersOf returns a user's orders, newest first (at most limit).
func (s *Store) OrdersOf(ctx context.Context, userID string, limit int) ([]OrderView, error) {
	if s == nil {
		return nil, errNoStore
	}
	rows, err := s.client.Order.FindMany(ctx, &db.OrderFindArgs{
		Where:   []db.OrderCond{db.OrderFields.UserID.Equals(userID)},
		OrderBy: []db.OrderOrder{db.OrderFields.CreatedAt.Desc(), db.OrderFields.ID.Desc()},
		Take:    limit,
		Include: []db.OrderInclude{db.OrderFields.Items.Include(nil)},
	})
	if err != nil {
		return nil, storeError("orders", err)
	}
	out := make([]OrderView, 0, len(rows))
	for _, o := range rows {
		v := OrderView{ID: o.ID, Status: string(o.Status), Total: typed.NumericString(o.Total), CreatedAt: o.CreatedAt.UTC(), Items: []ItemView{}}
		for _, it := range o.Items {
			v.Items = append(v.Items, ItemView{ProductID: it.ProductID, Quantity: it.Quantity, Price: typed.NumericString(it.Price)})
		}
		out = append(out, v)
	}
	return out, nil
}

// ProductAudit is what PostgreSQL holds for one product.
type ProductAudit struct {
	// Initial, Available and Sold are the Inventory row.
	Initial, Available, Sold int64
	// OrderedUnits sums the product's order items; Orders counts them.
	OrderedUnits, Orders int64
	// ChangeUnits sums the product's applied inventory changes (negated);
	// Changes counts them.
	ChangeUnits, Changes int64
}

// Audit is the PostgreSQL side of the invariants.
type Audit struct {
	Products map[string]ProductAudit
	// Totals are every order's total, by order id.
	Totals map[string]string
	// BadTotals counts orders whose total is not the exact sum of their
	// items' quantity × price.
	BadTotals int64
	// Backlog counts unprocessed outbox rows; OrdersWithoutOutbox orders
	// that have no outbox row; ChangesPerOrderOver1 orders with more than
	// one inventory change (impossible by the unique index; checked all
	// the same).
	Backlog, OrdersWithoutOutbox, ChangesPerOrderOver1 int64
}

// Audit reads the invariants' PostgreSQL side in one repeatable-read
// transaction.
func (s *Store) Audit(ctx context.Context) (*Audit, error) {
	if s == nil {
		return nil, errNoStore
	}
	a := &Audit{Products: map[string]ProductAudit{}, Totals: map[string]string{}}
	err := s.client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		type row struct {
			ProductID                                  string `db:"productId"`
			Initial, Available, Sold                   int64
			OrderedUnits, Orders, ChangeUnits, Changes int64
		}
		rows, err := orm.QueryRaw[row](ctx, tx.DB(), orm.SQL(`SELECT i."productId", i."initial"::int8 AS initial, i."available"::int8 AS available, i."sold"::int8 AS sold,
			COALESCE((SELECT sum(quantity) FROM "OrderItem" oi WHERE oi."productId" = i."productId"), 0)::int8 AS orderedunits,
			(SELECT count(*) FROM "OrderItem" oi WHERE oi."productId" = i."productId")::int8 AS orders,
			COALESCE((SELECT -sum(delta) FROM "InventoryChange" c WHERE c."productId" = i."productId"), 0)::int8 AS changeunits,
			(SELECT count(*) FROM "InventoryChange" c WHERE c."productId" = i."productId")::int8 AS changes
			FROM "Inventory" i`))
		if err != nil {
			return err
		}
		for _, r := range rows {
			a.Products[r.ProductID] = ProductAudit{Initial: r.Initial, Available: r.Available, Sold: r.Sold,
				OrderedUnits: r.OrderedUnits, Orders: r.Orders, ChangeUnits: r.ChangeUnits, Changes: r.Changes}
		}
		type total struct {
			ID    string `db:"id"`
			Total string `db:"total"`
		}
		totals, err := orm.QueryRaw[total](ctx, tx.DB(), orm.SQL(`SELECT "id", "total"::text AS total FROM "Order"`))
		if err != nil {
			return err
		}
		for _, t := range totals {
			a.Totals[t.ID] = t.Total
		}
		type counts struct{ BadTotals, Backlog, NoOutbox, Multi int64 }
		c, err := orm.QueryRaw[counts](ctx, tx.DB(), orm.SQL(`SELECT
			(SELECT count(*) FROM "Order" o WHERE o.total <> COALESCE((SELECT sum(oi.quantity * oi.price) FROM "OrderItem" oi WHERE oi."orderId" = o.id), -1))::int8 AS badtotals,
			(SELECT count(*) FROM "OutboxEvent" WHERE "processedAt" IS NULL)::int8 AS backlog,
			(SELECT count(*) FROM "Order" o WHERE NOT EXISTS (SELECT 1 FROM "OutboxEvent" e WHERE e."orderId" = o.id))::int8 AS nooutbox,
			(SELECT count(*) FROM (SELECT "orderId" FROM "InventoryChange" GROUP BY "orderId" HAVING count(*) > 1) m)::int8 AS multi`))
		if err != nil {
			return err
		}
		a.BadTotals, a.Backlog, a.OrdersWithoutOutbox, a.ChangesPerOrderOver1 = c[0].BadTotals, c[0].Backlog, c[0].NoOutbox, c[0].Multi
		return nil
	}, &orm.TxOpts{Isolation: orm.RepeatableRead, ReadOnly: true, Timeout: 30 * time.Second})
	return a, err
}
