package devenv

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
)

// PersistentRedisArgs make a private redis-server write every command to
// its append-only file before replying, so a restart after Stop or Kill
// reloads everything a client saw acknowledged.
var PersistentRedisArgs = []string{"--appendonly", "yes", "--appendfsync", "always"}

// RedisFault is one way a Redis server goes away under a running client.
type RedisFault struct {
	// Name is "stopped" (SIGTERM: connections closed, then refused),
	// "killed" (SIGKILL, as a crash) or "paused" (SIGSTOP: connections
	// stay open and nothing answers, as a hang or a partition).
	Name string
	srv  *RedisProcess
}

// Fail causes the fault.
func (f *RedisFault) Fail(t testing.TB) {
	t.Helper()
	var err error
	switch f.Name {
	case "paused":
		err = f.srv.Pause()
	case "killed":
		err = f.srv.Kill()
	default:
		err = f.srv.Stop()
	}
	if err != nil {
		t.Fatalf("devenv: %s redis-server: %v", f.Name, err)
	}
}

// Recover resumes a paused server or restarts a stopped or killed one
// (reloading its append-only file) and returns once it answers.
func (f *RedisFault) Recover(t testing.TB) {
	t.Helper()
	var err error
	if f.Name == "paused" {
		err = f.srv.Resume()
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = f.srv.Restart(ctx)
	}
	if err != nil {
		t.Fatalf("devenv: recover %s redis-server: %v", f.Name, err)
	}
}

// RedisFaults runs f once per fault ("stopped", "killed", "paused") on a
// private redis-server started with PersistentRedisArgs and a client with
// rueidis defaults (no fail-fast options: the package under test must
// bound its own calls). f sets up its state, calls fault.Fail mid-use,
// checks the failures and calls fault.Recover to check what survived.
func RedisFaults(t *testing.T, f func(t *testing.T, c rueidis.Client, fault *RedisFault)) {
	for _, name := range []string{"stopped", "killed", "paused"} {
		t.Run(name, func(t *testing.T) {
			srv := StartRedis(t, PersistentRedisArgs...)
			c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}})
			if err != nil {
				t.Fatalf("devenv: redis client: %v", err)
			}
			t.Cleanup(c.Close)
			fault := &RedisFault{Name: name, srv: srv}
			t.Cleanup(func() { _ = srv.Resume() })
			f(t, c, fault)
		})
	}
}

// Probe is one public call a fault test makes while Redis is down.
type Probe struct {
	Name string
	Call func(context.Context) error
}

// RequireFailFast makes each probe's call, in order, with
// context.Background() (so nothing but the package's own timeout bounds
// it) and fails t unless each returns an error within bound for which
// typed reports true.
func RequireFailFast(t testing.TB, bound time.Duration, typed func(error) bool, probes ...Probe) {
	t.Helper()
	for _, p := range probes {
		start := time.Now()
		err := p.Call(context.Background())
		took := time.Since(start)
		switch {
		case err == nil:
			t.Errorf("%s: succeeded with Redis down", p.Name)
		case !typed(err):
			t.Errorf("%s: error %v (%T) is not the typed unavailable error", p.Name, err, err)
		case took >= bound:
			t.Errorf("%s: failed after %v, bound %v", p.Name, took, bound)
		}
	}
}

// MidUse runs use in n goroutines, each in a loop, until each has seen an
// error after fail was called (an error before it is retried). fail runs
// once every goroutine has had at least one success. It fails t unless every goroutine's first error
// comes within bound of the end of fail, and returns per goroutine the
// number of calls that succeeded and of those that failed (a failed call,
// like the one in flight at the fault, may have been applied without an
// answer). Calls go without a deadline of their
// own: a goroutine that does not fail within a minute fails t.
func MidUse(t testing.TB, n int, bound time.Duration, use func(ctx context.Context, g int) error, fail func()) (acked, failed []int64) {
	t.Helper()
	acked = make([]int64, n)
	failed = make([]int64, n)
	toErr := make([]time.Duration, n)
	var failing atomic.Bool
	var failedAt atomic.Int64
	var started, wg sync.WaitGroup
	started.Add(n)
	wg.Add(n)
	errs := make(chan error, n)
	for g := 0; g < n; g++ {
		go func(g int) {
			defer wg.Done()
			first := true
			deadline := time.Now().Add(time.Minute)
			for time.Now().Before(deadline) {
				err := use(context.Background(), g)
				if err == nil {
					acked[g]++
					if first {
						first = false
						started.Done()
					}
					continue
				}
				failed[g]++
				if failing.Load() {
					if at := failedAt.Load(); at != 0 {
						toErr[g] = max(0, time.Since(time.Unix(0, at)))
					}
					if first {
						started.Done()
					}
					return
				}
				// A call that fails before the fault (a loaded machine
				// can stall one past a short timeout) is retried: only
				// failures after the fault are under test.
			}
			errs <- context.DeadlineExceeded
		}(g)
	}
	started.Wait()
	failing.Store(true)
	fail()
	failedAt.Store(time.Now().UnixNano())
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("devenv: MidUse: no call failed within a minute of the start: %v", err)
	}
	for g, d := range toErr {
		if d >= bound {
			t.Errorf("devenv: MidUse: goroutine %d failed %v after the fault, bound %v", g, d, bound)
		}
	}
	return acked, failed
}
