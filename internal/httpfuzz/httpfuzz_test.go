package httpfuzz_test

import (
	"fmt"
	"testing"

	"github.com/polystore/polystore/internal/httpfuzz"
)

func TestSendable(t *testing.T) {
	for _, c := range []struct {
		method, target string
		want           bool
	}{
		{"GET", "/orders?accountId=1", true},
		{"DELETE", "/orders/7", true},
		{"GET", "orders", false},
		{"GET", "/a b", false},
		{"GET", "/a#frag", false},
		{"GET", "/%", false},
		{"TRACE", "/", false},
		{"", "/", false},
		{"GET", "/" + string(make([]byte, 2048)), false},
	} {
		if got := httpfuzz.Sendable(c.method, c.target); got != c.want {
			t.Errorf("Sendable(%q, %.20q) = %v, want %v", c.method, c.target, got, c.want)
		}
	}
}

func ExampleSendable() {
	fmt.Println(httpfuzz.Sendable("GET", "/shop/products"), httpfuzz.Sendable("GET", "/%"))
	// Output: true false
}
