package trading

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzStreamOrderFastPath: whatever the hand-written reader of the stream
// accepts, encoding/json's strict decoding (the fallback) accepts too and
// reads the same order.
func FuzzStreamOrderFastPath(f *testing.F) {
	for _, s := range orderSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"clientOrderId":"c-17","accountId":1,"symbol":"BTC-USD","side":"buy","price":"30000.00","quantity":"0.0100"}`,
		` { "accountId" : -0 , "tif":"ioc" } `,
		`{"accountId":01}`, `{"accountId":1.0}`, `{"accountId":1e3}`, `{"accountId":99999999999999999999}`,
		`{"accountId":null}`, `{"AccountId":1}`, `{"side":"b\"uy"}`, `{"side":"é"}`, `{"side":"a","side":"b"}`,
		`{}`, `{} x`, `{"type":"limit",}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		var fast StreamOrder
		if !parseStreamOrder(msg, &fast) {
			return
		}
		var slow StreamOrder
		require.Nil(t, decodeStrict(bytes.NewReader(msg), &slow), "%q", msg)
		require.Equal(t, slow, fast, "%q", msg)
	})
}

// The benchmark's and the documentation's messages take the fast path;
// what it leaves to encoding/json still decodes (or is refused) there.
func TestStreamOrderFastPathTakesCanonicalMessages(t *testing.T) {
	b, err := json.Marshal(StreamOrder{ClientOrderID: "c-17", OrderRequest: OrderRequest{AccountID: 12, Symbol: "BTC-USD",
		Side: "buy", Type: "limit", TIF: "gtc", Price: "30000.00", Quantity: "0.0100"}})
	require.NoError(t, err)
	var so StreamOrder
	require.True(t, parseStreamOrder(b, &so))
	require.Equal(t, 12, so.AccountID)
	require.Equal(t, "0.0100", so.Quantity)
	require.True(t, parseStreamOrder([]byte(`{"clientOrderId":"c-17","accountId":1,"symbol":"BTC-USD","side":"buy","price":"30000.00","quantity":"0.0100"}`), &so))

	for _, msg := range []string{`{"accountId":null,"clientOrderId":"a"}`, `{"clientOrderId":"\u0061"}`, `{"clientOrderId":"a","clientOrderId":"b"}`} {
		require.False(t, parseStreamOrder([]byte(msg), &so), msg)
		got, e := DecodeStreamOrder([]byte(msg))
		require.Nil(t, e, msg)
		require.NotEmpty(t, got.ClientOrderID, msg)
	}
	_, e := DecodeStreamOrder([]byte(`{"clientOrderId":"a","accountId":1.5}`))
	require.NotNil(t, e)
	require.Equal(t, "bad_field", e.Code)
	require.Equal(t, "accountId", e.Field)
}

// appendAck writes exactly what encoding/json writes, escapes included.
func TestAppendAckMatchesJSON(t *testing.T) {
	acks := []StreamAck{
		{Type: StreamAckType, ClientOrderID: "c-17", IntakeSeq: 812, Status: IntakeAccepted},
		{Type: StreamPlacedType, ClientOrderID: "c-17", IntakeSeq: 812, OrderID: 123, Status: "pending"},
		{Type: StreamPlacedType, ClientOrderID: "x", OrderID: 1 << 62, Status: "pending"},
		{Type: StreamRejectedType, ClientOrderID: "c<&>\"\\", IntakeSeq: 9, Error: &StreamError{Code: "insufficient_funds", Message: "needs 5 USD"}},
		{Type: StreamRejectedType, Error: &StreamError{Code: "off_tick", Field: "price", Message: "price 1.001 is not on the tick 0.01"}},
		{Type: StreamRejectedType, ClientOrderID: "a", Error: &StreamError{Code: "bad_json", Message: "bad \n \u2028 é \xff"}},
		{Type: StreamDeferredType, ClientOrderID: strings.Repeat("z", MaxClientOrderID), IntakeSeq: 1, Status: IntakeAccepted},
	}
	for _, a := range acks {
		want, err := json.Marshal(&a)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendAck([]byte("prefix"), &a)[len("prefix"):]))
	}
}
