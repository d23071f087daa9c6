package migrate

import (
	"context"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Check refuses a plan with destructive steps (unless allowed) and steps
// that cannot run on the rows present.
func Check(ctx context.Context, q Querier, plan *Plan, opts *Options) error {
	if noDatabase(q) {
		return ErrNoDatabase
	}
	if d := plan.Destructive(); len(d) > 0 && (opts == nil || !opts.AllowDestructive) {
		return &DestructiveError{Steps: d}
	}
	for _, s := range plan.Steps {
		if s.RequiresEmpty == "" {
			continue
		}
		var nonEmpty bool
		if err := queryRow(ctx, q, "SELECT EXISTS (SELECT 1 FROM "+s.RequiresEmpty+")", nil, &nonEmpty); err != nil {
			return fmt.Errorf("migrate: check rows of %s: %w", s.RequiresEmpty, err)
		}
		if nonEmpty {
			return &UnexecutableError{Step: s}
		}
	}
	return nil
}

// DevResult says what Dev did.
type DevResult struct {
	Deployed  []string   // pending migrations applied first
	Migration *Migration // the new migration, nil when the database already matched
	Plan      *Plan
	// DataLoss is what the new migration costs on the rows present.
	DataLoss *DataLoss
}

// Dev brings a development database in line with the schema the way
// "prisma migrate dev" does: it applies pending migrations, compares the
// database with the target, writes the difference as a new migration
// named name and applies it. Before anything is written it weighs the
// migration against the rows present as Prisma's migrate dev does
// (EvaluateDataLoss): a step that cannot run on them is refused
// (*UnexecutableError), and a data-loss warning needs
// Options.AllowDestructive (*DestructiveError); a destructive step that
// loses nothing here (an empty table or column dropped) goes ahead. With
// createOnly the migration is weighed the same way and written but not
// applied; steps that cannot run on the rows do not stop it then (they are
// in DevResult.DataLoss), since the file is meant to be edited first.
func Dev(ctx context.Context, pool *pgxpool.Pool, target *Database, dir, name string, createOnly bool, opts *Options) (*DevResult, error) {
	if pool == nil {
		return nil, ErrNoDatabase
	}
	res := &DevResult{}
	err := withLock(ctx, pool, func(conn *pgx.Conn) error {
		local, err := ReadMigrations(dir)
		if err != nil {
			return err
		}
		dr := &DeployResult{}
		if err := deployLocked(ctx, conn, local, dr, opts); err != nil {
			return err
		}
		res.Deployed = dr.Applied
		live, err := Introspect(ctx, conn, opts.introspectOpts())
		if err != nil {
			return err
		}
		if opts != nil && opts.Shadow != nil {
			if err := checkDrift(ctx, opts.Shadow, dir, live, opts); err != nil {
				return err
			}
		}
		res.Plan = Diff(live, target)
		if res.Plan.Empty() {
			return nil
		}
		// As Prisma's migrate dev, also with createOnly: a data-loss
		// warning needs consent; a step that cannot run on these rows is
		// refused, unless the migration is only written (to be edited,
		// for example into a RENAME or a backfill, and applied later).
		loss, err := EvaluateDataLoss(ctx, conn, res.Plan)
		if err != nil {
			return err
		}
		res.DataLoss = loss
		if len(loss.Unexecutable) > 0 && !createOnly {
			return &UnexecutableError{DataLoss: loss}
		}
		if len(loss.Warnings) > 0 && (opts == nil || !opts.AllowDestructive) {
			return &DestructiveError{Steps: res.Plan.Destructive(), DataLoss: loss}
		}
		m, err := WriteMigration(dir, name, res.Plan.SQL(), opts.now())
		if err != nil {
			return err
		}
		res.Migration = &m
		if createOnly {
			return nil
		}
		opts.progress("Applying migration %s", m.Name)
		return applyMigration(ctx, conn, m)
	})
	return res, err
}

// checkDrift replays the migrations on the shadow database and compares
// the result with the live one.
func checkDrift(ctx context.Context, shadow *pgxpool.Pool, dir string, live *Database, opts *Options) error {
	quiet := &Options{Schemas: opts.Schemas}
	if _, err := Reset(ctx, shadow, dir, quiet); err != nil {
		return fmt.Errorf("migrate: replay migrations on the shadow database: %w", err)
	}
	replayed, err := Introspect(ctx, shadow, quiet.introspectOpts())
	if err != nil {
		return err
	}
	if plan := Diff(replayed, live); !plan.Empty() {
		return &DriftError{Plan: plan}
	}
	return nil
}

// PlanChanges introspects the database and diffs it against target.
func PlanChanges(ctx context.Context, q Querier, target *Database, opts *Options) (*Plan, error) {
	if noDatabase(q) {
		return nil, ErrNoDatabase
	}
	live, err := Introspect(ctx, q, opts.introspectOpts())
	if err != nil {
		return nil, err
	}
	return Diff(live, target), nil
}

// Apply runs a plan in one transaction under the migration lock, without
// writing history (like "db push"). Destructive and unexecutable steps are
// refused first.
func Apply(ctx context.Context, pool *pgxpool.Pool, plan *Plan, opts *Options) error {
	if pool == nil {
		return ErrNoDatabase
	}
	return withLock(ctx, pool, func(conn *pgx.Conn) error {
		if err := Check(ctx, conn, plan, opts); err != nil {
			return err
		}
		// New enum values must be committed before other statements use
		// them, so additions run first, each on its own.
		var rest []Step
		for _, s := range plan.Steps {
			if s.Kind != AlterEnum || s.Destructive {
				rest = append(rest, s)
				continue
			}
			opts.progress("%s %s", s.Kind, s.Object)
			if _, err := conn.Exec(ctx, s.SQL); err != nil {
				return fmt.Errorf("migrate: %s %s: %w", s.Kind, s.Object, err)
			}
		}
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			for i, s := range rest {
				opts.progress("%s %s (%d/%d)", s.Kind, s.Object, i+1, len(rest))
				// A step's own BEGIN/COMMIT (Prisma's enum rebuild) would end
				// this transaction early: here the whole plan is one.
				if _, err := tx.Exec(ctx, txControlRE.ReplaceAllString(s.SQL, "")); err != nil {
					return fmt.Errorf("migrate: %s %s: %w", s.Kind, s.Object, err)
				}
			}
			return nil
		})
	})
}

