// Package analytics is the real-time analytics reference system: event
// ingest, real-time counters in Redis, minute and hour rollups in MongoDB,
// user segments in PostgreSQL and the HTTP API behind its dashboard page.
//
// # Pipeline
//
//	POST /analytics/events  --validate-->  MULTI { XADD events; counters } EXEC   (Redis)
//	                                          |
//	            consumer group "rollup" <-----+  (redis/stream Worker, at-least-once)
//	              |-- users, orders  -> PostgreSQL (keyed by entry id: applied once)
//	              |-- minute and hour documents, computed from the counters,
//	              |   replaced whole -> MongoDB via mongo/odm (idempotent)
//	              '-- XACK
//	REFRESH MATERIALIZED VIEW CONCURRENTLY analytics.user_segments  (on a schedule)
//
// A batch (JSON array or NDJSON) is validated event by event: bad events
// are rejected with their index, code, field and reason, good ones are recorded.
// The stream append and every counter of the batch go to Redis in one
// MULTI/EXEC round trip, so the counters and the stream never disagree:
// per-type totals, per-minute counts, a HyperLogLog of users per minute
// (all types and per type), count/sum/min/max of values (min and max with
// ZADD LT/GT) and a DDSketch of values per minute and type, stored as a
// hash of bucket counters (HINCRBY): mergeable without reading it back.
//
// The stream is never trimmed by length: Counters.Backlog trims it below
// the oldest entry the rollup group still needs (stream.TrimAcked), and
// ingest answers 503 backlog_full while more than MaxBacklog entries wait,
// so trimming never drops work.
//
// Percentiles come from the sketch (1% relative accuracy); averages are
// sum/count at read time; hour figures merge the minutes' sketches bucket
// by bucket and count unique users as the union of the minutes'
// HyperLogLogs (PFCOUNT over 60 keys), never as an average or a sum.
//
// See docs/analytics.md for the key layout, the rollup design on the
// embedded MongoDB stand-in and the benchmarks.
//
// Methods called on nil receivers (*App, *Counters, *Reader, *Validator,
// *System) return an error wrapping ErrInvalid, and their handlers answer
// 503, rather than panicking. Adding to a nil *Sketch still panics: it
// has nowhere to keep the value and no error to report.
package analytics
