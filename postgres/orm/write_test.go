package orm_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

func TestErrorsCarryPrismaCodes(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, _, _ := seed(t, e)

	_, err := orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "alice@example.com"}})
	require.True(t, orm.IsUniqueViolation(err))
	oe, ok := orm.AsError(err)
	require.True(t, ok)
	require.Equal(t, orm.CodeUniqueViolation, oe.Code)
	require.Equal(t, "23505", oe.SQLState)
	require.Equal(t, []string{"email"}, oe.Target)

	_, err = orm.Create[Post](ctx, e.c, PostModel, &orm.CreateArgs{Data: orm.Data{"title": "Hello", "authorId": alice.ID}})
	oe, _ = orm.AsError(err)
	require.Equal(t, []string{"title", "authorId"}, oe.Target, "compound unique maps to its fields")

	_, err = orm.Create[Post](ctx, e.c, PostModel, &orm.CreateArgs{Data: orm.Data{"title": "x", "authorId": 999}})
	require.True(t, orm.IsForeignKeyViolation(err))
	oe, _ = orm.AsError(err)
	require.Equal(t, orm.CodeForeignKeyViolation, oe.Code)
	require.Equal(t, []string{"authorId"}, oe.Target)

	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 999)}, Data: orm.Data{"name": "x"}})
	require.ErrorIs(t, err, orm.ErrNotFound)
	require.ErrorIs(t, err, pgx.ErrNoRows)
	require.ErrorIs(t, err, sql.ErrNoRows, "ErrNotFound matches database/sql's sentinel")

	_, err = orm.Delete[User](ctx, e.c, UserModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", 999)}})
	require.True(t, orm.IsNotFound(err))

	_, err = orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": nil}})
	require.ErrorIs(t, err, orm.ErrValidation)
	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("name", "Alice")}, Data: orm.Data{"name": "x"}})
	require.ErrorIs(t, err, orm.ErrValidation, "update needs a unique selector")
}

func TestUpdateAtomicAndConditional(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	acc, err := orm.Create[Account](ctx, e.c, AccountModel, &orm.CreateArgs{Data: orm.Data{"owner": "a", "balance": 100}})
	require.NoError(t, err)
	byID := orm.Eq("id", acc.ID)
	for _, tc := range []struct {
		op   *orm.Atomic
		want int64
	}{{orm.Increment(20), 120}, {orm.Decrement(30), 90}, {orm.Multiply(3), 270}, {orm.Divide(2), 135}, {orm.Set(7), 7}} {
		got, err := orm.Update[Account](ctx, e.c, AccountModel, &orm.UpdateArgs{Where: orm.Where{byID}, Data: orm.Data{"balance": tc.op}})
		require.NoError(t, err)
		require.Equal(t, tc.want, got.Balance)
	}
	// A non-unique condition in the where: a miss is P2025 and changes nothing.
	_, err = orm.Update[Account](ctx, e.c, AccountModel, &orm.UpdateArgs{
		Where: orm.Where{byID, orm.Gte("balance", 50)}, Data: orm.Data{"balance": orm.Decrement(50)}})
	require.True(t, orm.IsNotFound(err))
	got, err := orm.FindUniqueOrThrow[Account](ctx, e.c, AccountModel, &orm.FindArgs{Where: orm.Where{byID}})
	require.NoError(t, err)
	require.EqualValues(t, 7, got.Balance)
	_, err = orm.Update[Account](ctx, e.c, AccountModel, &orm.UpdateArgs{Where: orm.Where{byID}, Data: orm.Data{"owner": orm.Increment(1)}})
	require.ErrorIs(t, err, orm.ErrValidation)
}

