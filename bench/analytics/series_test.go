package analytics_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
)

// eventsPerMinute is the traffic both sides hold for each of the last 60
// minutes before the queries are timed.
const eventsPerMinute = 500

// BenchmarkSeriesLastHour: the last 60 minutes for the dashboard.
// impl=guide reads the hour of one type from the guide's sorted set
// (ZRANGEBYSCORE) and JSON-decodes every event, which is all its
// getMetrics returns (a count and the raw events, no percentiles).
// impl=polystore is App.Series(60): per minute and type counts, unique
// users, sum/avg/min/max and p50/p95/p99 from the sketches, for every type.
// p99-ns is the 99th percentile of the query latency.
func BenchmarkSeriesLastHour(b *testing.B) {
	c := redisbench.Client(b)
	ctx := context.Background()
	now := time.Now()
	r := rand.New(rand.NewPCG(1, 2))
	gp := devenv.UniqueName(prefix) + ":"
	a, err := analytics.New(analytics.Config{Redis: c, Prefix: devenv.UniqueName(prefix) + ":{an}:", MaxBacklog: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	for m := 59; m >= 0; m-- {
		at := now.Add(-time.Duration(m) * time.Minute)
		evs := events(r, eventsPerMinute, at)
		if _, err := a.Counters().Record(ctx, evs); err != nil {
			b.Fatal(err)
		}
		for _, e := range evs {
			if err := guideTrack(ctx, c, gp, e); err != nil {
				b.Fatal(err)
			}
		}
	}
	report := func(b *testing.B, lat []time.Duration) {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	}
	b.Run("impl=guide", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for b.Loop() {
			start := time.Now()
			to := time.Now().UnixMilli()
			raw, err := c.Do(ctx, c.B().Zrangebyscore().Key(gp+"timeseries:page_view").
				Min(strconv.FormatInt(to-3600_000, 10)).Max(strconv.FormatInt(to, 10)).Build()).AsStrSlice()
			if err != nil {
				b.Fatal(err)
			}
			out := make([]map[string]any, len(raw))
			for i, s := range raw {
				if err := json.Unmarshal([]byte(s), &out[i]); err != nil {
					b.Fatal(err)
				}
			}
			lat = append(lat, time.Since(start))
		}
		report(b, lat)
	})
	b.Run("impl=polystore", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for b.Loop() {
			start := time.Now()
			s, err := a.Series(ctx, 60)
			if err != nil || len(s.Points) != 60 {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		report(b, lat)
	})
}
