package trading

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// StreamWindow bounds the orders of one WebSocket connection read but not
// yet acknowledged (at intake: not yet journaled; with ?ack=placed: not
// yet placed): the reader stops taking messages beyond it until an
// acknowledgement goes out (back-pressure through TCP).
const StreamWindow = 4096

// StreamPending bounds the orders of one connection acknowledged at intake
// whose reservation has not been answered yet. Beyond it the reader waits
// for outcomes: under sustained overload the acknowledgements slow to the
// pace of the reservations rather than the backlog growing without end.
const StreamPending = 1 << 16

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

// StreamAck is a message the stream sends about one StreamOrder. Type
// says which:
//
//   - "ack": the order is valid and durable in the intake journal;
//     IntakeSeq numbers it, Status is "accepted". Its funds are not
//     reserved yet.
//
//   - "placed": the reservation committed: OrderID, Status "pending" (on
//     its way to the engine, exactly what 201 means for POST /orders).
//
//   - "rejected": Error (code, field, message as the HTTP API's error
//     body). Without IntakeSeq, the message was refused at once (bad input,
//     unknown account) and never journaled; with it, the reservation
//     refused it later (insufficient funds). Nothing is reserved either way.
//
//   - "deferred": the server is shutting down before the reservation
//     ran; the order stays journaled and is placed when it restarts (look
//     it up with GET /intake/{seq}).
//
// An order gets an "ack" then exactly one "placed", "rejected" or
// "deferred", or only
// a "rejected" without IntakeSeq. On a stream opened with ?ack=placed
// there is no "ack": each order gets one "placed" or "rejected" once
// reserved and journaled (the synchronous path of POST /orders). A
// message that is not an order at all (bad JSON) is rejected with the
// clientOrderId that could be read, if any.
type StreamAck struct {
	Type          string       `json:"type"`
	ClientOrderID string       `json:"clientOrderId"`
	IntakeSeq     uint64       `json:"intakeSeq,omitempty"`
	OrderID       int64        `json:"orderId,omitempty"`
	Status        string       `json:"status,omitempty"`
	Error         *StreamError `json:"error,omitempty"`

	freeWindow bool // the answer that ends the order's window slot (ack, or a refusal)
	final      bool // the order's last message: ends its pending slot

	read, durable time.Time // with API.AckTrace: when the order was read, when its ack was due
}

// AckTimes are the stages of one order's intake acknowledgement on the
// WebSocket stream (API.AckTrace), as wall-clock times: the server read
// the order's message, its intake journal group became durable (the ack
// was queued for the connection), the ack was written to the connection.
// A client that records when it sent the order and when the ack arrived
// (by IntakeSeq) has the whole path: its own sending, the way in (the
// kernel and the server's scheduling of the reader), the group commit,
// the way out (the connection's writer) and the delivery.
type AckTimes struct {
	IntakeSeq              uint64
	Read, Durable, Written time.Time
}

