package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/polystore/polystore/postgres/migrate"
	"github.com/polystore/polystore/postgres/psl"
)

func newDBCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Work on the database without migration files: pull, push, execute, seed",
		Long: `db works on the database directly, like Prisma's "prisma db" commands:

  pull     write the live database's tables and enums into schema.prisma
  push     make the database match schema.prisma without writing a migration
           (prototyping; refuses to lose data unless --accept-data-loss)
  execute  run a SQL script (a file or stdin) against the datasource
  seed     run the project's seed command with DATABASE_URL set

The database is the schema's datasource url, DATABASE_URL or POLYSTORE_PG_URL,
or --url.`,
	}
	cmd.AddCommand(newDBPullCmd(), newDBPushCmd(), newDBExecuteCmd(), newDBSeedCmd())
	return cmd
}

// pullHead is the datasource a pulled schema starts with when there is no
// schema file yet.
const pullHead = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
`

func newDBPullCmd() *cobra.Command {
	var f migrateFlags
	var print bool
	cmd := &cobra.Command{
		Use:   "pull",
		Short: "Write the live database's tables and enums into schema.prisma",
		Long: `pull introspects the database and writes its tables and enums as models and
enums into schema.prisma (prisma db pull): types with their native types,
keys, indexes, defaults, relations from foreign keys with their back-relation
fields, and @map/@@map where a name is not a valid identifier. The schema's
datasource and generator blocks are kept; its models and enums are replaced.
Without a schema file, one is created with a PostgreSQL datasource. The result
round-trips: migrate diff between it and the database is empty.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			path := f.schemaPath()
			head := []byte(pullHead)
			datasource := "db" // the native types' prefix
			st, statErr := os.Stat(path)
			if statErr == nil && st.IsDir() {
				return &exitError{code: 2, err: fmt.Errorf("%s is a folder: pull writes one file; pass --schema path/to/schema.prisma", path)}
			}
			var s *psl.Schema
			if statErr == nil {
				file, err := psl.ParseFile(path)
				if err != nil {
					return err
				}
				var configs []psl.Decl
				for _, d := range file.Decls {
					if c, ok := d.(*psl.ConfigBlock); ok {
						configs = append(configs, d)
						if c.Kind == "datasource" {
							datasource = c.Name
						}
					}
				}
				head = psl.Format(&psl.File{Name: file.Name, Decls: configs})
				s, _ = psl.LoadFile(path) // for the datasource url; models may be stale
			}
			pool, err := f.pool(ctx, s)
			if err != nil {
				return err
			}
			defer pool.Close()
			live, err := migrate.Introspect(ctx, pool, &migrate.IntrospectOpts{Schemas: f.schemas})
			if err != nil {
				return err
			}
			body := migrate.PullSchemaFor(live, datasource)
			if len(strings.TrimSpace(string(body))) == 0 {
				return &exitError{code: 1, err: errors.New("the database has no tables or enums to pull; the schema was left as it is")}
			}
			out, err := psl.FormatSource(path, append(append(head, '\n'), body...))
			if err != nil {
				return fmt.Errorf("the pulled schema does not parse (please report this): %w", err)
			}
			if print {
				_, err := cmd.OutOrStdout().Write(out)
				return err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, out, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Introspected %d table(s) and %d enum(s) into %s.\n", len(live.Tables), len(live.Enums), path)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&print, "print", false, "print the schema instead of writing it")
	return cmd
}

