package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/jobs"
	"github.com/polystore/polystore/redis/stream"
)

func TestMain(m *testing.M) {
	if childMain() {
		return
	}
	devenv.Main(m)
}

type task struct {
	N int `json:"n"`
}

func newQueue(t *testing.T, c rueidis.Client, name string) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(c, name, nil)
	require.NoError(t, err)
	return q
}

func run[T any](t *testing.T, w *jobs.Worker[T]) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
		})
	}
	t.Cleanup(stop)
	return stop
}

func fastOpts(consumer string) jobs.WorkerOpts {
	return jobs.WorkerOpts{
		WorkerOpts: stream.WorkerOpts{Group: "g", Consumer: consumer, Block: 50 * time.Millisecond,
			Backoff: func(int) time.Duration { return time.Millisecond }},
		PromoteEvery: 20 * time.Millisecond,
	}
}

// streamJobIDs returns the job ids in the queue's stream, in order.
func streamJobIDs(t *testing.T, c rueidis.Client, q *jobs.Queue) []string {
	t.Helper()
	xs, err := c.Do(context.Background(), c.B().Xrange().Key(q.Name()).Start("-").End("+").Build()).AsXRange()
	require.NoError(t, err)
	ids := make([]string, len(xs))
	for i, x := range xs {
		ids[i] = x.FieldValues[jobs.JobIDField]
	}
	return ids
}

func TestEnqueueRunsNow(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	q := newQueue(t, ns.Client, ns.Key("q"))
	got := make(chan jobs.Job[task], 1)
	w, err := jobs.NewWorker(q, fastOpts("c1"), func(ctx context.Context, j jobs.Job[task]) error {
		got <- j
		return nil
	})
	require.NoError(t, err)
	e, err := jobs.Enqueue(ctx, q, task{N: 7}, nil)
	require.NoError(t, err)
	require.False(t, e.Delayed)
	require.False(t, e.Duplicate)
	run(t, w)
	select {
	case j := <-got:
		require.Equal(t, e.ID, j.ID)
		require.Equal(t, 7, j.Value.N)
		require.Equal(t, 1, j.Attempt)
		require.NotEmpty(t, j.EntryID)
	case <-time.After(20 * time.Second):
		t.Fatal("job never ran")
	}
}

