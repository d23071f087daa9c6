package psl_test

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/polystore/polystore/postgres/psl"
)

// FuzzParse checks that parsing and validating never panic, and that for
// any source that parses, formatting is stable: the formatted text parses
// again and formats to itself.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*/schema.prisma")
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("model A {\n id Int @id @default(autoincrement())\n}\n"))
	f.Add([]byte("model"))
	f.Add([]byte("enum E { A B }"))
	f.Add([]byte("@@@(((\"\\u12"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := psl.Parse("fuzz.prisma", src)
		if file == nil {
			t.Fatal("Parse returned a nil file")
		}
		if err != nil {
			if !psl.IsInvalidSchema(err) {
				t.Fatalf("error is not a schema error: %v", err)
			}
			return
		}
		_, _ = psl.Validate(file)
		if !utf8.Valid(src) {
			return
		}
		out := psl.Format(file)
		again, err := psl.FormatSource("fuzz.prisma", out)
		if err != nil {
			t.Fatalf("formatted output does not parse: %v\n%s", err, out)
		}
		// A comment or block after a '}' on its line moves to the next
		// line on the first pass and gets its empty line on the second,
		// as with prisma format; from there on nothing changes.
		third, err := psl.FormatSource("fuzz.prisma", again)
		if err != nil || string(third) != string(again) {
			t.Fatalf("format is not idempotent:\n%s\n---\n%s", again, third)
		}
	})
}
