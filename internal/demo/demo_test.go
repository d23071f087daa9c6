package demo_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/demo"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/loadgen"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// counter is a minimal reference system: POST /hit increments a Redis
// counter; its scenario drives hits over HTTP and checks the count.
type counter struct {
	name    string
	env     *demo.Env
	breakIt bool // report a wrong invariant on purpose
	closed  bool
}

func (c *counter) Info() demo.Info {
	return demo.Info{Name: c.name, Title: "Counter", Description: "counts hits", DefaultRate: 50}
}

func (c *counter) Setup(ctx context.Context, env *demo.Env) error {
	c.env = env
	if _, err := env.PG.Exec(ctx, "CREATE TABLE IF NOT EXISTS hits (n int)"); err != nil {
		return err
	}
	_, err := env.Mongo.Collection("log").InsertOne(ctx, bson.D{{Key: "setup", Value: true}})
	return err
}

func (c *counter) key() string { return c.env.RedisPrefix + "hits" }

func (c *counter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hit", func(w http.ResponseWriter, r *http.Request) {
		if err := c.env.Redis.Do(r.Context(), c.env.Redis.B().Incr().Key(c.key()).Build()).Error(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func (c *counter) Run(ctx context.Context, opts demo.RunOptions, progress func(demo.Progress)) (*demo.Summary, error) {
	rep, err := loadgen.Run(ctx, loadgen.Config{Rate: opts.Rate, Duration: opts.Duration, Interval: 100 * time.Millisecond,
		Targeter: loadgen.Static(http.MethodPost, opts.BaseURL+"/hit", nil, nil),
		OnSnapshot: func(s loadgen.Snapshot) {
			progress(demo.Progress{Elapsed: s.Elapsed, Metrics: []demo.Metric{{Key: "rps", Label: "req/s", Value: s.Rate, Unit: "/s"}}})
		}})
	if err != nil {
		return nil, err
	}
	// The load stops when ctx is cancelled; the checks still run.
	ctx = context.WithoutCancel(ctx)
	n, err := c.env.Redis.Do(ctx, c.env.Redis.B().Get().Key(c.key()).Build()).AsInt64()
	if err != nil {
		return nil, err
	}
	ok := uint64(n) == rep.Codes[http.StatusNoContent] && !c.breakIt
	return &demo.Summary{
		Metrics: []demo.Metric{{Key: "hits", Label: "hits", Value: float64(n)}},
		Checks:  []demo.Check{{Name: "every hit counted", OK: ok, Detail: fmt.Sprintf("%d counted, %d answered", n, rep.Codes[http.StatusNoContent])}},
	}, nil
}

func (c *counter) Close(context.Context) error { c.closed = true; return nil }

func uniqueName(t *testing.T) string {
	// Letters only: names become URL prefixes and database names.
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return 'a' + (r - '0')
		}
		return r
	}, devenv.UniqueName("t"))
}

func stores(t *testing.T) *devenv.Env {
	return &devenv.Env{Postgres: devenv.PostgresServer(t), Redis: devenv.RedisServer(t), Mongo: devenv.MongoServer(t)}
}

func TestRegistry(t *testing.T) {
	reg := demo.NewRegistry(func() demo.System { return &counter{name: "alpha"} }, func() demo.System { return &counter{name: "beta"} })
	require.Equal(t, []string{"alpha", "beta"}, reg.Names())
	s, err := reg.Select(nil)
	require.NoError(t, err)
	require.Len(t, s, 1)
	require.Equal(t, "alpha", s[0].Info().Name, "no argument runs the first system")
	s, err = reg.Select([]string{"all"})
	require.NoError(t, err)
	require.Len(t, s, 2)
	s, err = reg.Select([]string{"beta", "beta"})
	require.NoError(t, err)
	require.Len(t, s, 1)
	_, err = reg.Select([]string{"gamma"})
	var unknown *demo.UnknownSystemError
	require.ErrorAs(t, err, &unknown)
	require.Contains(t, err.Error(), "alpha")
	require.Panics(t, func() { demo.NewRegistry(func() demo.System { return &counter{name: "Bad-Name"} }) })
	require.Panics(t, func() {
		demo.NewRegistry(func() demo.System { return &counter{name: "a"} }, func() demo.System { return &counter{name: "a"} })
	})
}

func exists(t *testing.T, adminURL, db string) bool {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, adminURL)
	require.NoError(t, err)
	defer c.Close(ctx)
	var ok bool
	require.NoError(t, c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", db).Scan(&ok))
	return ok
}

