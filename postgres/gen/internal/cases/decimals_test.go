package cases_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/postgres/gen/internal/cases/decimals"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/orm"
)

func TestShopspringDecimals(t *testing.T) {
	c := decimals.New(open(t, "decimals"))
	ctx := context.Background()
	d := decimal.RequireFromString
	b, err := c.Basket.Create(ctx, &decimals.BasketCreateArgs{Data: []decimals.BasketSet{
		decimals.BasketFields.Lines.Create(
			[]decimals.LineSet{decimals.LineFields.Price.Set(d("19.99")), decimals.LineFields.Discount.Set(d("0.125")),
				decimals.LineFields.Tiers.Set(d("1.5"), d("123456789012345678.000000001"))},
			[]decimals.LineSet{decimals.LineFields.Price.Set(d("0.01"))},
		)}})
	require.NoError(t, err)

	for _, strategy := range []orm.Strategy{orm.StrategyQuery, orm.StrategyJoin} {
		got, err := c.Basket.FindUniqueOrThrow(ctx, decimals.BasketByID(b.ID), &decimals.BasketFindArgs{
			Strategy: strategy,
			Include: []decimals.BasketInclude{decimals.BasketFields.Lines.Include(&decimals.LineFindArgs{
				OrderBy: []decimals.LineOrder{decimals.LineFields.Price.Desc()}})},
		})
		require.NoError(t, err)
		require.Len(t, got.Lines, 2)
		first := got.Lines[0]
		require.Equal(t, "19.99", first.Price.String(), "strategy %v", strategy)
		require.Equal(t, "0.125", first.Discount.String())
		require.Len(t, first.Tiers, 2)
		require.Equal(t, "123456789012345678.000000001", first.Tiers[1].String(), "exact beyond float64")
		require.Nil(t, got.Lines[1].Discount)
	}

	// Filters, atomic updates and aggregates stay exact.
	n, err := c.Line.UpdateMany(ctx, &decimals.LineUpdateManyArgs{
		Where: []decimals.LineCond{decimals.LineFields.Price.Lt(d("1"))},
		Data:  []decimals.LineSet{decimals.LineFields.Price.Increment(d("0.02"))}})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	agg, err := c.Line.Aggregate(ctx, &decimals.LineAggregateArgs{Sum: []typed.FieldRef[decimals.Line]{decimals.LineFields.Price},
		Max: []typed.FieldRef[decimals.Line]{decimals.LineFields.Discount}})
	require.NoError(t, err)
	sum, ok, err := typed.AggOf[decimal.Decimal](agg.Sum, decimals.LineFields.Price)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "20.02", sum.String())
	mx, ok, err := typed.AggOf[decimal.Decimal](agg.Max, decimals.LineFields.Discount)
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, mx.Equal(d("0.125")))
}
