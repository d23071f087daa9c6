package agg_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm/agg"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type orderItem struct {
	ProductID string  `bson:"productId"`
	Quantity  int     `bson:"quantity"`
	Price     float64 `bson:"price"`
}

type order struct {
	ID        int         `bson:"_id"`
	Status    string      `bson:"status"`
	OrderDate time.Time   `bson:"orderDate"`
	Items     []orderItem `bson:"items"`
}

// seedOrders inserts a deterministic set of orders and returns them.
func seedOrders(t *testing.T, coll *mongo.Collection) []order {
	t.Helper()
	products := []string{"p1", "p2", "p3", "p4"}
	statuses := []string{"completed", "completed", "pending", "cancelled"}
	var orders []order
	var docs []any
	for i := range 60 {
		o := order{
			ID:        i,
			Status:    statuses[i%len(statuses)],
			OrderDate: from.Add(time.Duration(i) * 12 * time.Hour), // some fall after `to`
		}
		for j := range 1 + i%3 {
			o.Items = append(o.Items, orderItem{
				ProductID: products[(i+j)%len(products)],
				Quantity:  1 + (i+j)%5,
				Price:     float64(10 * (1 + (i+j)%len(products))),
			})
		}
		orders = append(orders, o)
		docs = append(docs, o)
	}
	_, err := coll.InsertMany(context.Background(), docs)
	require.NoError(t, err)
	return orders
}

type productQty struct {
	ID       string `bson:"_id"`
	Quantity int    `bson:"totalQuantity"`
}

// TestQuantityReportOnEmbeddedServer runs the stages the embedded server
// supports and checks the result against a computation in Go.
func TestQuantityReportOnEmbeddedServer(t *testing.T) {
	ctx := context.Background()
	coll := devenv.Mongo(t).Collection("orders")
	orders := seedOrders(t, coll)

	p := agg.New().
		Match(bson.D{{Key: "status", Value: "completed"}, {Key: "orderDate", Value: bson.D{{Key: "$lte", Value: to}}}}).
		Unwind("items", nil).
		Group("$items.productId", agg.Acc("totalQuantity", agg.Sum("$items.quantity"))).
		Sort(agg.Desc("totalQuantity"), agg.Asc("_id")).
		Limit(3)
	got, err := agg.All[productQty](ctx, coll, p, nil)
	require.NoError(t, err)

	sums := map[string]int{}
	for _, o := range orders {
		if o.Status != "completed" || o.OrderDate.After(to) {
			continue
		}
		for _, it := range o.Items {
			sums[it.ProductID] += it.Quantity
		}
	}
	var want []productQty
	for id, q := range sums {
		want = append(want, productQty{ID: id, Quantity: q})
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].Quantity != want[j].Quantity {
			return want[i].Quantity > want[j].Quantity
		}
		return want[i].ID < want[j].ID
	})
	require.Equal(t, want[:3], got)
}

func TestCountSkipAndOne(t *testing.T) {
	ctx := context.Background()
	coll := devenv.Mongo(t).Collection("orders")
	orders := seedOrders(t, coll)
	pending := 0
	for _, o := range orders {
		if o.Status == "pending" {
			pending++
		}
	}
	type counted struct {
		N int `bson:"n"`
	}
	c, err := agg.One[counted](ctx, coll, agg.New().Match(bson.D{{Key: "status", Value: "pending"}}).Count("n"), nil)
	require.NoError(t, err)
	require.Equal(t, pending, c.N)

	page, err := agg.All[order](ctx, coll, agg.New().Sort(agg.Asc("_id")).Skip(10).Limit(5).Unset("items"), nil)
	require.NoError(t, err)
	require.Len(t, page, 5)
	for i, o := range page {
		require.Equal(t, 10+i, o.ID)
		require.Empty(t, o.Items, "$unset removed items")
	}

	_, err = agg.One[counted](ctx, coll, agg.New().Match(bson.D{{Key: "status", Value: "nope"}}), nil)
	require.ErrorIs(t, err, mongo.ErrNoDocuments)
}

func TestInvalidPipelineIsNotSent(t *testing.T) {
	ctx := context.Background()
	coll := devenv.Mongo(t).Collection("orders")
	seedOrders(t, coll)
	_, err := agg.All[order](ctx, coll, agg.New().Match(bson.D{{Key: "$where", Value: "sleep(1000)"}}), nil)
	require.True(t, agg.IsInvalid(err))
	_, err = agg.Explain(ctx, coll, agg.New().Limit(1), "verbose-please")
	require.True(t, agg.IsInvalid(err))
}

func TestExplainOnEmbeddedServer(t *testing.T) {
	ctx := context.Background()
	coll := devenv.Mongo(t).Collection("orders")
	seedOrders(t, coll)
	raw, err := agg.Explain(ctx, coll, agg.New().Match(bson.D{{Key: "status", Value: "pending"}}).Limit(2), "")
	require.NoError(t, err)
	ok, err := raw.LookupErr("ok")
	require.NoError(t, err)
	require.EqualValues(t, 1, ok.AsFloat64())
}

type salesRow struct {
	ID             string    `bson:"_id"`
	TotalQuantity  int       `bson:"totalQuantity"`
	TotalRevenue   float64   `bson:"totalRevenue"`
	AvgPrice       float64   `bson:"avgPrice"`
	ProductDetails []product `bson:"productDetails"`
}

type product struct {
	ID   string `bson:"_id"`
	Name string `bson:"name"`
}

// TestSalesReportOnRealMongo runs the guide's full report ($lookup, $avg,
// $multiply: missing from the embedded server) and checks every row.
func TestSalesReportOnRealMongo(t *testing.T) {
	devenv.RequireRealMongo(t, "$lookup, $avg and $multiply")
	ctx := context.Background()
	db := devenv.Mongo(t)
	orders := seedOrders(t, db.Collection("orders"))
	_, err := db.Collection("products").InsertMany(ctx, []any{
		product{"p1", "Pen"}, product{"p2", "Pad"}, product{"p3", "Ink"}, product{"p4", "Box"},
	})
	require.NoError(t, err)

	got, err := agg.All[salesRow](ctx, db.Collection("orders"), salesReport(), nil)
	require.NoError(t, err)

	type acc struct {
		qty            int
		revenue, price float64
		n              int
	}
	sums := map[string]*acc{}
	for _, o := range orders {
		if o.Status != "completed" || o.OrderDate.Before(from) || o.OrderDate.After(to) {
			continue
		}
		for _, it := range o.Items {
			a := sums[it.ProductID]
			if a == nil {
				a = &acc{}
				sums[it.ProductID] = a
			}
			a.qty += it.Quantity
			a.revenue += it.Price * float64(it.Quantity)
			a.price += it.Price
			a.n++
		}
	}
	require.Len(t, got, len(sums))
	for i, row := range got {
		a := sums[row.ID]
		require.NotNil(t, a, row.ID)
		require.Equal(t, a.qty, row.TotalQuantity)
		require.InDelta(t, a.revenue, row.TotalRevenue, 1e-9)
		require.InDelta(t, a.price/float64(a.n), row.AvgPrice, 1e-9)
		require.Len(t, row.ProductDetails, 1)
		require.Equal(t, row.ID, row.ProductDetails[0].ID)
		if i > 0 {
			require.GreaterOrEqual(t, got[i-1].TotalRevenue, row.TotalRevenue, "sorted by revenue")
		}
	}
}
