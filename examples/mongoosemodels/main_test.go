package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
)

// TestWalkthrough runs the example on the test MongoDB (a real one when
// POLYSTORE_MONGO_URL is set, else the embedded server) and checks what it
// prints: defaults, hook and lowercase applied, Mongoose's messages, the
// unique index, the refused injection, the populated post and the counts.
func TestWalkthrough(t *testing.T) {
	db := devenv.Mongo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := walkthrough(ctx, db, &out); err != nil {
		t.Fatalf("walkthrough: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"created john_doe <john@example.com>, status active\n",
		"  invalid age: Path `age` (12) is less than minimum allowed value (18).\n",
		"  invalid status: `banned` is not a valid enum value for path `status`.\n",
		"  invalid username: Path `username` is required.\n",
		"duplicate username refused: true\n",
		"injected filter refused: Cast to string failed for value \"{ '$ne': 'nobody' }\" (type Object) at path \"status\"",
		"active users: 1\n",
		"\"Mongoose in Go\" by john_doe: \"Nice post\" by john_doe\n",
		"users active: 1\nusers suspended: 1\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; got:\n%s", want, out.String())
		}
	}
}
