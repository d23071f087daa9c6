package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/notify"
	"github.com/polystore/polystore/redis/redisconn"
)

// TestRedisDownMidUse stops, kills or pauses a persistent private
// redis-server while 4 goroutines Deliver to one user's durable inbox.
// Invariants: each goroutine's first failure comes within 1s of the fault
// and is redisconn.IsUnreachable; Publish, PublishTopic, PublishMany,
// Deliver and CatchUp then fail the same way within 1s, and Subscribe
// returns within 1s without an error (the subscription is made on the
// next connection), and Close returns within 1s (its handlers are not
// called afterwards); after recovery the inbox holds every acknowledged
// delivery and at most the unanswered ones (and the probe), in strictly
// increasing id order, and the user subscribed during the outage gets what
// is published to them.
func TestRedisDownMidUse(t *testing.T) {
	const timeout = 300 * time.Millisecond
	const bound = time.Second
	devenv.RedisFaults(t, func(t *testing.T, c rueidis.Client, fault *devenv.RedisFault) {
		h := notify.New(c, &notify.Options{Timeout: timeout})
		t.Cleanup(h.Close)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, h.WaitConnected(ctx, 1))
		closing := notify.New(c, &notify.Options{Timeout: timeout})
		require.NoError(t, closing.WaitConnected(ctx, 1))
		calls := make(chan struct{}, 1000)
		_, err := closing.Subscribe(ctx, "u1", func(string, notify.Notification) { calls <- struct{}{} })
		require.NoError(t, err)

		const n = 4
		acked, failed := devenv.MidUse(t, n, bound, func(ctx context.Context, g int) error {
			_, err := h.Deliver(ctx, "u1", "tick", g)
			return err
		}, func() { fault.Fail(t) })
		devenv.RequireFailFast(t, bound, redisconn.IsUnreachable, []devenv.Probe{
			{Name: "Publish", Call: func(ctx context.Context) error { _, _, err := h.Publish(ctx, "u1", "x", nil); return err }},
			{Name: "PublishTopic", Call: func(ctx context.Context) error { _, _, err := h.PublishTopic(ctx, "t", "x", nil); return err }},
			{Name: "PublishMany", Call: func(ctx context.Context) error { return h.PublishMany(ctx, []string{"u1", "u2"}, "x", nil) }},
			{Name: "Deliver", Call: func(ctx context.Context) error { _, err := h.Deliver(ctx, "u1", "tick", -1); return err }},
			{Name: "CatchUp", Call: func(ctx context.Context) error { _, err := h.CatchUp(ctx, "u1", "", 10); return err }},
		}...)
		box := newInbox()
		start := time.Now()
		_, err = h.Subscribe(context.Background(), "u2", box.handle)
		require.NoError(t, err, "Subscribe registers the handler while Redis is down")
		require.Less(t, time.Since(start), bound, "Subscribe with Redis down")

		start = time.Now()
		closing.Close()
		require.Less(t, time.Since(start), bound, "Close with Redis down")
		for len(calls) > 0 {
			<-calls
		}

		fault.Recover(t)
		var total, unanswered int64
		for g := range acked {
			total += acked[g]
			unanswered += failed[g]
		}
		var got []notify.Notification
		require.Eventually(t, func() bool {
			got, err = h.CatchUp(context.Background(), "u1", "", 0)
			return err == nil
		}, 10*time.Second, 20*time.Millisecond)
		require.GreaterOrEqual(t, int64(len(got)), total, "an acknowledged delivery was lost")
		require.LessOrEqual(t, int64(len(got)), total+unanswered+1, "more unanswered deliveries kept than were in flight")
		for i := 1; i < len(got); i++ {
			a, b := idOrder(got[i-1].ID), idOrder(got[i].ID)
			require.True(t, a[0] < b[0] || a[0] == b[0] && a[1] < b[1], "inbox ids increase: %s then %s", got[i-1].ID, got[i].ID)
		}
		publishUntil(t, h, "u2", box)
		require.Empty(t, calls, "a handler of a closed hub was called")
	})
}

// idOrder turns a stream id "ms-seq" into a comparable pair.
func idOrder(id string) [2]int64 {
	var ms, seq int64
	i := 0
	for ; i < len(id) && id[i] != '-'; i++ {
		ms = ms*10 + int64(id[i]-'0')
	}
	for i++; i < len(id); i++ {
		seq = seq*10 + int64(id[i]-'0')
	}
	return [2]int64{ms, seq}
}
