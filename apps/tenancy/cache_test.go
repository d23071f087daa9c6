package tenancy_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/internal/devenv"
)

func TestCacheGenerations(t *testing.T) {
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := tenancy.NewCache(ns.Client, ns.Prefix)
	a, b := uuid.NewString(), uuid.NewString()

	_, gen, ok, err := c.Get(ctx, a, "projects")
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, "0", gen)
	stored, err := c.Set(ctx, a, "projects", gen, []byte("A's list"), time.Minute)
	require.NoError(t, err)
	require.True(t, stored)
	v, _, ok, err := c.Get(ctx, a, "projects")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "A's list", string(v))

	// Same key, other tenant: a different key, a miss.
	_, _, ok, err = c.Get(ctx, b, "projects")
	require.NoError(t, err)
	require.False(t, ok)

	// Many keys, one Clear: every one of them is a miss afterwards, B's
	// values stay.
	for i := range 200 {
		_, err := c.Set(ctx, a, "k"+strconv.Itoa(i), "0", []byte("x"), time.Minute)
		require.NoError(t, err)
	}
	_, err = c.Set(ctx, b, "projects", "0", []byte("B's list"), time.Minute)
	require.NoError(t, err)
	require.NoError(t, c.Clear(ctx, a))
	for i := range 200 {
		_, _, ok, err := c.Get(ctx, a, "k"+strconv.Itoa(i))
		require.NoError(t, err)
		require.False(t, ok, "k%d survived Clear", i)
	}
	v, _, ok, err = c.Get(ctx, b, "projects")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "B's list", string(v))

	// A value loaded before a Clear is not stored after it.
	_, gen, _, err = c.Get(ctx, a, "late")
	require.NoError(t, err)
	require.NoError(t, c.Clear(ctx, a))
	stored, err = c.Set(ctx, a, "late", gen, []byte("stale"), time.Minute)
	require.NoError(t, err)
	require.False(t, stored)
	_, _, ok, err = c.Get(ctx, a, "late")
	require.NoError(t, err)
	require.False(t, ok)

	// Values expire by their TTL (old generations need no sweeper).
	ttl, err := ns.Client.Do(ctx, ns.Client.B().Pttl().Key(ns.Prefix+"{"+a+"}:k:k0").Build()).AsInt64()
	require.NoError(t, err)
	require.Positive(t, ttl)

	// Bad input is refused before any command.
	_, _, _, err = c.Get(ctx, "not-a-uuid", "x")
	require.ErrorIs(t, err, tenancy.ErrInvalidTenant)
	_, _, _, err = c.Get(ctx, a, "")
	require.ErrorIs(t, err, tenancy.ErrCacheKey)
	require.ErrorIs(t, c.Clear(ctx, "{x}"), tenancy.ErrInvalidTenant)
}
