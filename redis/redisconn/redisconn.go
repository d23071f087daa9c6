package redisconn

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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
// replies), the caller's own cancellation or deadline, and nil are not,
// also when wrapped (the packages wrap the replies they return with the
// key or operation).
func IsUnreachable(err error) bool {
	if err == nil {
		return false
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		return true
	}
	var re *rueidis.RedisError
	if errors.As(err, &re) {
		return false // an error reply, or a nil reply
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// WithTimeout wraps c so that no call runs longer than d: a call whose
// context has no deadline, or a later one, gets a deadline d from its
// start (up to d/16, at most 50ms, later: see below). Blocking commands
// (BLPOP, XREAD BLOCK, ...), Receive and dedicated connections are left to
// the caller's context: they wait on purpose. d <= 0 returns c unchanged;
// wrapping an already wrapped client replaces its timeout.
//
// The deadline costs no allocation in the common cases: calls whose
// context cannot be canceled (context.Background, context.WithoutCancel)
// share one deadline timer per wrapper, renewed every d/16 at most (so
// their deadline is d to d+d/16 away); DoCache and DoMultiCache arm a
// deadline only when rueidis waits on the context, which a hit in the
// client-side cache never does. Other calls get context.WithDeadline.
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
	g := min(max(d/16, time.Millisecond), 50*time.Millisecond)
	return &bounded{Client: c, d: d, g: g}
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
	d, g time.Duration
	mu   sync.Mutex // held to renew cur
	cur  atomic.Pointer[sharedDeadline]
	pool sync.Pool // of *lazyCtx
}

// sharedDeadline is a context without values that is done at a fixed
// time: the deadline of every call of a bounded client whose own context
// cannot be canceled, started within its renewal interval.
type sharedDeadline struct {
	at      time.Time
	done    chan struct{}
	expired atomic.Bool
}

func (s *sharedDeadline) Deadline() (time.Time, bool) { return s.at, true }
func (s *sharedDeadline) Done() <-chan struct{}       { return s.done }
func (s *sharedDeadline) Value(any) any               { return nil }
func (s *sharedDeadline) Err() error {
	if s.expired.Load() {
		return context.DeadlineExceeded
	}
	return nil
}

// shared returns a shared deadline between now+d and now+d+g.
func (b *bounded) shared(now time.Time) *sharedDeadline {
	need := now.Add(b.d)
	if s := b.cur.Load(); s != nil && !s.at.Before(need) {
		return s
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.cur.Load(); s != nil && !s.at.Before(need) {
		return s
	}
	s := &sharedDeadline{at: need.Add(b.g), done: make(chan struct{})}
	time.AfterFunc(s.at.Sub(now), func() {
		s.expired.Store(true)
		close(s.done)
	})
	b.cur.Store(s)
	return s
}

// lazyCtx is a call's context whose deadline is armed only when someone
// asks for it (Deadline, Done or Err): a DoCache answered from the
// client-side cache never does, and its lazyCtx goes back to the pool.
type lazyCtx struct {
	b       *bounded
	parent  context.Context
	start   time.Time
	touched atomic.Bool
	mu      sync.Mutex
	armed   context.Context
	cancel  context.CancelFunc
}

func (l *lazyCtx) arm() context.Context {
	l.touched.Store(true)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.armed == nil {
		if l.parent.Done() == nil {
			l.armed = l.b.shared(l.start)
		} else {
			l.armed, l.cancel = context.WithDeadline(l.parent, l.start.Add(l.b.d))
		}
	}
	return l.armed
}

func (l *lazyCtx) Deadline() (time.Time, bool) { return l.arm().Deadline() }
func (l *lazyCtx) Done() <-chan struct{}       { return l.arm().Done() }
func (l *lazyCtx) Err() error {
	if err := l.arm().Err(); err != nil {
		return err
	}
	return l.parent.Err()
}
func (l *lazyCtx) Value(key any) any {
	l.touched.Store(true)
	return l.parent.Value(key)
}

// bound returns the context a call runs under, or nil when the caller's
// own deadline comes first (the call runs under ctx, as it is). Once the
// call has returned, l (if not nil) goes to release and cancel (if not
// nil) is called. lazy asks for a lazyCtx where context.WithDeadline would
// be needed.
func (b *bounded) bound(ctx context.Context, lazy bool) (bctx context.Context, l *lazyCtx, cancel context.CancelFunc) {
	now := time.Now()
	if dl, ok := ctx.Deadline(); ok && dl.Sub(now) <= b.d {
		return nil, nil, nil
	}
	if ctx == context.Background() || ctx == context.TODO() {
		return b.shared(now), nil, nil
	}
	if lazy {
		l, _ = b.pool.Get().(*lazyCtx)
		if l == nil {
			l = &lazyCtx{b: b}
		}
		l.parent, l.start = ctx, now
		return l, l, nil
	}
	if ctx.Done() == nil {
		// Values but no cancellation (context.WithoutCancel): the shared
		// deadline, with the values.
		return &lazyCtx{b: b, parent: ctx, start: now}, nil, nil
	}
	bctx, cancel = context.WithDeadline(ctx, now.Add(b.d))
	return bctx, nil, cancel
}

// release ends l's call: a lazyCtx nobody looked at is reused; an armed
// one has its timer stopped.
func (b *bounded) release(l *lazyCtx) {
	if !l.touched.Load() {
		l.parent = nil
		b.pool.Put(l)
		return
	}
	l.mu.Lock()
	cancel := l.cancel
	l.mu.Unlock()
	if cancel != nil {
		cancel()
	}
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
	bctx, l, cancel := b.bound(ctx, false)
	if bctx == nil {
		return b.Client.Do(ctx, cmd)
	}
	defer b.done(l, cancel)
	return b.fix(ctx, bctx, b.Client.Do(bctx, cmd))
}

// done ends a call bound gave a context: see bound.
func (b *bounded) done(l *lazyCtx, cancel context.CancelFunc) {
	if l != nil {
		b.release(l)
	}
	if cancel != nil {
		cancel()
	}
}

func (b *bounded) DoMulti(ctx context.Context, multi ...rueidis.Completed) []rueidis.RedisResult {
	for _, cmd := range multi {
		if cmd.IsBlock() {
			return b.Client.DoMulti(ctx, multi...)
		}
	}
	bctx, l, cancel := b.bound(ctx, false)
	if bctx == nil {
		return b.Client.DoMulti(ctx, multi...)
	}
	defer b.done(l, cancel)
	return b.fixAll(ctx, bctx, b.Client.DoMulti(bctx, multi...))
}

func (b *bounded) fixAll(ctx, bctx context.Context, rs []rueidis.RedisResult) []rueidis.RedisResult {
	for i := range rs {
		rs[i] = b.fix(ctx, bctx, rs[i])
	}
	return rs
}

func (b *bounded) DoCache(ctx context.Context, cmd rueidis.Cacheable, ttl time.Duration) rueidis.RedisResult {
	bctx, l, cancel := b.bound(ctx, true)
	if bctx == nil {
		return b.Client.DoCache(ctx, cmd, ttl)
	}
	defer b.done(l, cancel)
	return b.fix(ctx, bctx, b.Client.DoCache(bctx, cmd, ttl))
}

func (b *bounded) DoMultiCache(ctx context.Context, multi ...rueidis.CacheableTTL) []rueidis.RedisResult {
	bctx, l, cancel := b.bound(ctx, true)
	if bctx == nil {
		return b.Client.DoMultiCache(ctx, multi...)
	}
	defer b.done(l, cancel)
	return b.fixAll(ctx, bctx, b.Client.DoMultiCache(bctx, multi...))
}