// A delayed job waits in the delayed set until its time (server clock),
// then runs; a RunAt in the past runs now.
func TestDelayedJob(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	q := newQueue(t, ns.Client, ns.Key("q"))
	const delay = 400 * time.Millisecond
	ran := make(chan time.Time, 2)
	w, err := jobs.NewWorker(q, fastOpts("c1"), func(ctx context.Context, j jobs.Job[task]) error {
		ran <- time.Now()
		return nil
	})
	require.NoError(t, err)
	start := time.Now()
	e, err := jobs.Enqueue(ctx, q, task{N: 1}, &jobs.EnqueueOpts{Delay: delay})
	require.NoError(t, err)
	require.True(t, e.Delayed)
	n, err := q.DelayedLen(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	require.Empty(t, streamJobIDs(t, ns.Client, q), "not in the stream before its time")
	moved, next, err := q.Promote(ctx, 0)
	require.NoError(t, err)
	require.Zero(t, moved, "not due yet")
	require.Greater(t, next, time.Duration(0))
	require.LessOrEqual(t, next, delay)

	run(t, w)
	select {
	case at := <-ran:
		require.GreaterOrEqual(t, at.Sub(start), delay-5*time.Millisecond, "ran before its delay") // server and host clocks tick alike; 5ms for rounding
	case <-time.After(20 * time.Second):
		t.Fatal("delayed job never ran")
	}
	n, err = q.DelayedLen(ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	past, err := jobs.Enqueue(ctx, q, task{N: 2}, &jobs.EnqueueOpts{RunAt: time.Now().Add(-time.Hour)})
	require.NoError(t, err)
	require.False(t, past.Delayed, "a past RunAt goes straight to the stream")
	select {
	case <-ran:
	case <-time.After(20 * time.Second):
		t.Fatal("job with a past RunAt never ran")
	}
	far, err := jobs.Enqueue(ctx, q, task{N: 3}, &jobs.EnqueueOpts{RunAt: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	require.True(t, far.Delayed)
}

// Invariant: however many promoters run at once, every delayed job lands in
// the stream exactly once.
func TestConcurrentPromotersNeverDoubleEnqueue(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	q := newQueue(t, ns.Client, ns.Key("q"))
	const total = 600
	want := map[string]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := jobs.Enqueue(ctx, q, task{N: i}, &jobs.EnqueueOpts{Delay: 150 * time.Millisecond})
			if err == nil {
				mu.Lock()
				want[e.ID] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Len(t, want, total)
	time.Sleep(200 * time.Millisecond)

	// 8 promoters, each with its own connection, moving 7 at a time.
	var movedTotal atomic.Int64
	for p := range 8 {
		wg.Add(1)
		c := ns.NewClient(nil)
		pq := newQueue(t, c, q.Name())
		go func() {
			defer wg.Done()
			for {
				n, _, err := pq.Promote(ctx, 7)
				if err != nil {
					t.Errorf("promoter %d: %v", p, err)
					return
				}
				movedTotal.Add(int64(n))
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, total, movedTotal.Load(), "moves reported")
	ids := streamJobIDs(t, ns.Client, q)
	require.Len(t, ids, total, "stream entries")
	seen := map[string]int{}
	for _, id := range ids {
		seen[id]++
		require.True(t, want[id], "unknown job %s", id)
	}
	for id, n := range seen {
		require.Equal(t, 1, n, "job %s enqueued %d times", id, n)
	}
	left, err := q.DelayedLen(ctx)
	require.NoError(t, err)
	require.Zero(t, left)
}

// Invariant: N concurrent enqueues with one unique key add exactly one job,
// and every caller gets that job's id; after the window a new job is added.
func TestUniqueJobsConcurrent(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	q := newQueue(t, ns.Client, ns.Key("q"))
	const callers = 64
	const window = 500 * time.Millisecond
	results := make([]jobs.Enqueued, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = jobs.Enqueue(ctx, q, task{N: i}, &jobs.EnqueueOpts{UniqueKey: "digest:7", UniqueFor: window})
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	fresh := 0
	for i, r := range results {
		require.NoError(t, errs[i])
		require.Equal(t, results[0].ID, r.ID, "every caller gets the one job's id")
		if !r.Duplicate {
			fresh++
		}
	}
	require.Equal(t, 1, fresh, "exactly one enqueue added a job")
	require.Equal(t, []string{results[0].ID}, streamJobIDs(t, ns.Client, q))
	if time.Since(began) < window/2 {
		again, err := jobs.Enqueue(ctx, q, task{}, &jobs.EnqueueOpts{UniqueKey: "digest:7", UniqueFor: window})
		require.NoError(t, err)
		require.True(t, again.Duplicate)
	}
	other, err := jobs.Enqueue(ctx, q, task{}, &jobs.EnqueueOpts{UniqueKey: "digest:8", UniqueFor: window})
	require.NoError(t, err)
	require.False(t, other.Duplicate, "another key is another job")

	time.Sleep(window + 100*time.Millisecond)
	after, err := jobs.Enqueue(ctx, q, task{}, &jobs.EnqueueOpts{UniqueKey: "digest:7", UniqueFor: window})
	require.NoError(t, err)
	require.False(t, after.Duplicate, "the window has passed")
	require.NotEqual(t, results[0].ID, after.ID)
	require.Len(t, streamJobIDs(t, ns.Client, q), 3)

	// Unique and delayed: the duplicate is refused while the first waits.
	d1, err := jobs.Enqueue(ctx, q, task{}, &jobs.EnqueueOpts{UniqueKey: "later", UniqueFor: time.Minute, Delay: time.Hour})
	require.NoError(t, err)
	d2, err := jobs.Enqueue(ctx, q, task{}, &jobs.EnqueueOpts{UniqueKey: "later", UniqueFor: time.Minute, Delay: time.Hour})
	require.NoError(t, err)
	require.True(t, d1.Delayed)
	require.True(t, d2.Duplicate)
	require.Equal(t, d1.ID, d2.ID)
	n, err := q.DelayedLen(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	_, err := jobs.New(nil, "q", nil)
	require.ErrorIs(t, err, jobs.ErrInvalid)
	_, err = jobs.New(ns.Client, "", nil)
	require.ErrorIs(t, err, jobs.ErrInvalid)
	q := newQueue(t, ns.Client, ns.Key("q"))
	_, err = jobs.Enqueue(ctx, q, task{}, &jobs.EnqueueOpts{UniqueKey: "k"})
	require.ErrorIs(t, err, jobs.ErrInvalid)
	_, err = jobs.Enqueue(ctx, q, task{}, &jobs.EnqueueOpts{Delay: -time.Second})
	require.ErrorIs(t, err, jobs.ErrInvalid)
	_, err = jobs.Enqueue(ctx, nil, task{}, nil)
	require.ErrorIs(t, err, jobs.ErrInvalid)
	_, err = jobs.Enqueue(ctx, q, func() {}, nil)
	require.ErrorContains(t, err, "encode")
	_, err = jobs.NewWorker[task](q, fastOpts("c"), nil)
	require.ErrorIs(t, err, jobs.ErrInvalid)
	_, err = jobs.NewWorker(q, jobs.WorkerOpts{}, func(context.Context, jobs.Job[task]) error { return nil })
	require.ErrorIs(t, err, stream.ErrInvalidOptions)
	require.Empty(t, streamJobIDs(t, ns.Client, q))
}

// Jobs that fail MaxAttempts times are dead letters that keep their job
// id; redriven, they run again under the same id.
func TestDeadJobsRedrive(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	q := newQueue(t, ns.Client, ns.Key("q"))
	var failing atomic.Bool
	failing.Store(true)
	var mu sync.Mutex
	done := map[string]int{}
	o := fastOpts("c1")
	o.MaxAttempts = 2
	w, err := jobs.NewWorker(q, o, func(ctx context.Context, j jobs.Job[task]) error {
		if failing.Load() {
			return fmt.Errorf("job %d: %w", j.Value.N, errors.New("smtp down"))
		}
		mu.Lock()
		done[j.ID]++
		mu.Unlock()
		return nil
	})
	require.NoError(t, err)
	var ids []string
	for n := range 3 {
		e, err := jobs.Enqueue(ctx, q, task{N: n}, nil)
		require.NoError(t, err)
		ids = append(ids, e.ID)
	}
	run(t, w)
	dl := q.DeadLetters()
	require.Eventually(t, func() bool { n, _ := dl.Len(ctx); return n == 3 }, 30*time.Second, 10*time.Millisecond)
	list, err := dl.List(ctx, "", 0)
	require.NoError(t, err)
	var deadIDs []string
	for _, d := range list {
		require.Equal(t, 2, d.Attempts)
		require.Contains(t, d.Error, "smtp down")
		deadIDs = append(deadIDs, d.Fields[jobs.JobIDField])
	}
	require.ElementsMatch(t, ids, deadIDs)

	failing.Store(false)
	moved, err := dl.RedriveAll(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, moved)
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(done) == 3 }, 30*time.Second, 10*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		require.Equal(t, 1, done[id], "job %s ran once after the redrive", id)
	}
}
