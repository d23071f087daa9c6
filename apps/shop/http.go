package shop

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Headers of the HTTP API.
const (
	HeaderUser        = "X-User-Id"
	HeaderIdempotency = "Idempotency-Key"
)

// maxBody bounds request bodies.
const maxBody = 16 << 10

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes {"error": {...}} with the error's status; a 429 or 503
// carries Retry-After.
func writeError(w http.ResponseWriter, err error) {
	e, ok := err.(*Error) // the usual case, without errors.As' allocation
	if !ok && !errors.As(err, &e) {
		e = &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error"}
	}
	status := e.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	writeErrorBody(w, status, e)
}

// decode reads a JSON object into v, rejecting unknown fields, trailing
// data and bodies over maxBody; the error names the offending field.
func decode(r *http.Request, v any) error {
	return decodeFrom(http.MaxBytesReader(nil, r.Body, maxBody), v)
}

// decodeFrom is decode on a body already bounded.
func decodeFrom(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "body"
			}
			return invalid(field, "must be a %s", te.Type.String())
		case errors.As(err, &mbe):
			return invalid("body", "is larger than %d bytes", maxBody)
		case errors.Is(err, io.EOF):
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidJSON, Field: "body", Message: "empty body"}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return invalid(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "is not a known field")
		}
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidJSON, Field: "body", Message: err.Error()}
	}
	if dec.More() {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidJSON, Field: "body", Message: "trailing data after the JSON object"}
	}
	return nil
}

// userOf returns the caller's user id from the X-User-Id header.
func userOf(r *http.Request) (string, error) {
	u := r.Header.Get(HeaderUser)
	if err := validID(HeaderUser, u); err != nil {
		return "", err
	}
	return u, nil
}

func bytesReader(b []byte) io.Reader { return strings.NewReader(string(b)) }
