package orm_test

import (
	"encoding/json"
	"time"

	"context"

	"github.com/polystore/polystore/postgres/orm"
)

// aggJSON shapes an aggregate result as Prisma returns it.
func aggJSON(r *orm.AggregateResult, countAll bool) map[string]any {
	out := map[string]any{}
	count := map[string]any{}
	if countAll {
		count["_all"] = r.Count
	}
	for k, v := range r.CountFields {
		count[k] = v
	}
	if len(count) > 0 {
		out["_count"] = count
	}
	for name, m := range map[string]map[string]any{"_sum": r.Sum, "_avg": r.Avg, "_min": r.Min, "_max": r.Max} {
		if len(m) > 0 {
			out[name] = m
		}
	}
	return out
}

func groupsJSON(gs []orm.Group, countAll bool) []map[string]any {
	out := []map[string]any{}
	for i := range gs {
		g := aggJSON(&gs[i].AggregateResult, countAll)
		for k, v := range gs[i].Key {
			g[k] = v
		}
		out = append(out, g)
	}
	return out
}

type parityOp func(ctx context.Context, db orm.DB) (any, error)

func id(n int) orm.Where { return orm.Where{orm.Eq("id", n)} }

func sel(fields ...string) []string { return fields }

func countResult(n int64, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return map[string]int64{"count": n}, nil
}

