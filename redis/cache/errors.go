package cache

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrNotFound: the loader found nothing. Loaders return it (or an error
	// wrapping it) to have "not found" cached for NegativeTTL; Get returns it
	// for cached negatives.
	ErrNotFound = errors.New("cache: not found")
	// ErrInvalid is wrapped by every bad-input error.
	ErrInvalid = errors.New("cache: invalid argument")
	// ErrEmptyKey: the key is empty.
	ErrEmptyKey = fmt.Errorf("%w: empty key", ErrInvalid)
	// errNilCache is returned by every function and method given a nil
	// *Cache or called on a nil *WriteBehind.
	errNilCache       = fmt.Errorf("%w: nil *Cache", ErrInvalid)
	errNilWriteBehind = fmt.Errorf("%w: nil *WriteBehind", ErrInvalid)
	// ErrUnavailable is wrapped by *RedisError.
	ErrUnavailable = errors.New("cache: redis unavailable")
	// ErrWaitTimeout is wrapped by *WaitTimeoutError.
	ErrWaitTimeout = errors.New("cache: timed out waiting for another loader")
)

// ConfigError reports an invalid Config field or option.
type ConfigError struct{ Field, Reason string }

func (e *ConfigError) Error() string { return "cache: " + e.Field + ": " + e.Reason }

// Unwrap returns ErrInvalid.
func (e *ConfigError) Unwrap() error { return ErrInvalid }

// RedisError wraps a failed Redis call.
type RedisError struct {
	Op, Key string
	Err     error
}

func (e *RedisError) Error() string { return "cache: " + e.Op + " " + e.Key + ": " + e.Err.Error() }

// Unwrap returns ErrUnavailable and the cause.
func (e *RedisError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }

// WaitTimeoutError: another caller held the fill lock and its value did not
// land within Config.WaitTimeout.
type WaitTimeoutError struct {
	Key    string
	Waited time.Duration
}

func (e *WaitTimeoutError) Error() string {
	return fmt.Sprintf("cache: %s: no value after waiting %v for another loader", e.Key, e.Waited)
}

// Unwrap returns ErrWaitTimeout.
func (e *WaitTimeoutError) Unwrap() error { return ErrWaitTimeout }

// LoadError is a loader failure. Remote is true when the loader ran in
// another process (or goroutine group) and this caller was waiting for it;
// then Err carries only its message.
type LoadError struct {
	Key    string
	Remote bool
	Err    error
}

func (e *LoadError) Error() string {
	if e.Remote {
		return "cache: " + e.Key + ": loader failed elsewhere: " + e.Err.Error()
	}
	return "cache: " + e.Key + ": loader: " + e.Err.Error()
}

func (e *LoadError) Unwrap() error { return e.Err }

// CodecError: a value could not be encoded or decoded.
type CodecError struct {
	Key string
	Err error
}

func (e *CodecError) Error() string { return "cache: " + e.Key + ": codec: " + e.Err.Error() }

func (e *CodecError) Unwrap() error { return e.Err }

// IsUnavailable reports whether err means Redis could not be used.
func IsUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }

// IsNotFound reports whether err is (or wraps) ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
