package gen_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen"
	"github.com/polystore/polystore/postgres/psl"
)

var update = flag.Bool("update", false, "rewrite the golden files and the committed example client")

// goldenCases are the folders under testdata, each with schema.prisma and
// client.go.golden.
func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if e.IsDir() && e.Name()[0] != '_' {
			out = append(out, e.Name())
		}
	}
	require.NotEmpty(t, out)
	return out
}

func generate(t *testing.T, schemaPath, pkg string) []byte {
	t.Helper()
	s, err := psl.LoadFile(schemaPath)
	require.NoError(t, err)
	src, err := gen.Generate(s, &gen.Options{Package: pkg, SchemaPath: "schema.prisma"})
	require.NoError(t, err)
	return src
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./postgres/gen -run Golden -update")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Fatalf("%s is stale (-want +got); run go test ./postgres/gen -run Golden -update:\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			src := generate(t, filepath.Join("testdata", name, "schema.prisma"), "db")
			require.Equal(t, gen.Header, string(src[:len(gen.Header)]))
			compareGolden(t, filepath.Join("testdata", name, "client.go.golden"), src)
		})
	}
}

// TestGoldenGuideClient regenerates the committed example client of the
// guide's schema, so a change to the generator or the schema that is not
// regenerated fails here.
func TestGoldenGuideClient(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "prismaclient")
	src := generate(t, filepath.Join(dir, "schema.prisma"), "db")
	compareGolden(t, filepath.Join(dir, "db", gen.FileName), src)
}

// TestGoldenCompiles builds and vets every golden case as a Go package.
func TestGoldenCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet")
	}
	tmp, err := os.MkdirTemp("testdata", "_build")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(tmp) })
	var pkgs []string
	for _, name := range goldenCases(t) {
		dir := filepath.Join(tmp, name)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		src := generate(t, filepath.Join("testdata", name, "schema.prisma"), "db")
		require.NoError(t, os.WriteFile(filepath.Join(dir, gen.FileName), src, 0o644))
		pkgs = append(pkgs, "./"+filepath.ToSlash(dir))
	}
	cmd := exec.Command("go", append([]string{"vet"}, pkgs...)...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "generated code does not compile:\n%s", out)
}
