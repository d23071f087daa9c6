package psl

import (
	"bytes"
	"slices"
	"sort"
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
		if i > 0 && !d.Lead().AfterClose {
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
		if len(f.Decls) > 0 && !f.CommentsAfterClose {
			b.WriteByte('\n')
		}
		for i, c := range f.Comments {
			b.WriteString("//" + c + "\n")
			if slices.Contains(f.CommentGaps, i) && i+1 < len(f.Comments) {
				b.WriteByte('\n')
			}
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
	for _, line := range leadLines(l) {
		if line != "" {
			line = indent + line
		}
		b.WriteString(line + "\n")
	}
}

// table accumulates aligned rows; a row may be preceded by raw lines and
// followed by a comment. The comment is no column: it comes one space after
// the row's last cell, as Prisma writes it.
type table struct {
	rows     [][]string
	pre      [][]string // comment lines before each row
	comments []string
}

func (t *table) add(pre []string, comment string, cells ...string) {
	t.rows = append(t.rows, cells)
	t.pre = append(t.pre, pre)
	t.comments = append(t.comments, comment)
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
		text := strings.TrimRight(line.String(), " ")
		if c := t.comments[ri]; c != "" {
			text += " " + c
		}
		b.WriteString(text + "\n")
	}
	t.rows, t.pre, t.comments = nil, nil, nil
}

// leadLines renders comments and doc lines as written (trailing spaces
// kept, as Prisma keeps them), with the empty lines between them.
func leadLines(l *Leading) []string {
	var out []string
	gap := map[int]bool{}
	for _, i := range l.CommentGaps {
		gap[i] = true
	}
	for i, c := range l.Comments {
		out = append(out, "//"+c)
		if gap[i] {
			out = append(out, "")
		}
	}
	if l.BlankAfterComments {
		out = append(out, "")
	}
	for _, d := range l.DocLines {
		out = append(out, "///"+d)
	}
	return out
}

func trailing(s string) string {
	if s == "" {
		return ""
	}
	return "//" + s
}

// breaksGroup reports whether an item starts a new alignment group: an
// empty line before it or between its comments and it.
func breaksGroup(l *Leading) bool { return l.BlankBefore || l.BlankAfterComments }

func formatConfig(b *bytes.Buffer, c *ConfigBlock) {
	b.WriteString(c.Kind + " " + c.Name + " {" + spaced(c.HeaderComment) + "\n")
	var t table
	for i, p := range c.Properties {
		if breaksGroup(&p.Leading) && i > 0 {
			t.write(b, "  ")
			if p.BlankBefore {
				b.WriteByte('\n')
			}
		}
		t.add(leadLines(&p.Leading), trailing(p.Trailing), p.Key, "= "+exprText(p.Value))
	}
	t.write(b, "  ")
	writeBlockEnd(b, c.Comments, c.CommentGaps, "}"+c.EndComment)
}

// writeBlockEnd writes a block's free end comments and, unless end is
// empty, the closing brace with its comment.
func writeBlockEnd(b *bytes.Buffer, comments []string, gaps []int, end string) {
	for i, c := range comments {
		b.WriteString("  //" + c + "\n")
		if slices.Contains(gaps, i) && i+1 < len(comments) {
			b.WriteByte('\n')
		}
	}
	if end != "" {
		b.WriteString("}" + spaced(end[1:]) + "\n")
	}
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
		if breaksGroup(&f.Leading) && i > 0 {
			t.write(b, "  ")
			if f.BlankBefore {
				b.WriteByte('\n')
			}
		}
		t.add(leadLines(&f.Leading), trailing(f.Trailing), f.Name, typeText(f.Type), attrsText(sortedAttrs(f.Attributes)))
	}
	t.write(b, "  ")
	// Free comments at the end of the block stay after the fields, before
	// the block attributes, where Prisma's formatter puts them.
	writeBlockEnd(b, m.Comments, m.CommentGaps, "")
	writeBlockAttrs(b, m.Attributes, len(m.Fields) > 0 || len(m.Comments) > 0)
	b.WriteString("}" + spaced(m.EndComment) + "\n")
}

