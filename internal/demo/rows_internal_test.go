package demo

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Rows about once an interval are regular; the one the load's end adds
// shortly after a regular row is the partial tail, whatever the interval.
func TestRowWindowsTellTheTail(t *testing.T) {
	for _, interval := range []time.Duration{100 * time.Millisecond, time.Second} {
		var r rowWindows
		for i := 1; i <= 5; i++ {
			// a little jitter, as a ticker under load has
			require.False(t, r.tail(time.Duration(i)*interval+time.Duration(i%2)*interval/20), "row %d of %s", i, interval)
		}
		require.True(t, r.tail(5*interval+interval/10), "the row 1/10 interval after the last (%s)", interval)
	}
	// A run that ends just before a tick has no partial row: its last row
	// covers about a full interval.
	var r rowWindows
	require.False(t, r.tail(time.Second))
	require.False(t, r.tail(2*time.Second))
	require.False(t, r.tail(2*time.Second+950*time.Millisecond))
	// The first row is never a tail (nothing to compare with).
	var first rowWindows
	require.False(t, first.tail(10*time.Millisecond))
}
