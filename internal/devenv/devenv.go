package devenv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Environment variables that point polystore at servers of your own.
const (
	EnvPostgresURL = "POLYSTORE_PG_URL"
	EnvRedisURL    = "POLYSTORE_REDIS_URL"
	EnvMongoURL    = "POLYSTORE_MONGO_URL"
)

// Defaults used when the environment variables are unset.
const (
	// DefaultPostgresURL turns TLS off: on loopback it only costs (a
	// handshake per new connection, encryption of every message).
	DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	DefaultRedisAddr   = "127.0.0.1:6379"
)

// Store names a kind of server.
type Store string

// The three stores polystore talks to.
const (
	StorePostgres Store = "postgres"
	StoreRedis    Store = "redis"
	StoreMongo    Store = "mongodb"
)

// Source says where a resolved server came from.
type Source string

const (
	// SourceEnv is a server named by a POLYSTORE_*_URL variable.
	SourceEnv Source = "env"
	// SourceLocal is a server found at the default local address.
	SourceLocal Source = "local"
	// SourceStarted is a private server process that devenv started.
	SourceStarted Source = "started"
	// SourceEmbedded is an in-process stand-in (FerretDB, miniredis), not a real server.
	SourceEmbedded Source = "embedded"
)

// Real reports whether the server is a real server of its kind rather than
// an in-process stand-in.
func (s Source) Real() bool { return s != SourceEmbedded }

// Server is a resolved server: where it is and where it came from.
type Server struct {
	Store  Store
	URL    string // connection string: postgres://, redis://, mongodb://
	Source Source
	// Detail says more about an embedded or started server (e.g. "FerretDB sqlite").
	Detail string

	stop func(context.Context) error
	// pid is the process devenv started for the server (0 otherwise).
	pid int
}

// Close stops the server if devenv started it; otherwise it does nothing.
func (s *Server) Close(ctx context.Context) error {
	if s == nil || s.stop == nil {
		return nil
	}
	stop := s.stop
	s.stop = nil
	return stop(ctx)
}

// UnavailableError says that no server of a store could be found or
// started, and how to get one.
type UnavailableError struct {
	Store Store
	// Tried lists what was tried, in order.
	Tried []string
	// Hint says how to start or point at a server.
	Hint string
	Err  error
}

func (e *UnavailableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s unavailable", e.Store)
	if len(e.Tried) > 0 {
		fmt.Fprintf(&b, " (tried %s)", strings.Join(e.Tried, "; "))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, "; %s", e.Hint)
	}
	return b.String()
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// ErrUnavailable is matched by every *UnavailableError with errors.Is.
var ErrUnavailable = errors.New("server unavailable")

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Hints printed when a store is missing.
const (
	startPostgres = "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` " +
		"(install with `apt-get install postgresql`)"
	startRedis = "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no` " +
		"(install with `apt-get install redis-server`)"
	hintPostgres = "start it with " + startPostgres + " or set " + EnvPostgresURL
	hintRedis    = "start it with " + startRedis + " or set " + EnvRedisURL
	hintMongo    = "check " + EnvMongoURL + ", or unset it to use the embedded FerretDB"
)

// badURLError marks a URL that could not be parsed, so the hint speaks of
// the variable's value rather than of starting a server.
type badURLError struct{ err error }

func (e *badURLError) Error() string { return e.err.Error() }
func (e *badURLError) Unwrap() error { return e.err }

// envURLHint says what to do when the server named by an environment
// variable could not be used: fix a URL that does not parse, fix the
// credentials or database a server that answered refused, or start the
// server where nothing answered.
func envURLHint(env, raw string, err error) string {
	var bad *badURLError
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &bad):
		if env == EnvRedisURL {
			return env + " is not a Redis address: write it as host:port or redis://[user:password@]host:port[/db]"
		}
		return env + " is not a PostgreSQL URL: write it as postgres://user[:password]@host:port/database"
	case errors.As(err, &pgErr):
		return "the server named by " + env + " answered but refused the connection: fix the user, password or database in " + env
	}
	def, start := DefaultRedisAddr, startRedis
	if env == EnvPostgresURL {
		def, start = "127.0.0.1:5432", startPostgres
	}
	return "nothing usable answered at " + hostOf(raw) + ": start the server there (a local one with " + start +
		"), or unset " + env + " to use " + def
}

// hostOf returns the host:port of a URL or address, or the redacted value
// when it has none.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	if !strings.Contains(raw, "://") && strings.Contains(raw, ":") {
		return raw
	}
	return redactURL(raw)
}

// Options says how far resolution may go when the default server is missing.
type Options struct {
	// StartServers allows starting a private PostgreSQL cluster or
	// redis-server process when none answers.
	StartServers bool
	// EmbeddedRedis allows an in-process miniredis as the last resort
	// (serve and demo only; tests always use a real redis-server).
	EmbeddedRedis bool
	// MongoDir is the data directory of the embedded FerretDB. Empty means a
	// temporary directory removed on Close.
	MongoDir string
	// DialTimeout bounds each reachability probe. Zero means 2 seconds.
	DialTimeout time.Duration
	// Logger receives progress messages. Nil discards them.
	Logger *slog.Logger
}

func (o *Options) dialTimeout() time.Duration {
	if o == nil || o.DialTimeout <= 0 {
		return 2 * time.Second
	}
	return o.DialTimeout
}

func (o *Options) logger() *slog.Logger {
	if o == nil || o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// reachable reports whether a TCP connection to addr succeeds within d.
func reachable(ctx context.Context, addr string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var dialer net.Dialer
	c, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

// redactURL hides a password in a URL for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitFor polls check until it succeeds or the timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	var err error
	for {
		if err = check(); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Env is a set of resolved servers.
type Env struct {
	Postgres *Server
	Redis    *Server
	Mongo    *Server
}

// Servers returns the resolved servers in a fixed order, skipping nil ones.
func (e *Env) Servers() []*Server {
	var out []*Server
	for _, s := range []*Server{e.Postgres, e.Redis, e.Mongo} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Close stops every server that devenv started.
func (e *Env) Close(ctx context.Context) error {
	var errs []error
	for _, s := range e.Servers() {
		errs = append(errs, s.Close(ctx))
	}
	return errors.Join(errs...)
}

// Resolve resolves all three stores. It returns every server it could
// resolve together with an error joining one *UnavailableError per missing
// store, so callers can report each store separately.
func Resolve(ctx context.Context, opts *Options) (*Env, error) {
	env := &Env{}
	var errs []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	run := func(dst **Server, f func(context.Context, *Options) (*Server, error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := f(ctx, opts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			*dst = s
		}()
	}
	run(&env.Postgres, ResolvePostgres)
	run(&env.Redis, ResolveRedis)
	run(&env.Mongo, ResolveMongo)
	wg.Wait()
	return env, errors.Join(errs...)
}
