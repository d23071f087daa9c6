package gen_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen"
	"github.com/polystore/polystore/postgres/psl"
)

func load(t *testing.T, src string) *psl.Schema {
	t.Helper()
	s, err := psl.Load("schema.prisma", []byte(src))
	require.NoError(t, err)
	return s
}

func TestGenerateErrors(t *testing.T) {
	tests := []struct {
		name, schema, pkg string
		want              []string
	}{
		{
			name:   "package keyword",
			schema: "model A {\n id Int @id\n}\n",
			pkg:    "func",
			want:   []string{`package name "func" is not a Go identifier`},
		},
		{
			name:   "models differing in case",
			schema: "model user {\n id Int @id\n}\nmodel User {\n id Int @id\n}\n",
			pkg:    "db",
			want:   []string{"model user and model User both become the Go name User"},
		},
		{
			name:   "fields colliding in Go",
			schema: "model A {\n id Int @id\n user_id Int\n userId Int\n}\n",
			pkg:    "db",
			want:   []string{"model A: field user_id and field userId both become the Go field UserID"},
		},
		{
			name:   "unknown decimal type",
			schema: "generator client {\n provider = \"polystore\"\n decimal = \"float\"\n}\nmodel A {\n id Int @id\n}\n",
			pkg:    "db",
			want:   []string{`generator client: decimal = "float": use "shopspring" or "pgtype"`},
		},
		{
			name:   "enum values colliding",
			schema: "enum E {\n A_B\n a_b\n}\nmodel A {\n id Int @id\n e E\n}\n",
			pkg:    "db",
			want:   []string{"enum value E.A_B and enum value E.a_b both become the Go name EAB"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gen.Generate(load(t, tt.schema), &gen.Options{Package: tt.pkg})
			require.Error(t, err)
			require.True(t, errors.Is(err, gen.ErrGenerate))
			var ge *gen.Error
			require.True(t, errors.As(err, &ge))
			require.Equal(t, tt.want, ge.Problems)
		})
	}
}

func TestGenerateSkipsWhatTheRuntimeCannotServe(t *testing.T) {
	s := load(t, `
model Kept {
  id   Int @id
  junk Unsupported("circle")?
  gone String @ignore
}
model Ignored {
  id Int @id
  @@ignore
}
model NoKey {
  a Int
  b Int?
  @@unique([b])
  @@unique([a])
}
`)
	src, err := gen.Generate(s, nil)
	require.NoError(t, err)
	require.Equal(t, []string{"model Ignored: @@ignore"}, gen.LeftOut(s))
	require.Nil(t, gen.LeftOut(nil))
	code := string(src)
	require.Contains(t, code, "type Kept struct")
	for _, absent := range []string{"Ignored", "Junk", "Gone"} {
		require.NotContains(t, code, absent)
	}
	// A model without @id is identified, as in Prisma's client, by its
	// first unique of required fields.
	require.Contains(t, code, "type NoKey struct")
	require.Contains(t, code, "PrimaryKey: []string{\"a\"},")
	require.Contains(t, code, "func NoKeyByA(a int) NoKeyUnique")
	require.Contains(t, code, "func NoKeyByB(b int) NoKeyUnique")
	require.True(t, strings.HasPrefix(code, gen.Header+"\n"))
	require.Contains(t, code, "package db\n")
}

func TestGenerateNilSchema(t *testing.T) {
	_, err := gen.Generate(nil, nil)
	require.ErrorIs(t, err, gen.ErrGenerate)
}
