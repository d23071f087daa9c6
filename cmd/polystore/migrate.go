package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

// migrateFlags are shared by the migrate subcommands.
type migrateFlags struct {
	schema  string
	dir     string
	url     string
	schemas []string
}

func (f *migrateFlags) register(cmd *cobra.Command) {
	schemaFlag(cmd, &f.schema)
	cmd.Flags().StringVar(&f.dir, "dir", "", "migrations folder (default: migrations/ beside the schema)")
	cmd.Flags().StringVar(&f.url, "url", "", "database URL (default: the schema's datasource url, DATABASE_URL, POLYSTORE_PG_URL)")
	cmd.Flags().StringSliceVar(&f.schemas, "db-schema", nil, "database schemas to manage (default: the current schema)")
}

func (f *migrateFlags) schemaPath() string { return schemaPath(f.schema) }

func (f *migrateFlags) migrationsDir() string {
	if f.dir != "" {
		return f.dir
	}
	return filepath.Join(filepath.Dir(f.schemaPath()), "migrations")
}

// loadSchema loads the schema file, or returns nil when it does not exist
// and need is false.
func (f *migrateFlags) loadSchema(need bool) (*psl.Schema, error) {
	p := f.schemaPath()
	if _, err := os.Stat(p); err != nil && !need {
		return nil, nil
	}
	s, err := psl.LoadFile(p)
	return s, schemaNotFound(err, f.schema)
}

// databaseURL picks the URL: --url, the schema's datasource, DATABASE_URL,
// POLYSTORE_PG_URL.
func (f *migrateFlags) databaseURL(s *psl.Schema) (string, error) {
	u, _, err := f.databaseURLFrom(s)
	return u, err
}

// databaseURLFrom is databaseURL with where the URL came from ("--url",
// "DATABASE_URL"...), for messages.
func (f *migrateFlags) databaseURLFrom(s *psl.Schema) (url, from string, err error) {
	if f.url != "" {
		return f.url, "--url", nil
	}
	envs := []string{"DATABASE_URL", devenv.EnvPostgresURL}
	if s != nil && s.Datasource != nil {
		u := s.Datasource.URL
		if u.EnvVar != "" {
			if v := os.Getenv(u.EnvVar); v != "" {
				return v, u.EnvVar + " (the schema's datasource url)", nil
			}
			if u.EnvVar != envs[0] {
				envs = append([]string{u.EnvVar}, envs...)
			}
		} else if u.Value != "" {
			return u.Value, "the schema's datasource url", nil
		}
	}
	for _, env := range envs {
		if v := os.Getenv(env); v != "" {
			return v, env, nil
		}
	}
	return "", "", fmt.Errorf("no database URL: pass --url or set %s, for example %s=%s (`polystore doctor` checks that the server answers)",
		strings.Join(envs, " or "), envs[0], devenv.DefaultPostgresURL)
}

func (f *migrateFlags) pool(ctx context.Context, s *psl.Schema) (*pgxpool.Pool, error) {
	u, from, err := f.databaseURLFrom(s)
	if err != nil {
		return nil, err
	}
	return openPool(ctx, u, from)
}

// openPool opens a pool on the database at u (named by from, e.g.
// "--url") and checks that it answers; when it does not, the error says
// which URL was tried, from where, and what to check.
func openPool(ctx context.Context, u, from string) (*pgxpool.Pool, error) {
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PostgreSQL URL (%w); the form is postgres://user:password@host:5432/database?sslmode=disable", from, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to the database at %s (from %s): %w\n"+
			"Check that PostgreSQL is running there and that the user and database exist; "+
			"`polystore doctor` checks the server and says how to start it", redact(u), from, err)
	}
	return pool, nil
}

// connect loads the schema (required when need is set) and opens a pool on
// the database it resolves to.
func (f *migrateFlags) connect(ctx context.Context, need bool) (*psl.Schema, *pgxpool.Pool, error) {
	s, err := f.loadSchema(need)
	if err != nil {
		return nil, nil, err
	}
	pool, err := f.pool(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	return s, pool, nil
}

func (f *migrateFlags) options(cmd *cobra.Command, allowDestructive bool) *migrate.Options {
	return &migrate.Options{
		AllowDestructive: allowDestructive,
		Schemas:          f.schemas,
		Progress:         func(msg string) { fmt.Fprintln(cmd.ErrOrStderr(), msg) },
	}
}

func newMigrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Prisma-Migrate-compatible migrations for PostgreSQL",
		Long: `migrate keeps a PostgreSQL database in line with schema.prisma through a
folder of SQL migrations (migrations/<timestamp>_<name>/migration.sql) and
the _prisma_migrations history table, in the same format as Prisma Migrate:
a database and folder managed by Prisma can be taken over as they are.

Destructive changes (dropping a table or column, narrowing a type, removing
an enum value) are refused unless --allow-destructive is given. Renames are
never guessed: a renamed column shows as a drop and an add, with a hint.`,
	}
	cmd.AddCommand(newMigrateDevCmd(), newMigrateDeployCmd(), newMigrateStatusCmd(), newMigrateDiffCmd(), newMigrateResetCmd(), newMigrateResolveCmd(), newMigratePartitionsCmd())
	return cmd
}

