package lock_test

import (
	"context"
	"testing"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/lock"
)

// TestNilArguments checks that nil clients, nil receivers, nil callbacks
// and an empty FencedSet key get an error wrapping ErrInvalid instead of a
// panic.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	fromNil := lock.New(nil, nil)
	var nilLocker *lock.Locker
	var nilLock *lock.Lock
	var nilSem *lock.Semaphore
	var nilPermit *lock.Permit
	var nilGuard *lock.Guard
	noop := func() error { return nil }
	cases := []struct {
		name string
		call func() error
	}{
		{"New(nil).TryAcquire", func() error { _, err := fromNil.TryAcquire(ctx, "k", nil); return err }},
		{"New(nil).Acquire", func() error { _, err := fromNil.Acquire(ctx, "k", nil); return err }},
		{"New(nil).WithLock", func() error {
			return fromNil.WithLock(ctx, "k", nil, func(context.Context, int64) error { return nil })
		}},
		{"nil Locker.TryAcquire", func() error { _, err := nilLocker.TryAcquire(ctx, "k", nil); return err }},
		{"nil Locker.Acquire", func() error { _, err := nilLocker.Acquire(ctx, "k", nil); return err }},
		{"nil Locker.WithLock", func() error {
			return nilLocker.WithLock(ctx, "k", nil, func(context.Context, int64) error { return nil })
		}},
		{"WithLock nil fn", func() error { return fromNil.WithLock(ctx, "k", nil, nil) }},
		{"NewRedlock(nil)", func() error { _, err := lock.NewRedlock(nil, nil); return err }},
		{"NewRedlock([nil])", func() error { _, err := lock.NewRedlock([]rueidis.Client{nil}, nil); return err }},
		{"nil Lock.Extend", func() error { return nilLock.Extend(ctx, 0) }},
		{"nil Lock.Release", func() error { return nilLock.Release(ctx) }},
		{"nil Lock.Context", func() error { return context.Cause(nilLock.Context()) }},
		{"NewSemaphore(nil)", func() error { _, err := lock.NewSemaphore(nil, lock.SemaphoreOptions{Limit: 1}); return err }},
		{"NewSemaphore zero limit", func() error { _, err := lock.NewSemaphore(nil, lock.SemaphoreOptions{}); return err }},
		{"nil Semaphore.TryAcquire", func() error { _, err := nilSem.TryAcquire(ctx, "k", nil); return err }},
		{"nil Semaphore.Acquire", func() error { _, err := nilSem.Acquire(ctx, "k", nil); return err }},
		{"nil Permit.Extend", func() error { return nilPermit.Extend(ctx, 0) }},
		{"nil Permit.Release", func() error { return nilPermit.Release(ctx) }},
		{"nil Permit.Context", func() error { return context.Cause(nilPermit.Context()) }},
		{"nil Guard.Admit", func() error { return nilGuard.Admit("r", 1) }},
		{"nil Guard.Do", func() error { return nilGuard.Do("r", 1, noop) }},
		{"Guard.Do nil write", func() error { return lock.NewGuard().Do("r", 1, nil) }},
		{"FencedSet(nil)", func() error { return lock.FencedSet(ctx, nil, "k", 1, "v") }},
		{"FencedSet(empty key)", func() error { return lock.FencedSet(ctx, devenv.Redis(t).Client, "", 1, "v") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), lock.ErrInvalid)
		})
	}
	require.False(t, nilLock.Name() != "" || nilLock.Fence() != 0 || nilPermit.Slot() != 0 || nilPermit.Fence() != 0 ||
		nilPermit.Resource("r") != "r#0", "nil Lock/Permit accessors must return zero values")
}

// TestZeroGuard checks that the zero Guard works like NewGuard's.
func TestZeroGuard(t *testing.T) {
	var g lock.Guard
	require.NoError(t, g.Admit("r", 2))
	if err := g.Admit("r", 1); !lock.IsStaleFence(err) {
		t.Fatalf("err = %v, want a stale fence", err)
	}
}
