package migrate

import (
	"regexp"
	"strings"
)

// wherePredicate is what follows WHERE in Prisma's CREATE INDEX: the
// predicate in parentheses, unless it already starts with '(' and ends
// with ')'.
func wherePredicate(p string) string {
	if strings.HasPrefix(p, "(") && strings.HasSuffix(p, ")") {
		return p
	}
	return "(" + p + ")"
}

// samePredicate compares two partial index predicates as Prisma 7 does:
// keywords in any letter case, spacing, type casts, redundant
// parentheses, double quotes and != against <> make no difference; the
// case of names, the text of string literals and the grouping of AND and
// OR do. So a schema's predicate and the one PostgreSQL gives back
// (pg_get_expr) compare equal.
func samePredicate(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" {
		return false
	}
	return normPredicate(a) == normPredicate(b)
}

var predKeywords = map[string]bool{"AND": true, "OR": true, "NOT": true, "IS": true, "NULL": true, "TRUE": true,
	"FALSE": true, "IN": true, "LIKE": true, "ILIKE": true, "BETWEEN": true, "DISTINCT": true, "FROM": true,
	"ANY": true, "ALL": true, "SOME": true, "SIMILAR": true, "TO": true, "ESCAPE": true, "CASE": true,
	"WHEN": true, "THEN": true, "ELSE": true, "END": true, "UNKNOWN": true}

var predNumberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

type predToken struct {
	text string
	kind byte // 'w' word, 'k' keyword, 's' string, 'n' number, 'o' operator, '(' , ')', ',' other
}

func predTokens(s string) []predToken {
	var out []predToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			j := i + 1
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			out = append(out, predToken{s[i:min(j+1, len(s))], 's'})
			i = j + 1
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				j = len(s) - i - 1
			}
			out = append(out, predToken{s[i+1 : i+1+j], 'w'})
			i += j + 2
		case c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] >= 0x80) {
				j++
			}
			w := s[i:j]
			if predKeywords[strings.ToUpper(w)] {
				out = append(out, predToken{strings.ToUpper(w), 'k'})
			} else {
				out = append(out, predToken{w, 'w'})
			}
			i = j
		case c >= '0' && c <= '9' || c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' &&
			(len(out) == 0 || out[len(out)-1].kind == 'o' || out[len(out)-1].kind == '(' || out[len(out)-1].kind == 'k' || out[len(out)-1].kind == ','):
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, predToken{s[i:j], 'n'})
			i = j
		case c == '(' || c == ')' || c == ',':
			out = append(out, predToken{string(c), c})
			i++
		case c == ':' && i+1 < len(s) && s[i+1] == ':':
			out = append(out, predToken{"::", ':'})
			i += 2
		case strings.IndexByte("<>=!+-*/%^|&~#@?", c) >= 0:
			j := i
			for j < len(s) && strings.IndexByte("<>=!+-*/%^|&~#@?", s[j]) >= 0 {
				j++
			}
			op := s[i:j]
			if op == "!=" {
				op = "<>"
			}
			out = append(out, predToken{op, 'o'})
			i = j
		default:
			out = append(out, predToken{string(c), 'x'})
			i++
		}
	}
	return dropCasts(out)
}

// dropCasts removes ::type (a type of one or more words, with (n) or []),
// turning a quoted number cast to a number type ('-1'::integer) into the
// number.
func dropCasts(ts []predToken) []predToken {
	var out []predToken
	for i := 0; i < len(ts); i++ {
		if ts[i].kind != ':' {
			out = append(out, ts[i])
			continue
		}
		j := i + 1
		for j < len(ts) && ts[j].kind == 'w' {
			j++
		}
		if j < len(ts) && ts[j].kind == '(' {
			for j < len(ts) && ts[j].kind != ')' {
				j++
			}
			j++
		}
		for j+1 < len(ts) && ts[j].text == "[" && ts[j+1].text == "]" {
			j += 2
		}
		if n := len(out); n > 0 && out[n-1].kind == 's' && predNumberRE.MatchString(strings.Trim(out[n-1].text, "'")) {
			out[n-1] = predToken{strings.Trim(out[n-1].text, "'"), 'n'}
		}
		i = j - 1
	}
	return out
}

