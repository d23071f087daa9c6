package revoke_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/testclock"
	"github.com/polystore/polystore/redis/revoke"
)

func TestMain(m *testing.M) { devenv.Main(m) }

var secret = []byte("test-secret")

func keyfunc(*jwt.Token) (any, error) { return secret, nil }

func sign(t testing.TB, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
	require.NoError(t, err)
	return s
}

func claims(jti, sub string, iat, exp time.Time) jwt.MapClaims {
	return jwt.MapClaims{"jti": jti, "sub": sub, "iat": iat.Unix(), "exp": exp.Unix()}
}

func TestRevokedThroughOneClientRejectedByAnother(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	a := revoke.New(ns.Client, &revoke.Options{Prefix: ns.Prefix})
	b := revoke.New(ns.NewClient(nil), &revoke.Options{Prefix: ns.Prefix})
	now := time.Now()
	c := revoke.Claims{ID: "t1", Subject: "u1", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}

	require.NoError(t, b.Check(ctx, c))
	before := time.Now()
	require.NoError(t, a.Revoke(ctx, c.ID, c.ExpiresAt))
	err := b.Check(ctx, c)
	require.ErrorIs(t, err, revoke.ErrRevoked)
	require.True(t, revoke.IsRevoked(err))

	// The revocation lives exactly as long as the token would.
	pttl, err := ns.Client.Do(ctx, ns.Client.B().Pttl().Key(ns.Prefix+"jti:t1").Build()).AsInt64()
	require.NoError(t, err)
	require.Greater(t, pttl, int64(0))
	require.LessOrEqual(t, pttl, c.ExpiresAt.Sub(before).Milliseconds(), "never longer than the token lives")

	// Other tokens are untouched.
	require.NoError(t, b.Check(ctx, revoke.Claims{ID: "t2", ExpiresAt: c.ExpiresAt}))
}

func TestRevocationExpiresWithTheToken(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	s := revoke.New(ns.Client, &revoke.Options{Prefix: ns.Prefix})
	exp := time.Now().Add(150 * time.Millisecond)
	require.NoError(t, s.Revoke(ctx, "short", exp))
	require.ErrorIs(t, s.Check(ctx, revoke.Claims{ID: "short", ExpiresAt: exp}), revoke.ErrRevoked)
	// No sweeper: Redis drops the key on its own.
	require.Eventually(t, func() bool {
		n, err := ns.Client.Do(ctx, ns.Client.B().Exists().Key(ns.Prefix+"jti:short").Build()).AsInt64()
		return err == nil && n == 0
	}, 10*time.Second, 20*time.Millisecond)

	// Already expired: nothing stored.
	require.NoError(t, s.Revoke(ctx, "old", time.Now().Add(-time.Minute)))
	n, err := ns.Client.Do(ctx, ns.Client.B().Exists().Key(ns.Prefix+"jti:old").Build()).AsInt64()
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestRevokeUser(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	// An injected clock stopped at testclock.Now, so "issued at the same
	// second" is exact; expiry is relative to it.
	clock := testclock.Now().Truncate(time.Second)
	s := revoke.New(ns.Client, &revoke.Options{Prefix: ns.Prefix, MaxTokenLifetime: time.Hour,
		Now: func() time.Time { return clock }})
	exp := clock.Add(time.Hour)
	before := revoke.Claims{ID: "a", Subject: "alice", IssuedAt: clock.Add(-time.Minute), ExpiresAt: exp}
	same := revoke.Claims{ID: "b", Subject: "alice", IssuedAt: clock, ExpiresAt: exp}
	after := revoke.Claims{ID: "c", Subject: "alice", IssuedAt: clock.Add(time.Second), ExpiresAt: exp}
	bob := revoke.Claims{ID: "d", Subject: "bob", IssuedAt: clock.Add(-time.Minute), ExpiresAt: exp}

	require.NoError(t, s.RevokeUser(ctx, "alice"))
	require.ErrorIs(t, s.Check(ctx, before), revoke.ErrRevoked)
	require.ErrorIs(t, s.Check(ctx, same), revoke.ErrRevoked)
	require.NoError(t, s.Check(ctx, after))
	require.NoError(t, s.Check(ctx, bob))

	pttl, err := ns.Client.Do(ctx, ns.Client.B().Pttl().Key(ns.Prefix+"user:alice").Build()).AsInt64()
	require.NoError(t, err)
	require.Greater(t, pttl, int64(0))
}

func TestTypedErrors(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	v := revoke.NewVerifier(revoke.New(ns.Client, &revoke.Options{Prefix: ns.Prefix}), keyfunc,
		jwt.WithValidMethods([]string{"HS256"}))
	now := time.Now()
	other, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims("x", "u", now, now.Add(time.Hour))).SignedString([]byte("other"))
	require.NoError(t, err)
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims("x", "u", now, now.Add(time.Hour))).SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		token string
		want  revoke.Reason
	}{
		{"garbage", "not-a-jwt", revoke.ReasonMalformed},
		{"three bad parts", "a.b.c", revoke.ReasonMalformed},
		{"empty", "", revoke.ReasonMalformed},
		{"wrong key", other, revoke.ReasonSignature},
		{"alg none", none, revoke.ReasonSignature},
		{"expired", sign(t, claims("x", "u", now.Add(-2*time.Hour), now.Add(-time.Hour))), revoke.ReasonExpired},
		{"no jti", sign(t, jwt.MapClaims{"sub": "u", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}), revoke.ReasonMissingJTI},
		{"no exp", sign(t, jwt.MapClaims{"jti": "x", "sub": "u", "iat": now.Unix()}), revoke.ReasonMissingExp},
		{"issued in the future", sign(t, claims("x", "u", now.Add(time.Hour), now.Add(2*time.Hour))), revoke.ReasonNotYet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(ctx, tc.token)
			require.ErrorIs(t, err, revoke.ErrInvalidToken)
			reason, ok := revoke.IsTokenError(err)
			require.True(t, ok)
			require.Equal(t, tc.want, reason, "%v", err)
		})
	}
}

