package devenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/rediskey"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// InCI reports whether CI=true, where a missing server fails tests instead
// of skipping them.
func InCI() bool { return os.Getenv("CI") == "true" }

// shared holds the servers resolved once per test process.
type shared struct {
	once   sync.Once
	server *Server
	err    error
}

var (
	sharedPG, sharedRedis, sharedMongo shared
	mongoClientOnce                    sync.Once
	mongoClient                        *mongo.Client
	mongoClientErr                     error
)

var testOptions = &Options{StartServers: true}

func (s *shared) get(f func(context.Context, *Options) (*Server, error)) (*Server, error) {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		s.server, s.err = f(ctx, testOptions)
	})
	return s.server, s.err
}

// Main runs the tests of a package and then stops every server devenv
// started for them. Call it from TestMain:
//
//	func TestMain(m *testing.M) { devenv.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	Shutdown()
	os.Exit(code)
}

// Shutdown disconnects shared clients and stops servers started for tests.
func Shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if mongoClient != nil {
		_ = mongoClient.Disconnect(ctx)
	}
	for _, s := range []*shared{&sharedPG, &sharedRedis, &sharedMongo} {
		if s.server != nil {
			_ = s.server.Close(ctx)
		}
	}
}

// missing skips the test, or fails it in CI, because a server is missing.
func missing(t testing.TB, err error) {
	t.Helper()
	if InCI() {
		t.Fatalf("devenv: %v (CI=true: a missing server is a failure)", err)
	}
	t.Skipf("devenv: %v", err)
}

// UniqueName returns a short random name with the given prefix, safe as a
// database name, key prefix or identifier: prefix + 12 hex digits.
func UniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// PostgresServer returns the PostgreSQL server for this test process.
func PostgresServer(t testing.TB) *Server {
	t.Helper()
	s, err := sharedPG.get(ResolvePostgres)
	if err != nil {
		missing(t, err)
	}
	return s
}

// PostgresURL creates a fresh, empty database for the test, drops it at
// cleanup, and returns its URL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	s := PostgresServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, drop, err := ScratchDatabase(ctx, s.URL, UniqueName("polystore_test_"))
	if err != nil {
		t.Fatalf("devenv: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Errorf("devenv: %v", err)
		}
	})
	return u
}

// ScratchDatabase creates the database name on the server of adminURL and
// returns its URL and a function that drops it (for examples and programs;
// tests use PostgresURL).
func ScratchDatabase(ctx context.Context, adminURL, name string) (string, func() error, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("%s must be a URL: %w", EnvPostgresURL, err)
	}
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("connect to %s: %w", redactURL(adminURL), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u.Path = "/" + name
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	return u.String(), drop, nil
}

// Postgres returns a pool on a fresh database that is dropped at cleanup.
func Postgres(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := PostgresURL(t)
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatalf("devenv: pool for %s: %v", redactURL(u), err)
	}
	// Registered after the drop, so it runs before it (cleanups run LIFO).
	t.Cleanup(pool.Close)
	return pool
}

// RedisServer returns the Redis server for this test process.
func RedisServer(t testing.TB) *Server {
	t.Helper()
	resolve := ResolveRedis
	if ClusterRequested() {
		resolve = startClusterServer
	}
	s, err := sharedRedis.get(resolve)
	if err != nil {
		missing(t, err)
	}
	return s
}

// RedisNS is a test's slice of a shared Redis: a client and a unique key
// prefix. Everything under Prefix is deleted at cleanup.
type RedisNS struct {
	Client rueidis.Client
	// Prefix starts every key the test may use, e.g. "pstest:1a2b3c4d5e6f:".
	Prefix string
	// URL is the server's redis:// URL, for extra clients.
	URL string
	t   testing.TB
}

// Key returns Prefix + the parts joined with ":".
func (r *RedisNS) Key(parts ...string) string { return r.Prefix + strings.Join(parts, ":") }

// NewClient opens another client to the same server, closed at cleanup,
// for tests that need several clients (several "processes").
func (r *RedisNS) NewClient(opt *rueidis.ClientOption) rueidis.Client {
	r.t.Helper()
	return newRedisClient(r.t, r.URL, opt)
}

func newRedisClient(t testing.TB, u string, base *rueidis.ClientOption) rueidis.Client {
	t.Helper()
	opt, err := RedisOption(u)
	if err != nil {
		t.Fatalf("devenv: %v", err)
	}
	if base != nil {
		addr, sel := opt.InitAddress, opt.SelectDB
		opt = *base
		opt.InitAddress, opt.SelectDB = addr, sel
	}
	c, err := rueidis.NewClient(opt)
	if err != nil {
		t.Fatalf("devenv: redis client for %s: %v", redactURL(u), err)
	}
	t.Cleanup(c.Close)
	return c
}

