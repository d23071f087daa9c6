package orm

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Strategy is how included relations are loaded.
type Strategy uint8

// Relation load strategies. Neither issues one query per parent row.
const (
	// StrategyDefault uses the client's Config.RelationLoadStrategy.
	StrategyDefault Strategy = iota
	// StrategyJoin loads the whole tree in one statement: every included
	// relation is a LEFT JOIN LATERAL subquery aggregated with json_agg.
	StrategyJoin
	// StrategyQuery runs one statement per relation level, fetching the
	// children of all parents at once with "= ANY($1)".
	StrategyQuery
)

// DefaultPoolTimeout is Prisma's default pool_timeout.
const DefaultPoolTimeout = 10 * time.Second

// Config configures a Client.
type Config struct {
	// Pool is the pgxpool configuration (required).
	Pool *pgxpool.Config
	// PoolTimeout bounds the wait for a free connection; on expiry the
	// operation fails with P2024 (ErrPoolTimeout). Zero waits as long as
	// the context allows. The bound applies once the client's own
	// connections run short; connections other code takes from a shared
	// pool (NewWithPool) are not counted.
	PoolTimeout time.Duration
	// RelationLoadStrategy is the default for queries that include
	// relations; StrategyDefault means StrategyQuery, measured faster than
	// StrategyJoin for wide trees (see bench/orm).
	RelationLoadStrategy Strategy
	// OnQuery, when set, receives an event after every statement (see
	// SlogHandler and the otel subpackage).
	OnQuery func(context.Context, QueryEvent)
	// AfterWrite, when set, receives the models an operation or a
	// Transaction wrote (created, updated, upserted or deleted rows of,
	// nested writes included) with the primary keys of the rows written
	// when they are known (see Written), once that work has committed and
	// before the operation or Transaction returns. It is never called for
	// work that rolled back, nor for a savepoint rolled back to; raw SQL
	// (ExecRaw, QueryRaw) is not reported. postgres/orm/ormcache uses
	// it to invalidate cached queries.
	AfterWrite func(ctx context.Context, writes []Written)
	// Omit lists, per model name, fields every result leaves out unless a
	// query selects them or says Omit{field: false} (Prisma's global omit,
	// e.g. {"User": {"password"}}).
	Omit map[string][]string

	// Replicas are read replicas: streaming standbys of the primary that
	// Pool connects to. Reads asked to — every read outside a transaction
	// with ReadFromReplicas, a single call with OnReplica(ctx) — go to one
	// of them, round robin among those in recovery, streaming and within
	// ReplicaMaxLag at the last check; with none such they go to the
	// primary. Writes, transactions and reads after a write in the same
	// Session always use the primary. See docs/orm.md, "Read replicas".
	Replicas []*pgxpool.Config
	// ReadFromReplicas sends every read outside a transaction to a replica
	// (OnPrimary(ctx) overrides per call).
	ReadFromReplicas bool
	// ReplicaMaxLag: a replica whose replay lag exceeds this is skipped
	// (default DefaultReplicaMaxLag, 1s).
	ReplicaMaxLag time.Duration
	// ReplicaCheckInterval is how often each replica's lag and health are
	// measured (default DefaultReplicaCheckInterval, 250ms).
	ReplicaCheckInterval time.Duration
}

// ParseConfig parses a PostgreSQL URL or keyword/value string. Besides
// pgxpool's own parameters (pool_max_conns, pool_min_conns,
// pool_max_conn_lifetime, pool_max_conn_idle_time,
// pool_health_check_period...), URLs accept Prisma's:
//
//   - connection_limit: maximum open connections (pool_max_conns);
//   - pool_timeout: seconds to wait for a free connection (default 10, 0
//     waits without limit).
//
// Unknown Prisma-only parameters (schema, connect_timeout is pgx's own)
// are passed to the driver unchanged.
func ParseConfig(connString string) (*Config, error) {
	cfg := &Config{PoolTimeout: DefaultPoolTimeout}
	limit := -1
	if strings.Contains(connString, "://") {
		u, err := url.Parse(connString)
		if err != nil {
			return nil, fmt.Errorf("orm: parse config: %w", err)
		}
		q := u.Query()
		if v := q.Get("connection_limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("orm: parse config: connection_limit must be a positive integer, got %q", v)
			}
			limit = n
			q.Del("connection_limit")
		}
		if v := q.Get("pool_timeout"); v != "" {
			secs, err := strconv.ParseFloat(v, 64)
			if err != nil || secs < 0 {
				return nil, fmt.Errorf("orm: parse config: pool_timeout must be a number of seconds, got %q", v)
			}
			cfg.PoolTimeout = time.Duration(secs * float64(time.Second))
			q.Del("pool_timeout")
		}
		u.RawQuery = q.Encode()
		connString = u.String()
	}
	pc, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("orm: parse config: %w", err)
	}
	if limit > 0 {
		pc.MaxConns = int32(limit)
		if pc.MinConns > pc.MaxConns {
			pc.MinConns = pc.MaxConns
		}
	}
	cfg.Pool = pc
	return cfg, nil
}

// Client runs queries over a pgxpool. It is safe for concurrent use. With
// derives clients that share the pool and add extensions.
type Client struct {
	pool     *pgxpool.Pool
	replicas *replicas // nil without Config.Replicas; shared by extended clients
	cfg      Config
	exts     []*Extension
	hasSetup bool
	life     *lifecycle
	h        *handle // the handle of operations outside transactions
}

type lifecycle struct {
	mu     sync.RWMutex
	closed bool
	wg     sync.WaitGroup
	owned  bool
	// busy counts the connections this client holds; while it is below
	// maxConns an Acquire does not wait, so no pool_timeout timer is needed.
	busy     atomic.Int32
	maxConns int32
}

