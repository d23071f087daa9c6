package journal

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/polystore/polystore/apps/trading/engine"
)

// RecordSize is the size of one journal record on disk.
const RecordSize = 80

// MaxSymbol is the longest symbol a record holds.
const MaxSymbol = 16

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Entry is one journaled input: a command for a symbol's book.
type Entry struct {
	Seq    uint64 // assigned by Append: 1, 2, 3... without gaps
	Ref    uint64 // the caller's reference, e.g. an outbox id (0 = none)
	Symbol string
	Cmd    engine.Command
}

// ErrFailed wraps the write or sync error that stopped a journal: after
// it, every Append fails, because the log on disk may be incomplete.
var ErrFailed = errors.New("journal: failed")

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("journal: closed")

// SymbolError reports a symbol that does not fit a record.
type SymbolError struct{ Symbol string }

func (e *SymbolError) Error() string {
	return fmt.Sprintf("journal: symbol %q must be 1 to %d bytes", e.Symbol, MaxSymbol)
}

// CorruptError reports a damaged record followed by intact ones: not a torn
// tail from a crash but damage Open refuses to repair.
type CorruptError struct {
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("journal: corrupt record at byte %d: %s", e.Offset, e.Reason)
}

// Options configures a Journal.
type Options struct {
	// Apply receives every durable batch, in sequence order, on the
	// journal's writer goroutine, before the batch's Appends return.
	Apply func(batch []Entry)
	// Failed receives, in sequence order on the same goroutine as Apply,
	// every appended batch that did not become durable (a failed write or
	// sync, or any batch after one): err wraps ErrFailed. With Apply it
	// lets the appender of a batch learn its outcome without waiting on
	// the batch's Pending.
	Failed func(batch []Entry, err error)
	// NoSync skips fsync (benchmarks of the journal's own cost only).
	NoSync bool
	// SegmentEntries starts a new segment file once the current one holds
	// this many records (default 1<<20, 80 MiB), so that Compact can drop
	// whole old segments.
	SegmentEntries int
	// From skips the entries up to this sequence number at Open (they are
	// in a snapshot): they are not passed to replay, and segments holding
	// only such entries are not read at all.
	From uint64
	// Preallocate is how many bytes of zeros the writer puts ahead of the
	// end of the log when a group no longer fits in what it wrote before
	// (default DefaultPreallocate, rounded to whole records, at most the
	// rest of the segment). Such a group is synced with fsync (the file's
	// size changes); every other group is written over zeros already on
	// disk and synced with fdatasync, which then has no metadata to flush.
	// Negative: no preallocation, every group grows the file and is
	// fsynced (the journal before preallocation; for comparison).
	Preallocate int
	// SyncDepth is how many group commits may be syncing at once (at most
	// MaxSyncDepth; default 1, one group at a time): with 2, while one
	// group's fdatasync is under way the writer writes the next group and
	// starts its sync too, so an entry that arrives during a sync waits
	// for that sync's end and one more, not also for the writer goroutine
	// to be scheduled in between. Measured on the shared 2-core machine
	// it lowered the median append latency and raised the p99 (more,
	// smaller groups: more syncs and wake-ups competing for the CPU), so
	// it is not the default; see docs/trading.md.
	SyncDepth int
}

// MaxSyncDepth is the most group commits a journal has syncing at once,
// and so the most groups a crash can leave partly written at the end of
// the log (see the replay rules in the package documentation).
const MaxSyncDepth = 2

// DefaultPreallocate is the default Options.Preallocate: 1 MiB.
const DefaultPreallocate = 1 << 20

