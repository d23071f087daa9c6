package cache_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/redis/cache"
)

// TestNilArguments checks that a nil *Cache or *WriteBehind, and the other
// nil arguments, get an error wrapping ErrInvalid instead of a panic.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	var c *cache.Cache
	var w *cache.WriteBehind
	load := func(context.Context) (int, error) { return 1, nil }
	loadMany := func(context.Context, []string) (map[string]int, error) { return nil, nil }
	store := func(context.Context, int) error { return nil }
	flush := func(context.Context, []cache.Write) error { return nil }
	cases := []struct {
		name string
		call func() error
	}{
		{"New(nil)", func() error { _, err := cache.New(nil, cache.Config{}); return err }},
		{"Get", func() error { _, err := cache.Get(ctx, c, "k", load, nil); return err }},
		{"Get nil loader", func() error { _, err := cache.Get[int](ctx, c, "k", nil, nil); return err }},
		{"GetMany", func() error { _, err := cache.GetMany(ctx, c, []string{"k"}, loadMany, nil); return err }},
		{"GetMany empty", func() error { _, err := cache.GetMany[int](ctx, c, nil, nil, nil); return err }},
		{"WriteThrough", func() error { return cache.WriteThrough(ctx, c, "k", 1, store, nil) }},
		{"Set", func() error { return c.Set(ctx, "k", 1, nil) }},
		{"Delete", func() error { return c.Delete(ctx, "k") }},
		{"InvalidateTag", func() error { _, err := c.InvalidateTag(ctx, "t"); return err }},
		{"Clear", func() error { _, err := c.Clear(ctx, "ns"); return err }},
		{"Namespace", func() error { _, err := c.Namespace("ns"); return err }},
		{"NewWriteBehind", func() error { _, err := cache.NewWriteBehind(c, cache.WriteBehindConfig{}); return err }},
		{"WriteBehind.Write", func() error { return w.Write(ctx, "k", 1, nil) }},
		{"WriteBehind.Pending", func() error { _, err := w.Pending(ctx); return err }},
		{"WriteBehind.Run", func() error { return w.Run(ctx, flush) }},
		{"WriteBehind.Decode", func() error { var v int; return w.Decode(cache.Write{}, &v) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.call(), cache.ErrInvalid)
		})
	}
	if c.Stats() != (cache.Stats{}) || c.Degraded() || c.Key("k") != "" {
		t.Fatal("a nil Cache's Stats, Degraded and Key must be zero")
	}
}
