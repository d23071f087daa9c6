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

// Each message of the WebSocket order stream (GET /trading/ws) is an order
// body plus the client's own id, which its acknowledgement carries back.
// DecodeStreamOrder reads a message as strictly as POST /orders reads a
// body, and a refusal names the code and the field.
func ExampleDecodeStreamOrder() {
	o, err := trading.DecodeStreamOrder([]byte(`{"clientOrderId":"c-1","accountId":7,"symbol":"BTC-USD",` +
		`"side":"buy","type":"limit","price":"20000.50","quantity":"0.5"}`))
	fmt.Println(o.ClientOrderID, o.Symbol, o.Side, o.Price, o.Quantity, err == nil)

	_, err = trading.DecodeStreamOrder([]byte(`{"clientOrderId":"c-2","accountId":"seven"}`))
	fmt.Println(err.Code, err.Field)
	// Output:
	// c-1 BTC-USD buy 20000.50 0.5 true
	// bad_field accountId
}
