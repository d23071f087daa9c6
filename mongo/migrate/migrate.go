package migrate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/mongo/odm"
)

// DefaultHistory is the collection holding the applied migrations and the
// lock document.
const DefaultHistory = "polystore_migrations"

const lockID = "lock"

// Errors callers branch on.
var (
	// ErrInvalid is wrapped by errors about the migrations themselves
	// (empty or duplicate IDs, nothing to run), a nil database and the
	// methods of a nil *Runner.
	ErrInvalid = errors.New("migrate: invalid migration")
	// ErrLocked is returned when the lock could not be taken in time.
	ErrLocked = errors.New("migrate: another runner holds the lock")
	// ErrNoDown is returned by Down for a migration without Down.
	ErrNoDown = errors.New("migrate: migration cannot be reverted")

	errNilRunner = fmt.Errorf("%w: nil *Runner", ErrInvalid)
)

// IndexSyncer is what a migration needs of a model to change its indexes:
// *odm.Model[T] satisfies it.
type IndexSyncer interface {
	Name() string
	SyncIndexes(ctx context.Context, opts *odm.SyncIndexesOpts) (*odm.IndexDiff, error)
}

// Migration is one step.
type Migration struct {
	// ID orders and names the migration ("2024_05_01_user_email").
	ID          string
	Description string
	// Indexes are the models whose declared indexes this migration
	// applies (SyncIndexes: create missing, recreate changed, drop the
	// ones it created that are no longer declared).
	Indexes []IndexSyncer
	// Up changes the data (a backfill); it runs after the indexes.
	Up func(ctx context.Context, db *mongo.Database) error
	// Down reverts Up (optional).
	Down func(ctx context.Context, db *mongo.Database) error
}

// Opts tune a Runner.
type Opts struct {
	// History is the collection of applied migrations (DefaultHistory).
	History string
	// LockTTL is how long a runner's lock lasts without renewal (default
	// 1 minute; renewed every third of it while migrations run).
	LockTTL time.Duration
	// LockWait is how long to wait for another runner's lock (default 5
	// minutes); ErrLocked after it.
	LockWait time.Duration
	// Owner names this runner in the lock (default host:pid:random).
	Owner string
	// Clock is the time source (default time.Now).
	Clock func() time.Time
}

// Runner applies migrations to one database.
type Runner struct {
	db   *mongo.Database
	hist *mongo.Collection
	migs []Migration
	o    Opts
}

// New checks the migrations (non-empty unique IDs, something to run) and
// returns a runner applying them in ID order.
func New(db *mongo.Database, migs []Migration, o *Opts) (*Runner, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: no database", ErrInvalid)
	}
	r := &Runner{db: db, migs: slices.Clone(migs)}
	if o != nil {
		r.o = *o
	}
	if r.o.History == "" {
		r.o.History = DefaultHistory
	}
	if r.o.LockTTL <= 0 {
		r.o.LockTTL = time.Minute
	}
	if r.o.LockWait <= 0 {
		r.o.LockWait = 5 * time.Minute
	}
	if r.o.Clock == nil {
		r.o.Clock = time.Now
	}
	if r.o.Owner == "" {
		host, _ := os.Hostname()
		r.o.Owner = host + ":" + strconv.Itoa(os.Getpid()) + ":" + bson.NewObjectID().Hex()
	}
	seen := map[string]bool{}
	for _, m := range r.migs {
		switch {
		case m.ID == "" || m.ID == lockID:
			return nil, fmt.Errorf("%w: ID %q", ErrInvalid, m.ID)
		case seen[m.ID]:
			return nil, fmt.Errorf("%w: duplicate ID %q", ErrInvalid, m.ID)
		case m.Up == nil && len(m.Indexes) == 0:
			return nil, fmt.Errorf("%w: %s has neither indexes nor Up", ErrInvalid, m.ID)
		}
		seen[m.ID] = true
	}
	slices.SortFunc(r.migs, func(a, b Migration) int { return cmpString(a.ID, b.ID) })
	r.hist = db.Collection(r.o.History)
	return r, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// record is a history document.
type record struct {
	ID          string    `bson:"_id"`
	Description string    `bson:"description,omitempty"`
	AppliedAt   time.Time `bson:"appliedAt"`
	DurationMS  int64     `bson:"durationMs"`
	Owner       string    `bson:"owner"`
}

