package orm_test

import (
	"context"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/shopspring/decimal"
)

// The Go forms of the fx_w_* write cases of cases.json: createMany with
// skipDuplicates against the key, within the batch and with nothing to
// write, updateMany and deleteMany through relation filters, upserts and
// nested writes on a compound id (upsert of a child of another parent,
// set [], createMany with skipDuplicates), nested writes on an absent
// optional to-one, a second create on a one-to-one, P2014 on a required
// relation, values at the edges of BigInt, Decimal(10,2), Bytes and the
// DateTime native types, and unique wheres with a relation filter beside.
func init() {
	kitsByID := orm.Include{Relation: "kits", Args: &orm.FindArgs{Select: sel("id", "variant"), OrderBy: []orm.Order{orm.Asc("id")}}}
	createAuthor := func(data orm.Data, fields ...string) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			data["email"] = "n@x.io"
			return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: data, Select: fields})
		}
	}
	updShelf := func(area string, slot int, data orm.Data, inc ...orm.Include) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pShelf](ctx, db, pShelfModel, &orm.UpdateArgs{Where: shelfAt(area, slot), Data: data, Include: inc})
		}
	}
	updKit3 := func(n orm.Nested, s []string, inc ...orm.Include) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pKit](ctx, db, pKitModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"shelf": &n}, Select: s, Include: inc})
		}
	}
	tagsMany := func(skip bool, rows ...orm.Data) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.CreateMany(ctx, db, pTagModel, &orm.CreateManyArgs{Data: rows, SkipDuplicates: skip}))
		}
	}
	ops := map[string]parityOp{
		"fx_w_create_many_skip_pk":     tagsMany(true, orm.Data{"id": 1, "name": "x"}, orm.Data{"name": "red"}, orm.Data{"name": "new"}),
		"fx_w_create_many_skip_within": tagsMany(true, orm.Data{"name": "n"}, orm.Data{"name": "n"}),
		"fx_w_create_many_dup_within":  tagsMany(false, orm.Data{"name": "n"}, orm.Data{"name": "n"}),
		"fx_w_create_many_empty":       tagsMany(false),
		"fx_w_update_many_rel": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.UpdateMany(ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.IsRel("author", orm.Eq("name", "Ada"))}, Data: orm.Data{"genre": "x"}}))
		},
		"fx_w_delete_many_none": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.DeleteMany(ctx, db, pTeamModel, &orm.DeleteArgs{Where: orm.Where{orm.NoneOf("members")}}))
		},
		"fx_w_update_many_m2m": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.UpdateMany(ctx, db, pAuthorModel, &orm.UpdateArgs{Where: orm.Where{orm.SomeOf("tags", orm.Eq("name", "green"))}, Data: orm.Data{"rank": orm.Increment(1)}}))
		},
		"fx_w_delete_many_m2m": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.DeleteMany(ctx, db, pTagModel, &orm.DeleteArgs{Where: orm.Where{orm.SomeOf("authors", orm.Eq("name", "Cy"))}}))
		},
		"fx_w_upsert_shelf_update": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pShelf](ctx, db, pShelfModel, &orm.UpsertArgs{Where: shelfAt("A", 2), Create: orm.Data{"area": "A", "slot": 2}, Update: orm.Data{"label": "x"}})
		},
		"fx_w_upsert_shelf_create_kits": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pShelf](ctx, db, pShelfModel, &orm.UpsertArgs{Where: shelfAt("C", 1),
				Create: orm.Data{"area": "C", "slot": 1, "kits": &orm.Nested{Create: []orm.Data{{"code": "c1"}}}}, Update: orm.Data{},
				Include: []orm.Include{{Relation: "kits", Args: &orm.FindArgs{Select: sel("code")}}}})
		},
		"fx_w_nested_kits_upsert_other": updShelf("A", 1, orm.Data{"kits": &orm.Nested{Upsert: []orm.NestedUpsert{{Where: id(3),
			Create: orm.Data{"code": "k", "variant": "v2"}, Update: orm.Data{"variant": "u"}}}}}, kitsByID),
		"fx_w_nested_kits_upsert_own": updShelf("A", 1, orm.Data{"kits": &orm.Nested{Upsert: []orm.NestedUpsert{{Where: id(2),
			Create: orm.Data{"code": "k", "variant": "v2"}, Update: orm.Data{"variant": "u"}}}}}, kitsByID),
		"fx_w_nested_update_many_members": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pTeam](ctx, db, pTeamModel, &orm.UpdateArgs{Where: id(1),
				Data:    orm.Data{"members": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: orm.Where{orm.StartsWith("name", "m")}, Data: orm.Data{"name": "z"}}}}},
				Include: []orm.Include{{Relation: "members", Args: &orm.FindArgs{Select: sel("id", "name"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
		},
		"fx_w_nested_delete_many_all": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pTeam](ctx, db, pTeamModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"badges": &orm.Nested{DeleteMany: []orm.Where{{}}}}})
		},
		"fx_w_nested_cor_m2m": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2),
				Data: orm.Data{"tags": &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{
					{Where: orm.Where{orm.Eq("name", "red")}, Create: orm.Data{"name": "red"}},
					{Where: orm.Where{orm.Eq("name", "pink")}, Create: orm.Data{"name": "pink"}}}}},
				Select: sel(), Include: []orm.Include{{Relation: "tags", Args: &orm.FindArgs{Select: sel("name"), OrderBy: []orm.Order{orm.Asc("name")}}}}})
		},
		"fx_w_nested_set_empty_kits": updShelf("A", 1, orm.Data{"kits": &orm.Nested{SetNone: true}}),
		"fx_w_err_disconnect_members": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pTeam](ctx, db, pTeamModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"members": &orm.Nested{Disconnect: []orm.Where{id(1)}}}})
		},
		"fx_w_shelf_pk_change": updShelf("A", 1, orm.Data{"slot": 5}),
		"fx_w_err_unknown_data": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"nope": 1}})
		},
		"fx_w_err_wrong_type_data": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": 5}})
		},
		"fx_w_err_profile_create_existing": func(ctx context.Context, db orm.DB) (any, error) {
			return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{Create: []orm.Data{{"bio": "x"}}}}, nil)
		},
		"fx_w_profile_create_none": func(ctx context.Context, db orm.DB) (any, error) {
			return updUser(ctx, db, 3, orm.Data{"profile": &orm.Nested{Create: []orm.Data{{"bio": "x"}}}}, nil, orm.Inc("profile"))
		},
		"fx_w_cmar_skip_partial": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.CreateManyAndReturn[pTag](ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "red"}, {"name": "new"}}, SkipDuplicates: true, Select: sel("name")})
		},
		"fx_w_umar_rel_filter": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.IsRel("author", orm.Eq("rank", 1)), orm.Gt("pages", 100)},
				Data: orm.Data{"pages": orm.Increment(1)}, Select: sel("id", "pages")})
		},
		"fx_w_bigint_min":         createAuthor(orm.Data{"big": int64(-9223372036854775808)}, "big"),
		"fx_w_decimal_round":      createAuthor(orm.Data{"score": decimal.RequireFromString("0.005")}, "score"),
		"fx_w_decimal_overflow":   createAuthor(orm.Data{"score": decimal.RequireFromString("123456789.5")}, "score"),
		"fx_w_bytes_empty":        createAuthor(orm.Data{"blob": []byte{}}, "blob"),
		"fx_w_datetime_offset_ms": createAuthor(orm.Data{"born": "2020-02-29T23:59:59.999+05:30"}, "born"),
		"fx_w_member_date_time": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pMember](ctx, db, pMemberModel, &orm.CreateArgs{Data: orm.Data{"name": "n", "teamId": 1,
				"day": "2020-02-29T23:59:59Z", "at": "2020-01-01T13:14:15.5Z", "stamp": "2020-01-01T13:14:15.123456Z"}, Select: sel("day", "at", "stamp")})
		},
		"fx_w_update_many_bytes_filter": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.UpdateMany(ctx, db, pAuthorModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("blob", []byte{})}, Data: orm.Data{"rank": 7}}))
		},
		"fx_w_delete_rel_filter_unique": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Delete[pBook](ctx, db, pBookModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", 1), orm.IsRel("author", orm.Eq("name", "Bob"))}})
		},
		"fx_w_update_rel_filter_unique": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1), orm.IsRel("author", orm.Eq("name", "Ada"))},
				Data: orm.Data{"pages": 1}, Select: sel("pages")})
		},
		"fx_w_upsert_rel_filter_miss": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pBook](ctx, db, pBookModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("id", 1), orm.IsRel("author", orm.Eq("name", "Bob"))},
				Create: orm.Data{"title": "Z", "pages": 1, "price": "1", "authorId": 2}, Update: orm.Data{"pages": 2}, Select: sel("id", "pages")})
		},
		"fx_w_nested_kits_create_many_skip": updShelf("B", 1, orm.Data{"kits": &orm.Nested{CreateMany: []orm.Data{{"code": "k", "variant": "v1"}, {"code": "z"}}, SkipDuplicates: true}},
			orm.Include{Relation: "kits", Args: &orm.FindArgs{Select: sel("id", "code"), OrderBy: []orm.Order{orm.Asc("id")}}}),
		"fx_w_nested_member_team_connect_or_create": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pMember](ctx, db, pMemberModel, &orm.CreateArgs{Data: orm.Data{"name": "n", "team": &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{
				{Where: orm.Where{orm.Eq("name", "green")}, Create: orm.Data{"name": "green"}}}}},
				Select: sel(), Include: []orm.Include{{Relation: "team", Args: &orm.FindArgs{Select: sel("name")}}}})
		},
		"fx_w_nested_update_to_one_optional_null": updKit3(orm.Nested{Update: []orm.NestedUpdate{{Data: orm.Data{"label": "x"}}}}, nil),
		"fx_w_nested_upsert_to_one_optional": updKit3(orm.Nested{Upsert: []orm.NestedUpsert{{Create: orm.Data{"area": "Z", "slot": 9}, Update: orm.Data{"label": "x"}}}},
			nil, orm.Inc("shelf")),
		"fx_w_nested_delete_to_one_optional_null":     updKit3(orm.Nested{Delete: []orm.Where{nil}}, nil),
		"fx_w_nested_disconnect_to_one_optional_null": updKit3(orm.Nested{Disconnect: []orm.Where{nil}}, sel("id", "shelfArea")),
		"fx_w_err_wrong_type_update": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"email": 5}})
		},
		"fx_w_err_wrong_type_update_nullable": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"name": true}})
		},
		"fx_w_err_wrong_type_create_nullable": createAuthor(orm.Data{"name": 5}),
		"fx_w_err_wrong_type_bool": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pNode](ctx, db, pNodeModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"done": "yes"}})
		},
		"fx_w_err_wrong_type_create_many": tagsMany(false, orm.Data{"name": "a"}, orm.Data{"name": 7}),
		"fx_w_err_wrong_type_update_many": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.UpdateMany(ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"rank": "x"}}))
		},
		"fx_w_err_unknown_data_create": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "a", "colour": "red"}})
		},
		"fx_w_err_unknown_data_upsert": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pTag](ctx, db, pTagModel, &orm.UpsertArgs{Where: id(1), Create: orm.Data{"name": "a"}, Update: orm.Data{"nam": "b"}})
		},
		"fx_w_err_unknown_nested_create": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1),
				Data: orm.Data{"books": &orm.Nested{Create: []orm.Data{{"title": "T", "pages": 1, "price": "1", "pagez": 2}}}}})
		},
		"fx_w_err_type_decimal_bool": createAuthor(orm.Data{"score": true}),
		"fx_w_err_type_datetime_int": createAuthor(orm.Data{"born": 5}),
		"fx_w_err_type_bigint_bool": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"big": true}})
		},
		"fx_w_err_type_bytes_int": createAuthor(orm.Data{"blob": 5}),
		"fx_w_err_type_float_string": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"ratio": "x"}})
		},
		"fx_w_err_type_int_bool_required": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"pages": false}})
		},
		"fx_w_err_unknown_create_many": tagsMany(false, orm.Data{"name": "a", "colour": "x"}),
		"fx_w_err_unknown_nested_update": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1),
				Data: orm.Data{"books": &orm.Nested{Update: []orm.NestedUpdate{{Where: id(1), Data: orm.Data{"titel": "x"}}}}}})
		},
		"fx_w_nested_update_missing": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1),
				Data: orm.Data{"books": &orm.Nested{Update: []orm.NestedUpdate{{Where: id(3), Data: orm.Data{"pages": 1}}}}}})
		},
		"fx_w_nested_delete_missing": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"books": &orm.Nested{Delete: []orm.Where{id(3)}}}})
		},
		"fx_w_nested_disconnect_m2m_filter": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1),
				Data:   orm.Data{"tags": &orm.Nested{Disconnect: []orm.Where{{orm.Eq("id", 1), orm.Eq("name", "blue")}}}},
				Select: sel(), Include: []orm.Include{{Relation: "tags", Args: &orm.FindArgs{Select: sel("id"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
		},
		"fx_w_nested_upsert_owner_create": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1),
				Data:   orm.Data{"author": &orm.Nested{Upsert: []orm.NestedUpsert{{Create: orm.Data{"email": "z@x.io"}, Update: orm.Data{"name": "Zed"}}}}},
				Select: sel(), Include: []orm.Include{{Relation: "author", Args: &orm.FindArgs{Select: sel("id", "name")}}}})
		},
		"fx_w_kit_shelf_cor_compound": updKit3(orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{Where: shelfAt("A", 2), Create: orm.Data{"area": "A", "slot": 2}}}},
			sel("shelfArea", "shelfSlot")),
		"fx_w_kit_shelf_cor_compound_new": updKit3(orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{Where: shelfAt("Q", 2), Create: orm.Data{"area": "Q", "slot": 2, "label": "q"}}}},
			nil, orm.Inc("shelf")),
		"fx_w_nested_tags_create_many_err": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": &orm.Nested{CreateMany: []orm.Data{{"name": "x"}}}}})
		},
		"fx_w_nested_delete_many_filter_rel": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(3), Data: orm.Data{"books": &orm.Nested{DeleteMany: []orm.Where{{orm.Eq("genre", "poem")}}}}})
		},
		"fx_w_nested_update_many_none_match": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pTeam](ctx, db, pTeamModel, &orm.UpdateArgs{Where: id(3),
				Data:  orm.Data{"members": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: orm.Where{}, Data: orm.Data{"name": "z"}}}}},
				Count: []orm.CountOf{{Relation: "members"}, {Relation: "badges"}, {Relation: "notes"}}})
		},
		"fx_w_upsert_create_nested_connect": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pBook](ctx, db, pBookModel, &orm.UpsertArgs{Where: id(99),
				Create: orm.Data{"title": "U", "pages": 1, "price": "1", "author": &orm.Nested{Connect: []orm.Where{{orm.Eq("email", "bob@x.io")}}}},
				Update: orm.Data{}, Select: sel("authorId")})
		},
		"fx_w_delete_include_count": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Delete[pAuthor](ctx, db, pAuthorModel, &orm.DeleteArgs{Where: id(2), Count: []orm.CountOf{{Relation: "books"}, {Relation: "tags"}}})
		},
		"fx_w_update_set_fk_and_relation": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"authorId": 2, "author": &orm.Nested{Connect: []orm.Where{id(3)}}}})
		},
		"fx_w_err_op_create_update":          createAuthor(orm.Data{"books": &orm.Nested{Update: []orm.NestedUpdate{{Where: id(1), Data: orm.Data{"pages": 1}}}}}),
		"fx_w_err_op_create_m2m_create_many": createAuthor(orm.Data{"tags": &orm.Nested{CreateMany: []orm.Data{{"name": "x"}}}}),
		"fx_w_err_op_to_one_create_many": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pKit](ctx, db, pKitModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"shelf": &orm.Nested{CreateMany: []orm.Data{{"area": "Z", "slot": 1}}}}})
		},
		"fx_w_err_op_to_one_set": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pKit](ctx, db, pKitModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"shelf": &orm.Nested{SetNone: true}}})
		},
		"fx_w_err_op_create_to_one_upsert": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "T", "pages": 1, "price": "1",
				"author": &orm.Nested{Upsert: []orm.NestedUpsert{{Create: orm.Data{"email": "a@b"}, Update: orm.Data{}}}}}})
		},
		"fx_w_err_op_inverse_one_update_many": func(ctx context.Context, db orm.DB) (any, error) {
			return updUser(ctx, db, 1, orm.Data{"profile": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: orm.Where{}, Data: orm.Data{"bio": "x"}}}}}, nil)
		},
		"fx_w_err_op_required_owner_delete_many": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"author": &orm.Nested{DeleteMany: []orm.Where{{}}}}})
		},
	}
	for name, op := range ops {
		parityOps[name] = op
	}
}