// The types of StreamAck.
const (
	StreamAckType      = "ack"
	StreamPlacedType   = "placed"
	StreamRejectedType = "rejected"
	StreamDeferredType = "deferred" // the server closed before reserving: placed when it restarts
)

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
	if !parseStreamOrder(msg, &so) {
		so = StreamOrder{}
		if e := decodeStrict(bytes.NewReader(msg), &so); e != nil {
			if !validClientID(so.ClientOrderID) {
				so.ClientOrderID = ""
			}
			return so, &StreamError{Code: e.code, Field: e.field, Message: e.msg}
		}
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
// a StreamOrder. By default an order is validated at once (rejected with
// its reason if bad), appended to the intake journal and acknowledged
// ("ack", with its intake sequence number) as soon as it is durable there;
// the node's placer reserves its funds afterwards (batched with the orders
// in flight from every connection) and the outcome follows as "placed" or
// "rejected" (Node.Intake). With ?ack=placed each order is answered only
// once reserved and journaled. Up to StreamWindow orders per connection
// wait for their acknowledgement, and up to StreamPending for their
// outcome. A message over 16 KiB closes the
// connection (status 1009); a binary message is refused like bad JSON.
// The server answers every order it read before the connection ends:
// a client should close after its last answer; an order it sent before
// closing is still placed.
func (a *API) stream(w http.ResponseWriter, r *http.Request) {
	placedAck := r.URL.Query().Get("ack") == "placed"
	hw := &heldWriter{ResponseWriter: w}
	c, err := websocket.Accept(hw, r, nil)
	if err != nil {
		return // Accept has answered
	}
	defer c.CloseNow()
	c.SetReadLimit(maxBody)
	ctx := r.Context()

	// Answers queue without bound (producers never wait, the placer's
	// callbacks least of all); the two slots of each order read bound them.
	q := &ackQueue{kick: make(chan struct{}, 1)}
	window := make(chan struct{}, StreamWindow)
	pending := make(chan struct{}, StreamPending)
	var inflight sync.WaitGroup
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		ok := true
		var buf []byte
		for batch := range q.batches() {
			// The batch's messages leave in one write to the socket, not
			// one each: one system call, and one wake-up of the client.
			hw.hold()
			for i := range batch {
				ack := &batch[i]
				if ok {
					buf = appendAck(buf[:0], ack)
					ok = c.Write(ctx, websocket.MessageText, buf) == nil
				}
				// When the client is gone, keep going so that the slots free.
				if ack.freeWindow {
					<-window
				}
				if ack.final {
					<-pending
					inflight.Done()
				}
			}
			if err := hw.release(); err != nil {
				ok = false
			}
			if trace := a.AckTrace; trace != nil && ok {
				written := time.Now()
				for i := range batch {
					if ack := &batch[i]; ack.Type == StreamAckType {
						trace(AckTimes{IntakeSeq: ack.IntakeSeq, Read: ack.read, Durable: ack.durable, Written: written})
					}
				}
			}
		}
	}()
	refuse := func(client string, e *StreamError) {
		q.push(StreamAck{Type: StreamRejectedType, ClientOrderID: client, Error: e, freeWindow: true, final: true})
	}
	for {
		typ, msg, err := c.Read(ctx)
		if err != nil {
			break
		}
		var read time.Time
		if a.AckTrace != nil {
			read = time.Now()
		}
		window <- struct{}{}
		pending <- struct{}{}
		inflight.Add(1)
		if typ != websocket.MessageText {
			refuse("", &StreamError{Code: "bad_json", Message: "a message must be a JSON text message"})
			continue
		}
		so, bad := DecodeStreamOrder(msg)
		if bad != nil {
			refuse(so.ClientOrderID, bad)
			continue
		}
		if placedAck {
			go func() { q.push(a.placeStreamed(ctx, &so)) }()
			continue
		}
		a.intakeStreamed(ctx, &so, q, read)
	}
	inflight.Wait()
	q.close()
	<-wrote
	c.Close(websocket.StatusNormalClosure, "")
}

// ackQueue is a connection's answers on their way to its writer. Intake
// acks go ahead of the other answers queued with them (a burst of
// outcomes from a committed batch does not delay them); an order's
// outcome is queued only after its ack, so it still comes after it.
type ackQueue struct {
	mu     sync.Mutex
	acks   []StreamAck
	q      []StreamAck
	closed bool
	kick   chan struct{}
}

func (q *ackQueue) push(a StreamAck) {
	q.mu.Lock()
	if a.Type == StreamAckType {
		q.acks = append(q.acks, a)
	} else {
		q.q = append(q.q, a)
	}
	q.mu.Unlock()
	poke(q.kick)
}

func (q *ackQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	poke(q.kick)
}

// batches yields what queued since the last batch, in order, until the
// queue is closed and empty.
func (q *ackQueue) batches() func(yield func([]StreamAck) bool) {
	return func(yield func([]StreamAck) bool) {
		for {
			<-q.kick
			for {
				q.mu.Lock()
				batch, closed := append(q.acks, q.q...), q.closed
				q.acks, q.q = nil, nil
				q.mu.Unlock()
				if len(batch) == 0 {
					if closed {
						return
					}
					break
				}
				if !yield(batch) {
					return
				}
			}
		}
	}
}

