package redisconn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/rueidis"
)

const (
	// DefaultTimeout bounds each call of a polystore Redis package.
	DefaultTimeout = time.Second
	// DialTimeout is FailFast's dial timeout.
	DialTimeout = time.Second
	// ConnTimeout is FailFast's per-connection read/write timeout
	// (rueidis ConnWriteTimeout): a server that stops answering is
	// noticed after it.
	ConnTimeout = 2 * time.Second
	// MaxRetries is how often FailFast retries a read-only command after a
	// network error (rueidis retries until the context ends otherwise).
	MaxRetries = 2
)

// FailFast returns opt with fail-fast settings where opt leaves them unset:
// Dialer.Timeout = DialTimeout, ConnWriteTimeout = ConnTimeout, and a
// RetryDelay that retries a read-only command at most MaxRetries times,
// 10ms apart.
func FailFast(opt rueidis.ClientOption) rueidis.ClientOption {
	if opt.Dialer.Timeout == 0 {
		opt.Dialer.Timeout = DialTimeout
	}
	if opt.ConnWriteTimeout == 0 {
		opt.ConnWriteTimeout = ConnTimeout
	}
	if opt.RetryDelay == nil {
		opt.RetryDelay = boundedRetry
	}
	return opt
}

func boundedRetry(attempts int, _ rueidis.Completed, _ error) time.Duration {
	if attempts >= MaxRetries {
		return -1
	}
	return 10 * time.Millisecond
}

// ErrInvalid is wrapped by the errors for unusable arguments: options
// without an address, an empty URL, a nil client given to DoDirect.
var ErrInvalid = errors.New("redisconn: invalid argument")

// NewClient is rueidis.NewClient(FailFast(opt)): the client polystore's
// README and examples use.
func NewClient(opt rueidis.ClientOption) (rueidis.Client, error) {
	if len(opt.InitAddress) == 0 {
		return nil, fmt.Errorf("%w: no InitAddress", ErrInvalid)
	}
	return rueidis.NewClient(FailFast(opt))
}

// ParseURL parses a redis:// or rediss:// URL (or host:port) into
// fail-fast client options.
func ParseURL(url string) (rueidis.ClientOption, error) {
	if url == "" {
		return rueidis.ClientOption{}, fmt.Errorf("%w: empty URL", ErrInvalid)
	}
	if !hasScheme(url) {
		url = "redis://" + url
	}
	opt, err := rueidis.ParseURL(url)
	if err != nil {
		return opt, fmt.Errorf("redisconn: %w", err)
	}
	return FailFast(opt), nil
}

func hasScheme(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i:i+3] == "://" {
			return true
		}
	}
	return false
}

// TimeoutError is a call that ran out of the deadline WithTimeout gave it
// (the caller's own context was still live). It matches context.DeadlineExceeded.
type TimeoutError struct {
	Timeout time.Duration
	Err     error
}

func (e *TimeoutError) Error() string {
	if e == nil {
		return "redis call exceeded its default timeout"
	}
	return fmt.Sprintf("redis call exceeded its default timeout of %v: %v", e.Timeout, e.Err)
}

