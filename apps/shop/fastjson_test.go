package shop

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzParseReserveBody: whatever the fast parser accepts, encoding/json
// (with the handler's rules: unknown fields and trailing data refused)
// accepts too, with the same result.
func FuzzParseReserveBody(f *testing.F) {
	for _, s := range []string{
		`{"productId":"p1","quantity":1}`, ` { "quantity" : 2 ,"productId":"a-b.c_d" } `, `{}`, `{"productId":"x"}`,
		`{"quantity":-3}`, `{"quantity":007}`, `{"quantity":1.0}`, `{"quantity":1e2}`, `{"productId":"a\"b"}`,
		`{"productId":"\u00e9"}`, `{"ProductId":"p"}`, `{"productId":"p","productId":"q"}`, `{"productId":"p",}`,
		`{"productId":"p"} {}`, `[1]`, `{"quantity":123456789012345678}`, `{"quantity":1234567890123456789}`,
		`{"productId":null}`, "{\"productId\":\"p\"}\n", `{"productId":"<&>"}`, `{"quantity":-0}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fast reserveBody
		if !parseReserveBody([]byte(s), &fast, nil) {
			return
		}
		var std reserveBody
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&std); err != nil {
			t.Fatalf("%q: fast parser accepted, encoding/json: %v", s, err)
		}
		if dec.More() {
			t.Fatalf("%q: fast parser accepted trailing data", s)
		}
		if fast != std {
			t.Fatalf("%q: fast %+v, encoding/json %+v", s, fast, std)
		}
	})
}

// The canonical body takes the fast path (checked here so the fuzz test
// above is not vacuous); others take encoding/json's.
func TestParseReserveBodyFastPath(t *testing.T) {
	var b reserveBody
	if !parseReserveBody([]byte(` {"productId": "sku-1", "quantity": 12}`), &b, nil) || b != (reserveBody{"sku-1", 12}) {
		t.Fatalf("canonical body: %+v", b)
	}
	for _, s := range []string{`{"productId":"a\u0041"}`, `{"quantity":1.5}`, `{"price":1}`, `{"productId":"p"} x`} {
		if parseReserveBody([]byte(s), &b, nil) {
			t.Errorf("%q: fast parser accepted", s)
		}
	}
}

// The hand-written answers are byte for byte what encoding/json writes.
func TestHandWrittenAnswersMatchEncodingJSON(t *testing.T) {
	std := func(v any) string {
		var buf bytes.Buffer
		_ = json.NewEncoder(&buf).Encode(v)
		return buf.String()
	}
	// clock-free: the fixed ExpiresAt values are only encoded both ways and
	// compared as text, never with the clock.
	for _, res := range []*Reservation{
		{ID: "c123", UserID: "u1", ProductID: "p.1", Quantity: 2, ExpiresAt: time.UnixMilli(1_700_000_000_123).UTC(), Remaining: 7},
		{ID: "c<>&\"\\\u00e9\n", UserID: "", ProductID: "p", Quantity: -1, ExpiresAt: time.UnixMilli(1_700_000_000_000).UTC(), Replayed: true},
	} {
		w := httptest.NewRecorder()
		writeReservation(w, 201, res)
		if got, want := w.Body.String(), std(res); got != want {
			t.Errorf("reservation:\n got %s\nwant %s", got, want)
		}
		if w.Code != 201 || w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("status %d, content type %q", w.Code, w.Header().Get("Content-Type"))
		}
	}
	for _, e := range []*Error{
		{Code: CodeSoldOut, Field: "quantity", Message: "0 left, 1 asked"},
		{Code: CodeUnavailable, Message: `reserve: "x" <unreachable> & gone` + "\t\u2028", RetryAfter: 1},
	} {
		w := httptest.NewRecorder()
		writeErrorBody(w, 409, e)
		if got, want := w.Body.String(), std(map[string]*Error{"error": e}); got != want {
			t.Errorf("error:\n got %s\nwant %s", got, want)
		}
	}
}

// The sold-out answer written without an *Error is the one writeError
// writes for soldOutError: status, headers and body.
func TestWriteSoldOutMatchesWriteError(t *testing.T) {
	for _, c := range []struct {
		left  int64
		asked int
	}{{0, 1}, {3, 100}, {-1, 7}, {1 << 40, 99}} {
		want := httptest.NewRecorder()
		writeError(want, soldOutError(c.left, c.asked))
		got := httptest.NewRecorder()
		writeSoldOut(got, c.left, c.asked)
		if got.Code != want.Code || got.Body.String() != want.Body.String() ||
			got.Header().Get("Content-Type") != want.Header().Get("Content-Type") || len(got.Header()) != len(want.Header()) {
			t.Errorf("%+v: got %d %v %q, want %d %v %q", c, got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
		}
	}
}

// A product id the parser finds in known is known's string; others are
// parsed as before.
func TestParseReserveBodyKnownIDs(t *testing.T) {
	known := map[string]string{"sku-1": "sku-1"}
	for _, c := range []struct {
		body string
		want reserveBody
	}{{`{"productId":"sku-1","quantity":2}`, reserveBody{"sku-1", 2}}, {`{"productId":"sku-2","quantity":3}`, reserveBody{"sku-2", 3}}} {
		var b reserveBody
		if !parseReserveBody([]byte(c.body), &b, known) || b != c.want {
			t.Errorf("%s: %+v, want %+v", c.body, b, c.want)
		}
	}
	n := testing.AllocsPerRun(100, func() {
		var b reserveBody
		parseReserveBody([]byte(`{"productId":"sku-1","quantity":2}`), &b, known)
	})
	if n != 0 {
		t.Errorf("a known product id: %v allocations per parse, want 0", n)
	}
}