func newMigrateDevCmd() *cobra.Command {
	var f migrateFlags
	var name, shadow string
	var createOnly, allow bool
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Apply pending migrations, then write and apply a migration for the schema's changes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, pool, err := f.connect(ctx, true)
			if err != nil {
				return err
			}
			defer pool.Close()
			opts := f.options(cmd, allow)
			if err := devPreflight(ctx, cmd, pool, f.migrationsDir(), s, opts, &name); err != nil {
				return err
			}
			if shadow != "" {
				sp, err := openPool(ctx, shadow, "--shadow-database-url")
				if err != nil {
					return err
				}
				defer sp.Close()
				opts.Shadow = sp
			}
			res, err := migrate.Dev(ctx, pool, migrate.FromSchema(s), f.migrationsDir(), name, createOnly, opts)
			if de := (*migrate.DestructiveError)(nil); errors.As(err, &de) && de.DataLoss != nil && confirmDataLoss(cmd, de.DataLoss, createOnly) {
				opts.AllowDestructive = true
				res, err = migrate.Dev(ctx, pool, migrate.FromSchema(s), f.migrationsDir(), name, createOnly, opts)
			}
			if migrate.IsDestructive(err) {
				return fmt.Errorf("%w\nRe-run with --allow-destructive to apply them, or with --create-only to write the migration, edit it (for example into a RENAME) and apply it with migrate deploy", err)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, m := range res.Deployed {
				fmt.Fprintf(out, "Applied pending migration %s\n", m)
			}
			if res.Migration == nil {
				fmt.Fprintln(out, "Already in sync, no schema change or pending migration was found.")
				return nil
			}
			verb := "Applied"
			if createOnly {
				verb = "Created (not applied)"
			}
			if res.DataLoss != nil {
				// As Prisma: the warnings for the rows present, before the
				// migration is reported applied; with --create-only the
				// steps that cannot run yet go to stderr.
				if text := res.DataLoss.WarningsText(); text != "" {
					fmt.Fprintf(out, "%s\n", text)
				}
				if createOnly && len(res.DataLoss.Unexecutable) > 0 {
					fmt.Fprint(cmd.ErrOrStderr(), unexecutableBullets(res.DataLoss.NumberedUnexecutable()))
				}
			}
			fmt.Fprintf(out, "%s migration %s\n", verb, res.Migration.Path)
			if res.DataLoss == nil || createOnly {
				for _, w := range res.Plan.Warnings() {
					fmt.Fprintf(out, "  warning: %s\n", w)
				}
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVarP(&name, "name", "n", "", "name of the new migration")
	cmd.Flags().BoolVar(&createOnly, "create-only", false, "write the migration without applying it")
	cmd.Flags().BoolVar(&allow, "allow-destructive", false, "allow steps that can lose data")
	cmd.Flags().StringVar(&shadow, "shadow-database-url", "", "scratch database to replay migrations on and detect drift (wiped)")
	return cmd
}

func newMigrateDeployCmd() *cobra.Command {
	var f migrateFlags
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Apply pending migrations in order, each in a transaction, under an advisory lock",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			_, pool, err := f.connect(ctx, false)
			if err != nil {
				return err
			}
			defer pool.Close()
			res, err := migrate.Deploy(ctx, pool, f.migrationsDir(), f.options(cmd, false))
			if res != nil {
				for _, w := range res.Warnings {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
				}
			}
			if err != nil {
				return err
			}
			if len(res.Applied) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No pending migrations to apply.")
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Applied %d migration(s):\n", len(res.Applied))
			for _, m := range res.Applied {
				fmt.Fprintf(cmd.OutOrStdout(), "  %s\n", m)
			}
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func newMigrateStatusCmd() *cobra.Command {
	var f migrateFlags
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Compare the migrations folder with the database history (exit 1 when not up to date)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			_, pool, err := f.connect(ctx, false)
			if err != nil {
				return err
			}
			defer pool.Close()
			st, err := migrate.GetStatus(ctx, pool, f.migrationsDir())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "%d migration(s) found in %s\n", len(st.Local), f.migrationsDir())
			list := func(title string, names []string) {
				if len(names) == 0 {
					return
				}
				fmt.Fprintln(out, title)
				for _, n := range names {
					fmt.Fprintf(out, "  %s\n", n)
				}
			}
			list("Not yet applied:", st.Pending)
			list("Failed:", st.Failed)
			list("Modified after they were applied:", st.Modified)
			list("Applied but missing from the folder:", st.Missing)
			if st.UpToDate() {
				fmt.Fprintln(out, "Database schema is up to date!")
				return nil
			}
			return &exitError{code: 1, err: errors.New("the database is not up to date with the migrations folder")}
		},
	}
	f.register(cmd)
	return cmd
}

