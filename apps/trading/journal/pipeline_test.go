package journal

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// logOf returns the bytes of a log of records 1..n in groups (each group
// given by the sequence numbers of its first entries), followed by zeros
// up to size bytes.
func logOf(n int, starts []uint64, size int) []byte {
	var d []byte
	g := uint64(1)
	for s := uint64(1); s <= uint64(n); s++ {
		for _, st := range starts {
			if st == s {
				g = s
			}
		}
		d = encode(d, &Entry{Seq: s, Symbol: "S", Cmd: place(s)}, g)
	}
	return append(d, make([]byte, size-len(d))...)
}

// record returns the record of entry seq written with the group starting
// at group by a journal with two syncs at once.
func record(seq, group uint64) []byte {
	return encode(nil, &Entry{Seq: seq, Symbol: "S", Cmd: place(seq)}, group|2<<groupBits)
}

func replayBytes(t *testing.T, d []byte) ([]uint64, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "j")
	require.NoError(t, os.WriteFile(p, d, 0o644))
	return replayAll(p)
}

// With group commits overlapping, a crash can leave the last groups
// written in part and in any order: a hole (zeros, or a record torn at a
// sector boundary) followed by records of the hole's group or of one
// later group is a torn tail, cut off at the hole; records of two later
// groups, records numbered before the hole, a record damaged inside one
// sector, or a damaged record followed by data are corruption.
func TestOverlappedTornTail(t *testing.T) {
	const size = 32 * RecordSize
	// Records 1..6 durable; the hole is record 7, at byte 480, across the
	// sector boundary at 512.
	base := logOf(6, []uint64{1, 3, 5}, size)
	at := func(d []byte, i int, rec []byte) { copy(d[i*RecordSize:], rec) }
	ok := []uint64{1, 2, 3, 4, 5, 6}
	cases := []struct {
		name    string
		edit    func(d []byte)
		corrupt bool
	}{
		{"zero hole, the rest of its group after it", func(d []byte) {
			at(d, 7, record(8, 7))
			at(d, 8, record(9, 7))
		}, false},
		{"zero hole, one later group", func(d []byte) {
			at(d, 8, record(9, 9))
			at(d, 9, record(10, 9))
		}, false},
		{"zero hole, its group's rest and one later group", func(d []byte) {
			at(d, 7, record(8, 7))
			at(d, 9, record(10, 10))
		}, false},
		{"hole torn at the sector boundary (start written), then one later group", func(d []byte) {
			copy(d[6*RecordSize:512], record(7, 7))
			at(d, 8, record(9, 9))
		}, false},
		{"hole torn at the sector boundary (end written), then its group", func(d []byte) {
			r := record(7, 7)
			copy(d[512:7*RecordSize], r[512-6*RecordSize:])
			at(d, 7, record(8, 7))
		}, false},
		{"zero hole, a torn record of a later group after it", func(d []byte) {
			r := record(12, 11)
			copy(d[11*RecordSize:1024], r) // record 12 at 880..960 does not cross 1024
			copy(d[12*RecordSize:1024], r) // record at 960..1040 crosses 1024: its start written
		}, false},
		{"zero hole, a later group of a journal syncing one group at a time", func(d []byte) {
			at(d, 8, encode(nil, &Entry{Seq: 9, Symbol: "S", Cmd: place(9)}, 9|1<<groupBits))
		}, true},
		{"zero hole, two later groups", func(d []byte) {
			at(d, 8, record(9, 9))
			at(d, 10, record(11, 11))
		}, true},
		{"zero hole, then a record numbered before it", func(d []byte) {
			at(d, 8, record(3, 3))
		}, true},
		{"zero hole, then a record without its group", func(d []byte) {
			at(d, 8, record(9, 0))
		}, true},
		{"hole damaged inside one sector, then data", func(d []byte) {
			// Record 6 is at 400..480: no sector boundary inside.
			d[5*RecordSize+50] ^= 0xff
			at(d, 6, record(7, 7))
		}, true},
		{"zero hole, then a record damaged inside one sector", func(d []byte) {
			r := record(9, 9)
			r[50] ^= 0xff
			at(d, 8, r) // 640..720
		}, true},
	}
	for _, tc := range cases {
		d := append([]byte(nil), base...)
		tc.edit(d)
		seqs, err := replayBytes(t, d)
		if tc.corrupt {
			var ce *CorruptError
			require.ErrorAs(t, err, &ce, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		require.Equal(t, ok, seqs, tc.name)
	}
}

// A cut torn tail stays cut: the records after the hole do not come back
// once new records with their numbers are written over the hole.
func TestTornTailCutThenAppend(t *testing.T) {
	d := logOf(6, []uint64{1}, 32*RecordSize)
	copy(d[8*RecordSize:], record(9, 9)) // hole at 7, a later group's record
	p := filepath.Join(t.TempDir(), "j")
	require.NoError(t, os.WriteFile(p, d, 0o644))
	j, err := Open(p, nil, nil)
	require.NoError(t, err)
	fi, err := os.Stat(p)
	require.NoError(t, err)
	require.Equal(t, int64(6*RecordSize), fi.Size(), "cut at the hole")
	seq, err := j.Append(context.Background(), Entry{Symbol: "T", Cmd: place(70)})
	require.NoError(t, err)
	require.Equal(t, uint64(7), seq)
	require.NoError(t, j.Close())
	var got []Entry
	j, err = Open(p, func(e Entry) error { got = append(got, e); return nil }, nil)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	require.Len(t, got, 7)
	require.Equal(t, "T", got[6].Symbol)
}

// With overlapping syncs, concurrent appenders see their entries applied
// in order, and AtDurable's cut has everything written applied: the
// number applied equals the sequence number it gets.
func TestOverlappedSyncsAtDurable(t *testing.T) {
	for _, depth := range []int{0, 2} {
		var mu sync.Mutex
		var applied []uint64
		j, err := Open(filepath.Join(t.TempDir(), "j"), nil, &Options{SyncDepth: depth, Preallocate: 4 * RecordSize,
			SegmentEntries: 64, Apply: func(b []Entry) {
				mu.Lock()
				for _, e := range b {
					applied = append(applied, e.Seq)
				}
				mu.Unlock()
			}})
		require.NoError(t, err)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 50 {
					_, err := j.Append(context.Background(), Entry{Symbol: "S", Cmd: place(uint64(w*100 + i))})
					require.NoError(t, err)
				}
			})
		}
		cuts := 0
		for range 20 {
			require.NoError(t, j.AtDurable(func(seq uint64) error {
				mu.Lock()
				defer mu.Unlock()
				require.Len(t, applied, int(seq), "depth %d: the cut has every written entry applied", depth)
				cuts++
				return nil
			}))
		}
		wg.Wait()
		require.NoError(t, j.Close())
		require.Equal(t, 20, cuts)
		for i, s := range applied {
			require.Equal(t, uint64(i+1), s)
		}
		require.Len(t, applied, 400)
		require.Greater(t, j.Segments(), 1, "rotated while syncs overlapped")
	}
}

