package editdist

// Levenshtein is the edit distance of a and b (insertions, deletions and
// substitutions of one byte each), kept in one row: d[j] is the distance
// of the prefix of a read so far to b[:j], diag the entry d[j-1] held
// before it.
func Levenshtein(a, b string) int {
	d := make([]int, len(b)+1)
	for j := range d {
		d[j] = j
	}
	for i := range len(a) {
		diag := d[0]
		d[0] = i + 1
		for j := 1; j <= len(b); j++ {
			up := d[j]
			if a[i] == b[j-1] {
				d[j] = diag
			} else {
				d[j] = 1 + min(diag, up, d[j-1])
			}
			diag = up
		}
	}
	return d[len(b)]
}
