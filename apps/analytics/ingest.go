package analytics

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/rueidis"
)

// hincrScript adds several counters of one hash and sets its expiry, in
// one command (HINCRBY takes a single field).
//
//	KEYS[1] hash
//	ARGV[1] unix time the hash expires at (0: never)
//	ARGV[2..] field, increment pairs
//	returns the number of fields incremented
const hincrScript = `
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
if ARGV[1] ~= '0' then redis.call('EXPIREAT', KEYS[1], ARGV[1]) end
return (#ARGV - 1) / 2
`

// maxEntryEvents is the most events one stream entry carries.
const maxEntryEvents = 1000

// Batch is the payload of one stream entry: accepted events and when the
// batch was accepted (unix ms).
type Batch struct {
	Accepted int64   `json:"at"`
	Events   []Event `json:"events"`
}

// ErrBacklogFull is returned by Record while the stream holds more
// unprocessed entries than MaxBacklog: the rollups are behind, and
// refusing new work (503) is how the stream stays bounded without
// dropping anything.
var ErrBacklogFull = errors.New("analytics: rollup backlog full")

// typeAgg is one (minute, type) group of a batch.
type typeAgg struct {
	count, vals int64
	sum         float64
	min, max    float64
	sketch      *Sketch
	// users of the group, repeats included: PFADD ignores them, and
	// appending costs less than a set.
	users      []string
	breakdowns map[breakdown]int64
}

// breakdown is a (dimension, value) pair of a typeAgg.
type breakdown struct{ dim, val string }

type minuteAgg struct {
	types map[string]*typeAgg
	users []string
}

func (c *Counters) aggregate(events []Event) (map[time.Time]*minuteAgg, map[string]int64) {
	minutes := map[time.Time]*minuteAgg{}
	totals := map[string]int64{}
	var (
		lastMinute time.Time
		lastAgg    *minuteAgg
	)
	for i := range events {
		e := &events[i]
		m := e.Time.Truncate(time.Minute)
		ma := lastAgg
		if ma == nil || !m.Equal(lastMinute) {
			if ma = minutes[m]; ma == nil {
				ma = &minuteAgg{types: map[string]*typeAgg{}, users: make([]string, 0, len(events))}
				minutes[m] = ma
			}
			lastMinute, lastAgg = m, ma
		}
		ta := ma.types[e.Type]
		if ta == nil {
			ta = &typeAgg{breakdowns: map[breakdown]int64{}}
			ma.types[e.Type] = ta
		}
		totals[e.Type]++
		ta.count++
		ma.users = append(ma.users, e.User)
		ta.users = append(ta.users, e.User)
		if e.Value != nil {
			v := *e.Value
			if ta.vals == 0 || v < ta.min {
				ta.min = v
			}
			if ta.vals == 0 || v > ta.max {
				ta.max = v
			}
			ta.vals++
			ta.sum += v
			if ta.sketch == nil {
				ta.sketch = NewSketch()
			}
			ta.sketch.Add(v)
		}
		for _, dim := range c.breakdowns {
			if val, ok := e.Metadata[dim]; ok {
				ta.breakdowns[breakdown{dim, breakdownValue(val)}]++
			}
		}
	}
	return minutes, totals
}

// breakdownValue bounds what a breakdown field can hold.
func breakdownValue(v string) string {
	if v == "" || len(v) > 32 {
		return "(other)"
	}
	return v
}

