// Command polystore runs polystore's reference systems, checks the stores
// they need, and manages schemas.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "polystore:", err)
		stop()
		os.Exit(exitCode(err))
	}
}
