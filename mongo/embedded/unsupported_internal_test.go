package embedded

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestHasDecimalAgreesWithFindDecimal: the allocation-free scan finds a
// Decimal128 exactly where findDecimal does, at any depth, and copes
// with truncated and malformed documents.
func TestHasDecimalAgreesWithFindDecimal(t *testing.T) {
	dec, err := bson.ParseDecimal128("1.5")
	require.NoError(t, err)
	docs := []any{
		bson.D{},
		bson.D{{Key: "a", Value: 1}, {Key: "b", Value: "x"}},
		bson.D{{Key: "a", Value: dec}},
		bson.D{{Key: "a", Value: 1}, {Key: "n", Value: bson.D{{Key: "m", Value: bson.A{1, "two", bson.D{{Key: "d", Value: dec}}}}}}},
		bson.D{{Key: "n", Value: bson.D{{Key: "m", Value: bson.A{1, "two", bson.D{{Key: "d", Value: 2.5}}}}}}},
		bson.D{{Key: "arr", Value: bson.A{dec}}},
		bson.D{{Key: "bin", Value: bson.Binary{Data: []byte{0x13, 0, 0}}}, {Key: "s", Value: "\x13"}},
	}
	for i, d := range docs {
		raw, err := bson.Marshal(d)
		require.NoError(t, err)
		path, found := findDecimal(raw, "")
		require.Equal(t, found, hasDecimal(raw), "doc %d (%s)", i, path)
		require.Zero(t, testing.AllocsPerRun(10, func() { hasDecimal(raw) }), "doc %d allocates", i)
		for n := range len(raw) {
			_ = hasDecimal(raw[:n]) // truncated: no panic
		}
	}
	require.False(t, hasDecimal(nil))
	require.False(t, hasDecimal([]byte{5, 0, 0, 0}))
	require.False(t, hasDecimal([]byte{0xff, 0xff, 0xff, 0x7f, 0}))
}

// BenchmarkUnsupported: the gate's Decimal128 check of an insert command
// of 100 documents of the trading audit log's shape (what every audit
// insert pays on its way to FerretDB).
func BenchmarkUnsupported(b *testing.B) {
	docs := make(bson.A, 100)
	for i := range docs {
		docs[i] = bson.D{{Key: "_id", Value: "BTC-USD:1"}, {Key: "userId", Value: "3"}, {Key: "action", Value: "trade"},
			{Key: "changes", Value: bson.A{bson.D{{Key: "field", Value: "buyOrder.filled"}, {Key: "oldValue", Value: nil}, {Key: "newValue", Value: "0.01"}}}},
			{Key: "metadata", Value: bson.D{{Key: "symbol", Value: "BTC-USD"}, {Key: "seq", Value: int64(i)}, {Key: "price", Value: "30000.00"}}}}
	}
	body, err := bson.Marshal(bson.D{{Key: "insert", Value: "audit_logs"}, {Key: "documents", Value: docs}, {Key: "ordered", Value: false}, {Key: "$db", Value: "x"}})
	require.NoError(b, err)
	msg := make([]byte, headerLen+5, headerLen+5+len(body))
	binary.LittleEndian.PutUint32(msg[0:4], uint32(cap(msg)))
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)
	msg = append(msg, body...)
	b.ReportAllocs()
	for b.Loop() {
		if unsupported(msg) != "" {
			b.Fatal("refused")
		}
	}
}
