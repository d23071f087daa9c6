package orm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// TestNilAggregateArgsAsPrisma: nil arguments of Aggregate and GroupBy
// fail as Prisma's aggregate({}) and groupBy({}) do, word for word.
func TestNilAggregateArgsAsPrisma(t *testing.T) {
	ctx := context.Background()
	var answers map[string]parityAnswer
	readJSON(t, "testdata/prisma/answers.json", &answers)
	e := newEnv(t, nil)
	_, err := orm.Aggregate(ctx, e.c, pBookModel, nil)
	var ve *orm.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	require.Equal(t, answers["val_agg_empty"].Error.Message, ve.Issues[0].Message)
	_, err = orm.GroupBy(ctx, e.c, pBookModel, nil)
	require.True(t, errors.As(err, &ve), "%v", err)
	require.Equal(t, answers["val_group_no_by"].Error.Message, ve.Issues[0].Message)
}

// The Go forms of the validation cases of aggregate, groupBy and count
// (the val_group_*, val_agg_* and val_count_* cases of cases.json):
// common mistakes, whose messages must be Prisma's word for word.
func init() {
	group := func(m *orm.Model, a *orm.GroupByArgs) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			gs, err := orm.GroupBy(ctx, db, m, a)
			return groupsJSON(gs, a.Count), err
		}
	}
	agg := func(m *orm.Model, a *orm.AggregateArgs) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			r, err := orm.Aggregate(ctx, db, m, a)
			return aggResult(r, err, a.Count)
		}
	}
	ops := map[string]parityOp{
		"val_group_no_by":                group(pBookModel, &orm.GroupByArgs{Count: true}),
		"val_group_by_empty":             group(pBookModel, &orm.GroupByArgs{By: []string{}, Count: true}),
		"val_group_by_unknown":           group(pBookModel, &orm.GroupByArgs{By: sel("nope")}),
		"val_group_by_relation":          group(pBookModel, &orm.GroupByArgs{By: sel("author")}),
		"val_group_by_one_unknown":       group(pBookModel, &orm.GroupByArgs{By: sel("genre", "titel")}),
		"val_group_order_two_not_in_by":  group(pBookModel, &orm.GroupByArgs{By: sel("authorId"), OrderBy: []orm.GroupOrder{{Field: "genre"}, {Field: "title", Desc: true}}}),
		"val_group_having_not_in_by":     group(pBookModel, &orm.GroupByArgs{By: sel("genre"), Having: []orm.HavingCond{{Field: "title", Op: orm.OpEquals, Value: "Alpha"}}}),
		"val_group_having_unknown":       group(pBookModel, &orm.GroupByArgs{By: sel("genre"), Having: []orm.HavingCond{{Agg: orm.AggCount, Field: "nope", Op: orm.OpGt, Value: 1}}}),
		"val_group_having_avg_string":    group(pBookModel, &orm.GroupByArgs{By: sel("genre"), Having: []orm.HavingCond{{Agg: orm.AggAvg, Field: "title", Op: orm.OpGt, Value: 1}}}),
		"val_group_avg_string":           group(pBookModel, &orm.GroupByArgs{By: sel("genre"), Avg: sel("title")}),
		"val_group_sum_unknown":          group(pBookModel, &orm.GroupByArgs{By: sel("genre"), Sum: sel("nope")}),
		"val_group_order_sum_unknown":    group(pBookModel, &orm.GroupByArgs{By: sel("genre"), OrderBy: []orm.GroupOrder{{Agg: orm.AggSum, Field: "nope"}}}),
		"val_group_order_avg_string":     group(pBookModel, &orm.GroupByArgs{By: sel("genre"), OrderBy: []orm.GroupOrder{{Agg: orm.AggAvg, Field: "title"}}}),
		"val_group_take_no_order_genre":  group(pBookModel, &orm.GroupByArgs{By: sel("genre"), Take: 1}),
		"val_agg_avg_string":             agg(pBookModel, &orm.AggregateArgs{Avg: sel("title")}),
		"val_agg_sum_string_nullable":    agg(pBookModel, &orm.AggregateArgs{Sum: sel("genre")}),
		"val_agg_sum_unknown":            agg(pBookModel, &orm.AggregateArgs{Sum: sel("nope")}),
		"val_agg_min_unknown":            agg(pBookModel, &orm.AggregateArgs{Min: sel("nope")}),
		"val_agg_count_unknown":          agg(pBookModel, &orm.AggregateArgs{CountFields: sel("nope")}),
		"val_agg_max_relation":           agg(pBookModel, &orm.AggregateArgs{Max: sel("author")}),
		"val_agg_min_json":               agg(pAuthorModel, &orm.AggregateArgs{Min: sel("meta")}),
		"val_agg_sum_list":               agg(pItemModel, &orm.AggregateArgs{Sum: sel("nums")}),
		"val_agg_avg_list":               agg(pItemModel, &orm.AggregateArgs{Avg: sel("nums")}),
		"val_agg_empty":                  agg(pBookModel, &orm.AggregateArgs{}),
		"val_agg_min_list":               agg(pItemModel, &orm.AggregateArgs{Min: sel("nums")}),
		"val_agg_count_relation":         agg(pBookModel, &orm.AggregateArgs{CountFields: sel("author")}),
		"val_group_order_unknown":        group(pBookModel, &orm.GroupByArgs{By: sel("genre"), OrderBy: []orm.GroupOrder{{Field: "nope"}}}),
		"val_group_order_count_relation": group(pBookModel, &orm.GroupByArgs{By: sel("genre"), OrderBy: []orm.GroupOrder{{Agg: orm.AggCount, Field: "author"}}}),
		"val_group_having_sum_relation":  group(pBookModel, &orm.GroupByArgs{By: sel("genre"), Having: []orm.HavingCond{{Agg: orm.AggSum, Field: "author", Op: orm.OpGt, Value: 1}}}),
		"val_group_having_two_not_in_by": group(pBookModel, &orm.GroupByArgs{By: sel("genre"),
			Having: []orm.HavingCond{{Field: "title", Op: orm.OpEquals, Value: "Alpha"}, {Field: "pages", Op: orm.OpGt, Value: 1}}}),
		"val_group_having_json_min": group(pAuthorModel, &orm.GroupByArgs{By: sel("name"), Having: []orm.HavingCond{{Agg: orm.AggMin, Field: "meta", Op: orm.OpEquals, Value: 1}}}),
		"val_group_nulls_on_agg":    group(pBookModel, &orm.GroupByArgs{By: sel("genre"), OrderBy: []orm.GroupOrder{{Agg: orm.AggMax, Field: "genre", Nulls: orm.NullsFirst}}}),
		"val_agg_where_not_wrong_type": func(ctx context.Context, db orm.DB) (any, error) {
			w, err := orm.ParseWhere(pBookModel, []byte(`{"pages": {"not": "x"}}`))
			if err != nil {
				return nil, err
			}
			return agg(pBookModel, &orm.AggregateArgs{Where: w, Count: true})(ctx, db)
		},
		"val_count_where_not_wrong_type": func(ctx context.Context, db orm.DB) (any, error) {
			w, err := orm.ParseWhere(pBookModel, []byte(`{"title": {"not": 5}}`))
			if err != nil {
				return nil, err
			}
			return countResult(orm.Count(ctx, db, pBookModel, &orm.CountArgs{Where: w}))
		},
		"val_group_where_not_wrong_type": func(ctx context.Context, db orm.DB) (any, error) {
			w, err := orm.ParseWhere(pBookModel, []byte(`{"genre": {"not": true}}`))
			if err != nil {
				return nil, err
			}
			return group(pBookModel, &orm.GroupByArgs{By: sel("genre"), Where: w})(ctx, db)
		},
	}
	for k, v := range ops {
		parityOps[k] = v
	}
}
