package journal

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/trading/engine"
)

func place(id uint64) engine.Command {
	return engine.Command{Op: engine.OpPlace, Side: engine.Buy, Type: engine.Limit, TIF: engine.GTC, OrderID: id, Account: 7, Price: 100, Qty: 3}
}

// Concurrent appends are applied in sequence order without gaps, each
// exactly once, and a reopened journal replays the same entries.
func TestGroupCommitOrderAndReplay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	var applied []Entry
	var batches atomic.Int64
	j, err := Open(path, nil, &Options{Apply: func(b []Entry) {
		batches.Add(1)
		applied = append(applied, b...)
	}})
	require.NoError(t, err)
	const writers, each = 8, 50
	var wg sync.WaitGroup
	seqs := make(chan uint64, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				seq, err := j.Append(context.Background(), Entry{Ref: uint64(w*each + i + 1), Symbol: "BTC-USD", Cmd: place(uint64(w*each + i + 1))})
				require.NoError(t, err)
				seqs <- seq
			}
		}()
	}
	wg.Wait()
	close(seqs)
	require.NoError(t, j.Close())
	require.Len(t, applied, writers*each)
	refs := map[uint64]bool{}
	for i, e := range applied {
		require.Equal(t, uint64(i+1), e.Seq, "applied in sequence order")
		require.False(t, refs[e.Ref], "applied once")
		refs[e.Ref] = true
	}
	require.Less(t, batches.Load(), int64(writers*each), "appends shared fsyncs")
	require.Len(t, seqs, writers*each)

	var replayed []Entry
	j2, err := Open(path, func(e Entry) error { replayed = append(replayed, e); return nil }, nil)
	require.NoError(t, err)
	require.Equal(t, applied, replayed)
	require.Equal(t, uint64(writers*each), j2.LastSeq())
	require.Equal(t, uint64(writers*each), j2.LastRef())
	seq, err := j2.Append(context.Background(), Entry{Symbol: "X", Cmd: place(9999)})
	require.NoError(t, err)
	require.Equal(t, uint64(writers*each+1), seq, "numbering continues")
	require.NoError(t, j2.Close())
	_, err = j2.Append(context.Background(), Entry{Symbol: "X"})
	require.ErrorIs(t, err, ErrClosed)
}

func TestTornTailAndCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, err := Open(path, nil, nil)
	require.NoError(t, err)
	for i := range 3 {
		_, err := j.Append(context.Background(), Entry{Symbol: "S", Cmd: place(uint64(i + 1))})
		require.NoError(t, err)
	}
	require.NoError(t, j.Close())

	// A crash in the middle of a write leaves part of a record.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write(make([]byte, RecordSize/2))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	n := 0
	j, err = Open(path, func(Entry) error { n++; return nil }, nil)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.NoError(t, j.Close())
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, int64(3*RecordSize), st.Size(), "the torn tail is cut off")

	// A flipped byte in the middle is damage, not a crash.
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[RecordSize+50] ^= 0xff
	require.NoError(t, os.WriteFile(path, data, 0o644))
	_, err = Open(path, nil, nil)
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, int64(RecordSize), ce.Offset)
}

func TestBadSymbol(t *testing.T) {
	j, err := Open(filepath.Join(t.TempDir(), "j"), nil, nil)
	require.NoError(t, err)
	defer j.Close()
	var se *SymbolError
	_, err = j.Append(context.Background(), Entry{Symbol: ""})
	require.ErrorAs(t, err, &se)
	_, err = j.Append(context.Background(), Entry{Symbol: strings.Repeat("x", MaxSymbol+1)})
	require.ErrorAs(t, err, &se)
}

// A book rebuilt from the journal has the state hash of the book that was
// fed live.
func TestReplayRebuildsSameBook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	live := engine.NewBook(nil, nil)
	j, err := Open(path, nil, &Options{Apply: func(b []Entry) {
		for i := range b {
			live.Apply(&b[i].Cmd)
		}
	}})
	require.NoError(t, err)
	mix := engine.GenerateMix(5, 2000, nil)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(mix)) {
					return
				}
				_, err := j.Append(context.Background(), Entry{Symbol: "S", Cmd: mix[i]})
				require.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	require.NoError(t, j.Close())
	rebuilt := engine.NewBook(nil, nil)
	j, err = Open(path, func(e Entry) error { rebuilt.Apply(&e.Cmd); return nil }, nil)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	require.Greater(t, live.TradeSeq(), uint64(0))
	require.Equal(t, live.StateHash(), rebuilt.StateHash())
	require.Equal(t, live.Seq(), rebuilt.Seq())
}