// parityOps are the Go forms of the cases of cases.json that are not finds.
var parityOps = map[string]parityOp{
	"err_unique_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "ada@x.io"}})
	},
	"err_unique_compound": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "Alpha", "pages": 1, "price": "1", "authorId": 1}})
	},
	"err_unique_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"email": "ada@x.io"}})
	},
	"err_unique_upsert": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: id(2), Create: orm.Data{"email": "z@x.io"}, Update: orm.Data{"email": "cy@x.io"}})
	},
	"err_notfound_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(99), Data: orm.Data{"name": "x"}})
	},
	"err_notfound_delete": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pAuthor](ctx, db, pAuthorModel, &orm.DeleteArgs{Where: id(99)})
	},
	"err_fk_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "T", "pages": 1, "price": "1", "authorId": 99}})
	},
	"err_fk_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"authorId": 99}})
	},
	"err_fk_delete": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pAuthor](ctx, db, pAuthorModel, &orm.DeleteArgs{Where: id(1)})
	},
	"err_fk_deletemany": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pAuthorModel, &orm.DeleteArgs{Where: orm.Where{orm.In("id", []int{1, 2})}}))
	},
	"err_too_long": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "n@x.io", "code": "abcdefg"}})
	},
	"err_too_long_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"code": "abcdefg"}})
	},
	"err_missing_required": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"pages": 1, "price": "1", "authorId": 1}})
	},
	"err_null_required": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"title": nil}})
	},
	"err_int_overflow": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "n@x.io", "rank": int64(3000000000)}})
	},

	"agg_empty": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Where: orm.Where{orm.Gt("pages", 1000)},
			Count: true, CountFields: sel("genre"), Sum: sel("pages", "price"), Avg: sel("pages", "price"), Min: sel("price", "title"), Max: sel("pages")})
		if err != nil {
			return nil, err
		}
		return aggJSON(r, true), nil
	},
	"agg_all": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{
			Count: true, CountFields: sel("genre"), Sum: sel("pages", "price"), Avg: sel("pages", "price"), Min: sel("price", "title"), Max: sel("pages", "genre")})
		if err != nil {
			return nil, err
		}
		return aggJSON(r, true), nil
	},
	"agg_author_types": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pAuthorModel, &orm.AggregateArgs{
			Sum: sel("big", "rank", "ratio", "score"), Avg: sel("big", "rank", "ratio", "score"), Min: sel("born", "big", "name"), Max: sel("born", "score")})
		if err != nil {
			return nil, err
		}
		return aggJSON(r, false), nil
	},
	"agg_count_true": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Count: true})
		if err != nil {
			return nil, err
		}
		return map[string]any{"_count": r.Count}, nil
	},
	"agg_take": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{OrderBy: []orm.Order{orm.Asc("id")}, Take: 2, Sum: sel("pages")})
		if err != nil {
			return nil, err
		}
		return aggJSON(r, false), nil
	},
	"count_plain": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pAuthorModel, nil)
	},
	"count_select": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pAuthorModel, &orm.AggregateArgs{Count: true, CountFields: sel("name", "rank")})
		if err != nil {
			return nil, err
		}
		return aggJSON(r, true)["_count"], nil
	},
	"count_where_take": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Where: orm.Where{orm.Eq("genre", "sf")}, Take: 2})
	},

	"group_basic": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), Count: true, Sum: sel("pages"),
			OrderBy: []orm.GroupOrder{{Field: "genre"}}})
		return groupsJSON(gs, true), err
	},
	"group_nulls_first": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), Count: true,
			OrderBy: []orm.GroupOrder{{Field: "genre", Nulls: orm.NullsFirst}}})
		return groupsJSON(gs, true), err
	},
	"group_having_sum": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Sum: sel("pages", "price"),
			Having: []orm.HavingCond{{Agg: orm.AggSum, Field: "pages", Op: orm.OpGt, Value: 200}}, OrderBy: []orm.GroupOrder{{Field: "authorId"}}})
		return groupsJSON(gs, false), err
	},
	"group_having_count": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("title"), CountFields: sel("id"),
			Having: []orm.HavingCond{{Agg: orm.AggCount, Field: "id", Op: orm.OpGt, Value: 1}}, OrderBy: []orm.GroupOrder{{Field: "title"}}})
		return groupsJSON(gs, false), err
	},
	"group_having_by_field": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), Count: true,
			Having: []orm.HavingCond{{Field: "genre", Op: orm.OpEquals, Value: "sf"}}})
		return groupsJSON(gs, true), err
	},
	"group_order_agg": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Avg: sel("pages", "price"), Min: sel("title"), Max: sel("price"),
			OrderBy: []orm.GroupOrder{{Agg: orm.AggSum, Field: "pages", Desc: true}}})
		return groupsJSON(gs, false), err
	},
	"group_order_count_all": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), Count: true, CountFields: sel("genre"),
			OrderBy: []orm.GroupOrder{{Agg: orm.AggCount, Field: "genre", Desc: true}, {Field: "genre"}}})
		return groupsJSON(gs, true), err
	},
	"group_take_skip": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId", "genre"),
			OrderBy: []orm.GroupOrder{{Field: "authorId"}, {Field: "genre"}}, Skip: 1, Take: 3})
		return groupsJSON(gs, false), err
	},
	"group_take_no_order": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Take: 2})
		return groupsJSON(gs, false), err
	},
	"group_skip_no_order": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Skip: 1})
		return groupsJSON(gs, false), err
	},
	"group_order_not_in_by": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), OrderBy: []orm.GroupOrder{{Field: "genre"}}})
		return groupsJSON(gs, false), err
	},
	"group_where_empty": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), Where: orm.Where{orm.Gt("pages", 1000)}, Count: true})
		return groupsJSON(gs, true), err
	},
	"group_author_types": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pAuthorModel, &orm.GroupByArgs{By: sel("name"), Sum: sel("big", "score"), Avg: sel("rank", "score"),
			Min: sel("born"), Count: true, OrderBy: []orm.GroupOrder{{Field: "name", Nulls: orm.NullsLast}}})
		return groupsJSON(gs, true), err
	},

	"write_upsert_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("email", "new@x.io")},
			Create: orm.Data{"email": "new@x.io", "score": "1.5", "big": int64(12)}, Update: orm.Data{"name": "upd"}})
	},
	"write_upsert_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("email", "bob@x.io")},
			Create: orm.Data{"email": "bob@x.io"}, Update: orm.Data{"name": "Bobby", "rank": orm.Increment(2)}})
	},
	"write_upsert_update_by_id": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: id(3),
			Create: orm.Data{"email": "q@x.io"}, Update: orm.Data{"score": orm.Increment("0.5")}, Select: sel("id", "score")})
	},
	"write_update_many": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("genre", "sf")}, Data: orm.Data{"pages": orm.Increment(1)}}))
	},
	"write_update_many_none": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("genre", "none")}, Data: orm.Data{"pages": 1}}))
	},
	"write_update_many_limit": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("genre", "sf")}, Data: orm.Data{"pages": 1}, Limit: 2}))
	},
	"write_delete_many": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pBookModel, &orm.DeleteArgs{Where: orm.Where{orm.Lt("pages", 100)}}))
	},
	"write_delete_many_limit": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pBookModel, &orm.DeleteArgs{Where: orm.Where{orm.Lt("pages", 1000)}, Limit: 2}))
	},
	"write_delete_returns": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pBook](ctx, db, pBookModel, &orm.DeleteArgs{Where: id(2)})
	},
	"write_create_many": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.CreateMany(ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "red"}, {"name": "pink"}}, SkipDuplicates: true}))
	},
	"write_create_many_return": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pTag](ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "pink"}, {"name": "red"}, {"name": "gold"}},
			SkipDuplicates: true, Select: sel("name")})
	},
	"write_create_many_return_include": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pBook](ctx, db, pBookModel, &orm.CreateManyArgs{Data: []orm.Data{{"title": "N1", "pages": 1, "price": "3.10", "authorId": 2}},
			Include: []orm.Include{{Relation: "author", Args: &orm.FindArgs{Select: sel("email")}}}})
	},
	"write_create_types": func(ctx context.Context, db orm.DB) (any, error) {
		// clock-free: a fixed date stored and read back.
		born := time.Date(2020, 2, 29, 23, 59, 59, 999e6, time.UTC)
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "t@x.io", "big": int64(-9007199254740993),
			"score": "12345678.9", "blob": []byte{0, 1}, "meta": json.RawMessage(`{"x": [true, null]}`), "born": born, "ratio": 1e-7}})
	},
	"write_connect_or_create_existing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"tags": &orm.Nested{
			ConnectOrCreate: []orm.ConnectOrCreate{{Where: orm.Where{orm.Eq("name", "red")}, Create: orm.Data{"name": "red"}}}}},
			Select: sel("id"), Include: []orm.Include{{Relation: "tags", Args: &orm.FindArgs{Select: sel("id"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
	},
	"write_connect_or_create_new": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"tags": &orm.Nested{
			ConnectOrCreate: []orm.ConnectOrCreate{
				{Where: orm.Where{orm.Eq("name", "gold")}, Create: orm.Data{"name": "gold"}},
				{Where: orm.Where{orm.Eq("name", "blue")}, Create: orm.Data{"name": "blue"}}}}},
			Select: sel("id"), Include: []orm.Include{{Relation: "tags", Args: &orm.FindArgs{Select: sel("name"), OrderBy: []orm.Order{orm.Asc("name")}}}}})
	},
	"write_set": func(ctx context.Context, db orm.DB) (any, error) {
		return setTags(ctx, db, &orm.Nested{Set: []orm.Where{id(3)}})
	},
	"write_set_empty": func(ctx context.Context, db orm.DB) (any, error) { return setTags(ctx, db, &orm.Nested{SetNone: true}) },
	"write_set_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return setTags(ctx, db, &orm.Nested{Set: []orm.Where{id(3), id(99)}})
	},
	"write_disconnect": func(ctx context.Context, db orm.DB) (any, error) {
		return setTags(ctx, db, &orm.Nested{Disconnect: []orm.Where{id(1), id(3)}})
	},
	"write_disconnect_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return setTags(ctx, db, &orm.Nested{Disconnect: []orm.Where{id(99)}})
	},
	"write_connect_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return setTags(ctx, db, &orm.Nested{Connect: []orm.Where{id(3), id(99)}})
	},
	"write_nested_create_books": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "nb@x.io", "books": &orm.Nested{
			Create: []orm.Data{{"title": "X", "pages": 2, "price": "0.1"}}}},
			Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: sel("title", "price")}}}})
	},
	"write_update_decimal_ops": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"price": orm.Multiply("3"), "pages": orm.Divide(3)},
			Select: sel("price", "pages")})
	},
	"write_update_unique_extra": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1), orm.Gt("pages", 1000)}, Data: orm.Data{"pages": 1}})
	},
	"write_delete_unique_extra": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pBook](ctx, db, pBookModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", 1), orm.Eq("genre", "poem")}})
	},
	"err_nested_update_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Update: []orm.NestedUpdate{{Where: id(99), Data: orm.Data{"pages": 1}}}})
	},
	"err_nested_update_other_parent": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Update: []orm.NestedUpdate{{Where: id(3), Data: orm.Data{"pages": 1}}}})
	},
	"err_nested_delete_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Delete: []orm.Where{id(99)}})
	},
	"err_connect_owner_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "T", "pages": 1, "price": "1",
			"author": &orm.Nested{Connect: []orm.Where{id(99)}}}})
	},
	"err_update_owner_connect_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"author": &orm.Nested{Connect: []orm.Where{id(99)}}}})
	},
	"err_nested_create_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Create: []orm.Data{{"title": "Alpha", "pages": 1, "price": "1"}}})
	},
	"err_update_many_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("authorId", 1)}, Data: orm.Data{"title": "Same"}}))
	},
	"err_create_many_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.CreateMany(ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "new"}, {"name": "red"}}}))
	},
	"err_decimal_overflow": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "T", "pages": 1, "price": "123456789012", "authorId": 1}})
	},
	"count_relation_filter": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pAuthorModel, &orm.CountArgs{Where: orm.Where{orm.SomeOf("books", orm.Gt("pages", 200))}})
	},
	"group_having_avg": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Avg: sel("price"),
			Having: []orm.HavingCond{{Agg: orm.AggAvg, Field: "price", Op: orm.OpGt, Value: 10}}, OrderBy: []orm.GroupOrder{{Field: "authorId"}}})
		return groupsJSON(gs, false), err
	},
	"write_nested_create_many": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"books": &orm.Nested{
			CreateMany: []orm.Data{{"title": "A", "pages": 1, "price": "1"}, {"title": "B", "pages": 2, "price": "2"}}}},
			Select: sel(), Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: sel("title"), OrderBy: []orm.Order{orm.Asc("title")}}}}})
	},
	"write_upsert_compound": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pBook](ctx, db, pBookModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("title", "Alpha"), orm.Eq("authorId", 1)},
			Create: orm.Data{"title": "Alpha", "pages": 5, "price": "5", "authorId": 1}, Update: orm.Data{"pages": orm.Increment(5)}, Select: sel("id", "pages")})
	},
	"write_update_many_and_return": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("genre", "sf")}, Data: orm.Data{"genre": "scifi"},
			Select: sel("id", "genre")})
	},
	"write_nested_disconnect_to_one_optional": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Set: []orm.Where{id(2)}})
	},
	"write_update_set_null": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"name": nil, "meta": orm.DbNull}, Select: sel("name", "meta")})
	},
	"write_set_all_existing": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Set: []orm.Where{id(1), id(2)}})
	},
	"write_set_empty_required": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooksOf(ctx, db, 2, &orm.Nested{SetNone: true})
	},
	"write_set_steal": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooksOf(ctx, db, 2, &orm.Nested{Set: []orm.Where{id(1)}})
	},
	"write_disconnect_required": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Disconnect: []orm.Where{id(1)}})
	},
	"write_nested_delete_other_parent": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Delete: []orm.Where{id(3)}})
	},
	"write_nested_delete_ok_and_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{Delete: []orm.Where{id(1), id(99)}})
	},
	"write_m2m_delete_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": &orm.Nested{Delete: []orm.Where{id(3)}}}})
	},
	"write_nested_update_many_none": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: id(99), Data: orm.Data{"pages": 1}}}})
	},

	"write_update_many_empty_data": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("genre", "sf")}, Data: orm.Data{}}))
	},
	"write_create_many_empty": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.CreateMany(ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{}}))
	},
	"write_delete_many_all": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pTagModel, &orm.DeleteArgs{}))
	},
	"agg_take_negative": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{OrderBy: []orm.Order{orm.Asc("id")}, Take: -2, Sum: sel("pages")})
		if err != nil {
			return nil, err
		}
		return aggJSON(r, false), nil
	},
	"count_take_negative": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Take: -2})
	},
	"write_delete_returns_include": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pAuthor](ctx, db, pAuthorModel, &orm.DeleteArgs{Where: id(2), Include: []orm.Include{orm.Inc("books")}, Count: allCounts})
	},
	"write_update_inc_null": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"rank": orm.Increment(1)}, Select: sel("rank")})
	},
}

