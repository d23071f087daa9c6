package psl

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// Parse parses schema source. It always returns a File, holding everything
// it could read; syntax problems come back as an *Error listing each
// diagnostic with its position. Parse never panics.
func Parse(filename string, src []byte) (*File, error) {
	p := &parser{file: &File{Name: filename, sources: map[string]string{filename: string(src)}}, lx: newLexer(filename, string(src))}
	p.parseFile()
	p.diags = append(p.lx.diags, p.diags...)
	sort.SliceStable(p.diags, func(i, j int) bool { return p.diags[i].Pos.Offset < p.diags[j].Pos.Offset })
	return p.file, errorOf(p.diags, p.file.sources)
}

// ParseFile reads and parses a schema file.
func ParseFile(path string) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// parser reads tokens from the lexer on demand through a small lookahead
// buffer, so memory stays flat whatever the file size.
type parser struct {
	lx    *lexer
	buf   []token // lookahead; buf[i] is the current token
	i     int
	last  token // the most recently consumed token
	file  *File
	diags []*Diagnostic
	// blockDiags is how many diagnostics there were when the current
	// top-level block began.
	blockDiags int
	// afterClose is set when something follows a block's '}' on its line.
	afterClose bool
	// model is the name of the model or view being read.
	model string
}

// fill makes sure buf holds the current token and n more (or ends at EOF).
func (p *parser) fill(n int) {
	for len(p.buf)-p.i <= n {
		if len(p.buf) > 0 && p.buf[len(p.buf)-1].kind == tokEOF {
			return
		}
		p.buf = append(p.buf, p.lx.next())
	}
}

func (p *parser) peek() token { return p.peekAt(0) }

func (p *parser) peekAt(n int) token {
	p.fill(n)
	if p.i+n < len(p.buf) {
		return p.buf[p.i+n]
	}
	return p.buf[len(p.buf)-1]
}

func (p *parser) next() token {
	t := p.peek()
	if t.kind != tokEOF {
		p.last = t
		p.i++
		if p.i == len(p.buf) {
			p.buf, p.i = p.buf[:0], 0
		}
	}
	return t
}

