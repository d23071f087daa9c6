package analytics

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/rueidis"
)

// TypeStats are one event type's figures over a minute or an hour.
type TypeStats struct {
	Count      int64   // events
	Uniques    int64   // distinct users (HyperLogLog, ±0.81% standard error)
	ValueCount int64   // events that carried a value
	Sum        float64 // of values
	Min, Max   float64 // of values; meaningful when ValueCount > 0
	Sketch     *Sketch // of values; nil when ValueCount == 0
	// Breakdowns: dimension -> value -> events.
	Breakdowns map[string]map[string]int64
}

// Quantiles estimates the quantiles qs of the values from the sketch
// (DDSketch, 1% relative accuracy), clamped to [Min, Max]: a true quantile
// lies there, and the estimate of a bucket's value may not (one value of
// 7.77 alone reads back as 7.768 without the clamp). Nil without a sketch.
func (s *TypeStats) Quantiles(qs ...float64) []float64 {
	if s == nil || s.Sketch == nil {
		return nil
	}
	q := s.Sketch.Quantiles(qs...)
	if s.ValueCount > 0 {
		for i := range q {
			q[i] = min(max(q[i], s.Min), s.Max)
		}
	}
	return q
}

// Avg is Sum/ValueCount, computed at read time (never an average of
// averages); 0 without values.
func (s *TypeStats) Avg() float64 {
	if s == nil || s.ValueCount == 0 {
		return 0
	}
	return s.Sum / float64(s.ValueCount)
}

// Merge adds o into s (uniques excepted: they do not add up). Merging into
// a nil TypeStats does nothing.
func (s *TypeStats) Merge(o *TypeStats) {
	if s == nil || o == nil {
		return
	}
	s.Count += o.Count
	if o.ValueCount > 0 {
		if s.ValueCount == 0 || o.Min < s.Min {
			s.Min = o.Min
		}
		if s.ValueCount == 0 || o.Max > s.Max {
			s.Max = o.Max
		}
		s.ValueCount += o.ValueCount
		s.Sum += o.Sum
		if s.Sketch == nil {
			s.Sketch = NewSketch()
		}
		s.Sketch.Merge(o.Sketch)
	}
	for dim, vals := range o.Breakdowns {
		if s.Breakdowns == nil {
			s.Breakdowns = map[string]map[string]int64{}
		}
		if s.Breakdowns[dim] == nil {
			s.Breakdowns[dim] = map[string]int64{}
		}
		for v, n := range vals {
			s.Breakdowns[dim][v] += n
		}
	}
}

// Minute is the state of one minute bucket.
type Minute struct {
	Start   time.Time
	Count   int64 // events of every type
	Uniques int64 // distinct users over every type
	Types   map[string]*TypeStats
}

// Reader reads minute buckets from Redis. Minutes that can no longer
// change (older than the ingest's MaxAge) are cached in memory.
type Reader struct {
	c      rueidis.Client
	k      keys
	maxAge time.Duration
	now    func() time.Time

	mu     sync.Mutex
	closed map[time.Time]*Minute
	types  []string
	typesT time.Time
}

func newReader(c rueidis.Client, k keys, maxAge time.Duration, now func() time.Time) *Reader {
	return &Reader{c: c, k: k, maxAge: maxAge, now: now, closed: map[time.Time]*Minute{}}
}

// Types returns the event types seen so far (cached for a second).
func (r *Reader) Types(ctx context.Context) ([]string, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil *Reader", ErrInvalid)
	}
	r.mu.Lock()
	if r.types != nil && r.now().Sub(r.typesT) < time.Second {
		t := r.types
		r.mu.Unlock()
		return t, nil
	}
	r.mu.Unlock()
	ts, err := r.c.Do(ctx, r.c.B().Hkeys().Key(r.k.total()).Build()).AsStrSlice()
	if err != nil {
		return nil, fmt.Errorf("analytics: event types: %w", err)
	}
	sort.Strings(ts)
	r.mu.Lock()
	r.types, r.typesT = ts, r.now()
	r.mu.Unlock()
	return ts, nil
}

// Totals returns events ever accepted per type.
func (r *Reader) Totals(ctx context.Context) (map[string]int64, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil *Reader", ErrInvalid)
	}
	m, err := r.c.Do(ctx, r.c.B().Hgetall().Key(r.k.total()).Build()).AsIntMap()
	if err != nil {
		return nil, fmt.Errorf("analytics: totals: %w", err)
	}
	return m, nil
}

// final reports whether minute m can no longer receive events.
func (r *Reader) final(m time.Time) bool {
	return m.Add(time.Minute + r.maxAge + 5*time.Second).Before(r.now())
}

