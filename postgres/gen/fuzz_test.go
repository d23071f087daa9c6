package gen_test

import (
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/polystore/polystore/postgres/gen"
	"github.com/polystore/polystore/postgres/psl"
)

// FuzzGenerate: for every schema the validator accepts, Generate returns
// either Go code that parses (and starts with the header) or an *Error;
// never a template failure or unparsable output.
func FuzzGenerate(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("internal", "cases", "*", "schema.prisma"))
	paths = append(paths, filepath.Join("..", "..", "examples", "prismaclient", "schema.prisma"))
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("model A {\n id Int @id\n b A? @relation(\"x\", fields: [bId], references: [id])\n bId Int? @unique\n a A? @relation(\"x\")\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := psl.Load("schema.prisma", src)
		if err != nil {
			return
		}
		code, err := gen.Generate(s, nil)
		if err != nil {
			var ge *gen.Error
			if !errors.As(err, &ge) || !errors.Is(err, gen.ErrGenerate) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "client.go", code, parser.ParseComments); err != nil {
			t.Fatalf("generated code does not parse: %v", err)
		}
	})
}