// Record appends accepted events to the stream and updates every counter
// in one MULTI/EXEC round trip: the entry and its counts are applied
// together or not at all (Redis with AOF persists the transaction as a
// whole). It returns the stream entry ids.
func (c *Counters) Record(ctx context.Context, events []Event) ([]string, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil *Counters", ErrInvalid)
	}
	if len(events) == 0 {
		return nil, nil
	}
	c.checkBacklog(ctx)
	if c.backlog.Load() > c.maxBacklog {
		return nil, ErrBacklogFull
	}
	b := c.client.B()
	cmds := rueidis.Commands{b.Multi().Build()}
	now := c.now()
	nEntries := 0
	for start := 0; start < len(events); start += maxEntryEvents {
		chunk := events[start:min(start+maxEntryEvents, len(events))]
		data, err := appendBatch(nil, now.UnixMilli(), chunk)
		if err != nil {
			return nil, fmt.Errorf("analytics: encode batch: %w", err)
		}
		cmds = append(cmds, b.Xadd().Key(c.k.stream()).Id("*").FieldValue().FieldValue("data", rueidis.BinaryString(data)).Build())
		nEntries++
	}
	minutes, totals := c.aggregate(events)
	hincr := func(key string, expireAt int64, fields ...string) {
		args := append([]string{strconv.FormatInt(expireAt, 10)}, fields...)
		cmds = append(cmds, b.Eval().Script(hincrScript).Numkeys(1).Key(key).Arg(args...).Build())
	}
	var tf []string
	for t, n := range totals {
		tf = append(tf, t, strconv.FormatInt(n, 10))
	}
	hincr(c.k.total(), 0, tf...)
	for m, ma := range minutes {
		exp := m.Add(time.Minute + c.retention).Unix()
		var hf []string
		lo := b.Zadd().Key(c.k.lo(m)).Lt().ScoreMember()
		hi := b.Zadd().Key(c.k.hi(m)).Gt().ScoreMember()
		anyVals := false
		for t, ta := range ma.types {
			hf = append(hf, fCount(t), strconv.FormatInt(ta.count, 10))
			for bd, n := range ta.breakdowns {
				hf = append(hf, fBreak(t, bd.dim, bd.val), strconv.FormatInt(n, 10))
			}
			cmds = append(cmds,
				b.Pfadd().Key(c.k.typeUsers(m, t)).Element(ta.users...).Build(),
				b.Expireat().Key(c.k.typeUsers(m, t)).Timestamp(exp).Build())
			if ta.vals > 0 {
				anyVals = true
				hf = append(hf, fVals(t), strconv.FormatInt(ta.vals, 10))
				lo = lo.ScoreMember(ta.min, t)
				hi = hi.ScoreMember(ta.max, t)
				hincr(c.k.sketch(m, t), exp, ta.sketch.fields()...)
			}
		}
		hincr(c.k.minute(m), exp, hf...)
		for t, ta := range ma.types {
			if ta.vals > 0 {
				cmds = append(cmds, b.Hincrbyfloat().Key(c.k.minute(m)).Field(fSum(t)).Increment(ta.sum).Build())
			}
		}
		if anyVals {
			cmds = append(cmds, lo.Build(), b.Expireat().Key(c.k.lo(m)).Timestamp(exp).Build(),
				hi.Build(), b.Expireat().Key(c.k.hi(m)).Timestamp(exp).Build())
		}
		cmds = append(cmds,
			b.Pfadd().Key(c.k.users(m)).Element(ma.users...).Build(),
			b.Expireat().Key(c.k.users(m)).Timestamp(exp).Build())
	}
	cmds = append(cmds, b.Exec().Build())
	res := c.client.DoMulti(ctx, cmds...)
	for _, r := range res[:len(res)-1] {
		if err := r.Error(); err != nil {
			return nil, fmt.Errorf("analytics: record batch: %w", err)
		}
	}
	replies, err := res[len(res)-1].ToArray()
	if err != nil {
		return nil, fmt.Errorf("analytics: record batch: %w", err)
	}
	ids := make([]string, 0, nEntries)
	for i, r := range replies {
		if err := r.Error(); err != nil {
			// MULTI does not roll back: a command that fails at run time
			// (only a key of the wrong type can) leaves the others applied.
			return nil, fmt.Errorf("analytics: record batch, command %d: %w", i, err)
		}
		if i < nEntries {
			id, _ := r.ToString()
			ids = append(ids, id)
		}
	}
	return ids, nil
}
