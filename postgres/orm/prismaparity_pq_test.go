package orm_test

import (
	"context"

	"github.com/polystore/polystore/postgres/orm"
)

// The Go forms of the pq_w_* write cases of cases.json: connectOrCreate
// of a required owner, set and disconnect on required and optional
// relations, upserts whose where has a non-unique filter or whose create
// nests, createManyAndReturn and updateManyAndReturn with omit and nested
// selections, and values Prisma coerces (a Decimal with an exponent, a
// BigInt or Bytes given as a string, a DateTime with an offset, an Int
// given a fraction) or refuses in its words.
func init() {
	sub := func(fields ...string) *orm.FindArgs { return &orm.FindArgs{Select: fields} }
	subByID := func(fields ...string) *orm.FindArgs {
		return &orm.FindArgs{Select: fields, OrderBy: []orm.Order{orm.Asc("id")}}
	}
	createAuthor := func(data orm.Data, fields ...string) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			data["email"] = "e@x.io"
			return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: data, Select: fields})
		}
	}
	updAuthor := func(data orm.Data, fields ...string) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: data, Select: fields})
		}
	}
	book := orm.Data{"title": "N", "pages": 1, "price": "1"}
	withAuthor := func(n orm.Nested) orm.Data {
		d := orm.Data{"author": &n}
		for k, v := range book {
			d[k] = v
		}
		return d
	}
	ops := map[string]parityOp{
		"pq_w_cor_owner_existing": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: withAuthor(orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{
				Where: orm.Where{orm.Eq("email", "bob@x.io")}, Create: orm.Data{"email": "bob@x.io"}}}}), Select: sel("id", "authorId")})
		},
		"pq_w_cor_owner_new": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: withAuthor(orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{{
				Where: orm.Where{orm.Eq("email", "new@x.io")}, Create: orm.Data{"email": "new@x.io", "name": "New"}}}}),
				Select: sel("id"), Include: []orm.Include{{Relation: "author", Args: sub("email", "name")}}})
		},
		"pq_w_books_set_required":        updAuthor(orm.Data{"books": &orm.Nested{Set: []orm.Where{id(3)}}}),
		"pq_w_books_disconnect_required": updAuthor(orm.Data{"books": &orm.Nested{Disconnect: []orm.Where{id(1)}}}),
		"pq_w_profile_user_disconnect": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pProfile](ctx, db, pProfileModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"user": &orm.Nested{Disconnect: []orm.Where{nil}}}})
		},
		"pq_w_profile_user_delete": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pProfile](ctx, db, pProfileModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"user": &orm.Nested{Delete: []orm.Where{nil}}}})
		},
		"pq_w_tags_set_dup": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"tags": &orm.Nested{Set: []orm.Where{id(1), id(1)}}},
				Select: sel("id"), Include: []orm.Include{{Relation: "tags", Args: subByID("id")}}})
		},
		"pq_w_tags_disconnect_absent": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"tags": &orm.Nested{Disconnect: []orm.Where{id(1)}}},
				Select: sel("id"), Include: []orm.Include{{Relation: "tags", Args: sub("id")}}})
		},
		"pq_w_tags_set_missing": updAuthor(orm.Data{"tags": &orm.Nested{Set: []orm.Where{id(99)}}}),
		"pq_w_badges_set": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pTeam](ctx, db, pTeamModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"badges": &orm.Nested{Set: []orm.Where{id(3)}}},
				Select: sel("id"), Include: []orm.Include{{Relation: "badges", Args: subByID("id")}}})
		},
		"pq_w_badges_disconnect_other_team": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pTeam](ctx, db, pTeamModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"badges": &orm.Nested{Disconnect: []orm.Where{id(1)}}}, Select: sel("id")})
		},
		"pq_w_upsert_where_extra_miss": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("id", 1), orm.Eq("name", "Zed")},
				Create: orm.Data{"email": "zed@x.io"}, Update: orm.Data{"rank": 9}, Select: sel("id", "email", "rank")})
		},
		"pq_w_upsert_where_extra_hit": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("id", 1), orm.Eq("name", "Ada")},
				Create: orm.Data{"email": "zed@x.io"}, Update: orm.Data{"rank": 9}, Select: sel("id", "email", "rank")})
		},
		"pq_w_upsert_nested_create_children": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pNode](ctx, db, pNodeModel, &orm.UpsertArgs{Where: id(99),
				Create: orm.Data{"label": "x", "children": &orm.Nested{Create: []orm.Data{{"label": "c1"}, {"label": "c2"}}}}, Update: orm.Data{},
				Include: []orm.Include{{Relation: "children", Args: &orm.FindArgs{Select: sel("label"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
		},
		"pq_w_upsert_nested_connect_update": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pNode](ctx, db, pNodeModel, &orm.UpsertArgs{Where: id(5), Create: orm.Data{"label": "x"},
				Update: orm.Data{"children": &orm.Nested{Connect: []orm.Where{id(3)}}},
				Select: sel("id"), Include: []orm.Include{{Relation: "children", Args: subByID("id")}}})
		},
		"pq_w_upsert_empty_update": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: id(2), Create: orm.Data{"email": "q@x.io"}, Update: orm.Data{}, Select: sel("id", "email")})
		},
		"pq_w_cmar_omit": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.CreateManyAndReturn[pBook](ctx, db, pBookModel, &orm.CreateManyArgs{
				Data: []orm.Data{{"title": "N", "pages": 1, "price": "2.5", "authorId": 2}}, Omit: orm.Omit{"price": true, "genre": true}})
		},
		"pq_w_cmar_select_nested": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.CreateManyAndReturn[pBook](ctx, db, pBookModel, &orm.CreateManyArgs{
				Data:   []orm.Data{{"title": "N", "pages": 1, "price": "2.5", "authorId": 3}},
				Select: sel("id"), Include: []orm.Include{{Relation: "author", Args: sub("name")}}})
		},
		"pq_w_cmar_empty": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.CreateManyAndReturn[pTag](ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{}})
		},
		"pq_w_umar_omit_include": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: orm.Where{orm.In("id", []int{1, 3})},
				Data: orm.Data{"genre": "x"}, Omit: orm.Omit{"price": true}, Include: []orm.Include{{Relation: "author", Args: sub("email")}}})
		},
		"pq_w_umar_omit_select": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.UpdateManyAndReturn[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1),
				Data: orm.Data{"genre": "x"}, Omit: orm.Omit{"price": true}, Select: sel("id")})
		},
		"pq_w_create_decimal_exp":     createAuthor(orm.Data{"score": "1.5e1"}, "score"),
		"pq_w_create_bigint_string":   createAuthor(orm.Data{"big": "123"}, "big"),
		"pq_w_create_bytes_string":    createAuthor(orm.Data{"blob": "AQL/"}, "blob"),
		"pq_w_create_dt_date_only":    createAuthor(orm.Data{"born": "2001-01-01"}, "born"),
		"pq_w_create_dt_offset":       createAuthor(orm.Data{"born": "2001-01-01T10:00:00+02:00"}, "born"),
		"pq_w_create_int_float":       createAuthor(orm.Data{"rank": 3.7}, "rank"),
		"pq_w_create_bytes_bad":       createAuthor(orm.Data{"blob": "!!"}),
		"pq_w_update_decimal_bad":     updAuthor(orm.Data{"score": "x"}),
		"pq_w_update_multiply_exp":    updAuthor(orm.Data{"score": orm.Multiply("1e1")}, "score"),
		"pq_w_update_dt_out_of_range": updAuthor(orm.Data{"born": "2001-02-30T00:00:00Z"}),
	}
	updWord := func(word int, data orm.Data, fields ...string) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pWord](ctx, db, pWordModel, &orm.UpdateArgs{Where: id(word), Data: data, Select: fields})
		}
	}
	words := map[string]parityOp{
		"pq_w_word_push_list":       updWord(4, orm.Data{"alts": orm.Push([]string{"a", "b"})}, "alts"),
		"pq_w_word_push_one":        updWord(1, orm.Data{"alts": orm.Push("z")}, "alts"),
		"pq_w_word_set_list_null":   updWord(1, orm.Data{"alts": nil}, "alts"),
		"pq_w_word_set_empty":       updWord(1, orm.Data{"alts": orm.Set([]string{})}, "alts"),
		"pq_w_word_json_dbnull":     updWord(1, orm.Data{"doc": orm.DbNull, "spec": orm.JsonNull}, "doc", "spec"),
		"pq_w_word_json_anynull":    updWord(1, orm.Data{"doc": orm.AnyNull}),
		"pq_w_word_json_null_plain": updWord(1, orm.Data{"doc": nil}),
		"pq_w_word_push_null":       updWord(1, orm.Data{"alts": orm.Push(nil)}),
		"pq_w_word_create_defaults": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pWord](ctx, db, pWordModel, &orm.CreateArgs{Data: orm.Data{"text": "new"}})
		},
		"pq_w_word_create_many_lists": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.CreateManyAndReturn[pWord](ctx, db, pWordModel, &orm.CreateManyArgs{
				Data:   []orm.Data{{"text": "a", "alts": []string{"x"}}, {"text": "b", "doc": map[string]any{"k": []int{1}}}},
				Select: sel("text", "alts", "doc", "spec")})
		},
		"pq_w_word_update_many_push": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.UpdateMany(ctx, db, pWordModel, &orm.UpdateArgs{Where: orm.Where{orm.IsEmpty("alts", true)},
				Data: orm.Data{"alts": orm.Push("e")}}))
		},
		"pq_w_word_umar_json": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.UpdateManyAndReturn[pWord](ctx, db, pWordModel, &orm.UpdateArgs{
				Where: orm.Where{orm.JSONPath("doc", "a").Equals(orm.Ref("spec"))}, Data: orm.Data{"text": "matched"}, Select: sel("id", "text")})
		},
		"pq_w_word_delete_many_ref": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.DeleteMany(ctx, db, pWordModel, &orm.DeleteArgs{Where: orm.Where{orm.Fold(orm.In("text", orm.Ref("alts")))}}))
		},
		"pq_w_word_upsert_push": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pWord](ctx, db, pWordModel, &orm.UpsertArgs{Where: id(5), Create: orm.Data{"text": "c"},
				Update: orm.Data{"alts": orm.Push([]string{"w"}), "spec": []any{1, map[string]any{"a": nil}}}, Select: sel("alts", "spec")})
		},
	}
	for k, v := range words {
		ops[k] = v
	}
	for k, v := range ops {
		parityOps[k] = v
	}
	parityOpen["pq_w_word_json_null_plain"] = "Prisma 7 writes a plain null given to a Json? field as the JSON value null (JsonNull); " +
		"polystore's nil is SQL NULL (DbNull), as the typed client's SetNull; write orm.JsonNull for Prisma's answer"
	parityNotInGo["pq_w_cmar_include_count"] = "CreateManyArgs has no Count: the rows createManyAndReturn returns have no _count (Prisma refuses it)"
}
