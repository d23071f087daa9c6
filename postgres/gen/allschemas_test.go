package gen_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen"
	"github.com/polystore/polystore/postgres/psl"
)

// TestEveryGoldenSchemaGenerates: the client generated for every valid
// golden schema of postgres/psl and postgres/migrate (the schemas
// recorded against Prisma 7) passes go vet, so it compiles and its
// imports resolve. The packages are written inside the module, in a
// folder removed afterwards.
func TestEveryGoldenSchemaGenerates(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles every generated client")
	}
	var schemas []string
	for _, glob := range []string{"../psl/testdata/valid/*/schema.prisma", "../migrate/testdata/ddl/*/schema.prisma", "../migrate/testdata/ddl/*/schema"} {
		m, err := filepath.Glob(glob)
		require.NoError(t, err)
		schemas = append(schemas, m...)
	}
	require.NotEmpty(t, schemas)
	root, err := os.MkdirTemp("internal", "vetclients")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	for _, p := range schemas {
		kind := filepath.Base(filepath.Dir(filepath.Dir(p)))
		pkg := kind + "_" + strings.ReplaceAll(filepath.Base(filepath.Dir(p)), "-", "_")
		s, err := psl.LoadFile(p)
		require.NoError(t, err, p)
		src, err := gen.Generate(s, &gen.Options{Package: pkg, SchemaPath: "schema.prisma"})
		require.NoError(t, err, p)
		dir := filepath.Join(root, pkg)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, gen.FileName), src, 0o644))
	}
	out, err := exec.Command("go", "vet", "./"+filepath.ToSlash(root)+"/...").CombinedOutput()
	require.NoError(t, err, "go vet of the generated clients:\n%s", out)
}
