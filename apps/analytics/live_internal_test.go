package analytics

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The live feed sends a minute again only when its count changed, and
// forgets minutes that left the window.
func TestLiveDeltaSendsChangedMinutes(t *testing.T) {
	series := func(from int64, counts ...int64) *Series {
		s := &Series{From: from}
		for i, c := range counts {
			s.Points = append(s.Points, SeriesPoint{T: from + int64(i)*60, Count: c})
		}
		return s
	}
	times := func(ps []SeriesPoint) []int64 {
		out := []int64{}
		for _, p := range ps {
			out = append(out, p.T)
		}
		return out
	}
	var d liveDelta
	require.Equal(t, []int64{60, 120}, times(d.changed(series(0, 0, 5, 7))), "empty minutes are not sent")
	require.Empty(t, d.changed(series(0, 0, 5, 7)), "nothing changed")
	require.Equal(t, []int64{120}, times(d.changed(series(0, 0, 5, 9))))
	require.Equal(t, []int64{180}, times(d.changed(series(60, 5, 9, 1))), "a new minute")
	require.NotContains(t, d.sent, int64(0), "minutes before the window are forgotten")
	require.Len(t, d.sent, 3)
}
