package analytics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/polystore/polystore/postgres/orm"
)

// schemaSQL creates the segment tables and the guide's user_segments view
// in schema "analytics", with the unique index REFRESH ... CONCURRENTLY
// needs (the guide never created it, so its refresh failed).
var schemaSQL = []string{
	`CREATE SCHEMA IF NOT EXISTS analytics`,
	`CREATE TABLE IF NOT EXISTS analytics.users (
		id         text PRIMARY KEY,
		created_at timestamptz NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS analytics.orders (
		id         text PRIMARY KEY, -- stream entry id + "/" + index in the entry
		user_id    text NOT NULL REFERENCES analytics.users (id),
		total      numeric(16, 2) NOT NULL,
		created_at timestamptz NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS orders_user_id ON analytics.orders (user_id)`,
	`CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.user_segments AS
	SELECT u.id,
	       u.created_at,
	       COUNT(o.id)                 AS order_count,
	       COALESCE(SUM(o.total), 0)   AS lifetime_value,
	       MAX(o.created_at)           AS last_order_date
	FROM analytics.users u
	LEFT JOIN analytics.orders o ON o.user_id = u.id
	GROUP BY u.id, u.created_at`,
	`CREATE UNIQUE INDEX IF NOT EXISTS user_segments_id ON analytics.user_segments (id)`,
}

// setupPostgres creates the schema; a transaction-scoped advisory lock
// keeps concurrent setups from racing on CREATE.
func (a *App) setupPostgres(ctx context.Context) error {
	return a.pg.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		if _, err := orm.ExecRaw(ctx, tx, orm.SQL("SELECT pg_advisory_xact_lock(?)", int64(0x616e616c))); err != nil {
			return err
		}
		for _, q := range schemaSQL {
			if _, err := orm.ExecRaw(ctx, tx, orm.Raw(q)); err != nil {
				return fmt.Errorf("analytics: setup postgres: %w", err)
			}
		}
		return nil
	}, nil)
}

// writeSegmentsData records the users (first seen) and the orders (events
// of OrderType with a value) of the gathered entries. Order ids are the
// stream entry id and the event's index in it, so a redelivered entry
// inserts nothing twice.
func (a *App) writeSegmentsData(ctx context.Context, ws []*waiter) error {
	if a.pg == nil {
		return nil
	}
	first := map[string]time.Time{}
	var oid, ouser []string
	var ototal []float64
	var oat []time.Time
	for _, w := range ws {
		for i, e := range w.batch.Events {
			if t, ok := first[e.User]; !ok || e.Time.Before(t) {
				first[e.User] = e.Time
			}
			if e.Type == a.orderType && e.Value != nil {
				oid = append(oid, w.id+"/"+strconv.Itoa(i))
				ouser = append(ouser, e.User)
				ototal = append(ototal, *e.Value)
				oat = append(oat, e.Time)
			}
		}
	}
	uid := make([]string, 0, len(first))
	uat := make([]time.Time, 0, len(first))
	for u, t := range first {
		uid = append(uid, u)
		uat = append(uat, t)
	}
	if _, err := orm.ExecRaw(ctx, a.pg, orm.SQL(`INSERT INTO analytics.users (id, created_at)
		SELECT * FROM unnest(?::text[], ?::timestamptz[])
		ON CONFLICT (id) DO UPDATE SET created_at = LEAST(analytics.users.created_at, EXCLUDED.created_at)
		WHERE EXCLUDED.created_at < analytics.users.created_at`, uid, uat)); err != nil {
		return fmt.Errorf("analytics: record users: %w", err)
	}
	if len(oid) == 0 {
		return nil
	}
	if _, err := orm.ExecRaw(ctx, a.pg, orm.SQL(`INSERT INTO analytics.orders (id, user_id, total, created_at)
		SELECT * FROM unnest(?::text[], ?::text[], ?::numeric[], ?::timestamptz[])
		ON CONFLICT (id) DO NOTHING`, oid, ouser, ototal, oat)); err != nil {
		return fmt.Errorf("analytics: record orders: %w", err)
	}
	return nil
}

// RefreshSegments recomputes user_segments without blocking its readers
// (REFRESH MATERIALIZED VIEW CONCURRENTLY, which needs the unique index).
func (a *App) RefreshSegments(ctx context.Context) error {
	if a == nil {
		return fmt.Errorf("%w: nil *App", ErrInvalid)
	}
	if a.pg == nil {
		return fmt.Errorf("%w: no PostgreSQL configured", ErrInvalidConfig)
	}
	_, err := orm.ExecRaw(ctx, a.pg, orm.Raw(`REFRESH MATERIALIZED VIEW CONCURRENTLY analytics.user_segments`))
	if err != nil {
		return fmt.Errorf("analytics: refresh segments: %w", err)
	}
	return nil
}

// RunSegmentRefresh refreshes the view every interval until ctx ends.
func (a *App) RunSegmentRefresh(ctx context.Context, every time.Duration) error {
	if a == nil {
		return fmt.Errorf("%w: nil *App", ErrInvalid)
	}
	if every <= 0 {
		every = 10 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := a.RefreshSegments(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("analytics: refresh segments", "err", err)
			}
		}
	}
}

