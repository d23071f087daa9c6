package migratecmd_test

import (
	"testing"

	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/mongo/migrate/migratecmd"
)

// A nil or empty Options builds a command that, when run, says what is
// missing instead of panicking; ExitCode(nil) is 0.
func TestNilAndEmptyArguments(t *testing.T) {
	run := func(o *migratecmd.Options, args ...string) func() error {
		return func() error {
			c := migratecmd.Command(o)
			c.SetArgs(args)
			c.SilenceUsage, c.SilenceErrors = true, true
			return c.Execute()
		}
	}
	nopanic.Run(t, []nopanic.Case{
		{Name: "nil Options status", Call: run(nil, "status"), WantErr: true},
		{Name: "empty Options up", Call: run(&migratecmd.Options{}, "up", "--db", ""), WantErr: true},
		{Name: "empty Options down", Call: run(&migratecmd.Options{}, "down"), WantErr: true},
		{Name: "ExitCode nil", Call: func() error {
			if migratecmd.ExitCode(nil) != 0 {
				t.Error("ExitCode(nil) != 0")
			}
			return nil
		}},
	})
}
