package orm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults of the replica settings in Config.
const (
	DefaultReplicaMaxLag        = time.Second
	DefaultReplicaCheckInterval = 250 * time.Millisecond
)

type routeKey struct{}

type route uint8

const (
	routeDefault route = iota
	routeReplica
	routePrimary
)

// OnReplica marks ctx so reads made with it (find*, count, aggregate,
// groupBy, QueryRaw) go to a read replica, even on a client without
// Config.ReadFromReplicas. Inside a transaction, in a Session after a
// write, or when no replica is within Config.ReplicaMaxLag, they still go
// to the primary.
func OnReplica(ctx context.Context) context.Context {
	return context.WithValue(ctx, routeKey{}, routeReplica)
}

// OnPrimary marks ctx so reads made with it go to the primary, even on a
// client with Config.ReadFromReplicas.
func OnPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, routeKey{}, routePrimary)
}

type sessionKey struct{}

type session struct{ wrote atomic.Bool }

// Session gives ctx read-your-writes: once a write made with ctx (or a
// context derived from it) has committed, reads made with it go to the
// primary, so they see that write even when the replicas have not
// replayed it yet. Start one per request (an HTTP middleware does
// r.WithContext(orm.Session(r.Context()))).
func Session(ctx context.Context) context.Context {
	return context.WithValue(ctx, sessionKey{}, &session{})
}

// noteWrite marks the Session of ctx as having written.
func noteWrite(ctx context.Context) {
	if s, ok := ctx.Value(sessionKey{}).(*session); ok {
		s.wrote.Store(true)
	}
}

// replicas are a client's read replicas and their measured health.
type replicas struct {
	pools   []*pgxpool.Pool
	state   []replicaState
	next    atomic.Uint64
	maxLag  time.Duration
	stop    chan struct{}
	stopped sync.WaitGroup
}

type replicaState struct {
	usable atomic.Bool
	lag    atomic.Int64 // nanoseconds, last measured
}

// ReplicaStatus is the last measurement of one replica.
type ReplicaStatus struct {
	// Usable: in recovery, streaming from the primary and within
	// Config.ReplicaMaxLag at the last check.
	Usable bool
	// Lag is the last measured replay lag.
	Lag time.Duration
}

func newReplicas(cfgs []*pgxpool.Config, maxLag, interval time.Duration) (*replicas, error) {
	r := &replicas{maxLag: maxLag, stop: make(chan struct{}), state: make([]replicaState, len(cfgs))}
	for i, cfg := range cfgs {
		if cfg == nil {
			r.close()
			return nil, fmt.Errorf("orm: Replicas[%d] is nil", i)
		}
		p, err := pgxpool.NewWithConfig(context.Background(), cfg)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("orm: replica %d: %w", i, err)
		}
		r.pools = append(r.pools, p)
	}
	r.checkAll(interval) // know the replicas' state before the first read
	r.stopped.Add(1)
	go r.watch(interval)
	return r, nil
}

func (r *replicas) close() {
	if r.stop != nil {
		select {
		case <-r.stop:
		default:
			close(r.stop)
		}
	}
	r.stopped.Wait()
	for _, p := range r.pools {
		p.Close()
	}
}

func (r *replicas) watch(interval time.Duration) {
	defer r.stopped.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.checkAll(interval)
		}
	}
}

// lagSQL measures replay lag on a standby: 0 when it has replayed all it
// received, else the age of the last transaction it replayed. A standby
// that does not stream from its primary is reported as not usable.
const lagSQL = `SELECT pg_is_in_recovery(),
  coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false),
  CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
       ELSE coalesce(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 1e9) END`

func (r *replicas) checkAll(interval time.Duration) {
	var wg sync.WaitGroup
	for i := range r.pools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), max(4*interval, time.Second))
			defer cancel()
			var standby, streaming bool
			var lag float64
			err := r.pools[i].QueryRow(ctx, lagSQL).Scan(&standby, &streaming, &lag)
			st := &r.state[i]
			if err != nil {
				st.usable.Store(false)
				return
			}
			d := time.Duration(lag * float64(time.Second))
			st.lag.Store(int64(d))
			st.usable.Store(standby && streaming && d <= r.maxLag)
		}()
	}
	wg.Wait()
}

// pick returns a usable replica, round robin, or -1.
func (r *replicas) pick() int {
	n := len(r.pools)
	start := int(r.next.Add(1) % uint64(n))
	for k := range n {
		i := (start + k) % n
		if r.state[i].usable.Load() {
			return i
		}
	}
	return -1
}

// ReplicaStatus reports each replica's last measurement (nil without
// Config.Replicas).
func (c *Client) ReplicaStatus() []ReplicaStatus {
	if c.replicas == nil {
		return nil
	}
	out := make([]ReplicaStatus, len(c.replicas.pools))
	for i := range out {
		st := &c.replicas.state[i]
		out[i] = ReplicaStatus{Usable: st.usable.Load(), Lag: time.Duration(st.lag.Load())}
	}
	return out
}

// replicaFor decides where a read made with ctx goes: a replica's index,
// or -1 for the primary.
func (c *Client) replicaFor(ctx context.Context) int {
	if c.replicas == nil {
		return -1
	}
	switch rt, _ := ctx.Value(routeKey{}).(route); {
	case rt == routePrimary:
		return -1
	case rt == routeDefault && !c.cfg.ReadFromReplicas:
		return -1
	}
	if s, ok := ctx.Value(sessionKey{}).(*session); ok && s.wrote.Load() {
		return -1
	}
	return c.replicas.pick()
}

// replicaQuerier is a connection of replica i; query events name it.
type replicaQuerier struct {
	querier
	i int
}

// servedBy names the server a querier talks to, for QueryEvent.Server.
func servedBy(q querier) string {
	if r, ok := q.(*replicaQuerier); ok {
		return fmt.Sprintf("replica %d", r.i)
	}
	return "primary"
}

// read runs a read-only f on a replica when ctx and the client ask for
// one and one is usable, else as do would. A replica that cannot be
// reached is marked unusable and the read is retried on the primary.
func (h *handle) read(ctx context.Context, f func(q querier) error) error {
	if h.tx != nil {
		return f(h.tx)
	}
	c := h.c
	i := c.replicaFor(ctx)
	if i < 0 {
		return h.do(ctx, f)
	}
	err := c.onReplica(ctx, i, f)
	if err != nil && unreachable(err) && ctx.Err() == nil {
		c.replicas.state[i].usable.Store(false)
		return h.do(ctx, f)
	}
	return err
}

func (c *Client) onReplica(ctx context.Context, i int, f func(q querier) error) error {
	if err := c.enter(); err != nil {
		return err
	}
	defer c.leave()
	conn, err := c.replicas.pools[i].Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if c.hasSetup {
		return c.runTx(ctx, conn, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			return f(&replicaQuerier{querier: tx, i: i})
		})
	}
	return f(&replicaQuerier{querier: conn, i: i})
}

// unreachable reports whether err means the server could not be used at
// all (connection refused or lost), as opposed to a failed statement.
func unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// The standby is shutting down or was promoted away mid-query.
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var oe *Error
	return errors.As(err, &ce) || pgconn.SafeToRetry(err) ||
		(errors.As(err, &oe) && oe.Code == CodeConnectionClosed)
}