// Redis returns a client with a unique key prefix; the keys under the
// prefix are removed at cleanup.
func Redis(t testing.TB) *RedisNS {
	t.Helper()
	s := RedisServer(t)
	ns := &RedisNS{Prefix: UniqueName("pstest:") + ":", URL: s.URL, t: t}
	ns.Client = newRedisClient(t, s.URL, nil)
	// Registered after the client's Close, so it runs first.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := DeleteRedisPrefix(ctx, ns.Client, ns.Prefix); err != nil {
			t.Errorf("devenv: remove keys %s*: %v", ns.Prefix, err)
		}
	})
	return ns
}

// DeleteRedisPrefix removes every key that starts with prefix, by SCAN on
// every node (one on a single server, each one on a cluster) and UNLINK
// (never KEYS). It returns the number of keys removed.
func DeleteRedisPrefix(ctx context.Context, c rueidis.Client, prefix string) (int64, error) {
	if prefix == "" {
		return 0, errors.New("devenv: refusing to delete an empty prefix (every key)")
	}
	var n int64
	err := rediskey.Scan(ctx, c, rediskey.EscapeGlob(prefix)+"*", 1000, func(keys []string) error {
		m, err := rediskey.Unlink(ctx, c, keys)
		n += m
		return err
	})
	return n, err
}

// StartRedis starts a private redis-server for the test (for fault tests
// that stop and restart it), stopped at cleanup. It skips, or fails in CI,
// when redis-server is not installed. Extra arguments go to redis-server
// (see StartRedisProcess).
func StartRedis(t testing.TB, extra ...string) *RedisProcess {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := StartRedisProcess(ctx, 0, extra...)
	if err != nil {
		missing(t, &UnavailableError{Store: StoreRedis, Tried: []string{"redis-server from PATH"}, Hint: hintRedis, Err: err})
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// MongoServer returns the MongoDB server for this test process: a real one
// under POLYSTORE_MONGO_URL, else the embedded FerretDB.
func MongoServer(t testing.TB) *Server {
	t.Helper()
	s, err := sharedMongo.get(ResolveMongo)
	if err != nil {
		missing(t, err)
	}
	return s
}

// MongoClient returns the process-wide client of MongoServer.
func MongoClient(t testing.TB) *mongo.Client {
	t.Helper()
	s := MongoServer(t)
	mongoClientOnce.Do(func() { mongoClient, mongoClientErr = ConnectMongo(s.URL) })
	if mongoClientErr != nil {
		t.Fatalf("devenv: connect to %s: %v", redactURL(s.URL), mongoClientErr)
	}
	return mongoClient
}

// Mongo returns a fresh database, dropped at cleanup.
func Mongo(t testing.TB) *mongo.Database {
	t.Helper()
	db := MongoClient(t).Database(UniqueName("pstest_"))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Errorf("devenv: drop mongo database %s: %v", db.Name(), err)
		}
	})
	return db
}

// RealMongo reports whether POLYSTORE_MONGO_URL names a real MongoDB.
func RealMongo() bool { return os.Getenv(EnvMongoURL) != "" }

// RequireRealMongo skips the test unless POLYSTORE_MONGO_URL names a real
// MongoDB; the reason names the FerretDB gap. This is a documented skip, not
// a missing server, so it skips in CI too.
func RequireRealMongo(t testing.TB, feature string) {
	t.Helper()
	if !RealMongo() {
		t.Skipf("needs a real MongoDB (%s is missing from the embedded FerretDB); set %s", feature, EnvMongoURL)
	}
}

// RedisOutages runs f once per kind of outage ("paused": SIGSTOP, the
// server keeps its connections but answers nothing, like a hang or a
// partition; "stopped": connections refused) on a private redis-server and
// a client with rueidis defaults. f sets up its state, then calls fail to
// cause the outage.
func RedisOutages(t *testing.T, f func(t *testing.T, c rueidis.Client, fail func())) {
	for _, how := range []string{"paused", "stopped"} {
		t.Run(how, func(t *testing.T) {
			srv := StartRedis(t)
			c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}})
			if err != nil {
				t.Fatalf("devenv: redis client: %v", err)
			}
			t.Cleanup(c.Close)
			f(t, c, func() {
				t.Helper()
				var err error
				if how == "paused" {
					err = srv.Pause()
					t.Cleanup(func() { _ = srv.Resume() })
				} else {
					err = srv.Stop()
				}
				if err != nil {
					t.Fatalf("devenv: %s redis-server: %v", how, err)
				}
			})
		})
	}
}

// ExampleRedis connects to the Redis the tests use (resolving it as they
// do) for Example functions, which have no testing.T. It returns a client,
// a unique key prefix, and done, which removes the prefix's keys and
// closes the client. It panics when no Redis can be found.
func ExampleRedis(ctx context.Context) (rueidis.Client, string, func()) {
	srv, err := ResolveRedis(ctx, nil)
	if err != nil {
		panic(err)
	}
	opt, err := RedisOption(srv.URL)
	if err != nil {
		panic(err)
	}
	client, err := rueidis.NewClient(opt)
	if err != nil {
		panic(err)
	}
	prefix := UniqueName("example:") + ":"
	return client, prefix, func() {
		_, _ = DeleteRedisPrefix(ctx, client, prefix)
		client.Close()
	}
}
