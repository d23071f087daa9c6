package psl

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a schema file. Line and Col are 1-based; Col counts
// runes. Offset is the 0-based byte offset.
type Pos struct {
	Filename string `json:"-"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Offset   int    `json:"-"`
}

// String renders the position as file:line:col (or line:col without a file).
func (p Pos) String() string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Col)
}

// tokenKind classifies lexical tokens.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokNewline
	tokIdent
	tokString
	tokNumber
	tokComment    // "// ..." (text excludes the slashes)
	tokDocComment // "/// ..." (text excludes the slashes)
	tokLBrace
	tokRBrace
	tokLParen
	tokRParen
	tokLBrack
	tokRBrack
	tokComma
	tokColon
	tokEquals
	tokQuestion
	tokAt
	tokAtAt
	tokDot
	tokIllegal
)

var tokenNames = [...]string{
	tokEOF: "end of file", tokNewline: "end of line", tokIdent: "identifier", tokString: "string",
	tokNumber: "number", tokComment: "comment", tokDocComment: "doc comment", tokLBrace: "'{'",
	tokRBrace: "'}'", tokLParen: "'('", tokRParen: "')'", tokLBrack: "'['", tokRBrack: "']'",
	tokComma: "','", tokColon: "':'", tokEquals: "'='", tokQuestion: "'?'", tokAt: "'@'",
	tokAtAt: "'@@'", tokDot: "'.'", tokIllegal: "illegal character",
}

func (k tokenKind) String() string {
	if int(k) < len(tokenNames) {
		return tokenNames[k]
	}
	return "token"
}

type token struct {
	kind tokenKind
	text string // raw text; for strings the decoded value
	raw  string // raw source text of the token
	// block marks a "/* */" comment; its text may hold several lines.
	block bool
	pos   Pos
	end   Pos
}

// punct maps single-byte punctuation to its token kind (tokEOF: none).
var punct = [256]tokenKind{'{': tokLBrace, '}': tokRBrace, '(': tokLParen, ')': tokRParen, '[': tokLBrack,
	']': tokRBrack, ',': tokComma, ':': tokColon, '=': tokEquals, '?': tokQuestion, '.': tokDot}

// lexer turns schema source into tokens. It never fails: bad input becomes
// tokIllegal tokens and diagnostics.
type lexer struct {
	src   string
	file  string
	off   int
	line  int
	col   int
	diags []*Diagnostic
}

func newLexer(file, src string) *lexer {
	l := &lexer{src: src, file: file, line: 1, col: 1}
	if strings.HasPrefix(src, "\ufeff") {
		l.off = len("\ufeff") // a byte order mark is not content
	}
	return l
}

func (l *lexer) pos() Pos { return Pos{Filename: l.file, Line: l.line, Col: l.col, Offset: l.off} }

func (l *lexer) peekByte(n int) byte {
	if l.off+n < len(l.src) {
		return l.src[l.off+n]
	}
	return 0
}

func (l *lexer) advance() rune {
	r, size := utf8.DecodeRuneInString(l.src[l.off:])
	l.off += size
	if r == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	return r
}

// isIdentStart: as in Prisma's grammar, a name starts with a letter (not
// an underscore) and goes on with letters, digits, '_' and '-'.
func isIdentStart(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) next() token {
	for l.off < len(l.src) {
		c := l.src[l.off]
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
			l.advance()
			continue
		}
		break
	}
	start := l.pos()
	mk := func(k tokenKind) token {
		return token{kind: k, text: l.src[start.Offset:l.off], raw: l.src[start.Offset:l.off], pos: start, end: l.pos()}
	}
	if l.off >= len(l.src) {
		return mk(tokEOF)
	}
	c := l.src[l.off]
	switch {
	case c == '\n':
		l.advance()
		return mk(tokNewline)
	case c == '/' && l.peekByte(1) == '/':
		doc := l.peekByte(2) == '/'
		for l.off < len(l.src) && l.src[l.off] != '\n' {
			l.advance()
		}
		t := mk(tokComment)
		t.text = strings.TrimRight(t.raw[2:], "\r")
		if doc {
			t.kind = tokDocComment
			t.text = t.text[1:]
		}
		return t
	case c == '/' && l.peekByte(1) == '*':
		if t, ok := l.blockComment(start); ok {
			return t
		}
		return l.next() // a comment inside a line is spacing
	case c == '"':
		return l.lexString(start)
	case isIdentStart(c):
		for l.off < len(l.src) && isIdentPart(l.src[l.off]) {
			l.advance()
		}
		return mk(tokIdent)
	case isDigit(c) || (c == '-' && isDigit(l.peekByte(1))):
		l.advance()
		for l.off < len(l.src) && (isDigit(l.src[l.off]) || (l.src[l.off] == '.' && isDigit(l.peekByte(1)))) {
			l.advance()
		}
		// Prisma's grammar has no exponent: 1e10 is a number and a name,
		// which no attribute takes.
		return mk(tokNumber)
	case c == '@':
		l.advance()
		if l.peekByte(0) == '@' {
			l.advance()
			return mk(tokAtAt)
		}
		return mk(tokAt)
	}
	if k := punct[c]; k != tokEOF {
		l.advance()
		return mk(k)
	}
	r := l.advance()
	t := mk(tokIllegal)
	l.diags = append(l.diags, &Diagnostic{Pos: start, End: t.end, Text: t.raw,
		Message: fmt.Sprintf("unexpected character %q", r)})
	return t
}

func (l *lexer) lexString(start Pos) token {
	l.advance() // opening quote
	var b strings.Builder
	for {
		if l.off >= len(l.src) || l.src[l.off] == '\n' {
			end := l.pos()
			l.diags = append(l.diags, &Diagnostic{Pos: start, End: end, Text: l.src[start.Offset:l.off],
				Message: "unterminated string literal"})
			return token{kind: tokString, text: b.String(), raw: l.src[start.Offset:l.off], pos: start, end: end}
		}
		c := l.src[l.off]
		if c == '"' {
			l.advance()
			break
		}
		if c == '\\' {
			escPos := l.pos()
			l.advance()
			if l.off >= len(l.src) {
				continue
			}
			e := l.advance()
			switch e {
			case '"', '\\', '/':
				b.WriteRune(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				var v rune
				ok := true
				for i := 0; i < 4; i++ {
					h := l.peekByte(0)
					var d byte
					switch {
					case h >= '0' && h <= '9':
						d = h - '0'
					case h >= 'a' && h <= 'f':
						d = h - 'a' + 10
					case h >= 'A' && h <= 'F':
						d = h - 'A' + 10
					default:
						ok = false
					}
					if !ok {
						break
					}
					l.advance()
					v = v*16 + rune(d)
				}
				if ok {
					b.WriteRune(v)
				} else {
					l.diags = append(l.diags, &Diagnostic{Pos: escPos, End: l.pos(), Text: l.src[escPos.Offset:l.off],
						Message: "invalid unicode escape in string literal"})
				}
			default:
				l.diags = append(l.diags, &Diagnostic{Pos: escPos, End: l.pos(), Text: l.src[escPos.Offset:l.off],
					Message: fmt.Sprintf("unknown escape sequence \\%c in string literal", e)})
			}
			continue
		}
		b.WriteRune(l.advance())
	}
	return token{kind: tokString, text: b.String(), raw: l.src[start.Offset:l.off], pos: start, end: l.pos()}
}

// blockComment reads a "/* ... */" comment. One that ends its line (only
// spaces or a line comment follow) becomes a comment token whose text holds
// its lines, "/** ... */" a doc comment: the parser keeps them as "//" and
// "///" lines. One followed by more on its line is spacing (ok is false).
func (l *lexer) blockComment(start Pos) (token, bool) {
	doc := strings.HasPrefix(l.src[l.off:], "/**") && !strings.HasPrefix(l.src[l.off:], "/**/")
	l.advance()
	l.advance()
	for l.off < len(l.src) && !strings.HasPrefix(l.src[l.off:], "*/") {
		l.advance()
	}
	if l.off >= len(l.src) {
		l.diags = append(l.diags, &Diagnostic{Pos: start, End: l.pos(), Text: "/*", Message: "unterminated block comment"})
	} else {
		l.advance()
		l.advance()
	}
	raw := l.src[start.Offset:l.off]
	rest := l.off
	for rest < len(l.src) && (l.src[rest] == ' ' || l.src[rest] == '\t' || l.src[rest] == '\r') {
		rest++
	}
	if rest < len(l.src) && l.src[rest] != '\n' {
		return token{}, false
	}
	body := strings.TrimSuffix(strings.TrimPrefix(raw, "/*"), "*/")
	if doc {
		body = strings.TrimPrefix(body, "*")
	}
	var lines []string
	for _, ln := range strings.Split(body, "\n") {
		ln = strings.TrimRight(ln, " \t\r")
		trimmed := strings.TrimLeft(ln, " \t")
		if strings.HasPrefix(trimmed, "*") {
			ln = trimmed[1:]
		} else if trimmed != "" {
			ln = " " + trimmed
		} else {
			ln = ""
		}
		lines = append(lines, ln)
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	kind := tokComment
	if doc {
		kind = tokDocComment
	}
	return token{kind: kind, text: strings.Join(lines, "\n"), raw: raw, pos: start, end: l.pos(), block: true}, true
}
