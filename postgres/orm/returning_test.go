package orm_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

func emails(us []User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Email
	}
	return out
}

// TestCreateManyAndReturn: rows come back in input order with generated
// values, shaped by select/include as Prisma's createManyAndReturn;
// skipped duplicates are not returned.
func TestCreateManyAndReturn(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	seed(t, e)
	us, err := orm.CreateManyAndReturn[User](ctx, e.c, UserModel, &orm.CreateManyArgs{Data: []orm.Data{
		{"email": "z@example.com", "name": "Z"}, {"email": "a@example.com"}, {"email": "m@example.com", "role": "ADMIN"},
	}})
	require.NoError(t, err)
	require.Equal(t, []string{"z@example.com", "a@example.com", "m@example.com"}, emails(us))
	require.Less(t, us[0].ID, us[1].ID)
	require.Equal(t, "USER", us[1].Role, "database default returned")
	require.Equal(t, "ADMIN", us[2].Role)
	require.False(t, us[0].CreatedAt.IsZero())

	// Duplicates skipped are left out; select loads only the fields asked.
	us, err = orm.CreateManyAndReturn[User](ctx, e.c, UserModel, &orm.CreateManyArgs{Data: []orm.Data{
		{"email": "a@example.com"}, {"email": "n@example.com"},
	}, SkipDuplicates: true, Select: []string{"email"}})
	require.NoError(t, err)
	require.Equal(t, []string{"n@example.com"}, emails(us))
	require.Zero(t, us[0].ID)

	// Include reads the rows back with the relations of their foreign
	// keys, in input order; as in Prisma, no other relation is offered
	// (a to-many one, or the side of a one-to-one without the key).
	for _, rel := range []string{"posts", "profile"} {
		_, err = orm.CreateManyAndReturn[User](ctx, e.c, UserModel, &orm.CreateManyArgs{Data: []orm.Data{
			{"email": "y@example.com"}}, Include: []orm.Include{orm.Inc(rel)}})
		require.ErrorIs(t, err, orm.ErrValidation, rel)
	}
	us, err = orm.CreateManyAndReturn[User](ctx, e.c, UserModel, &orm.CreateManyArgs{Data: []orm.Data{
		{"email": "y@example.com"}, {"email": "b@example.com"},
	}})
	require.NoError(t, err)
	require.Equal(t, []string{"y@example.com", "b@example.com"}, emails(us))

	posts, err := orm.CreateManyAndReturn[Post](ctx, e.c, PostModel, &orm.CreateManyArgs{Data: []orm.Data{
		{"title": "p2", "authorId": us[1].ID}, {"title": "p1", "authorId": us[0].ID},
	}, Include: []orm.Include{orm.Inc("author")}})
	require.NoError(t, err)
	require.Equal(t, "p2", posts[0].Title)
	require.Equal(t, "b@example.com", posts[0].Author.Email)
	require.Equal(t, "y@example.com", posts[1].Author.Email)

	// A failing row rolls back the statement: nothing returned, nothing stored.
	_, err = orm.CreateManyAndReturn[User](ctx, e.c, UserModel, &orm.CreateManyArgs{Data: []orm.Data{
		{"email": "new@example.com"}, {"email": "a@example.com"},
	}})
	require.ErrorIs(t, err, orm.ErrUniqueViolation)
	n, err := orm.Count(ctx, e.c, UserModel, &orm.CountArgs{Where: orm.Where{orm.Eq("email", "new@example.com")}})
	require.NoError(t, err)
	require.Zero(t, n)

	us, err = orm.CreateManyAndReturn[User](ctx, e.c, UserModel, &orm.CreateManyArgs{})
	require.NoError(t, err)
	require.Empty(t, us)
	_, err = orm.CreateManyAndReturn[User](ctx, e.c, UserModel, nil)
	require.ErrorIs(t, err, orm.ErrValidation)
}