const childEnv = "POLYSTORE_JOURNAL_CHILD"

// TestJournalChild is the process TestSurvivesSIGKILL kills: it appends
// the mix from four goroutines and prints, after each durable batch is
// applied, the sequence number and the book's state hash, and after each
// acknowledged append "ack <seq>".
func TestJournalChild(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("run by TestSurvivesSIGKILL")
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	say := func(format string, a ...any) {
		mu.Lock()
		fmt.Fprintf(out, format+"\n", a...)
		out.Flush()
		mu.Unlock()
	}
	book := engine.NewBook(nil, nil)
	j, err := Open(path, func(e Entry) error { book.Apply(&e.Cmd); return nil }, &Options{Apply: func(b []Entry) {
		for i := range b {
			book.Apply(&b[i].Cmd)
		}
		say("state %d %d", b[len(b)-1].Seq, book.StateHash())
	}})
	require.NoError(t, err)
	mix := engine.GenerateMix(11, 50_000, nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(mix)) {
					return
				}
				seq, err := j.Append(context.Background(), Entry{Symbol: "S", Ref: uint64(i + 1), Cmd: mix[i]})
				if err != nil {
					return
				}
				say("ack %d", seq)
			}
		}()
	}
	wg.Wait()
}

// SIGKILL in the middle of a run loses no acknowledged entry, and the
// replayed book has the hash the live book reported at that sequence.
func TestSurvivesSIGKILL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	cmd := exec.Command(os.Args[0], "-test.run=^TestJournalChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var maxAck uint64
	states := map[uint64]uint64{}
	sc := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "ack":
			seq, _ := strconv.ParseUint(f[1], 10, 64)
			maxAck = max(maxAck, seq)
		case len(f) == 3 && f[0] == "state":
			seq, _ := strconv.ParseUint(f[1], 10, 64)
			h, _ := strconv.ParseUint(f[2], 10, 64)
			states[seq] = h
		}
		if maxAck >= 3000 {
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			break
		}
	}
	_ = cmd.Wait()
	require.GreaterOrEqual(t, maxAck, uint64(3000), "the child acknowledged appends before it was killed")
	st, err := os.Stat(path)
	require.NoError(t, err)
	killedSize := st.Size()

	book := engine.NewBook(nil, nil)
	checked := 0
	var n uint64
	j, err := Open(path, func(e Entry) error {
		book.Apply(&e.Cmd)
		n = e.Seq
		if h, ok := states[e.Seq]; ok {
			require.Equal(t, h, book.StateHash(), "state at sequence %d", e.Seq)
			checked++
		}
		return nil
	}, nil)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	require.GreaterOrEqual(t, n, maxAck, "every acknowledged entry survived")
	require.Greater(t, killedSize, int64(n)*RecordSize, "the child died inside a preallocated stretch of zeros")
	require.Greater(t, checked, 0)
	t.Logf("acked %d, journaled %d, compared %d state hashes", maxAck, n, checked)
}

