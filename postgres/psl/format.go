package psl

import (
	"bytes"
	"strings"
)

// Format prints a parsed file in the canonical layout: two-space
// indentation, one blank line between blocks, fields and enum values
// aligned in columns (name, type, attributes, comment) within groups
// separated by blank lines, block attributes after the fields, and config
// properties aligned on "=". Comments and doc comments are kept.
func Format(f *File) []byte {
	var b bytes.Buffer
	if f == nil {
		return nil
	}
	for i, d := range f.Decls {
		if i > 0 {
			b.WriteByte('\n')
		}
		writeLeading(&b, d.Lead(), "")
		switch d := d.(type) {
		case *ConfigBlock:
			formatConfig(&b, d)
		case *ModelDecl:
			formatModel(&b, d)
		case *EnumDecl:
			formatEnum(&b, d)
		}
	}
	if len(f.Comments) > 0 {
		if len(f.Decls) > 0 {
			b.WriteByte('\n')
		}
		for _, c := range f.Comments {
			b.WriteString("//" + c + "\n")
		}
	}
	return b.Bytes()
}

// FormatSource parses and formats source. On syntax errors it returns the
// error and no output, so nothing is lost.
func FormatSource(filename string, src []byte) ([]byte, error) {
	f, err := Parse(filename, src)
	if err != nil {
		return nil, err
	}
	return Format(f), nil
}

func writeLeading(b *bytes.Buffer, l *Leading, indent string) {
	for _, c := range l.Comments {
		b.WriteString(indent + "//" + strings.TrimRight(c, " \t") + "\n")
	}
	if l.BlankAfterComments {
		b.WriteByte('\n')
	}
	for _, d := range l.DocLines {
		b.WriteString(indent + "///" + strings.TrimRight(d, " \t") + "\n")
	}
}

// table accumulates aligned rows; a row may be preceded by raw lines.
type table struct {
	rows [][]string
	pre  [][]string // comment lines before each row
}

func (t *table) add(pre []string, cells ...string) {
	t.rows = append(t.rows, cells)
	t.pre = append(t.pre, pre)
}

