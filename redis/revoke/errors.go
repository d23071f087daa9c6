package revoke

import (
	"errors"
	"fmt"
)

var (
	// ErrRevoked is returned by Check and Verify for a revoked token.
	ErrRevoked = errors.New("revoke: token revoked")
	// ErrUnavailable wraps the Redis error when a check could not be made
	// and the store fails closed (the default), and when a revocation
	// (Revoke, RevokeUser, RevokeToken) could not be stored: FailOpen
	// never applies to those, the caller must retry or report it.
	ErrUnavailable = errors.New("revoke: revocation store unavailable")
	// ErrInvalidToken is wrapped by every *TokenError.
	ErrInvalidToken = errors.New("revoke: invalid token")
	// ErrInvalid is returned by every method of a Store made with a nil
	// client, a nil *Store or a nil *Verifier, and by a Verifier without a
	// Store or key function.
	ErrInvalid = errors.New("revoke: invalid argument")
)

// Reason says why a token was refused before any revocation check.
type Reason string

// Reasons of a *TokenError.
const (
	ReasonMalformed  Reason = "malformed"   // not a JWT, bad encoding or JSON
	ReasonSignature  Reason = "signature"   // signature or algorithm rejected
	ReasonExpired    Reason = "expired"     // exp in the past
	ReasonNotYet     Reason = "not_yet"     // nbf or iat in the future
	ReasonMissingJTI Reason = "missing_jti" // no jti claim: cannot be revoked, so refused
	ReasonMissingExp Reason = "missing_exp" // no exp claim: revocation would never expire
	ReasonMissingSub Reason = "missing_sub" // no sub claim (user revocation needs it)
	ReasonMissingIat Reason = "missing_iat" // no iat claim (user revocation needs it)
	ReasonMissing    Reason = "missing"     // no bearer token in the request
	ReasonInvalid    Reason = "invalid"     // any other validation failure
)

// TokenError is a token refused for its form or claims. It wraps
// ErrInvalidToken and the underlying jwt error, if any.
type TokenError struct {
	Reason Reason
	Err    error
}

func (e *TokenError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("revoke: invalid token (%s): %v", e.Reason, e.Err)
	}
	return fmt.Sprintf("revoke: invalid token (%s)", e.Reason)
}

// Unwrap returns ErrInvalidToken and the cause.
func (e *TokenError) Unwrap() []error { return []error{ErrInvalidToken, e.Err} }

// IsTokenError reports whether err is a *TokenError and returns its reason.
func IsTokenError(err error) (Reason, bool) {
	var te *TokenError
	if errors.As(err, &te) {
		return te.Reason, true
	}
	return "", false
}

// IsRevoked reports whether err says the token was revoked.
func IsRevoked(err error) bool { return errors.Is(err, ErrRevoked) }

// IsUnavailable reports whether err says Redis could not be asked.
func IsUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }
