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
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/polystore/polystore/mongo/embedded"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start, cancel := context.WithTimeout(ctx, time.Minute)
	srv, err := embedded.Start(start, embedded.Config{Addr: "127.0.0.1:0"})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
	fmt.Println(srv.URI())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	<-ctx.Done()
	closing, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Close(closing); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}
