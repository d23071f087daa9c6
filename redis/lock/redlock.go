package lock

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Redlock waiters (N > 1) are woken by a release like single-instance ones:
// each attempt of a waiting Acquire marks the lock as awaited on every
// instance where another owner holds it (acquireScript, ARGV[4]), the
// holder's release pushes a wake-up on each instance where it deletes the
// lock and finds the marker (releaseScript, run on all instances), and the
// waiter blocks on the wake lists of all instances at once, retrying once a
// majority of them has delivered one. A wake-up can be lost here (an instance
// down, or a waiter's leftover BLPOP taking the next release's wake-up on
// one instance), so a wait never lasts longer than RetryDelay: the worst
// case is the polling of Options.RedlockPoll.
//
// Fencing is untouched: the waiter still acquires through a quorum and
// raises the counters of the instances that granted it (raiseFence).

// wakes reports whether waiters of this Locker block on release
// notifications (always for one instance; for a Redlock unless
// Options.RedlockPoll).
func (l *Locker) wakes() bool { return len(l.clients) == 1 || !l.o.RedlockPoll }

// awaitsRelease reports whether a waiting Acquire whose attempt failed with
// err should block until a release: for a Redlock only when no instance
// granted the attempt. A split vote (some granted, no quorum) means
// contenders racing each other, not a holder to wait for; they back off
// by a random delay instead, which breaks the tie.
func (l *Locker) awaitsRelease(err error) bool {
	if len(l.clients) == 1 {
		return true
	}
	var q *QuorumError
	return l.wakes() && errors.As(err, &q) && q.Acquired == 0 && !q.Unavailable
}

// awaitReleaseAny blocks on the lock's wake list on every instance at once
// for at most min(d, RetryDelay) (plus InstanceTimeout for an instance that
// does not answer) and returns once a quorum of instances has delivered a
// wake-up, that is once the release has reached a majority: retrying at the
// first wake-up would often find the other instances not yet released, a
// split vote that backs off by a random pause. Errors of single instances
// are ignored (the others, or the bound, end the wait); it returns an error
// only when ctx ends. The BLPOPs still blocked when it
// returns end by themselves within the bound.
func (l *Locker) awaitReleaseAny(ctx context.Context, name string, d time.Duration) error {
	d = min(d, l.o.RetryDelay)
	wake := l.keys(name)[3]
	woke := make(chan bool, len(l.clients))
	for i, c := range l.clients {
		go func() {
			l.inflight[i].Add(1) // the BLPOP holds a pooled connection (see exec)
			defer l.inflight[i].Add(-1)
			err := c.Do(ctx, c.B().Blpop().Key(wake).Timeout(max(d.Seconds(), 0.001)).Build()).Error()
			woke <- err == nil
		}()
	}
	// An instance that hangs (paused, or a lost connection not yet noticed)
	// must not hold the waiter past the bound.
	t := time.NewTimer(d + l.o.InstanceTimeout)
	defer t.Stop()
	wakes := 0
	for range l.clients {
		select {
		case ok := <-woke:
			if ok {
				wakes++
			}
			if wakes >= l.quorum {
				return nil
			}
		case <-t.C:
			return nil
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %q: %w", ErrNotAcquired, name, context.Cause(ctx))
		}
	}
	return nil
}
