package lock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
)

// Defaults for Options.
const (
	DefaultPrefix          = "lock:"
	DefaultTTL             = 10 * time.Second
	DefaultRetryDelay      = 50 * time.Millisecond
	DefaultDriftFactor     = 0.01
	DefaultInstanceTimeout = 50 * time.Millisecond
	// DefaultFenceTTL is the default Options.FenceTTL.
	DefaultFenceTTL = 24 * time.Hour
	// DefaultDirectCalls is the default Options.DirectCalls.
	DefaultDirectCalls = 2
)

// Options configure a Locker. The zero value (or nil) gives the defaults.
type Options struct {
	// Prefix starts every key; default "lock:". A lock named n uses the
	// keys Prefix+"{n}" and Prefix+"{n}:fence" (same cluster slot).
	Prefix string
	// TTL is the default lease; default 10s.
	TTL time.Duration
	// RetryDelay is the upper bound of the jittered pause between attempts
	// of Acquire; default 50ms.
	RetryDelay time.Duration
	// DriftFactor is the share of the TTL set aside for clock drift between
	// this process and the servers (plus 2ms); default 0.01.
	DriftFactor float64
	// FenceTTL is how long a lock's fencing counter (Prefix+"{n}:fence")
	// lives after it starts (for a Redlock: after its last acquisition);
	// default 24h, negative keeps counters forever. Tokens stay strictly
	// increasing either way (see drawFence): last+1 while the counter
	// lives, the server time in µs when it starts.
	FenceTTL time.Duration
	// InstanceTimeout bounds each call to one instance of a Redlock (N>1),
	// so a dead instance costs little; default 50ms. Unused for N=1.
	InstanceTimeout time.Duration
	// RedlockPoll makes the waiters of a Redlock (N>1) retry after a random
	// pause of up to RetryDelay instead of blocking until a release wakes
	// them (a blocked waiter holds one connection per instance). Unused
	// for N=1, whose waiters are always woken.
	RedlockPoll bool
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout,
	// 1s; negative: only the caller's context bounds calls).
	Timeout time.Duration
	// DirectCalls is how many acquire and release calls of this Locker
	// may be in flight on connections of their own (rueidis's pool for
	// blocking commands, written and read in the calling goroutine)
	// before further calls go through the client's auto-pipelining;
	// default DefaultDirectCalls, negative: every call is pipelined. A
	// client with DisableAutoPipelining pools every call anyway.
	DirectCalls int
}

// AcquireOpts are per-call options; nil takes the Locker's defaults.
type AcquireOpts struct {
	// TTL overrides Options.TTL for this lock.
	TTL time.Duration
	// AutoExtend renews the lease every TTL/3 until Release. Without it
	// the holder context ends when the lease runs out.
	AutoExtend bool
}

// Locker hands out locks on one Redis (New) or on N independent Redis
// servers with the Redlock algorithm (NewRedlock).
//
// Goroutines of one Locker queue locally for a name, so only one of them
// polls the servers at a time and a local release wakes the next local
// waiter at once.
type Locker struct {
	clients  []rueidis.Client
	quorum   int
	fenceTTL string // ARGV of acquireScript
	o        Options

	mu    sync.Mutex
	gates map[string]*gate

	// Owner tokens are tokenBase (random per Locker) + a counter: unique
	// without reading the system's random source on every acquisition.
	tokenBase string
	tokenSeq  atomic.Uint64
	ttlArg    string // ms(o.TTL), the usual ARGV

	// inflight counts, per instance, this Locker's acquire and release
	// calls and blocked waits in flight (see exec).
	inflight []atomic.Int32

	// invalid is set, for a Locker New was given a nil client, to the
	// error every method returns.
	invalid error
}

// gate serializes the local contenders for one name. Its fields other
// than ch are guarded by Locker.mu.
type gate struct {
	ch   chan struct{}
	refs int
	// holder is the lock that holds ch, once acquired: local waiters end
	// its turn when its lease runs out or its Acquire context ends, so the
	// holder itself arms no timer unless asked for its Context.
	holder *Lock
}

// gates are reused: an uncontended acquisition would otherwise allocate a
// gate and its channel every time.
var gatePool = sync.Pool{New: func() any { return &gate{ch: make(chan struct{}, 1)} }}

