// Package agg builds MongoDB aggregation pipelines with typed stages and
// expression helpers, validates them before they reach the server, and runs
// them with results decoded into Go types.
//
// The guide's sales report reads:
//
//	p := agg.New().
//		Match(bson.D{{"orderDate", bson.D{{"$gte", from}, {"$lte", to}}}, {"status", "completed"}}).
//		Unwind("items", nil).
//		Group("$items.productId",
//			agg.Acc("totalQuantity", agg.Sum("$items.quantity")),
//			agg.Acc("totalRevenue", agg.Sum(agg.Multiply("$items.price", "$items.quantity"))),
//			agg.Acc("avgPrice", agg.Avg("$items.price"))).
//		Lookup(agg.LookupSpec{From: "products", LocalField: "_id", ForeignField: "_id", As: "productDetails"}).
//		Sort(agg.Desc("totalRevenue")).
//		Limit(10)
//	rows, err := agg.All[SalesRow](ctx, orders, p, nil)
//
// Builder methods never panic and never talk to the server: a mistake (a
// negative limit, $out before the last stage, a field name with a dot in
// $group, server-side JavaScript such as $where) is recorded and returned
// by Build, All and Explain as a *BuildError naming the stage.
//
// Server-side JavaScript operators ($where, $function, $accumulator) are
// rejected anywhere in the pipeline unless AllowServerJS is called: a
// pipeline often carries filters built from user input.
//
// The embedded FerretDB runs only simple stages ($match, $sort, $skip,
// $limit, $count, string-form $unwind, literal $set, $unset, exclusion
// $project and $group with $sum); everything else needs a real MongoDB.
package agg
