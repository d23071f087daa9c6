package shop

import (
	"strconv"
	"strings"
	"testing"
)

// putBase36 writes what the earlier pad(strconv.FormatUint(v, 36), n)
// did: the last n digits, zero-padded.
func TestPutBase36MatchesFormatUint(t *testing.T) {
	pad := func(s string, n int) string {
		if len(s) >= n {
			return s[len(s)-n:]
		}
		return strings.Repeat("0", n-len(s)) + s
	}
	for _, v := range []uint64{0, 1, 35, 36, 1295, 1296, 1<<62 - 1, 1 << 62, 1<<64 - 1, 1764680000000} {
		for _, n := range []int{4, 8, 12} {
			b := make([]byte, n)
			putBase36(b, v)
			if want := pad(strconv.FormatUint(v, 36), n); string(b) != want {
				t.Errorf("putBase36(%d, %d) = %q, want %q", v, n, b, want)
			}
		}
	}
}

func TestNewIDShape(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		id := newID()
		if len(id) != 25 || id[0] != 'c' || strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("id %q is not a cuid's shape", id)
		}
		if seen[id] {
			t.Fatalf("id %q twice", id)
		}
		seen[id] = true
	}
	if n := testing.AllocsPerRun(100, func() { _ = newID() }); n > 1 {
		t.Errorf("newID allocates %.0f times, want 1 (the string)", n)
	}
}
