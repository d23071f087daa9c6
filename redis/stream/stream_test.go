package stream_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/rediskey"
	"github.com/polystore/polystore/redis/stream"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type job struct {
	N int `json:"n"`
}

// runChanWorker runs a worker of o on s (until the test ends) whose
// handler sends each message to the channel it returns (room for 16).
func runChanWorker(t *testing.T, s *stream.Stream, o stream.WorkerOpts) <-chan stream.Message[job] {
	t.Helper()
	done := make(chan stream.Message[job], 16)
	w, err := stream.NewWorker(s, o, func(ctx context.Context, m stream.Message[job]) error {
		done <- m
		return nil
	})
	require.NoError(t, err)
	runWorker(t, w)
	return done
}

func runWorker[T any](t *testing.T, w *stream.Worker[T]) (stop func()) {
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

func TestAppendIsBounded(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	s := stream.New(ns.Client, ns.Key("s"), &stream.Options{MaxLen: 100})
	vs := make([]job, 5000)
	for i := range vs {
		vs[i] = job{N: i}
	}
	ids, err := stream.PublishMany(ctx, s, vs)
	require.NoError(t, err)
	require.Len(t, ids, 5000)
	n, err := s.Len(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, int64(100))
	require.Less(t, n, int64(1000), "approximate trimming keeps the stream near MaxLen")

	_, err = s.Append(ctx, "odd")
	require.ErrorIs(t, err, stream.ErrInvalidOptions)
}

func TestWorkerProcessesAndAcks(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	s := stream.New(ns.Client, ns.Key("s"), nil)
	const total = 300
	var seen sync.Map
	var count atomic.Int64
	w, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "c1", Concurrency: 4},
		func(ctx context.Context, m stream.Message[job]) error {
			if _, dup := seen.LoadOrStore(m.Value.N, true); !dup {
				count.Add(1)
			}
			return nil
		})
	require.NoError(t, err)
	for i := range total {
		_, err := stream.Publish(ctx, s, job{N: i})
		require.NoError(t, err)
	}
	stop := runWorker(t, w)
	require.Eventually(t, func() bool { return count.Load() == total }, 30*time.Second, 10*time.Millisecond)
	stop()
	pending := ns.Client.Do(ctx, ns.Client.B().Xpending().Key(s.Key()).Group("g").Build())
	arr, err := pending.ToArray()
	require.NoError(t, err)
	n, _ := arr[0].AsInt64()
	require.Zero(t, n, "every entry acknowledged")
}

func TestRetryThenDeadLetter(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	s := stream.New(ns.Client, ns.Key("s"), nil)
	var mu sync.Mutex
	attempts := map[int][]int{}
	logs := &lockedBuffer{}
	w, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "c1", MaxAttempts: 3,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }, Logger: slog.New(slog.NewTextHandler(logs, nil))},
		func(ctx context.Context, m stream.Message[job]) error {
			mu.Lock()
			attempts[m.Value.N] = append(attempts[m.Value.N], m.Attempt)
			mu.Unlock()
			switch {
			case m.Value.N == 1 && m.Attempt < 2: // flaky: succeeds on the 2nd attempt
				return errors.New("flaky")
			case m.Value.N == 2: // always fails
				return errors.New("boom")
			case m.Value.N == 3:
				panic("handler panic")
			}
			return nil
		})
	require.NoError(t, err)
	for _, n := range []int{1, 2, 3} {
		_, err := stream.Publish(ctx, s, job{N: n})
		require.NoError(t, err)
	}
	_, err = s.Append(ctx, stream.DataField, "{not json")
	require.NoError(t, err)
	runWorker(t, w)

	dead := stream.New(ns.Client, rediskey.Sibling(s.Key(), ":dead"), nil)
	require.Eventually(t, func() bool { n, _ := dead.Len(ctx); return n == 3 }, 30*time.Second, 10*time.Millisecond)
	mu.Lock()
	require.Equal(t, []int{1, 2}, attempts[1])
	require.Equal(t, []int{1, 2, 3}, attempts[2])
	require.Equal(t, []int{1, 2, 3}, attempts[3])
	mu.Unlock()

	xs, err := ns.Client.Do(ctx, ns.Client.B().Xrange().Key(dead.Key()).Start("-").End("+").Build()).AsXRange()
	require.NoError(t, err)
	errs := map[string]string{}
	for _, x := range xs {
		errs[x.FieldValues[stream.DataField]] = x.FieldValues["error"]
		require.NotEmpty(t, x.FieldValues["source_id"])
	}
	require.Equal(t, "boom", errs[`{"n":2}`])
	require.Contains(t, errs[`{"n":3}`], "panic")
	require.Contains(t, errs[`{not json`], "decode")
	// Each entry moved is logged once, naming the dead-letter stream.
	require.Eventually(t, func() bool {
		return strings.Count(logs.String(), "stream: moved to dead letters") == 3
	}, 5*time.Second, 10*time.Millisecond, logs.String())
	require.Contains(t, logs.String(), "dead="+dead.Key())
	require.Contains(t, logs.String(), "attempts=3")
}

