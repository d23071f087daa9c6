package revoke_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/revoke"
)

// TestRedisDownMidUse stops, kills or pauses a persistent private
// redis-server while 4 goroutines revoke tokens. Invariants: each
// goroutine's first failure comes within 1s of the fault and is
// revoke.IsUnavailable; Check, Verify, Revoke, RevokeToken and RevokeUser
// then fail the same way within 1s, and a FailOpen store's Check accepts
// within 1s (the documented fallback); after recovery every acknowledged
// revocation is still refused, with a TTL no later than the token's exp.
func TestRedisDownMidUse(t *testing.T) {
	const bound = time.Second
	devenv.RedisFaults(t, func(t *testing.T, c rueidis.Client, fault *devenv.RedisFault) {
		store := revoke.New(c, &revoke.Options{Timeout: 300 * time.Millisecond})
		open := revoke.New(c, &revoke.Options{Timeout: 300 * time.Millisecond, FailOpen: true})
		v := revoke.NewVerifier(store, keyfunc)
		now := time.Now()
		exp := now.Add(time.Hour)
		var mu sync.Mutex
		var revoked []string
		var next [4]int
		_, _ = devenv.MidUse(t, 4, bound, func(ctx context.Context, g int) error {
			jti := strconv.Itoa(g) + "-" + strconv.Itoa(next[g])
			next[g]++
			err := store.Revoke(ctx, jti, exp)
			if err == nil {
				mu.Lock()
				revoked = append(revoked, jti)
				mu.Unlock()
			} else if !revoke.IsUnavailable(err) {
				t.Errorf("Revoke: %v is not IsUnavailable", err)
			}
			return err
		}, func() { fault.Fail(t) })
		token := sign(t, claims("fresh", "u", now, exp))
		fresh := revoke.Claims{ID: "fresh", Subject: "u", IssuedAt: now, ExpiresAt: exp}
		devenv.RequireFailFast(t, bound, revoke.IsUnavailable, []devenv.Probe{
			{Name: "Check", Call: func(ctx context.Context) error { return store.Check(ctx, fresh) }},
			{Name: "Verify", Call: func(ctx context.Context) error { _, err := v.Verify(ctx, token); return err }},
			{Name: "Revoke", Call: func(ctx context.Context) error { return store.Revoke(ctx, "probe", exp) }},
			{Name: "RevokeToken", Call: func(ctx context.Context) error { return v.RevokeToken(ctx, token) }},
			{Name: "RevokeUser", Call: func(ctx context.Context) error { return store.RevokeUser(ctx, "nobody") }},
		}...)
		start := time.Now()
		require.NoError(t, open.Check(context.Background(), fresh), "a FailOpen store accepts while Redis is down")
		require.Less(t, time.Since(start), bound)

		fault.Recover(t)
		ctx := context.Background()
		require.Eventually(t, func() bool {
			err := store.Check(ctx, revoke.Claims{ID: "other", ExpiresAt: exp})
			return err == nil
		}, 10*time.Second, 20*time.Millisecond)
		require.NotEmpty(t, revoked)
		for _, jti := range revoked {
			require.ErrorIs(t, store.Check(ctx, revoke.Claims{ID: jti, ExpiresAt: exp}), revoke.ErrRevoked, "jti %s", jti)
			ttl, err := c.Do(ctx, c.B().Pttl().Key("revoke:jti:"+jti).Build()).AsInt64()
			require.NoError(t, err)
			require.Positive(t, ttl)
			require.LessOrEqual(t, ttl, time.Hour.Milliseconds())
		}
	})
}
