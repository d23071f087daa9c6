package psl_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/psl"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata file path, rewriting it under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file (run with -update)")
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Fatalf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func cases(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", dir))
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

// TestValidGolden: each testdata/valid/<case>/schema.prisma validates; its
// resolved schema matches schema.golden and its formatting formatted.prisma;
// formatting is idempotent and keeps the same resolved schema.
func TestValidGolden(t *testing.T) {
	for _, name := range cases(t, "valid") {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "valid", name)
			src, err := os.ReadFile(filepath.Join(dir, "schema.prisma"))
			require.NoError(t, err)
			s, err := psl.Load("schema.prisma", src)
			require.NoError(t, err)
			dump := dumpSchema(s)
			golden(t, filepath.Join(dir, "schema.golden"), dump)

			f, err := psl.Parse("schema.prisma", src)
			require.NoError(t, err)
			formatted := psl.Format(f)
			golden(t, filepath.Join(dir, "formatted.prisma"), string(formatted))
			again, err := psl.FormatSource("formatted.prisma", formatted)
			require.NoError(t, err)
			require.Equal(t, string(formatted), string(again), "formatting is not idempotent")
			s2, err := psl.Load("schema.prisma", formatted)
			require.NoError(t, err)
			require.Equal(t, stripPos(dump), stripPos(dumpSchema(s2)), "formatting changed the schema")
		})
	}
}

// TestInvalidGolden: each testdata/invalid/<case>/schema.prisma fails with
// exactly the diagnostics in diagnostics.golden.
func TestInvalidGolden(t *testing.T) {
	for _, name := range cases(t, "invalid") {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "invalid", name)
			src, err := os.ReadFile(filepath.Join(dir, "schema.prisma"))
			require.NoError(t, err)
			s, err := psl.Load("schema.prisma", src)
			require.Error(t, err)
			require.Nil(t, s)
			require.ErrorIs(t, err, psl.ErrInvalidSchema)
			perr, ok := psl.AsError(err)
			require.True(t, ok)
			require.NotEmpty(t, perr.Diagnostics)
			golden(t, filepath.Join(dir, "diagnostics.golden"), err.Error()+"\n")
		})
	}
}

var posRE = regexp.MustCompile(`  @\S+:\d+:\d+`)

func stripPos(s string) string { return posRE.ReplaceAllString(s, "") }

