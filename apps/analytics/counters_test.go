package analytics_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/analytics"
)

// TestUniqueUsersHyperLogLog: distinct users counted per minute through the
// ingest path are within ±2.5% (100k users in CI, 1M under POLYSTORE_LONG=1).
func TestUniqueUsersHyperLogLog(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	n := 100_000
	if os.Getenv("POLYSTORE_LONG") == "1" {
		n = 1_000_000
	}
	now := time.Now().UTC()
	batch := make([]analytics.Event, 0, 5000)
	for i := range n {
		batch = append(batch, analytics.Event{Type: "visit", User: "user-" + strconv.Itoa(i), Time: now})
		if len(batch) == cap(batch) || i == n-1 {
			_, err := e.app.Counters().Record(ctx, batch)
			require.NoError(t, err)
			batch = batch[:0]
		}
	}
	// Users seen again do not count twice.
	_, err := e.app.Counters().Record(ctx, []analytics.Event{{Type: "visit", User: "user-1", Time: now}, {Type: "visit", User: "user-2", Time: now}})
	require.NoError(t, err)
	ms, err := e.app.Reader().Minutes(ctx, []time.Time{now.Truncate(time.Minute)})
	require.NoError(t, err)
	m := ms[0]
	require.Equal(t, int64(n+2), m.Count)
	rel := math.Abs(float64(m.Uniques)-float64(n)) / float64(n)
	require.LessOrEqual(t, rel, 0.025, "estimated %d distinct users of %d", m.Uniques, n)
	require.Equal(t, m.Uniques, m.Types["visit"].Uniques)
}

// TestHourFromSixtyMinutesInRedis records values spread over the last 60
// minutes, reads the minute sketches back from Redis and merges them: the
// hour's percentiles are within 1% of the exact ones, min/max are exact,
// and avg is sum/count.
func TestHourFromSixtyMinutesInRedis(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Minute)
	r := rand.New(rand.NewPCG(5, 8))
	var values []float64
	var starts []time.Time
	for m := range 60 {
		start := now.Add(time.Duration(m-59) * time.Minute)
		starts = append(starts, start)
		batch := make([]analytics.Event, 1000)
		for i := range batch {
			v := math.Exp(4 + r.NormFloat64())
			values = append(values, v)
			batch[i] = analytics.Event{Type: "api_call", User: "u" + strconv.Itoa(r.IntN(100)), Time: start.Add(time.Duration(i) * time.Millisecond), Value: &v}
		}
		_, err := e.app.Counters().Record(ctx, batch)
		require.NoError(t, err)
	}
	ms, err := e.app.Reader().Minutes(ctx, starts)
	require.NoError(t, err)
	hour := &analytics.TypeStats{}
	for _, m := range ms {
		require.Equal(t, int64(1000), m.Types["api_call"].ValueCount)
		hour.Merge(m.Types["api_call"])
	}
	sort.Float64s(values)
	var sum float64
	for _, v := range values {
		sum += v
	}
	require.Equal(t, int64(len(values)), hour.Count)
	require.Equal(t, values[0], hour.Min)
	require.Equal(t, values[len(values)-1], hour.Max)
	require.InEpsilon(t, sum/float64(len(values)), hour.Avg(), 1e-9, "avg = sum/count")
	requireWithin(t, values, hour.Sketch)

	u, err := e.app.Reader().MergeUniques(ctx, starts, "api_call")
	require.NoError(t, err)
	// 100 users, each in most minutes: a sum of minutes would be ~6000.
	require.InDelta(t, 100, u, 2.5, "uniques over the hour are a union, not a sum of minutes")
}