// Status is one migration's state.
type Status struct {
	ID          string
	Description string
	Applied     bool
	AppliedAt   time.Time
	Duration    time.Duration
	// Unknown is set for a history entry no registered migration has
	// (applied by a newer or other program).
	Unknown bool
}

// Status lists every migration, applied or pending, in order, followed by
// history entries of unknown migrations.
func (r *Runner) Status(ctx context.Context) ([]Status, error) {
	if r == nil {
		return nil, errNilRunner
	}
	applied, err := r.applied(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(r.migs))
	for _, m := range r.migs {
		s := Status{ID: m.ID, Description: m.Description}
		if rec, ok := applied[m.ID]; ok {
			s.Applied, s.AppliedAt, s.Duration = true, rec.AppliedAt, time.Duration(rec.DurationMS)*time.Millisecond
			delete(applied, m.ID)
		}
		out = append(out, s)
	}
	var unknown []Status
	for _, rec := range applied {
		unknown = append(unknown, Status{ID: rec.ID, Description: rec.Description, Applied: true, Unknown: true,
			AppliedAt: rec.AppliedAt, Duration: time.Duration(rec.DurationMS) * time.Millisecond})
	}
	slices.SortFunc(unknown, func(a, b Status) int { return cmpString(a.ID, b.ID) })
	return append(out, unknown...), nil
}

func (r *Runner) applied(ctx context.Context) (map[string]record, error) {
	cur, err := r.hist.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: lockID}}}})
	if err != nil {
		return nil, err
	}
	var recs []record
	if err := cur.All(ctx, &recs); err != nil {
		return nil, err
	}
	out := make(map[string]record, len(recs))
	for _, rec := range recs {
		out[rec.ID] = rec
	}
	return out, nil
}

// UpOpts tune Up.
type UpOpts struct {
	// DryRun reports what would run, with each migration's index diff,
	// and changes nothing (no lock, no history, no data).
	DryRun bool
	// To stops after the migration with this ID ("" runs all).
	To string
}

// Step is what Up did (or would do) for one migration.
type Step struct {
	ID string
	// Indexes is the SyncIndexes diff per model name.
	Indexes map[string]*odm.IndexDiff
	// Data is true when the migration has an Up function (run, or to run).
	Data     bool
	Duration time.Duration
}

// Up applies the pending migrations in order, each once: under the lock it
// reads the history, runs each pending migration (indexes, then Up) and
// records it. It stops at the first failure, which is returned with the
// steps done so far; that migration is not recorded.
func (r *Runner) Up(ctx context.Context, o *UpOpts) ([]Step, error) {
	if r == nil {
		return nil, errNilRunner
	}
	if o == nil {
		o = &UpOpts{}
	}
	if o.To != "" && !slices.ContainsFunc(r.migs, func(m Migration) bool { return m.ID == o.To }) {
		return nil, fmt.Errorf("%w: no migration %q", ErrInvalid, o.To)
	}
	if o.DryRun {
		return r.plan(ctx, o)
	}
	var steps []Step
	err := r.locked(ctx, func(ctx context.Context) error {
		applied, err := r.applied(ctx)
		if err != nil {
			return err
		}
		for _, m := range r.migs {
			if _, done := applied[m.ID]; !done {
				st, err := r.apply(ctx, m)
				if err != nil {
					return fmt.Errorf("migrate: %s: %w", m.ID, err)
				}
				steps = append(steps, st)
			}
			if m.ID == o.To {
				break
			}
		}
		return nil
	})
	return steps, err
}

func (r *Runner) plan(ctx context.Context, o *UpOpts) ([]Step, error) {
	applied, err := r.applied(ctx)
	if err != nil {
		return nil, err
	}
	var steps []Step
	for _, m := range r.migs {
		if _, done := applied[m.ID]; !done {
			st := Step{ID: m.ID, Data: m.Up != nil, Indexes: map[string]*odm.IndexDiff{}}
			for _, ix := range m.Indexes {
				d, err := ix.SyncIndexes(ctx, &odm.SyncIndexesOpts{DryRun: true})
				if err != nil {
					return steps, fmt.Errorf("migrate: %s: %s indexes: %w", m.ID, ix.Name(), err)
				}
				st.Indexes[ix.Name()] = d
			}
			steps = append(steps, st)
		}
		if m.ID == o.To {
			break
		}
	}
	return steps, nil
}

