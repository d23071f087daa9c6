package revoke

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
)

// DefaultPrefix starts every key of a Store.
const DefaultPrefix = "revoke:"

// DefaultTimeout bounds a Check.
const DefaultTimeout = 500 * time.Millisecond

// Options configure a Store; nil gives the defaults.
type Options struct {
	// Prefix starts every key; default "revoke:". Keys are
	// Prefix+"jti:"+jti and Prefix+"user:"+subject.
	Prefix string
	// FailOpen makes Check accept tokens when Redis cannot be asked (the
	// error is logged). The default, fail closed, refuses them with
	// ErrUnavailable: a revoked token must never pass because Redis is down.
	FailOpen bool
	// MaxTokenLifetime bounds how long a per-user "not before" mark is
	// kept: no token issued before it can still be valid after that long.
	// Zero keeps the mark forever (one small key per user).
	MaxTokenLifetime time.Duration
	// Timeout bounds each Redis call, Check included (the client otherwise
	// retries a dead server until the context ends); default 500ms. Past
	// it the check fails closed (or open, with FailOpen).
	Timeout time.Duration
	// Logger receives fail-open errors; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Store records revocations in Redis.
type Store struct {
	c rueidis.Client
	o Options
}

// New returns a Store. It does no I/O. A nil client gives a Store whose
// methods all return an error wrapping ErrInvalid.
func New(c rueidis.Client, o *Options) *Store {
	var opt Options
	if o != nil {
		opt = *o
	}
	if opt.Prefix == "" {
		opt.Prefix = DefaultPrefix
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Store{c: redisconn.WithTimeout(c, opt.Timeout), o: opt}
}

// Claims are the registered claims a revocation check needs.
type Claims struct {
	ID        string    // jti
	Subject   string    // sub; empty skips the per-user check
	IssuedAt  time.Time // iat; zero skips the per-user check
	ExpiresAt time.Time // exp
}

// usable returns an error wrapping ErrInvalid for a nil Store or a Store
// without a client.
func (s *Store) usable() error {
	if s == nil {
		return fmt.Errorf("%w: nil *Store", ErrInvalid)
	}
	if s.c == nil {
		return fmt.Errorf("%w: nil client", ErrInvalid)
	}
	return nil
}

func (s *Store) jtiKey(jti string) string  { return s.o.Prefix + "jti:" + jti }
func (s *Store) userKey(sub string) string { return s.o.Prefix + "user:" + sub }

// Revoke revokes the token with the given jti until exp, its own expiry:
// the key's TTL is exp - now, so Redis forgets it when the token would have
// expired anyway and no sweeper is needed. A token already expired is not
// stored.
func (s *Store) Revoke(ctx context.Context, jti string, exp time.Time) error {
	if err := s.usable(); err != nil {
		return err
	}
	if jti == "" {
		return &TokenError{Reason: ReasonMissingJTI}
	}
	if exp.IsZero() {
		return &TokenError{Reason: ReasonMissingExp}
	}
	ttl := exp.Sub(s.o.Now())
	if ttl <= 0 {
		return nil
	}
	ms := max(ttl.Milliseconds(), 1)
	err := s.c.Do(ctx, s.c.B().Set().Key(s.jtiKey(jti)).Value("1").PxMilliseconds(ms).Build()).Error()
	if err != nil {
		return fmt.Errorf("%w: revoke %q: %w", ErrUnavailable, jti, err)
	}
	return nil
}

// RevokeUser revokes every token of subject issued so far, in O(1): it
// stores a "not before" second and Check refuses tokens whose iat is at or
// before it. Tokens issued in the same second as the revocation are
// refused too (JWT times have one-second precision); a user logging in
// again gets a token from the next second on.
func (s *Store) RevokeUser(ctx context.Context, subject string) error {
	if err := s.usable(); err != nil {
		return err
	}
	if subject == "" {
		return &TokenError{Reason: ReasonMissingSub}
	}
	now := strconv.FormatInt(s.o.Now().Unix(), 10)
	b := s.c.B().Set().Key(s.userKey(subject)).Value(now)
	var cmd rueidis.Completed
	if s.o.MaxTokenLifetime > 0 {
		cmd = b.PxMilliseconds(s.o.MaxTokenLifetime.Milliseconds()).Build()
	} else {
		cmd = b.Build()
	}
	if err := s.c.Do(ctx, cmd).Error(); err != nil {
		return fmt.Errorf("%w: revoke user %q: %w", ErrUnavailable, subject, err)
	}
	return nil
}

// Check returns nil for a token that is not revoked, ErrRevoked for a
// revoked one, a *TokenError for claims that cannot be checked (no jti or
// exp), and, when Redis cannot be asked, an error wrapping ErrUnavailable
// (or nil when the Store fails open). It costs one round trip: one MGET
// of the jti key and the user's "not before" key.
func (s *Store) Check(ctx context.Context, c Claims) error {
	if err := s.usable(); err != nil {
		return err
	}
	if c.ID == "" {
		return &TokenError{Reason: ReasonMissingJTI}
	}
	if c.ExpiresAt.IsZero() {
		return &TokenError{Reason: ReasonMissingExp}
	}
	userCheck := c.Subject != "" && !c.IssuedAt.IsZero()
	keys := []string{s.jtiKey(c.ID)}
	if userCheck {
		keys = append(keys, s.userKey(c.Subject))
	}
	ctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
	defer cancel()
	// One GET per key, pipelined: one round trip on a single server, and
	// on Redis Cluster, where the jti and user keys live in different
	// slots, one per node concurrently.
	cmds := make(rueidis.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = s.c.B().Get().Key(k).Build()
	}
	vals := make([]rueidis.RedisMessage, len(keys))
	for i, r := range s.c.DoMulti(ctx, cmds...) {
		m, err := r.ToMessage()
		if err != nil && !rueidis.IsRedisNil(err) {
			return s.unavailable(c, err)
		}
		vals[i] = m
	}
	if !vals[0].IsNil() {
		return fmt.Errorf("%w: jti %q", ErrRevoked, c.ID)
	}
	if userCheck && !vals[1].IsNil() {
		nb, err := vals[1].AsInt64()
		if err != nil {
			return s.unavailable(c, fmt.Errorf("user mark %q: %w", c.Subject, err))
		}
		if c.IssuedAt.Unix() <= nb {
			return fmt.Errorf("%w: every token of %q issued before %s", ErrRevoked, c.Subject,
				time.Unix(nb+1, 0).UTC().Format(time.RFC3339))
		}
	}
	return nil
}

func (s *Store) unavailable(c Claims, err error) error {
	if s.o.FailOpen {
		s.o.Logger.Warn("revoke: check skipped, failing open", "jti", c.ID, "err", err)
		return nil
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}
