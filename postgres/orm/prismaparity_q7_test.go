package orm_test

import (
	"context"
	"encoding/json"

	"github.com/polystore/polystore/postgres/orm"
)

// The Go forms of the q7w_* write cases of cases.json: unique, foreign
// key and validation errors of writes, nested writes in updates and
// creates, many-to-many links set twice or already there, and a batch
// transaction that counts per field.
func init() {
	tagIDs := &orm.FindArgs{Select: sel("id"), OrderBy: []orm.Order{orm.Asc("id")}}
	updTags := func(n *orm.Nested) parityOp {
		return func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"tags": n},
				Select: sel(), Include: []orm.Include{{Relation: "tags", Args: tagIDs}}})
		}
	}
	ops := map[string]parityOp{
		"q7w_err_unique_explicit_id": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"id": 1, "name": "x"}})
		},
		"q7w_err_fk_create_many": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.CreateMany(ctx, db, pBookModel, &orm.CreateManyArgs{Data: []orm.Data{{"title": "N", "pages": 1, "price": "1", "authorId": 99}}}))
		},
		"q7w_err_unique_upsert_create_branch": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pTag](ctx, db, pTagModel, &orm.UpsertArgs{Where: orm.Where{orm.Eq("name", "nope")}, Create: orm.Data{"name": "red"}, Update: orm.Data{}})
		},
		"q7w_err_unique_upsert_update_branch": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Upsert[pAuthor](ctx, db, pAuthorModel, &orm.UpsertArgs{Where: id(2), Create: orm.Data{"email": "q@x.io"}, Update: orm.Data{"email": "ada@x.io"}})
		},
		"q7w_m2m_set_dup":                  updTags(&orm.Nested{Set: []orm.Where{id(2), id(2)}}),
		"q7w_m2m_connect_already":          updTags(&orm.Nested{Connect: []orm.Where{id(1)}}),
		"q7w_m2m_disconnect_not_connected": updTags(&orm.Nested{Disconnect: []orm.Where{id(3)}}),
		"q7w_update_unique_same": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"email": "ada@x.io"}, Select: sel("email")})
		},
		"q7w_create_json_array": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{Data: orm.Data{"email": "j@x.io", "meta": json.RawMessage(`[1, "a", null, {"x": true}]`)}, Select: sel("meta")})
		},
		"q7w_update_many_and_return_none": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.UpdateManyAndReturn[pTag](ctx, db, pTagModel, &orm.UpdateArgs{Where: id(99), Data: orm.Data{"name": "zz"}})
		},
		"q7w_create_many_return_skip_all": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.CreateManyAndReturn[pTag](ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "red"}}, SkipDuplicates: true})
		},
		"q7w_delete_many_rel_filter": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.DeleteMany(ctx, db, pBookModel, &orm.DeleteArgs{Where: orm.Where{orm.IsRel("author", orm.Eq("name", "Cy"))}}))
		},
		"q7w_decimal_decrement_negative": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"price": orm.Decrement(10)}, Select: sel("price")})
		},
		"q7w_nested_update_to_one_owner": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1),
				Data:   orm.Data{"author": &orm.Nested{Update: []orm.NestedUpdate{{Data: orm.Data{"rank": orm.Increment(1)}}}}},
				Select: sel("id"), Include: []orm.Include{{Relation: "author", Args: &orm.FindArgs{Select: sel("rank")}}}})
		},
		"q7w_float_multiply_null": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2), Data: orm.Data{"ratio": orm.Multiply(2)}, Select: sel("ratio")})
		},
		"q7w_tx_batch_count_select": func(ctx context.Context, db orm.DB) (any, error) {
			return db.(*orm.Client).Batch(ctx, []orm.BatchOp{
				orm.Step(func(ctx context.Context, db orm.DB) (*pTag, error) {
					return orm.Create[pTag](ctx, db, pTagModel, &orm.CreateArgs{Data: orm.Data{"name": "pink"}})
				}),
				orm.Step(func(ctx context.Context, db orm.DB) (map[string]int64, error) {
					return orm.CountSelect(ctx, db, pTagModel, &orm.CountArgs{Select: sel("_all", "name")})
				}),
			}, nil)
		},
		"q7w_nested_create_many_in_update_books": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2),
				Data:   orm.Data{"books": &orm.Nested{CreateMany: []orm.Data{{"title": "B1", "pages": 1, "price": "1.5"}, {"title": "B2", "pages": 2, "price": "2"}}}},
				Select: sel(), Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: sel("title", "price"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
		},
		"q7w_err_nested_create_many_dup_in_update": func(ctx context.Context, db orm.DB) (any, error) {
			return updBooks(ctx, db, &orm.Nested{CreateMany: []orm.Data{{"title": "Alpha", "pages": 1, "price": "1"}}})
		},
		"q7w_nested_update_many_books_data_where": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(3),
				Data:   orm.Data{"books": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Where: orm.Where{orm.Lt("pages", 100)}, Data: orm.Data{"genre": "short"}}}}},
				Select: sel(), Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: sel("id", "genre"), OrderBy: []orm.Order{orm.Asc("id")}}}}})
		},
		"q7w_nested_delete_many_empty_where": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(4),
				Data:   orm.Data{"books": &orm.Nested{DeleteMany: []orm.Where{{}}}},
				Select: sel(), Count: []orm.CountOf{{Relation: "books"}}})
		},
		"q7w_nested_upsert_books_create": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pAuthor](ctx, db, pAuthorModel, &orm.UpdateArgs{Where: id(2),
				Data: orm.Data{"books": &orm.Nested{Upsert: []orm.NestedUpsert{{Where: id(1),
					Create: orm.Data{"title": "U", "pages": 3, "price": "3"}, Update: orm.Data{"pages": 4}}}}},
				Select: sel(), Include: []orm.Include{{Relation: "books", Args: &orm.FindArgs{Select: sel("title", "pages")}}}})
		},
		"q7w_connect_or_create_in_create_existing": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pAuthor](ctx, db, pAuthorModel, &orm.CreateArgs{
				Data: orm.Data{"email": "c@x.io", "tags": &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{
					{Where: orm.Where{orm.Eq("name", "red")}, Create: orm.Data{"name": "red"}}}}},
				Select: sel(), Include: []orm.Include{{Relation: "tags", Args: &orm.FindArgs{Select: sel("id", "name")}}}})
		},
		"q7w_err_create_required_relation_missing": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Create[pBook](ctx, db, pBookModel, &orm.CreateArgs{Data: orm.Data{"title": "T", "pages": 1, "price": "1"}})
		},
		"q7w_err_update_required_fk_null": func(ctx context.Context, db orm.DB) (any, error) {
			return orm.Update[pBook](ctx, db, pBookModel, &orm.UpdateArgs{Where: id(1), Data: orm.Data{"authorId": nil}})
		},
		"q7w_err_unique_create_many_in_batch": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.CreateMany(ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "new"}, {"name": "new"}}}))
		},
		"q7w_create_many_skip_dup_in_batch": func(ctx context.Context, db orm.DB) (any, error) {
			return countResult(orm.CreateMany(ctx, db, pTagModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "new"}, {"name": "new"}}, SkipDuplicates: true}))
		},
	}
	for k, v := range ops {
		parityOps[k] = v
	}
}