func updBooks(ctx context.Context, db orm.DB, n *orm.Nested) (any, error) {
	return updBooksOf(ctx, db, 1, n)
}

func updBooksOf(ctx context.Context, db orm.DB, author int, n *orm.Nested) (any, error) {
	return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(author), Data: orm.Data{"books": n}})
}

func setTags(ctx context.Context, db orm.DB, n *orm.Nested) (any, error) {
	return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": n},
		Select: sel(), Include: []orm.Include{{Relation: "tags", Args: &orm.FindArgs{Select: sel("id"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
}

// allCounts is Prisma's _count: true on an Author.
var allCounts = []orm.CountOf{{Relation: "books"}, {Relation: "tags"}}

func aggResult(r *orm.AggregateResult, err error, countAll bool) (any, error) {
	if err != nil {
		return nil, err
	}
	return aggJSON(r, countAll), nil
}

func updItem(ctx context.Context, db orm.DB, id int, data orm.Data, fields ...string) (any, error) {
	var s []string
	if len(fields) > 0 {
		s = fields
	}
	return orm.Update[pItem](ctx, db, pItemModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", id)}, Data: data, Select: s})
}

func booksOf(fields ...string) []orm.Include {
	return []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: fields, OrderBy: []orm.Order{orm.Asc("id")}}}}
}

// The Go forms of the cases added with _count in writes, cursors on
// count and aggregate, paging errors per operation, scalar lists, typed
// values, nested writes, batch transactions and raw queries.
var _ = addParityOps(map[string]parityOp{
	"write_create_include_count": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "c@x.io", "books": &orm.Nested{
			Create: []orm.Data{{"title": "X", "pages": 1, "price": "1"}}}}, Count: allCounts})
	},
	"write_create_select_count": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "c@x.io", "tags": &orm.Nested{
			Connect: []orm.Where{id(1), id(2)}}}, Select: sel("id"), Count: allCounts})
	},
	"write_update_select_count_where": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"name": "A2"}, Select: sel("name"),
			Count: []orm.CountOf{{Relation: "books", Where: orm.Where{orm.Gt("pages", 100)}}, {Relation: "tags"}}})
	},
	"write_update_include_count_books": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"rank": orm.Increment(1)},
			Include: booksOf("id"), Count: []orm.CountOf{{Relation: "books"}}})
	},
	"write_upsert_update_count": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: id(3), Create: orm.Data{"email": "q@x.io"},
			Update: orm.Data{"name": "C"}, Select: sel("id"), Count: allCounts})
	},
	"write_upsert_create_count": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("email", "q@x.io")},
			Create: orm.Data{"email": "q@x.io"}, Update: orm.Data{"name": "C"}, Count: []orm.CountOf{{Relation: "tags"}}})
	},
	"write_delete_select_count": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pTag](ctx, db, pTagModel, &orm.DeleteArgs{Where: id(2), Select: sel("name"), Count: []orm.CountOf{{Relation: "authors"}}})
	},
	"write_delete_include_count_where": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pAuthor](ctx, db, pAuthorModel, &orm.DeleteArgs{Where: id(2),
			Count: []orm.CountOf{{Relation: "books", Where: orm.Where{orm.Gt("pages", 1)}}}})
	},
	"write_create_many_return_count": func(ctx context.Context, db orm.DB) (any, error) {
		// CreateManyArgs has no Count: _count can only be named as a field.
		return orm.CreateManyAndReturn[pAuthor](ctx, db, pAuthorModel, &orm.CreateManyArgs{Data: []orm.Data{{"email": "m@x.io"}}, Select: sel("id", "_count")})
	},
	"write_update_many_return_count": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"rank": 9}, Select: sel("id"), Count: allCounts})
	},
	"write_update_count_none": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"name": "B"}, Select: sel(), Count: []orm.CountOf{{Relation: "books"}}})
	},

	"count_cursor": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(3), OrderBy: []orm.Order{orm.Asc("id")}})
	},
	"count_cursor_take": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(3), Take: 2, OrderBy: []orm.Order{orm.Asc("id")}})
	},
	"count_cursor_take_negative": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(4), Take: -3, OrderBy: []orm.Order{orm.Asc("id")}})
	},
	"count_cursor_skip": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(4), Skip: 1, OrderBy: []orm.Order{orm.Asc("id")}})
	},
	"count_cursor_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(99), OrderBy: []orm.Order{orm.Asc("id")}})
	},
	"count_cursor_no_order": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(5)})
	},
	"count_cursor_where": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(3), Where: orm.Where{orm.Eq("genre", "sf")}, OrderBy: []orm.Order{orm.Asc("id")}})
	},
	"count_cursor_order_price": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(5), OrderBy: []orm.Order{orm.Desc("price"), orm.Asc("id")}})
	},
	"count_cursor_select": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Cursor: id(3), OrderBy: []orm.Order{orm.Asc("id")}, Count: true, CountFields: sel("genre")})
		if err != nil {
			return nil, err
		}
		return aggJSON(r, true)["_count"], nil
	},
	"agg_cursor": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Cursor: id(3), OrderBy: []orm.Order{orm.Asc("id")}, Sum: sel("pages"), Count: true})
		return aggResult(r, err, true)
	},
	"agg_cursor_take_negative": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Cursor: id(3), Take: -2, OrderBy: []orm.Order{orm.Asc("id")}, Sum: sel("pages")})
		return aggResult(r, err, false)
	},
	"agg_cursor_price": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Cursor: id(1), OrderBy: []orm.Order{orm.Asc("price")},
			Min: sel("price"), Max: sel("price"), Count: true})
		return aggResult(r, err, true)
	},
	"agg_cursor_missing": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Cursor: id(99), OrderBy: []orm.Order{orm.Asc("id")}, Count: true})
		return aggResult(r, err, true)
	},
	"err_count_skip_negative": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Skip: -1})
	},
	"err_agg_skip_negative": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Skip: -1, Count: true})
		return aggResult(r, err, true)
	},
	"err_group_skip_negative": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), OrderBy: []orm.GroupOrder{{Field: "genre"}}, Skip: -1})
		return groupsJSON(gs, false), err
	},
	"err_group_take_negative": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), OrderBy: []orm.GroupOrder{{Field: "genre"}}, Take: -1})
		return groupsJSON(gs, false), err
	},
	"err_update_many_limit_negative": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Data: orm.Data{"pages": 1}, Limit: -1}))
	},
	"err_delete_many_limit_negative": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pBookModel, &orm.DeleteArgs{Limit: -1}))
	},

	"write_list_push": func(ctx context.Context, db orm.DB) (any, error) {
		return updItem(ctx, db, 1, orm.Data{"labels": orm.Push("z"), "nums": orm.Push([]int{7, 8})})
	},
	"write_list_push_null": func(ctx context.Context, db orm.DB) (any, error) {
		return updItem(ctx, db, 3, orm.Data{"labels": orm.Push("z")})
	},
	"write_list_set": func(ctx context.Context, db orm.DB) (any, error) {
		return updItem(ctx, db, 1, orm.Data{"labels": orm.Set([]string{"q"}), "nums": []int{}})
	},
	"write_list_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pItem](ctx, db, pItemModel, &orm.CreateArgs{Data: orm.Data{"labels": []string{"x", "y"}}})
	},
	"write_json_jsonnull": func(ctx context.Context, db orm.DB) (any, error) {
		return updItem(ctx, db, 1, orm.Data{"data": orm.JsonNull}, "data")
	},
	"write_json_dbnull": func(ctx context.Context, db orm.DB) (any, error) {
		return updItem(ctx, db, 1, orm.Data{"data": orm.DbNull}, "data")
	},
	"write_types_update": func(ctx context.Context, db orm.DB) (any, error) {
		born := time.Date(2024, 2, 29, 12, 0, 0, 5e8, time.UTC)
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"big": int64(-1), "score": "0.005",
			"born": born, "blob": []byte{}}, Select: sel("big", "score", "born", "blob")})
	},
	"write_bigint_increment": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"big": orm.Increment(int64(2))}, Select: sel("big")})
	},
	"write_float_divide": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"ratio": orm.Divide(4)}, Select: sel("ratio")})
	},
	"write_decimal_round": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"score": "1.005"}, Select: sel("score")})
	},

	"write_nested_update_many_books": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"books": &orm.Nested{
			UpdateMany: []orm.NestedUpdate{{Where: orm.Where{orm.Gt("pages", 0)}, Data: orm.Data{"genre": "x"}}}}},
			Select: sel(), Include: booksOf("id", "genre")})
	},
	"write_nested_delete_many_books": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"books": &orm.Nested{
			DeleteMany: []orm.Where{{orm.Eq("genre", "sf")}}}}, Select: sel(), Include: booksOf("id")})
	},
	"write_nested_delete_many_all": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"books": &orm.Nested{
			DeleteMany: []orm.Where{{}}}}, Select: sel(), Include: booksOf("id")})
	},
	"write_nested_upsert_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"books": &orm.Nested{
			Upsert: []orm.NestedUpsert{{Where: id(1), Create: orm.Data{"title": "N", "pages": 1, "price": "1"}, Update: orm.Data{"pages": 7}}}}},
			Select: sel(), Include: booksOf("id", "pages")})
	},
	"write_nested_upsert_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"books": &orm.Nested{
			Upsert: []orm.NestedUpsert{{Where: id(99), Create: orm.Data{"title": "N", "pages": 1, "price": "1"}, Update: orm.Data{"pages": 7}}}}},
			Select: sel(), Include: booksOf("title")})
	},
	"write_nested_create_owner": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "O", "pages": 1, "price": "1",
			"author": &orm.Nested{Create: []orm.Data{{"email": "o@x.io"}}}},
			Include: []orm.Include{{Relation: "author", Args: &orm.FindArgs{Select: sel("email")}}}})
	},
	"write_nested_connect_or_create_owner": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "O", "pages": 1, "price": "1",
			"author": &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{Where: orm.Where{orm.Eq("email", "cy@x.io")}, Create: orm.Data{"email": "cy@x.io"}}}}},
			Select: sel("authorId")})
	},
	"write_nested_update_owner": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"author": &orm.Nested{
			Update: []orm.NestedUpdate{{Data: orm.Data{"name": "Z"}}}}},
			Select: sel(), Include: []orm.Include{{Relation: "author", Args: &orm.FindArgs{Select: sel("id", "name")}}}})
	},
	"write_nested_m2m_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "pink", "authors": &orm.Nested{
			Connect: []orm.Where{id(2)}, Create: []orm.Data{{"email": "p@x.io"}}}},
			Select: sel(), Include: []orm.Include{{Relation: "authors", Args: &orm.FindArgs{Select: sel("email"), OrderBy: []orm.Order{orm.Asc("email")}}}}})
	},
	"err_nested_create_many_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return updBooks(ctx, db, &orm.Nested{CreateMany: []orm.Data{{"title": "Alpha", "pages": 1, "price": "1"}}})
	},
	"err_connect_or_create_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"author": &orm.Nested{
			ConnectOrCreate: []orm.ConnectOrCreate{{Where: id(99), Create: orm.Data{"email": "ada@x.io"}}}}}})
	},
	"err_unique_create_many_return": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pTag](ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "red"}}})
	},
	"err_upsert_where_not_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("name", "Ada")}, Create: orm.Data{"email": "z@x.io"}, Update: orm.Data{}})
	},
	"err_delete_where_not_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pAuthor](ctx, db, pAuthorModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("name", "Ada")}})
	},
	"err_update_where_not_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("rank", 3)}, Data: orm.Data{}})
	},
	"write_update_many_return_empty": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(99), Data: orm.Data{"pages": 1}})
	},
	"write_update_many_return_include": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("authorId", 3)}, Data: orm.Data{"pages": orm.Increment(1)},
			Include: []orm.Include{{Relation: "author", Args: &orm.FindArgs{Select: sel("name")}}}})
	},
	"write_update_many_return_limit": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("genre", "sf")}, Data: orm.Data{"pages": 1}, Limit: 1, Select: sel("pages")})
	},
	"write_create_many_return_defaults": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.CreateManyAndReturn[pAuthor](ctx, db, pAuthorModel, &orm.CreateManyArgs{Data: []orm.Data{{"email": "d1@x.io"}, {"email": "d2@x.io", "rank": 5}},
			Select: sel("id", "email", "rank")})
	},
	"err_update_many_return_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("authorId", 1)}, Data: orm.Data{"title": "Same"}})
	},
	"err_delete_nested_required": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pAuthor](ctx, db, pAuthorModel, &orm.DeleteArgs{Where: id(3)})
	},
	"err_update_fk_nested": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"author": &orm.Nested{
			Connect: []orm.Where{{orm.Eq("email", "none")}}}}})
	},

	"tx_batch_ok": func(ctx context.Context, db orm.DB) (any, error) {
		return db.(*orm.Client).Batch(ctx, []orm.BatchOp{
			orm.Step(func(ctx context.Context, db orm.DB) (*pTag, error) {
				return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "pink"}})
			}),
			orm.Step(func(ctx context.Context, db orm.DB) (int64, error) { return orm.Count(ctx, db, pTagModel, nil) }),
		}, nil)
	},
	"tx_batch_rollback": func(ctx context.Context, db orm.DB) (any, error) {
		return db.(*orm.Client).Batch(ctx, []orm.BatchOp{
			orm.Step(func(ctx context.Context, db orm.DB) (*pTag, error) {
				return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "pink"}})
			}),
			orm.Step(func(ctx context.Context, db orm.DB) (*pTag, error) {
				return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "red"}})
			}),
		}, nil)
	},
	"tx_batch_notfound_rollback": func(ctx context.Context, db orm.DB) (any, error) {
		return db.(*orm.Client).Batch(ctx, []orm.BatchOp{
			orm.Step(func(ctx context.Context, db orm.DB) (int64, error) {
				return orm.DeleteMany(ctx, db, pBookModel, &orm.DeleteArgs{})
			}),
			orm.Step(func(ctx context.Context, db orm.DB) (*pAuthor, error) {
				return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(99), Data: orm.Data{"name": "x"}})
			}),
		}, nil)
	},
	"tx_batch_notfound_rollback/after": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, nil)
	},
	"raw_query_types": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT id, big, score, born, blob, meta, ratio, name FROM "Author" WHERE id IN (1, 2) ORDER BY id`))
	},
	"raw_query_params": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT count(*) AS n, sum(pages) AS s, avg(price) AS a FROM "Book" WHERE pages > ?`, 90))
	},
	"raw_query_exprs": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT 1 AS i, 2.5::float8 AS f, 'x'::text AS t, true AS b, NULL::int AS n, '{1,2}'::int[] AS arr, '2020-01-01'::date AS d, 3::bigint AS big, 1.50::numeric AS dec`))
	},
	"raw_execute": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`UPDATE "Book" SET pages = pages + 1 WHERE "authorId" = ?`, 1))
	},
	"err_raw_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`INSERT INTO "Tag" (name) VALUES (?)`, "red"))
	},
	"err_raw_syntax": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELEC 1`))
	},
})