// lockedBuffer is a bytes.Buffer safe for the worker's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// At-least-once: consumer A dies in the middle of an entry (its connection
// is gone, it never acks); consumer B reclaims the entry and processes it.
func TestAtLeastOnceAfterConsumerDies(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	clientA := ns.NewClient(&rueidis.ClientOption{DisableCache: true})
	started := make(chan string, 1)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	wa, err := stream.NewWorker(stream.New(clientA, ns.Key("s"), nil),
		stream.WorkerOpts{Group: "g", Consumer: "a", Block: 100 * time.Millisecond},
		func(ctx context.Context, m stream.Message[job]) error {
			started <- m.ID
			<-release
			return nil
		})
	require.NoError(t, err)
	s := stream.New(ns.Client, ns.Key("s"), nil)
	id, err := stream.Publish(ctx, s, job{N: 7})
	require.NoError(t, err)
	go func() { _ = wa.Run(ctx) }()
	require.Equal(t, id, <-started)
	clientA.Close() // A is gone mid-message

	done := runChanWorker(t, s, stream.WorkerOpts{Group: "g", Consumer: "b", ClaimIdle: 200 * time.Millisecond, Block: 100 * time.Millisecond})
	select {
	case m := <-done:
		require.Equal(t, id, m.ID)
		require.Equal(t, 7, m.Value.N)
		require.Equal(t, 2, m.Attempt, "the lost delivery counts as an attempt")
	case <-time.After(30 * time.Second):
		t.Fatal("entry of the dead consumer never reprocessed")
	}
	require.Eventually(t, func() bool {
		arr, err := ns.Client.Do(ctx, ns.Client.B().Xpending().Key(s.Key()).Group("g").Build()).ToArray()
		if err != nil {
			return false
		}
		n, _ := arr[0].AsInt64()
		return n == 0
	}, 10*time.Second, 10*time.Millisecond)
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	s := stream.New(ns.Client, ns.Key("s"), nil)
	started := make(chan struct{})
	var finished atomic.Bool
	w, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "c", Block: 100 * time.Millisecond},
		func(ctx context.Context, m stream.Message[job]) error {
			close(started)
			time.Sleep(200 * time.Millisecond)
			if ctx.Err() != nil {
				return fmt.Errorf("handler context cancelled during shutdown: %w", ctx.Err())
			}
			finished.Store(true)
			return nil
		})
	require.NoError(t, err)
	_, err = stream.Publish(ctx, s, job{N: 1})
	require.NoError(t, err)
	stop := runWorker(t, w)
	<-started
	stop() // returns only after the handler finished
	require.True(t, finished.Load())
	arr, err := ns.Client.Do(ctx, ns.Client.B().Xpending().Key(s.Key()).Group("g").Build()).ToArray()
	require.NoError(t, err)
	n, _ := arr[0].AsInt64()
	require.Zero(t, n, "the in-flight entry was acknowledged")
}

func TestNewWorkerValidates(t *testing.T) {
	_, err := stream.NewWorker(stream.New(nil, "k", nil), stream.WorkerOpts{}, func(context.Context, stream.Message[job]) error { return nil })
	require.ErrorIs(t, err, stream.ErrInvalidOptions)
}

// Many entries stranded by a dead consumer are all reclaimed, in several
// XAUTOCLAIM pages.
func TestReclaimPagesThroughPending(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	s := stream.New(ns.Client, ns.Key("s"), nil)
	c := ns.Client
	require.NoError(t, c.Do(ctx, c.B().XgroupCreate().Key(s.Key()).Group("g").Id("0").Mkstream().Build()).Error())
	const total = 25
	for i := range total {
		_, err := stream.Publish(ctx, s, job{N: i})
		require.NoError(t, err)
	}
	// A dead consumer read everything and never acked.
	res, err := c.Do(ctx, c.B().Xreadgroup().Group("g", "dead").Count(total).Streams().Key(s.Key()).Id(">").Build()).AsXRead()
	require.NoError(t, err)
	require.Len(t, res[s.Key()], total)

	var seen sync.Map
	var count atomic.Int64
	w, err := stream.NewWorker(s, stream.WorkerOpts{Group: "g", Consumer: "live", Batch: 5,
		ClaimIdle: 100 * time.Millisecond, Block: 50 * time.Millisecond},
		func(ctx context.Context, m stream.Message[job]) error {
			if _, dup := seen.LoadOrStore(m.Value.N, true); !dup {
				count.Add(1)
			}
			return nil
		})
	require.NoError(t, err)
	runWorker(t, w)
	require.Eventually(t, func() bool { return count.Load() == total }, 30*time.Second, 10*time.Millisecond)
}

