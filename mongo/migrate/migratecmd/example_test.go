package migratecmd_test

import (
	"errors"
	"fmt"
	"io"

	"github.com/polystore/polystore/mongo/migrate"
	"github.com/polystore/polystore/mongo/migrate/migratecmd"
)

// A program's cmd/migrate/main.go is
//
//	import _ "example.com/app/migrations" // whose init functions call migrate.Register
//
//	func main() { migratecmd.Main(nil) }
//
// and `go run ./cmd/migrate up --db app` applies what it registered. Here
// the program registered nothing, which the command reports as a usage
// error (exit code 2) before it connects to anything.
func Example() {
	cmd := migratecmd.Command(&migratecmd.Options{Migrations: func() []migrate.Migration { return nil }})
	cmd.SetArgs([]string{"status", "--db", "app"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	fmt.Println(errors.Is(err, migratecmd.ErrNoMigrations), migratecmd.ExitCode(err))
	// Output: true 2
}
