package main

import (
	"errors"

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
	return root
}
