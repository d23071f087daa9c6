package testclock_test

import (
	"testing"
	"time"

	"github.com/polystore/polystore/internal/testclock"
	"github.com/stretchr/testify/require"
)

func TestShift(t *testing.T) {
	t.Setenv(testclock.ShiftEnv, "")
	d, err := testclock.Shift()
	require.NoError(t, err)
	require.Zero(t, d)
	require.WithinDuration(t, time.Now(), testclock.Now(), time.Minute)

	t.Setenv(testclock.ShiftEnv, "-87600h")
	d, err = testclock.Shift()
	require.NoError(t, err)
	require.Equal(t, -87600*time.Hour, d)
	require.WithinDuration(t, time.Now().Add(-87600*time.Hour), testclock.Now(), time.Minute)

	t.Setenv(testclock.ShiftEnv, "ten years")
	_, err = testclock.Shift()
	require.ErrorContains(t, err, testclock.ShiftEnv)
	require.Panics(t, func() { testclock.Now() })
}

func TestFake(t *testing.T) {
	start := time.Now().Truncate(time.Microsecond)
	f := testclock.NewFake(start)
	require.True(t, f.Now().Equal(start))
	f.Add(1500 * time.Millisecond)
	require.True(t, f.Now().Equal(start.Add(1500*time.Millisecond)))
	require.Equal(t, start.Add(1500*time.Millisecond).UnixMicro(), f.Micro())
}