// diffSource is one side of migrate diff.
type diffSource struct {
	empty      bool
	schema     string
	migrations string
	url        string
}

func (d *diffSource) register(cmd *cobra.Command, side string) {
	cmd.Flags().BoolVar(&d.empty, side+"-empty", false, "an empty database")
	cmd.Flags().StringVar(&d.schema, side+"-schema-datamodel", "", "a schema.prisma file")
	cmd.Flags().StringVar(&d.migrations, side+"-migrations", "", "a migrations folder (needs --shadow-database-url)")
	cmd.Flags().StringVar(&d.url, side+"-url", "", "a live database URL")
}

func (d *diffSource) load(ctx context.Context, side, shadow string, schemas []string) (*migrate.Database, error) {
	n := 0
	for _, set := range []bool{d.empty, d.schema != "", d.migrations != "", d.url != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("give exactly one of --%[1]s-empty, --%[1]s-schema-datamodel, --%[1]s-migrations, --%[1]s-url", side)
	}
	switch {
	case d.empty:
		return nil, nil // the empty database: not even the default schema
	case d.schema != "":
		s, err := psl.LoadFile(d.schema)
		if err != nil {
			return nil, schemaNotFound(err, d.schema)
		}
		return migrate.FromSchema(s), nil
	}
	u, from := d.url, "--"+side+"-url"
	if d.migrations != "" {
		if shadow == "" {
			return nil, errors.New("--" + side + "-migrations needs --shadow-database-url (a scratch database that will be wiped)")
		}
		u, from = shadow, "--shadow-database-url"
	}
	pool, err := openPool(ctx, u, from)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	opts := &migrate.Options{Schemas: schemas}
	if d.migrations != "" {
		if _, err := migrate.Reset(ctx, pool, d.migrations, opts); err != nil {
			return nil, err
		}
	}
	return migrate.Introspect(ctx, pool, &migrate.IntrospectOpts{Schemas: schemas})
}

func newMigrateDiffCmd() *cobra.Command {
	var from, to diffSource
	var script, exitCodeFlag bool
	var shadow string
	var schemas []string
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Show the steps between two states (empty, schema file, migrations folder, live database)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := from.load(ctx, "from", shadow, schemas)
			if err != nil {
				return err
			}
			b, err := to.load(ctx, "to", shadow, schemas)
			if err != nil {
				return err
			}
			plan := migrate.Diff(a, b)
			out := cmd.OutOrStdout()
			switch {
			case script:
				fmt.Fprint(out, plan.Script())
			case plan.Empty():
				fmt.Fprintln(out, "No difference detected.")
			default:
				for _, s := range plan.Steps {
					mark := ""
					if s.Destructive {
						mark = "  [destructive]"
					}
					fmt.Fprintf(out, "[%s] %s%s\n", s.Kind, s.Object, mark)
					for _, w := range s.Warnings {
						fmt.Fprintf(out, "    %s\n", w)
					}
				}
			}
			if exitCodeFlag && !plan.Empty() {
				return &exitError{code: 2, err: errors.New("the states differ")}
			}
			return nil
		},
	}
	from.register(cmd, "from")
	to.register(cmd, "to")
	cmd.Flags().BoolVar(&script, "script", false, "print the SQL script")
	cmd.Flags().BoolVar(&exitCodeFlag, "exit-code", false, "exit 2 when the states differ")
	cmd.Flags().StringVar(&shadow, "shadow-database-url", "", "scratch database used to replay a migrations folder (wiped)")
	cmd.Flags().StringSliceVar(&schemas, "db-schema", nil, "database schemas to compare (default: the current schema)")
	return cmd
}

