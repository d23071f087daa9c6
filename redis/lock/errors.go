package lock

import (
	"errors"
	"fmt"
)

var (
	// ErrNotAcquired is returned by TryAcquire when another owner holds the
	// lock, and by Acquire when its context ends before the lock is free.
	ErrNotAcquired = errors.New("lock: not acquired")
	// ErrLockLost is returned by Extend and Release when the lock is no
	// longer held by this owner (it expired, or another owner took it). It is
	// also the cause of a holder context cancelled because the lock was lost.
	ErrLockLost = errors.New("lock: lock lost")
	// ErrStaleFence is wrapped by *StaleFenceError.
	ErrStaleFence = errors.New("lock: stale fencing token")
	// ErrInvalidName is returned for an empty lock name.
	ErrInvalidName = errors.New("lock: invalid lock name")
	// ErrInvalid is wrapped by the errors for nil arguments: a nil client
	// (the methods of a Locker from New(nil, ...) return it), nil
	// receivers (*Locker, *Lock, *Semaphore, *Permit, *Guard) and nil
	// callbacks. *OptionError matches it too.
	ErrInvalid = errors.New("lock: invalid argument")
)

// QuorumError reports a Redlock acquisition that reached too few instances
// in time. It matches ErrNotAcquired with errors.Is unless Unavailable.
type QuorumError struct {
	Name     string
	Acquired int     // instances that granted the lock
	Need     int     // the quorum, N/2+1
	Errs     []error // transport errors from instances that did not answer
	// Unavailable is set when so many instances failed to answer that no
	// quorum was possible: an outage rather than contention.
	Unavailable bool
}

func (e *QuorumError) Error() string {
	msg := fmt.Sprintf("lock %q: quorum not reached (%d of %d needed)", e.Name, e.Acquired, e.Need)
	if len(e.Errs) > 0 {
		msg += ": " + errors.Join(e.Errs...).Error()
	}
	return msg
}

// Is makes errors.Is(err, ErrNotAcquired) true for contention.
func (e *QuorumError) Is(target error) bool { return target == ErrNotAcquired && !e.Unavailable }

// Unwrap returns the transport errors.
func (e *QuorumError) Unwrap() []error { return e.Errs }

// StaleFenceError is returned by a Guard when a write carries a fencing token
// lower than one already seen for the resource: its holder lost the lock.
type StaleFenceError struct {
	Resource string
	Fence    int64 // the token presented
	Highest  int64 // the highest token already admitted
}

func (e *StaleFenceError) Error() string {
	return fmt.Sprintf("lock: stale fencing token %d for %q (already saw %d)", e.Fence, e.Resource, e.Highest)
}

// Unwrap returns ErrStaleFence.
func (e *StaleFenceError) Unwrap() error { return ErrStaleFence }

// IsStaleFence reports whether err is (or wraps) a *StaleFenceError.
func IsStaleFence(err error) bool {
	var s *StaleFenceError
	return errors.As(err, &s)
}

// IsNotAcquired reports whether err means the lock was held by someone else.
func IsNotAcquired(err error) bool { return errors.Is(err, ErrNotAcquired) }

// IsLockLost reports whether err means the lock was lost.
func IsLockLost(err error) bool { return errors.Is(err, ErrLockLost) }