// Journal is an append-only file of engine inputs. Append returns once the
// entry is on disk (fsync) and has been handed to Apply; concurrent
// Appends share one write and one fsync (group commit).
type Journal struct {
	path   string
	f      *os.File
	apply  func([]Entry)
	onFail func([]Entry, error)
	noSync bool

	segMax   int
	segMu    sync.Mutex    // held by the writer while it writes and rotates
	segs     []segment     // oldest first; the last is f
	inSeg    int           // records in the current segment
	off      int64         // where the next record goes in f
	size     int64         // f's size: from off to size it holds zeros
	prealloc int64         // bytes of zeros written ahead at a time (0: none)
	depth    int           // group commits syncing at once, at most
	slots    chan struct{} // one per group commit written and not yet complete
	written  uint64        // last sequence number written (under segMu)
	lastGrew bool          // the last group written extended the file

	applyMu sync.Mutex // held by the completer while it applies a group
	applied *sync.Cond // on applyMu: durable moved, or the journal failed
	durable uint64     // last sequence number written, synced and applied
	dead    bool       // a group failed: durable stays behind written
	failed  error      // the first failed group's error (set by the goroutine finishing groups)

	mu     sync.Mutex
	cur    *batch
	next   uint64
	err    error
	closed bool
	kick   chan struct{}
	done   chan struct{}

	lastRef uint64
	buf     []byte

	groups, records, fullSyncs atomic.Uint64
	syncNanos                  atomic.Int64
	syncHist                   [SyncBuckets]atomic.Uint64
}

// SyncBuckets is the number of buckets of Stats.SyncHist: bucket k counts
// the groups whose write and sync took less than 64 µs << k (the last one
// also those beyond).
const SyncBuckets = 16

// SyncBucket returns the bucket of Stats.SyncHist a group's write and
// sync of d falls in.
func SyncBucket(d time.Duration) int {
	k := 0
	for k < SyncBuckets-1 && d >= (64*time.Microsecond)<<k {
		k++
	}
	return k
}

// Stats counts a journal's group commits since Open: groups written,
// records in them, how many were synced with a full fsync (the file's
// size changed) rather than fdatasync, and the time spent writing and
// syncing them, in all and by duration (SyncHist, see SyncBucket).
type Stats struct {
	Groups, Records, FullSyncs uint64
	Sync                       time.Duration
	SyncHist                   [SyncBuckets]uint64
}

// Stats returns the journal's counters.
func (j *Journal) Stats() Stats {
	s := Stats{Groups: j.groups.Load(), Records: j.records.Load(), FullSyncs: j.fullSyncs.Load(),
		Sync: time.Duration(j.syncNanos.Load())}
	for k := range s.SyncHist {
		s.SyncHist[k] = j.syncHist[k].Load()
	}
	return s
}

type batch struct {
	entries []Entry
	done    chan struct{}
	err     error
}

func newBatch() *batch { return &batch{done: make(chan struct{})} }

// segment is one file of the journal: path holds the entries from first
// (path itself is the first segment; later ones are path.<first seq>).
type segment struct {
	path  string
	first uint64
}