// TestTrimAckedKeepsUnfinishedWork checks that trimming removes exactly
// the entries every group acknowledged: pending (delivered, not acked) and
// undelivered entries of the slowest group survive.
func TestTrimAckedKeepsUnfinishedWork(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	c := ns.Client
	s := stream.New(c, ns.Key("s"), &stream.Options{MaxLen: -1})

	n, err := s.TrimAcked(ctx)
	require.NoError(t, err, "a missing stream is not an error")
	require.Zero(t, n)

	var ids []string
	for i := range 10 {
		id, err := s.Append(ctx, "n", fmt.Sprint(i))
		require.NoError(t, err)
		ids = append(ids, id)
	}
	n, err = s.TrimAcked(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "without groups nothing is acknowledged")

	for _, g := range []string{"fast", "slow"} {
		require.NoError(t, c.Do(ctx, c.B().XgroupCreate().Key(s.Key()).Group(g).Id("0").Build()).Error())
	}
	read := func(group string, count int64) {
		require.NoError(t, c.Do(ctx, c.B().Xreadgroup().Group(group, "c").Count(count).Streams().Key(s.Key()).Id(">").Build()).Error())
	}
	ack := func(group string, ids ...string) {
		require.NoError(t, c.Do(ctx, c.B().Xack().Key(s.Key()).Group(group).Id(ids...).Build()).Error())
	}
	// fast: everything read and acked. slow: 6 read, entries 0-2 and 4-5
	// acked, entry 3 pending, 6-9 never delivered.
	read("fast", 10)
	ack("fast", ids...)
	read("slow", 6)
	ack("slow", ids[0], ids[1], ids[2], ids[4], ids[5])

	n, err = s.TrimAcked(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(3), n, "only entries below the oldest pending one go")
	left, err := c.Do(ctx, c.B().Xrange().Key(s.Key()).Start("-").End("+").Build()).AsXRange()
	require.NoError(t, err)
	require.Equal(t, ids[3], left[0].ID)
	require.Len(t, left, 7)

	ack("slow", ids[3])
	n, err = s.TrimAcked(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(3), n, "entries 3-5 acked, 6-9 not yet delivered")
	read("slow", 10)
	ack("slow", ids[6:]...)
	n, err = s.TrimAcked(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(4), n)
	l, err := s.Len(ctx)
	require.NoError(t, err)
	require.Zero(t, l)
}

// TestReclaimForgetsDeletedEntries: entries deleted from the stream (a
// trim, XDEL) while pending with a dead consumer, after a counted retry,
// are dropped by the live consumer's reclaim: nothing stays pending and
// the attempts hash keeps no field for them (it kept them for good), while
// the entry still in the stream is handled.
func TestReclaimForgetsDeletedEntries(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	c := ns.Client
	s := stream.New(c, ns.Key("s"), &stream.Options{MaxLen: -1})
	require.NoError(t, c.Do(ctx, c.B().XgroupCreate().Key(s.Key()).Group("g").Id("0").Mkstream().Build()).Error())
	var ids []string
	for n := range 3 {
		id, err := stream.Publish(ctx, s, job{N: n})
		require.NoError(t, err)
		ids = append(ids, id)
	}
	// A consumer that died: the three entries are delivered to it, each
	// counted as retried once, and never acknowledged.
	require.NoError(t, c.Do(ctx, c.B().Xreadgroup().Group("g", "dead").Count(10).Streams().Key(s.Key()).Id(">").Build()).Error())
	attempts := rediskey.Sibling(s.Key(), ":attempts:g")
	for _, id := range ids {
		require.NoError(t, c.Do(ctx, c.B().Hincrby().Key(attempts).Field(id).Increment(1).Build()).Error())
	}
	require.NoError(t, c.Do(ctx, c.B().Xdel().Key(s.Key()).Id(ids[0], ids[1]).Build()).Error())

	done := runChanWorker(t, s, stream.WorkerOpts{Group: "g", Consumer: "live", ClaimIdle: 100 * time.Millisecond, Block: 50 * time.Millisecond})
	select {
	case m := <-done:
		require.Equal(t, ids[2], m.ID)
	case <-time.After(20 * time.Second):
		t.Fatal("the entry left in the stream was never handled")
	}
	require.Eventually(t, func() bool {
		arr, err := c.Do(ctx, c.B().Xpending().Key(s.Key()).Group("g").Build()).ToArray()
		if err != nil {
			return false
		}
		pending, _ := arr[0].AsInt64()
		left, err := c.Do(ctx, c.B().Hlen().Key(attempts).Build()).AsInt64()
		return err == nil && pending == 0 && left == 0
	}, 10*time.Second, 20*time.Millisecond, "pending entries or attempts left for deleted entries")
	require.Empty(t, done, "a deleted entry was handled")
}
