package analytics

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// RelativeAccuracy of every percentile sketch: a quantile read from a
// sketch is within 1% of the exact value at that rank.
const RelativeAccuracy = 0.01

var sketchMapping = func() mapping.IndexMapping {
	m, err := mapping.NewLogarithmicMapping(RelativeAccuracy)
	if err != nil {
		panic(err) // a constant accuracy in (0, 1): cannot fail
	}
	return m
}()

// Sketch is a DDSketch (DataDog's sketches-go, logarithmic mapping, 1%
// relative accuracy) kept as plain bucket counts, so that it can live in a
// Redis hash (one HINCRBY per bucket, atomic and mergeable without reading
// it back) and in a MongoDB document. Merging two sketches adds their
// buckets: the merge of 60 minute sketches is exactly the sketch of the
// hour, with the same accuracy guarantee.
type Sketch struct {
	Zero int64         // values with |v| below the smallest indexable value
	Pos  map[int]int64 // bucket index -> count, positive values
	Neg  map[int]int64 // bucket index -> count, negative values (by |v|)
}

// NewSketch returns an empty sketch.
func NewSketch() *Sketch { return &Sketch{Pos: map[int]int64{}, Neg: map[int]int64{}} }

// Add records a value; NaN and values beyond the mapping's range are
// ignored (the validator rejects them first). A nil Sketch, which has
// nowhere to keep it, ignores every value (it does not panic).
func (s *Sketch) Add(v float64) { s.AddN(v, 1) }

// AddN records a value n times (a nil Sketch ignores it).
func (s *Sketch) AddN(v float64, n int64) {
	if s == nil {
		return
	}
	if s.Pos == nil {
		s.Pos = map[int]int64{}
	}
	if s.Neg == nil {
		s.Neg = map[int]int64{}
	}
	min, max := sketchMapping.MinIndexableValue(), sketchMapping.MaxIndexableValue()
	switch {
	case math.IsNaN(v) || v > max || v < -max:
	case v > min:
		s.Pos[sketchMapping.Index(v)] += n
	case v < -min:
		s.Neg[sketchMapping.Index(-v)] += n
	default:
		s.Zero += n
	}
}

// Merge adds o's buckets to s.
func (s *Sketch) Merge(o *Sketch) {
	if o == nil {
		return
	}
	if s.Pos == nil {
		s.Pos = map[int]int64{}
	}
	if s.Neg == nil {
		s.Neg = map[int]int64{}
	}
	s.Zero += o.Zero
	for i, c := range o.Pos {
		s.Pos[i] += c
	}
	for i, c := range o.Neg {
		s.Neg[i] += c
	}
}

// Count returns the number of recorded values.
func (s *Sketch) Count() int64 {
	if s == nil {
		return 0
	}
	n := s.Zero
	for _, c := range s.Pos {
		n += c
	}
	for _, c := range s.Neg {
		n += c
	}
	return n
}

// Quantiles returns the values at the given quantiles (0..1), or nil for
// an empty sketch.
func (s *Sketch) Quantiles(qs ...float64) []float64 {
	if s.Count() == 0 {
		return nil
	}
	pos, neg := store.NewDenseStore(), store.NewDenseStore()
	for i, c := range s.Pos {
		pos.AddWithCount(i, float64(c))
	}
	for i, c := range s.Neg {
		neg.AddWithCount(i, float64(c))
	}
	dd := ddsketch.NewDDSketch(sketchMapping, pos, neg)
	if s.Zero > 0 {
		_ = dd.AddWithCount(0, float64(s.Zero))
	}
	out, err := dd.GetValuesAtQuantiles(qs)
	if err != nil {
		return nil
	}
	return out
}

// fields returns the sketch as Redis hash fields: "z" zero count, "p<i>"
// and "n<i>" bucket counts.
func (s *Sketch) fields() []string {
	out := make([]string, 0, 2*(len(s.Pos)+len(s.Neg)+1))
	if s.Zero != 0 {
		out = append(out, "z", strconv.FormatInt(s.Zero, 10))
	}
	for i, c := range s.Pos {
		out = append(out, "p"+strconv.Itoa(i), strconv.FormatInt(c, 10))
	}
	for i, c := range s.Neg {
		out = append(out, "n"+strconv.Itoa(i), strconv.FormatInt(c, 10))
	}
	return out
}

// sketchFromFields parses the hash written by fields (HGETALL reply).
func sketchFromFields(m map[string]string) (*Sketch, error) {
	s := NewSketch()
	for k, v := range m {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || k == "" {
			return nil, fmt.Errorf("analytics: sketch bucket %q=%q: not a count", k, v)
		}
		if k == "z" {
			s.Zero = n
			continue
		}
		i, err := strconv.Atoi(k[1:])
		if err != nil {
			return nil, fmt.Errorf("analytics: sketch bucket %q: bad index", k)
		}
		switch k[0] {
		case 'p':
			s.Pos[i] = n
		case 'n':
			s.Neg[i] = n
		default:
			return nil, fmt.Errorf("analytics: sketch bucket %q: unknown sign", k)
		}
	}
	return s, nil
}

// SketchDoc is a sketch as stored in MongoDB: Pos and Neg are flat
// (bucket index, count) pairs sorted by index.
type SketchDoc struct {
	Accuracy float64 `bson:"accuracy" json:"accuracy"`
	Zero     int64   `bson:"zero" json:"zero"`
	Pos      []int64 `bson:"pos" json:"pos"`
	Neg      []int64 `bson:"neg" json:"neg"`
}

func pairs(m map[int]int64) []int64 {
	idx := make([]int, 0, len(m))
	for i := range m {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]int64, 0, 2*len(m))
	for _, i := range idx {
		out = append(out, int64(i), m[i])
	}
	return out
}

// Doc returns the stored form of the sketch.
func (s *Sketch) Doc() SketchDoc {
	if s == nil {
		return SketchDoc{Accuracy: RelativeAccuracy}
	}
	return SketchDoc{Accuracy: RelativeAccuracy, Zero: s.Zero, Pos: pairs(s.Pos), Neg: pairs(s.Neg)}
}

// Sketch returns the sketch a SketchDoc stores.
func (d SketchDoc) Sketch() *Sketch {
	s := NewSketch()
	s.Zero = d.Zero
	for i := 0; i+1 < len(d.Pos); i += 2 {
		s.Pos[int(d.Pos[i])] += d.Pos[i+1]
	}
	for i := 0; i+1 < len(d.Neg); i += 2 {
		s.Neg[int(d.Neg[i])] += d.Neg[i+1]
	}
	return s
}
