package lock

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/redisconn"
)

// semAcquireScript takes a free slot of a counting semaphore and draws a
// fencing token in one step. The semaphore is a hash of slot -> holder,
// each holder "<expiry µs>:<fence>:<owner token>" on the server's clock; a
// holder whose expiry passed no longer counts and its slot is reused.
// Tokens come from drawFence, as for acquireScript, the counter expiring
// ARGV[4] ms after it started. The script is idempotent: a resend by the same
// owner returns its slot and token again.
//
//	KEYS[1] slots hash   KEYS[2] fencing counter   KEYS[3] awaited marker
//	ARGV[1] owner token  ARGV[2] lease in ms   ARGV[3] limit
//	ARGV[4] counter TTL in ms (0: never expires)
//	ARGV[5] "1" when the caller waits for a release
//	returns {slot, fence, 0} when acquired, {-1, 0, ms until the earliest
//	        lease ends} when every slot is held
var semAcquireScript = rueidis.NewLuaScriptRetryable(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[3])
local all = redis.call('HGETALL', KEYS[1])
local held, live, soonest, latest = {}, 0, nil, 0
for i = 1, #all, 2 do
  local exp, fence, owner = string.match(all[i + 1], '^(%d+):(%d+):(.*)$')
  exp = tonumber(exp)
  if exp and exp > now then
    if owner == ARGV[1] then
      return {tonumber(all[i]), tonumber(fence), 0}
    end
    held[tonumber(all[i])] = true
    live = live + 1
    if soonest == nil or exp < soonest then soonest = exp end
    if exp > latest then latest = exp end
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
if live >= limit then
  local wait = math.max(1, math.ceil((soonest - now) / 1000))
  if ARGV[5] == '1' then
    redis.call('SET', KEYS[3], '1', 'PX', wait + 1000)
  end
  return {-1, 0, wait}
end
local slot = 0
while held[slot] do slot = slot + 1 end
local ttl, keep, refresh = tonumber(ARGV[2]), tonumber(ARGV[4]), false
` + drawFence + `
local exp = now + ttl * 1000
redis.call('HSET', KEYS[1], slot, string.format('%d:%d:', exp, f) .. ARGV[1])
-- The hash lives as long as its longest live lease (known from the scan).
redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(exp, latest) - now) / 1000))
return {slot, f, 0}
`)

// semReleaseScript frees the owner's slot and, when someone waits, pushes
// one wake-up (as releaseScript does for locks).
//
//	KEYS[1] slots hash   KEYS[2] awaited marker   KEYS[3] wake list
//	ARGV[1] slot   ARGV[2] owner token
//	returns 1 when released, 0 when the slot was no longer the owner's
var semReleaseScript = rueidis.NewLuaScriptRetryable(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local exp, fence, owner = string.match(v, '^(%d+):(%d+):(.*)$')
if owner ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('RPUSH', KEYS[3], '1')
  redis.call('LTRIM', KEYS[3], -1, -1)
  redis.call('PEXPIRE', KEYS[3], 5000)
end
local t = redis.call('TIME')
if tonumber(exp) <= tonumber(t[1]) * 1000000 + tonumber(t[2]) then return 0 end
return 1
`)

