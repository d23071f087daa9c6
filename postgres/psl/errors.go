package psl

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidSchema is wrapped by every *Error returned from Parse and Validate.
var ErrInvalidSchema = errors.New("psl: invalid schema")

// Diagnostic is one problem in a schema: where it is, what is wrong and the
// offending source text.
type Diagnostic struct {
	Pos     Pos
	End     Pos
	Message string
	// Text is the offending source text (may be empty at end of file).
	Text string
}

// String renders file:line:col: message (near "text").
func (d *Diagnostic) String() string {
	s := d.Pos.String() + ": " + d.Message
	if d.Text != "" {
		t := d.Text
		if len(t) > 60 {
			t = t[:60] + "..."
		}
		s += fmt.Sprintf(" (near %q)", t)
	}
	return s
}

// Error is returned when a schema has problems; it lists every diagnostic.
type Error struct {
	Diagnostics []*Diagnostic
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, d := range e.Diagnostics {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// Is reports ErrInvalidSchema.
func (e *Error) Is(target error) bool { return target == ErrInvalidSchema }

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsInvalidSchema reports whether err carries schema diagnostics.
func IsInvalidSchema(err error) bool {
	_, ok := AsError(err)
	return ok
}

func errorOf(diags []*Diagnostic) error {
	if len(diags) == 0 {
		return nil
	}
	return &Error{Diagnostics: diags}
}
