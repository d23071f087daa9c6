package trading

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/polystore/polystore/apps/trading/db"
	"github.com/polystore/polystore/apps/trading/engine"
)

// Paths of the order API, relative to where the handler is mounted
// (`polystore serve` and `demo` mount it under /trading/).
const (
	PathOrders   = "/orders"   // POST place; GET/PATCH/DELETE /orders/{id}; POST /orders/{id}/cancel
	PathAccounts = "/accounts" // GET /accounts/{id}: balances
	PathBook     = "/book"     // GET /book/{symbol}?depth=N
	PathTrades   = "/trades"   // GET /trades/{symbol}?limit=N
	PathMarkets  = "/markets"  // GET: the traded markets
	PathStream   = "/ws"       // WebSocket order stream (see API.Handler)
	PathIntake   = "/intake"   // GET /intake/{seq}: an order taken in by the stream
)

// maxBody bounds a request body of the API.
const maxBody = 16 << 10

// APIError is the JSON body of every error answer: a stable code, the
// request field at fault when there is one, and a message for people.
type APIError struct {
	Error struct {
		Code    string `json:"code"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	} `json:"error"`
}

// OrderView is an order as the API shows it: exact decimals as strings.
type OrderView struct {
	ID           int64     `json:"id"`
	AccountID    int       `json:"accountId"`
	Symbol       string    `json:"symbol"`
	Side         string    `json:"side"`
	Type         string    `json:"type"`
	TIF          string    `json:"tif"`
	Price        string    `json:"price"`
	Quantity     string    `json:"quantity"`
	Filled       string    `json:"filled"`
	HoldCurrency string    `json:"holdCurrency"`
	Hold         string    `json:"hold"`
	Status       string    `json:"status"`
	Reason       string    `json:"reason,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
}

// ViewOf renders an order for the API (nil for nil).
func ViewOf(o *db.Order) *OrderView {
	if o == nil {
		return nil
	}
	v := &OrderView{ID: o.ID, AccountID: o.AccountID, Symbol: o.Symbol, Side: strings.ToLower(string(o.Side)),
		Type: strings.ToLower(string(o.Type)), TIF: strings.ToLower(string(o.Tif)), Price: Text(o.Price),
		Quantity: Text(o.Quantity), Filled: Text(o.Filled), HoldCurrency: o.HoldCurrency, Hold: Text(o.Hold),
		Status: strings.ToLower(string(o.Status)), CreatedAt: o.CreatedAt}
	if o.Reason != nil {
		v.Reason = *o.Reason
	}
	return v
}

// AccountView is GET /accounts/{id}.
type AccountView struct {
	ID       int       `json:"id"`
	Balances []Balance `json:"balances"`
}

// API serves the order API over a Store and the Node that runs its
// engine.
type API struct {
	// Logger receives the errors answered with a 500 (nil: none).
	Logger *slog.Logger
	// AckTrace, when set, receives the stages of every intake
	// acknowledgement the WebSocket stream writes (AckTimes), for latency
	// breakdowns. It runs on the connection's writer, once per
	// acknowledgement: keep it short. Nil (the default) costs nothing.
	AckTrace func(AckTimes)

	store *Store
	node  *Node
}

// NewAPI returns the API of store and node (both required).
func NewAPI(store *Store, node *Node) (*API, error) {
	if store == nil || node == nil {
		return nil, errors.New("trading: the API needs a Store and a Node")
	}
	return &API{store: store, node: node}, nil
}

// Handler serves (paths relative to the mount point):
//
//	POST   /orders              OrderRequest -> 201 OrderView (pending until the engine has it)
//	GET    /orders/{id}         -> OrderView
//	PATCH  /orders/{id}         ModifyRequest -> 202 OrderView
//	DELETE /orders/{id}?accountId=N, POST /orders/{id}/cancel {accountId} -> 202
//	GET    /accounts/{id}       -> AccountView
//	GET    /book/{symbol}       ?depth=10 -> Depth
//	GET    /trades/{symbol}     ?limit=50 -> recent trades, newest first
//	GET    /markets             -> []Market
//	GET    /orders?accountId=N&clientOrderId=X -> IntakeView of the stream's latest order with that id
//	GET    /intake/{seq}        -> IntakeView: accepted, placed (orderId) or rejected (error)
//	GET    /ws                  WebSocket order stream: StreamOrder messages in, StreamAck out (?ack=placed: answered once reserved)
//
// Errors are APIError bodies: 400 for bad input (naming the field), 404
// unknown order or account, 409 an order in the wrong state, 422
// insufficient funds, 503 when a store does not answer in time.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathOrders, a.place)
	mux.HandleFunc("GET "+PathOrders+"/{id}", a.getOrder)
	mux.HandleFunc("PATCH "+PathOrders+"/{id}", a.modify)
	mux.HandleFunc("DELETE "+PathOrders+"/{id}", a.cancel)
	mux.HandleFunc("POST "+PathOrders+"/{id}/cancel", a.cancel)
	mux.HandleFunc("GET "+PathAccounts+"/{id}", a.account)
	mux.HandleFunc("GET "+PathBook+"/{symbol}", a.book)
	mux.HandleFunc("GET "+PathTrades+"/{symbol}", a.trades)
	mux.HandleFunc("GET "+PathStream, a.stream)
	mux.HandleFunc("GET "+PathIntake+"/{seq}", a.intakeOrder)
	mux.HandleFunc("GET "+PathOrders, a.intakeByClient)
	mux.HandleFunc("GET "+PathMarkets, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, a.store.Markets()) })
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, field, msg string) {
	var e APIError
	e.Error.Code, e.Error.Field, e.Error.Message = code, field, msg
	writeJSON(w, status, e)
}

