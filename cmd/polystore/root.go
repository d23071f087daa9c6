package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "polystore",
		Short: "Mongoose-, Prisma- and Redis-style data access for Go, and four reference systems",
		Long: `polystore gives Go services Mongoose-style MongoDB models, a Prisma-compatible
PostgreSQL schema, migrations and typed client, and race-free Redis patterns.

Servers are found through POLYSTORE_PG_URL, POLYSTORE_REDIS_URL and
POLYSTORE_MONGO_URL, else the local defaults (127.0.0.1:5432, 127.0.0.1:6379)
and an embedded MongoDB-compatible server.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(suggestFlag)
	root.AddCommand(
		newVersionCmd(),
		newDoctorCmd(),
		newServeCmd(),
		newDemoCmd(),
		newFormatCmd(),
		newValidateCmd(),
		newMigrateCmd(),
		newDBCmd(),
		newGenerateCmd(),
		newJobsCmd(),
		newMongoCmd(),
	)
	rejectUnknownSubcommands(root)
	return root
}

// rejectUnknownSubcommands makes every command that only groups others
// (migrate, db, jobs dead...) fail on a word that is none of its
// subcommands, naming the closest one, instead of printing its help and
// exiting 0: `polystore migrate stauts` is a mistake, not a success.
// Without an argument a group prints its help.
func rejectUnknownSubcommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		rejectUnknownSubcommands(c)
	}
	if !cmd.HasSubCommands() || cmd.Runnable() {
		return
	}
	cmd.Args = cobra.ArbitraryArgs
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += fmt.Sprintf("; did you mean %q?", s[0])
		}
		return fmt.Errorf("%s\nRun '%s --help' for the commands it has", msg, cmd.CommandPath())
	}
}
