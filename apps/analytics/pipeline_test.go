package analytics_test

import (
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/internal/devenv"
)

// sender posts batches of generated events and tallies what was accepted.
type sender struct {
	mu        sync.Mutex
	accepted  map[string]int64
	purchases int64
	ambiguous int64              // events of batches whose outcome is unknown (store down)
	buyers    map[string]float64 // user -> lifetime value
	batches   int
}

func (s *sender) send(ctx context.Context, t *testing.T, url string, g *traffic, n int) {
	events := make([]analytics.Event, n)
	for i := range events {
		events[i] = g.event()
	}
	// Two bad events ride along; they must be rejected by index.
	status, res, err := post(ctx, url, events, `{"eventType":"BAD","userId":"x"}`, `{"eventType":"click"}`)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches++
	if err != nil || status >= 500 {
		s.ambiguous += int64(n)
		return
	}
	require.Equal(t, 200, status)
	require.Equal(t, n, res.Accepted)
	require.Len(t, res.Rejected, 2)
	require.Equal(t, []int{n, n + 1}, []int{res.Rejected[0].Index, res.Rejected[1].Index})
	for _, e := range events {
		s.accepted[e.Type]++
		if e.Type == "purchase" {
			s.purchases++
			if s.buyers == nil {
				s.buyers = map[string]float64{}
			}
			s.buyers[e.User] += *e.Value
		}
	}
}

func runRollups(t *testing.T, app *analytics.App, name string, o *analytics.RollupOpts) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.RunRollups(ctx, name, o) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Error("rollups did not stop within 30s")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestCountConservation: accepted events = Redis counts = MongoDB minute
// and hour documents = PostgreSQL orders after the pipeline drains, with
// two rollup consumers sharing the work.
func TestCountConservation(t *testing.T) {
	e := newEnv(t, "")
	srv := httptest.NewServer(e.app.Handler())
	defer srv.Close()
	stop1 := runRollups(t, e.app, "c1", &analytics.RollupOpts{FlushEvery: 100 * time.Millisecond})
	stop2 := runRollups(t, e.app, "c2", &analytics.RollupOpts{FlushEvery: 150 * time.Millisecond})

	s := &sender{accepted: map[string]int64{}}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &traffic{r: rand.New(rand.NewPCG(uint64(w), 7)), users: 500, now: time.Now}
			for range 15 {
				s.send(context.Background(), t, srv.URL, g, 150)
			}
		}()
	}
	wg.Wait()
	require.Zero(t, s.ambiguous)
	waitDrained(t, e.redis, e.app.StreamKey(), 60*time.Second)
	stop1()
	stop2()
	checkConservation(t, e, s.accepted, s.purchases)

	// Segments: refreshed concurrently, queried with bound parameters.
	ctx := context.Background()
	require.NoError(t, e.app.RefreshSegments(ctx))
	seg, err := e.app.QuerySegment(ctx, analytics.SegmentRules{MinOrders: 1, RecencyDays: 1, Limit: 5})
	require.NoError(t, err)
	require.Equal(t, int64(len(s.buyers)), seg.Count, "every buyer is in the 1-order segment")
	require.Len(t, seg.Users, 5)
	require.InDelta(t, s.buyers[seg.Users[0].ID], seg.Users[0].LifetimeValue, 0.01, "highest lifetime value first")
	for _, ltv := range s.buyers {
		require.LessOrEqual(t, ltv, seg.Users[0].LifetimeValue+0.01)
	}

	// The stream is trimmed to nothing once everything is acknowledged.
	n, err := e.app.Counters().Backlog(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

const childEnv = "ANALYTICS_ROLLUP_CHILD"

// runChildConsumer is the body of the subprocess consumer that
// TestConsumerKilledMidBatch SIGKILLs.
func runChildConsumer() int {
	ctx := context.Background()
	opt, err := devenv.RedisOption(os.Getenv("CHILD_REDIS"))
	if err != nil {
		return 2
	}
	rc, err := rueidis.NewClient(opt)
	if err != nil {
		return 2
	}
	mc, err := devenv.ConnectMongo(os.Getenv("CHILD_MONGO"))
	if err != nil {
		return 2
	}
	pool, err := pgxpool.New(ctx, os.Getenv("CHILD_PG"))
	if err != nil {
		return 2
	}
	app, err := analytics.New(analytics.Config{Redis: rc, Mongo: mc.Database(os.Getenv("CHILD_MONGO_DB")),
		Postgres: pool, Prefix: os.Getenv("CHILD_PREFIX"), Logger: quietLogger()})
	if err != nil {
		return 2
	}
	// A slow flush keeps entries pending for a while: the parent kills
	// this process while it holds some.
	if err := app.RunRollups(ctx, "child", &analytics.RollupOpts{FlushEvery: 2 * time.Second}); err != nil {
		return 1
	}
	return 0
}

func pendingOf(t *testing.T, c rueidis.Client, key, consumer string) int64 {
	t.Helper()
	xs, err := c.Do(context.Background(), c.B().Xpending().Key(key).Group("rollup").Start("-").End("+").Count(100000).Consumer(consumer).Build()).ToArray()
	if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
		return 0 // the consumer has not created the group yet
	}
	require.NoError(t, err)
	return int64(len(xs))
}