// fail maps an error of the Store or the Node to its answer; unexpected
// errors go to log (when not nil).
func fail(w http.ResponseWriter, log *slog.Logger, err error) {
	e := answerOf(log, err)
	writeError(w, e.status, e.code, e.field, e.msg)
}

// answerOf maps an error of the Store or the Node to the status, code,
// field and message it is answered with; unexpected errors go to log (when
// not nil).
func answerOf(log *slog.Logger, err error) *badInput {
	var re *RejectError
	var ue *engine.UnknownSymbolError
	switch {
	case errors.As(err, &re):
		status := http.StatusBadRequest
		switch re.Code {
		case "insufficient_funds":
			status = http.StatusUnprocessableEntity
		case "not_open", "not_modifiable", "modify_pending":
			status = http.StatusConflict
		}
		return &badInput{status, re.Code, re.Field, re.Reason}
	case errors.As(err, &ue):
		return &badInput{http.StatusNotFound, "unknown_symbol", "symbol", ue.Error()}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		return &badInput{http.StatusServiceUnavailable, "timeout", "", "the store did not answer in time"}
	default:
		if log != nil {
			log.Error("trading: request failed", "err", err)
		}
		return &badInput{http.StatusInternalServerError, "internal", "", "internal error"}
	}
}

// decode reads a JSON object strictly: unknown fields, wrong types and
// trailing data are 400s that name the field.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if e := decodeStrict(http.MaxBytesReader(w, r.Body, maxBody), v); e != nil {
		writeError(w, e.status, e.code, e.field, e.msg)
		return false
	}
	return true
}

// badInput is a rejected request body: the HTTP status, the code, the
// field at fault and the message.
type badInput struct {
	status           int
	code, field, msg string
}

// jsonField is the JSON name of an UnmarshalTypeError's field: encoding/json
// puts the Go names of embedded structs in the path (a StreamOrder's
// "OrderRequest.accountId"), which the API's JSON names (lower camel case)
// never are.
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	kept := parts[:0]
	for _, p := range parts {
		if p != "" && (p[0] < 'A' || p[0] > 'Z') {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ".")
}

// decodeStrict reads one JSON object from r into v: unknown fields, wrong
// types and trailing data are refused, naming the field.
func decodeStrict(r io.Reader, v any) *badInput {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON object")
	}
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return &badInput{http.StatusRequestEntityTooLarge, "body_too_large", "", "the body exceeds " + strconv.Itoa(maxBody) + " bytes"}
	case errors.As(err, &te):
		field := jsonField(te.Field)
		return &badInput{http.StatusBadRequest, "bad_field", field, field + " must be a JSON " + te.Type.String()}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &badInput{http.StatusBadRequest, "unknown_field", field, "unknown field " + strconv.Quote(field)}
	case errors.Is(err, io.EOF):
		return &badInput{http.StatusBadRequest, "bad_json", "", "empty body: a JSON object is required"}
	default:
		return &badInput{http.StatusBadRequest, "bad_json", "", "the body is not a JSON object: " + err.Error()}
	}
}

// pathID parses the {id} of the path.
func pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "bad_id", "id", "id must be a positive integer")
		return 0, false
	}
	return id, true
}

func (a *API) place(w http.ResponseWriter, r *http.Request) {
	var req OrderRequest
	if !decode(w, r, &req) {
		return
	}
	var o *db.Order
	if a.node.placer != nil {
		// Answered once reserved in PostgreSQL and durable in the journal.
		p, err := a.node.Place(r.Context(), &req)
		if err != nil {
			fail(w, a.Logger, err)
			return
		}
		o = p.Order
	} else {
		var err error
		if o, err = a.store.Place(r.Context(), &req, nil); err != nil {
			fail(w, a.Logger, err)
			return
		}
	}
	writeJSON(w, http.StatusCreated, ViewOf(o))
}

