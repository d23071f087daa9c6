package psl

import (
	"fmt"
	"strings"
)

// jsonSyntaxError checks s the way Prisma's JSON parser (Rust's serde_json)
// reads a Json default, and returns its complaint as Prisma words it
// ("key must be a string at line 1 column 2"), or "" when s is valid JSON.
// Lines and columns count bytes; the column is that of the byte the parser
// stopped at (0 for an empty line).
func jsonSyntaxError(s string) string {
	p := &jsonChecker{s: s}
	if p.value(0) && p.err == "" {
		if _, ok := p.whitespace(); ok {
			p.peekError("trailing characters")
		}
	}
	return p.err
}

type jsonChecker struct {
	s   string
	i   int
	err string
}

// fail records the first error at byte offset at.
func (p *jsonChecker) fail(msg string, at int) bool {
	if p.err == "" {
		at = min(at, len(p.s))
		start := strings.LastIndexByte(p.s[:at], '\n') + 1
		line := 1 + strings.Count(p.s[:start], "\n")
		p.err = fmt.Sprintf("%s at line %d column %d", msg, line, at-start)
	}
	return false
}

// errorHere is serde_json's error: at the position after what was read.
func (p *jsonChecker) errorHere(msg string) bool { return p.fail(msg, p.i) }

// peekError is serde_json's peek_error: at the byte looked at.
func (p *jsonChecker) peekError(msg string) bool { return p.fail(msg, p.i+1) }

func (p *jsonChecker) whitespace() (byte, bool) {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; c {
		case ' ', '\n', '\t', '\r':
			p.i++
		default:
			return c, true
		}
	}
	return 0, false
}

func (p *jsonChecker) next() (byte, bool) {
	if p.i >= len(p.s) {
		return 0, false
	}
	p.i++
	return p.s[p.i-1], true
}

func (p *jsonChecker) peek() (byte, bool) {
	if p.i >= len(p.s) {
		return 0, false
	}
	return p.s[p.i], true
}

// jsonDepthLimit is serde_json's recursion limit.
const jsonDepthLimit = 128

func (p *jsonChecker) value(depth int) bool {
	c, ok := p.whitespace()
	if !ok {
		return p.peekError("EOF while parsing a value")
	}
	switch {
	case c == 'n':
		p.i++
		return p.ident("ull")
	case c == 't':
		p.i++
		return p.ident("rue")
	case c == 'f':
		p.i++
		return p.ident("alse")
	case c == '-':
		p.i++
		return p.number()
	case isDigit(c):
		return p.number()
	case c == '"':
		p.i++
		return p.str()
	case c == '[' || c == '{':
		if depth+1 > jsonDepthLimit {
			return p.peekError("recursion limit exceeded")
		}
		p.i++
		if c == '[' {
			return p.list(depth + 1)
		}
		return p.object(depth + 1)
	}
	return p.peekError("expected value")
}

func (p *jsonChecker) ident(rest string) bool {
	for i := 0; i < len(rest); i++ {
		c, ok := p.next()
		if !ok {
			return p.errorHere("EOF while parsing a value")
		}
		if c != rest[i] {
			return p.errorHere("expected ident")
		}
	}
	return true
}

func (p *jsonChecker) number() bool {
	c, ok := p.next()
	if !ok {
		return p.errorHere("EOF while parsing a value")
	}
	switch {
	case c == '0':
		if n, ok := p.peek(); ok && isDigit(n) {
			return p.peekError("invalid number")
		}
	case isDigit(c):
		for n, ok := p.peek(); ok && isDigit(n); n, ok = p.peek() {
			p.i++
		}
	default:
		return p.errorHere("invalid number")
	}
	if n, ok := p.peek(); ok && n == '.' {
		p.i++
		digits := false
		for n, ok := p.peek(); ok && isDigit(n); n, ok = p.peek() {
			p.i++
			digits = true
		}
		if !digits {
			if _, ok := p.peek(); ok {
				return p.peekError("invalid number")
			}
			return p.peekError("EOF while parsing a value")
		}
	}
	if n, ok := p.peek(); ok && (n == 'e' || n == 'E') {
		p.i++
		if n, ok := p.peek(); ok && (n == '+' || n == '-') {
			p.i++
		}
		c, ok := p.next()
		if !ok {
			return p.errorHere("EOF while parsing a value")
		}
		if !isDigit(c) {
			return p.errorHere("invalid number")
		}
		for n, ok := p.peek(); ok && isDigit(n); n, ok = p.peek() {
			p.i++
		}
	}
	return true
}

func (p *jsonChecker) str() bool {
	for {
		c, ok := p.next()
		switch {
		case !ok:
			return p.errorHere("EOF while parsing a string")
		case c == '"':
			return true
		case c < 0x20:
			return p.errorHere("control character (\\u0000-\\u001F) found while parsing a string")
		case c == '\\':
			e, ok := p.next()
			if !ok {
				return p.errorHere("EOF while parsing a string")
			}
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if !p.hex4() {
					return false
				}
			default:
				return p.errorHere("invalid escape")
			}
		}
	}
}

func (p *jsonChecker) hex4() bool {
	for range 4 {
		c, ok := p.next()
		if !ok {
			return p.errorHere("EOF while parsing a string")
		}
		if !isDigit(c) && (c|0x20 < 'a' || c|0x20 > 'f') {
			return p.errorHere("invalid escape")
		}
	}
	return true
}

// list reads the elements of an array after its '['.
func (p *jsonChecker) list(depth int) bool {
	return p.items(']', "a list", func() bool { return p.value(depth) })
}

// object reads the members of an object after its '{'.
func (p *jsonChecker) object(depth int) bool {
	return p.items('}', "an object", func() bool {
		if c, _ := p.peek(); c != '"' {
			return p.peekError("key must be a string")
		}
		p.i++
		if !p.str() {
			return false
		}
		c, ok := p.whitespace()
		switch {
		case !ok:
			return p.peekError("EOF while parsing an object")
		case c != ':':
			return p.peekError("expected `:`")
		}
		p.i++
		return p.value(depth)
	})
}

// items reads comma-separated items up to the closing byte as serde_json
// does, item reading each one from its first byte on.
func (p *jsonChecker) items(closing byte, what string, item func() bool) bool {
	for first := true; ; first = false {
		c, ok := p.whitespace()
		switch {
		case !ok:
			return p.peekError("EOF while parsing " + what)
		case c == closing:
			p.i++
			return true
		case c == ',' && !first:
			p.i++
			c, ok = p.whitespace()
		case !first:
			return p.peekError("expected `,` or `" + string(closing) + "`")
		}
		switch {
		case !ok:
			return p.peekError("EOF while parsing a value")
		case c == closing:
			return p.peekError("trailing comma")
		}
		if !item() {
			return false
		}
	}
}