// TestConsumerKilledMidBatch SIGKILLs a consumer process while it holds
// unacknowledged entries; a survivor reclaims them, and every count still
// matches: nothing lost, nothing applied twice.
func TestConsumerKilledMidBatch(t *testing.T) {
	e := newEnv(t, "")
	srv := httptest.NewServer(e.app.Handler())
	defer srv.Close()

	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1",
		"CHILD_REDIS="+devenv.RedisServer(t).URL, "CHILD_PREFIX="+e.prefix,
		"CHILD_MONGO="+devenv.MongoServer(t).URL, "CHILD_MONGO_DB="+e.mongo.Name(), "CHILD_PG="+e.pgURL)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()

	s := &sender{accepted: map[string]int64{}}
	g := &traffic{r: rand.New(rand.NewPCG(3, 3)), users: 300, now: time.Now}
	deadline := time.Now().Add(60 * time.Second)
	for pendingOf(t, e.redis, e.app.StreamKey(), "child") == 0 {
		require.True(t, time.Now().Before(deadline), "the child consumer never took an entry")
		s.send(context.Background(), t, srv.URL, g, 100)
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the child did not die")
	}
	held := pendingOf(t, e.redis, e.app.StreamKey(), "child")
	require.Positive(t, held, "the killed consumer held unacknowledged entries")
	t.Logf("killed the consumer holding %d entries", held)

	for range 10 {
		s.send(context.Background(), t, srv.URL, g, 100)
	}
	runRollups(t, e.app, "survivor", &analytics.RollupOpts{FlushEvery: 100 * time.Millisecond, ClaimIdle: time.Second})
	waitDrained(t, e.redis, e.app.StreamKey(), 60*time.Second)
	require.Zero(t, pendingOf(t, e.redis, e.app.StreamKey(), "child"))
	checkConservation(t, e, s.accepted, s.purchases)
}

// TestRedisRestart kills a private, persistent (AOF, fsync always)
// redis-server in the middle of the traffic and starts it again: batches
// acknowledged before the crash are all there; those whose reply was lost
// are all-or-nothing; MongoDB and PostgreSQL match Redis exactly.
func TestRedisRestart(t *testing.T) {
	p := devenv.StartRedis(t, "--appendonly", "yes", "--appendfsync", "always")
	e := newEnv(t, p.URL())
	srv := httptest.NewServer(e.app.Handler())
	defer srv.Close()
	runRollups(t, e.app, "c1", &analytics.RollupOpts{FlushEvery: 100 * time.Millisecond, ClaimIdle: 2 * time.Second})

	s := &sender{accepted: map[string]int64{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &traffic{r: rand.New(rand.NewPCG(uint64(w), 11)), users: 300, now: time.Now}
			for ctx.Err() == nil {
				rctx, rcancel := context.WithTimeout(ctx, 3*time.Second)
				s.send(rctx, t, srv.URL, g, 50)
				rcancel()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	time.Sleep(time.Second)
	require.NoError(t, p.Kill())
	time.Sleep(500 * time.Millisecond)
	rctx, rcancel := context.WithTimeout(context.Background(), 30*time.Second)
	require.NoError(t, p.Restart(rctx))
	rcancel()
	time.Sleep(1500 * time.Millisecond)
	cancel()
	wg.Wait()
	t.Logf("%d batches, %d events accepted, %d in batches with a lost reply", s.batches, sum(s.accepted), s.ambiguous)
	require.Positive(t, s.ambiguous, "some batches hit the stopped server")

	waitDrained(t, e.redis, e.app.StreamKey(), 60*time.Second)
	totals, err := e.app.Reader().Totals(context.Background())
	require.NoError(t, err)
	for tp, n := range s.accepted {
		require.GreaterOrEqual(t, totals[tp], n, "no acknowledged %s event was lost", tp)
	}
	require.LessOrEqual(t, sum(totals), sum(s.accepted)+s.ambiguous)
	// Redis is the reference now: the rollups and orders match it exactly.
	var purchases int64 = totals["purchase"]
	checkConservation(t, e, totals, purchases)
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