// segments lists the journal's files, oldest first. The first segment,
// path itself, starts at 1 unless compaction removed it.
func segments(path string) ([]segment, error) {
	var out []segment
	if _, err := os.Stat(path); err == nil {
		out = append(out, segment{path: path, first: 1})
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, d := range names {
		rest, ok := strings.CutPrefix(d.Name(), base+".")
		if !ok || len(rest) != 20 {
			continue
		}
		first, err := strconv.ParseUint(rest, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, segment{path: filepath.Join(dir, d.Name()), first: first})
	}
	slices.SortFunc(out, func(a, b segment) int { return cmp.Compare(a.first, b.first) })
	return out, nil
}

// OldestSeq returns the sequence number of the oldest entry in the journal
// at path (the first of its oldest segment; 1 for a journal never
// compacted), or 0 when there is no journal there. A journal whose old
// segments were compacted away by its owner's watermark (not a snapshot)
// opens with Options.From = OldestSeq − 1.
func OldestSeq(path string) (uint64, error) {
	segs, err := segments(path)
	if err != nil || len(segs) == 0 {
		return 0, err
	}
	return segs[0].first, nil
}

func segmentPath(path string, first uint64) string {
	if first == 1 {
		return path
	}
	return fmt.Sprintf("%s.%020d", path, first)
}

// Open opens (or creates) the journal at path, passes every intact entry
// (after opts.From) to replay in order, cuts off a torn tail left by a
// crash, and starts the writer. A nil replay skips the entries.
func Open(path string, replay func(Entry) error, opts *Options) (*Journal, error) {
	j := &Journal{path: path, cur: newBatch(), next: 1, kick: make(chan struct{}, 1), done: make(chan struct{}), segMax: 1 << 20,
		prealloc: DefaultPreallocate, depth: 1}
	j.applied = sync.NewCond(&j.applyMu)
	var from uint64
	if opts != nil {
		j.apply, j.onFail, j.noSync, from = opts.Apply, opts.Failed, opts.NoSync, opts.From
		if opts.SegmentEntries > 0 {
			j.segMax = opts.SegmentEntries
		}
		if opts.SyncDepth > 0 {
			j.depth = min(opts.SyncDepth, MaxSyncDepth)
		}
		switch {
		case opts.Preallocate < 0:
			j.prealloc = 0
		case opts.Preallocate > 0:
			j.prealloc = int64(opts.Preallocate)
		}
	}
	if j.prealloc > 0 {
		j.prealloc = max(RecordSize, j.prealloc/RecordSize*RecordSize)
	}
	segs, err := segments(path)
	if err != nil {
		return nil, err
	}
	if len(segs) == 0 {
		segs = []segment{{path: path, first: max(from+1, 1)}}
		segs[0].path = segmentPath(path, segs[0].first)
	}
	if segs[0].first > from+1 {
		return nil, fmt.Errorf("journal: entries %d to %d are gone (compacted) but not in the snapshot", from+1, segs[0].first-1)
	}
	j.next = segs[0].first
	for i, sg := range segs {
		last := i == len(segs)-1
		if !last && segs[i+1].first <= from+1 {
			j.next = segs[i+1].first // only entries the snapshot has
			continue
		}
		if j.next != sg.first {
			return nil, &CorruptError{Offset: 0, Reason: fmt.Sprintf("segment %s starts at %d where %d was expected", sg.path, sg.first, j.next)}
		}
		f, err := os.OpenFile(sg.path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		good, n, err := j.replay(f, from, replay, last)
		if err == nil && last {
			err = cutAt(f, good)
		}
		if err != nil {
			f.Close()
			return nil, err
		}
		if last {
			j.f, j.inSeg, j.off, j.size = f, n, good, good
		} else {
			f.Close()
		}
	}
	j.segs = segs
	j.durable, j.written = j.next-1, j.next-1
	j.slots = make(chan struct{}, j.depth)
	go j.writer()
	return j, nil
}

// cutAt truncates f to good bytes, durably when that cuts anything off: a
// torn tail may hold records of later groups, which must not come back
// after a crash once new records with their sequence numbers are written.
func cutAt(f *os.File, good int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() > good {
		if err := f.Truncate(good); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
	}
	_, err = f.Seek(good, io.SeekStart)
	return err
}

// replay reads a segment's records until the end or the first damaged one
// and returns the length of the intact prefix and its records. Damage is
// a torn tail only at the end of the last segment.
func (j *Journal) replay(f *os.File, from uint64, fn func(Entry) error, last bool) (int64, int, error) {
	r := bufio.NewReaderSize(f, 1<<16)
	var rec [RecordSize]byte
	var off int64
	n := 0
	for {
		_, err := io.ReadFull(r, rec[:])
		if err == io.EOF || (err == io.ErrUnexpectedEOF && last) {
			return off, n, nil // a partial record is a torn tail
		}
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				return 0, 0, &CorruptError{Offset: off, Reason: "partial record inside the journal"}
			}
			return 0, 0, err
		}
		if isZero(rec[:]) {
			// Zeros the writer preallocated: the end of the log, if
			// what follows is a torn tail (see tornTail).
			if !last {
				if err := zeroRest(r); err != nil {
					return 0, 0, corrupt(off, err, "a zero record followed by data")
				}
				return off, n, nil
			}
			if err := tornTail(r, j.next, rec[:], off); err != nil {
				return 0, 0, corrupt(off, err, "a zero record followed by data")
			}
			return off, n, nil
		}
		e, why := decode(rec[:])
		if why == "" && e.Seq != j.next {
			why = fmt.Sprintf("sequence %d where %d was expected", e.Seq, j.next)
		}
		if why != "" {
			// Damage at the very end (followed by nothing, part of a
			// record, or preallocated zeros) is a write the crash cut
			// short; a full record that is not zeros after it means the
			// file itself is damaged.
			if !last {
				return 0, 0, &CorruptError{Offset: off, Reason: why}
			}
			if err := tornTail(r, j.next, rec[:], off); err != nil {
				return 0, 0, corrupt(off, err, why)
			}
			return off, n, nil
		}
		if fn != nil && e.Seq > from {
			if err := fn(e); err != nil {
				return 0, 0, err
			}
		}
		j.next++
		j.lastRef = max(j.lastRef, e.Ref)
		off += RecordSize
		n++
	}
}

