package trading

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/apps/trading/engine"
	"github.com/polystore/polystore/apps/trading/journal"
)

// BenchmarkFsync probes the disk under the journal: one op appends a group
// of records (journal.RecordSize bytes each) to a file in the test's
// temporary directory and fsyncs it, as one journal group commit does.
// Reports the fsync latency p50/p99/max and the CPU time per group. The
// journal's group commit makes this the floor of the acknowledgement's
// latency: an order waits for at most the fsync in progress and its own.
func BenchmarkFsync(b *testing.B) {
	for _, group := range []int{1, 64, 512} {
		b.Run("records="+strconv.Itoa(group), func(b *testing.B) {
			f, err := os.OpenFile(filepath.Join(b.TempDir(), "probe"), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			buf := make([]byte, group*journal.RecordSize)
			lat := make([]time.Duration, 0, b.N)
			cpu0 := processCPU()
			for b.Loop() {
				t0 := time.Now()
				if _, err := f.Write(buf); err != nil {
					b.Fatal(err)
				}
				if err := f.Sync(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			reportLatencies(b, "fsync", lat, processCPU()-cpu0)
		})
	}
}

// BenchmarkJournalCommit is the journal's own group commit on this disk,
// one group of records per op, with the log's file growing at each group
// and fsynced (journal.Options.Preallocate < 0: the journal before
// preallocation) and with zeros written ahead and fdatasync (the
// default); alone, and with a neighbour on the same file system that
// appends 64 KiB to a file of its own and fsyncs it in a loop (as
// PostgreSQL extending its tables does beside the journal): an fsync that
// must commit the file system's journal (the file's size changed) also
// waits for the neighbour's newly allocated data. Reports the commit
// latency p50/p99/max, the CPU time per group and the share of groups
// that needed a full fsync.
func BenchmarkJournalCommit(b *testing.B) {
	for _, neighbour := range []bool{false, true} {
		for _, mode := range []string{"grow", "prealloc"} {
			for _, group := range []int{1, 64} {
				name := fmt.Sprintf("neighbour=%v/%s/records=%d", neighbour, mode, group)
				b.Run(name, func(b *testing.B) { journalCommit(b, mode == "prealloc", group, neighbour) })
			}
		}
	}
}

func journalCommit(b *testing.B, prealloc bool, group int, neighbour bool) {
	opts := &journal.Options{Preallocate: -1}
	if prealloc {
		opts.Preallocate = 0
	}
	dir := b.TempDir()
	j, err := journal.Open(filepath.Join(dir, "j"), nil, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	if neighbour {
		var stop atomic.Bool
		done := make(chan struct{})
		defer func() { stop.Store(true); <-done }()
		f, err := os.Create(filepath.Join(dir, "neighbour"))
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			defer close(done)
			defer f.Close()
			buf := make([]byte, 64<<10)
			for !stop.Load() {
				if _, err := f.Write(buf); err != nil {
					return
				}
				_ = f.Sync()
			}
		}()
	}
	entries := make([]journal.Entry, group)
	lat := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	cpu0 := processCPU()
	for b.Loop() {
		for i := range entries {
			entries[i] = journal.Entry{Symbol: "BTC-USD", Cmd: engine.Command{Op: engine.OpPlace, OrderID: uint64(i + 1), Price: 100, Qty: 1}}
		}
		t0 := time.Now()
		if _, err := j.AppendBatch(ctx, entries); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	reportLatencies(b, "commit", lat, processCPU()-cpu0)
	st := j.Stats()
	b.ReportMetric(100*float64(st.FullSyncs)/float64(max(st.Groups, 1)), "fullsync-%")
}

// reportLatencies reports the p50, p99 and max of lat (in ms, named
// <what>-p50-ms...) and the CPU time per op.
func reportLatencies(b *testing.B, what string, lat []time.Duration, cpu time.Duration) {
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), what+"-p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), what+"-p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), what+"-max-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(lat)), "cpu-µs/group")
}

// BenchmarkJournalOverlap: appends at a constant rate (open loop, one
// goroutine per append, as the intake's orders arrive) against the
// journal with one group commit at a time (depth=1, the journal before)
// and with two overlapping (depth=2), alternately in the same
// run (rounds of each, so both see the same minutes of the disk). Each
// append's latency runs from its due time to its durable return. Reports
// p50/p99/max per append, groups/s and the mean write+sync per group.
// POLYSTORE_TRADING_OVERLAP_RATE sets the rate (default 10000/s), rounds
// of 2 s each: b.N is ignored.
func BenchmarkJournalOverlap(b *testing.B) {
	rate := 10000
	if r, err := strconv.Atoi(os.Getenv("POLYSTORE_TRADING_OVERLAP_RATE")); err == nil && r > 0 {
		rate = r
	}
	lats := map[int][]time.Duration{}
	stats := map[int]journal.Stats{}
	for round := range 6 {
		depth := 1 + round%2
		lat, st := journalOverlapRound(b, rate, depth, 2*time.Second)
		lats[depth] = append(lats[depth], lat...)
		s := stats[depth]
		s.Groups, s.Records, s.Sync = s.Groups+st.Groups, s.Records+st.Records, s.Sync+st.Sync
		stats[depth] = s
	}
	for _, depth := range []int{1, 2} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			for b.Loop() {
			}
			lat, st := lats[depth], stats[depth]
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(lat[len(lat)/2]), "append-p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "append-p99-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "append-max-ms")
			b.ReportMetric(float64(st.Records)/float64(max(st.Groups, 1)), "records/group")
			b.ReportMetric(float64(st.Sync.Microseconds())/1000/float64(max(st.Groups, 1)), "sync-ms/group")
		})
	}
}

func journalOverlapRound(b *testing.B, rate, depth int, d time.Duration) ([]time.Duration, journal.Stats) {
	j, err := journal.Open(filepath.Join(b.TempDir(), "j"), nil, &journal.Options{SyncDepth: depth})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	n := int(d.Seconds() * float64(rate))
	lat := make([]time.Duration, n)
	interval := time.Second / time.Duration(rate)
	start := time.Now().Add(5 * time.Millisecond)
	var wg sync.WaitGroup
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if w := time.Until(due); w > 0 {
			time.Sleep(w)
		}
		wg.Go(func() {
			e := journal.Entry{Symbol: "BTC-USD", Cmd: engine.Command{Op: engine.OpPlace, OrderID: uint64(i + 1), Price: 100, Qty: 1}}
			if _, err := j.Append(context.Background(), e); err != nil {
				b.Error(err)
			}
			lat[i] = time.Since(due)
		})
	}
	wg.Wait()
	return lat, j.Stats()
}