// New connects a pool from cfg. It does not wait for a connection; use
// Ping to check the server. Unless the configuration names a time zone
// (timezone runtime parameter), sessions run in UTC, as Prisma's do.
func New(ctx context.Context, cfg *Config) (*Client, error) {
	if cfg == nil || cfg.Pool == nil {
		return nil, fmt.Errorf("orm: New needs a Config with Pool (see ParseConfig)")
	}
	pc := cfg.Pool
	if !hasTimeZone(pc.ConnConfig.RuntimeParams) {
		// Like Prisma, store and default instants in UTC: now() and
		// CURRENT_TIMESTAMP defaults of timestamp columns follow the session
		// time zone.
		pc = pc.Copy()
		if pc.ConnConfig.RuntimeParams == nil {
			pc.ConnConfig.RuntimeParams = map[string]string{}
		}
		pc.ConnConfig.RuntimeParams["timezone"] = "UTC"
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("orm: %w", err)
	}
	c := NewWithPool(pool, cfg)
	c.life.owned = true
	if len(cfg.Replicas) > 0 {
		if c.replicas, err = newReplicas(cfg.Replicas, cmp.Or(cfg.ReplicaMaxLag, DefaultReplicaMaxLag),
			cmp.Or(cfg.ReplicaCheckInterval, DefaultReplicaCheckInterval)); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return c, nil
}

func hasTimeZone(params map[string]string) bool {
	for k := range params {
		if strings.EqualFold(k, "timezone") {
			return true
		}
	}
	return false
}

// Open is ParseConfig followed by New.
func Open(ctx context.Context, connString string) (*Client, error) {
	cfg, err := ParseConfig(connString)
	if err != nil {
		return nil, err
	}
	return New(ctx, cfg)
}

// NewWithPool wraps an existing pool; Close then leaves the pool open.
// cfg may be nil (its Pool field is ignored). With a nil pool every
// operation of the client fails with a validation error naming the
// missing database, as a nil *Client's do.
func NewWithPool(pool *pgxpool.Pool, cfg *Config) *Client {
	if pool == nil {
		return &Client{life: &lifecycle{}}
	}
	c := &Client{pool: pool, life: &lifecycle{maxConns: pool.Config().MaxConns}}
	if cfg != nil {
		c.cfg = *cfg
	}
	c.cfg.Pool = nil
	c.h = &handle{c: c}
	return c
}

// Pool returns the underlying pool.
func (c *Client) Pool() *pgxpool.Pool { return c.pool }

// Ping checks that a connection can be acquired and answers.
func (c *Client) Ping(ctx context.Context) error {
	if c == nil || c.h == nil {
		return validationErr(nil, "", errNoDB)
	}
	return c.withConn(ctx, func(q querier) error {
		_, err := q.Exec(ctx, ";")
		return err
	})
}

// Close stops accepting operations, waits for running ones (including
// open transactions) to finish, then closes the pool if New created it.
// Operations started after Close fail with ErrClosed. Safe to call twice.
func (c *Client) Close() {
	if c == nil || c.life == nil {
		return
	}
	c.life.mu.Lock()
	already := c.life.closed
	c.life.closed = true
	c.life.mu.Unlock()
	if already {
		return
	}
	c.life.wg.Wait()
	if c.replicas != nil {
		c.replicas.close()
	}
	if c.life.owned {
		c.pool.Close()
	}
}

func (c *Client) enter() error {
	c.life.mu.RLock()
	defer c.life.mu.RUnlock()
	if c.life.closed {
		return ErrClosed
	}
	c.life.wg.Add(1)
	return nil
}

func (c *Client) leave() { c.life.wg.Done() }

func (c *Client) strategy(s Strategy) Strategy {
	if s != StrategyDefault {
		return s
	}
	if c.cfg.RelationLoadStrategy != StrategyDefault {
		return c.cfg.RelationLoadStrategy
	}
	return StrategyQuery
}

// querier is what both a pooled connection and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error)
	Begin(ctx context.Context) (pgx.Tx, error)
}

func (c *Client) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	actx := ctx
	// The timer only matters when the pool may make us wait (connections
	// taken by other users of a shared pool are not counted).
	if c.cfg.PoolTimeout > 0 && c.life.busy.Load() >= c.life.maxConns-1 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.cfg.PoolTimeout)
		defer cancel()
	}
	conn, err := c.pool.Acquire(actx)
	if err != nil {
		if ctx.Err() == nil {
			return nil, poolTimeoutErr(err)
		}
		return nil, err
	}
	c.life.busy.Add(1)
	return conn, nil
}

// release returns a connection taken with acquire.
func (c *Client) release(conn *pgxpool.Conn) {
	c.life.busy.Add(-1)
	conn.Release()
}

// withConn runs f on one pooled connection. When extensions need a
// transaction setup (tenant scoping), f runs in a short transaction.
func (c *Client) withConn(ctx context.Context, f func(q querier) error) error {
	if err := c.enter(); err != nil {
		return err
	}
	defer c.leave()
	conn, err := c.acquire(ctx)
	if err != nil {
		return err
	}
	defer c.release(conn)
	if c.hasSetup {
		return c.runTx(ctx, conn, pgx.TxOptions{}, func(tx pgx.Tx) error { return f(tx) })
	}
	return f(conn)
}

// runTx begins a transaction on conn, runs the extensions' setup and f,
// and commits (or rolls back on error).
func (c *Client) runTx(ctx context.Context, conn *pgxpool.Conn, opts pgx.TxOptions, f func(pgx.Tx) error) (err error) {
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	for _, e := range c.exts {
		if e.TxSetup != nil {
			if err = e.TxSetup(ctx, tx); err != nil {
				return err
			}
		}
	}
	if err = f(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
