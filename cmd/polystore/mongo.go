package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/internal/devenv"
	mmigrate "github.com/polystore/polystore/mongo/migrate"
)

func newMongoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mongo",
		Short: "MongoDB tools: migrate",
	}
	cmd.AddCommand(newMongoMigrateCmd())
	return cmd
}

// mongoMigrateFlags are shared by the mongo migrate subcommands.
type mongoMigrateFlags struct {
	url, db, history string
}

// errNoMigrations explains why the polystore binary has nothing to apply:
// MongoDB migrations are Go code, compiled into the program that registers
// them.
var errNoMigrations = &exitError{code: 2, err: errors.New(`no MongoDB migrations are registered in this program: ` +
	`polystore itself ships none, since migrations are Go code. Register yours with migrate.Register ` +
	`(package github.com/polystore/polystore/mongo/migrate) in your own program and run them there with ` +
	`migrate.New(db, migrate.Registered(), nil) and Runner.Up, Status or Down (docs/odm.md, "Migrations")`)}

// checkRegistered fails with errNoMigrations when ms is empty.
func checkRegistered(ms []mmigrate.Migration) error {
	if len(ms) == 0 {
		return errNoMigrations
	}
	return nil
}

func (f *mongoMigrateFlags) runner(ctx context.Context) (*mmigrate.Runner, func(), error) {
	if err := checkRegistered(mmigrate.Registered()); err != nil {
		return nil, nil, err
	}
	url := f.url
	if url == "" {
		url = os.Getenv(devenv.EnvMongoURL)
	}
	if url == "" {
		return nil, nil, &exitError{code: 2, err: fmt.Errorf("no MongoDB: pass --url or set %s", devenv.EnvMongoURL)}
	}
	if f.db == "" {
		return nil, nil, &exitError{code: 2, err: fmt.Errorf("pass --db, the database to migrate")}
	}
	client, err := mongo.Connect(options.Client().ApplyURI(url).SetServerSelectionTimeout(10 * time.Second))
	if err != nil {
		return nil, nil, err
	}
	closeFn := func() { _ = client.Disconnect(context.WithoutCancel(ctx)) }
	r, err := mmigrate.New(client.Database(f.db), mmigrate.Registered(), &mmigrate.Opts{History: f.history})
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return r, closeFn, nil
}

func newMongoMigrateCmd() *cobra.Command {
	var f mongoMigrateFlags
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply MongoDB migrations (indexes and Go data changes) once, with a history",
		Long: `migrate applies the MongoDB migrations registered in the running program
with migrate.Register (package mongo/migrate): index changes computed by
SyncIndexes from the models' schemas, and data changes written in Go. Each runs
once, in ID order, under a lock document, and is recorded in the history
collection (polystore_migrations) when it finished.

The polystore binary itself registers none: migrations are Go code compiled
into your program, which runs them with migrate.New(db, migrate.Registered(),
nil) (docs/odm.md, "Migrations"). Run from polystore, this command says so and
exits 2.

  up       apply the pending migrations (--dry-run: list them with their index diff)
  status   list every migration, applied or pending
  down     revert the last applied migration with its Down function`,
	}
	cmd.PersistentFlags().StringVar(&f.url, "url", "", "MongoDB URL (default "+devenv.EnvMongoURL+")")
	cmd.PersistentFlags().StringVar(&f.db, "db", "", "database to migrate")
	cmd.PersistentFlags().StringVar(&f.history, "history", "", "history collection (default "+mmigrate.DefaultHistory+")")

	var dryRun bool
	var to string
	up := &cobra.Command{
		Use:   "up",
		Short: "Apply the pending migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, done, err := f.runner(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			steps, err := r.Up(cmd.Context(), &mmigrate.UpOpts{DryRun: dryRun, To: to})
			out := cmd.OutOrStdout()
			verb := "applied"
			if dryRun {
				verb = "would apply"
			}
			for _, s := range steps {
				fmt.Fprintf(out, "%s %s%s\n", verb, s.ID, describeStep(s))
			}
			if err == nil && len(steps) == 0 {
				fmt.Fprintln(out, "nothing to apply")
			}
			return err
		},
	}
	up.Flags().BoolVar(&dryRun, "dry-run", false, "list what would run, with index diffs; change nothing")
	up.Flags().StringVar(&to, "to", "", "stop after this migration ID")

	status := &cobra.Command{
		Use:   "status",
		Short: "List the migrations, applied or pending",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, done, err := f.runner(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			st, err := r.Status(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
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
		},
	}

	down := &cobra.Command{
		Use:   "down",
		Short: "Revert the last applied migration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, done, err := f.runner(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
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
		},
	}
	cmd.AddCommand(up, status, down)
	return cmd
}

// describeStep summarizes a step's index diff and data change.
func describeStep(s mmigrate.Step) string {
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
