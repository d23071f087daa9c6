package orm_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// TestNestedUpdateMany: updateMany inside an update of the parent changes
// only that parent's related rows matching the condition (Prisma's nested
// updateMany); it applies to to-many relations only, takes no nested
// writes and is not allowed in a create.
func TestNestedUpdateMany(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, bob, _ := seed(t, e)
	u, err := orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{
		Where: orm.Where{orm.Eq("id", alice.ID)},
		Data: orm.Data{"name": "Alicia", "posts": &orm.Nested{UpdateMany: []orm.NestedUpdate{
			{Where: orm.Where{orm.Eq("published", true)}, Data: orm.Data{"views": orm.Increment(1000)}},
			{Where: orm.Where{orm.Eq("title", "nope")}, Data: orm.Data{"views": 0}},
		}}},
		Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("title")}}}},
	})
	require.NoError(t, err)
	require.Equal(t, "Alicia", *u.Name)
	views := map[string]int{}
	for _, p := range u.Posts {
		views[p.Title] = p.Views
	}
	require.Equal(t, map[string]int{"Draft": 0, "Hello": 1010, "Second": 1003}, views)
	bobs, err := orm.FindMany[Post](ctx, e.c, PostModel, &orm.FindArgs{Where: orm.Where{orm.Eq("authorId", bob.ID)}})
	require.NoError(t, err)
	require.Equal(t, 7, bobs[0].Views, "another parent's rows are untouched")

	// No condition: every related row.
	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", alice.ID)},
		Data: orm.Data{"posts": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Data: orm.Data{"published": false}}}}}})
	require.NoError(t, err)
	n, err := orm.Count(ctx, e.c, PostModel, &orm.CountArgs{Where: orm.Where{orm.Eq("published", true)}})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "only bob's post stays published")

	for _, d := range []orm.Data{
		{"profile": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Data: orm.Data{"bio": "x"}}}}},
		{"posts": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Data: orm.Data{"comments": &orm.Nested{DeleteMany: []orm.Where{nil}}}}}}},
		{"posts": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Data: orm.Data{"nope": 1}}}}},
	} {
		_, err := orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", alice.ID)}, Data: d})
		require.ErrorIs(t, err, orm.ErrValidation, "%v", d)
	}
	_, err = orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "x@example.com",
		"posts": &orm.Nested{UpdateMany: []orm.NestedUpdate{{Data: orm.Data{"views": 1}}}}}})
	require.ErrorIs(t, err, orm.ErrValidation)
}