// SegmentRules select users from user_segments.
type SegmentRules struct {
	MinOrders   int64   `json:"minOrders"`   // at least this many orders
	MinLTV      float64 `json:"minLTV"`      // lifetime value at least this
	RecencyDays int32   `json:"recencyDays"` // last order within this many days
	Limit       int32   `json:"limit"`       // rows returned (the count covers all)
}

// SegmentUser is one row of user_segments.
type SegmentUser struct {
	ID            string     `json:"id" db:"id"`
	CreatedAt     time.Time  `json:"createdAt" db:"created_at"`
	OrderCount    int64      `json:"orderCount" db:"order_count"`
	LifetimeValue float64    `json:"lifetimeValue" db:"lifetime_value"`
	LastOrderDate *time.Time `json:"lastOrderDate" db:"last_order_date"`
}

// Segment is the answer to a segment query.
type Segment struct {
	Rules SegmentRules  `json:"rules"`
	Count int64         `json:"count"`
	Users []SegmentUser `json:"users"`
}

// ParamError reports an unusable query parameter.
type ParamError struct {
	Param  string
	Reason string
}

func (e *ParamError) Error() string { return "analytics: parameter " + e.Param + ": " + e.Reason }

// ErrInvalidParam is wrapped by every *ParamError.
var ErrInvalidParam = errors.New("analytics: invalid parameter")

// Is makes errors.Is(err, ErrInvalidParam) true.
func (e *ParamError) Is(target error) bool { return target == ErrInvalidParam }

// ParseSegmentRules reads min_orders, min_ltv, recency_days and limit
// from a query string, with bounds; defaults 1, 0, 30, 20.
func ParseSegmentRules(q url.Values) (SegmentRules, error) {
	r := SegmentRules{MinOrders: 1, MinLTV: 0, RecencyDays: 30, Limit: 20}
	intParam := func(name string, lo, hi int64, dst func(int64)) error {
		v := q.Get(name)
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < lo || n > hi {
			return &ParamError{Param: name, Reason: fmt.Sprintf("must be an integer from %d to %d", lo, hi)}
		}
		dst(n)
		return nil
	}
	if err := intParam("min_orders", 0, 1_000_000, func(n int64) { r.MinOrders = n }); err != nil {
		return r, err
	}
	if err := intParam("recency_days", 1, 3650, func(n int64) { r.RecencyDays = int32(n) }); err != nil {
		return r, err
	}
	if err := intParam("limit", 1, 1000, func(n int64) { r.Limit = int32(n) }); err != nil {
		return r, err
	}
	if v := q.Get("min_ltv"); v != "" {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > 1e12 {
			return r, &ParamError{Param: "min_ltv", Reason: "must be a number from 0 to 1e12"}
		}
		r.MinLTV = f
	}
	return r, nil
}

// segmentWhere is the segment filter; every rule is a bind parameter and
// the interval is built by make_interval, never by string concatenation.
func segmentWhere(r SegmentRules) orm.Sql {
	return orm.SQL(`order_count >= ? AND lifetime_value >= ?
		AND last_order_date >= now() - make_interval(days => ?)`, r.MinOrders, r.MinLTV, r.RecencyDays)
}

// QuerySegment returns the users matching the rules, highest lifetime
// value first, and how many match in all.
func (a *App) QuerySegment(ctx context.Context, r SegmentRules) (*Segment, error) {
	if a == nil {
		return nil, fmt.Errorf("%w: nil *App", ErrInvalid)
	}
	if a.pg == nil {
		return nil, fmt.Errorf("%w: no PostgreSQL configured", ErrInvalidConfig)
	}
	if r.Limit <= 0 || r.Limit > 1000 || r.RecencyDays < 1 || r.RecencyDays > 3650 || r.MinOrders < 0 ||
		math.IsNaN(r.MinLTV) || r.MinLTV < 0 || r.MinLTV > 1e12 {
		return nil, &ParamError{Param: "rules", Reason: "out of bounds (see ParseSegmentRules)"}
	}
	where := segmentWhere(r)
	users, err := orm.QueryRaw[SegmentUser](ctx, a.pg, orm.SQL(`SELECT id, created_at, order_count,
		lifetime_value::float8 AS lifetime_value, last_order_date
		FROM analytics.user_segments WHERE ? ORDER BY lifetime_value DESC, id LIMIT ?`, where, r.Limit))
	if err != nil {
		return nil, fmt.Errorf("analytics: segment: %w", err)
	}
	n, err := orm.QueryRaw[int64](ctx, a.pg, orm.SQL(`SELECT count(*) FROM analytics.user_segments WHERE ?`, where))
	if err != nil {
		return nil, fmt.Errorf("analytics: segment count: %w", err)
	}
	if users == nil {
		users = []SegmentUser{}
	}
	return &Segment{Rules: r, Count: n[0], Users: users}, nil
}

func (a *App) orderCount(ctx context.Context) (int64, error) {
	n, err := orm.QueryRaw[int64](ctx, a.pg, orm.Raw(`SELECT count(*) FROM analytics.orders`))
	if err != nil {
		return 0, err
	}
	return n[0], nil
}
