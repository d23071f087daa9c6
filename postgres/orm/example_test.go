package orm_test

import (
	"fmt"

	"github.com/polystore/polystore/postgres/orm"
)

func ExampleSQL() {
	search := "john'; DROP TABLE users; --"
	q := orm.SQL("SELECT * FROM ? WHERE ? LIKE ? AND ? = ANY(?)",
		UserModel.TableSql(), UserModel.Col("name"), "%"+search+"%", orm.Ident("role"), []string{"ADMIN", "USER"})
	text, args, err := q.Build()
	fmt.Println(text)
	fmt.Println(len(args), err)
	// Output:
	// SELECT * FROM "users" WHERE "name" LIKE $1 AND "role" = ANY($2)
	// 2 <nil>
}

func ExampleSelect() {
	q := orm.Select("users.name", orm.As(orm.SQL("count(?)", orm.Ident("p", "id")), "posts")).
		From("users").
		LeftJoin(orm.As("Post", "p"), orm.On("p.authorId", "users.id")).
		WhereOp("users.role", "=", "ADMIN").
		GroupBy("users.id").
		Having(orm.SQL("count(?) > ?", orm.Ident("p", "id"), 5))
	text, args, _ := q.Sql().Build()
	fmt.Println(text)
	fmt.Println(args)
	// Output:
	// SELECT "users"."name", count("p"."id") AS "posts" FROM "users" LEFT JOIN "Post" AS "p" ON "p"."authorId" = "users"."id" WHERE ("users"."role" = $1) GROUP BY "users"."id" HAVING (count("p"."id") > $2)
	// [ADMIN 5]
}

func ExampleParseWhere() {
	_, err := orm.ParseWhere(UserModel, []byte(`{"email": {"contains": "x"}, "password": "hunter2"}`))
	fmt.Println(err)
	fmt.Println(orm.IsValidation(err))
	// Output:
	// orm: invalid query on User: where.password: Unknown argument `password`. Available options are marked with ?.
	// true
}

func ExampleColumn() {
	views := orm.Column[int]{Name: "views"}
	title := orm.Text("title")
	tags := orm.ListColumn[string]{Name: "tags"}
	args := &orm.FindArgs{
		Where:   orm.Where{views.Gte(10), orm.Fold(title.Contains("go")), tags.Has("sql")},
		OrderBy: []orm.Order{views.Desc()},
	}
	fmt.Println(len(args.Where), args.OrderBy[0].Field, args.OrderBy[0].Desc)
	// Output: 3 views true
}

func ExampleRef() {
	// Books with more pages than their price, and the same in Prisma's
	// JSON (prisma.book.fields.price): the column is in the SQL, no value.
	w := orm.Where{orm.Gt("pages", orm.Ref("price"))}
	_, err := orm.ParseWhere(pBookModel, []byte(`{"pages": {"gt": {"$type": "FieldRef", "value": {"_ref": "price", "_container": "Book"}}}}`))
	fmt.Println(len(w), err)
	// Output: 1 <nil>
}

func ExampleParseGroupByArgs() {
	// Prisma's groupBy arguments, as an HTTP handler may receive them.
	a, err := orm.ParseGroupByArgs(pBookModel, []byte(`{
		"by": ["genre"],
		"having": {"OR": [{"genre": "poem"}, {"pages": {"_sum": {"gt": 300}}}]},
		"orderBy": {"_count": {"genre": "desc"}},
		"_count": {"_all": true}, "_sum": {"pages": true}
	}`))
	fmt.Println(a.By, a.Count, a.Sum, len(a.Having[0].Or), a.OrderBy[0].Agg, err)
	_, err = orm.ParseGroupByArgs(pBookModel, []byte(`{"by": ["genre"], "cursor": {"id": 3}}`))
	fmt.Println(err)
	// Output:
	// [genre] true [pages] 2 _count <nil>
	// orm: invalid query on Book: cursor: Unknown argument `cursor`. Available options are marked with ?.
}
