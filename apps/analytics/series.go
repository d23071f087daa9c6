package analytics

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// TypePoint is one event type's figures in one minute of a Series.
type TypePoint struct {
	Count      int64    `json:"count"`
	Uniques    int64    `json:"uniques"`
	ValueCount int64    `json:"valueCount"`
	Sum        float64  `json:"sum"`
	Avg        *float64 `json:"avg"` // sum/valueCount; null without values
	Min        *float64 `json:"min"`
	Max        *float64 `json:"max"`
	P50        *float64 `json:"p50"`
	P95        *float64 `json:"p95"`
	P99        *float64 `json:"p99"`
}

// SeriesPoint is one minute of a Series.
type SeriesPoint struct {
	T       int64                `json:"t"` // minute start, unix seconds
	Count   int64                `json:"count"`
	Uniques int64                `json:"uniques"`
	Types   map[string]TypePoint `json:"types"`
}

// Series is the last N minutes, oldest first, the current minute last.
type Series struct {
	From   int64            `json:"from"`
	To     int64            `json:"to"`
	Step   int64            `json:"step"`
	Types  []string         `json:"types"`
	Points []SeriesPoint    `json:"points"`
	Totals map[string]int64 `json:"totals"`
	// Uniques is the number of distinct users over the whole window (a
	// HyperLogLog union, not a sum of minutes).
	Uniques int64 `json:"uniques"`
}

// MaxSeriesMinutes bounds a series request.
const MaxSeriesMinutes = 120

func ptr(f float64) *float64 { f = finiteOrZero(f); return &f }

func typePoint(s *TypeStats) TypePoint {
	p := TypePoint{Count: s.Count, Uniques: s.Uniques, ValueCount: s.ValueCount, Sum: s.Sum}
	if s.ValueCount > 0 {
		p.Avg, p.Min, p.Max = ptr(s.Avg()), ptr(s.Min), ptr(s.Max)
	}
	if s.Sketch != nil {
		if q := s.Quantiles(0.5, 0.95, 0.99); q != nil {
			p.P50, p.P95, p.P99 = ptr(q[0]), ptr(q[1]), ptr(q[2])
		}
	}
	return p
}

// Series returns the last minutes (1..MaxSeriesMinutes) from the Redis
// counters, in one pipelined round trip for the minutes not cached.
func (a *App) Series(ctx context.Context, minutes int) (*Series, error) {
	if a == nil {
		return nil, fmt.Errorf("%w: nil *App", ErrInvalid)
	}
	if minutes < 1 || minutes > MaxSeriesMinutes {
		return nil, &ParamError{Param: "minutes", Reason: fmt.Sprintf("must be from 1 to %d", MaxSeriesMinutes)}
	}
	now := a.now().UTC().Truncate(time.Minute)
	starts := make([]time.Time, minutes)
	for i := range starts {
		starts[i] = now.Add(time.Duration(i-minutes+1) * time.Minute)
	}
	ms, err := a.reader.Minutes(ctx, starts)
	if err != nil {
		return nil, err
	}
	totals, err := a.reader.Totals(ctx)
	if err != nil {
		return nil, err
	}
	uniq, err := a.reader.MergeUniques(ctx, starts, "")
	if err != nil {
		return nil, fmt.Errorf("analytics: window uniques: %w", err)
	}
	s := &Series{From: starts[0].Unix(), To: now.Unix(), Step: 60, Totals: totals, Uniques: uniq,
		Points: make([]SeriesPoint, len(ms)), Types: []string{}}
	for t := range totals {
		s.Types = append(s.Types, t)
	}
	sort.Strings(s.Types)
	for i, m := range ms {
		p := SeriesPoint{T: m.Start.Unix(), Count: m.Count, Uniques: m.Uniques, Types: map[string]TypePoint{}}
		for t, ts := range m.Types {
			p.Types[t] = typePoint(ts)
		}
		s.Points[i] = p
	}
	return s, nil
}
