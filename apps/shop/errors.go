package shop

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/redis/rueidis"
)

// Stable error codes of the HTTP API (the "code" of a JSON error).
const (
	CodeInvalidJSON         = "invalid_json"
	CodeInvalidField        = "invalid_field"
	CodeMissingIdempotency  = "missing_idempotency_key"
	CodeUnknownProduct      = "unknown_product"
	CodeSoldOut             = "sold_out"
	CodeIdempotencyConflict = "idempotency_conflict"
	CodeReservationNotFound = "reservation_not_found"
	CodeReservationExpired  = "reservation_expired"
	CodeRateLimited         = "rate_limited"
	CodeUnavailable         = "unavailable"
	CodeNotFound            = "not_found"
	CodeInternal            = "internal"
)

// The answers of a Store or a History that is nil: App.Store() is nil
// without AppConfig.PG and App.History() without AppConfig.Mongo.
var (
	errNoStore   = &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "the shop has no PostgreSQL store (AppConfig.PG)"}
	errNoHistory = &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "the shop has no MongoDB order history (AppConfig.Mongo)"}
)

// Error is a shop error with an HTTP status, a stable code and, for bad
// input, the offending field.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// RetryAfter, in seconds, is set on 429 and 503 answers.
	RetryAfter int   `json:"retryAfter,omitempty"`
	Err        error `json:"-"`
}

func (e *Error) Error() string {
	s := "shop: " + e.Code
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches errors with the same code: errors.Is(err, ErrSoldOut).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Field == "" && t.Message == ""
}

// Sentinels for errors.Is.
var (
	ErrSoldOut             = &Error{Code: CodeSoldOut}
	ErrUnknownProduct      = &Error{Code: CodeUnknownProduct}
	ErrIdempotencyConflict = &Error{Code: CodeIdempotencyConflict}
	ErrReservationNotFound = &Error{Code: CodeReservationNotFound}
	ErrReservationExpired  = &Error{Code: CodeReservationExpired}
	ErrUnavailable         = &Error{Code: CodeUnavailable}
	ErrInvalid             = &Error{Code: CodeInvalidField}
)

func invalid(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidField, Field: field, Message: fmt.Sprintf(format, args...)}
}

// storeError classifies an error of a store call: a Redis error reply or
// anything else is internal; a failure to reach the server is unavailable
// (503 with Retry-After), so callers retry instead of guessing.
func storeError(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Status: 499, Code: CodeUnavailable, Message: op + ": request cancelled", Err: err}
	}
	if _, isReply := rueidis.IsRedisErr(err); isReply {
		return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: op, Err: err}
	}
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: op + ": a store is unreachable, retry later", RetryAfter: 1, Err: err}
}
