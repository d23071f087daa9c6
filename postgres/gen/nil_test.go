package gen_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/polystore/polystore/postgres/gen"
)

// TestEmptyInput checks that a nil schema and empty paths get an *Error
// matching ErrGenerate, and that nothing is written for them.
func TestEmptyInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		call func() error
	}{
		{"Generate(nil)", func() error { _, err := gen.Generate(nil, nil); return err }},
		{"GenerateFile(empty)", func() error { _, err := gen.GenerateFile("", "", ""); return err }},
		{"GenerateFile(no schema path)", func() error { _, err := gen.GenerateFile("", dir, "db"); return err }},
		{"GenerateFile(no output dir)", func() error {
			_, err := gen.GenerateFile(filepath.Join(dir, "schema.prisma"), "", "db")
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			var ge *gen.Error
			if !errors.Is(err, gen.ErrGenerate) || !errors.As(err, &ge) {
				t.Fatalf("err = %v, want a *gen.Error matching ErrGenerate", err)
			}
		})
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 0 {
		t.Fatalf("files written for empty input: %v", m)
	}
}
