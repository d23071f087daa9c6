package httpfuzz

import (
	"net/url"
	"strings"
)

// Sendable reports whether method and target make a request line a client
// could send: a target that starts with "/", holds no space, tab, line break
// or fragment, is at most 2,048 bytes and parses as a request URI ("/%"
// does not), with one of the methods the apps route (GET, POST, PUT, PATCH,
// DELETE).
func Sendable(method, target string) bool {
	if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \t\r\n#") || len(target) > 2048 {
		return false
	}
	if _, err := url.ParseRequestURI(target); err != nil {
		return false
	}
	switch method {
	case "GET", "POST", "PUT", "PATCH", "DELETE":
		return true
	}
	return false
}
