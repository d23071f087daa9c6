package revoke

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Verifier parses and validates JWTs with github.com/golang-jwt/jwt/v5 and
// checks them against a Store.
type Verifier struct {
	store   *Store
	keyfunc jwt.Keyfunc
	parser  *jwt.Parser
}

// NewVerifier returns a Verifier. Tokens must carry exp (required by the
// parser) and jti; opts are passed to jwt.NewParser, e.g.
// jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(...).
func NewVerifier(s *Store, keyfunc jwt.Keyfunc, opts ...jwt.ParserOption) *Verifier {
	opts = append([]jwt.ParserOption{jwt.WithExpirationRequired(), jwt.WithIssuedAt()}, opts...)
	return &Verifier{store: s, keyfunc: keyfunc, parser: jwt.NewParser(opts...)}
}

// usable returns an error wrapping ErrInvalid for a nil Verifier or one
// without a key function. A Verifier without a usable Store still refuses
// malformed tokens with their *TokenError; a well-formed one then gets the
// Store's ErrInvalid.
func (v *Verifier) usable() error {
	switch {
	case v == nil:
		return fmt.Errorf("%w: nil *Verifier", ErrInvalid)
	case v.keyfunc == nil:
		return fmt.Errorf("%w: nil key function", ErrInvalid)
	}
	return nil
}

// Verify parses the token, validates signature and times, and checks
// revocation. Errors: *TokenError (malformed, bad signature, expired,
// missing jti/exp), ErrRevoked, ErrUnavailable.
func (v *Verifier) Verify(ctx context.Context, token string) (*jwt.RegisteredClaims, error) {
	if err := v.usable(); err != nil {
		return nil, err
	}
	claims := &jwt.RegisteredClaims{}
	if _, err := v.parser.ParseWithClaims(token, claims, v.keyfunc); err != nil {
		return nil, &TokenError{Reason: reasonOf(err), Err: err}
	}
	if claims.ExpiresAt == nil {
		return nil, &TokenError{Reason: ReasonMissingExp}
	}
	c := Claims{ID: claims.ID, Subject: claims.Subject, ExpiresAt: claims.ExpiresAt.Time}
	if claims.IssuedAt != nil {
		c.IssuedAt = claims.IssuedAt.Time
	}
	if err := v.store.Check(ctx, c); err != nil {
		return nil, err
	}
	return claims, nil
}

// RevokeToken parses a token (signature checked, expiry not: revoking an
// expired token is a no-op) and revokes its jti until its exp.
func (v *Verifier) RevokeToken(ctx context.Context, token string) error {
	if err := v.usable(); err != nil {
		return err
	}
	claims := &jwt.RegisteredClaims{}
	_, err := v.parser.ParseWithClaims(token, claims, v.keyfunc)
	if err != nil && !errors.Is(err, jwt.ErrTokenExpired) {
		return &TokenError{Reason: reasonOf(err), Err: err}
	}
	if claims.ExpiresAt == nil {
		return &TokenError{Reason: ReasonMissingExp}
	}
	return v.store.Revoke(ctx, claims.ID, claims.ExpiresAt.Time)
}

func reasonOf(err error) Reason {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return ReasonMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return ReasonSignature
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return ReasonMissingExp
	case errors.Is(err, jwt.ErrTokenExpired):
		return ReasonExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return ReasonNotYet
	}
	return ReasonInvalid
}

type claimsKey struct{}

// ClaimsFrom returns the claims Middleware stored in the request context.
func ClaimsFrom(ctx context.Context) (*jwt.RegisteredClaims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*jwt.RegisteredClaims)
	return c, ok
}

// BearerToken returns the token of an "Authorization: Bearer <token>"
// header, or a *TokenError with ReasonMissing (an error wrapping
// ErrInvalid for a nil request).
func BearerToken(r *http.Request) (string, error) {
	if r == nil {
		return "", fmt.Errorf("%w: nil request", ErrInvalid)
	}
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", &TokenError{Reason: ReasonMissing}
	}
	return strings.TrimSpace(tok), nil
}

// Middleware verifies the bearer token of every request. It answers 401
// for a missing, malformed, expired, badly signed or revoked token, and 503
// when the revocation store is unavailable and the Store fails closed, 500
// when the Verifier itself is unusable (ErrInvalid: nil Verifier, Store,
// client or key function);
// otherwise it calls next with the claims in the context (ClaimsFrom).
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := BearerToken(r)
		var claims *jwt.RegisteredClaims
		if err == nil {
			claims, err = v.Verify(r.Context(), tok)
		}
		switch {
		case err == nil:
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, claims)))
		case errors.Is(err, ErrInvalid):
			http.Error(w, "authentication misconfigured", http.StatusInternalServerError)
		case IsUnavailable(err):
			w.Header().Set("Retry-After", "1")
			http.Error(w, "authentication temporarily unavailable", http.StatusServiceUnavailable)
		default:
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			http.Error(w, "invalid or revoked token", http.StatusUnauthorized)
		}
	})
}
