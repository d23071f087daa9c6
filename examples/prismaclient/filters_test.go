package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/examples/prismaclient/db"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/orm"
)

func titles(ps []db.Post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Title
	}
	return out
}

func TestTypedFilters(t *testing.T) {
	c, _ := setup(t)
	s := seedBlog(t, c)
	ctx := context.Background()
	byID := []db.PostOrder{db.PostFields.ID.Asc()}
	tests := []struct {
		name  string
		where []db.PostCond
		want  []string
	}{
		{"equals", []db.PostCond{db.PostFields.Title.Equals("Hello")}, []string{"Hello"}},
		{"not", []db.PostCond{db.PostFields.Published.Not(true)}, []string{"Draft"}},
		{"in", []db.PostCond{db.PostFields.Title.In("Draft", "Second", "nope")}, []string{"Draft", "Second"}},
		{"notIn", []db.PostCond{db.PostFields.Title.NotIn("Draft", "Second")}, []string{"Bob's post", "Hello"}},
		{"in insensitive", []db.PostCond{db.PostFields.Title.In("hello", "DRAFT").Insensitive()}, []string{"Hello", "Draft"}},
		{"notIn insensitive", []db.PostCond{db.PostFields.Title.NotIn("draft", "SECOND", "bob's POST").Insensitive()}, []string{"Hello"}},
		{"gt lte", []db.PostCond{db.PostFields.Views.Gt(0), db.PostFields.Views.Lte(3)}, []string{"Second"}},
		{"contains insensitive", []db.PostCond{db.PostFields.Title.Contains("ELL").Insensitive()}, []string{"Hello"}},
		{"contains: % is a LIKE wildcard, as in Prisma", []db.PostCond{db.PostFields.Title.Contains("%")}, []string{"Bob's post", "Hello", "Draft", "Second"}},
		{"contains: _ matches one character, as in Prisma", []db.PostCond{db.PostFields.Title.Contains("H_llo")}, []string{"Hello"}},
		{"startsWith", []db.PostCond{db.PostFields.Title.StartsWith("Bob")}, []string{"Bob's post"}},
		{"endsWith", []db.PostCond{db.PostFields.Title.EndsWith("ond")}, []string{"Second"}},
		{"null", []db.PostCond{db.PostFields.Content.IsNull(), db.PostFields.Title.Equals("Draft")}, []string{"Draft"}},
		{"not null", []db.PostCond{db.PostFields.Content.IsNotNull()}, nil},
		{"enum", []db.PostCond{db.PostFields.Status.Equals(db.PostStatusPublished)}, []string{"Hello", "Second"}},
		{"enum in", []db.PostCond{db.PostFields.Status.In(db.PostStatusDraft, db.PostStatusArchived)}, []string{"Bob's post", "Draft"}},
		{"has", []db.PostCond{db.PostFields.Tags.Has("go")}, []string{"Hello", "Second"}},
		{"hasEvery", []db.PostCond{db.PostFields.Tags.HasEvery("go", "sql")}, []string{"Hello"}},
		{"hasSome", []db.PostCond{db.PostFields.Tags.HasSome("sql", "draft")}, []string{"Hello", "Draft"}},
		// Bob's post was created without tags: its list is NULL, which
		// Prisma's isEmpty (tags = '{}') does not match.
		{"isEmpty", []db.PostCond{db.PostFields.Tags.IsEmpty(true)}, nil},
		{"NOT isEmpty", []db.PostCond{typed.Not(db.PostFields.Tags.IsEmpty(true))}, []string{"Hello", "Draft", "Second"}},
		{"OR", []db.PostCond{typed.Or(db.PostFields.Title.Equals("Draft"), db.PostFields.Views.Gte(10))}, []string{"Hello", "Draft"}},
		{"AND inside OR", []db.PostCond{typed.Or(
			typed.And(db.PostFields.Published.Equals(true), db.PostFields.Views.Lt(5)),
			db.PostFields.Title.Equals("Draft"))}, []string{"Bob's post", "Draft", "Second"}},
		{"NOT", []db.PostCond{typed.Not(db.PostFields.Published.Equals(true))}, []string{"Draft"}},
		{"relation some", []db.PostCond{db.PostFields.Comments.Some(db.CommentFields.Approved.Equals(false))}, []string{"Hello"}},
		{"relation every", []db.PostCond{db.PostFields.Comments.Every(db.CommentFields.Approved.Equals(true))}, []string{"Bob's post", "Draft", "Second"}},
		{"relation none", []db.PostCond{db.PostFields.Categories.None()}, []string{"Bob's post", "Draft"}},
		{"m2m some", []db.PostCond{db.PostFields.Categories.Some(db.CategoryFields.Name.Equals("life"))}, []string{"Second"}},
		{"to-one is", []db.PostCond{db.PostFields.Author.Is(db.UserFields.Role.Equals(db.UserRoleUser))}, []string{"Bob's post"}},
		{"to-one isNot", []db.PostCond{db.PostFields.Author.IsNot(db.UserFields.Email.StartsWith("bob"))}, []string{"Hello", "Draft", "Second"}},
		{"nested relation", []db.PostCond{db.PostFields.Author.Is(db.UserFields.Profile.IsNotNull())}, []string{"Hello", "Draft", "Second"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Post.FindMany(ctx, &db.PostFindArgs{Where: tt.where, OrderBy: byID})
			require.NoError(t, err)
			require.Equal(t, tt.want, nilIfEmpty(titles(got)))
		})
	}
	users, err := c.User.FindMany(ctx, &db.UserFindArgs{Where: []db.UserCond{db.UserFields.Profile.IsNull()}, OrderBy: []db.UserOrder{db.UserFields.ID.Asc()}})
	require.NoError(t, err)
	require.Equal(t, []string{s.bob.Email, s.carol.Email}, emails(users))
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestOrderingPagingSelection(t *testing.T) {
	c, _ := setup(t)
	s := seedBlog(t, c)
	ctx := context.Background()

	users, err := c.User.FindMany(ctx, &db.UserFindArgs{OrderBy: []db.UserOrder{db.UserFields.Posts.CountDesc(), db.UserFields.ID.Asc()}})
	require.NoError(t, err)
	require.Equal(t, []string{s.alice.Email, s.bob.Email, s.carol.Email}, emails(users))

	users, err = c.User.FindMany(ctx, &db.UserFindArgs{OrderBy: []db.UserOrder{db.UserFields.Name.Asc().NullsFirst()}})
	require.NoError(t, err)
	require.Equal(t, []string{s.carol.Email, s.alice.Email, s.bob.Email}, emails(users))

	posts, err := c.Post.FindMany(ctx, &db.PostFindArgs{OrderBy: []db.PostOrder{db.PostFields.Author.By(db.UserFields.Email.Desc()), db.PostFields.ID.Asc()}})
	require.NoError(t, err)
	require.Equal(t, []string{"Bob's post", "Hello", "Draft", "Second"}, titles(posts))

	page, err := c.Post.FindMany(ctx, &db.PostFindArgs{OrderBy: []db.PostOrder{db.PostFields.ID.Asc()},
		Cursor: db.PostByID(s.draft.ID), Skip: 1, Take: 2})
	require.NoError(t, err)
	require.Equal(t, []string{"Second"}, titles(page), "cursor at Draft, skip it, take up to 2")

	distinct, err := c.Post.FindMany(ctx, &db.PostFindArgs{Distinct: []db.PostField{db.PostFields.AuthorID},
		OrderBy: []db.PostOrder{db.PostFields.AuthorID.Asc(), db.PostFields.Views.Desc()}})
	require.NoError(t, err)
	require.Len(t, distinct, 2)

	sel, err := c.Post.FindFirst(ctx, &db.PostFindArgs{Select: []db.PostField{db.PostFields.Title},
		Where: []db.PostCond{db.PostFields.Title.Equals("Hello")}})
	require.NoError(t, err)
	require.Equal(t, "Hello", sel.Title)
	require.Zero(t, sel.Views, "unselected fields stay zero")

	none, err := c.Post.FindFirst(ctx, &db.PostFindArgs{Where: []db.PostCond{db.PostFields.Title.Equals("nope")}})
	require.NoError(t, err)
	require.Nil(t, none)
	_, err = c.Post.FindFirstOrThrow(ctx, &db.PostFindArgs{Where: []db.PostCond{db.PostFields.Title.Equals("nope")}})
	require.True(t, orm.IsNotFound(err))
	_, err = c.Post.FindUniqueOrThrow(ctx, db.PostByTitleAuthorID("Hello", s.bob.ID), nil)
	require.True(t, orm.IsNotFound(err), "compound unique selector misses for the wrong author")
	p, err := c.Post.FindUniqueOrThrow(ctx, db.PostByTitleAuthorID("Hello", s.alice.ID), nil)
	require.NoError(t, err)
	require.Equal(t, s.hello.ID, p.ID)
}

func TestWritesAndAggregates(t *testing.T) {
	c, _ := setup(t)
	s := seedBlog(t, c)
	ctx := context.Background()

	n, err := c.Category.CreateMany(ctx, &db.CategoryCreateManyArgs{Data: [][]db.CategorySet{
		{db.CategoryFields.Name.Set("a")}, {db.CategoryFields.Name.Set("b")}, {db.CategoryFields.Name.Set("tech")},
	}, SkipDuplicates: true})
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "tech exists and is skipped")

	up, err := c.Category.Upsert(ctx, &db.CategoryUpsertArgs{Where: db.CategoryByName("c"),
		Create: []db.CategorySet{db.CategoryFields.Name.Set("c")}, Update: []db.CategorySet{db.CategoryFields.Name.Set("never")}})
	require.NoError(t, err)
	require.Equal(t, "c", up.Name)
	up, err = c.Category.Upsert(ctx, &db.CategoryUpsertArgs{Where: db.CategoryByName("c"),
		Create: []db.CategorySet{db.CategoryFields.Name.Set("c")}, Update: []db.CategorySet{db.CategoryFields.Name.Set("c2")}})
	require.NoError(t, err)
	require.Equal(t, "c2", up.Name)

	n, err = c.Post.UpdateMany(ctx, &db.PostUpdateManyArgs{Where: []db.PostCond{db.PostFields.AuthorID.Equals(s.alice.ID)},
		Data: []db.PostSet{db.PostFields.Views.Increment(5)}})
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
	p, err := c.Post.Update(ctx, &db.PostUpdateArgs{Where: db.PostByID(s.hello.ID), Data: []db.PostSet{
		db.PostFields.Views.Multiply(2), db.PostFields.Content.Set("body"),
		db.PostFields.Categories.Disconnect(db.CategoryByName("go")),
	}, Returning: db.PostReturning{Include: []db.PostInclude{db.PostFields.Categories.Include(nil)}}})
	require.NoError(t, err)
	require.Equal(t, 30, p.Views)
	require.Equal(t, "body", *p.Content)
	require.Len(t, p.Categories, 1)
	p, err = c.Post.Update(ctx, &db.PostUpdateArgs{Where: db.PostByID(s.hello.ID), Data: []db.PostSet{db.PostFields.Content.SetNull()}})
	require.NoError(t, err)
	require.Nil(t, p.Content)

	agg, err := c.Post.Aggregate(ctx, &db.PostAggregateArgs{Count: true,
		Sum: []db.PostField{db.PostFields.Views}, Max: []db.PostField{db.PostFields.Views}, Avg: []db.PostField{db.PostFields.Views},
		CountFields: []db.PostField{db.PostFields.Content}})
	require.NoError(t, err)
	require.Equal(t, int64(4), agg.Count)
	require.EqualValues(t, 30+5+8+0, agg.Sum["views"])
	require.EqualValues(t, 30, agg.Max["views"])
	require.EqualValues(t, 0, agg.CountFields["content"])

	groups, err := c.Post.GroupBy(ctx, &db.PostGroupByArgs{
		By:      []db.PostField{db.PostFields.AuthorID},
		Count:   true,
		Sum:     []db.PostField{db.PostFields.Views},
		Having:  []db.PostHaving{db.PostFields.Views.Having(orm.AggSum, orm.OpGt, 10)},
		OrderBy: []db.PostGroupOrder{{Agg: orm.AggSum, Field: db.PostFields.Views, Desc: true}},
	})
	require.NoError(t, err)
	require.Len(t, groups, 1, "only alice's posts sum above 10")
	require.EqualValues(t, s.alice.ID, groups[0].Key["authorId"])
	require.Equal(t, int64(3), groups[0].Count)

	_, err = c.Post.Delete(ctx, &db.PostDeleteArgs{Where: db.PostByID(s.draft.ID)})
	require.NoError(t, err)
	_, err = c.Post.Delete(ctx, &db.PostDeleteArgs{Where: db.PostByID(s.draft.ID)})
	require.True(t, orm.IsNotFound(err), "P2025 on a second delete")
	n, err = c.Comment.DeleteMany(ctx, db.CommentFields.Approved.Equals(false))
	require.NoError(t, err)
	require.Equal(t, int64(1), n)

	// Nested writes on to-one relations: update and upsert the profile.
	u, err := c.User.Update(ctx, &db.UserUpdateArgs{Where: db.UserByID(s.alice.ID), Data: []db.UserSet{
		db.UserFields.Profile.Update(db.ProfileFields.Bio.Set("Gopher")),
	}, Returning: db.UserReturning{Include: []db.UserInclude{db.UserFields.Profile.Include(nil)}}})
	require.NoError(t, err)
	require.Equal(t, "Gopher", *u.Profile.Bio)
	u, err = c.User.Update(ctx, &db.UserUpdateArgs{Where: db.UserByID(s.bob.ID), Data: []db.UserSet{
		db.UserFields.Profile.Upsert([]db.ProfileSet{db.ProfileFields.Bio.Set("new")}, []db.ProfileSet{db.ProfileFields.Bio.Set("upd")}),
	}, Returning: db.UserReturning{Include: []db.UserInclude{db.UserFields.Profile.Include(nil)}}})
	require.NoError(t, err)
	require.Equal(t, "new", *u.Profile.Bio)

	// Bad values fail before the database with a typed validation error.
	_, err = c.Post.FindMany(ctx, &db.PostFindArgs{Where: []db.PostCond{db.PostFields.Title.Equals("nul\x00byte")}})
	require.True(t, orm.IsValidation(err), "%v", err)
	_, err = c.User.FindMany(ctx, &db.UserFindArgs{Where: []db.UserCond{db.UserFields.Role.Equals("ROOT")}})
	require.True(t, orm.IsValidation(err), "an enum value outside the schema: %v", err)
}