func (l *Locker) enter(name string) *gate {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.gates[name]
	if g == nil {
		g = gatePool.Get().(*gate)
		l.gates[name] = g
	}
	g.refs++
	return g
}

// leave drops a contender's reference to g; held says it holds g.ch, and
// lk (if any) is the lock that held it.
func (l *Locker) leave(name string, g *gate, held bool, lk *Lock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lk != nil && g.holder == lk {
		g.holder = nil
	}
	if held {
		<-g.ch // never blocks: this contender's token is in it
	}
	if g.refs--; g.refs == 0 {
		delete(l.gates, name)
		gatePool.Put(g)
	}
}

// take takes g.ch if it is free; otherwise it returns g's holder (nil
// while a contender is still trying to acquire).
func (l *Locker) take(g *gate) (bool, *Lock) {
	select {
	case g.ch <- struct{}{}:
		return true, nil
	default:
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return false, g.holder
}

// waitGate blocks until this contender holds g.ch or ctx ends. While
// another local contender holds it, the wait also ends that holder's turn
// when its lease runs out or its Acquire context ends (what its lease
// timer and context.AfterFunc would otherwise do on every acquisition).
func (l *Locker) waitGate(ctx context.Context, g *gate) error {
	for {
		taken, h := l.take(g)
		if taken {
			return nil
		}
		// Between a contender's turn and its hold (one round trip), or
		// when it fails, there is no holder yet: look again shortly.
		d, parentDone := l.o.RetryDelay, (<-chan struct{})(nil)
		if h != nil {
			var over bool
			if d, over = h.turn(l.o.RetryDelay); over {
				h.expire()
				continue
			}
			parentDone = h.parent.Done()
		}
		t := time.NewTimer(d)
		select {
		case g.ch <- struct{}{}:
			t.Stop()
			return nil
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		case <-parentDone:
			t.Stop()
			h.freeGate()
		case <-t.C:
			if h != nil {
				h.expire()
			}
		}
	}
}

// tryGate takes g.ch if it is free, or if its local holder's turn is over
// (lease run out, Acquire context ended).
func (l *Locker) tryGate(g *gate) bool {
	for range 2 {
		taken, h := l.take(g)
		switch {
		case taken:
			return true
		case h == nil:
			return false
		case h.parent.Err() != nil:
			h.freeGate()
		default:
			if _, over := h.turn(0); !over {
				return false
			}
			h.expire()
		}
	}
	return false
}

// New returns a Locker on a single Redis server.
//
// New does no I/O and returns no error: given a nil client it returns a
// Locker whose methods return an error wrapping ErrInvalid.
func New(c rueidis.Client, o *Options) *Locker {
	l, err := NewRedlock([]rueidis.Client{c}, o)
	if err != nil {
		return &Locker{invalid: err}
	}
	return l
}

// usable returns an error wrapping ErrInvalid for a nil Locker or one New
// was given a nil client.
func (l *Locker) usable() error {
	if l == nil {
		return fmt.Errorf("%w: nil *Locker", ErrInvalid)
	}
	return l.invalid
}

// NewRedlock returns a Locker over N independent Redis servers (not
// replicas of each other). A lock is held when a majority (N/2+1) granted it
// within the lease minus the drift allowance. See the package documentation
// for the safety limits of Redlock.
func NewRedlock(clients []rueidis.Client, o *Options) (*Locker, error) {
	if len(clients) == 0 {
		return nil, fmt.Errorf("%w: NewRedlock needs at least one client", ErrInvalid)
	}
	var opt Options
	if o != nil {
		opt = *o
	}
	if opt.Prefix == "" {
		opt.Prefix = DefaultPrefix
	}
	if opt.TTL <= 0 {
		opt.TTL = DefaultTTL
	}
	if opt.RetryDelay <= 0 {
		opt.RetryDelay = DefaultRetryDelay
	}
	if opt.DriftFactor <= 0 {
		opt.DriftFactor = DefaultDriftFactor
	}
	if opt.InstanceTimeout <= 0 {
		opt.InstanceTimeout = DefaultInstanceTimeout
	}
	if opt.Timeout == 0 {
		opt.Timeout = redisconn.DefaultTimeout
	}
	if opt.FenceTTL == 0 {
		opt.FenceTTL = DefaultFenceTTL
	}
	if opt.DirectCalls == 0 {
		opt.DirectCalls = DefaultDirectCalls
	}
	opt.DirectCalls = min(opt.DirectCalls, 1<<20)
	bounded := make([]rueidis.Client, len(clients))
	for i, c := range clients {
		if c == nil {
			return nil, fmt.Errorf("%w: nil client", ErrInvalid)
		}
		bounded[i] = redisconn.WithTimeout(c, opt.Timeout)
	}
	clients = bounded
	fenceTTL := "0"
	if opt.FenceTTL > 0 {
		fenceTTL = ms(opt.FenceTTL)
	}
	return &Locker{fenceTTL: fenceTTL, clients: clients, quorum: len(clients)/2 + 1, o: opt, gates: map[string]*gate{},
		tokenBase: newToken(), ttlArg: ms(opt.TTL), inflight: make([]atomic.Int32, len(clients))}, nil
}

// Lock is a held lock. Its Context is cancelled, with cause ErrLockLost,
// as soon as the lease can no longer be trusted (expired, taken over, or
// auto-extension failed); work done under the lock should use it and write
// to the protected resource with the Fence token.
//
// The uncontended path is lazy: a Lock starts no goroutine and arms no
// timer, and makes its holder context on the first call to Context (or
// for AutoExtend).
type Lock struct {
	l     *Locker
	name  string
	g     *gate
	keys  []string
	token string
	fence int64
	ttl   time.Duration
	// parent is the context given to Acquire.
	parent context.Context
	// gateFreed is set once the next local contender may go.
	gateFreed atomic.Bool

	mu sync.Mutex
	// expiry is the local lease deadline (TTL minus elapsed time minus
	// drift); lost is set once the lease is known lost.
	expiry   time.Time
	lost     bool
	released bool
	// ctx, cancel and timer (which ends ctx at expiry) exist once Context
	// was called.
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	stop   chan struct{}
	done   chan struct{}
}

// Name returns the lock name.
func (lk *Lock) Name() string {
	if lk == nil {
		return ""
	}
	return lk.name
}

// Fence returns the fencing token: strictly greater than the token of every
// earlier acquisition of the same name.
func (lk *Lock) Fence() int64 {
	if lk == nil {
		return 0
	}
	return lk.fence
}

// Context returns the holder context. It is done when the lock is lost
// (context.Cause is ErrLockLost), released, or when the context given to
// Acquire ends. A nil Lock's context is already done, with cause
// ErrInvalid.
func (lk *Lock) Context() context.Context {
	if lk == nil {
		return invalidContext("nil *Lock")
	}
	lk.mu.Lock()
	defer lk.mu.Unlock()
	if lk.ctx != nil {
		return lk.ctx
	}
	lk.ctx, lk.cancel = context.WithCancelCause(lk.parent)
	switch d := time.Until(lk.expiry); {
	case lk.lost:
		lk.cancel(ErrLockLost)
	case lk.released:
		lk.cancel(context.Canceled)
	case d <= 0:
		lk.lost = true
		lk.cancel(ErrLockLost)
		lk.freeGate() // takes Locker.mu, never held while taking lk.mu
	default:
		lk.timer = time.AfterFunc(d, lk.expire)
	}
	return lk.ctx
}

// turn reports how long the holder's turn may still last (the local
// lease), and over when it is lost or has run out. A released lock's turn
// ends in Release (one round trip): wait says look again after that.
func (lk *Lock) turn(wait time.Duration) (time.Duration, bool) {
	lk.mu.Lock()
	defer lk.mu.Unlock()
	switch d := time.Until(lk.expiry); {
	case lk.released:
		return wait, false
	case lk.lost || d <= 0:
		return 0, true
	default:
		return d, false
	}
}

// expire marks the lock lost if its local lease has run out (an Extend
// may have moved it on since the caller looked).
func (lk *Lock) expire() {
	lk.mu.Lock()
	over := !lk.released && (lk.lost || !time.Now().Before(lk.expiry))
	lk.mu.Unlock()
	if over {
		lk.lose()
	}
}

// freeGate lets the next local contender in, once.
func (lk *Lock) freeGate() {
	if !lk.gateFreed.Swap(true) {
		lk.l.leave(lk.name, lk.g, true, lk)
	}
}

// keys returns the lock key, the fencing counter, the awaited marker and
// the wake list of name, cut from one string.
func (l *Locker) keys(name string) []string {
	n := len(l.o.Prefix) + len(name) + 2
	all := make([]byte, 0, 4*n+len(":fence:awaited:wake"))
	for _, suffix := range []string{"", ":fence", ":awaited", ":wake"} {
		all = append(append(append(append(all, l.o.Prefix...), '{'), name...), '}')
		all = append(all, suffix...)
	}
	s := string(all)
	return []string{s[:n], s[n : 2*n+6], s[2*n+6 : 3*n+14], s[3*n+14:]}
}

func (l *Locker) newToken() string {
	var buf [48]byte
	b := append(buf[:0], l.tokenBase...)
	b = append(b, ':')
	return string(strconv.AppendUint(b, l.tokenSeq.Add(1), 36))
}

func (l *Locker) ttlString(ttl time.Duration) string {
	if ttl == l.o.TTL {
		return l.ttlArg
	}
	return ms(ttl)
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// invalidContext returns a context already done, with an error wrapping
// ErrInvalid as its cause: the holder context of a nil Lock or Permit.
func invalidContext(what string) context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(fmt.Errorf("%w: %s", ErrInvalid, what))
	return ctx
}

func ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

func (l *Locker) ttl(o *AcquireOpts) time.Duration {
	if o != nil && o.TTL > 0 {
		return o.TTL
	}
	return l.o.TTL
}

func (l *Locker) drift(ttl time.Duration) time.Duration {
	return time.Duration(float64(ttl)*l.o.DriftFactor) + 2*time.Millisecond
}

// each runs f on every instance, in parallel when there are several, each
// call bounded by InstanceTimeout.
func (l *Locker) each(ctx context.Context, f func(ctx context.Context, i int, c rueidis.Client) rueidis.RedisResult) []rueidis.RedisResult {
	if len(l.clients) == 1 {
		return []rueidis.RedisResult{f(ctx, 0, l.clients[0])}
	}
	out := make([]rueidis.RedisResult, len(l.clients))
	var wg sync.WaitGroup
	for i, c := range l.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ictx, cancel := context.WithTimeout(ctx, l.o.InstanceTimeout)
			defer cancel()
			out[i] = f(ictx, i, c)
		}()
	}
	wg.Wait()
	return out
}

