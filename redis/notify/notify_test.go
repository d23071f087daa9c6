package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/notify"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// inbox collects notifications delivered to a handler.
type inbox struct {
	mu  sync.Mutex
	got []notify.Notification
	ch  chan notify.Notification
}

func newInbox() *inbox { return &inbox{ch: make(chan notify.Notification, 1000)} }

func (b *inbox) handle(_ string, n notify.Notification) {
	b.mu.Lock()
	b.got = append(b.got, n)
	b.mu.Unlock()
	b.ch <- n
}

func (b *inbox) next(t *testing.T) notify.Notification {
	t.Helper()
	select {
	case n := <-b.ch:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no notification within 10s")
	}
	return notify.Notification{}
}

func newHub(t *testing.T, c rueidis.Client, prefix string) *notify.Hub {
	t.Helper()
	h := notify.New(c, &notify.Options{Prefix: prefix})
	t.Cleanup(h.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, h.WaitConnected(ctx, 1))
	return h
}

func TestPublishSubscribe(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	h := newHub(t, ns.Client, ns.Prefix)

	a1, a2, b := newInbox(), newInbox(), newInbox()
	un1, err := h.Subscribe(ctx, "alice", a1.handle)
	require.NoError(t, err)
	_, err = h.Subscribe(ctx, "alice", a2.handle)
	require.NoError(t, err)
	_, err = h.Subscribe(ctx, "bob", b.handle)
	require.NoError(t, err)

	sent, recv, err := h.Publish(ctx, "alice", "order.shipped", map[string]int{"order": 7})
	require.NoError(t, err)
	requireReceivers(t, recv, "one shared subscriber connection for all local handlers")
	for _, box := range []*inbox{a1, a2} {
		n := box.next(t)
		require.Equal(t, sent.ID, n.ID)
		require.Equal(t, "order.shipped", n.Type)
		require.JSONEq(t, `{"order":7}`, string(n.Data))
		require.WithinDuration(t, sent.Timestamp, n.Timestamp, time.Millisecond)
	}

	un1()
	un1() // idempotent
	_, _, err = h.Publish(ctx, "alice", "second", nil)
	require.NoError(t, err)
	require.Equal(t, "second", a2.next(t).Type)

	require.NoError(t, h.PublishMany(ctx, []string{"alice", "bob"}, "broadcast", "hi"))
	require.Equal(t, "broadcast", a2.next(t).Type)
	require.Equal(t, "broadcast", b.next(t).Type)
	a1.mu.Lock()
	require.Len(t, a1.got, 1, "an unsubscribed handler gets nothing more")
	a1.mu.Unlock()

	_, _, err = h.Publish(ctx, "", "x", nil)
	require.ErrorIs(t, err, notify.ErrInvalid)
	// A bad subscription says which argument is missing.
	noop := func(string, notify.Notification) {}
	_, err = h.Subscribe(ctx, "", noop)
	require.ErrorIs(t, err, notify.ErrInvalid)
	require.ErrorContains(t, err, "empty user id")
	_, err = h.Subscribe(ctx, "alice", nil)
	require.ErrorContains(t, err, `nil handler for user id "alice"`)
	_, err = h.SubscribePattern(ctx, "", noop)
	require.ErrorContains(t, err, "empty pattern")
	_, err = h.SubscribePattern(ctx, "user:*", nil)
	require.ErrorContains(t, err, `nil handler for pattern "user:*"`)
}

func TestPatternSubscription(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	h := newHub(t, ns.Client, ns.Prefix)
	teams := newInbox()
	_, err := h.SubscribePattern(ctx, "topic:team-*", teams.handle)
	require.NoError(t, err)
	_, _, err = h.PublishTopic(ctx, "team-red", "alert", 1)
	require.NoError(t, err)
	_, _, err = h.PublishTopic(ctx, "ops", "ignored", 2)
	require.NoError(t, err)
	_, _, err = h.PublishTopic(ctx, "team-blue", "alert", 3)
	require.NoError(t, err)
	// On Redis Cluster a PUBLISH may enter through any node and travels the
	// cluster bus, so two publishes can arrive in either order.
	got := []string{string(teams.next(t).Data), string(teams.next(t).Data)}
	if devenv.ClusterRequested() {
		slices.Sort(got)
	}
	require.Equal(t, []string{"1", "3"}, got)
}

// publishUntil publishes until box receives one of the new messages: the
// subscriber has come back.
func publishUntil(t *testing.T, h *notify.Hub, user string, box *inbox) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		sent, _, err := h.Publish(ctx, user, "ping", nil)
		cancel()
		if err == nil {
			select {
			case n := <-box.ch:
				if n.ID == sent.ID {
					return
				}
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	t.Fatal("subscriber never came back")
}

// privateHub returns a hub on a private redis-server that the test may
// kill clients of, stop and restart.
func privateHub(t *testing.T) (*devenv.RedisProcess, rueidis.Client, *notify.Hub) {
	t.Helper()
	srv := devenv.StartRedis(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return srv, c, newHub(t, c, "n:")
}

func TestResubscribeAfterClientKill(t *testing.T) {
	ctx := context.Background()
	_, c, h := privateHub(t)
	box, pats := newInbox(), newInbox()
	_, err := h.Subscribe(ctx, "u1", box.handle)
	require.NoError(t, err)
	_, err = h.SubscribePattern(ctx, "user:*", pats.handle)
	require.NoError(t, err)
	publishUntil(t, h, "u1", box)

	n, err := c.Do(ctx, c.B().Arbitrary("CLIENT", "KILL", "TYPE", "pubsub").Build()).AsInt64()
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "the one shared subscriber connection")
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, h.WaitConnected(wctx, 2))
	publishUntil(t, h, "u1", box)
	_, _, err = h.Publish(ctx, "u7", "pattern-after-kill", nil)
	require.NoError(t, err)
	for pats.next(t).Type != "pattern-after-kill" {
	}
}

