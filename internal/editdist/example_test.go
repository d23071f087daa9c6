package editdist_test

import (
	"fmt"

	"github.com/polystore/polystore/internal/editdist"
)

func ExampleLevenshtein() {
	fmt.Println(editdist.Levenshtein("auther", "author"))
	// Output: 1
}
