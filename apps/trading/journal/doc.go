// Package journal is the matching engine's write-ahead log: every input is
// written to an append-only file and fsynced before it is acknowledged or
// reaches a book, so a crash loses nothing that was acknowledged, and
// replaying the file rebuilds exactly the books the crashed process had.
//
// Records are fixed-size (80 bytes) with a CRC-32C each and consecutive
// sequence numbers. Concurrent Appends are grouped: one writer goroutine
// writes everything queued since its last write and fsyncs once, then
// hands the batch to Options.Apply in sequence order and wakes the
// appenders. A partial or damaged last record is a write cut short by a
// crash and is removed on Open; damage followed by intact records is
// reported as a CorruptError.
//
// The writer keeps zeros written ahead of the log (Options.Preallocate, 1
// MiB at a time): a group that fits in them is written over blocks already
// allocated and synced with fdatasync, which has no file metadata to
// commit, so it does not wait for the file system's journal (and for
// whatever else that commit carries, such as PostgreSQL's writes on the
// same disk); only the group that writes a new stretch of zeros is
// fsynced. On Open, a record of zeros followed by nothing but zeros is the
// clean end of the log; a damaged record followed only by zeros is a torn
// tail; anything but zeros after a zero or damaged record is a
// CorruptError, unless it is what overlapping group commits can leave
// (Options.SyncDepth 2: the hole's group and one later group, each
// written in part, records torn only at a sector boundary; every record
// carries the first sequence number of its group and its writer's
// SyncDepth for this). A torn tail is cut off durably, so that none of it
// comes back once new records are written over it. Close cuts the zeros
// off.
//
// The log is a series of segment files (path, then path.<first sequence
// number, 20 digits>), a new one every Options.SegmentEntries records.
// Once a snapshot holds the state up to some entry, Compact deletes the
// segments wholly before it and Open with Options.From skips them;
// AtDurable runs a function at a cut between two groups (every entry up to
// a known sequence number durable and applied, none after), which is how
// a consistent snapshot is taken.
//
// Why a file and not PostgreSQL: the journal sits on the engine's hot path
// and fixes the order in which books see their inputs. A local file gives
// one fsync per group and no network round trip, and a single writer gives
// the order for free; PostgreSQL would add a round trip and a commit
// (itself a WAL fsync) per group and compete with order placement for the
// same server. Redis here persists nothing, so it is not a candidate.
package journal