// corrupt reports damage at off, or err if reading failed.
func corrupt(off int64, err error, why string) error {
	if errors.Is(err, errNotZero) {
		return &CorruptError{Offset: off, Reason: why}
	}
	return err
}

var errNotZero = errors.New("journal: data after the end of the log")

// tornTail reads the rest of the last segment after a hole (hole, a zero
// or damaged record at byte off where the entry seq was expected) and
// returns errNotZero unless it is what a crash can leave behind.
//
// With nothing but zeros after it, the hole is a write cut short (as
// before group commits overlapped). With data after it, the tail must be
// what the groups whose syncs were under way can leave: at most
// MaxSyncDepth groups, counting the hole's own, each written in part and
// in any order of its sectors. So the hole and every damaged record after
// it are zeros or torn at a sector boundary (one side of it all zeros: a
// 512-byte sector is written whole or not at all), and every intact
// record after it is numbered from seq on and belongs (its group field:
// the first entry of the group it was written with) to the hole's group or
// one of at most MaxSyncDepth−1 later ones, written by a journal that
// overlaps its syncs (with SyncDepth 1 a group is written only once the
// group before is durable, so only the hole's own group can follow it).
// None of those entries was
// acknowledged: a group completes only after every group before it is
// durable, and the hole's group is not.
func tornTail(r io.Reader, seq uint64, hole []byte, off int64) error {
	var rec [RecordSize]byte
	var later [MaxSyncDepth - 1]uint64 // groups after the hole's
	nlater, data, holeOff := 0, false, off
	for {
		off += RecordSize
		_, err := io.ReadFull(r, rec[:])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break // a last piece shorter than a record: part of one
		}
		if err != nil {
			return err
		}
		if isZero(rec[:]) {
			continue
		}
		data = true
		_, why := decode(rec[:])
		if why != "" && !sectorTorn(rec[:], off) {
			return errNotZero
		}
		if why != "" && isZero(rec[:20]) {
			continue // the header's sector not written
		}
		s, g := binary.LittleEndian.Uint64(rec[4:]), binary.LittleEndian.Uint64(rec[72:])
		depth := g >> groupBits // the writer's SyncDepth
		g &= 1<<groupBits - 1
		if why != "" && g == 0 && s >= seq && s-seq <= 1<<32 {
			continue // the group field's sector not written
		}
		if s < seq || g == 0 || g > s || s-seq > 1<<32 {
			return errNotZero // not of the groups after the hole
		}
		if g <= seq || slices.Contains(later[:nlater], g) {
			continue // the hole's own group, or one already seen
		}
		if depth < 2 {
			return errNotZero // its writer synced one group at a time
		}
		if nlater == len(later) {
			return errNotZero
		}
		later[nlater] = g
		nlater++
	}
	if data && !isZero(hole) && !sectorTorn(hole, holeOff) {
		return errNotZero
	}
	return nil
}

// sectorBytes is the unit a disk writes whole or not at all.
const sectorBytes = 512

// sectorTorn says whether rec, at byte off of the file, may be a record
// written in part: a sector boundary falls inside it and one side of that
// boundary is all zeros.
func sectorTorn(rec []byte, off int64) bool {
	b := (off/sectorBytes + 1) * sectorBytes
	if b >= off+int64(len(rec)) {
		return false
	}
	k := b - off
	return isZero(rec[:k]) || isZero(rec[k:])
}

