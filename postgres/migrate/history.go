package migrate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// AdvisoryLockKey is the pg_advisory_lock key held while migrating. It is
// the key Prisma Migrate uses, so polystore and Prisma deployers exclude
// each other too.
const AdvisoryLockKey = 72707369

const historyDDL = `CREATE TABLE IF NOT EXISTS "` + HistoryTable + `" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`

// AppliedMigration is a row of the history table.
type AppliedMigration struct {
	ID                string
	Name              string
	Checksum          string
	StartedAt         time.Time
	FinishedAt        *time.Time
	RolledBackAt      *time.Time
	Logs              string
	AppliedStepsCount int
}

// Failed reports a migration that started and neither finished nor was rolled back.
func (a AppliedMigration) Failed() bool { return a.FinishedAt == nil && a.RolledBackAt == nil }

// withLock runs f on one connection holding the migration advisory lock.
func withLock(ctx context.Context, pool *pgxpool.Pool, f func(*pgx.Conn) error) error {
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: connect: %w", err)
	}
	defer pc.Release()
	conn := pc.Conn()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(AdvisoryLockKey)); err != nil {
		return fmt.Errorf("migrate: take advisory lock: %w", err)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(AdvisoryLockKey)); err != nil {
			// The lock dies with the session; make sure the session dies.
			pc.Hijack().Close(context.WithoutCancel(ctx))
		}
	}()
	if _, err := conn.Exec(ctx, historyDDL); err != nil {
		return fmt.Errorf("migrate: create %s: %w", HistoryTable, err)
	}
	return f(conn)
}

func readHistory(ctx context.Context, q Querier) ([]AppliedMigration, error) {
	rows, err := q.Query(ctx, `SELECT id, migration_name, checksum, started_at, finished_at, rolled_back_at, COALESCE(logs, ''), applied_steps_count
FROM "`+HistoryTable+`" ORDER BY started_at, migration_name`)
	if err != nil {
		return nil, fmt.Errorf("migrate: read %s: %w", HistoryTable, err)
	}
	var out []AppliedMigration
	for rows.Next() {
		var a AppliedMigration
		if err := rows.Scan(&a.ID, &a.Name, &a.Checksum, &a.StartedAt, &a.FinishedAt, &a.RolledBackAt, &a.Logs, &a.AppliedStepsCount); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// History returns the rows of the history table (none if it does not exist).
func History(ctx context.Context, pool *pgxpool.Pool) ([]AppliedMigration, error) {
	if pool == nil {
		return nil, ErrNoDatabase
	}
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", quoteIdent(HistoryTable)).Scan(&exists); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if !exists {
		return nil, nil
	}
	return readHistory(ctx, pool)
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Resolve settles a failed migration the way "prisma migrate resolve"
// does: applied=false marks it rolled back (deploy will run it again),
// applied=true records it as applied (deploy will skip it).
func Resolve(ctx context.Context, pool *pgxpool.Pool, dir, name string, applied bool) error {
	if pool == nil {
		return ErrNoDatabase
	}
	local, err := ReadMigrations(dir)
	if err != nil {
		return err
	}
	var m *Migration
	for i := range local {
		if local[i].Name == name {
			m = &local[i]
		}
	}
	if m == nil {
		return fmt.Errorf("migrate: resolve: no migration %s in %s", name, dir)
	}
	return withLock(ctx, pool, func(conn *pgx.Conn) error {
		tag, err := conn.Exec(ctx, `UPDATE "`+HistoryTable+`" SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`, name)
		if err != nil {
			return fmt.Errorf("migrate: resolve: %w", err)
		}
		if !applied {
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("migrate: resolve: %s is not a failed migration", name)
			}
			return nil
		}
		_, err = conn.Exec(ctx, `INSERT INTO "`+HistoryTable+`" (id, checksum, migration_name, started_at, finished_at, applied_steps_count, logs)
VALUES ($1, $2, $3, now(), now(), 0, 'marked applied by resolve')`, newID(), m.Checksum, name)
		if err != nil {
			return fmt.Errorf("migrate: resolve: %w", err)
		}
		return nil
	})
}

// Status compares a migrations folder with the history table.
type Status struct {
	Local   []Migration
	History []AppliedMigration
	// Pending are local migrations not applied yet, in order.
	Pending []string
	// Failed are migrations that started and did not finish.
	Failed []string
	// Modified are applied migrations whose file changed since.
	Modified []string
	// Missing are applied migrations absent from the folder.
	Missing []string
}

// UpToDate reports whether everything is applied and nothing is off.
func (s *Status) UpToDate() bool {
	return len(s.Pending) == 0 && len(s.Failed) == 0 && len(s.Modified) == 0 && len(s.Missing) == 0
}

// GetStatus reads the folder and the history table.
func GetStatus(ctx context.Context, pool *pgxpool.Pool, dir string) (*Status, error) {
	if pool == nil {
		return nil, ErrNoDatabase
	}
	local, err := ReadMigrations(dir)
	if err != nil {
		return nil, err
	}
	history, err := History(ctx, pool)
	if err != nil {
		return nil, err
	}
	st := &Status{Local: local, History: history}
	done := map[string]AppliedMigration{}
	for _, a := range history {
		if a.Failed() {
			st.Failed = append(st.Failed, a.Name)
		}
		if a.FinishedAt != nil && a.RolledBackAt == nil {
			done[a.Name] = a
		}
	}
	names := map[string]bool{}
	for _, m := range local {
		names[m.Name] = true
		a, ok := done[m.Name]
		switch {
		case !ok:
			st.Pending = append(st.Pending, m.Name)
		case a.Checksum != m.Checksum:
			st.Modified = append(st.Modified, m.Name)
		}
	}
	for _, a := range history {
		if _, ok := done[a.Name]; ok && !names[a.Name] {
			st.Missing = append(st.Missing, a.Name)
		}
	}
	return st, nil
}
