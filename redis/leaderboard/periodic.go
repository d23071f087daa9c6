package leaderboard

import (
	"fmt"
	"time"

	"github.com/redis/rueidis"
)

// Period is the length of a periodic board.
type Period int

// Periods.
const (
	Daily   Period = iota // UTC calendar day
	Weekly                // ISO week, Monday to Sunday, UTC
	Monthly               // UTC calendar month
)

// Periodic hands out one Board per period (daily, weekly, monthly), each
// expiring Keep after its period ends, so old boards clean themselves up.
type Periodic struct {
	c      rueidis.Client
	name   string
	period Period
	keep   time.Duration
	o      Options
}

// NewPeriodic returns boards named name:<period id>, e.g. "score:2026-11-25",
// "score:2026-W48", "score:2026-11". o.ExpireAt is ignored.
func NewPeriodic(c rueidis.Client, name string, p Period, keep time.Duration, o *Options) *Periodic {
	var opt Options
	if o != nil {
		opt = *o
	}
	return &Periodic{c: c, name: name, period: p, keep: keep, o: opt}
}

// Bounds returns the period containing t: its id and [start, end).
func (p *Periodic) Bounds(t time.Time) (id string, start, end time.Time) {
	t = t.UTC()
	period := Daily
	if p != nil {
		period = p.period
	}
	switch period {
	case Weekly:
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		start = time.Date(t.Year(), t.Month(), t.Day()-wd, 0, 0, 0, 0, time.UTC)
		y, w := start.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w), start, start.AddDate(0, 0, 7)
	case Monthly:
		start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return start.Format("2006-01"), start, start.AddDate(0, 1, 0)
	default:
		start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return start.Format("2006-01-02"), start, start.AddDate(0, 0, 1)
	}
}

// At returns the board of the period containing t; it expires Keep after
// the period ends. A nil Periodic's board returns an error wrapping
// ErrInvalid from every method, like one of a Periodic given a nil client,
// an empty name, an unknown Period or a negative keep.
func (p *Periodic) At(t time.Time) *Board {
	if p == nil {
		return &Board{invalid: fmt.Errorf("%w: nil *Periodic", ErrInvalid)}
	}
	switch {
	case p.name == "":
		return &Board{invalid: fmt.Errorf("%w: empty periodic board name", ErrInvalid)}
	case p.period < Daily || p.period > Monthly:
		return &Board{invalid: fmt.Errorf("%w: unknown Period %d", ErrInvalid, int(p.period))}
	case p.keep < 0:
		return &Board{invalid: fmt.Errorf("%w: negative keep %v", ErrInvalid, p.keep)}
	}
	id, _, end := p.Bounds(t)
	o := p.o
	o.ExpireAt = end.Add(p.keep)
	return New(p.c, p.name+":"+id, &o)
}

// Current returns the board of the current period, read from Options.Now
// (default time.Now).
func (p *Periodic) Current() *Board {
	if p != nil && p.o.Now != nil {
		return p.At(p.o.Now())
	}
	return p.At(time.Now())
}
