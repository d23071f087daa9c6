package trading

import (
	"slices"

	"github.com/polystore/polystore/apps/trading/journal"
	"sync"
	"testing"
	"time"

	"github.com/polystore/polystore/apps/trading"
)

// clientAck is what the load generator saw of one intake ack (Unix ns):
// when the order was due, when its message was written, when the ack
// arrived.
type clientAck struct {
	seq              uint64
	due, wrote, recv int64
}

// ackTracer collects the server's side of each intake ack
// (trading.API.AckTrace) by intake sequence number.
type ackTracer struct {
	mu  sync.Mutex
	byS map[uint64]trading.AckTimes
}

func newAckTracer() *ackTracer { return &ackTracer{byS: map[uint64]trading.AckTimes{}} }

func (t *ackTracer) trace(at trading.AckTimes) {
	t.mu.Lock()
	t.byS[at.IntakeSeq] = at
	t.mu.Unlock()
}

// The stages of an intake ack, joined by intake sequence number from the
// client's and the server's clocks (one machine, one wall clock):
// client-send (due → written by the client), in (written → read by the
// server: the kernel, and the server's scheduling of the connection's
// reader), commit (read → its journal group durable), out (durable → the
// ack written by the connection's writer), delivery (written → read by the
// client).
var ackStageNames = []string{"client-send", "in", "commit", "out", "delivery"}

// ackStages returns each joined ack's stages in ns, in ackStageNames order,
// and its total (due → arrived).
func ackStages(client []clientAck, server map[uint64]trading.AckTimes) (stages [][5]int64, totals []int64) {
	for _, c := range client {
		s, ok := server[c.seq]
		if !ok || c.wrote == 0 {
			continue
		}
		r, d, w := s.Read.UnixNano(), s.Durable.UnixNano(), s.Written.UnixNano()
		stages = append(stages, [5]int64{c.wrote - c.due, r - c.wrote, d - r, w - d, c.recv - w})
		totals = append(totals, c.recv-c.due)
	}
	return stages, totals
}

// reportAckStages reports each stage's p50 and p99 (ack-<stage>-p50-ms,
// -p99-ms) and, over the acks at or above the total's p99, the mean of each
// stage (tail-<stage>-ms): where the slowest acks spent their time.
func reportAckStages(b *testing.B, client []clientAck, server map[uint64]trading.AckTimes) {
	stages, totals := ackStages(client, server)
	if len(stages) == 0 {
		return
	}
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	sorted := slices.Clone(totals)
	slices.Sort(sorted)
	cut := sorted[len(sorted)*99/100]
	var tail [5]int64
	var nTail int64
	for i, tot := range totals {
		if tot >= cut {
			for k := range tail {
				tail[k] += stages[i][k]
			}
			nTail++
		}
	}
	col := make([]int64, len(stages))
	for k, name := range ackStageNames {
		for i := range stages {
			col[i] = stages[i][k]
		}
		slices.Sort(col)
		b.ReportMetric(ms(col[len(col)/2]), "ack-"+name+"-p50-ms")
		b.ReportMetric(ms(col[len(col)*99/100]), "ack-"+name+"-p99-ms")
		b.ReportMetric(ms(tail[k]/nTail), "tail-"+name+"-ms")
	}
	b.ReportMetric(100*float64(len(stages))/float64(len(client)), "ack-joined-%")
}

// The stages of a joined ack add up to its total, a slow stage shows in
// its own column, and an ack the server did not trace is left out.
func TestAckStages(t *testing.T) {
	t0 := time.Now()
	at := func(ms float64) time.Time { return t0.Add(time.Duration(ms * 1e6)) }
	server := map[uint64]trading.AckTimes{}
	var client []clientAck
	for i := range 200 {
		slow := float64(0)
		if i == 150 {
			slow = 40 // the one slow ack: its commit took 40 ms more
		}
		due := float64(i)
		seq := uint64(1 + 2*i)
		client = append(client, clientAck{seq: seq, due: at(due).UnixNano(), wrote: at(due + 0.1).UnixNano(), recv: at(due + 2 + slow).UnixNano()})
		server[seq] = trading.AckTimes{IntakeSeq: seq, Read: at(due + 0.3), Durable: at(due + 1.3 + slow), Written: at(due + 1.5 + slow)}
	}
	client = append(client, clientAck{seq: 9999, due: 1, wrote: 2, recv: 3}) // not traced: left out
	stages, totals := ackStages(client, server)
	if len(stages) != 200 {
		t.Fatalf("joined %d of 201", len(stages))
	}
	for i, s := range stages {
		if s[0]+s[1]+s[2]+s[3]+s[4] != totals[i] {
			t.Fatalf("ack %d: stages %v do not add up to %d", i, s, totals[i])
		}
	}
	if got := stages[150][2]; got != int64(41*time.Millisecond) {
		t.Fatalf("the slow ack's commit %v", time.Duration(got))
	}
}

// syncQuantile is the upper bound (ms) of the journal.Stats.SyncHist
// bucket that holds the q quantile of the groups synced between two
// readings.
func syncQuantile(h0, h1 [journal.SyncBuckets]uint64, q float64) float64 {
	var total uint64
	for k := range h1 {
		total += h1[k] - h0[k]
	}
	var seen uint64
	for k := range h1 {
		seen += h1[k] - h0[k]
		if total > 0 && float64(seen) >= q*float64(total) {
			return float64((64*time.Microsecond)<<k) / 1e6
		}
	}
	return 0
}
