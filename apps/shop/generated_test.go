package shop_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen"
	"github.com/polystore/polystore/postgres/psl"
)

// The committed client matches what the generator makes of schema.prisma
// now: a schema or generator change that was not regenerated fails here.
// Regenerate with go run ./cmd/polystore generate --schema
// apps/shop/schema.prisma --out apps/shop/db.
func TestGeneratedClientUpToDate(t *testing.T) {
	s, err := psl.LoadFile("schema.prisma")
	require.NoError(t, err)
	src, err := gen.Generate(s, &gen.Options{Package: "db", SchemaPath: "schema.prisma"})
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("db", gen.FileName))
	require.NoError(t, err)
	require.Equal(t, string(want), string(src))
}