// Segments rotate every SegmentEntries records; Compact deletes those a
// snapshot covers (never the current one); Open with From replays only the
// entries after it, and without it refuses a journal whose start is gone.
func TestSegmentsCompactAndFrom(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j")
	j, err := Open(path, nil, &Options{SegmentEntries: 10})
	require.NoError(t, err)
	for i := range 35 {
		_, err := j.Append(ctx, Entry{Ref: uint64(i + 1), Symbol: "S", Cmd: place(uint64(i + 1))})
		require.NoError(t, err)
	}
	require.Equal(t, 4, j.Segments())
	var cut uint64
	require.NoError(t, j.AtDurable(func(seq uint64) error { cut = seq; return nil }))
	require.Equal(t, uint64(35), cut)
	removed, err := j.Compact(25)
	require.NoError(t, err)
	require.Equal(t, uint64(20), removed, "segments 1-10 and 11-20 end before 25; 21-30 does not")
	require.Equal(t, uint64(21), j.FirstSeq())
	removed, err = j.Compact(1000)
	require.NoError(t, err)
	require.Equal(t, uint64(10), removed, "the current segment stays")
	require.NoError(t, j.Err())
	require.NoError(t, j.Close())

	var seen []uint64
	j, err = Open(path, func(e Entry) error { seen = append(seen, e.Seq); return nil }, &Options{From: 33, SegmentEntries: 10})
	require.NoError(t, err)
	require.Equal(t, []uint64{34, 35}, seen)
	seq, err := j.Append(ctx, Entry{Symbol: "S", Cmd: place(36)})
	require.NoError(t, err)
	require.Equal(t, uint64(36), seq)
	require.NoError(t, j.Close())

	_, err = Open(path, nil, nil)
	require.ErrorContains(t, err, "compacted", "entries 1-30 are gone and no snapshot covers them")

	oldest, err := OldestSeq(path)
	require.NoError(t, err)
	require.Equal(t, uint64(31), oldest)
	seen = nil
	j, err = Open(path, func(e Entry) error { seen = append(seen, e.Seq); return nil }, &Options{From: oldest - 1, SegmentEntries: 10})
	require.NoError(t, err)
	require.Equal(t, []uint64{31, 32, 33, 34, 35, 36}, seen, "From = OldestSeq − 1 replays everything left")
	require.NoError(t, j.Close())
	none, err := OldestSeq(filepath.Join(t.TempDir(), "none"))
	require.NoError(t, err)
	require.Zero(t, none)
}

// appendN appends n entries one group each, from seq 1.
func appendN(t *testing.T, j *Journal, n int) {
	t.Helper()
	for i := range n {
		_, err := j.Append(context.Background(), Entry{Symbol: "S", Cmd: place(uint64(i + 1))})
		require.NoError(t, err)
	}
}

// crashCopy copies the journal file of a live (not closed) journal, as a
// crash would leave it: the records written so far and the zeros ahead.
func crashCopy(t *testing.T, path string) (string, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	cp := filepath.Join(t.TempDir(), "crashed")
	require.NoError(t, os.WriteFile(cp, data, 0o644))
	return cp, data
}

func replayAll(path string) ([]uint64, error) {
	var seqs []uint64
	j, err := Open(path, func(e Entry) error { seqs = append(seqs, e.Seq); return nil }, nil)
	if err != nil {
		return nil, err
	}
	return seqs, j.Close()
}

// Zeros are written ahead of the log a chunk at a time: only the group
// that needs a new chunk is fsynced, the others are fdatasynced; a log
// that ends in those zeros (a crash) replays up to its last record and
// goes on from there; Close cuts the zeros off.
func TestPreallocatedZeroTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, err := Open(path, nil, &Options{Preallocate: 10*RecordSize + 7})
	require.NoError(t, err)
	appendN(t, j, 12)
	st := j.Stats()
	require.Equal(t, Stats{Groups: 12, Records: 12, FullSyncs: 2, Sync: st.Sync, SyncHist: st.SyncHist}, st, "a chunk of 10 records, then another")
	var inHist uint64
	for _, n := range st.SyncHist {
		inHist += n
	}
	require.Equal(t, st.Groups, inHist, "every group in the histogram")
	cp, data := crashCopy(t, path)
	require.Len(t, data, 20*RecordSize, "chunks are whole records")
	require.True(t, isZero(data[12*RecordSize:]))

	seqs, err := replayAll(cp)
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, seqs)
	j2, err := Open(cp, nil, nil)
	require.NoError(t, err)
	seq, err := j2.Append(context.Background(), Entry{Symbol: "S", Cmd: place(13)})
	require.NoError(t, err)
	require.Equal(t, uint64(13), seq)
	require.NoError(t, j2.Close())
	seqs, err = replayAll(cp)
	require.NoError(t, err)
	require.Len(t, seqs, 13)

	require.NoError(t, j.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, int64(12*RecordSize), fi.Size(), "a closed journal ends at its last record")

	// Without preallocation every group grows the file and is fsynced.
	j, err = Open(filepath.Join(t.TempDir(), "grow"), nil, &Options{Preallocate: -1})
	require.NoError(t, err)
	appendN(t, j, 3)
	require.Equal(t, uint64(3), j.Stats().FullSyncs)
	require.NoError(t, j.Close())
}

