package vercache_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/vercache"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type oid [12]byte

func (o oid) Hex() string { return "0102" }

func TestID(t *testing.T) {
	same := [][]any{
		{int32(5), int64(5), uint8(5), 5.0},
		{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
			[16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}},
	}
	for _, group := range same {
		first, ok := vercache.ID(group[0])
		require.True(t, ok)
		for _, v := range group[1:] {
			got, ok := vercache.ID(v)
			require.True(t, ok, "%T", v)
			require.Equal(t, first, got, "%#v", v)
		}
	}
	a, _ := vercache.ID("abc")
	b, _ := vercache.ID("abd")
	require.NotEqual(t, a, b)
	h, ok := vercache.ID(oid{})
	require.True(t, ok)
	require.Equal(t, "x0102", h, "ObjectIDs by their hex")
	for _, v := range []any{nil, 1.5, []int{1}, struct{}{}, map[string]int{}} {
		_, ok := vercache.ID(v)
		require.False(t, ok, "%#v", v)
	}
}

func TestFingerprint(t *testing.T) {
	a, err := vercache.Fingerprint("find", map[string]any{"a": 1, "b": "x"})
	require.NoError(t, err)
	b, err := vercache.Fingerprint("find", map[string]any{"b": "x", "a": 1})
	require.NoError(t, err)
	require.Equal(t, a, b, "map order does not matter")
	c, err := vercache.Fingerprint("find", map[string]any{"a": int64(1), "b": "x"})
	require.NoError(t, err)
	require.NotEqual(t, a, c, "types matter")
	_, err = vercache.Fingerprint(func() {})
	require.ErrorIs(t, err, vercache.ErrUnkeyable)
}

// TestVersions: an id read survives a write to another id and a write
// naming no id of another model; it ends with a write to its id or a wide
// write to its model. A model read ends with every write to its model.
func TestVersions(t *testing.T) {
	ns := devenv.Redis(t)
	s, err := vercache.New(ns.Client, vercache.Config{Prefix: ns.Prefix, TTL: time.Minute})
	require.NoError(t, err)
	ctx := context.Background()
	loads := 0
	get := func(deps vercache.Deps) {
		_, err := vercache.Get(ctx, s, "k", deps, 0, func(context.Context) (int, error) { loads++; return 1, nil })
		require.NoError(t, err)
	}
	byID := vercache.Deps{IDModel: "M", IDs: []string{"a"}}
	whole := vercache.Deps{Models: []string{"M"}}
	fresh := func(d vercache.Deps) bool { before := loads; get(d); return loads > before }
	require.True(t, fresh(byID))
	require.True(t, fresh(whole))
	require.False(t, fresh(byID))
	require.NoError(t, s.Bump(ctx, []vercache.Write{{Model: "M", IDs: []string{"b"}}}))
	require.False(t, fresh(byID), "a write to b")
	require.True(t, fresh(whole))
	require.NoError(t, s.Bump(ctx, []vercache.Write{{Model: "Other", All: true}}))
	require.False(t, fresh(byID))
	require.False(t, fresh(whole))
	require.NoError(t, s.Bump(ctx, []vercache.Write{{Model: "M", IDs: []string{"a"}}}))
	require.True(t, fresh(byID), "a write to a")
	require.NoError(t, s.Bump(ctx, []vercache.Write{{Model: "M", All: true}}))
	require.True(t, fresh(byID), "a wide write")
	require.True(t, fresh(whole))

	pttl, err := ns.Client.Do(ctx, ns.Client.B().Pttl().Key(ns.Prefix+"i:{M}:a").Build()).AsInt64()
	require.NoError(t, err)
	require.Greater(t, pttl, vercache.MaxTTL.Milliseconds(), "id versions outlive every entry")

	_, err = vercache.Get(ctx, s, "k", byID, vercache.MaxTTL+time.Second, func(context.Context) (int, error) { return 1, nil })
	require.Error(t, err)
	_, err = vercache.New(ns.Client, vercache.Config{Prefix: ns.Prefix, TTL: 2 * vercache.MaxTTL})
	require.Error(t, err)
	_, err = vercache.New(nil, vercache.Config{})
	require.Error(t, err)
}