func (r *Runner) apply(ctx context.Context, m Migration) (Step, error) {
	start := r.o.Clock()
	st := Step{ID: m.ID, Data: m.Up != nil, Indexes: map[string]*odm.IndexDiff{}}
	for _, ix := range m.Indexes {
		d, err := ix.SyncIndexes(ctx, nil)
		if err != nil {
			return st, fmt.Errorf("%s indexes: %w", ix.Name(), err)
		}
		st.Indexes[ix.Name()] = d
	}
	if m.Up != nil {
		if err := m.Up(ctx, r.db); err != nil {
			return st, err
		}
	}
	st.Duration = r.o.Clock().Sub(start)
	rec := record{ID: m.ID, Description: m.Description, AppliedAt: r.o.Clock().UTC().Truncate(time.Millisecond),
		DurationMS: st.Duration.Milliseconds(), Owner: r.o.Owner}
	if _, err := r.hist.InsertOne(ctx, rec); err != nil {
		return st, fmt.Errorf("record: %w", err)
	}
	return st, nil
}

// Down reverts the last applied migration (by ID order) with its Down
// function and removes it from the history; it returns the reverted ID, or
// "" when nothing is applied.
func (r *Runner) Down(ctx context.Context) (string, error) {
	if r == nil {
		return "", errNilRunner
	}
	var id string
	err := r.locked(ctx, func(ctx context.Context) error {
		applied, err := r.applied(ctx)
		if err != nil {
			return err
		}
		for i := len(r.migs) - 1; i >= 0; i-- {
			m := r.migs[i]
			if _, done := applied[m.ID]; !done {
				continue
			}
			if m.Down == nil {
				return fmt.Errorf("%w: %s", ErrNoDown, m.ID)
			}
			if err := m.Down(ctx, r.db); err != nil {
				return fmt.Errorf("migrate: %s down: %w", m.ID, err)
			}
			if _, err := r.hist.DeleteOne(ctx, bson.D{{Key: "_id", Value: m.ID}}); err != nil {
				return err
			}
			id = m.ID
			return nil
		}
		return nil
	})
	return id, err
}

// locked runs fn while holding the lock document, renewing it; fn's ctx
// is cancelled if the lock is lost.
func (r *Runner) locked(ctx context.Context, fn func(ctx context.Context) error) error {
	if err := r.acquire(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.o.LockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				res, err := r.hist.UpdateOne(ctx, bson.D{{Key: "_id", Value: lockID}, {Key: "owner", Value: r.o.Owner}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "expiresAt", Value: r.o.Clock().Add(r.o.LockTTL)}}}})
				if err == nil && res.MatchedCount == 0 {
					cancel(fmt.Errorf("%w: lock lost", ErrLocked))
					return
				}
			}
		}
	}()
	err := fn(ctx)
	close(stop)
	wg.Wait()
	if cause := context.Cause(ctx); err != nil && errors.Is(cause, ErrLocked) {
		err = errors.Join(err, cause)
	}
	cancel(nil)
	_, rerr := r.hist.DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: lockID}, {Key: "owner", Value: r.o.Owner}})
	return errors.Join(err, rerr)
}

// acquire inserts the lock document, taking over an expired one, and
// waits (polling) while another runner holds it.
func (r *Runner) acquire(ctx context.Context) error {
	deadline := time.Now().Add(r.o.LockWait) // waiting is wall time, expiry the Clock's
	wait := 20 * time.Millisecond
	for {
		now := r.o.Clock()
		_, err := r.hist.InsertOne(ctx, bson.D{{Key: "_id", Value: lockID}, {Key: "owner", Value: r.o.Owner},
			{Key: "expiresAt", Value: now.Add(r.o.LockTTL)}})
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return err
		}
		// Held: take it over when it expired (its runner died).
		res, err := r.hist.DeleteOne(ctx, bson.D{{Key: "_id", Value: lockID},
			{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}})
		if err != nil {
			return err
		}
		if res.DeletedCount > 0 {
			continue // taken over: try again at once
		}
		if time.Now().After(deadline) {
			return ErrLocked
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, 500*time.Millisecond)
	}
}