// predNode is a predicate read as AND/OR/NOT over atoms.
type predNode struct {
	op   string // "AND", "OR", "NOT", or "" for an atom
	kids []*predNode
	atom []predToken
}

type predParser struct {
	ts []predToken
	i  int
}

func (p *predParser) peek() predToken {
	if p.i < len(p.ts) {
		return p.ts[p.i]
	}
	return predToken{kind: 0}
}

func (p *predParser) list(op string, next func() *predNode) *predNode {
	n := &predNode{op: op}
	for {
		k := next()
		if k.op == op {
			n.kids = append(n.kids, k.kids...)
		} else {
			n.kids = append(n.kids, k)
		}
		if t := p.peek(); t.kind != 'k' || t.text != op {
			break
		}
		p.i++
	}
	if len(n.kids) == 1 {
		return n.kids[0]
	}
	return n
}

func (p *predParser) or() *predNode  { return p.list("OR", p.and) }
func (p *predParser) and() *predNode { return p.list("AND", p.not) }

func (p *predParser) not() *predNode {
	if t := p.peek(); t.kind == 'k' && t.text == "NOT" {
		p.i++
		return &predNode{op: "NOT", kids: []*predNode{p.not()}}
	}
	if p.peek().kind == '(' {
		// A group followed by AND, OR, ')' or the end is a boolean group.
		depth, j := 0, p.i
		for ; j < len(p.ts); j++ {
			if p.ts[j].kind == '(' {
				depth++
			} else if p.ts[j].kind == ')' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if j+1 >= len(p.ts) || p.ts[j+1].kind == ')' || p.ts[j+1].kind == 'k' && (p.ts[j+1].text == "AND" || p.ts[j+1].text == "OR") {
			p.i++
			n := p.or()
			if p.peek().kind == ')' {
				p.i++
			}
			return n
		}
	}
	n := &predNode{}
	depth := 0
	for p.i < len(p.ts) {
		t := p.ts[p.i]
		if depth == 0 && (t.kind == ')' || t.kind == 'k' && (t.text == "AND" || t.text == "OR")) {
			break
		}
		if t.kind == '(' {
			depth++
		} else if t.kind == ')' {
			depth--
		}
		n.atom = append(n.atom, t)
		p.i++
	}
	return n
}

func (n *predNode) write(b *strings.Builder, parent string) {
	switch n.op {
	case "":
		for i, t := range unwrapSingles(n.atom) {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t.text)
		}
	case "NOT":
		b.WriteString("NOT ")
		n.kids[0].write(b, "NOT")
	default:
		paren := parent == "NOT" || parent == "AND" && n.op == "OR"
		if paren {
			b.WriteByte('(')
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(" " + n.op + " ")
			}
			k.write(b, n.op)
		}
		if paren {
			b.WriteByte(')')
		}
	}
}

// unwrapSingles drops parentheses around a single token: (status) = 'x'.
func unwrapSingles(ts []predToken) []predToken {
	var out []predToken
	for i := 0; i < len(ts); i++ {
		if ts[i].kind == '(' && i+2 < len(ts) && ts[i+2].kind == ')' && (i == 0 || ts[i-1].kind != 'w') {
			out = append(out, ts[i+1])
			i += 2
			continue
		}
		out = append(out, ts[i])
	}
	if len(out) != len(ts) {
		return unwrapSingles(out)
	}
	return out
}

func normPredicate(s string) string {
	p := &predParser{ts: predTokens(s)}
	n := p.or()
	var b strings.Builder
	n.write(&b, "")
	for p.i < len(p.ts) { // what could not be read stays as it is
		b.WriteString(" " + p.ts[p.i].text)
		p.i++
	}
	return strings.ReplaceAll(b.String(), `"`, "")
}