func (t *table) write(b *bytes.Buffer, indent string) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			if n := len([]rune(c)); n > widths[i] {
				widths[i] = n
			}
		}
	}
	for ri, r := range t.rows {
		for _, p := range t.pre[ri] {
			if p == "" {
				b.WriteByte('\n')
				continue
			}
			b.WriteString(indent + p + "\n")
		}
		last := len(r) - 1
		for last > 0 && r[last] == "" {
			last--
		}
		var line strings.Builder
		line.WriteString(indent)
		for i := 0; i <= last; i++ {
			if widths[i] == 0 {
				continue // a column empty in every row takes no space
			}
			line.WriteString(r[i])
			if i < last {
				line.WriteString(strings.Repeat(" ", widths[i]-len([]rune(r[i]))+1))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	t.rows, t.pre = nil, nil
}

func leadLines(l *Leading) []string {
	var out []string
	for _, c := range l.Comments {
		out = append(out, "//"+strings.TrimRight(c, " \t"))
	}
	if l.BlankAfterComments {
		out = append(out, "")
	}
	for _, d := range l.DocLines {
		out = append(out, "///"+strings.TrimRight(d, " \t"))
	}
	return out
}

func trailing(s string) string {
	if s == "" {
		return ""
	}
	return "//" + strings.TrimRight(s, " \t")
}

func formatConfig(b *bytes.Buffer, c *ConfigBlock) {
	b.WriteString(c.Kind + " " + c.Name + " {" + spaced(c.HeaderComment) + "\n")
	var t table
	for i, p := range c.Properties {
		if p.BlankBefore && i > 0 {
			t.write(b, "  ")
			b.WriteByte('\n')
		}
		t.add(leadLines(&p.Leading), p.Key, "= "+exprText(p.Value), trailing(p.Trailing))
	}
	t.write(b, "  ")
	writeBlockEnd(b, c.Comments, c.EndComment)
}

func writeBlockEnd(b *bytes.Buffer, comments []string, end string) {
	for _, c := range comments {
		b.WriteString("  //" + strings.TrimRight(c, " \t") + "\n")
	}
	b.WriteString("}" + spaced(end) + "\n")
}

// spaced renders an optional trailing comment after one space.
func spaced(comment string) string {
	if comment == "" {
		return ""
	}
	return " " + trailing(comment)
}

func formatModel(b *bytes.Buffer, m *ModelDecl) {
	b.WriteString(m.Keyword + " " + m.Name + " {" + spaced(m.HeaderComment) + "\n")
	var t table
	for i, f := range m.Fields {
		if f.BlankBefore && i > 0 {
			t.write(b, "  ")
			b.WriteByte('\n')
		}
		t.add(leadLines(&f.Leading), f.Name, typeText(f.Type), attrsText(f.Attributes), trailing(f.Trailing))
	}
	t.write(b, "  ")
	writeBlockAttrs(b, m.Attributes, len(m.Fields) > 0)
	writeBlockEnd(b, m.Comments, m.EndComment)
}

func writeBlockAttrs(b *bytes.Buffer, attrs []*Attribute, gap bool) {
	if len(attrs) == 0 {
		return
	}
	if gap {
		b.WriteByte('\n')
	}
	var t table
	for i, a := range attrs {
		if a.BlankBefore && i > 0 {
			t.write(b, "  ")
			b.WriteByte('\n')
		}
		t.add(leadLines(&a.Leading), attrText(a), trailing(a.Trailing))
	}
	t.write(b, "  ")
}

func formatEnum(b *bytes.Buffer, e *EnumDecl) {
	b.WriteString("enum " + e.Name + " {" + spaced(e.HeaderComment) + "\n")
	var t table
	for i, v := range e.Values {
		if v.BlankBefore && i > 0 {
			t.write(b, "  ")
			b.WriteByte('\n')
		}
		t.add(leadLines(&v.Leading), v.Name, attrsText(v.Attributes), trailing(v.Trailing))
	}
	t.write(b, "  ")
	writeBlockAttrs(b, e.Attributes, len(e.Values) > 0)
	writeBlockEnd(b, e.Comments, e.EndComment)
}

func typeText(t TypeRef) string {
	s := t.Name
	if t.Name == "Unsupported" {
		s += "(" + quote(t.Unsupported) + ")"
	}
	if t.List {
		s += "[]"
	}
	if t.Optional {
		s += "?"
	}
	return s
}

func attrsText(attrs []*Attribute) string {
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		parts[i] = attrText(a)
	}
	return strings.Join(parts, " ")
}

func attrText(a *Attribute) string {
	var b strings.Builder
	if a.Block {
		b.WriteString("@@")
	} else {
		b.WriteString("@")
	}
	b.WriteString(a.Name)
	if a.HasParens || len(a.Args) > 0 {
		writeArgs(&b, a.Args)
	}
	return b.String()
}

func writeArgs(b *strings.Builder, args []*Arg) {
	b.WriteByte('(')
	for i, arg := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		if arg.Name != "" {
			b.WriteString(arg.Name + ": ")
		}
		writeExpr(b, arg.Value)
	}
	b.WriteByte(')')
}

func writeExpr(b *strings.Builder, e Expr) {
	switch e := e.(type) {
	case *StringLit:
		b.WriteString(quote(e.Value))
	case *NumberLit:
		b.WriteString(e.Text)
	case *Ident:
		b.WriteString(e.Name)
	case *FuncCall:
		b.WriteString(e.Name)
		writeArgs(b, e.Args)
	case *ArrayExpr:
		b.WriteByte('[')
		for i, x := range e.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			writeExpr(b, x)
		}
		b.WriteByte(']')
	}
}

// quote renders a string literal with the escapes the lexer understands.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[r>>4])
				b.WriteByte("0123456789abcdef"[r&15])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