// intakeStreamed takes one order in (Node.intakeAsync: without waiting for
// the journal, so the reader goes on with the next message) and sends its
// answers.
// read is when the order's message was read (zero without API.AckTrace).
func (a *API) intakeStreamed(ctx context.Context, so *StreamOrder, q *ackQueue, read time.Time) {
	id := so.ClientOrderID
	refused := func(err error) {
		e := answerOf(a.Logger, err)
		q.push(StreamAck{Type: StreamRejectedType, ClientOrderID: id, Error: &StreamError{Code: e.code, Field: e.field, Message: e.msg}, freeWindow: true, final: true})
	}
	err := a.node.intakeAsync(ctx, id, &so.OrderRequest, func(seq uint64, err error) {
		if err != nil {
			refused(err)
			return
		}
		ack := StreamAck{Type: StreamAckType, ClientOrderID: id, IntakeSeq: seq, Status: IntakeAccepted, freeWindow: true}
		if !read.IsZero() {
			ack.read, ack.durable = read, time.Now()
		}
		q.push(ack)
	}, func(o IntakeOutcome) {
		if o.Deferred {
			q.push(StreamAck{Type: StreamDeferredType, ClientOrderID: id, IntakeSeq: o.Seq, Status: IntakeAccepted, final: true})
			return
		}
		if o.Err != nil {
			q.push(StreamAck{Type: StreamRejectedType, ClientOrderID: id, IntakeSeq: o.Seq, final: true,
				Error: &StreamError{Code: o.Err.Code, Field: o.Err.Field, Message: o.Err.Reason}})
			return
		}
		q.push(StreamAck{Type: StreamPlacedType, ClientOrderID: id, IntakeSeq: o.Seq, OrderID: o.OrderID, Status: "pending", final: true})
	})
	if err != nil {
		refused(err)
	}
}

func (a *API) placeStreamed(ctx context.Context, so *StreamOrder) StreamAck {
	p, err := a.node.Place(ctx, &so.OrderRequest)
	if err != nil {
		e := answerOf(a.Logger, err)
		return StreamAck{Type: StreamRejectedType, ClientOrderID: so.ClientOrderID, Error: &StreamError{Code: e.code, Field: e.field, Message: e.msg}, freeWindow: true, final: true}
	}
	return StreamAck{Type: StreamPlacedType, ClientOrderID: so.ClientOrderID, OrderID: p.Order.ID, Status: "pending", freeWindow: true, final: true}
}

// heldWriter is the stream's http.ResponseWriter: the connection it
// hijacks for the WebSocket holds back what is written to it between
// hold and release (the frames of a batch of answers, each flushed by the
// WebSocket library as it is written) and sends it in one write. Without
// a hold, writes go straight through (the handshake, pongs, the close).
type heldWriter struct {
	http.ResponseWriter
	conn *heldConn
}

func (h *heldWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("trading: the response writer cannot be hijacked")
	}
	c, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		c.Close()
		return nil, nil, err
	}
	h.conn = &heldConn{Conn: c}
	return h.conn, bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(h.conn, 4096)), nil
}

func (h *heldWriter) hold() {
	if h.conn != nil {
		h.conn.mu.Lock()
		h.conn.held = true
		h.conn.mu.Unlock()
	}
}

// release sends what was held back and ends the hold.
func (h *heldWriter) release() error {
	if h.conn == nil {
		return nil
	}
	c := h.conn
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held = false
	return c.flushLocked()
}

// heldConn is a connection whose writes are gathered while held.
type heldConn struct {
	net.Conn
	mu   sync.Mutex
	held bool
	buf  []byte
	err  error
}

// heldMax is the most bytes held back before they are sent anyway.
const heldMax = 256 << 10

func (c *heldConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if !c.held {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
		return c.Conn.Write(p)
	}
	c.buf = append(c.buf, p...)
	if len(c.buf) >= heldMax {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (c *heldConn) flushLocked() error {
	if c.err != nil || len(c.buf) == 0 {
		return c.err
	}
	_, err := c.Conn.Write(c.buf)
	c.buf = c.buf[:0]
	c.err = err
	return err
}
