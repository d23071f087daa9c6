package migrate

import "strings"

// SplitStatements splits a SQL script on the semicolons that end
// statements, leaving alone those inside quotes, quoted identifiers,
// dollar-quoted bodies and comments. Statements keep their text; empty
// ones (only space and comments) are dropped.
func SplitStatements(script string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		stmt := strings.TrimSpace(script[start:end])
		if stmt != "" && !onlyComments(stmt) {
			out = append(out, stmt)
		}
		start = end + 1
	}
	for i := 0; i < len(script); i++ {
		switch c := script[i]; {
		case c == '\'' || c == '"':
			i = skipQuoted(script, i, c)
		case c == '-' && i+1 < len(script) && script[i+1] == '-':
			for i < len(script) && script[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(script) && script[i+1] == '*':
			depth := 0
			for ; i < len(script); i++ {
				if strings.HasPrefix(script[i:], "/*") {
					depth++
					i++
				} else if strings.HasPrefix(script[i:], "*/") {
					depth--
					i++
					if depth == 0 {
						break
					}
				}
			}
		case c == '$':
			if tag, ok := dollarTag(script[i:]); ok {
				end := strings.Index(script[i+len(tag):], tag)
				if end < 0 {
					i = len(script)
				} else {
					i += len(tag) + end + len(tag) - 1
				}
			}
		case c == ';':
			emit(i)
		}
	}
	if start < len(script) {
		emit(len(script))
	}
	return out
}

// skipQuoted returns the index of the quote closing the one at i; a
// doubled quote inside is an escape.
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}

// dollarTag recognises $$ or $tag$ at the start of s.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1], true
		}
		if !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (j > 1 && c >= '0' && c <= '9')) {
			return "", false
		}
	}
	return "", false
}

func onlyComments(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") {
			return false
		}
	}
	return true
}
