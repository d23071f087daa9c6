package notify_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/redis/notify"
)

// TestNilArguments checks that a Hub from a nil client starts no loop and
// answers ErrInvalid, like a nil *Hub, instead of panicking.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	before := runtime.NumGoroutine()
	const n = 50
	hubs := make([]*notify.Hub, n)
	for i := range hubs {
		hubs[i] = notify.New(nil, nil)
	}
	// A loop per Hub would add n goroutines; other tests' stragglers may
	// come and go, but not that many.
	if after := runtime.NumGoroutine(); after-before >= n {
		t.Fatalf("New(nil) started goroutines: %d before, %d after %d hubs", before, after, n)
	}
	h := hubs[0]
	var nilHub *notify.Hub
	handler := func(string, notify.Notification) {}
	for _, hub := range []struct {
		name string
		h    *notify.Hub
	}{{"New(nil)", h}, {"nil Hub", nilHub}} {
		cases := []struct {
			name string
			call func() error
		}{
			{"Publish", func() error { _, _, err := hub.h.Publish(ctx, "u", "t", 1); return err }},
			{"PublishTopic", func() error { _, _, err := hub.h.PublishTopic(ctx, "x", "t", 1); return err }},
			{"PublishMany", func() error { return hub.h.PublishMany(ctx, []string{"u"}, "t", 1) }},
			{"Subscribe", func() error { _, err := hub.h.Subscribe(ctx, "u", handler); return err }},
			{"SubscribePattern", func() error { _, err := hub.h.SubscribePattern(ctx, "user:*", handler); return err }},
			{"Deliver", func() error { _, err := hub.h.Deliver(ctx, "u", "t", 1); return err }},
			{"CatchUp", func() error { _, err := hub.h.CatchUp(ctx, "u", "", 0); return err }},
			{"WaitConnected", func() error { return hub.h.WaitConnected(ctx, 1) }},
		}
		for _, c := range cases {
			t.Run(hub.name+"."+c.name, func(t *testing.T) {
				require.ErrorIs(t, c.call(), notify.ErrInvalid)
			})
		}
	}
	if got := nilHub.UserChannel("u"); got != notify.DefaultPrefix+"user:u" {
		t.Fatalf("nil Hub UserChannel = %q", got)
	}
	nilHub.Close()
	for _, h := range hubs {
		h.Close()
		h.Close()
	}
}
