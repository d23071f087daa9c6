package gen

import (
	"go/token"
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names (authorId -> AuthorID).
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DNS": true, "EOF": true,
	"GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true, "JSON": true,
	"LHS": true, "QPS": true, "RAM": true, "RHS": true, "RPC": true, "SLA": true, "SMTP": true,
	"SQL": true, "SSH": true, "TCP": true, "TLS": true, "TTL": true, "UDP": true, "UI": true,
	"UID": true, "UUID": true, "URI": true, "URL": true, "UTF8": true, "VM": true, "XML": true,
	"XMPP": true, "XSRF": true, "XSS": true,
}

// words splits a schema name into words at underscores, dashes and
// lower-to-upper case changes ("authorId" -> author, Id; "IN_PROGRESS" ->
// IN, PROGRESS; "HTTPServer" -> HTTP, Server).
func words(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		rs := []rune(part)
		start := 0
		for i := 1; i < len(rs); i++ {
			lowerToUpper := unicode.IsLower(rs[i-1]) && unicode.IsUpper(rs[i])
			digitToLetter := unicode.IsDigit(rs[i-1]) && unicode.IsUpper(rs[i])
			acronymEnd := i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsUpper(rs[i]) && unicode.IsLower(rs[i+1])
			if lowerToUpper || digitToLetter || acronymEnd {
				out = append(out, string(rs[start:i]))
				start = i
			}
		}
		out = append(out, string(rs[start:]))
	}
	return out
}

// goName turns a schema name into an exported Go identifier: words
// capitalized, initialisms upper-cased, all-caps words title-cased
// (MODERATOR -> Moderator). A name without letters gets an X prefix.
func goName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		up := strings.ToUpper(w)
		switch {
		case initialisms[up]:
			b.WriteString(up)
		default:
			rs := []rune(strings.ToLower(w))
			if w != up { // mixed case: keep the inner capitals
				rs = []rune(w)
			}
			rs[0] = unicode.ToUpper(rs[0])
			b.WriteString(string(rs))
		}
	}
	out := b.String()
	if out == "" || !unicode.IsLetter([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

// reservedParams are identifiers a parameter may not take in generated
// code: keywords, predeclared names and the imported package names.
var reservedParams = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true, "complex64": true, "complex128": true,
	"error": true, "float32": true, "float64": true, "int": true, "int8": true, "int16": true,
	"int32": true, "int64": true, "rune": true, "string": true, "uint": true, "uint8": true,
	"uint16": true, "uint32": true, "uint64": true, "uintptr": true, "true": true, "false": true,
	"iota": true, "nil": true, "append": true, "cap": true, "clear": true, "close": true,
	"complex": true, "copy": true, "delete": true, "imag": true, "len": true, "make": true,
	"max": true, "min": true, "new": true, "panic": true, "print": true, "println": true,
	"real": true, "recover": true,
	"context": true, "errors": true, "json": true, "orm": true, "pgtype": true, "pgx": true, "time": true, "typed": true,
}

// paramName turns a Go name into a parameter name: the first word lower
// case (AuthorID -> authorID, ID -> id, URLPath -> urlPath), with an
// underscore appended to keywords and reserved names (type -> type_).
func paramName(goName string) string {
	rs := []rune(goName)
	n := 0
	for n < len(rs) && unicode.IsUpper(rs[n]) {
		n++
	}
	switch {
	case n == 0:
	case n == 1 || n == len(rs):
		n = min(n, len(rs))
	default:
		n-- // the last capital starts the next word
	}
	for i := 0; i < n; i++ {
		rs[i] = unicode.ToLower(rs[i])
	}
	out := string(rs)
	if token.IsKeyword(out) || reservedParams[out] {
		out += "_"
	}
	return out
}
