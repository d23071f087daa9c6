package loadgen_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/polystore/polystore/internal/loadgen"
)

// TestNilArguments checks that nil targets, handlers and functions get an
// error wrapping ErrConfig (or a 500 naming it) instead of a panic.
func TestNilArguments(t *testing.T) {
	if err := loadgen.Static("GET", "http://x/", nil, nil)(nil); !errors.Is(err, loadgen.ErrConfig) {
		t.Fatalf("Static(nil target): err = %v, want ErrConfig", err)
	}
	_, err := loadgen.HandlerClient(nil).Get("http://x/")
	if !errors.Is(err, loadgen.ErrConfig) {
		t.Fatalf("HandlerClient(nil): err = %v, want ErrConfig", err)
	}
	w := httptest.NewRecorder()
	loadgen.FuncHandler(nil).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), loadgen.ErrConfig.Error()) {
		t.Fatalf("FuncHandler(nil) answered %d %q, want 500 naming ErrConfig", w.Code, w.Body.String())
	}
	if _, err := loadgen.Run(context.Background(), loadgen.Config{}); !errors.Is(err, loadgen.ErrConfig) {
		t.Fatalf("Run(zero Config): err = %v, want ErrConfig", err)
	}
}
