package main

import (
	"github.com/spf13/cobra"

	"github.com/polystore/polystore/mongo/migrate/migratecmd"
)

func newMongoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mongo",
		Short: "MongoDB tools: migrate",
	}
	cmd.AddCommand(newMongoMigrateCmd())
	return cmd
}

// newMongoMigrateCmd is migratecmd's command. The polystore binary
// registers no migrations (they are Go code, built into the program that
// registers them, with migratecmd.Main), so run from polystore it answers
// migratecmd.ErrNoMigrations, which says so; its errors keep their exit
// codes (2 for usage).
func newMongoMigrateCmd() *cobra.Command {
	cmd := migratecmd.Command(nil)
	cmd.Long += `

The polystore binary itself registers none: build this same command into your
own program, whose init functions register the migrations, with a
cmd/migrate/main.go of one line, migratecmd.Main(nil) (package
mongo/migrate/migratecmd; docs/odm.md, "Migrations"). Run from polystore, this
command says so and exits 2.`
	withExitCodes(cmd)
	return cmd
}

// withExitCodes makes every command under cmd return its error as an
// exitError with migratecmd's exit code.
func withExitCodes(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			err := run(c, args)
			if err == nil {
				return nil
			}
			return &exitError{code: migratecmd.ExitCode(err), err: err}
		}
	}
	for _, sub := range cmd.Commands() {
		withExitCodes(sub)
	}
}
