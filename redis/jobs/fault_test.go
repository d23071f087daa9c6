package jobs_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/jobs"
)

// The test binary re-runs itself as a worker process for the kill test.
const (
	envChildURL   = "POLYSTORE_JOBS_CHILD_URL"
	envChildQueue = "POLYSTORE_JOBS_CHILD_QUEUE"
)

// childMain runs the worker process when the test binary was started as
// one: it prints "started <job id>" when a job begins and then hangs in
// the handler until it is killed.
func childMain() bool {
	url, queue := os.Getenv(envChildURL), os.Getenv(envChildQueue)
	if url == "" || queue == "" {
		return false
	}
	opt, err := devenv.RedisOption(url)
	if err != nil {
		panic(err)
	}
	c, err := rueidis.NewClient(opt)
	if err != nil {
		panic(err)
	}
	q, err := jobs.New(c, queue, nil)
	if err != nil {
		panic(err)
	}
	w, err := jobs.NewWorker(q, fastOpts("child"), func(ctx context.Context, j jobs.Job[task]) error {
		fmt.Printf("started %s\n", j.ID)
		select {} // hang until killed
	})
	if err != nil {
		panic(err)
	}
	_ = w.Run(context.Background())
	return true
}

// A worker process SIGKILLed in the middle of a job never acknowledges it;
// another worker reclaims it after ClaimIdle and runs it to completion, as
// the job's second attempt.
func TestWorkerKilledMidJobIsRetried(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	q := newQueue(t, ns.Client, ns.Key("q"))
	e, err := jobs.Enqueue(ctx, q, task{N: 1}, nil)
	require.NoError(t, err)

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), envChildURL+"="+ns.URL, envChildQueue+"="+q.Name())
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if strings.HasPrefix(s.Text(), "started ") {
				line <- s.Text()
				return
			}
		}
	}()
	select {
	case l := <-line:
		require.Equal(t, "started "+e.ID, l)
	case <-time.After(30 * time.Second):
		t.Fatal("the worker process never started the job")
	}
	require.NoError(t, child.Process.Signal(syscall.SIGKILL))
	_ = child.Wait()

	got := make(chan jobs.Job[task], 4)
	o := fastOpts("survivor")
	o.ClaimIdle = 300 * time.Millisecond
	w, err := jobs.NewWorker(q, o, func(ctx context.Context, j jobs.Job[task]) error {
		got <- j
		return nil
	})
	require.NoError(t, err)
	stop := run(t, w)
	select {
	case j := <-got:
		require.Equal(t, e.ID, j.ID)
		require.Equal(t, 2, j.Attempt, "the killed run counts as the first attempt")
	case <-time.After(30 * time.Second):
		t.Fatal("the job of the killed worker was never retried")
	}
	stop()
	select {
	case j := <-got:
		t.Fatalf("job ran twice after the kill: %+v", j)
	default:
	}
}

// With appendfsync always, a Redis crash and restart loses no job that
// Enqueue acknowledged: ready, delayed and unique jobs are all there
// afterwards, the unique window still holds, and the jobs run once each.
func TestRedisRestartKeepsJobsWithAOF(t *testing.T) {
	ctx := context.Background()
	srv := devenv.StartRedis(t, "--appendonly", "yes", "--appendfsync", "always")
	opt, err := devenv.RedisOption(srv.URL())
	require.NoError(t, err)
	c, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	q := newQueue(t, c, "{restart}")

	want := map[string]bool{}
	for n := range 20 {
		e, err := jobs.Enqueue(ctx, q, task{N: n}, nil)
		require.NoError(t, err)
		want[e.ID] = true
	}
	for n := range 5 {
		e, err := jobs.Enqueue(ctx, q, task{N: 100 + n}, &jobs.EnqueueOpts{Delay: 300 * time.Millisecond})
		require.NoError(t, err)
		want[e.ID] = true
	}
	u, err := jobs.Enqueue(ctx, q, task{N: 200}, &jobs.EnqueueOpts{UniqueKey: "u", UniqueFor: time.Minute})
	require.NoError(t, err)
	want[u.ID] = true

	require.NoError(t, srv.Kill())
	_, err = jobs.Enqueue(ctx, q, task{N: 999}, nil)
	require.Error(t, err, "an enqueue while the server is down fails: it is not silently lost")
	require.NoError(t, srv.Restart(ctx))
	q = reconnect(t, srv, q.Name())

	dup, err := jobs.Enqueue(ctx, q, task{N: 201}, &jobs.EnqueueOpts{UniqueKey: "u", UniqueFor: time.Minute})
	require.NoError(t, err)
	require.True(t, dup.Duplicate, "the unique window survived the restart")
	require.Equal(t, u.ID, dup.ID)

	var mu sync.Mutex
	ran := map[string]int{}
	w, err := jobs.NewWorker(q, fastOpts("c1"), func(ctx context.Context, j jobs.Job[task]) error {
		mu.Lock()
		ran[j.ID]++
		mu.Unlock()
		return nil
	})
	require.NoError(t, err)
	run(t, w)
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(ran) == len(want) }, 30*time.Second, 10*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for id := range want {
		require.Equal(t, 1, ran[id], "job %s", id)
	}
}

// Without persistence (the default of a private server here, and of many
// caches), a restart loses every job: the queue is empty afterwards. The
// docs say so; this pins it.
func TestRedisRestartWithoutPersistenceLosesJobs(t *testing.T) {
	ctx := context.Background()
	srv := devenv.StartRedis(t)
	opt, err := devenv.RedisOption(srv.URL())
	require.NoError(t, err)
	c, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	q := newQueue(t, c, "{volatile}")
	_, err = jobs.Enqueue(ctx, q, task{N: 1}, nil)
	require.NoError(t, err)
	_, err = jobs.Enqueue(ctx, q, task{N: 2}, &jobs.EnqueueOpts{Delay: time.Hour})
	require.NoError(t, err)
	require.NoError(t, srv.Kill())
	require.NoError(t, srv.Restart(ctx))
	q = reconnect(t, srv, q.Name())
	require.Eventually(t, func() bool {
		n, err := q.Stream().Len(ctx)
		return err == nil && n == 0
	}, 10*time.Second, 10*time.Millisecond)
	n, err := q.DelayedLen(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

// reconnect returns a new client and queue on the restarted server. The
// old client's connections fail their next write once each (EOF; writes
// are not retried), so a caller sees an error rather than a silent loss.
func reconnect(t *testing.T, srv *devenv.RedisProcess, queue string) *jobs.Queue {
	t.Helper()
	opt, err := devenv.RedisOption(srv.URL())
	require.NoError(t, err)
	c, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return newQueue(t, c, queue)
}