func writeBlockAttrs(b *bytes.Buffer, attrs []*Attribute, gap bool) {
	if len(attrs) == 0 {
		return
	}
	if gap {
		attrs = append([]*Attribute(nil), attrs...)
		attrs[0] = splitFieldComments(b, attrs[0])
	}
	var t table
	for i, a := range sortedAttrs(attrs) {
		if breaksGroup(&a.Leading) && i > 0 {
			t.write(b, "  ")
			if a.BlankBefore {
				b.WriteByte('\n')
			}
		}
		t.add(leadLines(&a.Leading), trailing(a.Trailing), attrText(a))
	}
	t.write(b, "  ")
}

func formatEnum(b *bytes.Buffer, e *EnumDecl) {
	b.WriteString("enum " + e.Name + " {" + spaced(e.HeaderComment) + "\n")
	var t table
	for i, v := range e.Values {
		if breaksGroup(&v.Leading) && i > 0 {
			t.write(b, "  ")
			if v.BlankBefore {
				b.WriteByte('\n')
			}
		}
		t.add(leadLines(&v.Leading), trailing(v.Trailing), v.Name, attrsText(v.Attributes))
	}
	t.write(b, "  ")
	writeBlockAttrs(b, e.Attributes, len(e.Values) > 0)
	writeBlockEnd(b, e.Comments, e.CommentGaps, "}"+e.EndComment)
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
	case *ObjectExpr:
		if len(e.Entries) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{ ")
		for i, x := range e.Entries {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(x.Name + ": ")
			writeExpr(b, x.Value)
		}
		b.WriteString(" }")
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

// attrRank is the order Prisma's formatter gives attributes: field
// attributes @id, @unique, @default, @updatedAt, @map, @relation, @ignore,
// then native types; block attributes @@id, @@unique, @@index, @@fulltext,
// @@map, @@ignore, @@schema. Others keep their place after those.
var attrRank = map[string]int{"id": 1, "unique": 2, "default": 3, "updatedAt": 4, "map": 5, "relation": 6,
	"ignore": 7, "index": 3, "fulltext": 4, "schema": 8}

func rankOf(a *Attribute) int {
	if r, ok := attrRank[a.Name]; ok {
		return r
	}
	if strings.HasPrefix(a.Name, "db.") {
		return 8
	}
	return 9
}

// sortedAttrs returns attrs in Prisma's order (stable; attrs unchanged).
func sortedAttrs(attrs []*Attribute) []*Attribute {
	out := append([]*Attribute(nil), attrs...)
	sort.SliceStable(out, func(i, j int) bool { return rankOf(out[i]) < rankOf(out[j]) })
	return out
}

// splitFieldComments writes what precedes the block attributes: the empty
// line after the fields and the comments of the first attribute up to its
// last empty line, which stay in place however the attributes are ordered
// (Prisma keeps them there); it returns the first attribute without them.
func splitFieldComments(b *bytes.Buffer, a *Attribute) *Attribute {
	l := a.Leading
	cut := -1
	switch {
	case l.BlankAfterComments:
		cut = len(l.Comments) - 1
	case len(l.CommentGaps) > 0:
		cut = l.CommentGaps[len(l.CommentGaps)-1]
	}
	if l.BlankBefore || cut < 0 {
		b.WriteByte('\n')
	}
	if cut < 0 {
		// The empty line is written: it does not follow the attribute
		// to wherever the ordering puts it.
		cp := *a
		cp.Leading.BlankBefore = false
		return &cp
	}
	pre := Leading{Comments: l.Comments[:cut+1], BlankAfterComments: true}
	rest := Leading{Comments: l.Comments[cut+1:], DocLines: l.DocLines}
	for _, g := range l.CommentGaps {
		if g < cut {
			pre.CommentGaps = append(pre.CommentGaps, g)
		}
	}
	writeLeading(b, &pre, "  ")
	cp := *a
	cp.Leading = rest
	return &cp
}
