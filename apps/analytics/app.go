package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/redis/stream"
)

// ErrInvalidConfig reports an unusable Config or a missing store.
var ErrInvalidConfig = errors.New("analytics: invalid config")

// ErrInvalid reports a method called on a nil *App, *Counters, *Reader,
// *Validator, *Batch or *System, or a System set up without an
// environment.
var ErrInvalid = errors.New("analytics: invalid argument")

// Config wires the app to its stores. Redis is required; MongoDB
// (rollups) and PostgreSQL (segments) are optional, and the parts that
// need them report ErrInvalidConfig without them.
type Config struct {
	Redis    rueidis.Client
	Mongo    *mongo.Database
	Postgres *pgxpool.Pool

	// Prefix starts every Redis key; it must hold a hash tag (default
	// DefaultPrefix).
	Prefix string
	// EventTypes, when set, are the only types accepted.
	EventTypes []string
	// Breakdowns are the metadata keys counted per minute (default
	// country, device).
	Breakdowns []string
	// OrderType is the event type whose values are orders in the segment
	// tables (default "purchase").
	OrderType string
	// Retention is how long minute counters stay in Redis after their
	// minute (default 3h; at least 2h, for hour rollups and 60-minute
	// series).
	Retention time.Duration
	// MaxBacklog bounds the stream: past this many unacknowledged entries
	// ingest answers 503 (default 100,000 entries of up to 1,000 events).
	MaxBacklog int64
	Limits     Limits
	// Clock is the time source (default time.Now).
	Clock  func() time.Time
	Logger *slog.Logger
}

// App is the analytics system: ingest, counters, rollups, segments and
// the HTTP API.
type App struct {
	redis     rueidis.Client
	pg        *orm.Client
	rollups   *odm.Model[Rollup]
	k         keys
	validator *Validator
	counters  *Counters
	reader    *Reader
	orderType string
	leaseTTL  time.Duration
	now       func() time.Time
	log       *slog.Logger
	cfg       Config
}

// Counters records accepted events in Redis (see Record).
type Counters struct {
	client     rueidis.Client
	k          keys
	retention  time.Duration
	breakdowns []string
	maxBacklog int64
	now        func() time.Time
	stream     *stream.Stream

	backlog   atomic.Int64
	checkMu   sync.Mutex
	checkedAt atomic.Int64 // unix ms of the last backlog check
}

// New returns an App; it does no I/O (call Setup once).
func New(cfg Config) (*App, error) {
	if cfg.Redis == nil {
		return nil, fmt.Errorf("%w: Redis is required", ErrInvalidConfig)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.Breakdowns == nil {
		cfg.Breakdowns = []string{"country", "device"}
	}
	if cfg.OrderType == "" {
		cfg.OrderType = "purchase"
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 3 * time.Hour
	}
	if cfg.Retention < 2*time.Hour {
		return nil, fmt.Errorf("%w: Retention must be at least 2h (hour rollups read 60 minutes)", ErrInvalidConfig)
	}
	if cfg.MaxBacklog <= 0 {
		cfg.MaxBacklog = 100_000
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	k := keys{p: cfg.Prefix}
	a := &App{
		redis: cfg.Redis, k: k, orderType: cfg.OrderType, leaseTTL: 10 * time.Second,
		now: cfg.Clock, log: cfg.Logger, cfg: cfg,
		validator: NewValidator(cfg.Limits, cfg.EventTypes, cfg.Clock),
	}
	a.counters = &Counters{
		client: cfg.Redis, k: k, retention: cfg.Retention, breakdowns: cfg.Breakdowns,
		maxBacklog: cfg.MaxBacklog, now: cfg.Clock,
		stream: stream.New(cfg.Redis, k.stream(), &stream.Options{MaxLen: -1}),
	}
	a.reader = newReader(cfg.Redis, k, a.validator.Limits().MaxAge, cfg.Clock)
	if cfg.Postgres != nil {
		a.pg = orm.NewWithPool(cfg.Postgres, nil)
	}
	if cfg.Mongo != nil {
		s, err := RollupSchema(false)
		if err != nil {
			return nil, err
		}
		if a.rollups, err = odm.NewModel[Rollup](cfg.Mongo, "Rollup", s, &odm.ModelOpts{Collection: "analytics_rollups"}); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Setup creates what the stores need: the PostgreSQL schema and view, the
// rollup collection and its indexes. It is safe to run concurrently and
// repeatedly.
func (a *App) Setup(ctx context.Context) error {
	if a == nil {
		return fmt.Errorf("%w: nil *App", ErrInvalid)
	}
	if a.pg != nil {
		if err := a.setupPostgres(ctx); err != nil {
			return err
		}
	}
	if a.rollups != nil {
		if err := a.rollups.CreateCollection(ctx); err != nil {
			return fmt.Errorf("analytics: create rollup collection: %w", err)
		}
	}
	return nil
}

// Validator returns the ingest validator.
func (a *App) Validator() *Validator {
	if a == nil {
		return nil
	}
	return a.validator
}

// Counters returns the Redis counters.
func (a *App) Counters() *Counters {
	if a == nil {
		return nil
	}
	return a.counters
}

// Reader returns the minute reader.
func (a *App) Reader() *Reader {
	if a == nil {
		return nil
	}
	return a.reader
}

// StreamKey returns the key of the event stream.
func (a *App) StreamKey() string {
	if a == nil {
		return ""
	}
	return a.k.stream()
}

// Ingest validates a batch and records the valid events; it returns the
// number accepted and the rejections. A batch that cannot be read is a
// *BatchError; ErrBacklogFull means nothing was recorded.
func (a *App) Ingest(ctx context.Context, body []byte) (int, []Rejection, error) {
	if a == nil {
		return 0, nil, fmt.Errorf("%w: nil *App", ErrInvalid)
	}
	good, bad, err := a.validator.Parse(body)
	if err != nil {
		return 0, nil, err
	}
	if len(good) == 0 {
		return 0, bad, nil
	}
	if _, err := a.counters.Record(ctx, good); err != nil {
		return 0, bad, err
	}
	return len(good), bad, nil
}

// Backlog trims the stream below the oldest entry the rollups still need
// and returns how many entries it holds (what MaxBacklog bounds).
func (c *Counters) Backlog(ctx context.Context) (int64, error) {
	if c == nil {
		return 0, fmt.Errorf("%w: nil *Counters", ErrInvalid)
	}
	if _, err := c.stream.TrimAcked(ctx); err != nil {
		return 0, err
	}
	n, err := c.stream.Len(ctx)
	if err != nil {
		return 0, err
	}
	c.backlog.Store(n)
	c.checkedAt.Store(c.now().UnixMilli())
	return n, nil
}

// checkBacklog refreshes the backlog at most once a second, by one caller
// at a time, in the background: no batch waits for the four round trips
// (XINFO, XPENDING, XTRIM, XLEN), and a slow or failed check leaves the
// last figure in force until the next one — trimming less never drops work.
func (c *Counters) checkBacklog(ctx context.Context) {
	if c.now().UnixMilli()-c.checkedAt.Load() < 1000 || !c.checkMu.TryLock() {
		return
	}
	c.checkedAt.Store(c.now().UnixMilli())
	go func() {
		defer c.checkMu.Unlock()
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = c.Backlog(cctx)
	}()
}
