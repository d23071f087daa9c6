package psl

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// astKey renders what a file means, leaving out positions, layout and the
// order of attributes (the formatter sorts them): declarations, fields
// with types and attributes, values, properties and doc comments.
func astKey(f *File) string {
	var b strings.Builder
	attrs := func(list []*Attribute) string {
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = attrText(a)
		}
		sort.Strings(out)
		return strings.Join(out, " ")
	}
	for _, d := range f.Decls {
		b.WriteString("doc " + d.Lead().Doc() + "\n")
		switch d := d.(type) {
		case *ConfigBlock:
			b.WriteString(d.Kind + " " + d.Name + "\n")
			for _, p := range d.Properties {
				b.WriteString("  " + p.Key + " = " + exprText(p.Value) + "\n")
			}
		case *ModelDecl:
			b.WriteString(d.Keyword + " " + d.Name + "\n")
			for _, fd := range d.Fields {
				b.WriteString("  " + fd.Name + " " + typeText(fd.Type) + " " + attrs(fd.Attributes) + " doc=" + fd.Doc() + "\n")
			}
			b.WriteString("  " + attrs(d.Attributes) + "\n")
		case *EnumDecl:
			b.WriteString("enum " + d.Name + "\n")
			for _, v := range d.Values {
				b.WriteString("  " + v.Name + " " + attrs(v.Attributes) + " doc=" + v.Doc() + "\n")
			}
			b.WriteString("  " + attrs(d.Attributes) + "\n")
		}
	}
	return b.String()
}

// FuzzFormatRoundTrip: whatever parses formats to text that parses to the
// same syntax tree (astKey), and formatting that text changes nothing.
func FuzzFormatRoundTrip(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*/*.prisma")
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("model A {\n  id Int @id /* c */ @default(1) // t  \n  // x\n\n  @@map(\"a\")\n  @@index(id)\n}\n"))
	f.Add([]byte("/** doc\n * more */\nmodel A {\n  id Int @id\n}\n/* end */\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.prisma", src)
		if err != nil || !utf8.Valid(src) {
			return
		}
		out := Format(file)
		again, err := Parse("fuzz.prisma", out)
		if err != nil {
			t.Fatalf("formatted output does not parse: %v\n%s", err, out)
		}
		if a, b := astKey(file), astKey(again); a != b {
			t.Fatalf("formatting changed the syntax tree:\n%s\n---\n%s\n--- formatted:\n%s", a, b, out)
		}
		// Stable from the second pass on (see FuzzFormat).
		twice := Format(again)
		if file3, err := Parse("fuzz.prisma", twice); err != nil || string(Format(file3)) != string(twice) {
			t.Fatalf("format is not idempotent:\n%s", twice)
		}
	})
}
