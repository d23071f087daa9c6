package analytics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Event is one tracked event, as posted to the ingest endpoint.
type Event struct {
	// Type names the event ("page_view"): a lowercase identifier.
	Type string `json:"eventType"`
	// User identifies who did it; unique users are counted over it.
	User string `json:"userId"`
	// Time is when it happened; zero means "when received".
	Time time.Time `json:"timestamp,omitzero"`
	// Value is an optional measurement (a duration in ms, an amount): it
	// feeds count/sum/min/max and the percentile sketch of its type.
	Value *float64 `json:"value,omitempty"`
	// Metadata holds small string attributes; the configured breakdown
	// dimensions ("country", "device") are counted per minute.
	Metadata map[string]string `json:"metadata,omitempty"`
}

// Limits bound what the ingest endpoint accepts.
type Limits struct {
	// MaxEvents per batch (default 10,000).
	MaxEvents int
	// MaxBodyBytes of one request (default 4 MiB).
	MaxBodyBytes int64
	// MaxMetadataBytes of one event's metadata, keys plus values (default 1 KiB).
	MaxMetadataBytes int
	// MaxMetadataKeys of one event (default 16).
	MaxMetadataKeys int
	// MaxAge is how far in the past a timestamp may be (default 2m): older
	// minutes are closed and already rolled up.
	MaxAge time.Duration
	// MaxSkew is how far in the future a timestamp may be (default 1m).
	MaxSkew time.Duration
	// MaxValue bounds |value| (default 1e12).
	MaxValue float64
}

func (l Limits) withDefaults() Limits {
	if l.MaxEvents <= 0 {
		l.MaxEvents = 10_000
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 4 << 20
	}
	if l.MaxMetadataBytes <= 0 {
		l.MaxMetadataBytes = 1024
	}
	if l.MaxMetadataKeys <= 0 {
		l.MaxMetadataKeys = 16
	}
	if l.MaxAge <= 0 {
		l.MaxAge = 2 * time.Minute
	}
	if l.MaxSkew <= 0 {
		l.MaxSkew = time.Minute
	}
	if l.MaxValue <= 0 {
		l.MaxValue = 1e12
	}
	return l
}

// Rejection codes, stable for clients.
const (
	CodeMalformed      = "malformed"        // not a JSON object / bad field type
	CodeUnknownField   = "unknown_field"    // a field the event does not have
	CodeType           = "invalid_type"     // eventType missing or not an identifier
	CodeTypeNotAllowed = "type_not_allowed" // eventType not among the configured ones
	CodeUser           = "invalid_user"     // userId missing, too long or with control characters
	CodeTimestamp      = "invalid_timestamp"
	CodeTooOld         = "timestamp_too_old"
	CodeInFuture       = "timestamp_in_future"
	CodeValue          = "invalid_value"
	CodeMetadata       = "invalid_metadata"
	CodeTooMany        = "too_many_events"
)

