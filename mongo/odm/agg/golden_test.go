package agg_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm/agg"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var (
	from = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to   = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
)

// salesReport is the guide's sales report.
func salesReport() *agg.Pipeline {
	return agg.New().
		Match(bson.D{
			{Key: "orderDate", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: to}}},
			{Key: "status", Value: "completed"},
		}).
		Unwind("items", nil).
		Group("$items.productId",
			agg.Acc("totalQuantity", agg.Sum("$items.quantity")),
			agg.Acc("totalRevenue", agg.Sum(agg.Multiply("$items.price", "$items.quantity"))),
			agg.Acc("avgPrice", agg.Avg("$items.price"))).
		Lookup(agg.LookupSpec{From: "products", LocalField: "_id", ForeignField: "_id", As: "productDetails"}).
		Sort(agg.Desc("totalRevenue")).
		Limit(10)
}

var goldenCases = map[string]func() *agg.Pipeline{
	"sales_report": salesReport,
	"facet_page_and_total": func() *agg.Pipeline {
		return agg.New().
			Match(bson.D{{Key: "category", Value: "books"}}).
			Facet(
				agg.Branch{Name: "items", Pipeline: agg.New().Sort(agg.Desc("createdAt"), agg.Asc("_id")).Skip(20).Limit(10)},
				agg.Branch{Name: "total", Pipeline: agg.New().Count("n")},
			)
	},
	"lookup_pipeline_form": func() *agg.Pipeline {
		return agg.New().Lookup(agg.LookupSpec{
			From: "comments",
			Let:  bson.D{{Key: "postId", Value: "$_id"}},
			Pipeline: agg.New().
				Match(bson.D{{Key: "$expr", Value: agg.Eq("$postId", "$$postId")}}).
				Sort(agg.Desc("createdAt")).
				Limit(3).
				Project(agg.Include("body"), agg.Include("author")),
			As: "recentComments",
		})
	},
	"bucket_and_sort_by_count": func() *agg.Pipeline {
		return agg.New().
			Bucket(agg.BucketSpec{
				GroupBy:    "$price",
				Boundaries: []any{0, 10, 50, 100},
				Default:    "100+",
				Output:     []agg.Field{agg.Acc("count", agg.Sum(1)), agg.Acc("titles", agg.Push("$title"))},
			})
	},
	"unwind_options_and_sort_by_count": func() *agg.Pipeline {
		return agg.New().
			Unwind("$tags", &agg.UnwindOpts{IncludeArrayIndex: "tagIndex", PreserveNullAndEmptyArrays: true}).
			SortByCount("$tags")
	},
	"expressions": func() *agg.Pipeline {
		return agg.New().
			Set(
				agg.F("total", agg.Round(agg.Multiply("$price", agg.IfNull("$qty", 0)), 2)),
				agg.F("tier", agg.Cond(agg.Gte("$price", 100), "premium", "standard")),
				agg.F("day", agg.DateToString("%Y-%m-%d", "$createdAt", &agg.DateToStringOpts{Timezone: "Europe/Berlin"})),
				agg.F("label", agg.Concat(agg.ToUpper("$sku"), "-", agg.ToString("$qty"))),
			).
			Unset("internal", "draft").
			Project(agg.Exclude("_id"))
	},
	"replace_root_and_merge": func() *agg.Pipeline {
		return agg.New().
			Group(bson.D{{Key: "day", Value: agg.DateTrunc("$ts", "day")}, {Key: "page", Value: "$page"}},
				agg.Acc("views", agg.Sum(1)), agg.Acc("first", agg.First("$ts")), agg.Acc("last", agg.Last("$ts"))).
			ReplaceRoot(agg.MergeObjects("$_id", bson.D{{Key: "views", Value: "$views"}})).
			Merge(agg.MergeSpec{Into: "daily_views", On: []string{"day", "page"}, WhenMatched: "replace", WhenNotMatched: "insert"})
	},
	"text_search_score": func() *agg.Pipeline {
		return agg.New().
			Match(bson.D{{Key: "$text", Value: bson.D{{Key: "$search", Value: "redis cache"}}}}).
			Sort(agg.TextScore("score"), agg.Desc("createdAt")).
			Limit(5).
			Out("search_results")
	},
}

func TestGoldenPipelines(t *testing.T) {
	for name, build := range goldenCases {
		t.Run(name, func(t *testing.T) {
			stages, err := build().Build()
			require.NoError(t, err)
			got, err := bson.MarshalExtJSONIndent(bson.D{{Key: "pipeline", Value: stages}}, true, false, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join("testdata", name, "pipeline.json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run `go test ./mongo/odm/agg -run TestGoldenPipelines -update` to create it")
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("pipeline differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}
