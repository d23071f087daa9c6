package trading

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// auditDocMap is the audit document as the driver's codecs wrote it
// before the documents were encoded by hand: the reference for
// appendAuditDoc.
func auditDocMap(m Market, t *Trade) bson.M {
	return bson.M{
		"_id":        t.ID(),
		"timestamp":  t.Time,
		"userId":     t.TakerAccountText(),
		"action":     "trade",
		"entityType": "trade",
		"entityId":   t.ID(),
		"changes": bson.A{
			bson.M{"field": "buyOrder.filled", "oldValue": nil, "newValue": m.QtyText(t.Lots)},
			bson.M{"field": "sellOrder.filled", "oldValue": nil, "newValue": m.QtyText(t.Lots)},
		},
		"metadata": bson.M{
			"symbol": m.Symbol, "seq": int64(t.Seq), "price": m.PriceText(t.Ticks), "quantity": m.QtyText(t.Lots),
			"buyOrderId": int64(t.BuyOrder), "sellOrderId": int64(t.SellOrder), "takerSide": t.TakerSide,
			"buyAccount": int64(t.BuyAccount), "sellAccount": int64(t.SellAccount),
		},
	}
}

func auditTrades(m Market) []Trade {
	at := time.Now().UTC().Truncate(time.Millisecond) // stored at millisecond precision
	return []Trade{
		{Symbol: m.Symbol, Seq: 1, Ticks: 3_000_000, Lots: 100, BuyOrder: 7, SellOrder: 9, BuyAccount: 3, SellAccount: 4, TakerSide: "buy", Time: at},
		{Symbol: m.Symbol, Seq: 2, Ticks: 2_999_999, Lots: 1, BuyOrder: 1 << 40, SellOrder: 12, BuyAccount: 1 << 31, SellAccount: 5, TakerSide: "sell", Time: at.Add(time.Millisecond)},
	}
}

// TestAuditDocMatchesCodec: the hand-encoded audit document decodes to
// the same values as the driver's encoding of the same trade, and into
// AuditLog (the guide's schema).
func TestAuditDocMatchesCodec(t *testing.T) {
	m := DefaultMarkets[0]
	trades := auditTrades(m)
	docs := auditDocs(m, trades)
	require.Len(t, docs, len(trades))
	for i := range trades {
		require.NoError(t, docs[i].Validate())
		want, err := bson.Marshal(auditDocMap(m, &trades[i]))
		require.NoError(t, err)
		var got, exp AuditLog
		require.NoError(t, bson.Unmarshal(docs[i], &got))
		require.NoError(t, bson.Unmarshal(want, &exp))
		require.Equal(t, exp, got)
		l := got
		require.Equal(t, trades[i].ID(), l.ID)
		require.Equal(t, trades[i].TakerAccountText(), l.UserID)
		require.True(t, l.Timestamp.Equal(trades[i].Time))
		require.Equal(t, m.Symbol, l.Metadata["symbol"])
		require.Equal(t, int64(trades[i].SellAccount), l.Metadata["sellAccount"])
		require.Len(t, l.Changes, 2)
	}
}

// TestInsertAuditOnce: writing the same trades again (a replay after a
// crash) stores each once and is not an error; a larger batch than one
// command holds is split.
func TestInsertAuditOnce(t *testing.T) {
	ctx := context.Background()
	e := setup(t)
	model, err := NewAuditModel(ctx, e.mongo)
	require.NoError(t, err)
	m := DefaultMarkets[0]
	trades := make([]Trade, auditChunk+3)
	at := time.Now().UTC().Truncate(time.Millisecond)
	for i := range trades {
		trades[i] = Trade{Symbol: m.Symbol, Seq: uint64(i + 1), Ticks: 3_000_000, Lots: 1, BuyOrder: uint64(2*i + 1), SellOrder: uint64(2*i + 2),
			BuyAccount: 1, SellAccount: 2, TakerSide: "buy", Time: at}
	}
	require.NoError(t, insertAudit(ctx, model, auditDocs(m, trades[:10])))
	require.NoError(t, insertAudit(ctx, model, auditDocs(m, trades)))
	n, err := e.mongo.Collection(AuditCollection).CountDocuments(ctx, bson.M{"metadata.symbol": m.Symbol})
	require.NoError(t, err)
	require.EqualValues(t, len(trades), n)
	var l AuditLog
	require.NoError(t, e.mongo.Collection(AuditCollection).FindOne(ctx, bson.M{"_id": trades[len(trades)-1].ID()}).Decode(&l))
	require.Equal(t, int64(trades[len(trades)-1].Seq), l.Metadata["seq"])
}
