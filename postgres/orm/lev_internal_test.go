package orm

import "testing"

// TestLevenshtein checks the suggestion Prisma's messages make: the first
// option nearest to the name (internal/editdist tests the distance itself
// on the pairs of the recorded messages).
func TestLevenshtein(t *testing.T) {
	if s := suggestion("mode", filterOptions(&Field{Type: Int})); s != "lte" {
		t.Errorf("suggestion for mode: %q, want lte (the first option at distance 3)", s)
	}
}