func TestResubscribeAfterServerRestart(t *testing.T) {
	ctx := context.Background()
	srv, _, h := privateHub(t)
	box := newInbox()
	_, err := h.Subscribe(ctx, "u1", box.handle)
	require.NoError(t, err)
	publishUntil(t, h, "u1", box)

	require.NoError(t, srv.Stop())
	require.NoError(t, srv.Restart(ctx))
	publishUntil(t, h, "u1", box)
}

func TestDurableInboxCatchUp(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	h := newHub(t, ns.Client, ns.Prefix)
	live := newInbox()
	un, err := h.Subscribe(ctx, "dana", live.handle)
	require.NoError(t, err)
	first, err := h.Deliver(ctx, "dana", "welcome", map[string]string{"lang": "en"})
	require.NoError(t, err)
	got := live.next(t)
	require.Equal(t, first.ID, got.ID, "live copy carries the stream id")
	un() // dana goes offline

	var missed []string
	for i := range 5 {
		n, err := h.Deliver(ctx, "dana", "missed", i)
		require.NoError(t, err)
		missed = append(missed, n.ID)
	}
	back, err := h.CatchUp(ctx, "dana", got.ID, 0)
	require.NoError(t, err)
	require.Len(t, back, 5)
	for i, n := range back {
		require.Equal(t, missed[i], n.ID)
		require.Equal(t, "missed", n.Type)
		var v int
		require.NoError(t, json.Unmarshal(n.Data, &v))
		require.Equal(t, i, v)
	}
	all, err := h.CatchUp(ctx, "dana", "", 2)
	require.NoError(t, err)
	require.Equal(t, first.ID, all[0].ID)
	require.Len(t, all, 2)
}

func TestInboxIsCapped(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	h := notify.New(ns.Client, &notify.Options{Prefix: ns.Prefix, InboxMaxLen: 10})
	t.Cleanup(h.Close)
	for i := range 1000 {
		_, err := h.Deliver(ctx, "eve", "n", i)
		require.NoError(t, err)
	}
	n, err := ns.Client.Do(ctx, ns.Client.B().Xlen().Key(ns.Prefix+"inbox:eve").Build()).AsInt64()
	require.NoError(t, err)
	require.Less(t, n, int64(200))
}

// Many handlers subscribed concurrently share one connection and each gets
// exactly the notifications of its own user.
func TestManyHandlersOneConnection(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	h := newHub(t, ns.Client, ns.Prefix)
	const users = 100
	boxes := make([]*inbox, users)
	ids := make([]string, users)
	var wg sync.WaitGroup
	for i := range users {
		boxes[i], ids[i] = newInbox(), fmt.Sprint("u", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.Subscribe(ctx, ids[i], boxes[i].handle)
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	for _, u := range []string{"u0", "u50", "u99"} {
		_, recv, err := h.Publish(ctx, u, "probe", nil)
		require.NoError(t, err)
		requireReceivers(t, recv, "one subscriber connection")
	}
	require.NoError(t, h.PublishMany(ctx, ids, "all", nil))
	for i, b := range boxes {
		got := []string{b.next(t).Type}
		if i == 0 || i == 50 || i == 99 {
			got = append(got, b.next(t).Type)
			if devenv.ClusterRequested() {
				// Publishes entering through different nodes may cross.
				slices.Sort(got)
				require.Equal(t, []string{"all", "probe"}, got, "user %d", i)
				continue
			}
			require.Equal(t, []string{"probe", "all"}, got, "user %d", i)
		} else {
			require.Equal(t, []string{"all"}, got, "user %d", i)
		}
	}
}

// requireReceivers checks PUBLISH's receiver count: exactly one subscriber
// connection on a single server. On Redis Cluster PUBLISH counts only the
// subscribers of the node that took it, so the count is 0 or 1 there and
// the tests check delivery itself.
func requireReceivers(t *testing.T, recv int64, msg string) {
	t.Helper()
	if devenv.ClusterRequested() {
		require.LessOrEqual(t, recv, int64(1), msg)
		return
	}
	require.Equal(t, int64(1), recv, msg)
}

// Every call on a closed Hub returns ErrClosed and sends nothing: a
// publish after Close reaches no subscriber of another hub.
func TestClosedHub(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	listener := newHub(t, ns.Client, ns.Prefix)
	got := newInbox()
	unsub, err := listener.Subscribe(ctx, "u1", got.handle)
	require.NoError(t, err)
	defer unsub()

	h := notify.New(ns.Client, &notify.Options{Prefix: ns.Prefix})
	h.Close()
	_, _, err = h.Publish(ctx, "u1", "t", 1)
	require.ErrorIs(t, err, notify.ErrClosed)
	_, _, err = h.PublishTopic(ctx, "x", "t", 1)
	require.ErrorIs(t, err, notify.ErrClosed)
	require.ErrorIs(t, h.PublishMany(ctx, []string{"u1"}, "t", 1), notify.ErrClosed)
	_, err = h.Deliver(ctx, "u1", "t", 1)
	require.ErrorIs(t, err, notify.ErrClosed)
	_, err = h.Subscribe(ctx, "u1", got.handle)
	require.ErrorIs(t, err, notify.ErrClosed)

	// The open hub still works, and saw none of the refused publishes.
	_, n, err := listener.Publish(ctx, "u1", "after", 2)
	require.NoError(t, err)
	requireReceivers(t, n, "the listener's one connection")
	require.Equal(t, "after", got.next(t).Type)
}
