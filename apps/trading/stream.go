package trading

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/coder/websocket"
)

// StreamWindow bounds the orders of one WebSocket connection that are
// being placed at once: the reader stops taking messages beyond it until
// an acknowledgement goes out (back-pressure through TCP).
const StreamWindow = 4096

// MaxClientOrderID is the longest clientOrderId (bytes) the stream takes.
const MaxClientOrderID = 64

// StreamOrder is one message of the WebSocket order stream: an order, as
// POST /orders takes it, and the client's id for it, echoed in the
// acknowledgement. Orders are pipelined: a client sends without waiting,
// and acknowledgements come back as each order is placed, in any order.
type StreamOrder struct {
	ClientOrderID string `json:"clientOrderId"`
	OrderRequest
}

// StreamAck answers one StreamOrder: OrderID and Status "pending" once the
// order is reserved in PostgreSQL and durable in the journal (what 201
// means for POST /orders), or Error with the same code, field and message
// as the HTTP API's error body. A message that is not an order at all
// (bad JSON) is answered with the clientOrderId that could be read, if any.
type StreamAck struct {
	ClientOrderID string       `json:"clientOrderId"`
	OrderID       int64        `json:"orderId,omitempty"`
	Status        string       `json:"status,omitempty"`
	Error         *StreamError `json:"error,omitempty"`
}

// StreamError is a refused order of the stream.
type StreamError struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// DecodeStreamOrder reads one stream message strictly, as POST /orders
// reads a body (unknown fields, wrong types and trailing data refused,
// naming the field), and checks the clientOrderId: 1 to MaxClientOrderID
// printable ASCII characters. The order itself is validated when it is
// placed. On error the StreamOrder holds what could be read.
func DecodeStreamOrder(msg []byte) (StreamOrder, *StreamError) {
	var so StreamOrder
	if len(msg) > maxBody {
		return so, &StreamError{Code: "body_too_large", Message: "the message exceeds " + strconv.Itoa(maxBody) + " bytes"}
	}
	if e := decodeStrict(bytes.NewReader(msg), &so); e != nil {
		if !validClientID(so.ClientOrderID) {
			so.ClientOrderID = ""
		}
		return so, &StreamError{Code: e.code, Field: e.field, Message: e.msg}
	}
	if !validClientID(so.ClientOrderID) {
		so.ClientOrderID = ""
		return so, &StreamError{Code: "bad_client_order_id", Field: "clientOrderId",
			Message: "clientOrderId must be 1 to " + strconv.Itoa(MaxClientOrderID) + " printable ASCII characters"}
	}
	return so, nil
}

func validClientID(s string) bool {
	if s == "" || len(s) > MaxClientOrderID {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// stream serves GET /ws: the WebSocket order stream. Each text message is
// a StreamOrder; each is placed on its own (the node's placer batches the
// orders in flight from every connection into one transaction and one
// journal fsync) and answered with a StreamAck as soon as it is placed,
// up to StreamWindow orders in flight per connection. A message over 16
// KiB closes the connection (status 1009); a binary message is refused
// like bad JSON. A client should close after its last acknowledgement: an
// order in flight when the connection goes is still placed, unacknowledged.
func (a *API) stream(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has answered
	}
	defer c.CloseNow()
	c.SetReadLimit(maxBody)
	ctx := r.Context()

	out := make(chan StreamAck, StreamWindow)
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		ok := true
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		for ack := range out {
			if !ok {
				continue // the client is gone: drain so that no sender blocks
			}
			buf.Reset()
			_ = enc.Encode(&ack)
			ok = c.Write(ctx, websocket.MessageText, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})) == nil
		}
	}()
	sem := make(chan struct{}, StreamWindow)
	var wg sync.WaitGroup
	for {
		typ, msg, err := c.Read(ctx)
		if err != nil {
			break
		}
		if typ != websocket.MessageText {
			out <- StreamAck{Error: &StreamError{Code: "bad_json", Message: "a message must be a JSON text message"}}
			continue
		}
		so, bad := DecodeStreamOrder(msg)
		if bad != nil {
			out <- StreamAck{ClientOrderID: so.ClientOrderID, Error: bad}
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out <- a.placeStreamed(ctx, &so)
			<-sem
		}()
	}
	wg.Wait()
	close(out)
	<-wrote
	c.Close(websocket.StatusNormalClosure, "")
}

func (a *API) placeStreamed(ctx context.Context, so *StreamOrder) StreamAck {
	p, err := a.node.Place(ctx, &so.OrderRequest)
	if err != nil {
		e := answerOf(a.Logger, err)
		return StreamAck{ClientOrderID: so.ClientOrderID, Error: &StreamError{Code: e.code, Field: e.field, Message: e.msg}}
	}
	return StreamAck{ClientOrderID: so.ClientOrderID, OrderID: p.Order.ID, Status: "pending"}
}
