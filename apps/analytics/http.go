package analytics

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// Paths of the HTTP API, relative to where the handler is mounted
// (`polystore serve` and `demo` mount it under /analytics/, so the ingest
// endpoint is POST /analytics/events).
const (
	PathEvents   = "/events"
	PathSeries   = "/series"
	PathSegments = "/segments"
)

// apiError is the JSON body of every error: a stable code, a message and,
// for a 400 or 413, the offending input: a query parameter ("minutes",
// "min_ltv") or "body" for a batch that cannot be read as a whole (events
// rejected one by one name their field in IngestResponse.Rejected).
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeFieldError(w, status, code, msg, "")
}

func writeFieldError(w http.ResponseWriter, status int, code, msg, field string) {
	var e apiError
	e.Error.Code, e.Error.Message, e.Error.Field = code, msg, field
	writeJSON(w, status, e)
}

// IngestResponse is the body of POST /analytics/events.
type IngestResponse struct {
	Accepted int         `json:"accepted"`
	Rejected []Rejection `json:"rejected"`
}

// Handler serves the API (paths relative to the mount point, /analytics/
// under serve and demo):
//
//	POST /events     JSON array or NDJSON batch -> 200
//	                 {accepted, rejected: [{index, code, reason}]};
//	                 400 when nothing is valid, 413 too large,
//	                 503 backlog_full or store unavailable
//	GET  /series     ?minutes=60 -> Series
//	GET  /segments   ?min_orders&min_ltv&recency_days&limit -> Segment
//
// A nil App's handler answers 503 to every request.
func (a *App) Handler() http.Handler {
	if a == nil {
		return notSetUp()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathEvents, a.serveIngest)
	mux.HandleFunc("GET "+PathSeries, a.serveSeries)
	mux.HandleFunc("GET "+PathSegments, a.serveSegments)
	return mux
}

// notSetUp answers 503: the handler of a nil App or a System before Setup.
func notSetUp() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "analytics: not set up", http.StatusServiceUnavailable)
	})
}

func (a *App) serveIngest(w http.ResponseWriter, r *http.Request) {
	max := a.validator.Limits().MaxBodyBytes
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeFieldError(w, http.StatusRequestEntityTooLarge, "batch_too_large", "the body exceeds "+strconv.FormatInt(max, 10)+" bytes", "body")
			return
		}
		writeFieldError(w, http.StatusBadRequest, "unreadable_body", err.Error(), "body")
		return
	}
	n, bad, err := a.Ingest(r.Context(), body)
	var be *BatchError
	switch {
	case errors.As(err, &be):
		writeFieldError(w, http.StatusBadRequest, be.Code, be.Reason, "body")
		return
	case errors.Is(err, ErrBacklogFull):
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "backlog_full", err.Error())
		return
	case err != nil:
		a.log.Warn("analytics: ingest", "err", err)
		writeError(w, http.StatusServiceUnavailable, "store_unavailable", "the events could not be recorded; retry")
		return
	}
	if bad == nil {
		bad = []Rejection{}
	}
	status := http.StatusOK
	if n == 0 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, IngestResponse{Accepted: n, Rejected: bad})
}

func (a *App) serveSeries(w http.ResponseWriter, r *http.Request) {
	minutes := 60
	if v := r.URL.Query().Get("minutes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			a.reply(w, nil, &ParamError{Param: "minutes", Reason: "must be an integer"})
			return
		}
		minutes = n
	}
	s, err := a.Series(r.Context(), minutes)
	a.reply(w, s, err)
}

func (a *App) serveSegments(w http.ResponseWriter, r *http.Request) {
	rules, err := ParseSegmentRules(r.URL.Query())
	if err != nil {
		a.reply(w, nil, err)
		return
	}
	s, err := a.QuerySegment(r.Context(), rules)
	a.reply(w, s, err)
}

func (a *App) reply(w http.ResponseWriter, v any, err error) {
	var pe *ParamError
	switch {
	case errors.As(err, &pe):
		writeFieldError(w, http.StatusBadRequest, "invalid_parameter", pe.Error(), pe.Param)
	case errors.Is(err, ErrInvalidConfig):
		writeError(w, http.StatusNotImplemented, "not_configured", err.Error())
	case err != nil:
		a.log.Warn("analytics: query", "err", err)
		writeError(w, http.StatusServiceUnavailable, "store_unavailable", "the query failed; retry")
	default:
		writeJSON(w, http.StatusOK, v)
	}
}