// A crash in the middle of a preallocated segment: part of a record
// written over the zeros is a torn tail, cut off; damage or zeros followed
// by anything but zeros is corruption, reported.
func TestPreallocatedCrashAndCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, err := Open(path, nil, &Options{Preallocate: 16 * RecordSize})
	require.NoError(t, err)
	appendN(t, j, 4)
	_, data := crashCopy(t, path)
	full := encode(nil, &Entry{Seq: 5, Symbol: "S", Cmd: place(5)}, 5)
	require.NoError(t, j.Close())
	require.Len(t, data, 16*RecordSize)

	try := func(name string, edit func(d []byte)) ([]uint64, error) {
		d := append([]byte(nil), data...)
		edit(d)
		p := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.WriteFile(p, d, 0o644))
		return replayAll(p)
	}
	for _, tc := range []struct {
		name string
		edit func(d []byte)
	}{
		{"half of record 5", func(d []byte) { copy(d[4*RecordSize:], full[:RecordSize/2]) }},
		{"record 5 all but its checksum", func(d []byte) { copy(d[4*RecordSize+4:], full[4:]) }},
		{"record 5 and half of 6", func(d []byte) {
			copy(d[4*RecordSize:], full)
			six := encode(nil, &Entry{Seq: 6, Symbol: "S", Cmd: place(6)}, 6)
			copy(d[5*RecordSize:], six[:RecordSize/2])
		}},
	} {
		seqs, err := try("torn", tc.edit)
		require.NoError(t, err, tc.name)
		if tc.name == "record 5 and half of 6" {
			require.Equal(t, []uint64{1, 2, 3, 4, 5}, seqs, tc.name)
		} else {
			require.Equal(t, []uint64{1, 2, 3, 4}, seqs, tc.name)
		}
	}

	var ce *CorruptError
	_, err = try("flip", func(d []byte) { d[RecordSize+50] ^= 0xff })
	require.ErrorAs(t, err, &ce, "a flipped byte before intact records")
	require.Equal(t, int64(RecordSize), ce.Offset)
	_, err = try("zeroed", func(d []byte) { clear(d[RecordSize : 2*RecordSize]) })
	require.ErrorAs(t, err, &ce, "a zeroed record before intact records")
	require.Equal(t, int64(RecordSize), ce.Offset)
	_, err = try("garbage", func(d []byte) {
		copy(d[4*RecordSize:], full[:RecordSize/2])
		d[10*RecordSize+3] = 1
	})
	require.ErrorAs(t, err, &ce, "a torn record followed by data in the zeros")
	require.Equal(t, int64(4*RecordSize), ce.Offset)
	_, err = try("zeros then data", func(d []byte) { d[10*RecordSize+3] = 1 })
	require.ErrorAs(t, err, &ce, "data after the zeros")
	require.Equal(t, int64(4*RecordSize), ce.Offset)
}

// Zeros at the end of a segment that is not the last are the end of that
// segment; damage there is not.
func TestPreallocatedOlderSegment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, err := Open(path, nil, &Options{SegmentEntries: 4})
	require.NoError(t, err)
	appendN(t, j, 10)
	require.Equal(t, 3, j.Segments())
	require.NoError(t, j.Close())
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write(make([]byte, 3*RecordSize))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	seqs, err := replayAll(path)
	require.NoError(t, err)
	require.Len(t, seqs, 10)

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[4*RecordSize+1] = 9
	require.NoError(t, os.WriteFile(path, data, 0o644))
	_, err = replayAll(path)
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, int64(4*RecordSize), ce.Offset)
}

