// Package stream provides bounded Redis streams and a typed consumer-group
// worker with at-least-once delivery.
//
// Append and Publish add entries with XADD MAXLEN ~ n (approximate trimming,
// cheap). A Worker[T] reads a consumer group, decodes the JSON "data" field
// into T and calls its handler:
//
//   - success acknowledges the entry (XACK);
//   - failure retries after Backoff(attempt), up to MaxAttempts, then moves
//     the entry to the dead-letter stream (key+":dead", with source_id,
//     attempts and error fields) and acknowledges it, in one script;
//   - entries left unacknowledged by a dead consumer for ClaimIdle are taken
//     over with XAUTOCLAIM by a live one; attempts are counted in a hash so
//     a lost delivery counts;
//   - Run stops reading when its context ends and returns once running
//     handlers finished (their context stays alive); entries waiting for a
//     retry stay pending and are reclaimed later.
//
// DeadLetters lists, shows, redrives (back on the stream with attempts
// from zero, one script per call) and purges the dead-letter stream; the
// CLI's `polystore jobs dead` commands use it.
//
// Delivery is at-least-once: a handler may see an entry again after a
// crash, so handlers must be idempotent (e.g. keyed by Message.ID).
//
// Nothing panics on nil: New keeps its signature, and a Stream it was
// given a nil client or an empty key for, a nil *Stream, *Worker or
// *DeadLetters return an error wrapping ErrInvalidOptions.
package stream
