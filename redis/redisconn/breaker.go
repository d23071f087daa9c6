package redisconn

import (
	"sync/atomic"
	"time"
)

// Breaker remembers that Redis was unreachable so callers can skip it (and
// go straight to their fallback) instead of each waiting for a timeout,
// letting one call per probe interval try again. The zero value is ready
// (probe interval 1s); a nil *Breaker is always up. Safe for concurrent
// use.
type Breaker struct {
	// Interval between probes while down (default 1s). Set before use.
	Interval time.Duration
	down     atomic.Bool
	probeAt  atomic.Int64 // unix nanos: while down, when the next probe may run
	outages  atomic.Int64
}

func (b *Breaker) interval() time.Duration {
	if b.Interval > 0 {
		return b.Interval
	}
	return time.Second
}

// Down reports whether the last observed call found Redis unreachable.
func (b *Breaker) Down() bool { return b != nil && b.down.Load() }

// Outages counts transitions from up to down.
func (b *Breaker) Outages() int64 {
	if b == nil {
		return 0
	}
	return b.outages.Load()
}

// Skip reports whether this call should not try Redis: it is down and it is
// not yet time (or not this caller's turn) to probe.
func (b *Breaker) Skip() bool {
	if !b.Down() {
		return false
	}
	at := b.probeAt.Load()
	now := time.Now().UnixNano()
	return now < at || !b.probeAt.CompareAndSwap(at, now+int64(b.interval()))
}

// Transition is what Observe changed.
type Transition uint8

const (
	// Unchanged: still up, or still down.
	Unchanged Transition = iota
	// WentDown: the first unreachable error after being up.
	WentDown
	// CameBack: the first success after being down.
	CameBack
)

// Observe records the outcome of a Redis call: IsUnreachable errors mark
// Redis down, anything else (success, nil reply, reply errors) up.
func (b *Breaker) Observe(err error) Transition {
	if b == nil {
		return Unchanged
	}
	if IsUnreachable(err) {
		b.probeAt.Store(time.Now().Add(b.interval()).UnixNano())
		if !b.down.Load() && b.down.CompareAndSwap(false, true) {
			b.outages.Add(1)
			return WentDown
		}
		return Unchanged
	}
	if b.down.Load() && b.down.CompareAndSwap(true, false) {
		return CameBack
	}
	return Unchanged
}
