package demo

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// System is a reference system that `polystore demo` and `polystore serve`
// run. One value serves one process: Setup once, then Handler and Run, then
// Close.
type System interface {
	// Info names the system. Name is lower-case letters only: it is the URL
	// prefix /<name>/, the page folder web/<name>/, the SSE topic and part of
	// the database names.
	Info() Info
	// Setup migrates and seeds the system's stores (idempotent: serve runs it
	// on every start against kept data) and starts its background workers.
	Setup(ctx context.Context, env *Env) error
	// Handler serves the system's API. It is mounted under /<name>/ with the
	// prefix stripped: a route "POST /orders" answers POST /<name>/orders.
	Handler() http.Handler
	// Run drives the scenario with generated load for opts.Duration at
	// opts.Rate, calls progress about once a second, and returns a summary
	// whose checks are the invariants it verified. When ctx is cancelled it
	// stops early and still checks its invariants on what happened (run the
	// checks under context.WithoutCancel(ctx)).
	Run(ctx context.Context, opts RunOptions, progress func(Progress)) (*Summary, error)
	// Close stops the background workers. It does not delete data: the
	// runner removes the system's databases and keys unless --keep.
	Close(ctx context.Context) error
}

// Info describes a system for the CLI and the index page.
type Info struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// DefaultRate is the demo's requests per second when --rate is not given.
	DefaultRate int `json:"-"`
}

// validName reports whether a system name is usable as URL prefix, folder,
// SSE topic and database name part.
func validName(n string) bool {
	if n == "" || len(n) > 20 {
		return false
	}
	return strings.Trim(n, "abcdefghijklmnopqrstuvwxyz") == ""
}

// RunOptions says how hard and how long Run drives its scenario.
type RunOptions struct {
	// Duration of the generated load (> 0).
	Duration time.Duration
	// Rate of the generated load in requests per second (> 0).
	Rate int
	// BaseURL is where the system's handler is served (e.g.
	// "http://127.0.0.1:8080/shop"), for systems that drive load over the
	// network; empty when there is no listener (tests call the handler
	// in-process).
	BaseURL string
}

// Metric is one number of a progress row or a summary. Key is stable (the
// page reads it from the "progress" event); Label is for people.
type Metric struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Value float64 `json:"value"`
	// Unit formats Value: "" (a count), "/s", "ms", "%". In a progress row,
	// rates ("/s") and latencies ("ms") cover the row's window (since the
	// previous row); other metrics are running totals or current levels.
	Unit string `json:"unit,omitempty"`
}

// String formats the metric as "label value".
func (m Metric) String() string {
	var v string
	switch m.Unit {
	case "ms":
		v = fmt.Sprintf("%.2fms", m.Value)
	case "%":
		v = fmt.Sprintf("%.1f%%", m.Value)
	case "/s":
		v = fmt.Sprintf("%.0f/s", m.Value)
	default:
		v = fmt.Sprintf("%.0f", m.Value)
	}
	return m.Label + " " + v
}

// Progress is one live row of a running scenario.
type Progress struct {
	Elapsed time.Duration
	Metrics []Metric
}

// Check is one invariant a scenario verified.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Summary is what Run found.
type Summary struct {
	Metrics []Metric `json:"metrics"`
	Checks  []Check  `json:"checks"`
}

// OK reports whether every check passed.
func (s *Summary) OK() bool {
	if s == nil {
		return false
	}
	for _, c := range s.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Env is what a system gets from the platform: connections to the three
// stores, already isolated for the system (its own PostgreSQL database and
// MongoDB database, a Redis key prefix), a logger and a live channel to its
// page.
type Env struct {
	// Name is the system's name.
	Name string
	// Logger writes to the terminal (stderr).
	Logger *slog.Logger

	// PG is a pool on the system's own database; PGURL is its URL.
	PG    *pgxpool.Pool
	PGURL string

	// Redis is a client of the shared server. Every key the system writes
	// must start with RedisPrefix (the runner deletes them by prefix); keys
	// that a script touches together share a hash tag, e.g.
	// RedisPrefix+"{sku}:stock".
	Redis       rueidis.Client
	RedisURL    string
	RedisPrefix string
	// RedisEmbedded is true when Redis is the in-process stand-in
	// (miniredis): no real concurrency, fewer commands.
	RedisEmbedded bool

	// Mongo is the system's own database; MongoURL the server's URL.
	Mongo    *mongo.Database
	MongoURL string
	// MongoEmbedded is true on the embedded FerretDB: keep MongoDB to inserts
	// and reads (no transactions, concurrent updates lose writes).
	MongoEmbedded bool

	// Publish sends an event to the system's page (SSE topic Name). It never
	// blocks. Nil-safe: a nil Publish (tests) discards.
	Publish func(event string, data any)
}

// Emit publishes through env.Publish when set.
func (e *Env) Emit(event string, data any) {
	if e != nil && e.Publish != nil {
		e.Publish(event, data)
	}
}
