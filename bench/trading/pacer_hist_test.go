package trading

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The histogram's quantiles are never below the exact ones and at most
// 1/64 above them, over values from nanoseconds to seconds.
func TestLatHistQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var h latHist
	vals := make([]int64, 200_000)
	for i := range vals {
		v := int64(rng.ExpFloat64() * 300)
		if rng.IntN(100) == 0 {
			v = rng.Int64N(2_000_000_000)
		}
		vals[i] = v
		h.record(v)
	}
	slices.Sort(vals)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 0.9999} {
		exact := vals[int(q*float64(len(vals)))-1]
		got := h.quantile(q)
		require.GreaterOrEqual(t, got, exact, "q %v", q)
		require.LessOrEqual(t, float64(got), float64(exact)*(1+1.0/64)+1, "q %v", q)
	}
	require.Equal(t, vals[len(vals)-1], h.quantile(1))
	require.Equal(t, vals[len(vals)-1], h.max)
	over := 0
	for _, v := range vals {
		if v > 10_000 {
			over++
		}
	}
	require.InDelta(t, float64(over)/float64(len(vals)), h.above(10_000), 0.001)
	for i := range len(h.counts) - 1 {
		require.Less(t, histUpper(i), histUpper(i+1))
		require.Equal(t, i, histIndex(histUpper(i)))
		require.Equal(t, i+1, histIndex(histUpper(i)+1))
	}
}
