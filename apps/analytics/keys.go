package analytics

import (
	"strconv"
	"time"
)

// DefaultPrefix starts every Redis key of the app. The braces are a hash
// tag: every key lands in one cluster slot, so the per-batch MULTI/EXEC
// (stream append plus counters) runs unchanged on a Redis Cluster.
const DefaultPrefix = "analytics:{an}:"

// keys builds the Redis key layout (see docs/analytics.md):
//
//	<p>events              stream of accepted batches (field "data")
//	<p>total               hash type -> events ever accepted
//	<p>m:<unix>            hash per minute: c:<type> count, v:<type> values,
//	                       s:<type> sum, b:<type>:<dim>:<value> breakdowns
//	<p>m:<unix>:lo / :hi   sorted sets type -> min / max value (ZADD LT / GT)
//	<p>m:<unix>:u          HyperLogLog of the minute's users (all types)
//	<p>m:<unix>:u:<type>   HyperLogLog of the minute's users of one type
//	<p>m:<unix>:q:<type>   hash: DDSketch buckets (z, p<i>, n<i>) -> count
//	<p>lease:<doc id>      rollup write lease (single writer per document)
type keys struct{ p string }

func minuteID(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func (k keys) stream() string                         { return k.p + "events" }
func (k keys) total() string                          { return k.p + "total" }
func (k keys) minute(m time.Time) string              { return k.p + "m:" + minuteID(m) }
func (k keys) lo(m time.Time) string                  { return k.minute(m) + ":lo" }
func (k keys) hi(m time.Time) string                  { return k.minute(m) + ":hi" }
func (k keys) users(m time.Time) string               { return k.minute(m) + ":u" }
func (k keys) typeUsers(m time.Time, t string) string { return k.minute(m) + ":u:" + t }
func (k keys) sketch(m time.Time, t string) string    { return k.minute(m) + ":q:" + t }
func (k keys) lease(doc string) string                { return k.p + "lease:" + doc }

// hash fields of the minute hash
func fCount(t string) string { return "c:" + t }
func fVals(t string) string  { return "v:" + t }
func fSum(t string) string   { return "s:" + t }
func fBreak(t, dim, val string) string {
	return "b:" + t + ":" + dim + ":" + val
}