// semExtendScript renews the owner's lease if it has not expired.
//
//	KEYS[1] slots hash   ARGV[1] slot   ARGV[2] owner token   ARGV[3] lease ms
//	returns 1 when extended, 0 when the lease was lost
var semExtendScript = rueidis.NewLuaScriptRetryable(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local exp, fence, owner = string.match(v, '^(%d+):(%d+):(.*)$')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if owner ~= ARGV[2] or tonumber(exp) <= now then return 0 end
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d:%s:', now + ttl * 1000, fence) .. owner)
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
`)

// SemaphoreOptions configure a Semaphore.
type SemaphoreOptions struct {
	// Limit is how many holders a name may have at once (> 0). Every
	// process using a name must use the same Limit.
	Limit int64
	// Prefix starts every key; default "lock:sem:". A semaphore named n
	// uses Prefix+"{n}" (the slots), Prefix+"{n}:fence",
	// Prefix+"{n}:awaited" and Prefix+"{n}:wake", all in one cluster slot.
	Prefix string
	// TTL is the default lease; a holder that dies frees its slot after
	// it. Default 10s.
	TTL time.Duration
	// FenceTTL is how long the fencing counter lives after it starts
	// (default 24h, negative: forever), as Options.FenceTTL.
	FenceTTL time.Duration
	// DriftFactor is the share of the TTL set aside for clock drift (plus
	// 2ms) when this process decides its lease has run out; default 0.01.
	DriftFactor float64
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout).
	Timeout time.Duration
}

// OptionError reports invalid options.
type OptionError struct {
	Field, Reason string
}

func (e *OptionError) Error() string { return "lock: option " + e.Field + ": " + e.Reason }

// Is makes an *OptionError match ErrInvalid.
func (e *OptionError) Is(target error) bool { return target == ErrInvalid }

// Semaphore is a counting semaphore: at most Limit holders per name at
// once, across every process sharing the Redis. Each acquisition gets a
// slot in [0, Limit) and a fencing token strictly greater than every
// earlier acquisition's of the same name, so a holder whose lease expired
// (it was paused, or died) is told apart from the one that took its slot:
// fence writes per slot, e.g. Guard.Admit(p.Resource("printer"), p.Fence()).
type Semaphore struct {
	client   rueidis.Client
	o        SemaphoreOptions
	limit    string
	ttlArg   string
	fenceTTL string

	tokenBase string
	tokenSeq  atomic.Uint64
}

// NewSemaphore returns a Semaphore. It does no I/O.
func NewSemaphore(c rueidis.Client, o SemaphoreOptions) (*Semaphore, error) {
	if c == nil {
		return nil, &OptionError{Field: "client", Reason: "must not be nil"}
	}
	if o.Limit <= 0 {
		return nil, &OptionError{Field: "Limit", Reason: "must be positive, got " + strconv.FormatInt(o.Limit, 10)}
	}
	if o.TTL < 0 || (o.TTL > 0 && o.TTL < time.Millisecond) {
		return nil, &OptionError{Field: "TTL", Reason: "must be at least 1ms"}
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.Prefix == "" {
		o.Prefix = "lock:sem:"
	}
	if o.DriftFactor <= 0 {
		o.DriftFactor = DefaultDriftFactor
	}
	if o.FenceTTL == 0 {
		o.FenceTTL = DefaultFenceTTL
	}
	if o.Timeout == 0 {
		o.Timeout = redisconn.DefaultTimeout
	}
	fenceTTL := "0"
	if o.FenceTTL > 0 {
		fenceTTL = ms(o.FenceTTL)
	}
	return &Semaphore{client: redisconn.WithTimeout(c, o.Timeout), o: o, limit: strconv.FormatInt(o.Limit, 10),
		ttlArg: ms(o.TTL), fenceTTL: fenceTTL, tokenBase: newToken()}, nil
}

func (s *Semaphore) keys(name string) []string {
	k := s.o.Prefix + "{" + name + "}"
	return []string{k, k + ":fence", k + ":awaited", k + ":wake"}
}

// Permit is one held slot of a Semaphore.
type Permit struct {
	s      *Semaphore
	name   string
	keys   []string
	token  string
	slot   int64
	fence  int64
	ttl    time.Duration
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu       sync.Mutex
	timer    *time.Timer
	released bool
	stop     chan struct{}
	done     chan struct{}
}

// Slot returns the permit's slot, in [0, Limit). At most one live permit
// holds a slot at a time.
func (p *Permit) Slot() int64 {
	if p == nil {
		return 0
	}
	return p.slot
}

// Fence returns the fencing token: strictly greater than the token of every
// earlier acquisition of the same semaphore name.
func (p *Permit) Fence() int64 {
	if p == nil {
		return 0
	}
	return p.fence
}

// Resource returns "<resource>#<slot>": the name under which to fence the
// writes this permit makes (with Guard or FencedSet), so a permit whose
// lease expired is refused once the slot's next holder has written.
func (p *Permit) Resource(resource string) string {
	return resource + "#" + strconv.FormatInt(p.Slot(), 10)
}

// Context is done when the lease can no longer be trusted (cause
// ErrLockLost), on Release, or when Acquire's context ends. A nil
// Permit's context is already done, with cause ErrInvalid.
func (p *Permit) Context() context.Context {
	if p == nil {
		return invalidContext("nil *Permit")
	}
	return p.ctx
}

// TryAcquire makes one attempt: ErrNotAcquired when all Limit slots are
// held.
func (s *Semaphore) TryAcquire(ctx context.Context, name string, o *AcquireOpts) (*Permit, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil *Semaphore", ErrInvalid)
	}
	p, _, err := s.attempt(ctx, name, o, false)
	return p, err
}

// Acquire waits for a slot until ctx ends. A release wakes one waiter (a
// wake-up list, as for locks); a holder that died frees its slot when its
// lease ends, which the waiter also waits for.
func (s *Semaphore) Acquire(ctx context.Context, name string, o *AcquireOpts) (*Permit, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: nil *Semaphore", ErrInvalid)
	}
	for {
		p, wait, err := s.attempt(ctx, name, o, true)
		if callerDone(ctx, err) {
			return nil, fmt.Errorf("%w: %q: %w", ErrNotAcquired, name, err)
		}
		if err == nil || !errors.Is(err, ErrNotAcquired) {
			return p, err
		}
		c := s.client
		err = c.Do(ctx, c.B().Blpop().Key(s.keys(name)[3]).Timeout(max(wait.Seconds(), 0.001)).Build()).Error()
		switch {
		case err == nil || rueidis.IsRedisNil(err):
		case callerDone(ctx, err):
			return nil, fmt.Errorf("%w: %q: %w", ErrNotAcquired, name, err)
		default:
			return nil, fmt.Errorf("semaphore %q: %w", name, err)
		}
	}
}

func (s *Semaphore) attempt(ctx context.Context, name string, o *AcquireOpts, waiting bool) (*Permit, time.Duration, error) {
	if name == "" {
		return nil, 0, ErrInvalidName
	}
	ttl, ttlArg := s.o.TTL, s.ttlArg
	if o != nil && o.TTL > 0 {
		ttl, ttlArg = o.TTL, ms(o.TTL)
	}
	waits := "0"
	if waiting {
		waits = "1"
	}
	var buf [48]byte
	token := string(strconv.AppendUint(append(append(buf[:0], s.tokenBase...), ':'), s.tokenSeq.Add(1), 36))
	keys := s.keys(name)
	start := time.Now()
	vals, err := semAcquireScript.Exec(ctx, s.client, keys[:3], []string{token, ttlArg, s.limit, s.fenceTTL, waits}).AsIntSlice()
	if err == nil && len(vals) != 3 {
		err = fmt.Errorf("lock: unexpected reply %v", vals)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("semaphore %q: %w", name, err)
	}
	if vals[0] < 0 {
		return nil, time.Duration(vals[2]) * time.Millisecond, fmt.Errorf("%w: semaphore %q has %d holders", ErrNotAcquired, name, s.o.Limit)
	}
	validity := ttl - time.Since(start) - (time.Duration(float64(ttl)*s.o.DriftFactor) + 2*time.Millisecond)
	hctx, cancel := context.WithCancelCause(ctx)
	p := &Permit{s: s, name: name, keys: keys, token: token, slot: vals[0], fence: vals[1], ttl: ttl, ctx: hctx, cancel: cancel}
	p.timer = time.AfterFunc(max(validity, 0), func() { cancel(ErrLockLost) })
	if o != nil && o.AutoExtend {
		p.stop, p.done = make(chan struct{}), make(chan struct{})
		go autoExtend(p.ctx, p.stop, p.done, p.ttl, func(ctx context.Context) error { return p.Extend(ctx, p.ttl) })
	}
	return p, 0, nil
}

// Extend renews the lease to ttl (0 keeps the permit's TTL); ErrLockLost
// when it had expired (its slot may have gone to someone else).
func (p *Permit) Extend(ctx context.Context, ttl time.Duration) error {
	if p == nil {
		return fmt.Errorf("%w: nil *Permit", ErrInvalid)
	}
	if ttl <= 0 {
		ttl = p.ttl
	}
	if p.ctx.Err() != nil {
		return fmt.Errorf("semaphore %q: %w", p.name, ErrLockLost)
	}
	start := time.Now()
	n, err := semExtendScript.Exec(ctx, p.s.client, p.keys[:1],
		[]string{strconv.FormatInt(p.slot, 10), p.token, ms(ttl)}).AsInt64()
	if err != nil {
		return fmt.Errorf("semaphore %q: extend: %w", p.name, err)
	}
	if n != 1 {
		p.cancel(ErrLockLost)
		return fmt.Errorf("semaphore %q: %w", p.name, ErrLockLost)
	}
	validity := ttl - time.Since(start) - (time.Duration(float64(ttl)*p.s.o.DriftFactor) + 2*time.Millisecond)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.released || !p.timer.Stop() {
		return fmt.Errorf("semaphore %q: %w", p.name, ErrLockLost)
	}
	p.timer.Reset(max(validity, 0))
	return nil
}

// Release frees the slot and wakes one waiter. It returns ErrLockLost when
// the lease had already expired (the work done under it may have
// overlapped with the slot's next holder). A second Release is a no-op.
func (p *Permit) Release(ctx context.Context) error {
	if p == nil {
		return fmt.Errorf("%w: nil *Permit", ErrInvalid)
	}
	p.mu.Lock()
	if p.released {
		p.mu.Unlock()
		return nil
	}
	p.released = true
	p.timer.Stop()
	p.mu.Unlock()
	if p.stop != nil {
		close(p.stop)
		<-p.done
	}
	lost := errors.Is(context.Cause(p.ctx), ErrLockLost)
	n, err := semReleaseScript.Exec(ctx, p.s.client, []string{p.keys[0], p.keys[2], p.keys[3]},
		[]string{strconv.FormatInt(p.slot, 10), p.token}).AsInt64()
	p.cancel(context.Canceled)
	switch {
	case err != nil:
		return fmt.Errorf("semaphore %q: release: %w", p.name, err)
	case lost || n != 1:
		return fmt.Errorf("semaphore %q: %w", p.name, ErrLockLost)
	}
	return nil
}