// TryAcquire makes one attempt. It returns ErrNotAcquired (or a
// *QuorumError for a Redlock) when the lock is held elsewhere.
// A lock held or awaited by another goroutine of this Locker counts as held.
func (l *Locker) TryAcquire(ctx context.Context, name string, o *AcquireOpts) (*Lock, error) {
	if err := l.usable(); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, ErrInvalidName
	}
	g := l.enter(name)
	if !l.tryGate(g) {
		l.leave(name, g, false, nil)
		return nil, fmt.Errorf("%w: %q is held", ErrNotAcquired, name)
	}
	lk, _, err := l.attempt(ctx, name, g, o, false)
	if err != nil {
		l.leave(name, g, true, nil)
	}
	return lk, err
}

// Acquire waits until the lock is free or ctx ends. A transport error
// (server unreachable) is returned at once.
func (l *Locker) Acquire(ctx context.Context, name string, o *AcquireOpts) (*Lock, error) {
	if err := l.usable(); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, ErrInvalidName
	}
	g := l.enter(name)
	if err := l.waitGate(ctx, g); err != nil {
		l.leave(name, g, false, nil)
		return nil, fmt.Errorf("%w: %q: %w", ErrNotAcquired, name, err)
	}
	for {
		lk, wait, err := l.attempt(ctx, name, g, o, true)
		if callerDone(ctx, err) {
			l.leave(name, g, true, nil)
			return nil, fmt.Errorf("%w: %q: %w", ErrNotAcquired, name, err)
		}
		if err == nil || !errors.Is(err, ErrNotAcquired) {
			if err != nil {
				l.leave(name, g, true, nil)
			}
			return lk, err
		}
		if wait > 0 && l.awaitsRelease(err) {
			// Block until the holder's release pushes a wake-up, or its
			// lease runs out (it may have died); see redlock.go for N > 1.
			if err := l.awaitRelease(ctx, name, wait); err != nil {
				l.leave(name, g, true, nil)
				return nil, err
			}
			continue
		}
		d := time.Duration(mrand.Int64N(int64(l.o.RetryDelay)) + 1)
		if wait > 0 && wait < d {
			d = wait
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			l.leave(name, g, true, nil)
			return nil, fmt.Errorf("%w: %q: %w", ErrNotAcquired, name, context.Cause(ctx))
		case <-t.C:
		}
	}
}

