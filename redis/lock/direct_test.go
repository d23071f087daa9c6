package lock_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
)

// connectedClients is the server's count of client connections (INFO
// clients), the observer's own included.
func connectedClients(t *testing.T, c rueidis.Client) int {
	t.Helper()
	info, err := c.Do(context.Background(), c.B().Info().Section("clients").Build()).ToString()
	require.NoError(t, err)
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "connected_clients:"); ok {
			n, err := strconv.Atoi(v)
			require.NoError(t, err)
			return n
		}
	}
	t.Fatal("no connected_clients in INFO clients")
	return 0
}

// churn runs n acquire+release pairs on each of g goroutines, each on a
// name of its own, and checks that every pair got a fresh, increasing
// fencing token.
func churn(t *testing.T, l *lock.Locker, g, n int) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "churn" + strconv.Itoa(w)
			var last int64
			for range n {
				lk, err := l.TryAcquire(ctx, name, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if lk.Fence() <= last {
					t.Errorf("fence %d after %d", lk.Fence(), last)
				}
				last = lk.Fence()
				if err := lk.Release(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestDirectCallsConnections: with few calls in flight the Locker sends
// them on pooled connections of their own (the server sees one more
// connection than the client's pipelines), never more than DirectCalls of
// them however many goroutines use it, and none with DirectCalls < 0.
// The scripts still run after SCRIPT FLUSH (EVALSHA falls back to EVAL).
func TestDirectCallsConnections(t *testing.T) {
	srv := devenv.StartRedis(t)
	observer := clientFor(t, srv.Addr())
	for _, direct := range []int{-1, 1, lock.DefaultDirectCalls, 4} {
		t.Run("DirectCalls="+strconv.Itoa(direct), func(t *testing.T) {
			c := clientFor(t, srv.Addr())
			// Dial the client's pipeline connections (rueidis may
			// multiplex several) with a Locker that pipelines every call.
			churn(t, lock.New(c, &lock.Options{DirectCalls: -1}), 32, 10)
			base := connectedClients(t, observer)
			l := lock.New(c, &lock.Options{DirectCalls: direct})

			churn(t, l, 1, 50)
			got := connectedClients(t, observer) - base
			if direct < 0 {
				require.Equal(t, 0, got, "every call pipelined")
			} else {
				require.Equal(t, 1, got, "a serial caller uses one pooled connection")
			}

			churn(t, l, 32, 40)
			got = connectedClients(t, observer) - base
			require.LessOrEqual(t, got, max(direct, 0), "pooled connections bounded by DirectCalls")

			require.NoError(t, observer.Do(context.Background(), observer.B().ScriptFlush().Build()).Error())
			churn(t, l, 2, 20)
			require.LessOrEqual(t, connectedClients(t, observer)-base, max(direct, 0))
		})
	}
}

// TestDirectCallsBesideWaiters: waiters blocked in BLPOP hold connections
// of rueidis's pool for blocking commands, which direct calls share. With
// a pool of 2 and two waiters of a Locker blocked (on locks held by
// another process), that Locker's TryAcquire and Release still answer at
// once (they go through the pipeline) instead of queuing for the pool
// until Timeout, and the other holder's releases wake the waiters.
func TestDirectCallsBesideWaiters(t *testing.T) {
	srv := devenv.StartRedis(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true, BlockingPoolSize: 2})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	const timeout = 2 * time.Second
	ctx := context.Background()
	l := lock.New(c, &lock.Options{Timeout: timeout})
	other := lock.New(clientFor(t, srv.Addr()), nil)

	var held []*lock.Lock
	for _, name := range []string{"a", "b"} {
		lk, err := other.TryAcquire(ctx, name, nil)
		require.NoError(t, err)
		held = append(held, lk)
	}
	got := make(chan *lock.Lock, 2)
	for _, name := range []string{"a", "b"} {
		go func() {
			lk, err := l.Acquire(ctx, name, nil)
			if err != nil {
				t.Error(err)
			}
			got <- lk
		}()
	}
	time.Sleep(300 * time.Millisecond) // both blocked in BLPOP by now

	start := time.Now()
	for range 3 {
		lk, err := l.TryAcquire(ctx, "c", nil)
		require.NoError(t, err)
		require.NoError(t, lk.Release(ctx))
	}
	require.Less(t, time.Since(start), timeout/2, "no call queued for the pool")
	for _, h := range held {
		require.NoError(t, h.Release(ctx))
	}
	for range held {
		select {
		case lk := <-got:
			require.NotNil(t, lk)
			require.NoError(t, lk.Release(ctx))
		case <-time.After(5 * time.Second):
			t.Fatal("a waiter was not woken")
		}
	}
}