// zeroRest reads r to its end and returns errNotZero if a full record's
// worth of it is not all zeros. A last piece shorter than a record may be
// anything: part of a record a crash cut short.
func zeroRest(r io.Reader) error {
	var rec [RecordSize]byte
	for {
		n, err := io.ReadFull(r, rec[:])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !isZero(rec[:n]) {
			return errNotZero
		}
	}
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// AtDurable runs fn on the writer's side of the journal, between two
// batches: every entry up to the sequence number fn receives is durable
// and has been handed to Apply, and no later one is handed to Apply until
// fn returns. It is how a consistent cut (a snapshot) is taken.
func (j *Journal) AtDurable(fn func(seq uint64) error) error {
	j.segMu.Lock() // no more writes
	defer j.segMu.Unlock()
	j.applyMu.Lock() // and what is written is durable and applied
	defer j.applyMu.Unlock()
	for j.durable < j.written && !j.dead {
		j.applied.Wait()
	}
	return fn(j.durable)
}

// Compact deletes the segments whose entries all have sequence numbers up
// to upto (entries a snapshot holds). The current segment is never
// deleted. It returns the number of entries removed.
func (j *Journal) Compact(upto uint64) (uint64, error) {
	j.segMu.Lock()
	defer j.segMu.Unlock()
	var removed uint64
	for len(j.segs) > 1 && j.segs[1].first <= upto+1 {
		if err := os.Remove(j.segs[0].path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, err
		}
		removed += j.segs[1].first - j.segs[0].first
		j.segs = j.segs[1:]
	}
	if removed > 0 {
		syncDir(j.path)
	}
	return removed, nil
}

// Segments returns the number of segment files.
func (j *Journal) Segments() int {
	j.segMu.Lock()
	defer j.segMu.Unlock()
	return len(j.segs)
}

// FirstSeq returns the sequence number of the oldest entry still on disk.
func (j *Journal) FirstSeq() uint64 {
	j.segMu.Lock()
	defer j.segMu.Unlock()
	return j.segs[0].first
}

func syncDir(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// LastRef returns the largest Ref journaled so far.
func (j *Journal) LastRef() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.lastRef
}

// Err returns the error that stopped the journal (wrapping ErrFailed), or
// nil while it works.
func (j *Journal) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

// LastSeq returns the sequence number of the last entry appended.
func (j *Journal) LastSeq() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.next - 1
}

// Append journals e and returns its sequence number once it is durable and
// applied. If ctx ends first Append returns ctx's error, but the entry
// may still be journaled and applied.
func (j *Journal) Append(ctx context.Context, e Entry) (uint64, error) {
	one := [1]Entry{e}
	return j.AppendBatch(ctx, one[:])
}

// AppendBatch journals entries as one group, consecutive and in order, and
// returns the sequence number of the last once all are durable and
// applied. It assigns each entry's Seq. Like Append, a cancelled ctx
// does not withdraw the entries.
func (j *Journal) AppendBatch(ctx context.Context, entries []Entry) (uint64, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	last, p, err := j.AppendAsync(entries)
	if err != nil {
		return 0, err
	}
	select {
	case <-p.Done():
		return last, p.Err()
	case <-ctx.Done():
		return last, ctx.Err()
	}
}

// Pending is a group of entries handed to the journal by AppendAsync.
type Pending struct{ b *batch }

// Done is closed once the entries are durable and applied, or the
// journal has failed (then Err says why).
func (p Pending) Done() <-chan struct{} { return p.b.done }

// Err is the outcome of the entries once Done is closed: nil when they
// are durable and applied.
func (p Pending) Err() error { return p.b.err }

// AppendAsync journals entries as AppendBatch does without waiting: it
// assigns each entry's Seq and returns the last one and a Pending whose
// Done closes once all are durable and applied. It lets one goroutine
// hand the journal a group while earlier ones are being synced, and
// wait for each in turn elsewhere. entries must not be empty.
func (j *Journal) AppendAsync(entries []Entry) (uint64, Pending, error) {
	if len(entries) == 0 {
		return 0, Pending{}, errors.New("journal: no entries")
	}
	for i := range entries {
		if len(entries[i].Symbol) == 0 || len(entries[i].Symbol) > MaxSymbol {
			return 0, Pending{}, &SymbolError{Symbol: entries[i].Symbol}
		}
	}
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return 0, Pending{}, ErrClosed
	}
	if j.err != nil {
		err := j.err
		j.mu.Unlock()
		return 0, Pending{}, err
	}
	b := j.cur
	for i := range entries {
		entries[i].Seq = j.next
		j.next++
		j.lastRef = max(j.lastRef, entries[i].Ref)
		b.entries = append(b.entries, entries[i])
	}
	last := entries[len(entries)-1].Seq
	j.mu.Unlock()
	select {
	case j.kick <- struct{}{}:
	default:
	}
	return last, Pending{b}, nil
}

// syncJob is a group written to the file and being synced.
type syncJob struct {
	b    *batch
	full bool          // synced with fsync (the file's size changed)
	done chan struct{} // closed once the sync returned
	err  error
	took time.Duration // writing and syncing
}

