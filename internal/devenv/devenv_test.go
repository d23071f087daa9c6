package devenv_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
)

func TestMain(m *testing.M) { devenv.Main(m) }

func TestPostgresIsolation(t *testing.T) {
	ctx := context.Background()
	a, b := devenv.Postgres(t), devenv.Postgres(t)
	var nameA, nameB string
	require.NoError(t, a.QueryRow(ctx, "SELECT current_database()").Scan(&nameA))
	require.NoError(t, b.QueryRow(ctx, "SELECT current_database()").Scan(&nameB))
	require.NotEqual(t, nameA, nameB, "each call gets its own database")

	_, err := a.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY)")
	require.NoError(t, err)
	_, err = a.Exec(ctx, "INSERT INTO t VALUES ($1)", 1)
	require.NoError(t, err)
	_, err = b.Exec(ctx, "SELECT 1 FROM t")
	require.Error(t, err, "database b must not see database a's table")
}

func TestPostgresDroppedAtCleanup(t *testing.T) {
	ctx := context.Background()
	var name string
	t.Run("inner", func(t *testing.T) {
		require.NoError(t, devenv.Postgres(t).QueryRow(ctx, "SELECT current_database()").Scan(&name))
	})
	admin := devenv.Postgres(t)
	var n int
	require.NoError(t, admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n))
	require.Zero(t, n, "database %s should be dropped after its test", name)
}

func TestRedisPrefixCleanup(t *testing.T) {
	ctx := context.Background()
	var prefix string
	other := devenv.Redis(t)
	require.NoError(t, other.Client.Do(ctx, other.Client.B().Set().Key(other.Key("keep")).Value("1").Build()).Error())
	t.Run("inner", func(t *testing.T) {
		r := devenv.Redis(t)
		prefix = r.Prefix
		require.NotEqual(t, other.Prefix, r.Prefix)
		for _, k := range []string{"a", "b", "c"} {
			require.NoError(t, r.Client.Do(ctx, r.Client.B().Set().Key(r.Key(k)).Value(k).Build()).Error())
		}
		second := r.NewClient(nil)
		v, err := second.Do(ctx, second.B().Get().Key(r.Key("b")).Build()).ToString()
		require.NoError(t, err)
		require.Equal(t, "b", v)
	})
	keys, err := other.Client.Do(ctx, other.Client.B().Keys().Pattern(prefix+"*").Build()).AsStrSlice()
	require.NoError(t, err)
	require.Empty(t, keys, "keys under %s must be removed at cleanup", prefix)
	v, err := other.Client.Do(ctx, other.Client.B().Get().Key(other.Key("keep")).Build()).ToString()
	require.NoError(t, err)
	require.Equal(t, "1", v, "another test's keys survive")
}

func TestDeleteRedisPrefixRefusesEmpty(t *testing.T) {
	r := devenv.Redis(t)
	_, err := devenv.DeleteRedisPrefix(context.Background(), r.Client, "")
	require.Error(t, err)
}

func TestRedisProcessRestart(t *testing.T) {
	ctx := context.Background()
	p := devenv.StartRedis(t)
	opt, err := devenv.RedisOption(p.URL())
	require.NoError(t, err)
	require.Equal(t, []string{p.Addr()}, opt.InitAddress)
	require.NoError(t, p.Stop())
	require.Zero(t, p.Pid())
	require.NoError(t, p.Restart(ctx))
	require.NotZero(t, p.Pid())
}

func TestMongoIsolation(t *testing.T) {
	ctx := context.Background()
	a, b := devenv.Mongo(t), devenv.Mongo(t)
	require.NotEqual(t, a.Name(), b.Name())
	_, err := a.Collection("c").InsertOne(ctx, bson.D{{Key: "x", Value: 1}})
	require.NoError(t, err)
	n, err := b.Collection("c").CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = a.Collection("c").CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
}

