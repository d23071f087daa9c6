package trading

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

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
			cpu := processCPU() - cpu0
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(lat[len(lat)/2]), "fsync-p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "fsync-p99-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "fsync-max-ms")
			b.ReportMetric(float64(cpu.Microseconds())/float64(len(lat)), "cpu-µs/group")
		})
	}
}