func TestFailClosedWhenRedisIsDown(t *testing.T) {
	ctx := context.Background()
	srv := devenv.StartRedis(t)
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	closed := revoke.New(c, nil)
	open := revoke.New(c, &revoke.Options{FailOpen: true})
	now := time.Now()
	cl := revoke.Claims{ID: "t", Subject: "u", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, closed.Revoke(ctx, "t", cl.ExpiresAt))
	require.ErrorIs(t, closed.Check(ctx, cl), revoke.ErrRevoked)

	require.NoError(t, srv.Stop())
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = closed.Check(cctx, revoke.Claims{ID: "fresh", ExpiresAt: cl.ExpiresAt})
	require.True(t, revoke.IsUnavailable(err), "got %v", err)
	require.NoError(t, open.Check(cctx, revoke.Claims{ID: "fresh", ExpiresAt: cl.ExpiresAt}), "fail-open accepts")

	// The HTTP middleware answers 503, never lets the request through.
	v := revoke.NewVerifier(closed, keyfunc)
	h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("handler reached") }))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer "+sign(t, claims("fresh", "u", now, now.Add(time.Hour))))
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
}

func TestMiddleware(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	v := revoke.NewVerifier(revoke.New(ns.Client, &revoke.Options{Prefix: ns.Prefix}), keyfunc)
	h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := revoke.ClaimsFrom(r.Context())
		require.True(t, ok)
		_, _ = w.Write([]byte(c.Subject))
	}))
	now := time.Now()
	good := sign(t, claims("m1", "carol", now, now.Add(time.Hour)))
	do := func(auth string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := do("Bearer " + good)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "carol", rec.Body.String())

	require.NoError(t, v.RevokeToken(ctx, good))
	require.Equal(t, http.StatusUnauthorized, do("Bearer "+good).Code)
	require.Equal(t, http.StatusUnauthorized, do("").Code)
	require.Equal(t, http.StatusUnauthorized, do("Basic abc").Code)
	require.Equal(t, http.StatusUnauthorized, do("Bearer nonsense").Code)
	expired := sign(t, claims("m2", "carol", now.Add(-2*time.Hour), now.Add(-time.Hour)))
	rec = do("Bearer " + expired)
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Contains(t, rec.Header().Get("WWW-Authenticate"), "invalid_token")
}

// Arbitrary strings never panic and always come back as typed errors.
func FuzzVerify(f *testing.F) {
	ns := devenv.Redis(f)
	v := revoke.NewVerifier(revoke.New(ns.Client, &revoke.Options{Prefix: ns.Prefix}), keyfunc)
	now := time.Now()
	f.Add(sign(f, claims("f", "u", now, now.Add(time.Hour))))
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		_, err := v.Verify(context.Background(), tok)
		if err == nil {
			return // only the valid seed
		}
		_, typed := revoke.IsTokenError(err)
		if !typed && !revoke.IsRevoked(err) && !revoke.IsUnavailable(err) {
			t.Fatalf("untyped error %v", err)
		}
	})
}
