package server

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/polystore/polystore/internal/devenv"
)

// Checker reports the health of each store.
type Checker interface {
	Check(ctx context.Context, unresolved map[devenv.Store]error) []devenv.Status
}

// Config configures the HTTP server.
type Config struct {
	// Addr is the listen address, e.g. "127.0.0.1:8080".
	Addr string
	// Health is asked by /healthz.
	Health Checker
	// Unresolved lists stores that could not be resolved at start.
	Unresolved map[devenv.Store]error
	// ShutdownTimeout bounds graceful shutdown. Zero means 5 seconds.
	ShutdownTimeout time.Duration
	// Routes, when set, serves every request instead of Handler(cfg); build
	// it around Handler(cfg) to keep /healthz (cmd/polystore adds the
	// dashboard and the reference systems this way).
	Routes http.Handler
}

// Health is the JSON body of /healthz.
type Health struct {
	Status string          `json:"status"` // "ok" or "degraded"
	Stores []devenv.Status `json:"stores"`
}

// Handler returns the server's routes.
func Handler(cfg Config) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		h := Health{Status: "ok", Stores: cfg.Health.Check(ctx, cfg.Unresolved)}
		code := http.StatusOK
		for _, s := range h.Stores {
			if !s.OK {
				h.Status, code = "degraded", http.StatusServiceUnavailable
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(h)
	})
	return mux
}

// Run listens on cfg.Addr and serves until ctx is cancelled, then shuts
// down gracefully. ready, when not nil, receives the bound address.
func Run(ctx context.Context, cfg Config, ready func(addr string)) error {
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	h := cfg.Routes
	if h == nil {
		h = Handler(cfg)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if ready != nil {
		ready(l.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	timeout := cfg.ShutdownTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
