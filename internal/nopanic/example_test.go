package nopanic_test

import (
	"errors"
	"fmt"

	"github.com/polystore/polystore/internal/nopanic"
)

func Example() {
	var m map[string]int
	_, panicked := nopanic.Panics(func() error { m["x"] = 1; return nil })
	fmt.Println("write to a nil map panics:", panicked)
	_, panicked = nopanic.Panics(func() error { return errors.New("nil map") })
	fmt.Println("returning an error panics:", panicked)
	// Output:
	// write to a nil map panics: true
	// returning an error panics: false
}