// FuzzReplay: whatever bytes a segment holds, Open either refuses them
// (a CorruptError) or replays entries 1..n in order, cuts the file to
// them, and goes on at n+1; reopened, the journal replays the same n
// entries and the appended one.
func FuzzReplay(f *testing.F) {
	f.Add(logOf(4, []uint64{1}, 8*RecordSize))
	f.Add(logOf(7, []uint64{1, 3, 6}, 12*RecordSize)[:7*RecordSize-13])
	d := logOf(6, []uint64{1}, 16*RecordSize)
	copy(d[8*RecordSize:], record(9, 9))
	f.Add(d)
	d = logOf(6, []uint64{1}, 16*RecordSize)
	d[RecordSize+3] ^= 1
	f.Add(d)
	f.Add([]byte{})
	f.Add(make([]byte, 3*RecordSize+5))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "j")
		require.NoError(t, os.WriteFile(p, data, 0o644))
		var seqs []uint64
		j, err := Open(p, func(e Entry) error { seqs = append(seqs, e.Seq); return nil }, &Options{NoSync: true})
		if err != nil {
			var ce *CorruptError
			require.ErrorAs(t, err, &ce)
			return
		}
		for i, s := range seqs {
			require.Equal(t, uint64(i+1), s)
		}
		n := len(seqs)
		require.Equal(t, uint64(n), j.LastSeq())
		seq, err := j.Append(context.Background(), Entry{Symbol: "Z", Cmd: place(1)})
		require.NoError(t, err)
		require.Equal(t, uint64(n+1), seq)
		require.NoError(t, j.Close())
		fi, err := os.Stat(p)
		require.NoError(t, err)
		require.Equal(t, int64(n+1)*RecordSize, fi.Size())
		again, err := replayAll(p)
		require.NoError(t, err)
		require.Len(t, again, n+1)
	})
}
