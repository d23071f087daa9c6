package trading

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/apps/trading/db"
	"github.com/polystore/polystore/internal/devenv"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type env struct {
	pool  *pgxpool.Pool
	pgURL string
	store *Store
	redis *devenv.RedisNS
	mongo *mongo.Database
	dir   string
	nice  int // NodeConfig.BackgroundNice of the nodes it starts
}

func setup(t testing.TB) *env {
	t.Helper()
	u := devenv.PostgresURL(t)
	cfg, err := pgxpool.ParseConfig(u)
	require.NoError(t, err)
	cfg.MaxConns = 16 // traders, the conservation watcher, relay and settlers
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.NoError(t, ApplySchema(context.Background(), pool))
	s, err := NewStore(pool, nil)
	require.NoError(t, err)
	return &env{pool: pool, pgURL: u, store: s, redis: devenv.Redis(t), mongo: devenv.Mongo(t), dir: t.TempDir()}
}

func (e *env) node(t testing.TB) *Node {
	t.Helper()
	n, err := StartNode(context.Background(), NodeConfig{Store: e.store, JournalPath: filepath.Join(e.dir, "journal"),
		Redis: e.redis.Client, Mongo: e.mongo, KeyPrefix: e.redis.Prefix, Poll: 5 * time.Millisecond, BackgroundNice: e.nice})
	require.NoError(t, err)
	return n
}

// waitSettled waits until every order has left PENDING and the node has
// published everything it settled.
func waitSettled(t testing.TB, e *env, n *Node) {
	t.Helper()
	require.Eventually(t, func() bool {
		var pending, unrelayed int
		require.NoError(t, e.pool.QueryRow(context.Background(),
			`SELECT (SELECT count(*) FROM orders WHERE status = 'PENDING'), (SELECT count(*) FROM order_outbox WHERE NOT relayed)`).Scan(&pending, &unrelayed))
		return pending == 0 && unrelayed == 0
	}, 60*time.Second, 10*time.Millisecond)
	// Events after the last status change (trades of resting orders) are
	// settled once the cursors stop moving.
	require.Eventually(t, func() bool {
		for _, m := range e.store.Markets() {
			var last int64
			require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT "lastSeq" FROM settlement_cursors WHERE symbol = $1`, m.Symbol).Scan(&last))
			var seq uint64
			require.NoError(t, n.Engine().Do(context.Background(), m.Symbol, func(b *engineBook) { seq = b.Seq() }))
			if uint64(last) != seq || n.Settled(m.Symbol) != seq {
				return false
			}
		}
		return true
	}, 60*time.Second, 10*time.Millisecond)
}

func balance(t testing.TB, e *env, account int, currency string) (available, reserved string) {
	t.Helper()
	b, err := e.store.Client().Balance.FindUniqueOrThrow(context.Background(), db.BalanceByAccountIDCurrency(account, currency), nil)
	require.NoError(t, err)
	return Text(b.Available), Text(b.Reserved)
}

func noViolations(t testing.TB, e *env) {
	t.Helper()
	v, err := e.store.Check(context.Background())
	require.NoError(t, err)
	require.Empty(t, v)
}
