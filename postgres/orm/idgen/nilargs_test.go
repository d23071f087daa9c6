package idgen_test

import (
	"strconv"
	"testing"

	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/postgres/orm/idgen"
)

// NanoIDOf takes any length without a panic, as Prisma's nanoid(n) does
// for the lengths a schema can name.
func TestNilAndEmptyArguments(t *testing.T) {
	var cases []nopanic.Case
	for _, n := range []int{-1, 0, 1, 1 << 12} {
		cases = append(cases, nopanic.Case{Name: "NanoIDOf " + strconv.Itoa(n), Call: func() error { idgen.NanoIDOf(n)(); return nil }})
	}
	nopanic.Run(t, cases)
}
