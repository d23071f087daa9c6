// Package trading holds the guide's order book ported faithfully to Go, as
// the baseline of the trading platform's benchmarks, and the benchmarks.
//
// The guide keeps each side of the book in a Redis sorted set scored by
// price with the order's JSON as the member; matching reads the best bid
// and the best ask in two separate round trips and, when they cross,
// "executes" the trade and removes both members by their JSON text. Nothing
// makes this atomic: two matchers can read the same pair and both trade it
// (TestGuideDoubleFill), orders at one price have no time priority (members
// with equal scores sort by their JSON bytes), and partial fills are
// impossible (both orders are removed whatever their quantities).
package trading

import (
	"context"
	"encoding/json"

	"github.com/redis/rueidis"
)

// GuideOrder is the guide's order as stored in the sorted sets.
type GuideOrder struct {
	ID       int64   `json:"id"`
	Side     string  `json:"side"` // BUY | SELL
	Price    float64 `json:"price"`
	Quantity float64 `json:"quantity"`
}

// GuideBook is the guide's OrderBook class.
type GuideBook struct {
	c       rueidis.Client
	bidsKey string
	asksKey string
	// OnTrade is the guide's executeTrade.
	OnTrade func(bid, ask GuideOrder)
	// afterRead runs between reading the best orders and removing them
	// (tests use it to line two matchers up).
	afterRead func()
}

// NewGuideBook returns the book of symbol (keys orderbook:<symbol>:bids and
// :asks under prefix).
func NewGuideBook(c rueidis.Client, prefix, symbol string) *GuideBook {
	return &GuideBook{c: c, bidsKey: prefix + "orderbook:" + symbol + ":bids", asksKey: prefix + "orderbook:" + symbol + ":asks"}
}

// AddOrder is the guide's addOrder: ZADD the JSON, then match.
func (b *GuideBook) AddOrder(ctx context.Context, o GuideOrder) error {
	value, err := json.Marshal(o)
	if err != nil {
		return err
	}
	key := b.asksKey
	if o.Side == "BUY" {
		key = b.bidsKey
	}
	if err := b.c.Do(ctx, b.c.B().Zadd().Key(key).ScoreMember().ScoreMember(o.Price, string(value)).Build()).Error(); err != nil {
		return err
	}
	return b.MatchOrders(ctx)
}

// MatchOrders is the guide's matchOrders: best bid, best ask, compare,
// execute, remove both by their JSON text.
func (b *GuideBook) MatchOrders(ctx context.Context) error {
	bids, err := b.c.Do(ctx, b.c.B().Zrange().Key(b.bidsKey).Min("-1").Max("-1").Withscores().Build()).AsZScores()
	if err != nil {
		return err
	}
	asks, err := b.c.Do(ctx, b.c.B().Zrange().Key(b.asksKey).Min("0").Max("0").Withscores().Build()).AsZScores()
	if err != nil {
		return err
	}
	if len(bids) == 0 || len(asks) == 0 {
		return nil
	}
	var bid, ask GuideOrder
	if err := json.Unmarshal([]byte(bids[0].Member), &bid); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(asks[0].Member), &ask); err != nil {
		return err
	}
	if b.afterRead != nil {
		b.afterRead()
	}
	if bid.Price >= ask.Price {
		if b.OnTrade != nil {
			b.OnTrade(bid, ask)
		}
		bidJSON, _ := json.Marshal(bid)
		askJSON, _ := json.Marshal(ask)
		if err := b.c.Do(ctx, b.c.B().Zrem().Key(b.bidsKey).Member(string(bidJSON)).Build()).Error(); err != nil {
			return err
		}
		return b.c.Do(ctx, b.c.B().Zrem().Key(b.asksKey).Member(string(askJSON)).Build()).Error()
	}
	return nil
}

// AddOrderNoMatch stores an order without matching (to set up a book).
func (b *GuideBook) AddOrderNoMatch(ctx context.Context, o GuideOrder) error {
	value, err := json.Marshal(o)
	if err != nil {
		return err
	}
	key := b.asksKey
	if o.Side == "BUY" {
		key = b.bidsKey
	}
	return b.c.Do(ctx, b.c.B().Zadd().Key(key).ScoreMember().ScoreMember(o.Price, string(value)).Build()).Error()
}
