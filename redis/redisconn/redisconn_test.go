package redisconn_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// slack covers scheduling on a busy machine; the bounds asserted below are
// the documented ones plus slack, far below what unbounded calls take (a
// GET with rueidis defaults and context.Background never returns).
const slack = 1500 * time.Millisecond

func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// TestStoppedServer: with the server stopped, calls on a client with
// rueidis defaults and on the fail-fast client return within the wrapper's
// timeout as unreachable errors. Both recover after a restart.
func TestStoppedServer(t *testing.T) {
	srv := devenv.StartRedis(t)
	def, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}})
	require.NoError(t, err)
	t.Cleanup(def.Close)
	opt, err := redisconn.ParseURL(srv.Addr())
	require.NoError(t, err)
	fast, err := redisconn.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(fast.Close)

	const timeout = 300 * time.Millisecond
	wrapped := redisconn.WithTimeout(def, timeout)
	fastWrapped := redisconn.WithTimeout(fast, redisconn.DefaultTimeout)
	ctx := context.Background()
	get := func(c rueidis.Client) error { return c.Do(ctx, c.B().Get().Key("k").Build()).Error() }
	require.True(t, rueidis.IsRedisNil(get(wrapped)))
	require.True(t, rueidis.IsRedisNil(get(fastWrapped)))

	require.NoError(t, srv.Stop())
	for i := 0; i < 3; i++ {
		took, err := timed(func() error { return get(wrapped) })
		require.True(t, redisconn.IsUnreachable(err), "%v", err)
		require.Less(t, took, timeout+slack)

		took, err = timed(func() error { return get(fastWrapped) })
		require.Error(t, err)
		require.True(t, redisconn.IsUnreachable(err), "%v", err)
		require.Less(t, took, 500*time.Millisecond, "connection refused is not retried for long")

		took, err = timed(func() error {
			rs := wrapped.DoMulti(ctx, def.B().Set().Key("a").Value("1").Build(), def.B().Get().Key("a").Build())
			return rs[1].Error()
		})
		require.True(t, redisconn.IsUnreachable(err), "%v", err)
		require.Less(t, took, timeout+slack)
	}

	require.NoError(t, srv.Restart(ctx))
	require.Eventually(t, func() bool { return rueidis.IsRedisNil(get(wrapped)) && rueidis.IsRedisNil(get(fastWrapped)) },
		10*time.Second, 20*time.Millisecond)
}

