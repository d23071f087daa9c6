package testclock_test

import (
	"fmt"
	"time"

	"github.com/polystore/polystore/internal/testclock"
)

func ExampleFake() {
	start := testclock.Now() // never a date written in the test
	clock := testclock.NewFake(start)
	clock.Add(90 * time.Second)
	fmt.Println(clock.Now().Sub(start.Truncate(time.Microsecond)))
	// Output: 1m30s
}
