package orm_test

import (
	"context"
	"encoding/json"
	"time"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/shopspring/decimal"
)

// tagIDsOf is Prisma's select of an author's tag ids, ordered.
func tagIDsOf(fields ...string) []orm.Include {
	return []orm.Include{{Relation: "tags", Args: &orm.FindArgs{Select: fields, OrderBy: []orm.Order{orm.Asc("id")}}}}
}

func groupResult(gs []orm.Group, err error, countAll bool) (any, error) {
	if err != nil {
		return nil, err
	}
	return groupsJSON(gs, countAll), nil
}

// The Go forms of the sweep's cases: aggregates and groupBy, nested writes
// on every relation kind, values at the edges of their types, batch
// transactions and raw queries.
var _ = addParityOps(map[string]parityOp{
	"grp_multi_by": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId", "genre"), Sum: sel("price"), Avg: sel("price"), Count: true,
			OrderBy: []orm.GroupOrder{{Field: "authorId"}, {Field: "genre", Nulls: orm.NullsFirst}}})
		return groupResult(gs, err, true)
	},
	"grp_having_in_min": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), Min: sel("price"),
			Having: []orm.HavingCond{{Field: "genre", Op: orm.OpIn, Value: []string{"sf", "poem"}}, {Agg: orm.AggMin, Field: "price", Op: orm.OpLt, Value: 5}}})
		return groupResult(gs, err, false)
	},
	"grp_author_bigint": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pAuthorModel, &orm.GroupByArgs{By: sel("rank"), Sum: sel("big"), Avg: sel("big"), Max: sel("big"),
			OrderBy: []orm.GroupOrder{{Field: "rank", Nulls: orm.NullsFirst}}})
		return groupResult(gs, err, false)
	},
	"grp_order_avg_desc": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Avg: sel("price"),
			OrderBy: []orm.GroupOrder{{Agg: orm.AggAvg, Field: "price", Desc: true}}})
		return groupResult(gs, err, false)
	},
	"grp_order_min_title": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Min: sel("title"),
			OrderBy: []orm.GroupOrder{{Agg: orm.AggMin, Field: "title"}, {Field: "authorId", Desc: true}}})
		return groupResult(gs, err, false)
	},
	"grp_empty": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), Where: orm.Where{orm.Gt("id", 100)}, Sum: sel("price"), Count: true})
		return groupResult(gs, err, true)
	},
	"grp_having_not": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("authorId"), Sum: sel("pages"),
			Having: []orm.HavingCond{{Agg: orm.AggSum, Field: "pages", Op: orm.OpNot, Value: 350}}, OrderBy: []orm.GroupOrder{{Field: "authorId"}}})
		return groupResult(gs, err, false)
	},
	"grp_node_kind_done": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pNodeModel, &orm.GroupByArgs{By: sel("kind", "done"), Count: true,
			OrderBy: []orm.GroupOrder{{Field: "kind", Desc: true}, {Field: "done"}}})
		return groupResult(gs, err, true)
	},
	"grp_where_relation": func(ctx context.Context, db orm.DB) (any, error) {
		gs, err := orm.GroupBy(ctx, db, pBookModel, &orm.GroupByArgs{By: sel("genre"), Where: orm.Where{orm.IsRel("author", orm.Eq("name", "Ada"))}, Count: true,
			OrderBy: []orm.GroupOrder{{Field: "genre"}}})
		return groupResult(gs, err, true)
	},
	"agg_where_relation": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Where: orm.Where{orm.IsRel("author", orm.Eq("name", "Ada"))}, Sum: sel("pages", "price"), Count: true})
		return aggResult(r, err, true)
	},
	"agg_node_enum_minmax": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pNodeModel, &orm.AggregateArgs{Min: sel("kind", "label"), Max: sel("kind", "done"), CountFields: sel("kind")})
		return aggResult(r, err, false)
	},
	"agg_author_empty_types": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pAuthorModel, &orm.AggregateArgs{Where: orm.Where{orm.Gt("id", 100)}, Sum: sel("big", "score"), Avg: sel("score", "big"),
			Min: sel("born", "blob"), Count: true})
		return aggResult(r, err, true)
	},
	"count_select_where": func(ctx context.Context, db orm.DB) (any, error) {
		r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Where: orm.Where{orm.Gt("pages", 90)}, Count: true, CountFields: sel("genre")})
		if err != nil {
			return nil, err
		}
		return aggJSON(r, true)["_count"], nil
	},
	"count_relation_where": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pAuthorModel, &orm.CountArgs{Where: orm.Where{orm.NoneOf("tags")}})
	},

	"nw_create_with_create_many": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "cm@x.io", "books": &orm.Nested{
			CreateMany: []orm.Data{{"title": "A", "pages": 1, "price": "1"}, {"title": "A", "pages": 2, "price": "2"}}, SkipDuplicates: true}},
			Select: sel("email"), Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: sel("title", "pages")}}}})
	},
	"nw_create_connect_or_create_tags": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "cc@x.io", "tags": &orm.Nested{
			ConnectOrCreate: []orm.ConnectOrCreate{{Where: orm.Where{orm.Eq("name", "red")}, Create: orm.Data{"name": "red"}},
				{Where: orm.Where{orm.Eq("name", "gold")}, Create: orm.Data{"name": "gold"}}}}},
			Select: sel("email"), Include: []orm.Include{{Relation: "tags", Args: &orm.FindArgs{Select: sel("name"), OrderBy: []orm.Order{orm.Asc("name")}}}}})
	},
	"nw_m2m_set_two": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": &orm.Nested{Set: []orm.Where{id(2), id(3)}}},
			Select: sel("id"), Include: tagIDsOf("id")})
	},
	"nw_m2m_disconnect_connect": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": &orm.Nested{Disconnect: []orm.Where{id(1)}, Connect: []orm.Where{id(3)}}},
			Select: sel("id"), Include: tagIDsOf("id")})
	},
	"nw_m2m_set_tag_side": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pTag](ctx, db, pTagModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"authors": &orm.Nested{Set: []orm.Where{id(4)}}}, Select: sel("id")})
	},
	"err_nw_m2m_upsert_unique": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"tags": &orm.Nested{
			Upsert: []orm.NestedUpsert{{Where: orm.Where{orm.Eq("name", "red")}, Create: orm.Data{"name": "red"}, Update: orm.Data{"name": "rouge"}}}}}})
	},
	"nw_m2m_upsert_connected": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": &orm.Nested{
			Upsert: []orm.NestedUpsert{{Where: orm.Where{orm.Eq("name", "red")}, Create: orm.Data{"name": "red"}, Update: orm.Data{"name": "rouge"}}}}},
			Select: sel("id"), Include: tagIDsOf("name")})
	},
	"nw_m2m_delete_tag_via_author": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": &orm.Nested{Delete: []orm.Where{id(2)}}}, Select: sel("id")})
	},
	"nw_m2m_update_many_tags": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": &orm.Nested{
			UpdateMany: []orm.NestedUpdate{{Where: orm.Where{orm.StartsWith("name", "g")}, Data: orm.Data{"name": "GREEN"}}}}},
			Select: sel("id"), Include: tagIDsOf("name")})
	},
	"nw_delete_tag_cascade": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pTag](ctx, db, pTagModel, &orm.DeleteArgs{Where: id(2)})
	},
	"nw_delete_many_tags_cascade": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pTagModel, &orm.DeleteArgs{Where: orm.Where{orm.SomeOf("authors", orm.Eq("id", 1))}}))
	},
	"err_nw_delete_author_restrict": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pAuthor](ctx, db, pAuthorModel, &orm.DeleteArgs{Where: id(3)})
	},
	"nw_delete_node_setnull": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Delete[pNode](ctx, db, pNodeModel, &orm.DeleteArgs{Where: id(2)})
	},
	"nw_delete_many_shelves_setnull": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.DeleteMany(ctx, db, pShelfModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("area", "A")}}))
	},
	"nw_user_posts_upsert_nested": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pUser](ctx, db, pUserModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"posts": &orm.Nested{Upsert: []orm.NestedUpsert{
			{Where: id(3), Update: orm.Data{"title": "p3b"}, Create: orm.Data{"title": "n"}},
			{Where: id(1), Update: orm.Data{"title": "x"}, Create: orm.Data{"title": "new"}}}}},
			Select: sel("id"), Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{Select: sel("title"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
	},
	"nw_create_deep": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pUser](ctx, db, pUserModel, &orm.CreateArgs{Data: orm.Data{"name": "deep",
			"profile": &orm.Nested{Create: []orm.Data{{"bio": "b"}}}, "posts": &orm.Nested{Create: []orm.Data{{"title": "t1"}, {"title": "t2"}}}},
			Select: sel("name"), Include: []orm.Include{{Relation: "profile", Args: &orm.FindArgs{Select: sel("bio")}},
				{Relation: "posts", Args: &orm.FindArgs{Select: sel("title"), OrderBy: []orm.Order{orm.Asc("title")}}}}})
	},

	"ty_decimal_round_half": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "R", "pages": 1, "price": "1.005", "authorId": 2}, Select: sel("price")})
	},
	"ty_decimal_negative_round": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "R", "pages": 1, "price": decimal.RequireFromString("-2.675"), "authorId": 2}, Select: sel("price")})
	},
	"ty_datetime_submilli": func(ctx context.Context, db orm.DB) (any, error) {
		return updAuthor2(ctx, db, "born", time.Date(2020, 1, 1, 0, 0, 0, 123500000, time.UTC))
	},
	"ty_bigint_max": func(ctx context.Context, db orm.DB) (any, error) {
		return updAuthor2(ctx, db, "big", int64(9223372036854775807))
	},
	"ty_bigint_min": func(ctx context.Context, db orm.DB) (any, error) {
		return updAuthor2(ctx, db, "big", int64(-9223372036854775808))
	},
	"ty_varchar_multibyte_ok":  func(ctx context.Context, db orm.DB) (any, error) { return updAuthor2(ctx, db, "code", "ééééé") },
	"err_ty_varchar_multibyte": func(ctx context.Context, db orm.DB) (any, error) { return updAuthor2(ctx, db, "code", "éééééé") },
	"err_ty_varchar_create_many": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.CreateMany(ctx, db, pAuthorModel, &orm.CreateManyArgs{Data: []orm.Data{{"email": "v1@x.io", "code": "ok"}, {"email": "v2@x.io", "code": "toolong"}}}))
	},
	"err_ty_varchar_nested": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"author": &orm.Nested{Update: []orm.NestedUpdate{{Data: orm.Data{"code": "toolong"}}}}}})
	},
	"ty_bytes_roundtrip": func(ctx context.Context, db orm.DB) (any, error) {
		return updAuthor2(ctx, db, "blob", []byte{0, 1, 2, 0xfd, 0xfe, 0xff})
	},
	"ty_json_jsonnull_create": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Create[pItem](ctx, db, pItemModel, &orm.CreateArgs{Data: orm.Data{"data": orm.JsonNull}, Select: sel("data")})
	},
	"ty_json_create_many_nulls": func(ctx context.Context, db orm.DB) (any, error) {
		return countResult(orm.CreateMany(ctx, db, pItemModel, &orm.CreateManyArgs{Data: []orm.Data{{"data": orm.DbNull}, {"data": orm.JsonNull}, {}}}))
	},
	"ty_json_nested_values": func(ctx context.Context, db orm.DB) (any, error) {
		return updItem(ctx, db, 2, orm.Data{"data": json.RawMessage(`{"a": null, "b": [1.5, "x", true], "c": {"d": {}}}`)}, "data")
	},
	"err_ty_unique_compound_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"authorId": 4}})
	},
	"err_ty_unique_compound_nullable": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pKit](ctx, db, pKitModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"variant": "v1"}})
	},
	"ty_float_special": func(ctx context.Context, db orm.DB) (any, error) { return updAuthor2(ctx, db, "ratio", 1e300) },
	"ty_int_max":       func(ctx context.Context, db orm.DB) (any, error) { return updAuthor2(ctx, db, "rank", 2147483647) },
	"err_ty_int_increment_overflow": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"rank": orm.Increment(2147483647)}})
	},
	"err_ty_decimal_overflow_update": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"price": orm.Multiply("100000000")}})
	},

	"tx_batch_mixed": func(ctx context.Context, db orm.DB) (any, error) {
		return db.(*orm.Client).Batch(ctx, []orm.BatchOp{
			orm.Step(func(ctx context.Context, db orm.DB) (any, error) {
				return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("genre", "sf")}, Data: orm.Data{"pages": orm.Increment(1)}}))
			}),
			orm.Step(func(ctx context.Context, db orm.DB) (any, error) {
				r, err := orm.Aggregate(ctx, db, pBookModel, &orm.AggregateArgs{Sum: sel("pages")})
				return aggResult(r, err, false)
			}),
			orm.Step(func(ctx context.Context, db orm.DB) ([]pBook, error) {
				return orm.FindMany[pBook](ctx, db, pBookModel, &orm.FindArgs{Where: orm.Where{orm.Eq("genre", "sf")}, Select: sel("pages"), OrderBy: []orm.Order{orm.Asc("id")}})
			}),
		}, nil)
	},
	"tx_batch_fk_rollback": func(ctx context.Context, db orm.DB) (any, error) {
		return db.(*orm.Client).Batch(ctx, []orm.BatchOp{
			orm.Step(func(ctx context.Context, db orm.DB) (any, error) {
				return countResult(orm.DeleteMany(ctx, db, pTagModel, &orm.DeleteArgs{}))
			}),
			orm.Step(func(ctx context.Context, db orm.DB) (*pBook, error) {
				return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "Z", "pages": 1, "price": "1", "authorId": 99}})
			}),
		}, nil)
	},
	"raw_query_typed_params": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT ?::bigint AS b, ?::numeric AS d, ?::timestamp AS t, ?::bytea AS y, ?::text AS s, ?::int AS i`,
			int64(9007199254740993), decimal.RequireFromString("1.25"), time.Date(2020, 1, 2, 3, 4, 5, 678e6, time.UTC), []byte{1, 2}, "hé", 7))
	},
	"raw_query_table_types": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT id, price, genre FROM "Book" WHERE "authorId" = ? ORDER BY id`, 3))
	},
	"raw_query_enum_lists": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT n.kind, i.labels, i.nums, i.data FROM nodes n JOIN "Item" i ON i.id = n.id WHERE n.id <= 3 ORDER BY n.id`))
	},
	"raw_query_empty": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT id FROM "Book" WHERE false`))
	},
	"raw_query_agg_types": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT sum(big) AS s, avg(rank) AS a, max(born) AS m, count(*)::int AS c, sum(ratio) AS r FROM "Author"`))
	},
	"raw_execute_insert_many": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`INSERT INTO "Tag" (name) VALUES (?), (?), (?)`, "x", "y", "z"))
	},
	"raw_execute_delete_none": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`DELETE FROM "Tag" WHERE id = ?`, 99))
	},
	"err_raw_fk": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`DELETE FROM "Author" WHERE id = ?`, 1))
	},
	"err_raw_not_null": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`INSERT INTO "Tag" (name) VALUES (NULL)`))
	},
	"err_raw_too_long": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.ExecRaw(ctx, db, orm.SQL(`UPDATE "Author" SET code = ? WHERE id = 1`, "toolong"))
	},
	"err_nw_delete_author_restrict/after": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pBookModel, nil)
	},
	"err_ty_varchar_create_many/after": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pAuthorModel, nil)
	},
	"tx_batch_fk_rollback/after": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.Count(ctx, db, pTagModel, nil)
	},
	"err_raw_bad_type": func(ctx context.Context, db orm.DB) (any, error) {
		return orm.QueryRaw[map[string]any](ctx, db, orm.SQL(`SELECT ?::int AS i`, "abc"))
	},
})

// updAuthor2 sets one field of author 2 and selects it back.
func updAuthor2(ctx context.Context, db orm.DB, field string, v any) (any, error) {
	return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{field: v}, Select: sel(field)})
}