// Rejection reports why the event at Index was not accepted.
type Rejection struct {
	Index int    `json:"index"`
	Code  string `json:"code"`
	// Field names the offending field of the event ("userId",
	// "timestamp", an unknown field's name); empty when the event as a
	// whole is wrong (not a JSON object, one event too many).
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

// BatchError is returned when the batch as a whole cannot be read (not a
// JSON array or NDJSON, too large).
type BatchError struct {
	Code   string // "malformed_batch", "batch_too_large", "empty_batch"
	Reason string
}

func (e *BatchError) Error() string { return "analytics: " + e.Reason }

// ErrInvalidBatch is wrapped by every *BatchError.
var ErrInvalidBatch = errors.New("analytics: invalid batch")

// Is makes errors.Is(err, ErrInvalidBatch) true for every *BatchError.
func (e *BatchError) Is(target error) bool { return target == ErrInvalidBatch }

// isIdent reports whether s is an event type: ^[a-z][a-z0-9_]{0,31}$.
func isIdent(s string) bool {
	if len(s) == 0 || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// wireEvent is the JSON shape; the timestamp is RFC 3339 or epoch ms.
type wireEvent struct {
	Type     *string           `json:"eventType"`
	User     *string           `json:"userId"`
	Time     json.RawMessage   `json:"timestamp"`
	Value    json.RawMessage   `json:"value"`
	Metadata map[string]string `json:"metadata"`
}

// Validator checks events against Limits and the allowed types.
type Validator struct {
	limits Limits
	types  map[string]bool // nil: any identifier
	now    func() time.Time
}

// NewValidator returns a Validator; types nil or empty allows any
// identifier-shaped event type; now nil is time.Now.
func NewValidator(l Limits, types []string, now func() time.Time) *Validator {
	v := &Validator{limits: l.withDefaults(), now: now}
	if v.now == nil {
		v.now = time.Now
	}
	if len(types) > 0 {
		v.types = make(map[string]bool, len(types))
		for _, t := range types {
			v.types[t] = true
		}
	}
	return v
}

// Limits returns the limits in force (defaults filled in).
func (v *Validator) Limits() Limits {
	if v == nil {
		return Limits{}
	}
	return v.limits
}

// Parse reads a batch, a JSON array of events or NDJSON (one event per
// line), and returns the valid events and the rejected ones by index. A
// batch that cannot be read at all returns a *BatchError.
func (v *Validator) Parse(body []byte) ([]Event, []Rejection, error) {
	if v == nil {
		return nil, nil, fmt.Errorf("%w: nil *Validator", ErrInvalid)
	}
	trimmed := bytes.TrimLeftFunc(body, unicode.IsSpace)
	if len(trimmed) == 0 {
		return nil, nil, &BatchError{Code: "empty_batch", Reason: "the batch holds no events"}
	}
	now := v.now()
	var (
		good []Event
		bad  []Rejection
	)
	add := func(i int, raw []byte) {
		if i >= v.limits.MaxEvents {
			bad = append(bad, Rejection{Index: i, Code: CodeTooMany,
				Reason: fmt.Sprintf("a batch holds at most %d events", v.limits.MaxEvents)})
			return
		}
		e, rej := v.event(raw, now)
		if rej != nil {
			rej.Index = i
			bad = append(bad, *rej)
			return
		}
		good = append(good, e)
	}
	if trimmed[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, nil, &BatchError{Code: "malformed_batch", Reason: "not a JSON array of events: " + err.Error()}
		}
		if len(raws) == 0 {
			return nil, nil, &BatchError{Code: "empty_batch", Reason: "the batch holds no events"}
		}
		for i, raw := range raws {
			add(i, raw)
		}
		return good, bad, nil
	}
	good = make([]Event, 0, min(bytes.Count(trimmed, []byte{'\n'})+1, v.limits.MaxEvents))
	i := 0
	for rest := trimmed; len(rest) > 0; {
		line := rest
		if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
			line, rest = rest[:nl], rest[nl+1:]
		} else {
			rest = nil
		}
		if line = bytes.TrimSpace(line); len(line) == 0 {
			continue
		}
		add(i, line)
		i++
	}
	return good, bad, nil
}

// codeField is the event field each rejection code is about.
var codeField = map[string]string{
	CodeType: "eventType", CodeTypeNotAllowed: "eventType", CodeUser: "userId",
	CodeTimestamp: "timestamp", CodeTooOld: "timestamp", CodeInFuture: "timestamp",
	CodeValue: "value", CodeMetadata: "metadata",
}

func reject(code, format string, a ...any) *Rejection {
	return &Rejection{Code: code, Field: codeField[code], Reason: fmt.Sprintf(format, a...)}
}

// decodeSlow reads one event object with encoding/json: every shape
// decodeFast leaves to it, and the wording of what is wrong.
func decodeSlow(raw []byte) (wireEvent, *Rejection) {
	var w wireEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
			rej := reject(CodeUnknownField, "%s", msg)
			if rej.Field, _ = strconv.Unquote(name); rej.Field == "" {
				rej.Field = name // a field named "" is named by its quotes
			}
			return w, rej
		}
		rej := reject(CodeMalformed, "not a valid event object: %s", msg)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			rej.Field = te.Field
		}
		return w, rej
	}
	if _, err := dec.Token(); err != io.EOF {
		return w, reject(CodeMalformed, "trailing data after the event object")
	}
	return w, nil
}

