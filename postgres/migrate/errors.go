package migrate

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

var (
	// ErrDestructive is matched by *DestructiveError.
	ErrDestructive = errors.New("migrate: destructive change refused")
	// ErrUnexecutable is matched by *UnexecutableError.
	ErrUnexecutable = errors.New("migrate: change cannot run on the current data")
	// ErrFailedMigration is matched by *MigrationError.
	ErrFailedMigration = errors.New("migrate: migration failed")
	// ErrDrift is matched by *DriftError.
	ErrDrift = errors.New("migrate: database drifted from the migrations")
	// ErrNoDatabase is returned by the functions that talk to PostgreSQL
	// when given a nil pool, connection or Querier.
	ErrNoDatabase = errors.New("migrate: no database (nil pool or connection)")
)

// noDatabase reports whether q is nil or a typed nil pointer (a nil
// *pgxpool.Pool, *pgx.Conn or pgx.Tx passed as a Querier).
func noDatabase(q any) bool {
	if q == nil {
		return true
	}
	v := reflect.ValueOf(q)
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return v.IsNil()
	}
	return false
}

// DriftError reports changes made to the database outside the migrations
// folder: Plan holds the steps from the replayed migrations to the live
// database. Reset the development database, or fold the changes into a
// migration by hand.
type DriftError struct {
	Plan *Plan
}

func (e *DriftError) Error() string {
	var b strings.Builder
	b.WriteString("migrate: the database schema is not in sync with the migration history; changes made outside the migrations:")
	for _, s := range e.Plan.Steps {
		b.WriteString("\n  [" + string(s.Kind) + "] " + s.Object)
	}
	b.WriteString("\nNext: in development, reset the database (polystore migrate reset; its data is lost);" +
		" to keep the changes, write them into a migration (polystore migrate diff --from-migrations DIR" +
		" --to-url URL --shadow-database-url SHADOW --script), add it to the folder and mark it applied" +
		" (polystore migrate resolve --applied NAME)")
	return b.String()
}

// Is matches ErrDrift.
func (e *DriftError) Is(target error) bool { return target == ErrDrift }

// DestructiveError lists the steps that could lose data; nothing was
// applied or written. Pass AllowDestructive to go ahead.
type DestructiveError struct {
	Steps []Step
	// DataLoss, when set, holds the warnings for the rows present (from
	// Dev), which the message gives instead of the steps'.
	DataLoss *DataLoss
}

func (e *DestructiveError) Error() string {
	var b strings.Builder
	b.WriteString("migrate: refusing destructive changes (allow them explicitly to proceed):")
	if e.DataLoss != nil {
		b.WriteString("\n\n" + e.DataLoss.WarningsText())
		return strings.TrimRight(b.String(), "\n")
	}
	for _, s := range e.Steps {
		for _, w := range s.Warnings {
			b.WriteString("\n  - " + w)
		}
		if len(s.Warnings) == 0 {
			b.WriteString("\n  - " + string(s.Kind) + " " + s.Object)
		}
	}
	return b.String()
}

// Is matches ErrDestructive.
func (e *DestructiveError) Is(target error) bool { return target == ErrDestructive }

// UnexecutableError reports a step that would fail on the rows present,
// such as a required column without a default on a non-empty table.
type UnexecutableError struct {
	Step Step
	// DataLoss, when set, holds the steps that cannot run on the rows
	// present (from Dev), which the message gives in Prisma's words.
	DataLoss *DataLoss
}

func (e *UnexecutableError) Error() string {
	if e.DataLoss != nil {
		return "migrate: " + strings.TrimRight(e.DataLoss.UnexecutableText(), "\n")
	}
	return fmt.Sprintf("migrate: %s on %s cannot run: the table is not empty. %s Add a default, make the field optional, or migrate in steps (expand, backfill, contract).",
		e.Step.Kind, e.Step.Object, strings.Join(e.Step.Warnings, " "))
}

// Is matches ErrUnexecutable.
func (e *UnexecutableError) Is(target error) bool { return target == ErrUnexecutable }

// MigrationError is a migration script that failed. Normally its
// transaction was rolled back, so none of it is applied; Partial is set for
// scripts that run outside a transaction (see InTransaction), where the
// statements before the failing one stay applied and the history row is
// left unfinished.
type MigrationError struct {
	Name    string
	Err     error
	Partial bool
}

func (e *MigrationError) Error() string {
	if e.Partial {
		return fmt.Sprintf("migrate: migration %s failed part-way (it runs outside a transaction); fix the database by hand, then mark it rolled back: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("migrate: migration %s failed and was rolled back: %v", e.Name, e.Err)
}

// Unwrap returns the database error.
func (e *MigrationError) Unwrap() error { return e.Err }

// Is matches ErrFailedMigration.
func (e *MigrationError) Is(target error) bool { return target == ErrFailedMigration }

// IsDestructive reports whether err refuses destructive changes.
func IsDestructive(err error) bool {
	var e *DestructiveError
	return errors.As(err, &e)
}
