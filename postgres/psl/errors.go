package psl

import (
	"errors"
	"fmt"
	"sort"
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
	// Prisma is Prisma 7's own wording of the problem, where polystore
	// knows it (Error.Prisma falls back to Message).
	Prisma string
	// prismaSpan says which lines Prisma shows from prismaPos (Pos when
	// zero) on.
	prismaSpan spanKind
	prismaPos  Pos
	// order, when set, places the diagnostic among the others instead of
	// Pos: Prisma reports the problems of one relation together.
	order Pos
	// prismaOrder, when set, places the diagnostic in Prisma's listing
	// only (polystore's own keeps the order of the source).
	prismaOrder Pos
	// phase is when Prisma finds the problem: it reports only those of
	// its first phase that finds any.
	phase phase
}

// phase is a step of Prisma's validation; a step that finds problems ends
// it.
type phase uint8

const (
	phaseParse phase = iota
	// phaseNames, phaseTypes and phaseAttributes are reported together, in
	// that order: Prisma resolves types after a duplicate name and the
	// other fields' attributes after an unknown type.
	phaseNames
	phaseTypes
	phaseAttributes
	// phaseAmbiguity: a relation Prisma cannot pair stops the relation checks.
	phaseAmbiguity
	phaseValidation
	// phaseHidden is for the diagnostics Prisma folds into another one.
	phaseHidden
)

// spanKind is the extent of what Prisma points at, which decides the lines
// it prints: an attribute, a type or a name ends on its line; a field or
// an enum value takes its line break, so the next line shows too; a block
// runs to its closing brace.
type spanKind uint8

const (
	spanLine spanKind = iota
	spanNextLine
	spanBlock
)

// sortKey is where the diagnostic goes among the others.
func (d *Diagnostic) sortKey() int {
	if d.order.Line != 0 {
		return d.order.Offset
	}
	return d.Pos.Offset
}

// prismaKey is where the diagnostic goes in Prisma's listing.
func (d *Diagnostic) prismaKey() int {
	if d.prismaOrder.Line != 0 {
		return d.prismaOrder.Offset
	}
	return d.sortKey()
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
	// sources holds each file's text by name, for Prisma.
	sources map[string]string
}

// Prisma renders the diagnostics the way Prisma 7 reports a schema it
// rejects (error P1012, as prisma validate and the schema engine print it
// without colours): each problem in Prisma's wording where polystore knows
// it, the file and line, the line before and the lines of the span, and
// the count.
func (e *Error) Prisma() string {
	var b strings.Builder
	first, count := phaseValidation, 0
	for _, d := range e.Diagnostics {
		first = min(first, d.phase)
	}
	var shown []*Diagnostic
	for _, d := range e.Diagnostics {
		// Syntax errors do not stop Prisma from resolving names, types
		// and attributes; they stop what comes after.
		if d.phase == first || first <= phaseAttributes && d.phase > first && d.phase <= phaseAttributes {
			shown = append(shown, d)
		}
	}
	sort.SliceStable(shown, func(i, j int) bool {
		if shown[i].phase != shown[j].phase {
			return shown[i].phase < shown[j].phase
		}
		return shown[i].prismaKey() < shown[j].prismaKey()
	})
	lastLine := map[string]int{}
	for _, d := range shown {
		msg, span := d.Prisma, d.prismaSpan
		if d.phase == phaseParse {
			// Prisma's grammar rejects whole lines: one error a line.
			if lastLine[d.Pos.Filename] == d.Pos.Line {
				continue
			}
			lastLine[d.Pos.Filename] = d.Pos.Line
			if msg == "" {
				msg = "Error validating: This line is not a valid field or attribute definition."
				span = spanNextLine
			}
		}
		count++
		if msg == "" {
			msg = d.Message
		}
		pos := d.prismaPos
		if pos.Line == 0 {
			pos = d.Pos
		}
		lines := strings.Split(e.sources[pos.Filename], "\n")
		numbered := func(n int) string {
			if n > 0 && n <= len(lines) {
				return fmt.Sprintf("%2d | %s", n, lines[n-1])
			}
			return "   | "
		}
		last := pos.Line
		switch span {
		case spanNextLine:
			last++
		case spanBlock:
			for last < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[last-1]), "}") {
				last++
			}
		}
		fmt.Fprintf(&b, "error: %s\n  -->  %s:%d\n   | \n%s\n", msg, pos.Filename, pos.Line, numbered(pos.Line-1))
		for n := pos.Line; n <= last; n++ {
			if n == pos.Line || n <= len(lines) {
				b.WriteString(numbered(n) + "\n")
			} else {
				fmt.Fprintf(&b, "%2d | \n", n)
			}
		}
		b.WriteString("   | \n")
	}
	fmt.Fprintf(&b, "\nValidation Error Count: %d", count)
	return b.String()
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

func errorOf(diags []*Diagnostic, sources map[string]string) error {
	if len(diags) == 0 {
		return nil
	}
	return &Error{Diagnostics: diags, sources: sources}
}