// TestPausedServer: a server that accepts nothing but keeps its
// connections open (SIGSTOP, like a partition or a hung server) is where a
// client with rueidis defaults hangs: a read-only command is retried until
// the context ends. The wrapper bounds it with *TimeoutError, also for a
// caller whose own deadline is much later.
func TestPausedServer(t *testing.T) {
	srv := devenv.StartRedis(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	const timeout = 300 * time.Millisecond
	w := redisconn.WithTimeout(c, timeout)
	ctx := context.Background()
	require.NoError(t, w.Do(ctx, w.B().Ping().Build()).Error())

	require.NoError(t, srv.Pause())
	t.Cleanup(func() { _ = srv.Resume() })
	late, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for i, call := range []func() error{
		func() error { return w.Do(late, w.B().Get().Key("k").Build()).Error() },
		func() error { return w.Do(ctx, w.B().Set().Key("k").Value("v").Build()).Error() },
		func() error { return w.DoCache(ctx, w.B().Get().Key("k").Cache(), time.Minute).Error() },
		func() error { return w.DoMulti(ctx, w.B().Get().Key("k").Build())[0].Error() },
	} {
		took, err := timed(call)
		var te *redisconn.TimeoutError
		require.ErrorAs(t, err, &te, "call %d: %v", i, err)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.True(t, redisconn.IsUnreachable(err))
		require.Less(t, took, timeout+slack)
	}

	// The caller's own shorter deadline stays the caller's: not a
	// *TimeoutError, and not "unreachable".
	short, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel2()
	err = w.Do(short, w.B().Get().Key("k").Build()).Error()
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var te *redisconn.TimeoutError
	require.False(t, errors.As(err, &te))
	require.False(t, redisconn.IsUnreachable(err))

	require.NoError(t, srv.Resume())
	require.Eventually(t, func() bool { return w.Do(ctx, w.B().Ping().Build()).Error() == nil }, 10*time.Second, 20*time.Millisecond)
}

func TestBlockingCommandsKeepCallerContext(t *testing.T) {
	ns := devenv.Redis(t)
	w := redisconn.WithTimeout(ns.Client, 100*time.Millisecond)
	ctx := context.Background()
	took, err := timed(func() error {
		return w.Do(ctx, w.B().Blpop().Key(ns.Key("list")).Timeout(0.4).Build()).Error()
	})
	require.True(t, rueidis.IsRedisNil(err), "BLPOP waits its own timeout: %v", err)
	require.GreaterOrEqual(t, took, 400*time.Millisecond)
}

func TestIsUnreachable(t *testing.T) {
	require.False(t, redisconn.IsUnreachable(nil))
	require.False(t, redisconn.IsUnreachable(context.Canceled))
	require.False(t, redisconn.IsUnreachable(context.DeadlineExceeded))
	require.True(t, redisconn.IsUnreachable(&redisconn.TimeoutError{Timeout: time.Second, Err: context.DeadlineExceeded}))
	require.True(t, redisconn.IsUnreachable(errors.New("dial tcp: connection refused")))

	// Replies of a live server, as the packages return them: wrapped with
	// the key or operation. They used to read as "unreachable" once
	// wrapped, so a caller degraded on a WRONGTYPE or a missing key.
	ctx := context.Background()
	r := devenv.Redis(t)
	key := r.Prefix + "list"
	require.NoError(t, r.Client.Do(ctx, r.Client.B().Rpush().Key(key).Element("a").Build()).Error())
	wrongType := r.Client.Do(ctx, r.Client.B().Get().Key(key).Build()).Error()
	require.Error(t, wrongType)
	missing := r.Client.Do(ctx, r.Client.B().Get().Key(r.Prefix+"missing").Build()).Error()
	require.True(t, rueidis.IsRedisNil(missing))
	for _, err := range []error{wrongType, missing} {
		require.False(t, redisconn.IsUnreachable(err), "%v", err)
		require.False(t, redisconn.IsUnreachable(fmt.Errorf("lock %q: %w", "x", err)), "wrapped: %v", err)
		require.False(t, redisconn.IsUnreachable(errors.Join(errors.New("op"), err)), "joined: %v", err)
	}
}

func TestArguments(t *testing.T) {
	require.Nil(t, redisconn.WithTimeout(nil, time.Second))
	_, err := redisconn.NewClient(rueidis.ClientOption{})
	require.Error(t, err)
	_, err = redisconn.ParseURL("")
	require.Error(t, err)
	_, err = redisconn.ParseURL("redis://[::1")
	require.Error(t, err)
	opt := redisconn.FailFast(rueidis.ClientOption{})
	require.Equal(t, redisconn.DialTimeout, opt.Dialer.Timeout)
	require.Equal(t, redisconn.ConnTimeout, opt.ConnWriteTimeout)
	require.NotNil(t, opt.RetryDelay)
	require.Equal(t, 5*time.Second, redisconn.FailFast(rueidis.ClientOption{Dialer: net.Dialer{Timeout: 5 * time.Second}}).Dialer.Timeout,
		"explicit settings are kept")
}

type ctxKey struct{}

// TestPausedServerEachContext: against a paused server each kind of
// caller context gets the wrapper's bound and a *TimeoutError, on Do,
// DoMulti, DoCache and DoMultiCache: context.Background (the shared
// deadline), a context with values that cannot be canceled
// (context.WithoutCancel: the shared deadline with the values), and a
// request's context that can be canceled and has a late deadline
// (context.WithDeadline, armed lazily by DoCache).
func TestPausedServerEachContext(t *testing.T) {
	srv := devenv.StartRedis(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	const timeout = 300 * time.Millisecond
	w := redisconn.WithTimeout(c, timeout)
	require.NoError(t, w.Do(context.Background(), w.B().Ping().Build()).Error())
	require.NoError(t, srv.Pause())
	t.Cleanup(func() { _ = srv.Resume() })

	late, cancel := context.WithTimeout(context.WithValue(context.Background(), ctxKey{}, "v"), time.Minute)
	defer cancel()
	for name, ctx := range map[string]context.Context{
		"background": context.Background(), "withoutCancel": context.WithoutCancel(late), "request": late,
	} {
		for i, call := range []func() error{
			func() error { return w.Do(ctx, w.B().Get().Key("k").Build()).Error() },
			func() error { return w.DoMulti(ctx, w.B().Get().Key("k").Build())[0].Error() },
			func() error { return w.DoCache(ctx, w.B().Get().Key("k"+name).Cache(), time.Minute).Error() },
			func() error {
				return w.DoMultiCache(ctx, rueidis.CT(w.B().Get().Key("m"+name).Cache(), time.Minute))[0].Error()
			},
		} {
			took, err := timed(call)
			var te *redisconn.TimeoutError
			require.ErrorAs(t, err, &te, "%s call %d: %v", name, i, err)
			require.True(t, redisconn.IsUnreachable(err))
			require.Less(t, took, timeout+slack, "%s call %d", name, i)
			require.GreaterOrEqual(t, took, timeout-20*time.Millisecond, "%s call %d ended before its deadline", name, i)
		}
	}
}

// valueClient records the value of ctxKey in the context of each Do and
// DoCache it passes on.
type valueClient struct {
	rueidis.Client
	seen []any
}

func (v *valueClient) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	v.seen = append(v.seen, ctx.Value(ctxKey{}))
	return v.Client.Do(ctx, cmd)
}

func (v *valueClient) DoCache(ctx context.Context, cmd rueidis.Cacheable, ttl time.Duration) rueidis.RedisResult {
	v.seen = append(v.seen, ctx.Value(ctxKey{}))
	return v.Client.DoCache(ctx, cmd, ttl)
}

// TestContextValuesPassThrough: whatever context the wrapper gives a call,
// the caller's values (a trace span, say) reach the wrapped client.
func TestContextValuesPassThrough(t *testing.T) {
	ns := devenv.Redis(t)
	vc := &valueClient{Client: ns.Client}
	w := redisconn.WithTimeout(vc, time.Second)
	withValue := context.WithValue(context.Background(), ctxKey{}, "v")
	request, cancel := context.WithCancel(withValue)
	defer cancel()
	for _, ctx := range []context.Context{withValue, context.WithoutCancel(request), request} {
		require.True(t, rueidis.IsRedisNil(w.Do(ctx, w.B().Get().Key(ns.Key("k")).Build()).Error()))
		require.True(t, rueidis.IsRedisNil(w.DoCache(ctx, w.B().Get().Key(ns.Key("k")).Cache(), time.Minute).Error()))
	}
	require.Equal(t, []any{"v", "v", "v", "v", "v", "v"}, vc.seen)
}

// TestCachedHitAllocatesNothing: a DoCache answered from the client-side
// cache costs the wrapper no allocation, under context.Background and
// under a request's context (the deadline is armed only for a miss).
func TestCachedHitAllocatesNothing(t *testing.T) {
	ns := devenv.Redis(t)
	key := ns.Key("hit")
	require.NoError(t, ns.Client.Do(context.Background(), ns.Client.B().Set().Key(key).Value("v").Build()).Error())
	w := redisconn.WithTimeout(ns.Client, time.Second)
	request, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, ctx := range []context.Context{context.Background(), request} {
		get := func(c rueidis.Client) func() {
			return func() {
				if err := c.DoCache(ctx, c.B().Get().Key(key).Cache(), time.Minute).Error(); err != nil {
					t.Fatal(err)
				}
			}
		}
		get(ns.Client)() // fill the client-side cache
		raw := testing.AllocsPerRun(200, get(ns.Client))
		wrapped := testing.AllocsPerRun(200, get(w))
		require.LessOrEqual(t, wrapped-raw, 0.5, "allocations per cached hit: %v wrapped, %v raw", wrapped, raw)
	}
}

// ownerClient checks that each DoCache reaches it with its caller's
// context: the caller's id (ctxKey) names the key it reads.
type ownerClient struct {
	rueidis.Client
	wrong atomic.Int64
}

func (o *ownerClient) DoCache(ctx context.Context, cmd rueidis.Cacheable, ttl time.Duration) rueidis.RedisResult {
	id, _ := ctx.Value(ctxKey{}).(string)
	if id == "" || !strings.Contains(cmd.Commands()[1], ":"+id+":") {
		o.wrong.Add(1)
	}
	return o.Client.DoCache(ctx, cmd, ttl)
}

// TestConcurrentCachedCalls: 16 goroutines read their own keys through
// DoCache under request contexts (hits, and misses after the writer's
// invalidations) while a writer rewrites the keys. Invariants, under
// -race: no call fails, every value read is one the writer wrote, and
// every call reaches the client with its own caller's context (the
// wrapper reuses the context of a call nobody looked at).
func TestConcurrentCachedCalls(t *testing.T) {
	ns := devenv.Redis(t)
	oc := &ownerClient{Client: ns.Client}
	w := redisconn.WithTimeout(oc, time.Second)
	ctx := context.Background()
	const readers, keys, rounds = 16, 4, 300
	key := func(g, j int) string { return ns.Key(fmt.Sprintf(":%d:k%d", g, j)) }
	for g := range readers {
		for j := range keys {
			require.NoError(t, ns.Client.Do(ctx, ns.Client.B().Set().Key(key(g, j)).Value("0").Build()).Error())
		}
	}
	stop := make(chan struct{})
	var written atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the writer
		defer wg.Done()
		for n := int64(1); ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			g, j := rand.IntN(readers), rand.IntN(keys)
			written.Store(n)
			if err := ns.Client.Do(ctx, ns.Client.B().Set().Key(key(g, j)).Value(strconv.FormatInt(n, 10)).Build()).Error(); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	errs := make(chan error, readers)
	var rg sync.WaitGroup
	for g := range readers {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for i := range rounds {
				rctx, cancel := context.WithCancel(context.WithValue(ctx, ctxKey{}, strconv.Itoa(g)))
				v, err := w.DoCache(rctx, w.B().Get().Key(key(g, i%keys)).Cache(), time.Minute).AsInt64()
				cancel()
				if err != nil {
					errs <- err
					return
				}
				if v < 0 || v > written.Load() {
					errs <- fmt.Errorf("reader %d read %d, never written", g, v)
					return
				}
			}
		}()
	}
	rg.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	require.Zero(t, oc.wrong.Load(), "calls that reached the client with another caller's context")
}
