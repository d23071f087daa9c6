package cache_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
	"github.com/stretchr/testify/require"
)

func TestWriteThrough(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := newCache(t, ns.Client, ns.Prefix, nil)
	db := map[string]user{}
	store := func(_ context.Context, u user) error { db["u1"] = u; return nil }
	require.NoError(t, cache.WriteThrough(ctx, c, "u1", user{1, "ada"}, store, nil))
	require.Equal(t, user{1, "ada"}, db["u1"])
	never := func(context.Context) (user, error) { return user{}, errors.New("must not load") }
	u, err := cache.Get(ctx, c, "u1", never, nil)
	require.NoError(t, err)
	require.Equal(t, user{1, "ada"}, u)

	boom := errors.New("constraint violated")
	err = cache.WriteThrough(ctx, c, "u1", user{1, "eve"}, func(context.Context, user) error { return boom }, nil)
	var se *cache.StoreError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, boom)
	u, err = cache.Get(ctx, c, "u1", never, nil)
	require.NoError(t, err)
	require.Equal(t, user{1, "ada"}, u, "a failed store leaves the cache untouched")
	require.ErrorIs(t, cache.WriteThrough(ctx, c, "", user{}, store, nil), cache.ErrEmptyKey)
}

// writeRows writes "row<i>" = i for i < n through w.
func writeRows(t *testing.T, w *cache.WriteBehind, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		require.NoError(t, w.Write(context.Background(), fmt.Sprint("row", i), i, nil))
	}
}

// drain runs a flusher until the stream is empty, then stops it.
func drain(t *testing.T, w *cache.WriteBehind, flush cache.FlushFunc) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, flush) }()
	require.Eventually(t, func() bool {
		p, err := w.Pending(context.Background())
		return err == nil && p == 0
	}, 10*time.Second, 10*time.Millisecond)
	stop()
	require.ErrorIs(t, <-done, context.Canceled)
}

// idempotentStore is a source of truth keyed by cache key.
type idempotentStore struct {
	mu      sync.Mutex
	rows    map[string]int
	applied int
}

func (s *idempotentStore) apply(w *cache.WriteBehind, batch []cache.Write) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, wr := range batch {
		var v int
		if err := w.Decode(wr, &v); err != nil {
			return err
		}
		s.rows[wr.Key] = v
		s.applied++
	}
	return nil
}

// TestWriteBehindKillMidBatch: a flusher dies in the middle of a batch (its
// context is cancelled and its client closed before it acknowledges);
// a second flusher claims the unacknowledged entries. Invariant: every
// write reaches the store (at-least-once), and the stream ends empty.
func TestWriteBehindKillMidBatch(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := newCache(t, ns.Client, ns.Prefix, nil)
	wcfg := cache.WriteBehindConfig{BatchSize: 50, Block: 50 * time.Millisecond, ClaimIdle: 200 * time.Millisecond, Consumer: "f1"}
	w, err := cache.NewWriteBehind(c, wcfg)
	require.NoError(t, err)
	const n = 500
	writeRows(t, w, n)
	v, err := cache.Get(ctx, c, "row7", func(context.Context) (int, error) { return -1, nil }, nil)
	require.NoError(t, err)
	require.Equal(t, 7, v, "the write is readable from the cache at once")
	pending, err := w.Pending(ctx)
	require.NoError(t, err)
	require.EqualValues(t, n, pending)

	store := &idempotentStore{rows: map[string]int{}}
	// Flusher 1, on its own client, dies in its third batch after applying
	// half of it.
	cl1 := ns.NewClient(nil)
	c1 := newCache(t, cl1, ns.Prefix, nil)
	w1, err := cache.NewWriteBehind(c1, wcfg)
	require.NoError(t, err)
	ctx1, kill := context.WithCancel(ctx)
	batches := 0
	err = w1.Run(ctx1, func(ctx context.Context, batch []cache.Write) error {
		batches++
		if batches == 3 {
			require.NoError(t, store.apply(w1, batch[:len(batch)/2]))
			kill()
			<-ctx.Done()
			return ctx.Err()
		}
		return store.apply(w1, batch)
	})
	require.ErrorIs(t, err, context.Canceled)
	cl1.Close() // its connections go away too
	require.Less(t, len(store.rows), n, "flusher 1 died before the end")

	// Flusher 2 takes over, claiming flusher 1's unacknowledged batch.
	wcfg.Consumer = "f2"
	w2, err := cache.NewWriteBehind(c, wcfg)
	require.NoError(t, err)
	drain(t, w2, func(ctx context.Context, batch []cache.Write) error { return store.apply(w2, batch) })

	store.mu.Lock()
	defer store.mu.Unlock()
	require.Len(t, store.rows, n, "nothing lost")
	for i := 0; i < n; i++ {
		require.Equal(t, i, store.rows[fmt.Sprint("row", i)])
	}
	require.GreaterOrEqual(t, store.applied, n, "at-least-once: the interrupted half may be applied twice")
}

// TestWriteBehindRetries: a failing store is retried; nothing is
// acknowledged until it succeeds.
func TestWriteBehindRetries(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := newCache(t, ns.Client, ns.Prefix, nil)
	w, err := cache.NewWriteBehind(c, cache.WriteBehindConfig{Block: 20 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	require.NoError(t, err)
	for i := 0; i < 10; i++ {
		require.NoError(t, w.Write(ctx, fmt.Sprint("k", i), i, nil))
	}
	store := &idempotentStore{rows: map[string]int{}}
	failures := 0
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- w.Run(rctx, func(ctx context.Context, batch []cache.Write) error {
			if failures < 3 {
				failures++
				p, err := w.Pending(ctx)
				if err == nil && p != 10 {
					return fmt.Errorf("pending %d before success", p)
				}
				return errors.New("store unavailable")
			}
			return store.apply(w, batch)
		})
	}()
	require.Eventually(t, func() bool {
		p, err := w.Pending(ctx)
		return err == nil && p == 0
	}, 10*time.Second, 10*time.Millisecond)
	stop()
	<-done
	require.Len(t, store.rows, 10)
	require.Equal(t, 3, failures)
}
