package trading

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// Market is one traded symbol: Base priced in Quote. Prices are integer
// ticks of 10^-PriceDecimals Quote and quantities integer lots of
// 10^-QtyDecimals Base; PriceDecimals + QtyDecimals ≤ 8, so every amount is
// exact in the schema's numeric(30,8).
type Market struct {
	Symbol        string `json:"symbol"`
	Base          string `json:"base"`
	Quote         string `json:"quote"`
	PriceDecimals int32  `json:"priceDecimals"`
	QtyDecimals   int32  `json:"qtyDecimals"`
}

// DefaultMarkets are the markets of the demo.
var DefaultMarkets = []Market{
	{Symbol: "BTC-USD", Base: "BTC", Quote: "USD", PriceDecimals: 2, QtyDecimals: 4},
	{Symbol: "ETH-USD", Base: "ETH", Quote: "USD", PriceDecimals: 2, QtyDecimals: 3},
	{Symbol: "SOL-USD", Base: "SOL", Quote: "USD", PriceDecimals: 2, QtyDecimals: 2},
}

// Currencies returns the currencies of markets, each once, in order.
func Currencies(markets []Market) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range markets {
		for _, c := range []string{m.Base, m.Quote} {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func (m Market) validate() error {
	if m.Symbol == "" || len(m.Symbol) > 16 || m.Base == "" || m.Quote == "" || m.Base == m.Quote {
		return fmt.Errorf("trading: bad market %+v", m)
	}
	if m.PriceDecimals < 0 || m.QtyDecimals < 0 || m.PriceDecimals+m.QtyDecimals > 8 {
		return fmt.Errorf("trading: market %s: decimals must be ≥ 0 with a sum ≤ 8", m.Symbol)
	}
	return nil
}

// plainDecimal is the only number syntax accepted from users: no exponent,
// at most 18 digits before and 18 after the point.
var plainDecimal = regexp.MustCompile(`^[0-9]{1,18}(\.[0-9]{1,18})?$`)

var (
	errOffGrid  = errors.New("not a multiple of the increment")
	errTooLarge = errors.New("too large")
)

// toSteps converts a decimal string into an integer number of steps of
// 10^-decimals, exactly.
func toSteps(s string, decimals int32) (int64, error) {
	if v, ok := stepsFast(s, decimals); ok {
		return v, nil
	}
	return toStepsDecimal(s, decimals)
}

// stepsFast is toSteps for the common case, without a regular expression
// or a big number: a plain decimal on the grid whose steps fit in 18
// digits. Anything else (not plain, off the grid, more digits) reports
// false and goes the exact way, which gives the error.
func stepsFast(s string, decimals int32) (int64, bool) {
	if decimals < 0 || decimals > 18 {
		return 0, false
	}
	intPart, frac, dot := strings.Cut(s, ".")
	if len(intPart) == 0 || len(intPart)+int(decimals) > 18 || (dot && len(frac) == 0) || len(frac) > 18 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	for i := 0; i < int(decimals); i++ {
		d := int64(0)
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			d = int64(c - '0')
		}
		v = v*10 + d
	}
	for i := int(decimals); i < len(frac); i++ {
		if frac[i] != '0' { // off the grid, or not a digit: the exact way says which
			return 0, false
		}
	}
	return v, true
}

// toStepsDecimal is toSteps through an exact decimal.
func toStepsDecimal(s string, decimals int32) (int64, error) {
	if !plainDecimal.MatchString(s) {
		return 0, errors.New("not a plain decimal number")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, err
	}
	shifted := d.Shift(decimals)
	if !shifted.Equal(shifted.Truncate(0)) {
		return 0, errOffGrid
	}
	if shifted.GreaterThan(decimal.NewFromInt(1 << 62)) {
		return 0, errTooLarge
	}
	return shifted.IntPart(), nil
}

// numeric is steps × 10^-decimals as an exact PostgreSQL numeric.
func numeric(steps int64, decimals int32) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(steps), Exp: -decimals, Valid: true}
}

// decimalOf converts a PostgreSQL numeric into a decimal.
func decimalOf(n pgtype.Numeric) decimal.Decimal {
	if !n.Valid || n.Int == nil {
		return decimal.Zero
	}
	return decimal.NewFromBigInt(n.Int, n.Exp)
}

// Text renders n exactly, without trailing zeros.
func Text(n pgtype.Numeric) string { return decimalOf(n).String() }

// PriceText renders ticks as a decimal price.
func (m Market) PriceText(ticks int64) string {
	return decimal.New(ticks, -m.PriceDecimals).StringFixed(m.PriceDecimals)
}

// QtyText renders lots as a decimal quantity.
func (m Market) QtyText(lots int64) string {
	return decimal.New(lots, -m.QtyDecimals).StringFixed(m.QtyDecimals)
}
