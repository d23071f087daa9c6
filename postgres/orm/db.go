package orm

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/polystore/polystore/internal/queryevent"
)

// DB is where operations run: a *Client (each operation on a pooled
// connection) or a *Tx (inside an interactive transaction).
type DB interface {
	handle() *handle
}

type handle struct {
	c  *Client
	tx pgx.Tx
	ws *writeSet // the models written in tx, for Config.AfterWrite (nil: not reported)
}

func (c *Client) handle() *handle {
	if c == nil {
		return nil
	}
	return c.h
}

// errNoDB is the *ValidationError message of operations given a nil DB, a
// nil *Client or a nil *Tx.
const errNoDB = "no database: the DB argument is nil"

// handleOf returns db's handle, or nil for a nil DB, *Client or *Tx.
func handleOf(db DB) *handle {
	if db == nil {
		return nil
	}
	return db.handle()
}

// do runs f on the transaction, or on a pooled connection.
func (h *handle) do(ctx context.Context, f func(q querier) error) error {
	if h.tx != nil {
		return f(h.tx)
	}
	ws := h.c.newWriteSet()
	if ws == nil {
		return h.c.withConn(ctx, f)
	}
	err := h.c.withConn(ctx, func(q querier) error { return f(&recorder{querier: q, ws: ws}) })
	if err == nil {
		h.c.flush(ctx, ws)
	}
	return err
}

// atomic runs f inside a transaction: the current one, or a new one.
func (h *handle) atomic(ctx context.Context, f func(h *handle) error) error {
	if h.tx != nil {
		return f(h)
	}
	c := h.c
	if err := c.enter(); err != nil {
		return err
	}
	defer c.leave()
	conn, err := c.acquire(ctx)
	if err != nil {
		return err
	}
	defer c.release(conn)
	ws := c.newWriteSet()
	err = c.runTx(ctx, conn, pgx.TxOptions{}, func(tx pgx.Tx) error {
		return f(&handle{c: c, tx: tx, ws: ws})
	})
	if err == nil {
		c.flush(ctx, ws)
	}
	return err
}

// QueryEvent describes one statement, sent to Config.OnQuery after it ran:
// Model ("" for raw SQL), Action, SQL, Args (the number of bind arguments;
// values are never logged), Start, Duration, Rows (returned or affected),
// Err, and Server ("primary", or "replica <i>" for Config.Replicas[i]).
// It is the shape the Redis packages report too (redisotel.QueryEvent is
// the same type), so one callback serves both.
type QueryEvent = queryevent.Event

func (h *handle) emit(ctx context.Context, q querier, m *Model, act Action, sql string, nargs int, start time.Time, rows int64, err error) {
	if h.c.cfg.OnQuery == nil {
		return
	}
	name := ""
	if m != nil {
		name = m.Name
	}
	h.c.cfg.OnQuery(ctx, QueryEvent{Model: name, Action: act, SQL: sql, Args: nargs, Start: start,
		Duration: time.Since(start), Rows: rows, Err: err, Server: servedBy(q)})
}

// query runs sql and calls each for every row.
func (h *handle) query(ctx context.Context, q querier, m *Model, act Action, sql string, args []any, each func(pgx.Rows) error) error {
	start := time.Now()
	each = h.recordRows(q, m, act, sql, each)
	rows, err := q.Query(ctx, sql, args...)
	var n int64
	if err == nil {
		for rows.Next() {
			n++
			if err = each(rows); err != nil {
				break
			}
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	h.emit(ctx, q, m, act, sql, len(args), start, n, err)
	return classify(m, err)
}

// exec runs a statement and returns the rows affected.
func (h *handle) exec(ctx context.Context, q querier, m *Model, act Action, sql string, args []any) (int64, error) {
	start := time.Now()
	h.record(q, m, act)
	tag, err := q.Exec(ctx, sql, args...)
	h.emit(ctx, q, m, act, sql, len(args), start, tag.RowsAffected(), err)
	return tag.RowsAffected(), classify(m, err)
}