func TestUnavailableErrorNamesStoreAndHint(t *testing.T) {
	t.Setenv(devenv.EnvRedisURL, "redis://127.0.0.1:1")
	_, err := devenv.ResolveRedis(context.Background(), nil)
	require.Error(t, err)
	require.True(t, errors.Is(err, devenv.ErrUnavailable))
	var ue *devenv.UnavailableError
	require.True(t, errors.As(err, &ue))
	require.Equal(t, devenv.StoreRedis, ue.Store)
	require.Contains(t, err.Error(), "redis")
	require.Contains(t, err.Error(), devenv.EnvRedisURL)
}

// TestEnvURLHints: when the URL in POLYSTORE_PG_URL or POLYSTORE_REDIS_URL
// cannot be used, the hint says what is wrong with it — a value that is not
// a URL, a server that answered but refused the role, or nothing listening
// at the address — and the answer comes at once. The refused role is tried
// against the real local PostgreSQL.
func TestEnvURLHints(t *testing.T) {
	cases := []struct {
		name, env, value, hint string
		needsPostgres          bool
	}{
		{"postgres not a URL", devenv.EnvPostgresURL, "garbage", "is not a PostgreSQL URL", false},
		{"postgres closed port", devenv.EnvPostgresURL, "postgres://postgres@127.0.0.1:1/postgres", "nothing usable answered at 127.0.0.1:1", false},
		{"postgres unknown role", devenv.EnvPostgresURL, "", "answered but refused the connection", true},
		{"redis not a URL", devenv.EnvRedisURL, "http://x", "is not a Redis address", false},
		{"redis closed port", devenv.EnvRedisURL, "127.0.0.1:1", "nothing usable answered at 127.0.0.1:1", false},
		{"redis closed port, how to start one", devenv.EnvRedisURL, "127.0.0.1:1", "redis-server --daemonize yes", false},
		{"postgres closed port, how to start one", devenv.EnvPostgresURL, "postgres://postgres@127.0.0.1:1/postgres", "pg_ctlcluster", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			value := tc.value
			if tc.needsPostgres { // the same server with a role it lacks
				u, err := url.Parse(devenv.PostgresServer(t).URL) // skips (fails in CI) without one
				require.NoError(t, err)
				u.User = url.User("no_such_role_polystore")
				value = u.String()
			}
			t.Setenv(tc.env, value)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var err error
			if tc.env == devenv.EnvRedisURL {
				_, err = devenv.ResolveRedis(ctx, nil)
			} else {
				_, err = devenv.ResolvePostgres(ctx, nil)
			}
			var ue *devenv.UnavailableError
			require.ErrorAs(t, err, &ue)
			require.Contains(t, ue.Hint, tc.hint)
			require.Contains(t, ue.Hint, tc.env)
			require.NoError(t, ctx.Err(), "answered within the deadline")
		})
	}
}

// TestPrivatePostgresCluster exercises the fallback used when no PostgreSQL
// answers: initdb in a temp dir, a postmaster on a free port, removed on Close.
func TestPrivatePostgresCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	t.Setenv(devenv.EnvPostgresURL, "")
	t.Setenv(devenv.EnvPostgresPrivate, "1")
	ctx := context.Background()
	s, err := devenv.ResolvePostgres(ctx, &devenv.Options{StartServers: true})
	if errors.Is(err, devenv.ErrUnavailable) && !devenv.InCI() {
		t.Skipf("no PostgreSQL binaries: %v", err)
	}
	require.NoError(t, err)
	require.Equal(t, devenv.SourceStarted, s.Source)
	require.NotEqual(t, devenv.DefaultPostgresURL, s.URL)

	conn, err := pgx.Connect(ctx, s.URL)
	require.NoError(t, err)
	var one int
	require.NoError(t, conn.QueryRow(ctx, "SELECT $1::int", 1).Scan(&one))
	require.Equal(t, 1, one)
	require.NoError(t, conn.Close(ctx))

	require.NoError(t, s.Close(ctx))
	_, err = pgx.Connect(ctx, s.URL)
	require.Error(t, err, "the private cluster is stopped on Close")
}