// TestUpdateManyAndReturn: the updated rows with their new values, with
// select or include.
func TestUpdateManyAndReturn(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, _, _ := seed(t, e)
	posts, err := orm.UpdateManyAndReturn[Post](ctx, e.c, PostModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("authorId", alice.ID), orm.Eq("published", true)},
		Data:  orm.Data{"views": orm.Increment(100)},
	})
	require.NoError(t, err)
	require.Len(t, posts, 2)
	views := map[string]int{}
	for _, p := range posts {
		views[p.Title] = p.Views
	}
	require.Equal(t, map[string]int{"Hello": 110, "Second": 103}, views)

	posts, err = orm.UpdateManyAndReturn[Post](ctx, e.c, PostModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("title", "Draft")}, Data: orm.Data{"published": true},
		Include: []orm.Include{orm.Inc("author")}})
	require.NoError(t, err)
	require.Len(t, posts, 1)
	require.True(t, posts[0].Published)
	require.Equal(t, alice.Email, posts[0].Author.Email)

	posts, err = orm.UpdateManyAndReturn[Post](ctx, e.c, PostModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("title", "nope")}, Data: orm.Data{"views": 1}, Select: []string{"id"}})
	require.NoError(t, err)
	require.Empty(t, posts)
	_, err = orm.UpdateManyAndReturn[Post](ctx, e.c, PostModel, &orm.UpdateArgs{Data: orm.Data{"nope": 1}})
	require.ErrorIs(t, err, orm.ErrValidation)
}

// TestOmit: per-query omit, the client's default omissions (Prisma's
// global omit) and omit: false overriding them, on finds, writes and
// includes.
func TestOmit(t *testing.T) {
	e := newEnv(t, func(c *orm.Config) { c.Omit = map[string][]string{"User": {"email"}, "Post": {"title"}} })
	ctx := context.Background()
	plain := orm.NewWithPool(e.c.Pool(), nil)
	alice, _, _ := seed(t, &env{c: plain})

	u, err := orm.FindUnique[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", alice.ID)},
		Include: []orm.Include{orm.Inc("posts")}})
	require.NoError(t, err)
	require.Empty(t, u.Email, "omitted by the client")
	require.Equal(t, "ADMIN", u.Role)
	require.Len(t, u.Posts, 3)
	require.Empty(t, u.Posts[0].Title, "omitted in includes too")
	require.NotZero(t, u.Posts[0].ID)

	u, err = orm.FindUnique[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", alice.ID)},
		Omit: orm.Omit{"email": false, "role": true}})
	require.NoError(t, err)
	require.Equal(t, alice.Email, u.Email, "omit: false keeps it")
	require.Empty(t, u.Role)

	u, err = orm.FindUnique[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", alice.ID)},
		Select: []string{"id", "email"}})
	require.NoError(t, err)
	require.Equal(t, alice.Email, u.Email, "an explicit select wins")

	created, err := orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "o@example.com"}})
	require.NoError(t, err)
	require.Empty(t, created.Email)
	require.NotZero(t, created.ID)
	many, err := orm.CreateManyAndReturn[User](ctx, e.c, UserModel, &orm.CreateManyArgs{Data: []orm.Data{{"email": "q@example.com"}},
		Omit: orm.Omit{"email": false}})
	require.NoError(t, err)
	require.Equal(t, "q@example.com", many[0].Email)
	updated, err := orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", created.ID)}, Data: orm.Data{"name": "O"}})
	require.NoError(t, err)
	require.Empty(t, updated.Email)
	require.Equal(t, "O", *updated.Name)

	// Per-query omit on a client without defaults.
	users, err := orm.FindMany[User](ctx, plain, UserModel, &orm.FindArgs{Omit: orm.Omit{"email": true}, OrderBy: []orm.Order{orm.Asc("id")}})
	require.NoError(t, err)
	require.NotEmpty(t, users)
	for _, u := range users {
		require.Empty(t, u.Email)
	}

	for _, fa := range []*orm.FindArgs{
		{Select: []string{"id"}, Omit: orm.Omit{"email": true}},
		{Omit: orm.Omit{"nope": true}},
		{Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{Omit: orm.Omit{"nope": true}}}}},
	} {
		_, err := orm.FindMany[User](ctx, plain, UserModel, fa)
		require.ErrorIs(t, err, orm.ErrValidation)
	}
}