// dumpSchema renders the resolved schema as stable text.
func dumpSchema(s *psl.Schema) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	if ds := s.Datasource; ds != nil {
		p("datasource %s provider=%s url=%+v schemas=%v\n", ds.Name, ds.Provider, ds.URL, ds.Schemas)
		for _, x := range ds.Extensions {
			p("  extension %+v\n", *x)
		}
	}
	for _, g := range s.Generators {
		keys := make([]string, 0, len(g.Config))
		for k := range g.Config {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		p("generator %s", g.Name)
		for _, k := range keys {
			p(" %s=%q", k, g.Config[k])
		}
		p("\n")
	}
	for _, e := range s.Enums {
		p("enum %s db=%s schema=%q doc=%q\n", e.Name, e.DBName, e.Schema, e.Doc)
		for _, v := range e.Values {
			p("  %s db=%s\n", v.Name, v.DBName)
		}
	}
	for _, m := range s.Models {
		kind := "model"
		if m.IsView {
			kind = "view"
		}
		p("%s %s db=%s schema=%q ignored=%v doc=%q\n", kind, m.Name, m.DBName, m.Schema, m.Ignored, m.Doc)
		if pt := m.Partition; pt != nil {
			p("  partition %s %v interval=%q premake=%d retention=%q keep=%v partitions=%d  @%s\n", pt.Strategy, pt.Fields,
				pt.Interval, pt.Premake, pt.Retention, pt.RetentionKeepTable, pt.Partitions, pt.Pos)
		}
		for _, f := range m.Fields {
			p("  %s db=%q %s %s", f.Name, f.DBName, f.Kind, f.Type)
			if f.Optional {
				p("?")
			}
			if f.List {
				p("[]")
			}
			if f.Unsupported != "" {
				p(" unsupported=%q", f.Unsupported)
			}
			if f.NativeType != nil {
				p(" native=%s", f.NativeType.SQL())
			}
			if d := f.Default; d != nil {
				p(" default=%s(%q", d.Kind, d.Value)
				if d.IsString {
					p(" string")
				}
				if len(d.Values) > 0 {
					p(" %q", d.Values)
				}
				if d.Version != "" {
					p(" v%s", d.Version)
				}
				p(")")
			}
			for _, flag := range []struct {
				on   bool
				name string
			}{{f.ID, "id"}, {f.Unique, "unique"}, {f.UpdatedAt, "updatedAt"}, {f.Ignored, "ignored"}} {
				if flag.on {
					p(" %s", flag.name)
				}
			}
			if f.Doc != "" {
				p(" doc=%q", f.Doc)
			}
			if r := f.Relation; r != nil {
				p(" relation=%s explicit=%v kind=%s to=%s back=%s owner=%v", r.Name, r.Explicit, r.Kind, r.To.Name, r.Back.Name, r.Owner)
				if r.Owner {
					p(" fields=%v references=%v onDelete=%s onUpdate=%s map=%q", r.Fields, r.References, r.OnDelete, r.OnUpdate, r.Map)
				}
				if r.JoinTable != nil {
					p(" joinTable=%s", r.JoinTable.Name)
				}
			}
			p("  @%s\n", f.Pos)
		}
		if pk := m.PrimaryKey; pk != nil {
			p("  primaryKey %v name=%q map=%q\n", pk.Fields, pk.Name, pk.Map)
		}
		for _, ix := range m.Uniques {
			p("  unique %+v name=%q map=%q\n", ix.Fields, ix.Name, ix.Map)
		}
		for _, ix := range m.Indexes {
			p("  index %+v name=%q map=%q type=%q\n", ix.Fields, ix.Name, ix.Map, ix.Type)
		}
	}
	for _, jt := range s.JoinTables {
		p("joinTable %s relation=%s A=%s.%s B=%s.%s\n", jt.Name, jt.RelationName, jt.A.Name, jt.AField.Name, jt.B.Name, jt.BField.Name)
	}
	return b.String()
}

// TestCRLFAndBOM: Windows line endings and a byte order mark parse like
// plain text and format to LF.
func TestCRLFAndBOM(t *testing.T) {
	src := "\ufeffmodel A {\r\n  id Int @id // key\r\n}\r\n"
	f, err := psl.Parse("schema.prisma", []byte(src))
	require.NoError(t, err)
	require.Equal(t, "model A {\n  id Int @id // key\n}\n", string(psl.Format(f)))
	_, err = psl.Validate(f)
	require.NoError(t, err)
}

// TestFormatKeepsEveryComment: comments in every position survive formatting.
func TestFormatKeepsEveryComment(t *testing.T) {
	src := `// c1 file
datasource db { // c2 header
  // c3 before property
  provider = "postgresql" // c4 property
  // c5 block end
} // c6 after brace

/// c7 doc
model A { // c8
  /// c9 field doc
  id Int @id // c10
  // c11 before block attribute

  // c12 after blank
  @@map("a") // c13
  // c14 end
} // c15

enum E { // c16
  // c17
  X // c18
  @@map("e") // c19
} // c20
// c21 end of file
`
	f, err := psl.Parse("schema.prisma", []byte(src))
	require.NoError(t, err)
	out := string(psl.Format(f))
	for i := 1; i <= 21; i++ {
		require.Contains(t, out, fmt.Sprintf("c%d", i), "comment c%d lost:\n%s", i, out)
	}
	// A comment after a block's '}' goes to the next line with no empty
	// line before it, as prisma format puts it; formatting that again
	// adds the empty line (Prisma's does too), then nothing changes.
	again, err := psl.FormatSource("schema.prisma", []byte(out))
	require.NoError(t, err)
	require.Contains(t, out, "}\n// c6 after brace\n")
	require.Contains(t, string(again), "}\n\n// c6 after brace\n")
	third, err := psl.FormatSource("schema.prisma", again)
	require.NoError(t, err)
	require.Equal(t, string(again), string(third))
}
