package migratecmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/mongo/migrate"
)

// EnvURL is the environment variable read when --url is not given.
const EnvURL = "POLYSTORE_MONGO_URL"

// ErrNoMigrations: the program registered no migration, so there is
// nothing the command could apply, revert or list.
var ErrNoMigrations = errors.New(`no MongoDB migrations are registered in this program: ` +
	`migrations are Go code, so register yours with migrate.Register ` +
	`(package github.com/polystore/polystore/mongo/migrate) in your own program and build the command into it ` +
	`with migratecmd.Main or migratecmd.Command (package github.com/polystore/polystore/mongo/migrate/migratecmd; ` +
	`docs/odm.md, "Migrations")`)

// UsageError is a missing or wrong flag.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// ExitCode is the process exit code for an error the command returned: 0
// for nil, 2 for a *UsageError or ErrNoMigrations, 1 otherwise.
func ExitCode(err error) int {
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue), errors.Is(err, ErrNoMigrations):
		return 2
	}
	return 1
}

// Options configure Command; the zero value (or nil) is the usual setup.
type Options struct {
	// Use is the command's name (default "migrate").
	Use string
	// Migrations returns the migrations to run (default migrate.Registered).
	Migrations func() []migrate.Migration
	// ServerSelectionTimeout bounds how long a command waits for the
	// server (default 10s), so an unreachable server fails fast.
	ServerSelectionTimeout time.Duration
}

// flags are shared by the subcommands.
type flags struct {
	url, db, history string
}

// Command returns the migrate command with its up, status and down
// subcommands.
func Command(o *Options) *cobra.Command {
	var opts Options
	if o != nil {
		opts = *o
	}
	if opts.Use == "" {
		opts.Use = "migrate"
	}
	if opts.Migrations == nil {
		opts.Migrations = migrate.Registered
	}
	if opts.ServerSelectionTimeout <= 0 {
		opts.ServerSelectionTimeout = 10 * time.Second
	}
	var f flags
	cmd := &cobra.Command{
		Use:   opts.Use,
		Short: "Apply MongoDB migrations (indexes and Go data changes) once, with a history",
		Long: `migrate applies the MongoDB migrations registered in this program with
migrate.Register (package mongo/migrate): index changes computed by SyncIndexes
from the models' schemas, and data changes written in Go. Each runs once, in ID
order, under a lock document, and is recorded in the history collection
(` + migrate.DefaultHistory + `) when it finished.

  up       apply the pending migrations (--dry-run: list them with their index diff)
  status   list every migration, applied or pending
  down     revert the last applied migration with its Down function`,
		SilenceUsage: true,
	}
	cmd.PersistentFlags().StringVar(&f.url, "url", "", "MongoDB URL (default $"+EnvURL+")")
	cmd.PersistentFlags().StringVar(&f.db, "db", "", "database to migrate")
	cmd.PersistentFlags().StringVar(&f.history, "history", "", "history collection (default "+migrate.DefaultHistory+")")

	// withRunner connects, runs fn with a Runner and disconnects.
	withRunner := func(ctx context.Context, fn func(*migrate.Runner) error) error {
		migs := opts.Migrations()
		if len(migs) == 0 {
			return ErrNoMigrations
		}
		url := f.url
		if url == "" {
			url = os.Getenv(EnvURL)
		}
		if url == "" {
			return &UsageError{Msg: "no MongoDB: pass --url or set " + EnvURL}
		}
		if f.db == "" {
			return &UsageError{Msg: "pass --db, the database to migrate"}
		}
		client, err := mongo.Connect(options.Client().ApplyURI(url).SetServerSelectionTimeout(opts.ServerSelectionTimeout))
		if err != nil {
			return &UsageError{Msg: fmt.Sprintf("--url: %v", err)}
		}
		defer func() { _ = client.Disconnect(context.WithoutCancel(ctx)) }()
		r, err := migrate.New(client.Database(f.db), migs, &migrate.Opts{History: f.history})
		if err != nil {
			return err
		}
		return fn(r)
	}

	var dryRun bool
	var to string
	up := &cobra.Command{
		Use:   "up",
		Short: "Apply the pending migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRunner(cmd.Context(), func(r *migrate.Runner) error {
				steps, err := r.Up(cmd.Context(), &migrate.UpOpts{DryRun: dryRun, To: to})
				printSteps(cmd.OutOrStdout(), steps, dryRun)
				if err == nil && len(steps) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "nothing to apply")
				}
				return err
			})
		},
	}
	up.Flags().BoolVar(&dryRun, "dry-run", false, "list what would run, with index diffs; change nothing")
	up.Flags().StringVar(&to, "to", "", "stop after this migration ID")

	status := &cobra.Command{
		Use:   "status",
		Short: "List the migrations, applied or pending",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRunner(cmd.Context(), func(r *migrate.Runner) error {
				st, err := r.Status(cmd.Context())
				if err != nil {
					return err
				}
				return printStatus(cmd.OutOrStdout(), st)
			})
		},
	}

	down := &cobra.Command{
		Use:   "down",
		Short: "Revert the last applied migration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRunner(cmd.Context(), func(r *migrate.Runner) error {
				id, err := r.Down(cmd.Context())
				if err != nil {
					return err
				}
				if id == "" {
					fmt.Fprintln(cmd.OutOrStdout(), "nothing to revert")
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "reverted %s\n", id)
				return nil
			})
		},
	}
	cmd.AddCommand(up, status, down)
	return cmd
}

// Main runs Command(o) on the process arguments, with Ctrl-C cancelling
// the context, prints an error to stderr and exits with ExitCode. It is
// the whole of a program's cmd/migrate/main.go.
func Main(o *Options) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	cmd := Command(o)
	cmd.SilenceErrors = true
	err := cmd.ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
	}
	os.Exit(ExitCode(err))
}

// printSteps writes one line per step of Up.
func printSteps(w io.Writer, steps []migrate.Step, dryRun bool) {
	verb := "applied"
	if dryRun {
		verb = "would apply"
	}
	for _, s := range steps {
		fmt.Fprintf(w, "%s %s%s\n", verb, s.ID, describeStep(s))
	}
}

// printStatus writes the status table.
func printStatus(out io.Writer, st []migrate.Status) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATE\tAPPLIED AT\tDESCRIPTION")
	for _, s := range st {
		state, at := "pending", ""
		if s.Applied {
			state, at = "applied", s.AppliedAt.UTC().Format(time.RFC3339)
		}
		if s.Unknown {
			state = "applied (unknown here)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.ID, state, at, s.Description)
	}
	return w.Flush()
}

// describeStep summarizes a step's index diff and data change.
func describeStep(s migrate.Step) string {
	var parts []string
	names := make([]string, 0, len(s.Indexes))
	for n := range s.Indexes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := s.Indexes[n]
		for _, x := range []struct {
			verb string
			ix   []string
		}{{"create", d.Created}, {"recreate", d.Changed}, {"drop", d.Dropped}} {
			if len(x.ix) > 0 {
				parts = append(parts, fmt.Sprintf("%s %s.%s", x.verb, n, strings.Join(x.ix, ",")))
			}
		}
	}
	if s.Data {
		parts = append(parts, "data")
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