func TestCreateManyUpsertDeleteCount(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	rows := make([]orm.Data, 1000)
	for i := range rows {
		rows[i] = orm.Data{"owner": "o" + itoa(i), "balance": int64(i)}
	}
	var n int64
	var err error
	stmts := e.count(func() { n, err = orm.CreateMany(ctx, e.c, AccountModel, &orm.CreateManyArgs{Data: rows}) })
	require.NoError(t, err)
	require.EqualValues(t, 1000, n)
	require.EqualValues(t, 1, stmts, "uniform rows go through one COPY")

	// Mixed field sets: multi-row INSERT with DEFAULT; duplicates skipped.
	_, err = orm.CreateMany(ctx, e.c, CategoryModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "a"}, {"name": "b"}}})
	require.NoError(t, err)
	n, err = orm.CreateMany(ctx, e.c, CategoryModel, &orm.CreateManyArgs{Data: []orm.Data{{"name": "a"}, {"name": "c"}}, SkipDuplicates: true})
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	total, err := orm.Count(ctx, e.c, AccountModel, &orm.CountArgs{Where: orm.Where{orm.Lt("balance", 10)}})
	require.NoError(t, err)
	require.EqualValues(t, 10, total)

	agg, err := orm.Aggregate(ctx, e.c, AccountModel, &orm.AggregateArgs{Count: true, Sum: []string{"balance"}, Avg: []string{"balance"},
		Min: []string{"balance"}, Max: []string{"balance", "owner"}})
	require.NoError(t, err)
	require.EqualValues(t, 1000, agg.Count)
	require.EqualValues(t, 999*1000/2, agg.Sum["balance"])
	require.InDelta(t, 499.5, agg.Avg["balance"], 1e-9)
	require.EqualValues(t, 0, agg.Min["balance"])
	require.EqualValues(t, 999, agg.Max["balance"])
	require.Equal(t, "o999", agg.Max["owner"])

	up, err := orm.Upsert[Category](ctx, e.c, CategoryModel, &orm.UpsertArgs{
		Where: orm.Where{orm.Eq("name", "a")}, Create: orm.Data{"name": "a"}, Update: orm.Data{"name": "a2"}})
	require.NoError(t, err)
	require.Equal(t, "a2", up.Name)
	up, err = orm.Upsert[Category](ctx, e.c, CategoryModel, &orm.UpsertArgs{
		Where: orm.Where{orm.Eq("name", "z")}, Create: orm.Data{"name": "z"}, Update: orm.Data{"name": "zz"}})
	require.NoError(t, err)
	require.Equal(t, "z", up.Name)

	del, err := orm.Delete[Category](ctx, e.c, CategoryModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("name", "z")}})
	require.NoError(t, err)
	require.Equal(t, "z", del.Name)
	n, err = orm.DeleteMany(ctx, e.c, AccountModel, &orm.DeleteArgs{Where: orm.Where{orm.Gte("balance", 500)}})
	require.NoError(t, err)
	require.EqualValues(t, 500, n)
	n, err = orm.UpdateMany(ctx, e.c, AccountModel, &orm.UpdateArgs{Where: orm.Where{orm.Lt("balance", 100)}, Data: orm.Data{"balance": orm.Increment(1000)}})
	require.NoError(t, err)
	require.EqualValues(t, 100, n)
}

func TestGroupByHaving(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, bob, _ := seed(t, e)
	groups, err := orm.GroupBy(ctx, e.c, PostModel, &orm.GroupByArgs{
		By: []string{"authorId"}, Count: true, Sum: []string{"views"}, Max: []string{"title"},
		Having:  []orm.HavingCond{{Agg: orm.AggSum, Field: "views", Op: orm.OpGte, Value: 5}},
		OrderBy: []orm.GroupOrder{{Agg: orm.AggSum, Field: "views", Desc: true}},
	})
	require.NoError(t, err)
	require.Len(t, groups, 2)
	require.EqualValues(t, alice.ID, groups[0].Key["authorId"])
	require.EqualValues(t, 3, groups[0].Count)
	require.EqualValues(t, 13, groups[0].Sum["views"])
	require.EqualValues(t, bob.ID, groups[1].Key["authorId"])
	groups, err = orm.GroupBy(ctx, e.c, PostModel, &orm.GroupByArgs{
		By: []string{"authorId"}, Count: true, Having: []orm.HavingCond{{Agg: orm.AggCount, Op: orm.OpGt, Value: 1}}})
	require.NoError(t, err)
	require.Len(t, groups, 1)
	_, err = orm.GroupBy(ctx, e.c, PostModel, &orm.GroupByArgs{By: []string{"authorId"}, Sum: []string{"title"}})
	require.ErrorIs(t, err, orm.ErrValidation)
}