func newMigrateResetCmd() *cobra.Command {
	var f migrateFlags
	var force bool
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Drop the database schema with all data, then apply every migration (asks first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := f.loadSchema(false)
			if err != nil {
				return err
			}
			u, err := f.databaseURL(s)
			if err != nil {
				return err
			}
			if !force {
				fmt.Fprintf(cmd.OutOrStdout(), "All data in %s will be lost. Continue? [y/N] ", redact(u))
				line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if !isYes(line) {
					return &exitError{code: 1, err: errors.New("reset cancelled")}
				}
			}
			pool, err := f.pool(ctx, s)
			if err != nil {
				return err
			}
			defer pool.Close()
			res, err := migrate.Reset(ctx, pool, f.migrationsDir(), f.options(cmd, true))
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Database reset; applied %d migration(s).\n", len(res.Applied))
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	return cmd
}

// redact hides a password in a URL for display.
func redact(u string) string {
	at := strings.LastIndex(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return u
	}
	cred := u[scheme+3 : at]
	if i := strings.Index(cred, ":"); i >= 0 {
		return u[:scheme+3] + cred[:i] + ":***" + u[at:]
	}
	return u
}

func newMigrateResolveCmd() *cobra.Command {
	var f migrateFlags
	var rolledBack, applied string
	cmd := &cobra.Command{
		Use:   "resolve",
		Short: "Mark a failed migration as rolled back (to retry it) or as applied (to skip it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (rolledBack == "") == (applied == "") {
				return errors.New("give exactly one of --rolled-back NAME or --applied NAME")
			}
			ctx := cmd.Context()
			_, pool, err := f.connect(ctx, false)
			if err != nil {
				return err
			}
			defer pool.Close()
			name, asApplied := rolledBack, false
			if applied != "" {
				name, asApplied = applied, true
			}
			if err := migrate.Resolve(ctx, pool, f.migrationsDir(), name, asApplied); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Migration %s resolved\n", name)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&rolledBack, "rolled-back", "", "migration to mark rolled back")
	cmd.Flags().StringVar(&applied, "applied", "", "migration to mark applied")
	return cmd
}

// devPreflight stops migrate dev where migrate status would fail: an
// applied migration edited or removed since, or a failed one; and asks
// for (or requires) a name when a new migration is due, as Prisma does.
func devPreflight(ctx context.Context, cmd *cobra.Command, pool *pgxpool.Pool, dir string, s *psl.Schema, opts *migrate.Options, name *string) error {
	st, err := migrate.GetStatus(ctx, pool, dir)
	if err != nil {
		return err
	}
	var problems []string
	for _, n := range st.Modified {
		problems = append(problems, "migration "+n+" was modified after it was applied")
	}
	for _, n := range st.Missing {
		problems = append(problems, "migration "+n+" was applied but is missing from "+dir)
	}
	for _, n := range st.Failed {
		problems = append(problems, "migration "+n+" failed")
	}
	if len(problems) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%s\nNext: restore the applied files as they were (the history keeps their checksums), "+
			"settle failed ones with polystore migrate resolve, or in development start over with polystore migrate reset (its data is lost)",
			strings.Join(problems, "\n"))}
	}
	if *name != "" {
		return nil
	}
	plan, err := migrate.PlanChanges(ctx, pool, migrate.FromSchema(s), opts)
	if err != nil {
		return err
	}
	if plan.Empty() && len(st.Pending) == 0 {
		return nil
	}
	if f, ok := cmd.InOrStdin().(*os.File); ok && isTerminal(f) {
		fmt.Fprint(cmd.OutOrStdout(), "Enter a name for the new migration: ")
		line, _ := bufio.NewReader(f).ReadString('\n')
		if *name = strings.TrimSpace(line); *name != "" {
			return nil
		}
	}
	return &exitError{code: 1, err: errors.New("migrate dev writes a new migration: name it with --name (for example --name add_posts)")}
}

// confirmDataLoss prints the data-loss warnings and, at a terminal, asks
// as prisma migrate dev does whether to go on; elsewhere it answers no.
func confirmDataLoss(cmd *cobra.Command, loss *migrate.DataLoss, createOnly bool) bool {
	if !canPrompt(cmd) {
		return false
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\n%s", loss.WarningsText())
	if createOnly {
		return confirm(cmd, "Are you sure you want to create this migration?")
	}
	return confirm(cmd, "Are you sure you want to create and apply this migration?")
}

// canPrompt reports whether the command reads from an interactive terminal.
func canPrompt(cmd *cobra.Command) bool {
	in, ok := cmd.InOrStdin().(*os.File)
	return ok && isTerminal(in)
}

// confirm asks question at a terminal and reports a yes; elsewhere it
// answers no without asking.
func confirm(cmd *cobra.Command, question string) bool {
	if !canPrompt(cmd) {
		return false
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\n%s (y/N) ", question)
	line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	return isYes(line)
}

// isYes reports whether an answer line is "y" or "yes" (any case).
func isYes(line string) bool {
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

// isTerminal reports whether f is an interactive terminal (a character
// device such as /dev/null is not).
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
