package shop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The reservation path encodes and decodes its few shapes by hand: no
// reflection and no allocation beyond the strings it returns. Anything
// off the canonical shape falls back to encoding/json, which also names
// what is wrong, so both paths give the same answers.

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// jsonContentType is shared by every answer (net/http only reads it).
var jsonContentType = []string{"application/json"}

// decodeReservation reads a reservation body into b: the fast parser for
// the canonical shape, else decode's rules and errors. A product id found
// in known (the catalog's ids, each mapped to itself) is taken from there
// instead of being copied out of the body.
func decodeReservation(r *http.Request, b *reserveBody, known map[string]string) error {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf, err := readBody(r.Body, (*bp)[:0], maxBody+1)
	*bp = buf[:0]
	if err != nil {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidJSON, Field: "body", Message: err.Error()}
	}
	if len(buf) > maxBody {
		return invalid("body", "is larger than %d bytes", maxBody)
	}
	if parseReserveBody(buf, b, known) {
		return nil
	}
	*b = reserveBody{}
	return decodeFrom(bytes.NewReader(buf), b)
}

// readBody appends at most limit bytes of body to buf.
func readBody(body io.Reader, buf []byte, limit int) ([]byte, error) {
	if body == nil {
		return buf, nil
	}
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// parseReserveBody parses {"productId": "...", "quantity": n} (either
// order, each at most once, whitespace anywhere JSON allows it) where the
// string has only printable ASCII without escapes and n is an integer of
// at most 18 digits. It reports false for anything else, leaving the
// answer to encoding/json.
//
// A product id found in known is taken from there (no copy).
func parseReserveBody(s []byte, out *reserveBody, known map[string]string) bool {
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		return false
	}
	i = skipWS(s, i+1)
	var seenID, seenQty bool
	if i < len(s) && s[i] == '}' {
		return skipWS(s, i+1) == len(s)
	}
	for {
		key, j, ok := parseSimpleString(s, i)
		if !ok {
			return false
		}
		i = skipWS(s, j)
		if i >= len(s) || s[i] != ':' {
			return false
		}
		i = skipWS(s, i+1)
		switch string(key) {
		case "productId":
			v, j, ok := parseSimpleString(s, i)
			if !ok || seenID {
				return false
			}
			out.ProductID, seenID, i = intern(known, v), true, j
		case "quantity":
			n, j, ok := parseSmallInt(s, i)
			if !ok || seenQty {
				return false
			}
			out.Quantity, seenQty, i = n, true, j
		default:
			return false
		}
		i = skipWS(s, i)
		if i >= len(s) {
			return false
		}
		switch s[i] {
		case ',':
			i = skipWS(s, i+1)
		case '}':
			return skipWS(s, i+1) == len(s)
		default:
			return false
		}
	}
}

// intern returns v as a string: known's copy when it has one, else a new
// one (the map lookup itself copies nothing).
func intern(known map[string]string, v []byte) string {
	if id, ok := known[string(v)]; ok {
		return id
	}
	return string(v)
}

func skipWS(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// parseSimpleString parses a JSON string of printable ASCII without
// escapes at s[i:], returning its content and the index after it.
func parseSimpleString(s []byte, i int) ([]byte, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return s[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20 || c > 0x7e:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// parseSmallInt parses a JSON integer of at most 18 digits at s[i:].
func parseSmallInt(s []byte, i int) (int, int, bool) {
	neg := false
	if i < len(s) && s[i] == '-' {
		neg, i = true, i+1
	}
	start := i
	n := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	digits := i - start
	if digits == 0 || digits > 18 || (digits > 1 && s[start] == '0') {
		return 0, 0, false
	}
	if i < len(s) && (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
		return 0, 0, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}

// appendString appends s as a JSON string, escaped as encoding/json does
// (including its HTML escaping).
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// writeBytes writes a JSON answer.
func writeBytes(w http.ResponseWriter, status int, body []byte) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeReservation writes res as encoding/json would.
func writeReservation(w http.ResponseWriter, status int, res *Reservation) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	b := append((*bp)[:0], `{"id":`...)
	b = appendString(b, res.ID)
	b = append(b, `,"userId":`...)
	b = appendString(b, res.UserID)
	b = append(b, `,"productId":`...)
	b = appendString(b, res.ProductID)
	b = append(b, `,"quantity":`...)
	b = strconv.AppendInt(b, int64(res.Quantity), 10)
	b = append(b, `,"expiresAt":"`...)
	b = res.ExpiresAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","remaining":`...)
	b = strconv.AppendInt(b, res.Remaining, 10)
	b = append(b, `,"replayed":`...)
	b = strconv.AppendBool(b, res.Replayed)
	b = append(b, "}\n"...)
	*bp = b[:0]
	writeBytes(w, status, b)
}

// writeErrorBody writes {"error": e} as encoding/json would.
func writeErrorBody(w http.ResponseWriter, status int, e *Error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	b := append((*bp)[:0], `{"error":{"code":`...)
	b = appendString(b, e.Code)
	if e.Field != "" {
		b = append(b, `,"field":`...)
		b = appendString(b, e.Field)
	}
	b = append(b, `,"message":`...)
	b = appendString(b, e.Message)
	if e.RetryAfter != 0 {
		b = append(b, `,"retryAfter":`...)
		b = strconv.AppendInt(b, int64(e.RetryAfter), 10)
	}
	b = append(b, "}}\n"...)
	*bp = b[:0]
	writeBytes(w, status, b)
}

// writeSoldOut writes the 409 of soldOutError(left, asked) as
// writeErrorBody would, without building the error or its message.
func writeSoldOut(w http.ResponseWriter, left int64, asked int) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	b := append((*bp)[:0], `{"error":{"code":"`+CodeSoldOut+`","field":"quantity","message":"`...)
	b = strconv.AppendInt(b, left, 10)
	b = append(b, " left, "...)
	b = strconv.AppendInt(b, int64(asked), 10)
	b = append(b, " asked\"}}\n"...)
	*bp = b[:0]
	writeBytes(w, http.StatusConflict, b)
}
