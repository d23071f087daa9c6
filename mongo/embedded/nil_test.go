package embedded_test

import (
	"context"
	"errors"
	"testing"

	"github.com/polystore/polystore/mongo/embedded"
)

// TestNotStarted checks that a nil Server, and one Start did not return,
// answer empty accessors and ErrNotStarted from Close instead of
// panicking.
func TestNotStarted(t *testing.T) {
	for _, s := range []*embedded.Server{nil, {}} {
		if s.URI() != "" || s.Addr() != "" || s.Dir() != "" || s.Backend() != "" {
			t.Fatalf("%v: accessors must be empty", s)
		}
		if err := s.Close(context.Background()); !errors.Is(err, embedded.ErrNotStarted) {
			t.Fatalf("%v: Close err = %v, want ErrNotStarted", s, err)
		}
	}
}