// writer takes each queue of appends as one group, writes it and starts
// its sync, up to depth groups at a time; the completer finishes them in
// order.
func (j *Journal) writer() {
	jobs := make(chan *syncJob, MaxSyncDepth+1)
	go j.completer(jobs)
	defer close(jobs)
	for {
		<-j.kick
		for {
			j.mu.Lock()
			b := j.cur
			closed := j.closed
			if len(b.entries) == 0 {
				j.mu.Unlock()
				if closed {
					return
				}
				break
			}
			j.cur = newBatch()
			j.mu.Unlock()
			job := j.flush(b)
			if j.depth == 1 {
				j.finish(job) // synced already: no hand-over
			} else {
				jobs <- job
			}
		}
	}
}

// flush writes b and starts its sync. It takes a slot first, so that at
// most depth groups are written and not yet complete: a crash can tear
// only those (tornTail).
func (j *Journal) flush(b *batch) *syncJob {
	job := &syncJob{b: b, done: make(chan struct{})}
	if j.Err() != nil {
		// Failed: nothing more is written (the completer fails b).
		j.slots <- struct{}{}
		job.err = j.Err()
		close(job.done)
		return job
	}
	if j.inSeg >= j.segMax {
		// The old segment's syncs end before it is closed.
		for range j.depth {
			j.slots <- struct{}{}
		}
		for range j.depth - 1 {
			<-j.slots
		}
	} else {
		j.slots <- struct{}{}
	}
	t0 := time.Now()
	j.segMu.Lock()
	err := j.write(b)
	j.segMu.Unlock()
	if err != nil {
		job.err = err
		close(job.done)
		return job
	}
	job.full = j.lastGrew
	f := j.f
	sync := func() {
		if !j.noSync {
			if job.full {
				job.err = f.Sync() // the size changed: flush the metadata too
			} else {
				job.err = fdatasync(f)
			}
		}
		job.took = time.Since(t0)
		close(job.done)
	}
	if j.depth == 1 {
		sync()
	} else {
		go sync()
	}
	return job
}

// write writes b's records at the end of the log (rotating to a new
// segment first when the current one is full); segMu is held.
func (j *Journal) write(b *batch) error {
	if j.inSeg >= j.segMax {
		if err := j.rotate(b.entries[0].Seq); err != nil {
			return err
		}
	}
	j.buf = j.buf[:0]
	group := b.entries[0].Seq | uint64(j.depth)<<groupBits
	for i := range b.entries {
		j.buf = encode(j.buf, &b.entries[i], group)
	}
	end := j.off + int64(len(j.buf))
	grew := end > j.size
	var err error
	if grew && j.prealloc > 0 {
		err = j.zeroTo(max(end, min(j.size+j.prealloc, int64(j.segMax)*RecordSize)))
	}
	if err == nil {
		_, err = j.f.WriteAt(j.buf, j.off)
	}
	if err != nil {
		return err
	}
	j.off, j.size = end, max(j.size, end)
	j.lastGrew = grew
	j.inSeg += len(b.entries)
	j.written = b.entries[len(b.entries)-1].Seq
	return nil
}

// completer finishes the groups in the order they were written: once a
// group's sync returned (and so every group before it is durable too, as
// their syncs returned first), it hands the group to Apply and wakes its
// appenders. After a failure every later group fails too.
func (j *Journal) completer(jobs <-chan *syncJob) {
	defer close(j.done)
	for job := range jobs {
		j.finish(job)
	}
}

// finish completes a group once its sync returned, on the completer's
// goroutine (or the writer's, one group at a time).
func (j *Journal) finish(job *syncJob) {
	<-job.done
	<-j.slots
	b := job.b
	if j.failed == nil && job.err != nil {
		j.failed = job.err
		if !errors.Is(j.failed, ErrFailed) {
			j.failed = fmt.Errorf("%w: %w", ErrFailed, j.failed)
		}
		j.mu.Lock()
		j.err = j.failed
		j.mu.Unlock()
		j.applyMu.Lock()
		j.dead = true
		j.applied.Broadcast()
		j.applyMu.Unlock()
	}
	if j.failed != nil {
		b.err = j.failed
		if j.onFail != nil {
			j.onFail(b.entries, j.failed)
		}
		close(b.done)
		return
	}
	j.syncNanos.Add(int64(job.took))
	j.syncHist[SyncBucket(job.took)].Add(1)
	j.groups.Add(1)
	j.records.Add(uint64(len(b.entries)))
	if job.full {
		j.fullSyncs.Add(1)
	}
	j.applyMu.Lock()
	if j.apply != nil {
		j.apply(b.entries)
	}
	j.durable = b.entries[len(b.entries)-1].Seq
	j.applied.Broadcast()
	j.applyMu.Unlock()
	close(b.done)
}

