package migrate

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options tune Deploy, Dev, Apply and Reset. A nil *Options uses the defaults.
type Options struct {
	// AllowDestructive lets steps that may lose data run.
	AllowDestructive bool
	// Schemas are the database schemas under management (default: the current one).
	Schemas []string
	// Progress, when set, receives one line per step of a long run.
	Progress func(msg string)
	// Now overrides the clock used for migration folder names.
	Now func() time.Time
	// Shadow, when set, is a scratch database Dev wipes and replays the
	// migrations on, to detect drift: changes made to the development
	// database outside the migrations.
	Shadow *pgxpool.Pool
}

func (o *Options) progress(format string, args ...any) {
	if o != nil && o.Progress != nil {
		o.Progress(fmt.Sprintf(format, args...))
	}
}

func (o *Options) introspectOpts() *IntrospectOpts {
	if o == nil {
		return nil
	}
	return &IntrospectOpts{Schemas: o.Schemas}
}

func (o *Options) now() time.Time {
	if o != nil && o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// DeployResult says what Deploy did.
type DeployResult struct {
	Applied  []string // migrations applied by this call, in order
	Warnings []string // e.g. a migration changed after it was applied
}

// Deploy applies the pending migrations of dir in order, each in its own
// transaction together with its history row, while holding the migration
// advisory lock: concurrent deployers wait, then find nothing left to do.
// A failed migration is rolled back and recorded (rolled_back_at set), and
// Deploy stops with a *MigrationError.
func Deploy(ctx context.Context, pool *pgxpool.Pool, dir string, opts *Options) (*DeployResult, error) {
	if pool == nil {
		return nil, ErrNoDatabase
	}
	local, err := ReadMigrations(dir)
	if err != nil {
		return nil, err
	}
	res := &DeployResult{}
	err = withLock(ctx, pool, func(conn *pgx.Conn) error { return deployLocked(ctx, conn, local, res, opts) })
	return res, err
}

func deployLocked(ctx context.Context, conn *pgx.Conn, local []Migration, res *DeployResult, opts *Options) error {
	history, err := readHistory(ctx, conn)
	if err != nil {
		return err
	}
	applied := map[string]AppliedMigration{}
	for _, a := range history {
		if a.Failed() {
			return fmt.Errorf("%w: %s started at %s and did not finish; inspect the database, then mark it rolled back or applied", ErrFailedMigration, a.Name, a.StartedAt.Format(time.RFC3339))
		}
		if a.RolledBackAt == nil {
			applied[a.Name] = a
		}
	}
	localNames := map[string]bool{}
	for _, m := range local {
		localNames[m.Name] = true
		if a, ok := applied[m.Name]; ok && a.Checksum != m.Checksum {
			res.Warnings = append(res.Warnings, fmt.Sprintf("migration %s was modified after it was applied", m.Name))
		}
	}
	for _, a := range history {
		if a.RolledBackAt == nil && !localNames[a.Name] {
			res.Warnings = append(res.Warnings, fmt.Sprintf("migration %s is applied in the database but missing from the migrations folder", a.Name))
		}
	}
	var pending []Migration
	for _, m := range local {
		if _, ok := applied[m.Name]; !ok {
			pending = append(pending, m)
		}
	}
	for i, m := range pending {
		opts.progress("Applying migration %s (%d/%d)", m.Name, i+1, len(pending))
		start := time.Now()
		if err := applyMigration(ctx, conn, m); err != nil {
			return err
		}
		opts.progress("Applied %s in %s", m.Name, time.Since(start).Round(time.Millisecond))
		res.Applied = append(res.Applied, m.Name)
	}
	return nil
}

// outsideTx matches scripts that cannot run inside one transaction: they
// manage their own (BEGIN/COMMIT, as Prisma writes for enum changes), build
// indexes CONCURRENTLY, or add enum values that later statements use.
var outsideTx = regexp.MustCompile(`(?im)^\s*(BEGIN|COMMIT|START\s+TRANSACTION)\s*;|\bCONCURRENTLY\b|\bADD\s+VALUE\b`)

// InTransaction reports whether a migration script runs inside one
// transaction with its history row. Scripts matched by outsideTx run the
// way Prisma runs every script: a history row first, then the script, then
// finished_at; if such a script fails halfway the row stays unfinished and
// later deploys stop until someone looks.
func InTransaction(script string) bool { return !outsideTx.MatchString(script) }

func applyMigration(ctx context.Context, conn *pgx.Conn, m Migration) error {
	id := newID()
	insert := `INSERT INTO "` + HistoryTable + `" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`
	finish := `UPDATE "` + HistoryTable + `" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`
	if !InTransaction(m.SQL) {
		if _, err := conn.Exec(ctx, insert, id, m.Checksum, m.Name); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.Name, err)
		}
		// One statement at a time: a multi-statement query string would run
		// as one implicit transaction.
		for _, stmt := range SplitStatements(m.SQL) {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				if ctx.Err() == nil {
					// End a transaction the script opened itself (a no-op warning otherwise).
					_, _ = conn.Exec(ctx, "ROLLBACK")
					_, _ = conn.Exec(ctx, `UPDATE "`+HistoryTable+`" SET logs = $2 WHERE id = $1`, id, err.Error())
				}
				return &MigrationError{Name: m.Name, Err: err, Partial: true}
			}
		}
		if _, err := conn.Exec(ctx, finish, id); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.Name, err)
		}
		return nil
	}
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, insert, id, m.Checksum, m.Name); err != nil {
			return err
		}
		if strings.TrimSpace(m.SQL) != "" {
			// No arguments: the simple protocol runs the whole script.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, finish, id)
		return err
	})
	if err == nil {
		return nil
	}
	merr := &MigrationError{Name: m.Name, Err: err}
	if ctx.Err() == nil {
		_, _ = conn.Exec(ctx, `INSERT INTO "`+HistoryTable+`" (id, checksum, migration_name, started_at, rolled_back_at, logs) VALUES ($1, $2, $3, now(), now(), $4)`,
			id, m.Checksum, m.Name, err.Error())
	}
	return merr
}
