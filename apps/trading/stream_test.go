package trading

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// The WebSocket order stream on the real stores: many orders pipelined
// over one connection. At intake (the default) each valid order is
// acknowledged once with its intake sequence number, then placed or
// rejected exactly once; with ?ack=placed each is answered once, after it
// is reserved and journaled. Bad messages are refused with a code and
// nothing reserved; the intake's outcome is visible over HTTP by
// clientOrderId and by intake sequence number; afterwards every placed
// order reached the engine (relayed, settled) and conservation holds.
func TestOrderStream(t *testing.T) {
	t.Run("intake", func(t *testing.T) { orderStream(t, false, 0) })
	t.Run("placed", func(t *testing.T) { orderStream(t, true, 0) })
	// The bulk stages on threads of their own at nice 10: the same answers.
	t.Run("intake-bulk-niced", func(t *testing.T) { orderStream(t, false, 10) })
}

func orderStream(t *testing.T, placedAck bool, nice int) {
	e := setup(t)
	e.nice = nice
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	n := e.node(t)
	defer n.Close()
	a, err := NewAPI(e.store, n)
	require.NoError(t, err)
	var tmu sync.Mutex
	traced := map[uint64]AckTimes{}
	a.AckTrace = func(at AckTimes) {
		tmu.Lock()
		traced[at.IntakeSeq] = at
		tmu.Unlock()
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	seller, err := e.store.CreateAccount(ctx, "ws-seller", map[string]string{"BTC": "10"})
	require.NoError(t, err)
	buyer, err := e.store.CreateAccount(ctx, "ws-buyer", map[string]string{"USD": "1000000"})
	require.NoError(t, err)
	poor, err := e.store.CreateAccount(ctx, "ws-poor", map[string]string{"USD": "1"})
	require.NoError(t, err)

	url := "ws" + strings.TrimPrefix(srv.URL, "http") + PathStream
	if placedAck {
		url += "?ack=placed"
	}
	c, _, err := websocket.Dial(ctx, url, nil)
	require.NoError(t, err)
	defer c.CloseNow()

	const orders = 200
	want := map[string]string{} // clientOrderId -> "" (acknowledged) or the rejection code
	for i := range orders {
		acc, side := seller, "sell"
		if i%2 == 1 {
			acc, side = buyer, "buy"
		}
		id := fmt.Sprintf("c-%d", i)
		want[id] = ""
		msg := fmt.Sprintf(`{"clientOrderId":%q,"accountId":%d,"symbol":"BTC-USD","side":%q,"price":"20000","quantity":"0.01"}`, id, acc, side)
		require.NoError(t, c.Write(ctx, websocket.MessageText, []byte(msg)))
	}
	bad := map[string]string{
		`{"clientOrderId":"b-tick","accountId":1,"symbol":"BTC-USD","side":"buy","price":"1.001","quantity":"1"}`:                            "off_tick",
		`{"clientOrderId":"b-sym","accountId":1,"symbol":"NOPE","side":"buy","price":"1","quantity":"1"}`:                                    "unknown_symbol",
		`{"clientOrderId":"b-qty","accountId":1,"symbol":"BTC-USD","side":"buy","price":"1","quantity":"0"}`:                                 "bad_quantity",
		`{"clientOrderId":"b-field","accountId":1,"symbol":"BTC-USD","side":"buy","price":"1","quantity":"1","extra":1}`:                     "unknown_field",
		`{"clientOrderId":"b-type","accountId":"1"}`:                                                                                         "bad_field",
		fmt.Sprintf(`{"clientOrderId":"b-funds","accountId":%d,"symbol":"BTC-USD","side":"buy","price":"20000","quantity":"1"}`, poor):       "insufficient_funds",
		`{"clientOrderId":"b-huge","accountId":1,"symbol":"BTC-USD","side":"buy","price":"1","quantity":"99999999999999999999999999999999"}`: "bad_quantity",
	}
	if !placedAck {
		bad[`{"clientOrderId":"b-acct","accountId":987654321,"symbol":"BTC-USD","side":"buy","price":"1","quantity":"1"}`] = "unknown_account"
	}
	for msg, code := range bad {
		var so struct {
			ClientOrderID string `json:"clientOrderId"`
		}
		require.NoError(t, json.Unmarshal([]byte(msg), &so))
		want[so.ClientOrderID] = code
		require.NoError(t, c.Write(ctx, websocket.MessageText, []byte(msg)))
	}
	// Not orders at all: answered without a clientOrderId (none could be read).
	anonymous := map[string]int{}
	require.NoError(t, c.Write(ctx, websocket.MessageText, []byte(`{"accountId":1`)))
	anonymous["bad_json"]++
	require.NoError(t, c.Write(ctx, websocket.MessageBinary, []byte(`{}`)))
	anonymous["bad_json"]++
	require.NoError(t, c.Write(ctx, websocket.MessageText, []byte(`{"accountId":1,"symbol":"BTC-USD","side":"buy","price":"1","quantity":"1"}`)))
	anonymous["bad_client_order_id"]++

	got := map[string]string{}
	gotAnon := map[string]int{}
	acked := map[string]uint64{} // clientOrderId -> intake seq
	var ids []int64
	for len(got)+gotAnon["bad_json"]+gotAnon["bad_client_order_id"] < len(want)+3 {
		_, b, err := c.Read(ctx)
		require.NoError(t, err)
		var ack StreamAck
		require.NoError(t, json.Unmarshal(b, &ack), "%s", b)
		if ack.ClientOrderID == "" {
			require.NotNil(t, ack.Error, "%s", b)
			require.Equal(t, StreamRejectedType, ack.Type)
			gotAnon[ack.Error.Code]++
			continue
		}
		_, dup := got[ack.ClientOrderID]
		require.False(t, dup, "answered after its outcome: %s", b)
		if ack.Type == StreamAckType {
			require.False(t, placedAck, "no intake ack on ?ack=placed: %s", b)
			_, twice := acked[ack.ClientOrderID]
			require.False(t, twice, "acknowledged twice: %s", b)
			require.Positive(t, ack.IntakeSeq, "%s", b)
			require.Equal(t, IntakeAccepted, ack.Status)
			acked[ack.ClientOrderID] = ack.IntakeSeq
			continue
		}
		seq, wasAcked := acked[ack.ClientOrderID]
		require.Equal(t, seq, ack.IntakeSeq, "an outcome names the intake its ack gave: %s", b)
		if ack.Error != nil {
			require.Equal(t, StreamRejectedType, ack.Type)
			require.NotEmpty(t, ack.Error.Message)
			// Only a refusal of the reservation comes after an ack.
			require.Equal(t, !placedAck && ack.Error.Code == "insufficient_funds", wasAcked, "%s", b)
			got[ack.ClientOrderID] = ack.Error.Code
			continue
		}
		require.Equal(t, StreamPlacedType, ack.Type, "%s", b)
		require.Equal(t, !placedAck, wasAcked, "%s", b)
		require.Positive(t, ack.OrderID, "%s", b)
		require.Equal(t, "pending", ack.Status)
		got[ack.ClientOrderID] = ""
		ids = append(ids, ack.OrderID)
	}
	require.Equal(t, want, got)
	require.Equal(t, anonymous, gotAnon)
	require.NoError(t, c.Close(websocket.StatusNormalClosure, ""))
	// Each intake ack was traced once, its stages in order; nothing else was.
	require.Eventually(t, func() bool { tmu.Lock(); defer tmu.Unlock(); return len(traced) >= len(acked) }, 10*time.Second, 10*time.Millisecond)
	tmu.Lock()
	require.Len(t, traced, len(acked))
	for id, seq := range acked {
		at, ok := traced[seq]
		require.True(t, ok, "ack of %s not traced", id)
		require.False(t, at.Read.IsZero(), "%s", id)
		require.False(t, at.Durable.Before(at.Read), "%s durable before read", id)
		require.False(t, at.Written.Before(at.Durable), "%s written before durable", id)
	}
	tmu.Unlock()

	// Every acknowledged order reached the book and was settled: 100
	// crossing pairs at one price make 100 trades.
	waitSettled(t, e, n)
	noViolations(t, e)
	var filled int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM orders WHERE id = ANY($1) AND status = 'FILLED'`, ids).Scan(&filled))
	require.Equal(t, orders, filled)
	avail, reserved := balance(t, e, poor, "USD")
	require.Equal(t, []string{"1", "0"}, []string{avail, reserved}, "a refused order reserves nothing")
	if placedAck {
		return
	}
	// The outcomes over HTTP: by clientOrderId and by intake seq.
	var v IntakeView
	getJSON(t, srv.URL+fmt.Sprintf("%s?accountId=%d&clientOrderId=b-funds", PathOrders, poor), http.StatusOK, &v)
	require.Equal(t, IntakeRejected, v.Status)
	require.Equal(t, "insufficient_funds", v.Error.Code)
	require.Equal(t, acked["b-funds"], v.Seq)
	getJSON(t, srv.URL+fmt.Sprintf("%s/%d", PathIntake, acked["c-1"]), http.StatusOK, &v)
	require.Equal(t, IntakePlaced, v.Status)
	require.Equal(t, "c-1", v.ClientOrderID)
	require.Equal(t, buyer, v.AccountID)
	require.Contains(t, ids, v.OrderID)
	getJSON(t, srv.URL+PathIntake+"/999999999", http.StatusNotFound, &v)
	require.Zero(t, n.IntakePending())
}

func getJSON(t *testing.T, url string, status int, v any) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, status, res.StatusCode)
	require.NoError(t, json.NewDecoder(res.Body).Decode(v))
}

// FuzzStreamDecoder feeds arbitrary messages to the stream's decoder: it
// never panics; an accepted message is a JSON object with a valid
// clientOrderId that decodes to itself again; a refused one has a code and
// a message, and echoes only a valid clientOrderId or none.
func FuzzStreamDecoder(f *testing.F) {
	for _, s := range orderSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"clientOrderId":"x","accountId":1,"symbol":"BTC-USD","side":"buy","price":"1","quantity":"1"}`))
	f.Add([]byte(`{"clientOrderId":"\u0001","accountId":1}`))
	f.Add([]byte(`{"clientOrderId":"` + strings.Repeat("a", 65) + `"}`))
	f.Add([]byte(`{"clientOrderId":"ok","bogus":true}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		so, err := DecodeStreamOrder(msg)
		if so.ClientOrderID != "" {
			require.True(t, validClientID(so.ClientOrderID), "%q", so.ClientOrderID)
		}
		if err != nil {
			require.NotEmpty(t, err.Code)
			require.NotEmpty(t, err.Message)
			return
		}
		require.True(t, json.Valid(msg), "%q", msg)
		b, merr := json.Marshal(so)
		require.NoError(t, merr)
		again, err2 := DecodeStreamOrder(b)
		require.Nil(t, err2)
		require.Equal(t, so, again)
	})
}

// A wrong type is refused naming the field as the client wrote it, not the
// Go path of the embedded OrderRequest ("OrderRequest.accountId").
func TestDecodeStreamOrderNamesTheJSONField(t *testing.T) {
	for msg, field := range map[string]string{
		`{"clientOrderId":"a","accountId":"1"}`:               "accountId",
		`{"clientOrderId":"a","accountId":1,"price":20000}`:   "price",
		`{"clientOrderId":"a","accountId":1,"quantity":true}`: "quantity",
		`{"clientOrderId":7}`:                                 "clientOrderId",
	} {
		_, err := DecodeStreamOrder([]byte(msg))
		require.NotNil(t, err, msg)
		require.Equal(t, "bad_field", err.Code, msg)
		require.Equal(t, field, err.Field, msg)
		require.True(t, strings.HasPrefix(err.Message, field+" must be"), err.Message)
	}
}