// AppendAsync hands groups over without waiting: each group's Done closes
// in order once it is durable and applied, with its entries numbered
// consecutively after the group before; they replay as appended.
func TestAppendAsync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	var mu sync.Mutex
	applied := map[uint64]bool{}
	j, err := Open(path, nil, &Options{Apply: func(b []Entry) {
		mu.Lock()
		for _, e := range b {
			applied[e.Seq] = true
		}
		mu.Unlock()
	}})
	require.NoError(t, err)
	_, _, err = j.AppendAsync(nil)
	require.Error(t, err)
	var pend []Pending
	var lasts []uint64
	for g := range 20 {
		group := make([]Entry, 1+g%3)
		for i := range group {
			group[i] = Entry{Ref: uint64(g*10 + i + 1), Symbol: "BTC-USD", Cmd: place(uint64(g*10 + i + 1))}
		}
		last, p, err := j.AppendAsync(group)
		require.NoError(t, err)
		require.Equal(t, last, group[len(group)-1].Seq)
		if len(lasts) > 0 {
			require.Equal(t, lasts[len(lasts)-1]+1, group[0].Seq, "groups numbered consecutively")
		}
		pend, lasts = append(pend, p), append(lasts, last)
	}
	for i, p := range pend {
		<-p.Done()
		require.NoError(t, p.Err())
		mu.Lock()
		require.True(t, applied[lasts[i]], "applied before Done")
		mu.Unlock()
	}
	require.NoError(t, j.Close())
	_, _, err = j.AppendAsync([]Entry{{Symbol: "X"}})
	require.ErrorIs(t, err, ErrClosed)
	n := 0
	j2, err := Open(path, func(e Entry) error { n++; require.Equal(t, uint64(n), e.Seq); return nil }, nil)
	require.NoError(t, err)
	require.Equal(t, int(lasts[len(lasts)-1]), n)
	require.NoError(t, j2.Close())
}

// A journal whose write fails hands that batch and every later one to
// Failed, in order, and none of them to Apply.
func TestFailedReceivesUndurableBatches(t *testing.T) {
	var mu sync.Mutex
	var applied, failed []uint64
	j, err := Open(filepath.Join(t.TempDir(), "j"), nil, &Options{
		Apply: func(b []Entry) {
			mu.Lock()
			for _, e := range b {
				applied = append(applied, e.Seq)
			}
			mu.Unlock()
		},
		Failed: func(b []Entry, err error) {
			require.ErrorIs(t, err, ErrFailed)
			mu.Lock()
			for _, e := range b {
				failed = append(failed, e.Seq)
			}
			mu.Unlock()
		}})
	require.NoError(t, err)
	_, p, err := j.AppendAsync([]Entry{{Symbol: "BTC-USD", Cmd: place(1)}})
	require.NoError(t, err)
	<-p.Done()
	require.NoError(t, p.Err())
	// Break the file under the writer: its next write fails.
	j.segMu.Lock()
	require.NoError(t, j.f.Close())
	j.segMu.Unlock()
	var pend []Pending
	for g := range 3 {
		_, p, err := j.AppendAsync([]Entry{{Symbol: "BTC-USD", Cmd: place(uint64(2 + 2*g))}, {Symbol: "BTC-USD", Cmd: place(uint64(3 + 2*g))}})
		if err != nil {
			require.ErrorIs(t, err, ErrFailed) // refused at once once the failure is known
			continue
		}
		pend = append(pend, p)
	}
	require.NotEmpty(t, pend)
	for _, p := range pend {
		<-p.Done()
		require.ErrorIs(t, p.Err(), ErrFailed)
	}
	mu.Lock()
	require.Equal(t, []uint64{1}, applied)
	require.Equal(t, 2*len(pend), len(failed))
	for i := 1; i < len(failed); i++ {
		require.Equal(t, failed[i-1]+1, failed[i], "in sequence order")
	}
	mu.Unlock()
	_ = j.Close() // the file is closed already
}

// SyncBucket doubles its bound from 64 µs; the last bucket takes the rest.
func TestSyncBucket(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 0, 63 * time.Microsecond: 0, 64 * time.Microsecond: 1,
		127 * time.Microsecond: 1, 128 * time.Microsecond: 2, 1 * time.Millisecond: 4, 20 * time.Millisecond: 9, time.Hour: SyncBuckets - 1} {
		require.Equal(t, want, SyncBucket(d), "%v", d)
	}
}
