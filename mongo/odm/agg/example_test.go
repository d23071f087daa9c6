package agg_test

import (
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm/agg"
)

// The guide's sales report: completed orders in a date range, per product
// quantity, revenue and average price, with product details, top 10.
func Example_salesReport() {
	p := agg.New().
		Match(bson.D{{Key: "status", Value: "completed"}}).
		Unwind("items", nil).
		Group("$items.productId",
			agg.Acc("totalQuantity", agg.Sum("$items.quantity")),
			agg.Acc("totalRevenue", agg.Sum(agg.Multiply("$items.price", "$items.quantity"))),
			agg.Acc("avgPrice", agg.Avg("$items.price"))).
		Lookup(agg.LookupSpec{From: "products", LocalField: "_id", ForeignField: "_id", As: "productDetails"}).
		Sort(agg.Desc("totalRevenue")).
		Limit(10)
	stages, err := p.Build()
	if err != nil {
		panic(err)
	}
	for _, st := range stages {
		out, _ := bson.MarshalExtJSON(st, false, false)
		fmt.Println(string(out))
	}
	// Output:
	// {"$match":{"status":"completed"}}
	// {"$unwind":"$items"}
	// {"$group":{"_id":"$items.productId","totalQuantity":{"$sum":"$items.quantity"},"totalRevenue":{"$sum":{"$multiply":["$items.price","$items.quantity"]}},"avgPrice":{"$avg":"$items.price"}}}
	// {"$lookup":{"from":"products","localField":"_id","foreignField":"_id","as":"productDetails"}}
	// {"$sort":{"totalRevenue":-1}}
	// {"$limit":10}
}

// Filters from user input cannot smuggle in server-side JavaScript.
func ExamplePipeline_Build_serverJS() {
	userFilter := bson.D{{Key: "$where", Value: "sleep(10000) || true"}}
	_, err := agg.New().Match(userFilter).Build()
	fmt.Println(agg.IsInvalid(err))
	fmt.Println(err)
	// Output:
	// true
	// agg: stage 0 ($match): $where runs JavaScript on the server; call AllowServerJS if no part of the pipeline comes from user input
}
