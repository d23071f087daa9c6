package shop

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// ConfirmOrder confirms a reservation and records its order: Redis moves
// the units from held to sold and queues the order as pending (Confirm);
// then the order, its item and its outbox row are written to PostgreSQL in
// one transaction, and the pending mark is cleared. Confirming again
// returns the same order id and writes nothing twice.
//
// If PostgreSQL cannot be reached the answer is 503 with Retry-After; the
// sale stands in Redis and the order stays pending there, so the caller's
// retry or the worker's recovery (RecoverPending) writes it — nothing
// confirmed is lost between the stores. Without AppConfig.PG it is Confirm.
func (a *App) ConfirmOrder(ctx context.Context, userID, productID, reservationID string) (*Confirmation, error) {
	if err := validID("userId", userID); err != nil {
		return nil, err
	}
	if err := validID("productId", productID); err != nil {
		return nil, err
	}
	if err := validID("reservationId", reservationID); err != nil {
		return nil, err
	}
	c, err := a.Confirm(ctx, userID, productID, reservationID)
	if err != nil || a.store == nil {
		return c, err
	}
	o := PlacedOrder{ID: c.OrderID, UserID: userID, ProductID: productID, ReservationID: reservationID, Quantity: c.Quantity, UnitPrice: c.UnitPrice}
	if _, err := a.store.WriteOrder(ctx, o); err != nil {
		return nil, storeError("write order", err)
	}
	a.wakeWorker()
	k := a.keys(productID)
	if err := a.redis.Do(ctx, a.redis.B().Zrem().Key(k.pending).Member(reservationID).Build()).Error(); err != nil {
		// The order is written; recovery clears the mark later.
		a.cfg.Logger.Warn("clear pending order", "order", c.OrderID, "err", err)
	}
	return c, nil
}

// RecoverPending writes the orders confirmed in Redis more than olderThan
// ago whose PostgreSQL write did not finish (the process died, or
// PostgreSQL was down), for every product of the catalog. Writing is
// idempotent, so racing a slow confirm is harmless. It returns the orders
// it found pending.
func (a *App) RecoverPending(ctx context.Context, olderThan time.Duration) (int, error) {
	if a.store == nil {
		return 0, nil
	}
	n := 0
	cutoff := strconv.FormatInt(time.Now().Add(-olderThan).UnixMilli(), 10)
	for _, pid := range a.ProductIDs() {
		k := a.keys(pid)
		ids, err := a.redis.Do(ctx, a.redis.B().Zrangebyscore().Key(k.pending).Min("-inf").Max(cutoff).Limit(0, 500).Build()).AsStrSlice()
		if err != nil {
			return n, storeError("recover pending", err)
		}
		for _, rid := range ids {
			f, err := a.redis.Do(ctx, a.redis.B().Hmget().Key(k.reservation(rid)).Field("state", "user", "qty", "price", "order").Build()).ToArray()
			if err != nil {
				return n, storeError("recover pending", err)
			}
			v := make([]string, 5)
			for i := range v {
				if i < len(f) {
					v[i], _ = f[i].ToString()
				}
			}
			qty, _ := strconv.Atoi(v[2])
			if v[0] == "confirmed" && v[4] != "" && qty > 0 {
				if _, err := a.store.WriteOrder(ctx, PlacedOrder{ID: v[4], UserID: v[1], ProductID: pid, ReservationID: rid, Quantity: qty, UnitPrice: v[3]}); err != nil {
					return n, storeError("recover pending", err)
				}
				n++
			}
			if err := a.redis.Do(ctx, a.redis.B().Zrem().Key(k.pending).Member(rid).Build()).Error(); err != nil {
				return n, storeError("recover pending", err)
			}
		}
	}
	if n > 0 {
		a.wakeWorker()
	}
	return n, nil
}

// Pending counts the orders confirmed in Redis and not yet written to
// PostgreSQL, over the catalog.
func (a *App) Pending(ctx context.Context) (int64, error) {
	var total int64
	for _, pid := range a.ProductIDs() {
		n, err := a.redis.Do(ctx, a.redis.B().Zcard().Key(a.keys(pid).pending).Build()).AsInt64()
		if err != nil {
			return total, storeError("pending", err)
		}
		total += n
	}
	return total, nil
}

func (a *App) wakeWorker() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// WorkOnce recovers pending orders older than the grace period and
// processes the outbox until it is empty or fails. It returns the outbox
// rows processed.
func (a *App) WorkOnce(ctx context.Context) (int, error) {
	if a.store == nil {
		return 0, nil
	}
	if _, err := a.RecoverPending(ctx, pendingGrace); err != nil {
		return 0, err
	}
	total := 0
	for {
		n, err := a.store.ProcessOutbox(ctx, a.history, 100)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// pendingGrace is how old a pending order must be before recovery writes
// it (a live confirm writes it within milliseconds).
const pendingGrace = 2 * time.Second

// RunWorker runs WorkOnce whenever an order is written, and at least every
// 200ms, until ctx is done.
func (a *App) RunWorker(ctx context.Context) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		if _, err := a.WorkOnce(ctx); err != nil && ctx.Err() == nil {
			a.cfg.Logger.Warn("order worker", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.wake:
		}
	}
}

// Drain works until no order is pending in Redis and the outbox is empty,
// or ctx is done.
func (a *App) Drain(ctx context.Context) error {
	if a.store == nil {
		return nil
	}
	for {
		if _, err := a.RecoverPending(ctx, 0); err != nil {
			return err
		}
		if _, err := a.WorkOnce(ctx); err != nil {
			return err
		}
		p, err := a.Pending(ctx)
		if err != nil {
			return err
		}
		b, err := a.store.OutboxBacklog(ctx)
		if err != nil {
			return storeError("outbox", err)
		}
		if p == 0 && b == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// History returns the order history store (nil without AppConfig.Mongo).
func (a *App) History() *History { return a.history }

func (a *App) getOrders(w http.ResponseWriter, r *http.Request) {
	user, _ := userOf(r)
	if a.store == nil {
		writeError(w, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "orders are not stored by this shop"})
		return
	}
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeError(w, invalid("limit", "must be an integer between 1 and 500"))
			return
		}
		limit = n
	}
	orders, err := a.store.OrdersOf(r.Context(), user, limit)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, orders)
}
