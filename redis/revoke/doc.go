// Package revoke revokes JWTs before they expire, with Redis.
//
// Revoke stores a token's jti with a TTL of exp - now, never longer: Redis
// forgets the revocation when the token would have expired anyway, so no
// sweeper is needed. RevokeUser revokes every token of a user in O(1) with
// a per-user "not before" second; tokens whose iat is at or before it are
// refused, without enumerating the user's tokens.
//
// Check costs one round trip (one MGET of the jti and user keys). When
// Redis cannot be asked within Options.Timeout it fails closed by default
// (ErrUnavailable); Options.FailOpen accepts the token instead and logs.
// Fail open only when availability matters more than a revoked token
// getting through for the length of an outage.
//
// Verifier wraps github.com/golang-jwt/jwt/v5: it parses, checks signature,
// exp (required), nbf and iat, requires a jti, then checks revocation.
// Refused tokens get a *TokenError with a Reason (malformed, signature,
// expired, missing_jti, ...). Verifier.Middleware answers 401 for those
// and for revoked tokens, 503 when the store is unavailable and fails
// closed, and puts the claims in the request context (ClaimsFrom).
//
// Nothing panics on nil: a Store made with a nil client, a nil *Store or
// *Verifier, and a Verifier without a key function return an error
// wrapping ErrInvalid (the Middleware answers 500 for it).
package revoke