func addParityOps(ops map[string]parityOp) bool {
	for k, v := range ops {
		parityOps[k] = v
	}
	return true
}

var _ = addParityOps(map[string]parityOp{
	"count_cursor_take_zero": func(ctx context.Context, db orm.DB) (any, error) {
		// Take 0 is no limit in Go; Prisma's take: 0 counts nothing, so
		// the Go form states an empty page with a condition matching none.
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{Cursor: id(3), Where: orm.Where{orm.Or(nil)}, OrderBy: []orm.Order{orm.Asc("id")}})
	},
	"count_order_take": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, &orm.CountArgs{OrderBy: []orm.Order{orm.Desc("pages")}, Take: 2, Skip: 1})
	},
	"agg_cursor_order_compound": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Cursor: id(4), OrderBy: []orm.Order{orm.Asc("title"), orm.Asc("authorId")}, Count: true})
		return aggResult(r, err, true)
	},
	"agg_cursor_order_unique_email": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pAuthorModel, &orm.AggregateArgs{Cursor: id(3), OrderBy: []orm.Order{orm.Asc("email")}, Count: true})
		return aggResult(r, err, true)
	},
	"group_take_negative_order_count": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Count: true,
			OrderBy: []orm.GroupOrder{{Agg: orm.AggCount, Field: "id", Desc: true}, {Field: "authorId"}}, Take: -2})
		return groupsJSON(gs, true), err
	},
	"write_nested_create_many_skip": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"books": &orm.Nested{
			CreateMany: []orm.Data{{"title": "Alpha", "pages": 1, "price": "1"}, {"title": "New", "pages": 1, "price": "1"}}, SkipDuplicates: true}},
			Select: sel(), Include: booksOf("title")})
	},
	"group_take_negative_skip": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), OrderBy: []orm.GroupOrder{{Field: "authorId"}}, Take: -1, Skip: 1})
		return groupsJSON(gs, false), err
	},
})

