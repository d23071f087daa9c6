package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
)

// TestWalkthrough runs the example on the test Redis and checks what it
// prints: one loader call for 100 readers, the sixth request limited, the
// revoked token refused and the notification delivered.
func TestWalkthrough(t *testing.T) {
	ns := devenv.Redis(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := walkthrough(ctx, ns.Client, ns.Key("redispatterns")+":", &out); err != nil {
		t.Fatalf("walkthrough: %v\n%s", err, out.String())
	}
	want := "cache: 100 concurrent readers, 1 loader call\n" +
		"rate limit: 200, 200, 200, 200, 200, 429 (Retry-After 1s)\n" +
		"token: accepted\n" +
		"token after logout: revoked = true\n" +
		"notification: order.shipped {\"order\":\"A-17\"}\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// TestFailsFastWithoutRedis: with nothing listening the program gives up
// within seconds with an error naming the address.
func TestFailsFastWithoutRedis(t *testing.T) {
	start := time.Now()
	err := run(context.Background(), "redis://127.0.0.1:1", &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("run without Redis: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %v to fail", d)
	}
}
