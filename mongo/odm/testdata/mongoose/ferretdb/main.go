// Command ferretdb runs the embedded FerretDB (mongo/embedded) on a
// loopback port for populate.js, which records Mongoose's populate
// against it: it prints the server's URI on one line of stdout, then
// serves until its stdin closes or it gets SIGINT/SIGTERM.
//
//	go run ./mongo/odm/testdata/mongoose/ferretdb
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/polystore/polystore/internal/devenv"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := devenv.ServeEmbeddedMongo(ctx, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}