var _ = addParityOps(map[string]parityOp{
	"write_update_many_rel_filter": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.IsRel("author", orm.Eq("name", "Cy"))}, Data: orm.Data{"genre": "x"}}))
	},
	"write_delete_compound": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pBook](ctx, db, pBookModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("title", "Alpha"), orm.Eq("authorId", 4)}, Select: sel("id", "pages")})
	},
	"err_update_compound_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("title", "Alpha"), orm.Eq("authorId", 3)}, Data: orm.Data{"pages": 1}})
	},
	"err_delete_compound_missing": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pBook](ctx, db, pBookModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("title", "Zeta"), orm.Eq("authorId", 1)}})
	},
	"write_nested_upsert_to_one": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"author": &orm.Nested{
			Upsert: []orm.NestedUpsert{{Create: orm.Data{"email": "n@x.io"}, Update: orm.Data{"name": "Ada2"}}}}},
			Select: sel("id"), Include: []orm.Include{{Relation: "author", Args: &orm.FindArgs{Select: sel("id", "name")}}}})
	},
	"write_create_many_skip_compound": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.CreateMany(ctx, db, pBookModel, &orm.CreateManyArgs{Data: []orm.Data{
			{"title": "Alpha", "pages": 1, "price": "1", "authorId": 1}, {"title": "New", "pages": 1, "price": "1", "authorId": 1},
			{"title": "New", "pages": 2, "price": "2", "authorId": 1}}, SkipDuplicates: true}))
	},
	"write_decimal_bigint_ops_null": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"score": orm.Multiply("2"), "big": orm.Decrement(int64(1))}, Select: sel("score", "big")})
	},
	"write_bigint_multiply_decimal_divide": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"big": orm.Multiply(int64(-3)), "score": orm.Divide("4")}, Select: sel("big", "score")})
	},
})

var _ = addParityOps(map[string]parityOp{
	"group_having_avg_decimal_and_field": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Avg: sel("price", "pages"),
			Having:  []orm.HavingCond{{Agg: orm.AggAvg, Field: "price", Op: orm.OpGte, Value: "6"}, {Field: "authorId", Op: orm.OpGt, Value: 1}},
			OrderBy: []orm.GroupOrder{{Field: "authorId"}}})
		return groupsJSON(gs, false), err
	},
	"group_having_max_string": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Max: sel("title"), Min: sel("title"),
			Having: []orm.HavingCond{{Agg: orm.AggMax, Field: "title", Op: orm.OpLt, Value: "Eps"}}, OrderBy: []orm.GroupOrder{{Field: "authorId"}}})
		return groupsJSON(gs, false), err
	},
})
