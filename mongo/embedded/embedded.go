package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// ErrClosed is returned by Close when the server was already closed.
var ErrClosed = errors.New("embedded: server already closed")

// ErrNotStarted is returned by Close of a nil Server or of one that Start
// did not return.
var ErrNotStarted = errors.New("embedded: server not started")

// Config says where the embedded server listens and keeps its data.
type Config struct {
	// Addr is the TCP address to listen on. Empty means "127.0.0.1:0",
	// a free port on the loopback interface.
	Addr string
	// Dir is the directory for the SQLite backend's files. It is created
	// when missing. Ignored when PostgreSQLURL is set. Empty means a new
	// temporary directory that Close removes.
	Dir string
	// PostgreSQLURL selects FerretDB's PostgreSQL backend instead of SQLite,
	// e.g. "postgres://postgres@127.0.0.1:5432/ferretdb".
	PostgreSQLURL string
	// Logger receives FerretDB's logs. Nil discards them.
	Logger *slog.Logger
	// DisableWriteGate lets clients talk to FerretDB directly, without the
	// write gate that serializes write commands per database. Concurrent
	// updates of one document then lose writes; it exists to measure what
	// the gate costs.
	DisableWriteGate bool
}

// Server is a running embedded FerretDB listener.
type Server struct {
	uri     string
	addr    string
	dir     string
	tempDir bool
	backend string

	gate   *gate
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Start starts an embedded server and returns once it accepts connections.
// ctx bounds the start only; the server runs until Close is called.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("embedded: invalid listen address %q: %w", cfg.Addr, err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	s := &Server{done: make(chan struct{})}
	ferretAddr := cfg.Addr
	var ln net.Listener
	if !cfg.DisableWriteGate {
		// Clients connect to the gate on cfg.Addr; FerretDB listens on a
		// free loopback port behind it.
		var err error
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return nil, fmt.Errorf("embedded: listen on %s: %w", cfg.Addr, err)
		}
		ferretAddr = "127.0.0.1:0"
	}
	fc := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: ferretAddr},
		Logger:   logger,
	}
	if cfg.PostgreSQLURL != "" {
		s.backend = "postgresql"
		fc.Handler = "postgresql"
		fc.PostgreSQLURL = cfg.PostgreSQLURL
	} else {
		s.backend = "sqlite"
		dir := cfg.Dir
		if dir == "" {
			d, err := os.MkdirTemp("", "polystore-ferretdb-")
			if err != nil {
				closeListener(ln)
				return nil, fmt.Errorf("embedded: create data directory: %w", err)
			}
			dir, s.tempDir = d, true
		} else if err := os.MkdirAll(dir, 0o700); err != nil {
			closeListener(ln)
			return nil, fmt.Errorf("embedded: create data directory: %w", err)
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			closeListener(ln)
			s.removeTemp()
			return nil, fmt.Errorf("embedded: data directory: %w", err)
		}
		s.dir = abs
		fc.Handler = "sqlite"
		// FerretDB wants a file: URI naming an existing directory, with a trailing slash.
		fc.SQLiteURL = "file:" + abs + "/"
	}

	f, err := ferretdb.New(fc)
	if err != nil {
		closeListener(ln)
		s.removeTemp()
		return nil, fmt.Errorf("embedded: start FerretDB (%s backend): %w", s.backend, err)
	}

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	go func() {
		defer close(s.done)
		_ = f.Run(runCtx)
	}()

	// New has already bound the listener, so the URI is available at once.
	s.uri = f.MongoDBURI()
	s.addr = s.uri[len("mongodb://") : len(s.uri)-1]
	if ln != nil {
		s.gate = newGate(ln, s.addr)
		go s.gate.serve()
		s.addr = ln.Addr().String()
		s.uri = "mongodb://" + s.addr + "/"
	}
	return s, nil
}

// Version returns the FerretDB module version linked into this binary,
// e.g. "v1.24.2", or "unknown".
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/FerretDB/FerretDB" {
				return d.Version
			}
		}
	}
	return "unknown"
}

// URI returns the mongodb:// connection string of the server.
func (s *Server) URI() string {
	if s == nil {
		return ""
	}
	return s.uri
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string {
	if s == nil {
		return ""
	}
	return s.addr
}

// Dir returns the data directory of the SQLite backend ("" for PostgreSQL).
func (s *Server) Dir() string {
	if s == nil {
		return ""
	}
	return s.dir
}

// Backend returns "sqlite" or "postgresql".
func (s *Server) Backend() string {
	if s == nil {
		return ""
	}
	return s.backend
}

// Close stops the listener and waits up to ctx's deadline (or 5 seconds
// when ctx has none) for open connections to finish. Clients should
// disconnect before Close; connections still open are cut when the wait
// ends. A temporary data directory is removed.
func (s *Server) Close(ctx context.Context) error {
	if s == nil || s.cancel == nil {
		return ErrNotStarted
	}
	err := ErrClosed
	s.once.Do(func() {
		err = nil
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
		}
		if s.gate != nil && !s.gate.close(ctx) {
			err = fmt.Errorf("embedded: waiting for connections to close: %w", ctx.Err())
		}
		// Behind the gate FerretDB's own connections are closed by now.
		s.cancel()
		select {
		case <-s.done:
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("embedded: waiting for connections to close: %w", ctx.Err())
			}
		}
		s.removeTemp()
	})
	return err
}

func closeListener(ln net.Listener) {
	if ln != nil {
		_ = ln.Close()
	}
}

func (s *Server) removeTemp() {
	if s.tempDir && s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}
