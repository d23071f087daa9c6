package nopanic

import (
	"fmt"
	"runtime/debug"
	"testing"
)

// Case is one call of a public entry point with nil or empty arguments.
type Case struct {
	Name string
	// Call makes the call and returns its error (nil when it has none).
	Call func() error
	// WantErr requires an error: the call cannot do anything useful with
	// what it was given and must say so.
	WantErr bool
}

// Run runs every case as a subtest of t. A panic fails that subtest with
// the panic's value and stack; a case with WantErr fails when it returns
// nil. Errors are logged, so `go test -v` shows what callers would read.
func Run(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			panicked, err := call(c.Call)
			if panicked != nil {
				t.Fatalf("panicked: %v", panicked)
			}
			if c.WantErr && err == nil {
				t.Fatalf("returned no error")
			}
			if err != nil {
				t.Logf("error: %v", err)
			}
		})
	}
}

// Panic is a recovered panic: its value and the stack where it happened.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) String() string { return fmt.Sprintf("%v\n%s", p.Value, p.Stack) }

// call runs f and returns the panic it raised, or its error.
func call(f func() error) (p *Panic, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = &Panic{Value: r, Stack: debug.Stack()}
		}
	}()
	return nil, f()
}

// Panics tells whether f panics, and with what.
func Panics(f func() error) (*Panic, bool) {
	p, _ := call(f)
	return p, p != nil
}