// Minutes returns the buckets of the given minute starts, in order, in one
// pipelined round trip for those not cached.
func (r *Reader) Minutes(ctx context.Context, starts []time.Time) ([]*Minute, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil *Reader", ErrInvalid)
	}
	types, err := r.Types(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Minute, len(starts))
	var todo []int
	r.mu.Lock()
	for i, m := range starts {
		if c, ok := r.closed[m]; ok {
			out[i] = c
		} else {
			todo = append(todo, i)
		}
	}
	r.mu.Unlock()
	if len(todo) == 0 {
		return out, nil
	}
	b := r.c.B()
	per := 4 + 2*len(types)
	cmds := make(rueidis.Commands, 0, len(todo)*per)
	for _, i := range todo {
		m := starts[i]
		cmds = append(cmds,
			b.Hgetall().Key(r.k.minute(m)).Build(),
			b.Zrange().Key(r.k.lo(m)).Min("0").Max("-1").Withscores().Build(),
			b.Zrange().Key(r.k.hi(m)).Min("0").Max("-1").Withscores().Build(),
			b.Pfcount().Key(r.k.users(m)).Build())
		for _, t := range types {
			cmds = append(cmds, b.Pfcount().Key(r.k.typeUsers(m, t)).Build(), b.Hgetall().Key(r.k.sketch(m, t)).Build())
		}
	}
	res := r.c.DoMulti(ctx, cmds...)
	for j, i := range todo {
		m, err := parseMinute(starts[i], types, res[j*per:(j+1)*per])
		if err != nil {
			return nil, err
		}
		out[i] = m
		if r.final(m.Start) {
			r.mu.Lock()
			r.closed[m.Start] = m
			r.mu.Unlock()
		}
	}
	r.evict()
	return out, nil
}

// evict drops cached minutes older than two hours.
func (r *Reader) evict() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.closed) < 200 {
		return
	}
	cut := r.now().Add(-2 * time.Hour)
	for m := range r.closed {
		if m.Before(cut) {
			delete(r.closed, m)
		}
	}
}

func parseMinute(start time.Time, types []string, res []rueidis.RedisResult) (*Minute, error) {
	h, err := res[0].AsStrMap()
	if err != nil {
		return nil, fmt.Errorf("analytics: minute %s: %w", start, err)
	}
	lo, err := scores(res[1])
	if err != nil {
		return nil, err
	}
	hi, err := scores(res[2])
	if err != nil {
		return nil, err
	}
	m := &Minute{Start: start, Types: map[string]*TypeStats{}}
	if m.Uniques, err = res[3].AsInt64(); err != nil {
		return nil, fmt.Errorf("analytics: minute %s uniques: %w", start, err)
	}
	get := func(t string) *TypeStats {
		s := m.Types[t]
		if s == nil {
			s = &TypeStats{}
			m.Types[t] = s
		}
		return s
	}
	for f, v := range h {
		kind, rest, _ := strings.Cut(f, ":")
		switch kind {
		case "c", "v":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("analytics: minute field %s=%q: %w", f, v, err)
			}
			if kind == "c" {
				get(rest).Count = n
				m.Count += n
			} else {
				get(rest).ValueCount = n
			}
		case "s":
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("analytics: minute field %s=%q: %w", f, v, err)
			}
			get(rest).Sum = x
		case "b":
			parts := strings.SplitN(rest, ":", 3)
			n, err := strconv.ParseInt(v, 10, 64)
			if len(parts) != 3 || err != nil {
				return nil, fmt.Errorf("analytics: minute field %s=%q: malformed breakdown", f, v)
			}
			s := get(parts[0])
			if s.Breakdowns == nil {
				s.Breakdowns = map[string]map[string]int64{}
			}
			if s.Breakdowns[parts[1]] == nil {
				s.Breakdowns[parts[1]] = map[string]int64{}
			}
			s.Breakdowns[parts[1]][parts[2]] = n
		}
	}
	for t, x := range lo {
		get(t).Min = x
	}
	for t, x := range hi {
		get(t).Max = x
	}
	for i, t := range types {
		u, err := res[4+2*i].AsInt64()
		if err != nil {
			return nil, fmt.Errorf("analytics: minute %s uniques of %s: %w", start, t, err)
		}
		q, err := res[5+2*i].AsStrMap()
		if err != nil {
			return nil, fmt.Errorf("analytics: minute %s sketch of %s: %w", start, t, err)
		}
		if u == 0 && len(q) == 0 {
			continue
		}
		s := get(t)
		s.Uniques = u
		if len(q) > 0 {
			if s.Sketch, err = sketchFromFields(q); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func scores(r rueidis.RedisResult) (map[string]float64, error) {
	zs, err := r.AsZScores()
	if err != nil {
		return nil, fmt.Errorf("analytics: min/max: %w", err)
	}
	out := make(map[string]float64, len(zs))
	for _, z := range zs {
		out[z.Member] = z.Score
	}
	return out, nil
}

// MergeUniques returns the distinct users over several minutes (PFCOUNT of
// their HyperLogLogs together: a union, not a sum); t == "" counts every
// type.
func (r *Reader) MergeUniques(ctx context.Context, starts []time.Time, t string) (int64, error) {
	if r == nil {
		return 0, fmt.Errorf("%w: nil *Reader", ErrInvalid)
	}
	if len(starts) == 0 {
		return 0, nil
	}
	ks := make([]string, len(starts))
	for i, m := range starts {
		if t == "" {
			ks[i] = r.k.users(m)
		} else {
			ks[i] = r.k.typeUsers(m, t)
		}
	}
	return r.c.Do(ctx, r.c.B().Pfcount().Key(ks...).Build()).AsInt64()
}

func finiteOrZero(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}
