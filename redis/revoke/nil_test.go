package revoke_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/redis/revoke"
)

// TestNilArguments checks that a Store or Verifier built from nil
// arguments, and nil receivers, answer ErrInvalid instead of panicking.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	key := func(*jwt.Token) (any, error) { return []byte("k"), nil }
	good, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		ID: "j", ExpiresAt: jwt.NewNumericDate(exp), IssuedAt: jwt.NewNumericDate(time.Now()),
	}).SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	nilClient := revoke.New(nil, nil)
	var nilStore *revoke.Store
	var nilVerifier *revoke.Verifier
	cases := []struct {
		name string
		call func() error
	}{
		{"New(nil).Revoke", func() error { return nilClient.Revoke(ctx, "j", exp) }},
		{"New(nil).RevokeUser", func() error { return nilClient.RevokeUser(ctx, "u") }},
		{"New(nil).Check", func() error { return nilClient.Check(ctx, revoke.Claims{ID: "j", ExpiresAt: exp}) }},
		{"nil Store.Revoke", func() error { return nilStore.Revoke(ctx, "j", exp) }},
		{"nil Store.RevokeUser", func() error { return nilStore.RevokeUser(ctx, "u") }},
		{"nil Store.Check", func() error { return nilStore.Check(ctx, revoke.Claims{}) }},
		{"NewVerifier(nil).Verify", func() error { _, err := revoke.NewVerifier(nil, key).Verify(ctx, good); return err }},
		{"NewVerifier(nil).RevokeToken", func() error { return revoke.NewVerifier(nil, key).RevokeToken(ctx, good) }},
		{"NewVerifier(nil client).Verify", func() error { _, err := revoke.NewVerifier(nilClient, key).Verify(ctx, good); return err }},
		{"NewVerifier(nil client).RevokeToken", func() error { return revoke.NewVerifier(nilClient, key).RevokeToken(ctx, good) }},
		{"NewVerifier(nil keyfunc).Verify", func() error { _, err := revoke.NewVerifier(nilClient, nil).Verify(ctx, "a.b.c"); return err }},
		{"nil Verifier.Verify", func() error { _, err := nilVerifier.Verify(ctx, "a.b.c"); return err }},
		{"nil Verifier.RevokeToken", func() error { return nilVerifier.RevokeToken(ctx, "a.b.c") }},
		{"BearerToken(nil)", func() error { _, err := revoke.BearerToken(nil); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), revoke.ErrInvalid)
		})
	}

	t.Run("nil Verifier.Middleware", func(t *testing.T) {
		called := false
		h := nilVerifier.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+good)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if called || w.Code != http.StatusInternalServerError {
			t.Fatalf("code %d, next called %v; want 500 and not called", w.Code, called)
		}
	})
}