func TestNestedWrites(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, bob, carol := seed(t, e)
	hello := alice.Posts[0]
	inc := []orm.Include{{Relation: "posts", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}}}}

	// connect moves bob's post to alice; update and delete act on alice's posts only.
	u, err := orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", alice.ID)},
		Data: orm.Data{
			"name": "Alice L.",
			"posts": &orm.Nested{
				Connect: []orm.Where{{orm.Eq("title", "Bob's post"), orm.Eq("authorId", bob.ID)}},
				Update:  []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", hello.ID)}, Data: orm.Data{"views": orm.Increment(1)}}},
				Delete:  []orm.Where{{orm.Eq("id", alice.Posts[1].ID)}},
			},
			"profile": &orm.Nested{Update: []orm.NestedUpdate{{Data: orm.Data{"bio": "Gopher"}}}},
		},
		Include: append(inc, orm.Inc("profile")),
	})
	require.NoError(t, err)
	require.Equal(t, "Alice L.", *u.Name)
	require.Len(t, u.Posts, 3)
	require.Equal(t, "Bob's post", u.Posts[0].Title, "bob's post was created first")
	require.Equal(t, "Hello", u.Posts[1].Title)
	require.Equal(t, 11, u.Posts[1].Views)
	require.Equal(t, "Second", u.Posts[2].Title)
	require.Equal(t, "Gopher", *u.Profile.Bio)

	// A nested update of a row that is not linked fails and rolls back everything.
	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", carol.ID)},
		Data: orm.Data{"name": "Carol", "posts": &orm.Nested{
			Update: []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", hello.ID)}, Data: orm.Data{"title": "stolen"}}}}},
	})
	require.True(t, orm.IsNotFound(err))
	c, err := orm.FindUniqueOrThrow[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", carol.ID)}})
	require.NoError(t, err)
	require.Nil(t, c.Name, "the failed nested write rolled back the parent update")

	// Many-to-many: set replaces the links, disconnect removes one.
	p, err := orm.Update[Post](ctx, e.c, PostModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", hello.ID)},
		Data: orm.Data{"categories": &orm.Nested{
			Set:    []orm.Where{{orm.Eq("name", "life")}, {orm.Eq("name", "go")}},
			Create: []orm.Data{{"name": "new"}},
		}},
		Include: []orm.Include{{Relation: "categories", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("name")}}}},
	})
	require.NoError(t, err)
	require.Equal(t, []string{"go", "life"}, names(p.Categories), "set runs after create and replaces all links")
	p, err = orm.Update[Post](ctx, e.c, PostModel, &orm.UpdateArgs{
		Where:   orm.Where{orm.Eq("id", hello.ID)},
		Data:    orm.Data{"categories": &orm.Nested{Disconnect: []orm.Where{{orm.Eq("name", "go")}}, Connect: []orm.Where{{orm.Eq("name", "new")}}}},
		Include: []orm.Include{{Relation: "categories", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("name")}}}},
	})
	require.NoError(t, err)
	require.Equal(t, []string{"life", "new"}, names(p.Categories))

	// Nested createMany and upsert (update when linked, else create).
	u, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", carol.ID)},
		Data: orm.Data{"posts": &orm.Nested{
			CreateMany: []orm.Data{{"title": "c1"}, {"title": "c2"}},
			Upsert: []orm.NestedUpsert{
				{Where: orm.Where{orm.Eq("title", "c1"), orm.Eq("authorId", carol.ID)}, Create: orm.Data{"title": "c1"}, Update: orm.Data{"views": 5}},
				{Where: orm.Where{orm.Eq("title", "c3"), orm.Eq("authorId", carol.ID)}, Create: orm.Data{"title": "c3"}, Update: orm.Data{"views": 5}},
			},
		}},
		Include: inc,
	})
	require.NoError(t, err)
	require.Len(t, u.Posts, 3)
	require.Equal(t, 5, u.Posts[0].Views, "c1 existed: updated")
	require.Equal(t, "c3", u.Posts[2].Title, "c3 did not: created")
	require.Zero(t, u.Posts[2].Views)

	// Owner side: change a comment's author by connect.
	cm, err := orm.FindFirstOrThrow[Comment](ctx, e.c, CommentModel, &orm.FindArgs{Where: orm.Where{orm.Eq("body", "spam")}})
	require.NoError(t, err)
	cm2, err := orm.Update[Comment](ctx, e.c, CommentModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", cm.ID)}, Data: orm.Data{"author": &orm.Nested{Connect: []orm.Where{{orm.Eq("email", "alice@example.com")}}}},
		Include: []orm.Include{orm.Inc("author")}})
	require.NoError(t, err)
	require.Equal(t, alice.ID, cm2.AuthorID)
	require.Equal(t, alice.ID, cm2.Author.ID)
	_, err = orm.Update[Comment](ctx, e.c, CommentModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", cm.ID)}, Data: orm.Data{"author": &orm.Nested{Connect: []orm.Where{{orm.Eq("email", "ghost@example.com")}}}}})
	require.True(t, orm.IsNotFound(err))

	// Deleting with an include returns the row as it was.
	d, err := orm.Delete[Post](ctx, e.c, PostModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", hello.ID)}, Include: []orm.Include{orm.Inc("comments")}})
	require.NoError(t, err)
	require.Len(t, d.Comments, 3)
	n, err := orm.Count(ctx, e.c, CommentModel, nil)
	require.NoError(t, err)
	require.Zero(t, n)
	if errors.Is(err, orm.ErrValidation) {
		t.Fatal("unreachable")
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// An upsert whose create data does not carry the where's key (an
// autoincrement id) must update the row the where selects, never insert a
// second one; with the key in both, the native ON CONFLICT form is used.
func TestUpsertSelectsByWhere(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	acc, err := orm.Create[Account](ctx, e.c, AccountModel, &orm.CreateArgs{Data: orm.Data{"owner": "ann", "balance": int64(10)}})
	require.NoError(t, err)
	byID := orm.Eq("id", acc.ID)

	var got *Account
	stmts := e.count(func() {
		got, err = orm.Upsert[Account](ctx, e.c, AccountModel, &orm.UpsertArgs{
			Where:  orm.Where{byID},
			Create: orm.Data{"owner": "ann", "balance": int64(0)},
			Update: orm.Data{"balance": orm.Increment(5)},
		})
	})
	require.NoError(t, err)
	require.Equal(t, acc.ID, got.ID)
	require.EqualValues(t, 15, got.Balance)
	require.Greater(t, stmts, int64(1), "looked up, then updated")
	n, err := orm.Count(ctx, e.c, AccountModel, &orm.CountArgs{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "no second row")

	// Empty update: the existing row comes back unchanged.
	got, err = orm.Upsert[Account](ctx, e.c, AccountModel, &orm.UpsertArgs{
		Where: orm.Where{byID}, Create: orm.Data{"owner": "x", "balance": int64(0)}})
	require.NoError(t, err)
	require.EqualValues(t, 15, got.Balance)

	// The where selects nothing: the create data is inserted.
	got, err = orm.Upsert[Account](ctx, e.c, AccountModel, &orm.UpsertArgs{
		Where:  orm.Where{orm.Eq("id", acc.ID+1000)},
		Create: orm.Data{"owner": "bob", "balance": int64(3)},
		Update: orm.Data{"balance": orm.Increment(5)},
	})
	require.NoError(t, err)
	require.Equal(t, "bob", got.Owner)
	require.EqualValues(t, 3, got.Balance)

	// Key in both where and create: one INSERT ... ON CONFLICT statement.
	stmts = e.count(func() {
		got, err = orm.Upsert[Account](ctx, e.c, AccountModel, &orm.UpsertArgs{
			Where:  orm.Where{byID},
			Create: orm.Data{"id": acc.ID, "owner": "ann", "balance": int64(0)},
			Update: orm.Data{"balance": orm.Increment(1)},
		})
	})
	require.NoError(t, err)
	require.EqualValues(t, 16, got.Balance)
	require.EqualValues(t, 1, stmts)
	n, err = orm.Count(ctx, e.c, AccountModel, &orm.CountArgs{})
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
}
