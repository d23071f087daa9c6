package editdist

import "testing"

// TestLevenshtein checks the edit distance Prisma's suggestions use
// (js-levenshtein) on the pairs of the recorded messages.
func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"", "abc", 3}, {"mode", "lte", 3}, {"like", "lte", 2}, {"nope", "name", 2}, {"is", "id", 1},
		{"disconnect", "connect", 3}, {"userId", "user", 2}, {"kitten", "sitting", 3}, {"gt", "in", 2}} {
		if got := Levenshtein(c.a, c.b); got != c.d {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
		if got := Levenshtein(c.b, c.a); got != c.d {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.b, c.a, got, c.d)
		}
	}
}
