package analytics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
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
	users       map[string]struct{}
	breakdowns  map[string]int64 // field -> count
}

type minuteAgg struct {
	types map[string]*typeAgg
	users map[string]struct{}
}

func (c *Counters) aggregate(events []Event) (map[time.Time]*minuteAgg, map[string]int64) {
	minutes := map[time.Time]*minuteAgg{}
	totals := map[string]int64{}
	for i := range events {
		e := &events[i]
		m := e.Time.Truncate(time.Minute)
		ma := minutes[m]
		if ma == nil {
			ma = &minuteAgg{types: map[string]*typeAgg{}, users: map[string]struct{}{}}
			minutes[m] = ma
		}
		ta := ma.types[e.Type]
		if ta == nil {
			ta = &typeAgg{users: map[string]struct{}{}, breakdowns: map[string]int64{}}
			ma.types[e.Type] = ta
		}
		totals[e.Type]++
		ta.count++
		ma.users[e.User] = struct{}{}
		ta.users[e.User] = struct{}{}
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
				ta.breakdowns[fBreak(e.Type, dim, breakdownValue(val))]++
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

func setOf(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for u := range m {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// Record appends accepted events to the stream and updates every counter
// in one MULTI/EXEC round trip: the entry and its counts are applied
// together or not at all (Redis with AOF persists the transaction as a
// whole). It returns the stream entry ids.
func (c *Counters) Record(ctx context.Context, events []Event) ([]string, error) {
	if len(events) == 0 {
		return nil, nil
	}
	if err := c.checkBacklog(ctx); err != nil {
		return nil, fmt.Errorf("analytics: backlog: %w", err)
	}
	if c.backlog.Load() > c.maxBacklog {
		return nil, ErrBacklogFull
	}
	b := c.client.B()
	cmds := rueidis.Commands{b.Multi().Build()}
	now := c.now()
	nEntries := 0
	for start := 0; start < len(events); start += maxEntryEvents {
		chunk := events[start:min(start+maxEntryEvents, len(events))]
		data, err := json.Marshal(Batch{Accepted: now.UnixMilli(), Events: chunk})
		if err != nil {
			return nil, fmt.Errorf("analytics: encode batch: %w", err)
		}
		cmds = append(cmds, b.Xadd().Key(c.k.stream()).Id("*").FieldValue().FieldValue("data", string(data)).Build())
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
			for f, n := range ta.breakdowns {
				hf = append(hf, f, strconv.FormatInt(n, 10))
			}
			cmds = append(cmds,
				b.Pfadd().Key(c.k.typeUsers(m, t)).Element(setOf(ta.users)...).Build(),
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
			b.Pfadd().Key(c.k.users(m)).Element(setOf(ma.users)...).Build(),
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