func (a *API) getOrder(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	o, err := a.store.Order(r.Context(), id)
	if err != nil {
		fail(w, a.Logger, err)
		return
	}
	if o == nil {
		writeError(w, http.StatusNotFound, "unknown_order", "id", "no order "+strconv.FormatInt(id, 10))
		return
	}
	writeJSON(w, http.StatusOK, ViewOf(o))
}

func (a *API) modify(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var req ModifyRequest
	if !decode(w, r, &req) {
		return
	}
	o, err := a.store.Modify(r.Context(), id, &req)
	if err != nil {
		fail(w, a.Logger, err)
		return
	}
	writeJSON(w, http.StatusAccepted, ViewOf(o))
}

func (a *API) cancel(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var req struct {
		AccountID int `json:"accountId"`
	}
	if r.Method == http.MethodDelete {
		n, err := strconv.Atoi(r.URL.Query().Get("accountId"))
		if err != nil || !validAccountID(n) {
			writeError(w, http.StatusBadRequest, "bad_account", "accountId", "accountId must be a positive account id")
			return
		}
		req.AccountID = n
	} else if !decode(w, r, &req) {
		return
	}
	if !validAccountID(req.AccountID) {
		writeError(w, http.StatusBadRequest, "bad_account", "accountId", "accountId must be a positive account id")
		return
	}
	if err := a.store.Cancel(r.Context(), req.AccountID, id); err != nil {
		fail(w, a.Logger, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": id, "status": "cancel queued"})
}

func (a *API) intakeOrder(w http.ResponseWriter, r *http.Request) {
	seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 63)
	if err != nil || seq == 0 {
		writeError(w, http.StatusBadRequest, "bad_seq", "seq", "seq must be a positive integer")
		return
	}
	v, err := a.node.IntakeOrder(r.Context(), seq)
	if err != nil {
		fail(w, a.Logger, err)
		return
	}
	if v == nil {
		writeError(w, http.StatusNotFound, "unknown_intake", "seq", "no intake order "+strconv.FormatUint(seq, 10))
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) intakeByClient(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	account, err := strconv.Atoi(q.Get("accountId"))
	if err != nil || !validAccountID(account) {
		writeError(w, http.StatusBadRequest, "bad_account", "accountId", "accountId must be a positive account id")
		return
	}
	client := q.Get("clientOrderId")
	if !validClientID(client) {
		writeError(w, http.StatusBadRequest, "bad_client_order_id", "clientOrderId", "clientOrderId must be 1 to "+strconv.Itoa(MaxClientOrderID)+" printable ASCII characters")
		return
	}
	v, err := a.node.IntakeByClient(r.Context(), account, client)
	if err != nil {
		fail(w, a.Logger, err)
		return
	}
	if v == nil {
		writeError(w, http.StatusNotFound, "unknown_intake", "clientOrderId", "no order "+strconv.Quote(client)+" of account "+strconv.Itoa(account))
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) account(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || !validAccountID(id) {
		writeError(w, http.StatusBadRequest, "bad_account", "id", "id must be a positive account id")
		return
	}
	bs, err := a.store.Balances(r.Context(), id)
	if err != nil {
		fail(w, a.Logger, err)
		return
	}
	if len(bs) == 0 {
		writeError(w, http.StatusNotFound, "unknown_account", "id", "no account "+strconv.Itoa(id))
		return
	}
	writeJSON(w, http.StatusOK, AccountView{ID: id, Balances: bs})
}

// intParam reads an optional positive integer query parameter, bounded.
func intParam(w http.ResponseWriter, r *http.Request, name string, def, maxV int) (int, bool) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > maxV {
		writeError(w, http.StatusBadRequest, "bad_"+name, name, name+" must be an integer from 1 to "+strconv.Itoa(maxV))
		return 0, false
	}
	return n, true
}

func (a *API) book(w http.ResponseWriter, r *http.Request) {
	levels, ok := intParam(w, r, "depth", 10, 500)
	if !ok {
		return
	}
	d, err := a.node.Depth(r.Context(), r.PathValue("symbol"), levels)
	if err != nil {
		fail(w, a.Logger, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (a *API) trades(w http.ResponseWriter, r *http.Request) {
	limit, ok := intParam(w, r, "limit", 50, 1000)
	if !ok {
		return
	}
	ts, err := a.node.RecentTrades(r.Context(), r.PathValue("symbol"), int64(limit))
	if err != nil {
		fail(w, a.Logger, err)
		return
	}
	if ts == nil {
		ts = []map[string]string{}
	}
	writeJSON(w, http.StatusOK, ts)
}
