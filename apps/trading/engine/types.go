package engine

import (
	"errors"
	"fmt"
)

// Side is the side of an order.
type Side uint8

// The two sides.
const (
	Buy Side = iota + 1
	Sell
)

func (s Side) String() string {
	switch s {
	case Buy:
		return "buy"
	case Sell:
		return "sell"
	}
	return fmt.Sprintf("side(%d)", uint8(s))
}

// Opposite returns the other side.
func (s Side) Opposite() Side {
	if s == Buy {
		return Sell
	}
	return Buy
}

// Type is the kind of order.
type Type uint8

// Order types. A market order never rests; its Price, when not zero, is
// a protection limit (the worst price it accepts).
const (
	Limit Type = iota + 1
	Market
)

func (t Type) String() string {
	switch t {
	case Limit:
		return "limit"
	case Market:
		return "market"
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// TIF (time in force) says what happens to the part of an order that does
// not fill on arrival.
type TIF uint8

// Time in force values.
const (
	GTC TIF = iota + 1 // rest on the book until filled or cancelled
	IOC                // fill what is possible now, cancel the rest
	FOK                // fill completely now or not at all
)

func (t TIF) String() string {
	switch t {
	case GTC:
		return "gtc"
	case IOC:
		return "ioc"
	case FOK:
		return "fok"
	}
	return fmt.Sprintf("tif(%d)", uint8(t))
}

// Op is the kind of an input command.
type Op uint8

// Input operations.
const (
	OpPlace Op = iota + 1
	OpCancel
	OpModify
)

func (o Op) String() string {
	switch o {
	case OpPlace:
		return "place"
	case OpCancel:
		return "cancel"
	case OpModify:
		return "modify"
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// Limits on the integers the engine accepts. Their product stays far
// below the int64 range, so a notional (price × quantity) never overflows.
const (
	MaxPrice    = 1_000_000_000 // ticks
	MaxQuantity = 1_000_000_000 // lots
)

// Command is one input to a book. Prices are in ticks and quantities in
// lots; both are plain integers.
type Command struct {
	Op      Op
	Side    Side
	Type    Type
	TIF     TIF
	OrderID uint64 // unique per book, chosen by the caller
	Account uint64
	Price   int64 // limit price; for a market order an optional protection price (0 = none)
	Qty     int64 // for OpModify: the new remaining quantity
}

// Kind is the kind of an output event.
type Kind uint8

// Event kinds.
const (
	EvAccepted Kind = iota + 1 // an order entered the book (Qty = its remaining quantity after matching)
	EvTrade                    // a maker and a taker traded Qty at Price
	EvDone                     // an order left the book; Reason says why, Qty is the unfilled rest
	EvModified                 // an order changed price or quantity (Price, Qty = new values)
	EvRejected                 // a command was refused; nothing changed
)

func (k Kind) String() string {
	switch k {
	case EvAccepted:
		return "accepted"
	case EvTrade:
		return "trade"
	case EvDone:
		return "done"
	case EvModified:
		return "modified"
	case EvRejected:
		return "rejected"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Reason says why an order left the book or why a command was rejected.
type Reason uint8

// Reasons.
const (
	ReasonNone Reason = iota
	ReasonFilled
	ReasonCancelled
	ReasonExpired  // IOC or market remainder
	ReasonKilled   // FOK that could not fill completely
	ReasonReplaced // a modify removed the order to re-enter it (never emitted; reserved)
	ReasonBadQuantity
	ReasonBadPrice
	ReasonBadSide
	ReasonBadType
	ReasonDuplicateID
	ReasonUnknownOrder
)

var reasonText = [...]string{
	ReasonNone:         "none",
	ReasonFilled:       "filled",
	ReasonCancelled:    "cancelled",
	ReasonExpired:      "expired",
	ReasonKilled:       "killed",
	ReasonReplaced:     "replaced",
	ReasonBadQuantity:  "quantity must be between 1 and 1000000000 lots",
	ReasonBadPrice:     "price must be between 1 and 1000000000 ticks",
	ReasonBadSide:      "side must be buy or sell",
	ReasonBadType:      "unknown order type or time in force",
	ReasonDuplicateID:  "order id already used",
	ReasonUnknownOrder: "no open order with this id",
}

func (r Reason) String() string {
	if int(r) < len(reasonText) {
		return reasonText[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Event is one output of a book. The Sink receives a pointer to a reused
// Event: copy what you keep.
type Event struct {
	Seq      uint64 // per book, 1, 2, 3... without gaps
	Kind     Kind
	Reason   Reason
	Side     Side   // side of OrderID
	OrderID  uint64 // the order the event is about (the taker for a trade)
	Account  uint64
	Price    int64
	Qty      int64
	TradeSeq uint64 // trades only: per book, 1, 2, 3... without gaps
	Maker    uint64 // trades only: the resting order
	MakerAcc uint64
	// MakerLeft and TakerLeft are the remaining quantities after a trade.
	MakerLeft, TakerLeft int64
}

// Sink receives the events of a book in order, on the book's goroutine.
type Sink interface {
	Event(e *Event)
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(e *Event)

// Event calls f(e).
func (f SinkFunc) Event(e *Event) { f(e) }

// ErrClosed is returned by an Engine after Close.
var ErrClosed = errors.New("engine: closed")

// UnknownSymbolError is returned for a command to a symbol the engine does
// not trade.
type UnknownSymbolError struct{ Symbol string }

func (e *UnknownSymbolError) Error() string {
	return fmt.Sprintf("engine: unknown symbol %q", e.Symbol)
}
