package typed

import (
	"fmt"
	"math/big"

	"github.com/jackc/pgx/v5/pgtype"
)

// Numeric returns the exact pgtype.Numeric of a decimal string ("100.00",
// "-0.5"): the value of a Decimal field in a client generated
// without decimal = "shopspring". A string that is not a finite decimal
// is an error.
func Numeric(s string) (pgtype.Numeric, error) {
	var n pgtype.Numeric
	if err := n.Scan(s); err != nil || !n.Valid || n.NaN || n.InfinityModifier != pgtype.Finite {
		return pgtype.Numeric{}, fmt.Errorf("typed: %q is not a finite decimal", s)
	}
	return n, nil
}

// MustNumeric is Numeric for constants: it panics on a malformed string.
func MustNumeric(s string) pgtype.Numeric {
	n, err := Numeric(s)
	if err != nil {
		panic(err)
	}
	return n
}

// NumericString renders n exactly, keeping its scale ("1.250"); NULL is
// "" and NaN "NaN".
func NumericString(n pgtype.Numeric) string {
	switch {
	case !n.Valid:
		return ""
	case n.NaN:
		return "NaN"
	case n.InfinityModifier == pgtype.Infinity:
		return "Infinity"
	case n.InfinityModifier == pgtype.NegativeInfinity:
		return "-Infinity"
	}
	digits := new(big.Int).Abs(n.Int).String()
	sign := ""
	if n.Int.Sign() < 0 {
		sign = "-"
	}
	if n.Exp >= 0 {
		return sign + digits + zeros(int(n.Exp))
	}
	scale := int(-n.Exp)
	if len(digits) <= scale {
		digits = zeros(scale-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}
