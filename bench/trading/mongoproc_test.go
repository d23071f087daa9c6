package trading

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
)

// envMongoChild makes the test binary serve the embedded MongoDB-compatible
// server instead of running tests (see startMongoProcess).
const envMongoChild = "POLYSTORE_BENCH_MONGO_CHILD"

// serveMongoChild runs when the binary was started by startMongoProcess
// (devenv.ServeEmbeddedMongo until stdin closes).
func serveMongoChild() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := devenv.ServeEmbeddedMongo(ctx, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mongo child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// auditMongo returns the database the node's audit log goes to, per
// POLYSTORE_TRADING_E2E_MONGO:
//   - "" or "embedded": the embedded server in this process (devenv.Mongo),
//     its CPU counted in the process's;
//   - "process": the same server in a child process at the lowest CPU
//     priority (nice 19): the kernel gives the node's threads a core first,
//     as a MongoDB on another machine would leave them the node's cores. Its
//     CPU is not in proc-cpu-µs/order, and the audit log lags while the
//     cores are busy (settled-p99-ms shows it).
func auditMongo(b *testing.B) *mongo.Database {
	switch m := os.Getenv("POLYSTORE_TRADING_E2E_MONGO"); m {
	case "", "embedded":
		return devenv.Mongo(b)
	case "process":
		return startMongoProcess(b)
	default:
		b.Fatalf("POLYSTORE_TRADING_E2E_MONGO=%q: want embedded or process", m)
		return nil
	}
}

// startMongoProcess starts this test binary again under nice -n 19 as the
// embedded server (serveMongoChild) and returns a fresh database on it;
// the child stops at cleanup.
func startMongoProcess(b *testing.B) *mongo.Database {
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("nice", "-n", "19", self)
	cmd.Env = append(os.Environ(), envMongoChild+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start the MongoDB child: %v", err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("the MongoDB child printed no URI: %v", err)
	}
	client, err := devenv.ConnectMongo(strings.TrimSpace(line))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Disconnect(ctx)
	})
	return client.Database(devenv.UniqueName("pstest_"))
}
