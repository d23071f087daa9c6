package demo

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/internal/devenv"
)

// TestEnv returns an Env for a system's tests: a fresh PostgreSQL database,
// a unique Redis key prefix and a fresh MongoDB database on the test
// servers (internal/devenv), all removed at cleanup. Publish discards.
func TestEnv(t testing.TB, name string) *Env {
	t.Helper()
	u := devenv.PostgresURL(t)
	pool, err := pgxpool.New(t.Context(), u)
	if err != nil {
		t.Fatalf("demo: pool: %v", err)
	}
	t.Cleanup(pool.Close)
	ns := devenv.Redis(t)
	mongoSrv := devenv.MongoServer(t)
	return &Env{
		Name: name, Logger: testLogger(t),
		PG: pool, PGURL: u,
		Redis: ns.Client, RedisURL: ns.URL, RedisPrefix: ns.Prefix,
		Mongo: devenv.Mongo(t), MongoURL: mongoSrv.URL, MongoEmbedded: !mongoSrv.Source.Real(),
	}
}