func newDBPushCmd() *cobra.Command {
	var f migrateFlags
	var acceptDataLoss, forceReset bool
	cmd := &cobra.Command{
		Use:   "push",
		Short: "Make the database match schema.prisma without a migration file",
		Long: `push compares the live database with schema.prisma and applies the difference
in one transaction, without writing a migration or touching the migration
history (prisma db push). Changes that lose data (dropping a table or column,
narrowing a type, removing an enum value) are weighed against the rows
present, as prisma db push does: one that loses nothing here (an empty
table or column dropped) goes ahead, one that would is listed and refused
unless --accept-data-loss is given (at a terminal you are asked), and one
that cannot run on these rows (a required column added to a table with rows
and no default) is refused. --force-reset drops the schema with all its data
first, then pushes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, pool, err := f.connect(ctx, true)
			if err != nil {
				return err
			}
			defer pool.Close()
			opts := f.options(cmd, acceptDataLoss)
			out := cmd.OutOrStdout()
			if forceReset {
				var db, cur string
				if err := pool.QueryRow(ctx, "SELECT current_database(), current_schema()").Scan(&db, &cur); err != nil {
					return err
				}
				schemas := f.schemas
				if len(schemas) == 0 {
					schemas = []string{cur}
				}
				if err := migrate.DropSchemas(ctx, pool, opts); err != nil {
					return err
				}
				plural, verb := "", "was"
				if len(schemas) > 1 {
					plural, verb = "s", "were"
				}
				fmt.Fprintf(out, "The PostgreSQL database %q schema%s %q %s successfully reset.\n", db, plural, strings.Join(schemas, ", "), verb)
			}
			plan, err := migrate.PlanChanges(ctx, pool, migrate.FromSchema(s), opts)
			if err != nil {
				return err
			}
			if len(plan.Steps) == 0 {
				fmt.Fprintln(out, "The database is already in sync with the schema.")
				return nil
			}
			// As prisma db push: the plan is weighed against the rows
			// present; what loses nothing here goes ahead, a step that
			// cannot run on them is refused, and a warning needs
			// --accept-data-loss (or a yes at a terminal).
			loss, err := migrate.EvaluateDataLoss(ctx, pool, plan)
			if err != nil {
				return err
			}
			if len(loss.Unexecutable) > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%s\nYou may use the --force-reset flag to drop the database before push like polystore db push --force-reset\nAll data will be lost.\nnothing was changed", unexecutableBullets(loss.Unexecutable))}
			}
			if len(loss.Warnings) > 0 {
				fmt.Fprint(out, pushWarningsText(loss))
				if !acceptDataLoss {
					if !confirm(cmd, "Do you want to ignore the warning(s)?") {
						if canPrompt(cmd) {
							fmt.Fprintln(out, "Push cancelled.")
							return &exitError{code: 130, err: errors.New("push cancelled")}
						}
						return &exitError{code: 1, err: errors.New("nothing was changed: use the --accept-data-loss flag to ignore the data loss warnings like polystore db push --accept-data-loss")}
					}
				}
			}
			opts.AllowDestructive = true
			if err := migrate.Apply(ctx, pool, plan, opts); err != nil {
				return err
			}
			fmt.Fprintf(out, "The database is now in sync with the schema (%d change(s)).\n", len(plan.Steps))
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&acceptDataLoss, "accept-data-loss", false, "apply changes that lose data")
	cmd.Flags().BoolVar(&forceReset, "force-reset", false, "drop the schema with all its data first, then push (as prisma db push --force-reset)")
	return cmd
}

func newDBExecuteCmd() *cobra.Command {
	var f migrateFlags
	var file string
	var stdin bool
	cmd := &cobra.Command{
		Use:   "execute",
		Short: "Run a SQL script (--file or --stdin) against the database",
		Long: `execute runs a SQL script against the database, without touching the
migration history (prisma db execute). The script runs as one transaction:
all of it or none. A script with statements that cannot run in a transaction
(CREATE INDEX CONCURRENTLY, VACUUM...) runs statement by statement instead,
stopping at the first failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if (file == "") == !stdin {
				return &exitError{code: 2, err: errors.New("give the script with exactly one of --file and --stdin")}
			}
			var script []byte
			var err error
			if stdin {
				script, err = io.ReadAll(cmd.InOrStdin())
			} else {
				script, err = os.ReadFile(file)
			}
			if err != nil {
				return err
			}
			if strings.TrimSpace(string(script)) == "" {
				return &exitError{code: 2, err: errors.New("the script is empty")}
			}
			_, pool, err := f.connect(ctx, false)
			if err != nil {
				return err
			}
			defer pool.Close()
			if migrate.InTransaction(string(script)) {
				// The simple query protocol runs a multi-statement string as
				// one implicit transaction.
				if _, err := pool.Exec(ctx, string(script)); err != nil {
					return fmt.Errorf("the script failed; nothing was applied: %w", err)
				}
			} else {
				for i, stmt := range migrate.SplitStatements(string(script)) {
					if _, err := pool.Exec(ctx, stmt); err != nil {
						return fmt.Errorf("statement %d failed (the ones before it were applied): %w", i+1, err)
					}
				}
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Script executed successfully.")
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&file, "file", "", "the SQL script")
	cmd.Flags().BoolVar(&stdin, "stdin", false, "read the SQL script from standard input")
	return cmd
}

// EnvSeed names the seed command when --command is not given.
const EnvSeed = "POLYSTORE_SEED"

func newDBSeedCmd() *cobra.Command {
	var f migrateFlags
	var command string
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Run the project's seed command with DATABASE_URL set",
		Long: `seed runs the command that fills the database with seed data (prisma db seed),
with DATABASE_URL set to the database polystore resolves, in the current
directory. The command is --command, else $POLYSTORE_SEED, else
"go run ./<schema dir>/seed" when that folder holds a Go main package. It is
run by /bin/sh -c, so it may hold arguments; its output is passed through and
its exit code is seed's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := f.loadSchema(false)
			if err != nil {
				return err
			}
			u, err := f.databaseURL(s)
			if err != nil {
				return err
			}
			if command == "" {
				command = os.Getenv(EnvSeed)
			}
			if command == "" {
				dir := filepath.Join(filepath.Dir(f.schemaPath()), "seed")
				if m, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(m) > 0 {
					command = "go run ./" + filepath.ToSlash(filepath.Clean(dir))
				}
			}
			if command == "" {
				return &exitError{code: 2, err: fmt.Errorf("no seed command: pass --command, set %s, or put a Go main package in %s",
					EnvSeed, filepath.Join(filepath.Dir(f.schemaPath()), "seed"))}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Running seed command `%s` ...\n", command)
			c := exec.CommandContext(cmd.Context(), "/bin/sh", "-c", command)
			c.Stdout, c.Stderr, c.Stdin = cmd.OutOrStdout(), cmd.ErrOrStderr(), cmd.InOrStdin()
			c.Env = append(os.Environ(), "DATABASE_URL="+u)
			if err := c.Run(); err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					return &exitError{code: max(ee.ExitCode(), 1), err: fmt.Errorf("the seed command failed: %w", err)}
				}
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "The seed command has been executed.")
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&command, "command", "", "the seed command (default $"+EnvSeed+", else go run ./<schema dir>/seed)")
	return cmd
}

// pushWarningsText renders data-loss warnings as prisma db push prints
// them.
func pushWarningsText(loss *migrate.DataLoss) string {
	var b strings.Builder
	b.WriteString("\n⚠️  There might be data loss when applying the changes:\n\n")
	for _, w := range loss.Warnings {
		b.WriteString("  • " + w + "\n\n")
	}
	b.WriteString("\n")
	return b.String()
}

// unexecutableBullets renders the steps that cannot run as prisma db push
// lists them, and migrate dev --create-only on stderr (given the messages
// numbered "Step N ..." as Prisma numbers them there).
func unexecutableBullets(items []string) string {
	lines := []string{"\n⚠️ We found changes that cannot be executed:\n"}
	for _, u := range items {
		lines = append(lines, "  • "+u)
	}
	return strings.Join(lines, "\n") + "\n"
}
