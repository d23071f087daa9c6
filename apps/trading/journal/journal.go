package journal

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"

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
	// NoSync skips fsync (benchmarks of the journal's own cost only).
	NoSync bool
}

// Journal is an append-only file of engine inputs. Append returns once the
// entry is on disk (fsync) and has been handed to Apply; concurrent
// Appends share one write and one fsync (group commit).
type Journal struct {
	f      *os.File
	apply  func([]Entry)
	noSync bool

	mu     sync.Mutex
	cur    *batch
	next   uint64
	err    error
	closed bool
	kick   chan struct{}
	done   chan struct{}

	lastRef uint64
	buf     []byte
}

type batch struct {
	entries []Entry
	done    chan struct{}
	err     error
}

func newBatch() *batch { return &batch{done: make(chan struct{})} }

// Open opens (or creates) the journal at path, passes every intact entry
// to replay in order, cuts off a torn tail left by a crash, and starts the
// writer. A nil replay skips the entries.
func Open(path string, replay func(Entry) error, opts *Options) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	j := &Journal{f: f, cur: newBatch(), next: 1, kick: make(chan struct{}, 1), done: make(chan struct{})}
	if opts != nil {
		j.apply, j.noSync = opts.Apply, opts.NoSync
	}
	good, err := j.replay(replay)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	go j.writer()
	return j, nil
}

// replay reads records until the end or the first damaged one and returns
// the length of the intact prefix.
func (j *Journal) replay(fn func(Entry) error) (int64, error) {
	r := bufio.NewReaderSize(j.f, 1<<16)
	var rec [RecordSize]byte
	var off int64
	for {
		_, err := io.ReadFull(r, rec[:])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return off, nil // a partial record is a torn tail
		}
		if err != nil {
			return 0, err
		}
		e, why := decode(rec[:])
		if why == "" && e.Seq != j.next {
			why = fmt.Sprintf("sequence %d where %d was expected", e.Seq, j.next)
		}
		if why != "" {
			// Damage at the very end is a write the crash cut short;
			// anything after it means the file itself is damaged.
			if _, err := io.ReadFull(r, rec[:]); err == nil {
				return 0, &CorruptError{Offset: off, Reason: why}
			}
			return off, nil
		}
		if fn != nil {
			if err := fn(e); err != nil {
				return 0, err
			}
		}
		j.next++
		j.lastRef = max(j.lastRef, e.Ref)
		off += RecordSize
	}
}

// LastRef returns the largest Ref journaled so far.
func (j *Journal) LastRef() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.lastRef
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
	for i := range entries {
		if len(entries[i].Symbol) == 0 || len(entries[i].Symbol) > MaxSymbol {
			return 0, &SymbolError{Symbol: entries[i].Symbol}
		}
	}
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return 0, ErrClosed
	}
	if j.err != nil {
		err := j.err
		j.mu.Unlock()
		return 0, err
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
	select {
	case <-b.done:
		return last, b.err
	case <-ctx.Done():
		return last, ctx.Err()
	}
}

func (j *Journal) writer() {
	defer close(j.done)
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
			j.flush(b)
		}
	}
}

func (j *Journal) flush(b *batch) {
	j.buf = j.buf[:0]
	for i := range b.entries {
		j.buf = encode(j.buf, &b.entries[i])
	}
	_, err := j.f.Write(j.buf)
	if err == nil && !j.noSync {
		err = j.f.Sync()
	}
	if err != nil {
		err = fmt.Errorf("%w: %w", ErrFailed, err)
		j.mu.Lock()
		j.err = err
		j.mu.Unlock()
		b.err = err
		close(b.done)
		return
	}
	if j.apply != nil {
		j.apply(b.entries)
	}
	close(b.done)
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
	return j.f.Close()
}

func encode(dst []byte, e *Entry) []byte {
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