func (e *TimeoutError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// IsUnreachable reports whether err means Redis could not be reached: a
// network error or a *TimeoutError. A Redis reply error (including nil
// replies), the caller's own cancellation or deadline, and nil are not.
func IsUnreachable(err error) bool {
	if err == nil || rueidis.IsRedisNil(err) {
		return false
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		return true
	}
	if _, ok := rueidis.IsRedisErr(err); ok {
		return false
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// WithTimeout wraps c so that no call runs longer than d: a call whose
// context has no deadline, or a later one, gets a deadline d from its
// start. Blocking commands (BLPOP, XREAD BLOCK, ...),
// Receive and dedicated connections are left to the caller's context: they
// wait on purpose. d <= 0 returns c unchanged; wrapping an already wrapped
// client replaces its timeout.
func WithTimeout(c rueidis.Client, d time.Duration) rueidis.Client {
	if c == nil {
		return nil
	}
	if b, ok := c.(*bounded); ok {
		c = b.Client
	}
	if d <= 0 {
		return c
	}
	return &bounded{Client: c, d: d}
}

// Unwrap returns the client WithTimeout wrapped (c itself otherwise).
func Unwrap(c rueidis.Client) rueidis.Client {
	if b, ok := c.(*bounded); ok {
		return b.Client
	}
	return c
}

type bounded struct {
	rueidis.Client
	d time.Duration
}

func (b *bounded) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= b.d {
		return ctx, nil
	}
	return context.WithTimeout(ctx, b.d)
}

// fix turns a failure caused by our deadline into *TimeoutError. rueidis
// may report its deadline a moment before the context's own timer fires,
// so DeadlineExceeded counts as ours while the caller's context is live.
func (b *bounded) fix(parent, ctx context.Context, r rueidis.RedisResult) rueidis.RedisResult {
	err := r.Error()
	if err == nil || parent.Err() != nil {
		return r
	}
	if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
		return r
	}
	if dl, ok := parent.Deadline(); ok && !time.Now().Before(dl) {
		return r
	}
	if _, isReply := rueidis.IsRedisErr(err); isReply {
		return r
	}
	return rueidis.NewErrorResult(&TimeoutError{Timeout: b.d, Err: err})
}

func (b *bounded) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	if cmd.IsBlock() {
		return b.Client.Do(ctx, cmd)
	}
	return b.do(ctx, cmd)
}

// DoDirect is c.Do, except that a command marked blocking still gets
// c's WithTimeout bound: for a short command that a caller marks
// blocking (rueidis.Arbitrary(...).Blocking()) only to have rueidis send
// it on a connection of its pool for blocking commands, written and read
// in the calling goroutine instead of auto-pipelined.
func DoDirect(ctx context.Context, c rueidis.Client, cmd rueidis.Completed) rueidis.RedisResult {
	if c == nil {
		return rueidis.NewErrorResult(fmt.Errorf("%w: nil client", ErrInvalid))
	}
	if b, ok := c.(*bounded); ok {
		return b.do(ctx, cmd)
	}
	return c.Do(ctx, cmd)
}

func (b *bounded) do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	bctx, cancel := b.bound(ctx)
	if cancel == nil {
		return b.Client.Do(ctx, cmd)
	}
	defer cancel()
	return b.fix(ctx, bctx, b.Client.Do(bctx, cmd))
}

func (b *bounded) DoMulti(ctx context.Context, multi ...rueidis.Completed) []rueidis.RedisResult {
	for _, cmd := range multi {
		if cmd.IsBlock() {
			return b.Client.DoMulti(ctx, multi...)
		}
	}
	bctx, cancel := b.bound(ctx)
	if cancel == nil {
		return b.Client.DoMulti(ctx, multi...)
	}
	defer cancel()
	rs := b.Client.DoMulti(bctx, multi...)
	for i := range rs {
		rs[i] = b.fix(ctx, bctx, rs[i])
	}
	return rs
}

func (b *bounded) DoCache(ctx context.Context, cmd rueidis.Cacheable, ttl time.Duration) rueidis.RedisResult {
	bctx, cancel := b.bound(ctx)
	if cancel == nil {
		return b.Client.DoCache(ctx, cmd, ttl)
	}
	defer cancel()
	return b.fix(ctx, bctx, b.Client.DoCache(bctx, cmd, ttl))
}

func (b *bounded) DoMultiCache(ctx context.Context, multi ...rueidis.CacheableTTL) []rueidis.RedisResult {
	bctx, cancel := b.bound(ctx)
	if cancel == nil {
		return b.Client.DoMultiCache(ctx, multi...)
	}
	defer cancel()
	rs := b.Client.DoMultiCache(bctx, multi...)
	for i := range rs {
		rs[i] = b.fix(ctx, bctx, rs[i])
	}
	return rs
}
