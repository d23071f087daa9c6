package trading

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/embedded"
)

// processCPU is the CPU time (user + system) of the whole process so far.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	require.NoError(tb, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAuditInsert: 20,000 trades' audit log documents (b.N times)
// inserted with insertAudit (commands of auditChunk documents) into an
// embedded FerretDB of its own; reports the process's CPU time per
// document, which is nearly all FerretDB's (it runs in the process).
func BenchmarkAuditInsert(b *testing.B) {
	ctx := context.Background()
	srv, err := embedded.Start(ctx, embedded.Config{Dir: b.TempDir()})
	require.NoError(b, err)
	defer func() { _ = srv.Close(ctx) }()
	c, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	require.NoError(b, err)
	defer func() { _ = c.Disconnect(ctx) }()
	model, err := NewAuditModel(ctx, c.Database("audit_bench"))
	require.NoError(b, err)
	m := DefaultMarkets[0]
	const n = 20_000
	trades := make([]Trade, n)
	at := time.Now().UTC()
	for i := range trades {
		trades[i] = Trade{Symbol: m.Symbol, Seq: uint64(i + 1), Ticks: 3_000_000, Lots: 100, BuyOrder: uint64(2*i + 1), SellOrder: uint64(2*i + 2), BuyAccount: 3, SellAccount: 4, TakerSide: "buy", Time: at}
	}
	b.ResetTimer()
	var cpu time.Duration
	docs := 0
	for round := 0; round < b.N; round++ {
		for i := range trades {
			trades[i].Seq = uint64(round*n + i + 1)
		}
		d := auditDocs(m, trades)
		c0 := processCPU(b)
		require.NoError(b, insertAudit(ctx, model, d))
		cpu += processCPU(b) - c0
		docs += n
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(docs), "cpu-µs/doc")
}
