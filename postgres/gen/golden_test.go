package gen_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen"
	"github.com/polystore/polystore/postgres/psl"
)

var update = flag.Bool("update", false, "rewrite the golden files and the committed example client")

// casesDir holds one generated package per edge case: schema.prisma and
// the committed client.go, which the runtime tests in that folder use.
const casesDir = "internal/cases"

func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(casesDir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if e.IsDir() {
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
			src := generate(t, filepath.Join(casesDir, name, "schema.prisma"), name)
			require.Equal(t, gen.Header, string(src[:len(gen.Header)]))
			compareGolden(t, filepath.Join(casesDir, name, gen.FileName), src)
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

	// The benchmark module's client, generated the same way.
	dir = filepath.Join("..", "..", "bench", "orm", "gendb")
	src = generate(t, filepath.Join(dir, "schema.prisma"), "gendb")
	compareGolden(t, filepath.Join(dir, gen.FileName), src)
}
