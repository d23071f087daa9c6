package tenancy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/redis/rueidis"

	"github.com/polystore/polystore/apps/tenancy/db"
	"github.com/polystore/polystore/redis/revoke"
)

// Principal is who a request acts for, read only from a verified
// credential: never from a header or body the client controls.
type Principal struct {
	TenantID string
	UserID   int64
	// Method is "jwt" or "apikey".
	Method string
}

// ErrUnauthenticated is wrapped by every refused credential (HTTP 401).
var ErrUnauthenticated = errors.New("tenancy: unauthenticated")

// AuthError says why a credential was refused.
type AuthError struct {
	Reason string // missing, malformed, signature, expired, revoked, unknown_key, ...
	Err    error
}

func (e *AuthError) Error() string {
	if e.Err != nil {
		return "tenancy: credential refused (" + e.Reason + "): " + e.Err.Error()
	}
	return "tenancy: credential refused (" + e.Reason + ")"
}

func (e *AuthError) Unwrap() []error { return []error{ErrUnauthenticated, e.Err} }

// DefaultTokenTTL is the lifetime of issued tokens.
const DefaultTokenTTL = 15 * time.Minute

// AuthConfig configures Auth.
type AuthConfig struct {
	// Secret signs tokens (HS256); at least 32 bytes.
	Secret []byte
	// TokenTTL is the lifetime of issued tokens (default 15 minutes).
	TokenTTL time.Duration
	// Prefix starts the revocation keys (default "tenancy:revoke:").
	Prefix string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Auth issues and verifies tenant credentials: JWTs revocable through
// redis/revoke (the subject is "<tenant>:<user>"), and API keys
// ("tk_<tenant hex>_<secret>") of which only the SHA-256 is stored.
type Auth struct {
	cfg      AuthConfig
	store    *Store
	revoker  *revoke.Store
	verifier *revoke.Verifier
}

// NewAuth returns an Auth; store resolves API keys. It does no I/O.
func NewAuth(rc rueidis.Client, store *Store, cfg AuthConfig) (*Auth, error) {
	if len(cfg.Secret) < 32 {
		return nil, fmt.Errorf("%w: auth secret must be at least 32 bytes", ErrInvalid)
	}
	if rc == nil || store == nil {
		return nil, fmt.Errorf("%w: auth needs a Redis client and a Store", ErrInvalid)
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "tenancy:revoke:"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	rs := revoke.New(rc, &revoke.Options{Prefix: cfg.Prefix, Now: cfg.Now, MaxTokenLifetime: cfg.TokenTTL})
	secret := cfg.Secret
	v := revoke.NewVerifier(rs, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(cfg.Now))
	return &Auth{cfg: cfg, store: store, revoker: rs, verifier: v}, nil
}

func subject(p Principal) string { return p.TenantID + ":" + strconv.FormatInt(p.UserID, 10) }

// parseSubject reads "<tenant>:<user>".
func parseSubject(sub string) (Principal, error) {
	t, u, ok := strings.Cut(sub, ":")
	if !ok {
		return Principal{}, errors.New("subject is not tenant:user")
	}
	tenant, err := ParseTenantID(t)
	if err != nil {
		return Principal{}, err
	}
	uid, err := strconv.ParseInt(u, 10, 64)
	if err != nil || uid <= 0 || strconv.FormatInt(uid, 10) != u {
		return Principal{}, errors.New("subject user is not a positive integer")
	}
	return Principal{TenantID: tenant, UserID: uid}, nil
}

// IssueToken signs a token for p.
func (a *Auth) IssueToken(p Principal) (string, error) {
	if a == nil {
		return "", fmt.Errorf("%w: nil *Auth", ErrInvalid)
	}
	if _, err := ParseTenantID(p.TenantID); err != nil {
		return "", err
	}
	if p.UserID <= 0 {
		return "", errors.New("tenancy: issue token: user id must be positive")
	}
	now := a.cfg.Now()
	var jti [16]byte
	_, _ = rand.Read(jti[:])
	claims := jwt.RegisteredClaims{
		Subject:   subject(p),
		ID:        hex.EncodeToString(jti[:]),
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(a.cfg.TokenTTL)),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(a.cfg.Secret)
}

// VerifyToken checks signature, times and revocation (one Redis round
// trip) and returns the principal the token names. Errors: *AuthError
// (401), or an error wrapping revoke.ErrUnavailable (503).
func (a *Auth) VerifyToken(ctx context.Context, token string) (Principal, error) {
	if a == nil {
		return Principal{}, fmt.Errorf("%w: nil *Auth", ErrInvalid)
	}
	claims, err := a.verifier.Verify(ctx, token)
	if err != nil {
		if revoke.IsUnavailable(err) {
			return Principal{}, err
		}
		if revoke.IsRevoked(err) {
			return Principal{}, &AuthError{Reason: "revoked", Err: err}
		}
		reason := "invalid"
		if r, ok := revoke.IsTokenError(err); ok {
			reason = string(r)
		}
		return Principal{}, &AuthError{Reason: reason, Err: err}
	}
	p, err := parseSubject(claims.Subject)
	if err != nil {
		return Principal{}, &AuthError{Reason: "subject", Err: err}
	}
	p.Method = "jwt"
	return p, nil
}

// RevokeToken revokes one token until it expires; the next request that
// presents it is refused.
func (a *Auth) RevokeToken(ctx context.Context, token string) error {
	if a == nil {
		return fmt.Errorf("%w: nil *Auth", ErrInvalid)
	}
	return a.verifier.RevokeToken(ctx, token)
}

// RevokeUser revokes every token of a user issued so far.
func (a *Auth) RevokeUser(ctx context.Context, p Principal) error {
	if a == nil {
		return fmt.Errorf("%w: nil *Auth", ErrInvalid)
	}
	return a.revoker.RevokeUser(ctx, subject(p))
}

const apiKeyPrefix = "tk_"

// CreateAPIKey makes an API key for a user of tenant. The key is returned
// once; only its SHA-256 is stored.
func (a *Auth) CreateAPIKey(ctx context.Context, p Principal) (string, error) {
	if a == nil {
		return "", fmt.Errorf("%w: nil *Auth", ErrInvalid)
	}
	if _, err := ParseTenantID(p.TenantID); err != nil {
		return "", err
	}
	var secret [32]byte
	_, _ = rand.Read(secret[:])
	key := apiKeyPrefix + strings.ReplaceAll(p.TenantID, "-", "") + "_" + base64.RawURLEncoding.EncodeToString(secret[:])
	sum := sha256.Sum256([]byte(key))
	err := a.store.InTenant(ctx, p.TenantID, func(ctx context.Context, tx *db.Client) error {
		_, err := tx.APIKey.Create(ctx, &db.APIKeyCreateArgs{Data: []db.APIKeySet{
			db.APIKeyFields.UserID.Set(p.UserID), db.APIKeyFields.Hash.Set(sum[:])}})
		return err
	}, nil)
	if err != nil {
		return "", err
	}
	return key, nil
}

// VerifyAPIKey finds the key's hash among the keys of the tenant the key
// names, inside that tenant's row-level security context: a key names a
// tenant, and only a key stored by that tenant matches.
func (a *Auth) VerifyAPIKey(ctx context.Context, key string) (Principal, error) {
	if a == nil {
		return Principal{}, fmt.Errorf("%w: nil *Auth", ErrInvalid)
	}
	tenant, err := apiKeyTenant(key)
	if err != nil {
		return Principal{}, &AuthError{Reason: "malformed", Err: err}
	}
	sum := sha256.Sum256([]byte(key))
	var k *db.APIKey
	err = a.store.InTenant(ctx, tenant, func(ctx context.Context, tx *db.Client) error {
		var err error
		k, err = tx.APIKey.FindUnique(ctx, db.APIKeyByTenantIDHash(tenant, sum[:]), nil)
		return err
	}, &readOnly)
	if err != nil {
		return Principal{}, err
	}
	if k == nil {
		return Principal{}, &AuthError{Reason: "unknown_key"}
	}
	return Principal{TenantID: tenant, UserID: k.UserID, Method: "apikey"}, nil
}

// apiKeyTenant reads the tenant id out of "tk_<32 hex>_<43 base64url>".
func apiKeyTenant(key string) (string, error) {
	const secretLen = 43
	if len(key) != len(apiKeyPrefix)+32+1+secretLen || !strings.HasPrefix(key, apiKeyPrefix) || key[len(apiKeyPrefix)+32] != '_' {
		return "", errors.New("not an API key")
	}
	h := key[len(apiKeyPrefix) : len(apiKeyPrefix)+32]
	if _, err := hex.DecodeString(h); err != nil || strings.ToLower(h) != h {
		return "", errors.New("not an API key")
	}
	if _, err := base64.RawURLEncoding.DecodeString(key[len(apiKeyPrefix)+33:]); err != nil {
		return "", errors.New("not an API key")
	}
	return ParseTenantID(fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:]))
}
