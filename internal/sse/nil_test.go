package sse_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/sse"
)

// TestNilHub checks that a nil Hub refuses Publish with ErrInvalid and
// answers the rest with zero values instead of panicking.
func TestNilHub(t *testing.T) {
	var h *sse.Hub
	if err := h.Publish("t", "e", 1); !errors.Is(err, sse.ErrInvalid) {
		t.Fatalf("Publish: err = %v, want ErrInvalid", err)
	}
	if _, ok := h.Last("t", "e"); ok {
		t.Fatal("a nil Hub has no last message")
	}
	c, cancel := h.Subscribe("t")
	if _, open := <-c; open {
		t.Fatal("a nil Hub's subscription must be closed")
	}
	cancel()
	h.Close()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/?topic=t", nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("ServeHTTP answered %d, want 503", w.Code)
	}
}

// TestZeroHub checks that the zero Hub works like NewHub's.
func TestZeroHub(t *testing.T) {
	var h sse.Hub
	for _, bad := range []string{"", "a\nb"} {
		if err := h.Publish("t", bad, 1); !errors.Is(err, sse.ErrInvalid) {
			t.Fatalf("Publish event %q: err = %v, want ErrInvalid", bad, err)
		}
	}
	require.NoError(t, h.Publish("t", "e", 1))
	c, cancel := h.Subscribe("t")
	defer cancel()
	m := <-c
	if m.Event != "e" || string(m.Data) != "1" {
		t.Fatalf("first message %+v, want the last e", m)
	}
	if last, ok := h.Last("t", "e"); !ok || string(last.Data) != "1" {
		t.Fatalf("Last = %+v, %v", last, ok)
	}
	h.Close()
	if _, open := <-c; open {
		t.Fatal("Close must end the subscription")
	}
}
