package repocheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// exampleGaps are public packages known to lack a runnable Example, each
// with the reason. The list only shrinks: a package that gains its Example is
// reported (as a log line, so that landing the Example never breaks the
// build) and should be removed from it.
var exampleGaps = map[string]string{}

// pkgFacts is what the check needs to know about one package directory.
type pkgFacts struct {
	name      string // package clause of the non-test files
	doc       bool   // a package doc comment in a non-test file
	generated bool   // every non-test file is generated code
	examples  int    // Example functions with an // Output: comment
}

// isGenerated reports whether f carries the standard "Code generated ...
// DO NOT EDIT." line before its package clause.
func isGenerated(f *ast.File) bool {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "// Code generated ") && strings.HasSuffix(c.Text, " DO NOT EDIT.") {
				return true
			}
		}
	}
	return false
}

// scanPackage reads the Go files of one directory.
func scanPackage(fset *token.FileSet, dir string) (pkgFacts, error) {
	var facts pkgFacts
	entries, err := os.ReadDir(dir)
	if err != nil {
		return facts, err
	}
	sources := 0
	generated := 0
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return facts, err
		}
		if !strings.HasSuffix(n, "_test.go") {
			sources++
			facts.name = f.Name.Name
			if f.Doc != nil {
				facts.doc = true
			}
			if isGenerated(f) {
				generated++
			}
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !strings.HasPrefix(fd.Name.Name, "Example") {
				continue
			}
			for _, cg := range f.Comments {
				if cg.Pos() > fd.Body.Lbrace && cg.End() < fd.Body.Rbrace &&
					(strings.HasPrefix(cg.Text(), "Output:") || strings.HasPrefix(cg.Text(), "Unordered output:")) {
					facts.examples++
					break
				}
			}
		}
	}
	facts.generated = sources > 0 && generated == sources
	return facts, nil
}

// publicPackages returns the importable packages of the main module, by
// directory relative to root: not main, not under an internal/ folder, not
// generated code, not testdata, and not another module (bench/).
func publicPackages(t *testing.T, root string) map[string]pkgFacts {
	fset := token.NewFileSet()
	out := map[string]pkgFacts{}
	err := walkSources(root, func(path string, d fs.DirEntry) error {
		if !d.IsDir() {
			return nil
		}
		if d.Name() == "internal" {
			return filepath.SkipDir
		}
		if path != root {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		facts, err := scanPackage(fset, path)
		if err != nil {
			return err
		}
		if facts.name == "" || facts.name == "main" || facts.generated {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		out[filepath.ToSlash(rel)] = facts
		return nil
	})
	require.NoError(t, err)
	return out
}

// TestPublicPackagesDocumented checks what `go doc` and `go test` show a
// newcomer for every public package: a package comment (in doc.go, by the
// house style) and at least one Example with an // Output: comment, which
// `go test` runs and `go doc` renders.
func TestPublicPackagesDocumented(t *testing.T) {
	root := repoRoot(t)
	pkgs := publicPackages(t, root)
	// The families and the reference systems are all there: the walk works.
	for _, p := range []string{"redis/cache", "postgres/orm", "mongo/odm", "apps/analytics", "apps/tenancy"} {
		require.Contains(t, pkgs, p)
	}
	var dirs []string
	for d := range pkgs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		f := pkgs[d]
		if !f.doc {
			t.Errorf("%s: no package comment: add a doc.go saying what the package is for and where its guide is", d)
		}
		if f.examples == 0 {
			if why, ok := exampleGaps[d]; ok {
				t.Logf("%s: no runnable Example yet (%s)", d, why)
				continue
			}
			t.Errorf("%s: no Example with an // Output: comment: add one to example_test.go (go test runs it, go doc shows it)", d)
		} else if _, ok := exampleGaps[d]; ok {
			t.Logf("%s has a runnable Example now: remove it from exampleGaps", d)
		}
	}
}

// TestScanPackage proves the scan counts only runnable Examples and
// recognises generated code.
func TestScanPackage(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	write("a.go", "package a\n")
	write("a_test.go", "package a_test\n\nfunc ExampleCompiled() {\n\t_ = 1\n}\n")
	fset := token.NewFileSet()
	f, err := scanPackage(fset, dir)
	require.NoError(t, err)
	require.Equal(t, pkgFacts{name: "a"}, f)

	write("doc.go", "// Package a does things.\npackage a\n")
	write("example_test.go", "package a_test\n\nimport \"fmt\"\n\nfunc ExampleRun() {\n\tfmt.Println(1)\n\t// Output: 1\n}\n")
	f, err = scanPackage(fset, dir)
	require.NoError(t, err)
	require.Equal(t, pkgFacts{name: "a", doc: true, examples: 1}, f)

	gen := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(gen, "client.go"),
		[]byte("// Code generated by polystore. DO NOT EDIT.\n\npackage db\n"), 0o644))
	f, err = scanPackage(fset, gen)
	require.NoError(t, err)
	require.True(t, f.generated)
}