var txControlRE = regexp.MustCompile(`(?m)^(BEGIN|COMMIT);\n?`)

// Reset drops every managed schema (with all data), recreates it and
// applies all migrations of dir. Callers must confirm with the user first.
func Reset(ctx context.Context, pool *pgxpool.Pool, dir string, opts *Options) (*DeployResult, error) {
	if err := DropSchemas(ctx, pool, opts); err != nil {
		return nil, err
	}
	return Deploy(ctx, pool, dir, opts)
}

// DropSchemas drops every managed schema (opts.Schemas, else the current
// schema) with all it holds and recreates it empty, in one transaction:
// the reset of prisma migrate reset and prisma db push --force-reset.
// Callers must confirm with the user first.
func DropSchemas(ctx context.Context, pool *pgxpool.Pool, opts *Options) error {
	if pool == nil {
		return ErrNoDatabase
	}
	schemas := []string(nil)
	if opts != nil {
		schemas = opts.Schemas
	}
	if len(schemas) == 0 {
		var cur string
		if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&cur); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		schemas = []string{cur}
	}
	return withLock(ctx, pool, func(conn *pgx.Conn) error {
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			for _, s := range schemas {
				opts.progress("Dropping schema %s", s)
				if _, err := tx.Exec(ctx, "DROP SCHEMA IF EXISTS "+quoteIdent(s)+" CASCADE"); err != nil {
					return fmt.Errorf("migrate: reset: %w", err)
				}
				if _, err := tx.Exec(ctx, "CREATE SCHEMA "+quoteIdent(s)); err != nil {
					return fmt.Errorf("migrate: reset: %w", err)
				}
			}
			return nil
		})
	})
}