func TestRunServesDashboardAndRemovesData(t *testing.T) {
	st := stores(t)
	name := uniqueName(t)
	sys := &counter{name: name}
	var out bytes.Buffer
	var page, api, index, events int
	err := demo.Run(context.Background(), demo.RunConfig{
		Systems: []demo.System{sys}, Infos: []demo.Info{sys.Info()}, Stores: st,
		Addr: "127.0.0.1:0", Duration: 500 * time.Millisecond, Rate: 100, Out: &out,
		Ready: func(base string) {
			get := func(path string) int {
				req, _ := http.NewRequest(http.MethodGet, base+path, nil)
				timeout := 10 * time.Second
				if strings.HasPrefix(path, "/events/") {
					timeout = 300 * time.Millisecond // a stream: read the headers, then give up
				}
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				defer cancel()
				resp, err := http.DefaultClient.Do(req.WithContext(ctx))
				if err != nil {
					return 0
				}
				defer resp.Body.Close()
				_, _ = io.Copy(io.Discard, resp.Body)
				return resp.StatusCode
			}
			index, page, api = get("/"), get("/"+name+"/"), get("/api/systems")
			events = get("/events/" + name)
		},
	})
	require.NoError(t, err, out.String())
	require.Equal(t, http.StatusOK, index)
	require.Equal(t, http.StatusNotFound, page, "the test system has no page under web/")
	require.Equal(t, http.StatusOK, api)
	require.Contains(t, []int{0, http.StatusOK}, events, "the event stream stays open until the client gives up")
	require.True(t, sys.closed)
	text := out.String()
	require.Contains(t, text, "req/s")
	require.Contains(t, text, "ok     every hit counted")
	require.Contains(t, text, "all invariants hold")
	require.Contains(t, text, "removed the demo's databases and keys")

	pgDB, _, prefix := demo.Names(name, demo.ModeDemo)
	require.False(t, exists(t, st.Postgres.URL, pgDB), "the demo database is dropped")
	ns := devenv.Redis(t)
	n, err := devenv.DeleteRedisPrefix(context.Background(), ns.Client, prefix)
	require.NoError(t, err)
	require.Zero(t, n, "no key left under %s", prefix)
}

func TestRunKeepAndFailedInvariant(t *testing.T) {
	st := stores(t)
	name := uniqueName(t)
	sys := &counter{name: name, breakIt: true}
	var out bytes.Buffer
	err := demo.Run(context.Background(), demo.RunConfig{
		Systems: []demo.System{sys}, Stores: st, Addr: "127.0.0.1:0",
		Duration: 200 * time.Millisecond, Rate: 50, Keep: true, Out: &out,
	})
	require.ErrorIs(t, err, demo.ErrInvariant)
	require.Contains(t, out.String(), "FAILED every hit counted")
	pgDB, mongoDB, prefix := demo.Names(name, demo.ModeDemo)
	require.Contains(t, out.String(), "kept "+name)
	require.True(t, exists(t, st.Postgres.URL, pgDB), "--keep leaves the database")

	// A new demo run starts from scratch and, without Keep, removes it all.
	p, err := demo.Provision(context.Background(), st, name, demo.ModeDemo, nil)
	require.NoError(t, err)
	var tables int
	require.NoError(t, p.Env.PG.QueryRow(context.Background(), "SELECT count(*) FROM pg_tables WHERE tablename = 'hits'").Scan(&tables))
	require.Zero(t, tables, "leftovers of a kept run are removed first")
	require.Equal(t, mongoDB, p.Env.Mongo.Name())
	require.Equal(t, prefix, p.Env.RedisPrefix)
	require.NoError(t, p.Close(context.Background(), true))
	require.False(t, exists(t, st.Postgres.URL, pgDB))
}

func TestRunStopsOnCancel(t *testing.T) {
	st := stores(t)
	sys := &counter{name: uniqueName(t)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	var out bytes.Buffer
	err := demo.Run(ctx, demo.RunConfig{Systems: []demo.System{sys}, Stores: st, Addr: "127.0.0.1:0",
		Duration: time.Minute, Rate: 20, Out: &out,
		Ready: func(string) { time.AfterFunc(500*time.Millisecond, cancel) }})
	require.NoError(t, err, "a cancelled run still checks its invariants: %s", out.String())
	require.Less(t, time.Since(start), 30*time.Second)
	require.Contains(t, out.String(), "all invariants hold")
	require.Contains(t, out.String(), "removed")
}

func TestRunBadConfig(t *testing.T) {
	require.Error(t, demo.Run(context.Background(), demo.RunConfig{}))
	sys := &counter{name: "x"}
	require.Error(t, demo.Run(context.Background(), demo.RunConfig{Systems: []demo.System{sys}}))
	require.Error(t, demo.Run(context.Background(), demo.RunConfig{Systems: []demo.System{sys}, Duration: time.Second, Rate: -1}))
	_, err := demo.Provision(context.Background(), nil, "x", demo.ModeDemo, nil)
	require.Error(t, err)
	_, err = demo.Provision(context.Background(), stores(t), "Bad Name", demo.ModeDemo, nil)
	require.Error(t, err)
}

func TestTestEnv(t *testing.T) {
	env := demo.TestEnv(t, "x")
	require.NotNil(t, env.PG)
	require.NoError(t, env.PG.Ping(context.Background()))
	require.NoError(t, env.Redis.Do(context.Background(), env.Redis.B().Set().Key(env.RedisPrefix+"k").Value("v").Build()).Error())
	require.NotEmpty(t, env.Mongo.Name())
	env.Emit("ignored", 1) // nil Publish discards
}