func (v *Validator) event(raw []byte, now time.Time) (Event, *Rejection) {
	w, ok := decodeFast(raw)
	if !ok {
		var rej *Rejection
		if w, rej = decodeSlow(raw); rej != nil {
			return Event{}, rej
		}
	}
	return v.check(w, now)
}

// check validates a decoded event.
func (v *Validator) check(w wireEvent, now time.Time) (Event, *Rejection) {
	var e Event
	switch {
	case w.Type == nil || *w.Type == "":
		return e, reject(CodeType, "eventType is required")
	case !isIdent(*w.Type):
		return e, reject(CodeType, "eventType must be a lowercase identifier of at most 32 characters ([a-z][a-z0-9_]*)")
	case v.types != nil && !v.types[*w.Type]:
		return e, reject(CodeTypeNotAllowed, "eventType %q is not tracked", *w.Type)
	}
	e.Type = *w.Type
	switch {
	case w.User == nil || *w.User == "":
		return e, reject(CodeUser, "userId is required")
	case len(*w.User) > 64:
		return e, reject(CodeUser, "userId is longer than 64 bytes")
	case !printable(*w.User):
		return e, reject(CodeUser, "userId must be valid UTF-8 without control characters")
	}
	e.User = *w.User
	ts, rej := v.timestamp(w.Time, now)
	if rej != nil {
		return e, rej
	}
	e.Time = ts
	if len(w.Value) > 0 && string(w.Value) != "null" {
		f, err := strconv.ParseFloat(string(w.Value), 64)
		if err != nil || w.Value[0] == '"' {
			return e, reject(CodeValue, "value must be a number")
		}
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > v.limits.MaxValue {
			return e, reject(CodeValue, "value must be a finite number of magnitude at most %g", v.limits.MaxValue)
		}
		e.Value = &f
	}
	if len(w.Metadata) > 0 {
		if len(w.Metadata) > v.limits.MaxMetadataKeys {
			return e, reject(CodeMetadata, "metadata has %d keys, at most %d allowed", len(w.Metadata), v.limits.MaxMetadataKeys)
		}
		size := 0
		for k, val := range w.Metadata {
			size += len(k) + len(val)
			if k == "" || !printable(k) || !printable(val) {
				return e, reject(CodeMetadata, "metadata keys must be non-empty; keys and values valid UTF-8 without control characters")
			}
		}
		if size > v.limits.MaxMetadataBytes {
			return e, reject(CodeMetadata, "metadata is %d bytes, at most %d allowed", size, v.limits.MaxMetadataBytes)
		}
		e.Metadata = w.Metadata
	}
	return e, nil
}

func (v *Validator) timestamp(raw json.RawMessage, now time.Time) (time.Time, *Rejection) {
	if len(raw) == 0 || string(raw) == "null" {
		return now.UTC(), nil
	}
	var ts time.Time
	if raw[0] == '"' {
		var s string
		if len(raw) >= 2 && raw[len(raw)-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
			s = string(raw[1 : len(raw)-1]) // no escapes: the quotes are all there is to decode
		} else if err := json.Unmarshal(raw, &s); err != nil {
			return ts, reject(CodeTimestamp, "timestamp must be an RFC 3339 string or epoch milliseconds")
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return ts, reject(CodeTimestamp, "timestamp must be an RFC 3339 string or epoch milliseconds")
		}
		ts = t
	} else {
		ms, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return ts, reject(CodeTimestamp, "timestamp must be an RFC 3339 string or epoch milliseconds")
		}
		ts = time.UnixMilli(ms)
	}
	switch {
	case ts.Before(now.Add(-v.limits.MaxAge)):
		return ts, reject(CodeTooOld, "timestamp is more than %s in the past", v.limits.MaxAge)
	case ts.After(now.Add(v.limits.MaxSkew)):
		return ts, reject(CodeInFuture, "timestamp is more than %s in the future", v.limits.MaxSkew)
	}
	return ts.UTC(), nil
}

func printable(s string) bool {
	if isASCIIPrintable(s) {
		return true
	}
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
