package analytics_test

import (
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/analytics"
)

// sampleSize is 1M values under POLYSTORE_LONG=1 and 100k in CI: the
// sketch's guarantee does not depend on the size, 100k already covers
// thousands of buckets.
func sampleSize() int {
	if os.Getenv("POLYSTORE_LONG") == "1" {
		return 1_000_000
	}
	return 100_000
}

var distributions = map[string]func(r *rand.Rand) float64{
	"uniform":   func(r *rand.Rand) float64 { return 1 + r.Float64()*999 },
	"lognormal": func(r *rand.Rand) float64 { return math.Exp(3 + 1.2*r.NormFloat64()) },
	"bimodal": func(r *rand.Rand) float64 {
		if r.IntN(10) < 7 {
			return math.Abs(20 + 3*r.NormFloat64())
		}
		return math.Abs(800 + 60*r.NormFloat64())
	},
}

var quantiles = []float64{0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999}

// exact is the value at rank q*(n-1) of the sorted values, the rank the
// sketch's guarantee refers to.
func exact(sorted []float64, q float64) float64 {
	return sorted[int(q*float64(len(sorted)-1))]
}

func requireWithin(t *testing.T, sorted []float64, s *analytics.Sketch) {
	t.Helper()
	got := s.Quantiles(quantiles...)
	require.Len(t, got, len(quantiles))
	for i, q := range quantiles {
		want := exact(sorted, q)
		rel := math.Abs(got[i]-want) / want
		require.LessOrEqual(t, rel, analytics.RelativeAccuracy+1e-9, "q=%v: got %v, exact %v", q, got[i], want)
	}
}

// TestSketchAccuracyAndMerge checks 1% relative accuracy against exact
// quantiles, for one sketch of every value and for the merge of 60
// per-minute sketches (as hour rollups merge them), and that the merge is
// exactly the single sketch, bucket for bucket.
func TestSketchAccuracyAndMerge(t *testing.T) {
	n := sampleSize()
	for name, gen := range distributions {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(name))))
			values := make([]float64, n)
			whole := analytics.NewSketch()
			minutes := make([]*analytics.Sketch, 60)
			for i := range minutes {
				minutes[i] = analytics.NewSketch()
			}
			for i := range values {
				v := gen(r)
				values[i] = v
				whole.Add(v)
				minutes[i%60].Add(v)
			}
			sort.Float64s(values)
			requireWithin(t, values, whole)

			hour := analytics.NewSketch()
			for _, m := range minutes {
				hour.Merge(m)
			}
			require.Equal(t, whole, hour, "merging minutes gives the hour's sketch exactly")
			requireWithin(t, values, hour)

			// Through the MongoDB form and back.
			require.Equal(t, hour, hour.Doc().Sketch())
		})
	}
}

func TestSketchZeroAndNegative(t *testing.T) {
	s := analytics.NewSketch()
	require.Nil(t, s.Quantiles(0.5), "an empty sketch has no quantiles")
	for _, v := range []float64{-100, -10, 0, 0, 10, 100, math.NaN()} {
		s.Add(v)
	}
	require.Equal(t, int64(6), s.Count(), "NaN is not recorded")
	q := s.Quantiles(0, 0.5, 1)
	require.InEpsilon(t, -100, q[0], 0.01)
	require.Equal(t, 0.0, q[1])
	require.InEpsilon(t, 100, q[2], 0.01)
}

// TestQuantilesWithinMinMax: a quantile read from TypeStats lies between
// the exact minimum and maximum, though the sketch alone may read a value
// back slightly off (1% relative accuracy).
func TestQuantilesWithinMinMax(t *testing.T) {
	for _, values := range [][]float64{{7.77}, {7.77, 7.77, 7.78}, {-3.3, 0, 12.5}, {1e-9, 1e9}} {
		s := &analytics.TypeStats{ValueCount: int64(len(values)), Min: values[0], Max: values[0], Sketch: analytics.NewSketch()}
		for _, v := range values {
			s.Min, s.Max = min(s.Min, v), max(s.Max, v)
			s.Sketch.Add(v)
		}
		q := s.Quantiles(0, 0.5, 0.99, 1)
		require.Len(t, q, 4)
		for _, x := range q {
			require.GreaterOrEqual(t, x, s.Min, "%v: %v", values, q)
			require.LessOrEqual(t, x, s.Max, "%v: %v", values, q)
		}
		require.InEpsilon(t, values[0], q[0]+1e-300, 0.01, "%v", values)
	}
	one := &analytics.TypeStats{ValueCount: 1, Min: 7.77, Max: 7.77, Sketch: analytics.NewSketch()}
	one.Sketch.Add(7.77)
	require.NotEqual(t, 7.77, one.Sketch.Quantiles(0.5)[0], "the sketch alone reads 7.77 back inexactly")
	require.Equal(t, []float64{7.77}, one.Quantiles(0.5), "clamped to the exact min and max")
	require.Nil(t, (&analytics.TypeStats{}).Quantiles(0.5))
}
