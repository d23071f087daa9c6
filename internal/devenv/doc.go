// Package devenv finds, or starts, the real servers that polystore's tests,
// `polystore serve` and `polystore demo` talk to.
//
// Resolution, per store:
//
//   - PostgreSQL: POLYSTORE_PG_URL, else postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
//     (no TLS on loopback);
//     if nothing answers and Debian's PostgreSQL binaries are installed (and
//     starting is allowed), a private cluster in a temporary directory on a
//     free port, stopped on Close.
//   - Redis: POLYSTORE_REDIS_URL, else 127.0.0.1:6379; else redis-server from
//     PATH on a free port; else (serve/demo only) an in-process miniredis.
//   - MongoDB: POLYSTORE_MONGO_URL (a real MongoDB), else an in-process
//     FerretDB from package mongo/embedded.
//
// The test helpers Postgres, Redis and Mongo give each test an isolated
// database, key prefix or Mongo database and remove it at cleanup, so test
// packages run in parallel without touching each other's data. Packages that
// use them call Main from TestMain so that servers started for the package are
// stopped when it ends. With CI=true a missing server fails the test; locally
// the test is skipped with a message that says how to start the server.
package devenv
