package psl_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/psl"
)

// TestLoadPathFolder: a folder of .prisma files is one schema (relations
// across files resolve); a problem is reported in the file it is in; an
// empty folder is an error.
func TestLoadPathFolder(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	write("a.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n")
	write("m/user.prisma", "model User {\n  id    Int    @id\n  posts Post[]\n}\n")
	write("m/post.prisma", "model Post {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id])\n}\n")
	s, err := psl.LoadFile(dir)
	require.NoError(t, err)
	require.Equal(t, "User", s.Model("Post").Field("user").Relation.To.Name)

	write("m/post.prisma", "model Post {\n  id Int @id\n  x  Nope\n}\n")
	_, err = psl.LoadPath(dir)
	require.ErrorContains(t, err, filepath.Join(dir, "m", "post.prisma")+":3:6:")

	_, err = psl.LoadPath(t.TempDir())
	require.ErrorIs(t, err, psl.ErrInvalidSchema)
}
