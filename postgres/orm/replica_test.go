package orm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormtest"
	"github.com/stretchr/testify/require"
)

// replicaEnv is a client on a private primary with one streaming replica,
// remembering which server ran each statement.
type replicaEnv struct {
	rs      *devenv.PostgresReplicaSet
	c       *orm.Client
	mu      sync.Mutex
	servers []string
}

const testMaxLag = 300 * time.Millisecond

func newReplicaEnv(t *testing.T, readFromReplicas bool) *replicaEnv {
	t.Helper()
	e := &replicaEnv{rs: devenv.PostgresReplicas(t)}
	ctx := context.Background()
	cfg, err := orm.ParseConfig(e.rs.Primary.URL)
	require.NoError(t, err)
	rc, err := pgxpool.ParseConfig(e.rs.Replica.URL)
	require.NoError(t, err)
	cfg.Replicas = []*pgxpool.Config{rc}
	cfg.ReadFromReplicas = readFromReplicas
	cfg.ReplicaMaxLag = testMaxLag
	cfg.ReplicaCheckInterval = 50 * time.Millisecond
	cfg.OnQuery = func(_ context.Context, ev orm.QueryEvent) {
		e.mu.Lock()
		e.servers = append(e.servers, ev.Server)
		e.mu.Unlock()
	}
	e.c, err = orm.New(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(e.c.Close)
	_, err = e.c.Pool().Exec(ctx, ormtest.DDL)
	require.NoError(t, err)
	require.NoError(t, e.rs.WaitCaughtUp(ctx))
	e.waitUsable(t, true)
	return e
}

// served runs f and returns the servers its statements ran on.
func (e *replicaEnv) served(f func()) []string {
	e.mu.Lock()
	e.servers = nil
	e.mu.Unlock()
	f()
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.servers
}

func (e *replicaEnv) waitUsable(t *testing.T, want bool) {
	t.Helper()
	require.Eventually(t, func() bool { return e.c.ReplicaStatus()[0].Usable == want }, 10*time.Second, 20*time.Millisecond,
		"replica usable = %v", want)
}

func (e *replicaEnv) users(t *testing.T, ctx context.Context) int {
	t.Helper()
	us, err := orm.FindMany[User](ctx, e.c, UserModel, nil)
	require.NoError(t, err)
	return len(us)
}

func TestReplicaRouting(t *testing.T) {
	e := newReplicaEnv(t, true)
	ctx := context.Background()
	var u *User
	var err error
	require.Equal(t, []string{"primary"}, e.served(func() {
		u, err = orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "a@x"}})
		require.NoError(t, err)
	}), "writes go to the primary")
	require.NoError(t, e.rs.WaitCaughtUp(ctx))

	require.Equal(t, []string{"replica 0"}, e.served(func() { require.Equal(t, 1, e.users(t, ctx)) }))
	require.Equal(t, []string{"replica 0"}, e.served(func() {
		n, err := orm.Count(ctx, e.c, UserModel, nil)
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
	}))
	require.Equal(t, []string{"primary"}, e.served(func() { e.users(t, orm.OnPrimary(ctx)) }), "OnPrimary overrides")
	require.Equal(t, []string{"primary", "primary"}, e.served(func() {
		require.NoError(t, e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			_, err := orm.FindMany[User](ctx, tx, UserModel, nil)
			if err != nil {
				return err
			}
			_, err = orm.Update[User](ctx, tx, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", u.ID)}, Data: orm.Data{"name": "A"}})
			return err
		}, nil))
	}), "reads inside a transaction stay on the primary")
	require.Equal(t, []string{"primary"}, e.served(func() {
		_, err := orm.QueryRaw[int](ctx, e.c, orm.SQL("SELECT 1"))
		require.NoError(t, err)
	}), "raw SQL goes to a replica only when asked per call")

	// Read-your-writes: after a write in a Session, its reads use the primary.
	sctx := orm.Session(ctx)
	require.Equal(t, []string{"replica 0"}, e.served(func() { e.users(t, sctx) }))
	_, err = orm.Create[User](sctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "b@x"}})
	require.NoError(t, err)
	require.Equal(t, []string{"primary"}, e.served(func() { require.Equal(t, 2, e.users(t, sctx)) }))
	require.Equal(t, []string{"replica 0"}, e.served(func() { e.users(t, ctx) }), "other requests still read replicas")
}

func TestReplicaPerCall(t *testing.T) {
	e := newReplicaEnv(t, false)
	ctx := context.Background()
	require.Equal(t, []string{"primary"}, e.served(func() { e.users(t, ctx) }), "replicas only when asked")
	require.Equal(t, []string{"replica 0"}, e.served(func() { e.users(t, orm.OnReplica(ctx)) }))
	require.Equal(t, []string{"replica 0"}, e.served(func() {
		_, err := orm.QueryRaw[int](orm.OnReplica(ctx), e.c, orm.SQL("SELECT 1"))
		require.NoError(t, err)
	}))
}

// TestReplicaLag: a replica whose replay lags beyond ReplicaMaxLag is
// skipped, so reads keep seeing committed writes; it is used again once it
// has caught up.
func TestReplicaLag(t *testing.T) {
	e := newReplicaEnv(t, true)
	ctx := context.Background()
	require.NoError(t, e.rs.PauseReplay(ctx))
	_, err := orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "lag@x"}})
	require.NoError(t, err)
	e.waitUsable(t, false)
	require.Greater(t, e.c.ReplicaStatus()[0].Lag, testMaxLag)
	require.Equal(t, []string{"primary"}, e.served(func() { require.Equal(t, 1, e.users(t, ctx)) }),
		"the lagging replica is skipped: the committed row is seen")

	require.NoError(t, e.rs.ResumeReplay(ctx))
	e.waitUsable(t, true)
	require.Equal(t, []string{"replica 0"}, e.served(func() { require.Equal(t, 1, e.users(t, ctx)) }))
}

// TestReplicaDown: reads keep working, on the primary, when the replica
// goes away, each within a bounded time.
func TestReplicaDown(t *testing.T) {
	e := newReplicaEnv(t, true)
	ctx := context.Background()
	e.users(t, ctx) // a pooled connection to the replica exists
	require.NoError(t, e.rs.Replica.Close(ctx))
	for range 5 {
		start := time.Now()
		servers := e.served(func() { require.Equal(t, 0, e.users(t, ctx)) })
		require.Contains(t, servers, "primary")
		require.Less(t, time.Since(start), 3*time.Second)
	}
	e.waitUsable(t, false)
}
