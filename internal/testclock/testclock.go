package testclock

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// ShiftEnv names the environment variable that shifts [Now].
const ShiftEnv = "POLYSTORE_CLOCK_SHIFT"

// Shift returns the shift set by POLYSTORE_CLOCK_SHIFT, or 0 when it is
// unset. A value that is not a Go duration is an error, so a typo cannot
// silently run the tests unshifted.
func Shift() (time.Duration, error) {
	v := os.Getenv(ShiftEnv)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("testclock: %s=%q is not a duration (e.g. 87600h or -87600h): %w", ShiftEnv, v, err)
	}
	return d, nil
}

// Now returns the wall clock moved by [Shift]. It panics on a malformed
// POLYSTORE_CLOCK_SHIFT: that is a mistake in how the tests were started.
func Now() time.Time {
	d, err := Shift()
	if err != nil {
		panic(err)
	}
	return time.Now().Add(d)
}

// Fake is a clock that only moves when told to. Its zero value reads the
// Unix epoch; use [NewFake].
type Fake struct{ us atomic.Int64 }

// NewFake returns a clock reading start (to the microsecond).
func NewFake(start time.Time) *Fake {
	f := &Fake{}
	f.us.Store(start.UnixMicro())
	return f
}

// Now reads the clock.
func (f *Fake) Now() time.Time { return time.UnixMicro(f.us.Load()) }

// Add moves the clock by d (to the microsecond).
func (f *Fake) Add(d time.Duration) { f.us.Add(d.Microseconds()) }

// Micro reads the clock in Unix microseconds.
func (f *Fake) Micro() int64 { return f.us.Load() }
