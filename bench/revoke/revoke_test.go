// Package revoke_test compares a polystore revocation check (jti and
// per-user "not before" in one MGET) with one raw rueidis EXISTS round trip
// (impl=raw, the floor), and the full Verify (jwt/v5 parse + HMAC + check)
// with jwt/v5 parsing alone (impl=raw).
package revoke_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/revoke"
)

var prefix = devenv.UniqueName("bench:revoke:") + ":"

func TestMain(m *testing.M) { redisbench.Main(m, prefix) }

func both(b *testing.B, f func(ctx context.Context, i int64) error) {
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		var i int64
		for b.Loop() {
			i++
			if err := f(ctx, i); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := f(ctx, n.Add(1)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func BenchmarkCheck(b *testing.B) {
	c := redisbench.Client(b)
	s := revoke.New(c, &revoke.Options{Prefix: prefix})
	exp := time.Now().Add(time.Hour)
	iat := time.Now()
	b.Run("impl=raw", func(b *testing.B) {
		both(b, func(ctx context.Context, i int64) error {
			return c.Do(ctx, c.B().Exists().Key(prefix+"jti:"+strconv.FormatInt(i&1023, 10)).Build()).Error()
		})
	})
	b.Run("impl=polystore", func(b *testing.B) {
		both(b, func(ctx context.Context, i int64) error {
			return s.Check(ctx, revoke.Claims{ID: strconv.FormatInt(i&1023, 10), Subject: "u" + strconv.FormatInt(i&127, 10), IssuedAt: iat, ExpiresAt: exp})
		})
	})
}

func BenchmarkVerify(b *testing.B) {
	c := redisbench.Client(b)
	secret := []byte("bench-secret")
	kf := func(*jwt.Token) (any, error) { return secret, nil }
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{ID: "j1", Subject: "u1",
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}).SignedString(secret)
	if err != nil {
		b.Fatal(err)
	}
	v := revoke.NewVerifier(revoke.New(c, &revoke.Options{Prefix: prefix}), kf)
	p := jwt.NewParser()
	b.Run("impl=raw", func(b *testing.B) {
		both(b, func(ctx context.Context, i int64) error {
			_, err := p.ParseWithClaims(tok, &jwt.RegisteredClaims{}, kf)
			return err
		})
	})
	b.Run("impl=polystore", func(b *testing.B) {
		both(b, func(ctx context.Context, i int64) error {
			_, err := v.Verify(ctx, tok)
			return err
		})
	})
}