func (p *parser) errorf(t token, format string, args ...any) {
	if t.kind == tokIllegal {
		return // the lexer reported it already
	}
	p.diags = append(p.diags, &Diagnostic{Pos: t.pos, End: t.end, Text: t.raw, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) expect(k tokenKind, what string) (token, bool) {
	t := p.peek()
	if t.kind != k {
		p.errorf(t, "expected %s, found %s", what, describe(t))
		return t, false
	}
	return p.next(), true
}

func describe(t token) string {
	switch t.kind {
	case tokIdent, tokNumber:
		return fmt.Sprintf("%s %q", t.kind, t.raw)
	case tokString:
		return "string " + t.raw
	}
	return t.kind.String()
}

// skipLine skips to the end of the current line, consuming the newline:
// Prisma's grammar rejects a line it cannot read as a whole, braces
// included (a '}' closes a block only where a line's content starts).
func (p *parser) skipLine() {
	for {
		switch p.peek().kind {
		case tokEOF:
			return
		case tokNewline:
			p.next()
			return
		}
		p.next()
	}
}

// lineMark is where an item of a block starts: Prisma's grammar reads a
// line inside a block as one item or rejects the whole line.
type lineMark struct {
	diags int
	line  int
}

func (p *parser) markLine() lineMark { return lineMark{diags: len(p.diags), line: p.peek().pos.Line} }

// rejectedLine tells whether the item begun at m failed to parse, and
// words its syntax errors as Prisma's rejection of the whole line: msg is
// the block's wording ("This line is not an enum value definition.").
func (p *parser) rejectedLine(m lineMark, msg string) bool {
	bad := false
	for _, d := range p.diags[m.diags:] {
		if d.phase == phaseParse && d.Prisma == "" {
			bad = true
			d.Prisma, d.prismaSpan = "Error validating: "+msg, spanNextLine
			d.prismaPos = Pos{Filename: d.Pos.Filename, Line: m.line, Col: 1}
		}
	}
	return bad
}

// leading collects blank lines and comments before an item.
func (p *parser) leading() Leading {
	var l Leading
	lineStart := true
	blankAfterDoc := false // an empty line after doc lines a comment follows
	for {
		t := p.peek()
		switch t.kind {
		case tokNewline:
			if lineStart && len(l.DocLines) > 0 {
				blankAfterDoc = true
			}
			if lineStart {
				if len(l.Comments) > 0 {
					l.BlankAfterComments = true
				} else {
					l.BlankBefore = true
				}
			}
			lineStart = true
			p.next()
		case tokComment:
			if l.BlankAfterComments && len(l.DocLines) == 0 {
				l.CommentGaps = append(l.CommentGaps, len(l.Comments)-1)
				l.BlankAfterComments = false
			}
			if t.block {
				p.next()
				l.Comments = append(l.Comments, splitBlock(t.text)...)
				lineStart = false
				continue
			}
			if len(l.DocLines) > 0 {
				// Doc lines followed by a plain comment: keep them as comments.
				for _, d := range l.DocLines {
					l.Comments = append(l.Comments, "/"+d)
				}
				l.DocLines, l.DocPos = nil, nil
				if blankAfterDoc {
					l.CommentGaps = append(l.CommentGaps, len(l.Comments)-1)
					l.BlankAfterComments = false
				}
				blankAfterDoc = false
			}
			l.Comments = append(l.Comments, t.text)
			lineStart = false
			p.next()
		case tokDocComment:
			if t.block {
				lines := splitBlock(t.text)
				l.DocLines = append(l.DocLines, lines...)
				for range lines {
					// Col 0: the block's start, not the line's own position.
					l.DocPos = append(l.DocPos, Pos{Filename: t.pos.Filename, Line: t.pos.Line, Offset: t.pos.Offset})
				}
			} else {
				l.DocLines = append(l.DocLines, t.text)
				at := t.pos
				at.Col, at.Offset = at.Col+3, at.Offset+3
				l.DocPos = append(l.DocPos, at)
			}
			lineStart = false
			p.next()
		default:
			return l
		}
	}
}

// endOfLine consumes an optional trailing comment and the newline.
func (p *parser) endOfLine() string {
	trailing := ""
	t := p.peek()
	if t.kind == tokComment || t.kind == tokDocComment {
		trailing = t.text
		if t.block {
			trailing = " " + strings.Join(strings.Fields(t.text), " ")
		} else if t.kind == tokDocComment {
			trailing = "/" + trailing
		}
		// An empty trailing comment carries nothing; drop it.
		if strings.TrimSpace(trailing) == "" {
			trailing = ""
		}
		p.next()
		t = p.peek()
	}
	switch t.kind {
	case tokNewline:
		p.next()
	case tokEOF:
	case tokRBrace:
		p.errorf(t, "a '}' closes a block only on a line of its own (after the last field or value)")
		p.skipLine()
	default:
		p.errorf(t, "expected end of line, found %s", describe(t))
		p.skipLine()
	}
	return trailing
}

func (p *parser) parseFile() {
	for {
		afterClose := p.afterClose
		p.afterClose = false
		lead := p.leading()
		lead.AfterClose = afterClose
		t := p.peek()
		if t.kind == tokEOF {
			p.file.CommentsAfterClose = afterClose && len(lead.Comments)+len(lead.DocLines) > 0
			p.file.Comments, p.file.CommentGaps = endComments(lead)
			return
		}
		if t.kind != tokIdent {
			p.errorf(t, "expected a block (model, enum, view, datasource, generator), found %s", describe(t))
			p.skipLine()
			if p.peek().kind == tokRBrace {
				p.next()
			}
			continue
		}
		var d Decl
		switch t.text {
		case "model", "view":
			d = p.parseModel(lead)
		case "enum":
			d = p.parseEnum(lead)
		case "datasource", "generator":
			d = p.parseConfig(lead)
		case "type":
			if n := p.peekAt(1); n.kind == tokIdent {
				if p.file.composites == nil {
					p.file.composites = map[string]bool{}
				}
				p.file.composites[n.text] = true
			}
			p.errorf(t, "composite types are not supported by the postgresql provider")
			p.diags[len(p.diags)-1].Prisma = "Error validating: Composite types are not supported on Postgres."
			p.diags[len(p.diags)-1].prismaSpan = spanBlock
			p.skipBlock()
			continue
		default:
			p.errorf(t, "unknown block type %q (expected model, enum, view, datasource or generator)", t.text)
			p.diags[len(p.diags)-1].phase = phaseHidden
			p.skipBlock()
			// Prisma's grammar matches no block there: it rejects each line.
			p.invalidLines(t.pos, p.last.pos.Line)
			continue
		}
		if d != nil {
			p.file.Decls = append(p.file.Decls, d)
		}
	}
}

// skipBlock skips a malformed top-level block: to the matching '}' when a
// '{' follows on the first line, else to the end of the line.
func (p *parser) skipBlock() {
	for {
		t := p.peek()
		switch t.kind {
		case tokEOF:
			return
		case tokNewline:
			p.next()
			return
		case tokLBrace:
			depth := 0
			for {
				t := p.next()
				switch t.kind {
				case tokEOF:
					return
				case tokLBrace:
					depth++
				case tokRBrace:
					depth--
					if depth == 0 {
						return
					}
				}
			}
		}
		p.next()
	}
}

// blockHeader parses "keyword Name {" and the end of that line.
func (p *parser) blockHeader() (kw, name token, comment string, ok bool) {
	p.blockDiags = len(p.diags)
	kw = p.next()
	name, ok = p.expect(tokIdent, "a name after "+kw.text)
	if !ok {
		if len(p.diags) > p.blockDiags {
			p.diags[len(p.diags)-1].phase = phaseHidden
		}
		p.skipBlock()
		// Without a name (_x is none: a name starts with a letter) Prisma's
		// grammar matches no block there: it rejects each line.
		p.invalidLines(kw.pos, p.last.pos.Line)
		return kw, name, "", false
	}
	if _, ok = p.expect(tokLBrace, "'{'"); !ok {
		p.skipBlock()
		return kw, name, "", false
	}
	return kw, name, p.headerRest(), true
}

// headerRest reads the rest of a block's first line. Prisma's grammar
// takes everything after '{' up to the line break as part of the opening
// (so `model A { id Int @id }` leaves the block open, its field unread);
// only a comment right after '{' is kept.
func (p *parser) headerRest() string {
	comment := ""
	if t := p.peek(); t.kind == tokComment || t.kind == tokDocComment {
		comment = p.endOfLine()
		if p.last.kind == tokNewline {
			return comment
		}
	}
	p.skipLine()
	return comment
}

// closeBlock consumes '}' and returns the comment after it.
func (p *parser) closeBlock(kw token) string {
	if p.peek().kind == tokRBrace {
		p.next()
		if t := p.peek(); t.kind == tokNewline || t.kind == tokEOF {
			return p.endOfLine()
		}
		// A comment or a block may follow '}' on its line: to Prisma it
		// is the next top-level item.
		p.afterClose = true
		return ""
	}
	// Unclosed, the block is no block to Prisma's grammar: it rejects each
	// of its lines as a line outside any block instead of what is in them.
	p.diags = p.diags[:p.blockDiags]
	p.errorf(p.peek(), "expected '}' to close the %s block opened at %s", kw.text, kw.pos)
	if len(p.diags) > p.blockDiags {
		p.diags[len(p.diags)-1].phase = phaseHidden
	}
	p.invalidLines(kw.pos, p.peek().pos.Line)
	return ""
}

// invalidLines reports each line from from's to line last that holds
// more than a comment, as Prisma's grammar does a line it cannot place.
func (p *parser) invalidLines(from Pos, last int) {
	src := p.file.sources[from.Filename]
	offset := from.Offset - (from.Col - 1)
	for n := from.Line; n <= last && offset < len(src); n++ {
		line, _, _ := strings.Cut(src[offset:], "\n")
		if text := strings.TrimSpace(line); text != "" && !strings.HasPrefix(text, "//") {
			p.diags = append(p.diags, &Diagnostic{Pos: Pos{Filename: from.Filename, Line: n, Col: 1, Offset: offset}, End: from, Text: text,
				Message:    "this line is outside any block (model, enum, view, datasource, generator)",
				Prisma:     "Error validating: This line is invalid. It does not start with any known Prisma schema keyword.",
				prismaSpan: spanNextLine})
		}
		offset += len(line) + 1
	}
}

func (p *parser) parseModel(lead Leading) Decl {
	kw, name, header, ok := p.blockHeader()
	if !ok {
		return nil
	}
	m := &ModelDecl{Leading: lead, Pos: kw.pos, Keyword: kw.text, Name: name.text, NamePos: name.pos, HeaderComment: header}
	p.model = m.Name
	for {
		l := p.leading()
		t := p.peek()
		switch t.kind {
		case tokRBrace, tokEOF:
			m.Comments, m.CommentGaps = endComments(l)
			m.EndComment = p.closeBlock(kw)
			return m
		case tokAtAt:
			mark := p.markLine()
			a := p.parseAttribute()
			trailing := p.endOfLine()
			if a != nil && !p.rejectedLine(mark, fieldLine) {
				a.Leading, a.Trailing = l, trailing
				m.Attributes = append(m.Attributes, a)
			}
		case tokIdent:
			mark := p.markLine()
			if f := p.parseField(l); f != nil && !p.rejectedLine(mark, fieldLine) {
				m.Fields = append(m.Fields, f)
			}
		default:
			if n := p.peekAt(1); t.kind == tokNumber && n.kind == tokIdent && n.pos.Offset == t.end.Offset {
				// 2name: Prisma's grammar reads a field whose name starts
				// with a digit, its name checks refuse it.
				p.errorf(t, "field name %q must start with a letter", t.text+n.text)
				d := p.diags[len(p.diags)-1]
				d.Prisma, d.prismaSpan, d.phase = "Error validating: The name of a Field must not start with a number.", spanLine, phaseNames
				p.next()
				p.buf[p.i].text, p.buf[p.i].pos = t.text+n.text, t.pos
				mark := p.markLine()
				if f := p.parseField(l); f != nil && !p.rejectedLine(mark, fieldLine) {
					m.Fields = append(m.Fields, f)
				}
				continue
			}
			p.errorf(t, "expected a field or a block attribute, found %s", describe(t))
			if n := p.peekAt(1); t.kind == tokNumber && isDigits(t.text) && (n.kind == tokNewline || n.kind == tokEOF) {
				// A number alone on its line: Prisma's grammar reads a
				// field name (it may start with a digit) without a type.
				d := p.diags[len(p.diags)-1]
				d.Prisma = fmt.Sprintf("Error validating model %q: This field declaration is invalid. It is either missing a name or a type.", p.model)
				d.prismaSpan, d.prismaPos = spanNextLine, t.pos
			}
			p.skipLine()
		}
	}
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

const fieldLine = "This line is not a valid field or attribute definition."

func prefixed(doc []string) []string {
	out := make([]string, len(doc))
	for i, d := range doc {
		out[i] = "/" + d
	}
	return out
}

func (p *parser) parseField(lead Leading) *FieldDecl {
	name := p.next()
	f := &FieldDecl{Leading: lead, Pos: name.pos, Name: name.text}
	t := p.peek()
	if t.kind != tokIdent {
		p.errorf(t, "expected a type for field %q, found %s", name.text, describe(t))
		if t.kind == tokNewline || t.kind == tokEOF || t.kind == tokComment || t.kind == tokDocComment {
			// A name alone: Prisma's grammar reads a field without a type.
			d := p.diags[len(p.diags)-1]
			d.Prisma = fmt.Sprintf("Error validating model %q: This field declaration is invalid. It is either missing a name or a type.", p.model)
			d.prismaSpan, d.prismaPos = spanNextLine, name.pos
		}
		p.skipLine()
		return nil
	}
	p.next()
	f.Type = TypeRef{Pos: t.pos, Name: t.text}
	if t.text == "Unsupported" && p.peek().kind == tokLParen {
		p.next()
		if s, ok := p.expect(tokString, "a string in Unsupported(...)"); ok {
			f.Type.Unsupported = s.text
		}
		if _, ok := p.expect(tokRParen, "')'"); !ok {
			p.skipLine()
			return nil
		}
	}
	switch p.peek().kind {
	case tokQuestion:
		p.next()
		f.Type.Optional = true
	case tokLBrack:
		p.next()
		if _, ok := p.expect(tokRBrack, "']'"); !ok {
			p.skipLine()
			return nil
		}
		f.Type.List = true
		if p.peek().kind == tokQuestion {
			q := p.next()
			f.Type.Legacy = true
			p.errorf(q, "optional lists are not supported; use %s[]", f.Type.Name)
			p.diags[len(p.diags)-1].Prisma = "Optional lists are not supported. Use either `Type[]` or `Type?`."
		}
	}
	for p.peek().kind == tokAt {
		if a := p.parseAttribute(); a != nil {
			f.Attributes = append(f.Attributes, a)
		} else {
			p.skipLine()
			return f
		}
	}
	if p.peek().kind == tokAtAt {
		p.errorf(p.peek(), "block attributes (@@) belong on their own line")
		p.skipLine()
		return f
	}
	f.Trailing = p.endOfLine()
	return f
}

// parseAttribute parses @name, @ns.name, @name(args) (or @@...).
func (p *parser) parseAttribute() *Attribute {
	at := p.next()
	a := &Attribute{Pos: at.pos, Block: at.kind == tokAtAt}
	t := p.peek()
	if t.kind != tokIdent {
		p.errorf(t, "expected an attribute name after %s, found %s", at.raw, describe(t))
		return nil
	}
	p.next()
	a.Name = t.text
	for p.peek().kind == tokDot && p.peekAt(1).kind == tokIdent {
		p.next()
		a.Name += "." + p.next().text
	}
	a.End = p.last.end
	if p.peek().kind == tokLParen {
		args, end, ok := p.parseArgs()
		if !ok {
			return nil
		}
		a.Args, a.End, a.HasParens = args, end, true
	}
	return a
}

// skipSpace is where multi-line argument lists would be allowed; the
// language keeps attributes on one line, so it skips nothing and a missing
// ')' is reported at the end of that line.
func (p *parser) skipSpace() {}

// parseArgs parses "(a, name: b, ...)" starting at '('.
func (p *parser) parseArgs() ([]*Arg, Pos, bool) {
	p.next() // (
	var args []*Arg
	for {
		p.skipSpace()
		t := p.peek()
		if t.kind == tokRParen {
			p.next()
			return args, t.end, true
		}
		arg := &Arg{Pos: t.pos}
		if t.kind == tokIdent && p.peekAt(1).kind == tokColon {
			arg.Name = t.text
			p.next()
			p.next()
			p.skipSpace()
		}
		v := p.parseExpr()
		if v == nil {
			return nil, t.pos, false
		}
		arg.Value = v
		args = append(args, arg)
		p.skipSpace()
		switch t := p.peek(); t.kind {
		case tokComma:
			p.next()
		case tokRParen:
		default:
			p.errorf(t, "expected ',' or ')' in argument list, found %s", describe(t))
			return nil, t.pos, false
		}
	}
}

func (p *parser) parseExpr() Expr {
	t := p.peek()
	switch t.kind {
	case tokString:
		p.next()
		return &StringLit{Pos: t.pos, Value: t.text}
	case tokNumber:
		p.next()
		return &NumberLit{Pos: t.pos, Text: t.text}
	case tokIdent:
		p.next()
		name := t.text
		for p.peek().kind == tokDot && p.peekAt(1).kind == tokIdent {
			p.next()
			name += "." + p.next().text
		}
		if p.peek().kind == tokLParen {
			args, _, ok := p.parseArgs()
			if !ok {
				return nil
			}
			return &FuncCall{Pos: t.pos, Name: name, Args: args}
		}
		return &Ident{Pos: t.pos, Name: name}
	case tokLBrack:
		p.next()
		arr := &ArrayExpr{Pos: t.pos}
		for {
			p.skipSpace()
			if p.peek().kind == tokRBrack {
				p.next()
				return arr
			}
			e := p.parseExpr()
			if e == nil {
				return nil
			}
			arr.Elems = append(arr.Elems, e)
			p.skipSpace()
			switch t := p.peek(); t.kind {
			case tokComma:
				p.next()
			case tokRBrack:
			default:
				p.errorf(t, "expected ',' or ']' in list, found %s", describe(t))
				return nil
			}
		}
	case tokLBrace:
		return p.parseObject()
	}
	p.errorf(t, "expected a value, found %s", describe(t))
	return nil
}

// parseObject parses "{ key: value, ... }" starting at '{', on one line
// as Prisma's grammar reads it.
func (p *parser) parseObject() Expr {
	obj := &ObjectExpr{Pos: p.next().pos}
	for {
		t := p.peek()
		if t.kind == tokRBrace {
			p.next()
			return obj
		}
		if t.kind != tokIdent || p.peekAt(1).kind != tokColon {
			p.errorf(t, "expected a key and ':' in an object, found %s", describe(t))
			return nil
		}
		p.next()
		p.next()
		v := p.parseExpr()
		if v == nil {
			return nil
		}
		obj.Entries = append(obj.Entries, &Arg{Pos: t.pos, Name: t.text, Value: v})
		switch t := p.peek(); t.kind {
		case tokComma:
			p.next()
		case tokRBrace:
		default:
			p.errorf(t, "expected ',' or '}' in an object, found %s", describe(t))
			return nil
		}
	}
}

func (p *parser) parseEnum(lead Leading) Decl {
	kw, name, header, ok := p.blockHeader()
	if !ok {
		return nil
	}
	e := &EnumDecl{Leading: lead, Pos: kw.pos, Name: name.text, NamePos: name.pos, HeaderComment: header}
	for {
		l := p.leading()
		t := p.peek()
		switch t.kind {
		case tokRBrace, tokEOF:
			e.Comments, e.CommentGaps = endComments(l)
			e.EndComment = p.closeBlock(kw)
			return e
		case tokAtAt:
			mark := p.markLine()
			a := p.parseAttribute()
			trailing := p.endOfLine()
			if a != nil && !p.rejectedLine(mark, enumLine) {
				a.Leading, a.Trailing = l, trailing
				e.Attributes = append(e.Attributes, a)
			}
		case tokIdent:
			mark := p.markLine()
			p.next()
			v := &EnumValueDecl{Leading: l, Pos: t.pos, Name: t.text}
			bad := false
			for p.peek().kind == tokAt {
				a := p.parseAttribute()
				if a == nil {
					bad = true
					break
				}
				v.Attributes = append(v.Attributes, a)
			}
			if bad {
				p.skipLine()
			} else {
				v.Trailing = p.endOfLine()
			}
			if !p.rejectedLine(mark, enumLine) {
				e.Values = append(e.Values, v)
			}
		default:
			p.errorf(t, "expected an enum value, found %s", describe(t))
			diags := p.diags
			if t.kind == tokIllegal {
				diags = p.lx.diags // the lexer reported it
			}
			if n := len(diags); n > 0 && diags[n-1].Pos.Line == t.pos.Line {
				if t.kind == tokNumber {
					// Prisma reads the value and refuses its name.
					e.Values = append(e.Values, &EnumValueDecl{Leading: l, Pos: t.pos, Name: t.raw})
					diags[n-1].Prisma = "Error validating: The name of a Enum Value must not start with a number."
					diags[n-1].phase = phaseNames
				} else {
					diags[n-1].Prisma = "Error validating: This line is not an enum value definition."
					diags[n-1].prismaSpan = spanNextLine
				}
			}
			p.skipLine()
		}
	}
}

const enumLine = "This line is not an enum value definition."

func (p *parser) parseConfig(lead Leading) Decl {
	kw, name, header, ok := p.blockHeader()
	if !ok {
		return nil
	}
	c := &ConfigBlock{Leading: lead, Pos: kw.pos, Kind: kw.text, Name: name.text, NamePos: name.pos, HeaderComment: header}
	for {
		l := p.leading()
		t := p.peek()
		switch t.kind {
		case tokRBrace, tokEOF:
			c.Comments, c.CommentGaps = endComments(l)
			c.EndComment = p.closeBlock(kw)
			return c
		case tokIdent:
			mark := p.markLine()
			p.next()
			prop := &Property{Leading: l, Pos: t.pos, Key: t.text}
			if _, ok := p.expect(tokEquals, "'='"); !ok {
				p.skipLine()
				p.rejectedLine(mark, "This line is not a valid definition within a "+kw.text+".")
				continue
			}
			v := p.parseExpr()
			if v == nil {
				p.skipLine()
				p.rejectedLine(mark, "This line is not a valid definition within a "+kw.text+".")
				continue
			}
			prop.Value = v
			prop.Trailing = p.endOfLine()
			if !p.rejectedLine(mark, "This line is not a valid definition within a "+kw.text+".") {
				c.Properties = append(c.Properties, prop)
			}
		default:
			mark := p.markLine()
			p.errorf(t, "expected a property (key = value), found %s", describe(t))
			p.skipLine()
			p.rejectedLine(mark, "This line is not a valid definition within a "+kw.text+".")
		}
	}
}

// splitBlock returns the lines of a block comment's text; an empty block
// comment keeps one empty line.
func splitBlock(text string) []string {
	return strings.Split(text, "\n")
}

// endComments are the free comments before a block's closing brace (doc
// lines there are comments too), with the empty lines between them.
func endComments(l Leading) ([]string, []int) {
	gaps := l.CommentGaps
	if l.BlankAfterComments && len(l.Comments) > 0 && len(l.DocLines) > 0 {
		gaps = append(gaps, len(l.Comments)-1)
	}
	return append(l.Comments, prefixed(l.DocLines)...), gaps
}
