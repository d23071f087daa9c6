package agg_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm/agg"
)

func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name  string
		p     *agg.Pipeline
		stage int
		op    string
		msg   string
	}{
		{"negative limit", agg.New().Match(bson.D{}).Limit(-1), 1, "$limit", "positive"},
		{"zero limit", agg.New().Limit(0), 0, "$limit", "positive"},
		{"negative skip", agg.New().Skip(-5), 0, "$skip", "negative"},
		{"nil match", agg.New().Match(nil), 0, "$match", "nil"},
		{"empty sort", agg.New().Sort(), 0, "$sort", "at least one"},
		{"dotted group output", agg.New().Group("$a", agg.Acc("a.b", agg.Sum(1))), 0, "$group", "'.'"},
		{"dollar group output", agg.New().Group("$a", agg.Acc("$x", agg.Sum(1))), 0, "$group", "'$'"},
		{"group output _id", agg.New().Group("$a", agg.Acc("_id", agg.Sum(1))), 0, "$group", "_id"},
		{"out not last", agg.New().Out("x").Limit(1), 0, "$out", "last"},
		{"merge not last", agg.New().Merge(agg.MergeSpec{Into: "x"}).Skip(1), 0, "$merge", "last"},
		{"where in match", agg.New().Match(bson.D{{Key: "$where", Value: "this.a > 1"}}), 0, "$match", "$where"},
		{"where nested in or", agg.New().Match(bson.M{"$or": bson.A{bson.M{"a": 1}, bson.M{"$where": "1"}}}), 0, "$match", "$where"},
		{"function in set", agg.New().Set(agg.F("x", bson.D{{Key: "$function", Value: bson.D{{Key: "body", Value: "f"}}}})), 0, "$set", "$function"},
		{"accumulator in group", agg.New().Group(nil, agg.Acc("x", bson.D{{Key: "$accumulator", Value: bson.D{}}})), 0, "$group", "$accumulator"},
		{"where in a struct filter", agg.New().Match(struct {
			Where string `bson:"$where"`
		}{"1"}), 0, "$match", "$where"},
		{"lookup without from", agg.New().Lookup(agg.LookupSpec{As: "x", LocalField: "a", ForeignField: "b"}), 0, "$lookup", "From"},
		{"lookup half join", agg.New().Lookup(agg.LookupSpec{From: "c", As: "x", LocalField: "a"}), 0, "$lookup", "together"},
		{"lookup let without pipeline", agg.New().Lookup(agg.LookupSpec{From: "c", As: "x", LocalField: "a", ForeignField: "b", Let: bson.D{}}), 0, "$lookup", "Let"},
		{"out in lookup pipeline", agg.New().Lookup(agg.LookupSpec{From: "c", As: "x", Pipeline: agg.New().Out("y")}), 0, "$lookup", "last"},
		{"out in facet", agg.New().Facet(agg.Branch{Name: "a", Pipeline: agg.New().Out("y")}), 0, "$facet", "not allowed"},
		{"facet in facet", agg.New().Facet(agg.Branch{Name: "a", Pipeline: agg.New().Facet(agg.Branch{Name: "b", Pipeline: agg.New().Count("n")})}), 0, "$facet", "not allowed"},
		{"facet nil branch", agg.New().Facet(agg.Branch{Name: "a"}), 0, "$facet", "no pipeline"},
		{"bucket one boundary", agg.New().Bucket(agg.BucketSpec{GroupBy: "$a", Boundaries: []any{1}}), 0, "$bucket", "two boundaries"},
		{"count dotted", agg.New().Count("a.b"), 0, "$count", "invalid"},
		{"unwind empty", agg.New().Unwind("", nil), 0, "$unwind", "empty"},
		{"unset empty path element", agg.New().Unset("a..b"), 0, "$unset", "empty path"},
		{"raw without dollar", agg.New().Raw(bson.D{{Key: "match", Value: 1}}), 0, "raw", "exactly one"},
		{"error index after earlier stages", agg.New().Match(bson.D{}).Sort(agg.Asc("a")).Skip(-1), 2, "$skip", "negative"},
		{"append shifts indexes", agg.New().Match(bson.D{}).Append(agg.New().Limit(0)), 1, "$limit", "positive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.p.Build()
			require.Error(t, err)
			require.True(t, agg.IsInvalid(err), "want ErrInvalidPipeline, got %v", err)
			var be *agg.BuildError
			require.True(t, errors.As(err, &be))
			require.Equal(t, tc.stage, be.Stage)
			require.Equal(t, tc.op, be.Op)
			require.Contains(t, be.Msg, tc.msg)
		})
	}
}

func TestAllowServerJS(t *testing.T) {
	p := agg.New().Match(bson.D{{Key: "$where", Value: "this.a > 1"}})
	_, err := p.Build()
	require.Error(t, err)
	stages, err := p.AllowServerJS().Build()
	require.NoError(t, err)
	require.Len(t, stages, 1)
}

func TestBuildReturnsACopy(t *testing.T) {
	p := agg.New().Match(bson.D{}).Limit(1)
	a, err := p.Build()
	require.NoError(t, err)
	p.Skip(2)
	require.Len(t, a, 2, "later stages do not change an already built pipeline")
	b, err := p.Build()
	require.NoError(t, err)
	require.Len(t, b, 3)
}

func TestNilPipeline(t *testing.T) {
	var p *agg.Pipeline
	_, err := p.Build()
	require.True(t, agg.IsInvalid(err))
}

func TestUnwindForms(t *testing.T) {
	stages, err := agg.New().Unwind("items", nil).Unwind("$tags", &agg.UnwindOpts{}).Build()
	require.NoError(t, err)
	require.Equal(t, "$items", stages[0][0].Value)
	require.Equal(t, "$tags", stages[1][0].Value, "empty options keep the string form FerretDB understands")
}