// awaitRelease blocks on the lock's wake list for at most d. It returns
// nil on a wake-up or timeout, and an error when ctx ends or Redis fails.
func (l *Locker) awaitRelease(ctx context.Context, name string, d time.Duration) error {
	if len(l.clients) > 1 {
		return l.awaitReleaseAny(ctx, name, d)
	}
	c := l.clients[0]
	wake := l.keys(name)[3]
	l.inflight[0].Add(1) // the BLPOP holds a pooled connection (see exec)
	defer l.inflight[0].Add(-1)
	err := c.Do(ctx, c.B().Blpop().Key(wake).Timeout(max(d.Seconds(), 0.001)).Build()).Error()
	switch {
	case err == nil || rueidis.IsRedisNil(err):
		return nil
	case callerDone(ctx, err):
		return fmt.Errorf("%w: %q: %w", ErrNotAcquired, name, err)
	}
	return fmt.Errorf("lock %q: %w", name, err)
}

// callerDone reports whether err comes from the caller's context ending
// (rueidis may report a deadline a moment before ctx.Err is set), not from
// Redis or from the per-call Timeout.
func callerDone(ctx context.Context, err error) bool {
	if err == nil || redisconn.IsUnreachable(err) {
		return false
	}
	return ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// WithLock acquires the lock with auto-extension, runs fn with the holder
// context and the fencing token, and releases the lock. If the lock is lost
// while fn runs, fn's context is cancelled and WithLock returns an error
// matching ErrLockLost (joined with fn's error).
func (l *Locker) WithLock(ctx context.Context, name string, o *AcquireOpts, fn func(ctx context.Context, fence int64) error) error {
	if fn == nil {
		return fmt.Errorf("%w: lock %q: nil function", ErrInvalid, name)
	}
	opts := AcquireOpts{AutoExtend: true}
	if o != nil {
		opts.TTL = o.TTL
	}
	lk, err := l.Acquire(ctx, name, &opts)
	if err != nil {
		return err
	}
	ferr := fn(lk.Context(), lk.Fence())
	rerr := lk.Release(context.WithoutCancel(ctx))
	return errors.Join(ferr, rerr)
}

func (l *Locker) attempt(ctx context.Context, name string, g *gate, o *AcquireOpts, waiting bool) (*Lock, time.Duration, error) {
	waits := "0"
	if waiting && l.wakes() {
		waits = "1"
	}
	ttl := l.ttl(o)
	keys := l.keys(name)
	token := l.newToken()
	args := []string{token, l.ttlString(ttl), l.fenceTTL, waits}
	if len(l.clients) > 1 {
		args = append(args, "1") // renew the counter's TTL (see drawFence)
	}
	start := time.Now()
	var res []rueidis.RedisResult
	if len(l.clients) == 1 {
		res = []rueidis.RedisResult{l.exec(ctx, 0, acquireScript, keys[:3], args)}
	} else {
		res = l.each(ctx, func(ctx context.Context, i int, _ rueidis.Client) rueidis.RedisResult {
			return l.exec(ctx, i, acquireScript, keys[:3], args)
		})
	}
	var (
		granted []int
		fence   int64
		wait    time.Duration
		errs    []error
	)
	for i, r := range res {
		arr, err := r.ToArray()
		if err == nil && len(arr) != 2 {
			err = fmt.Errorf("lock: unexpected reply %v", arr)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, _ := arr[0].AsInt64()
		if f > 0 {
			granted = append(granted, i)
			fence = max(fence, f)
			continue
		}
		if p, _ := arr[1].AsInt64(); p > 0 && (wait == 0 || time.Duration(p)*time.Millisecond < wait) {
			wait = time.Duration(p) * time.Millisecond
		}
	}
	validity := ttl - time.Since(start) - l.drift(ttl)
	if len(granted) >= l.quorum && validity > 0 && len(l.clients) > 1 {
		granted = l.raiseFence(ctx, keys, token, fence, granted)
	}
	if len(granted) >= l.quorum && validity > 0 {
		validity = ttl - time.Since(start) - l.drift(ttl)
		if validity > 0 {
			return l.hold(ctx, name, g, keys, token, fence, ttl, validity, o), 0, nil
		}
	}
	if len(granted) > 0 {
		l.releaseAll(context.WithoutCancel(ctx), keys, token)
	}
	switch {
	case len(l.clients) == 1 && len(errs) == 1:
		return nil, 0, fmt.Errorf("lock %q: %w", name, errs[0])
	case len(l.clients) == 1:
		return nil, wait, fmt.Errorf("%w: %q is held", ErrNotAcquired, name)
	case len(errs) > len(l.clients)-l.quorum:
		// Too many instances did not answer: an outage, not contention.
		return nil, 0, &QuorumError{Name: name, Acquired: len(granted), Need: l.quorum, Errs: errs, Unavailable: true}
	}
	return nil, wait, &QuorumError{Name: name, Acquired: len(granted), Need: l.quorum, Errs: errs}
}

// raiseFence lifts the fencing counter of every granting instance to fence
// and returns the instances where that succeeded.
func (l *Locker) raiseFence(ctx context.Context, keys []string, token string, fence int64, granted []int) []int {
	f := strconv.FormatInt(fence, 10)
	ok := make([]bool, len(granted))
	var wg sync.WaitGroup
	for j, i := range granted {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ictx, cancel := context.WithTimeout(ctx, l.o.InstanceTimeout)
			defer cancel()
			n, err := raiseFenceScript.Exec(ictx, l.clients[i], keys[:2], []string{token, f}).AsInt64()
			ok[j] = err == nil && n == 1
		}()
	}
	wg.Wait()
	out := granted[:0:0]
	for j, i := range granted {
		if ok[j] {
			out = append(out, i)
		}
	}
	return out
}

func (l *Locker) releaseAll(ctx context.Context, keys []string, token string) (released, notOwner int, errs []error) {
	rkeys, args := []string{keys[0], keys[2], keys[3]}, []string{token}
	var res []rueidis.RedisResult
	if len(l.clients) == 1 {
		res = []rueidis.RedisResult{l.exec(ctx, 0, releaseScript, rkeys, args)}
	} else {
		res = l.each(ctx, func(ctx context.Context, i int, _ rueidis.Client) rueidis.RedisResult {
			return l.exec(ctx, i, releaseScript, rkeys, args)
		})
	}
	for _, r := range res {
		n, err := r.AsInt64()
		switch {
		case err != nil:
			errs = append(errs, err)
		case n == 1:
			released++
		default:
			notOwner++
		}
	}
	return released, notOwner, errs
}

// hold returns the held lock. Once its turn ends (lost, released, or the
// caller's context ended), the next local contender may poll the servers:
// Release and lose free the gate themselves, and waiting local contenders
// watch the lease and the caller's context (waitGate, tryGate), so the
// uncontended path needs no timer, context or goroutine.
func (l *Locker) hold(ctx context.Context, name string, g *gate, keys []string, token string, fence int64, ttl, validity time.Duration, o *AcquireOpts) *Lock {
	lk := &Lock{l: l, name: name, g: g, keys: keys, token: token, fence: fence, ttl: ttl, parent: ctx,
		expiry: time.Now().Add(validity)}
	l.mu.Lock()
	g.holder = lk
	l.mu.Unlock()
	if o != nil && o.AutoExtend {
		hctx := lk.Context()
		lk.stop, lk.done = make(chan struct{}), make(chan struct{})
		go autoExtend(hctx, lk.stop, lk.done, lk.ttl, func(ctx context.Context) error { return lk.Extend(ctx, lk.ttl) })
	}
	return lk
}

// lose marks the lock lost, ends the holder context (if made) with cause
// ErrLockLost and lets the next local contender in.
func (lk *Lock) lose() {
	lk.mu.Lock()
	if !lk.released {
		lk.lost = true
	}
	cancel := lk.cancel
	lk.mu.Unlock()
	if cancel != nil {
		cancel(ErrLockLost)
	}
	lk.freeGate()
}

// autoExtend calls extend every ttl/3 until stop is closed or ctx ends,
// then closes done. A failure other than ErrLockLost is retried sooner;
// the holder's lease timer ends ctx if the lease runs out first.
func autoExtend(ctx context.Context, stop <-chan struct{}, done chan<- struct{}, ttl time.Duration, extend func(ctx context.Context) error) {
	defer close(done)
	every := ttl / 3
	t := time.NewTimer(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cctx, cancel := context.WithTimeout(ctx, every)
		err := extend(cctx)
		cancel()
		switch {
		case err == nil:
			t.Reset(every)
		case errors.Is(err, ErrLockLost):
			return
		default:
			t.Reset(every / 4)
		}
	}
}

// Extend renews the lease to ttl (0 keeps the lock's TTL). It returns
// ErrLockLost, and cancels the holder context, when this owner no longer
// holds the lock.
func (lk *Lock) Extend(ctx context.Context, ttl time.Duration) error {
	if lk == nil {
		return fmt.Errorf("%w: nil *Lock", ErrInvalid)
	}
	if ttl <= 0 {
		ttl = lk.ttl
	}
	lk.mu.Lock()
	released, lost := lk.released || lk.parent.Err() != nil, lk.lost || !time.Now().Before(lk.expiry)
	lk.mu.Unlock()
	switch {
	case released:
		return fmt.Errorf("lock %q: extend after release: %w", lk.name, ErrLockLost)
	case lost:
		lk.lose()
		return fmt.Errorf("lock %q: %w", lk.name, ErrLockLost)
	}
	l := lk.l
	start := time.Now()
	var ok, notOwner int
	var errs []error
	for _, r := range l.each(ctx, func(ctx context.Context, _ int, c rueidis.Client) rueidis.RedisResult {
		return extendScript.Exec(ctx, c, lk.keys[:1], []string{lk.token, ms(ttl)})
	}) {
		n, err := r.AsInt64()
		switch {
		case err != nil:
			errs = append(errs, err)
		case n == 1:
			ok++
		default:
			notOwner++
		}
	}
	validity := ttl - time.Since(start) - l.drift(ttl)
	if ok >= l.quorum && validity > 0 {
		lk.mu.Lock()
		// A lease that ran out locally in the meantime stays lost: the
		// holder may have been told (its context, a waiting contender).
		if lk.released || lk.lost || !time.Now().Before(lk.expiry) {
			lk.mu.Unlock()
			lk.lose()
			return fmt.Errorf("lock %q: %w", lk.name, ErrLockLost)
		}
		lk.expiry = time.Now().Add(validity)
		if lk.timer != nil {
			lk.timer.Reset(validity)
		}
		lk.mu.Unlock()
		return nil
	}
	if notOwner > len(l.clients)-l.quorum {
		lk.lose()
		return fmt.Errorf("lock %q: %w", lk.name, ErrLockLost)
	}
	return fmt.Errorf("lock %q: extend: %w", lk.name, errors.Join(errs...))
}

// Release gives the lock up on every instance and ends the holder context.
// It returns ErrLockLost when the lease had already been lost (the work
// done under it may have overlapped with another holder).
func (lk *Lock) Release(ctx context.Context) error {
	if lk == nil {
		return fmt.Errorf("%w: nil *Lock", ErrInvalid)
	}
	lk.mu.Lock()
	if lk.released {
		lk.mu.Unlock()
		return nil
	}
	lk.released = true
	if lk.timer != nil {
		lk.timer.Stop()
	}
	lk.mu.Unlock()
	if lk.stop != nil {
		close(lk.stop)
		<-lk.done
	}
	lk.mu.Lock()
	lost := lk.lost || !time.Now().Before(lk.expiry)
	lk.lost = lost
	cancel := lk.cancel
	lk.mu.Unlock()
	released, _, errs := lk.l.releaseAll(ctx, lk.keys, lk.token)
	lk.freeGate()
	if cancel != nil {
		if lost {
			cancel(ErrLockLost)
		}
		cancel(context.Canceled)
	}
	switch {
	case lost || released < lk.l.quorum && len(errs) == 0:
		return fmt.Errorf("lock %q: %w", lk.name, ErrLockLost)
	case released < lk.l.quorum:
		return fmt.Errorf("lock %q: release: %w", lk.name, errors.Join(errs...))
	}
	return nil
}