var zeros [64 << 10]byte

// zeroTo writes zeros from the end of f up to size; the group written
// next is synced with fsync, which makes them durable with it.
func (j *Journal) zeroTo(size int64) error {
	for j.size < size {
		n := min(int64(len(zeros)), size-j.size)
		if _, err := j.f.WriteAt(zeros[:n], j.size); err != nil {
			return err
		}
		j.size += n
	}
	return nil
}

// rotate starts a new segment whose first entry is first; the current one
// is complete and synced.
func (j *Journal) rotate(first uint64) error {
	p := segmentPath(j.path, first)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	syncDir(j.path)
	if err := j.f.Close(); err != nil {
		f.Close()
		return err
	}
	j.f, j.inSeg, j.off, j.size = f, 0, 0, 0
	j.segs = append(j.segs, segment{path: p, first: first})
	return nil
}

// Close waits for pending appends, then closes the file.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true
	j.mu.Unlock()
	select {
	case j.kick <- struct{}{}:
	default:
	}
	<-j.done
	if j.Err() == nil && j.size > j.off {
		// A journal closed cleanly ends at its last record.
		if err := j.f.Truncate(j.off); err != nil {
			j.f.Close()
			return err
		}
	}
	return j.f.Close()
}

// groupBits is the width of a record's group field; the byte above it
// holds the writer's SyncDepth.
const groupBits = 56

// encode appends e's record; group is the sequence number of the first
// entry of the group it is written with (replay's bound on a torn tail),
// with the writer's SyncDepth in its top byte: a hole followed by a later
// group is a torn tail only if that group's writer overlapped its syncs.
func encode(dst []byte, e *Entry, group uint64) []byte {
	var r [RecordSize]byte
	binary.LittleEndian.PutUint64(r[4:], e.Seq)
	binary.LittleEndian.PutUint64(r[12:], e.Ref)
	copy(r[20:36], e.Symbol)
	c := &e.Cmd
	r[36], r[37], r[38], r[39] = byte(c.Op), byte(c.Side), byte(c.Type), byte(c.TIF)
	binary.LittleEndian.PutUint64(r[40:], c.OrderID)
	binary.LittleEndian.PutUint64(r[48:], c.Account)
	binary.LittleEndian.PutUint64(r[56:], uint64(c.Price))
	binary.LittleEndian.PutUint64(r[64:], uint64(c.Qty))
	binary.LittleEndian.PutUint64(r[72:], group)
	binary.LittleEndian.PutUint32(r[0:], crc32.Checksum(r[4:], castagnoli))
	return append(dst, r[:]...)
}

func decode(r []byte) (Entry, string) {
	if binary.LittleEndian.Uint32(r[0:]) != crc32.Checksum(r[4:RecordSize], castagnoli) {
		return Entry{}, "checksum mismatch"
	}
	sym := r[20:36]
	n := 0
	for n < len(sym) && sym[n] != 0 {
		n++
	}
	if n == 0 {
		return Entry{}, "empty symbol"
	}
	return Entry{
		Seq:    binary.LittleEndian.Uint64(r[4:]),
		Ref:    binary.LittleEndian.Uint64(r[12:]),
		Symbol: string(sym[:n]),
		Cmd: engine.Command{
			Op: engine.Op(r[36]), Side: engine.Side(r[37]), Type: engine.Type(r[38]), TIF: engine.TIF(r[39]),
			OrderID: binary.LittleEndian.Uint64(r[40:]),
			Account: binary.LittleEndian.Uint64(r[48:]),
			Price:   int64(binary.LittleEndian.Uint64(r[56:])),
			Qty:     int64(binary.LittleEndian.Uint64(r[64:])),
		},
	}, ""
}
