package trading_test

import (
	"fmt"

	"github.com/polystore/polystore/apps/trading"
)

// Prices and quantities are integers inside (ticks and lots) and exact
// decimals at the edges.
func ExampleMarket() {
	m := trading.DefaultMarkets[0]
	fmt.Println(m.Symbol, "tick", m.PriceText(1), "lot", m.QtyText(1))
	fmt.Println(m.PriceText(2_000_050), m.QtyText(15_000))
	fmt.Println(trading.Currencies(trading.DefaultMarkets))
	// Output:
	// BTC-USD tick 0.01 lot 0.0001
	// 20000.50 1.5000
	// [BTC USD ETH SOL]
}
