package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/examples/prismaclient/db"
	"github.com/polystore/polystore/postgres/orm"
)

type seeded struct {
	alice, bob, carol    *db.User
	hello, draft, second *db.Post
}

// seedBlog creates alice (profile, three posts with categories and
// comments), bob (one post) and carol (no posts), all with nested writes
// of the generated client.
func seedBlog(t testing.TB, c *db.Client) *seeded {
	t.Helper()
	ctx := context.Background()
	s := &seeded{}
	var err error
	s.bob, err = c.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{
		db.UserFields.Email.Set("bob@example.com"), db.UserFields.Name.Set("Bob"),
		db.UserFields.Posts.Create([]db.PostSet{db.PostFields.Title.Set("Bob's post"), db.PostFields.Published.Set(true)}),
	}})
	require.NoError(t, err)
	s.carol, err = c.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{db.UserFields.Email.Set("carol@example.com")}})
	require.NoError(t, err)
	s.alice, err = c.User.Create(ctx, &db.UserCreateArgs{
		Data: []db.UserSet{
			db.UserFields.Email.Set("alice@example.com"), db.UserFields.Name.Set("Alice"),
			db.UserFields.Role.Set(db.UserRoleAdmin),
			db.UserFields.Profile.Create(db.ProfileFields.Bio.Set("Go developer")),
			db.UserFields.Posts.Create(
				[]db.PostSet{db.PostFields.Title.Set("Hello"), db.PostFields.Published.Set(true), db.PostFields.Views.Set(10),
					db.PostFields.Tags.Set("go", "sql"), db.PostFields.Status.Set(db.PostStatusPublished),
					db.PostFields.CreatedAt.Set(time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)),
					db.PostFields.Categories.Create([]db.CategorySet{db.CategoryFields.Name.Set("tech")}, []db.CategorySet{db.CategoryFields.Name.Set("go")})},
				[]db.PostSet{db.PostFields.Title.Set("Draft"), db.PostFields.Tags.Set("draft"),
					db.PostFields.CreatedAt.Set(time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC))},
				[]db.PostSet{db.PostFields.Title.Set("Second"), db.PostFields.Published.Set(true), db.PostFields.Views.Set(3),
					db.PostFields.Tags.Set("go"), db.PostFields.Status.Set(db.PostStatusPublished),
					db.PostFields.CreatedAt.Set(time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)),
					db.PostFields.Categories.ConnectOrCreate(db.CategoryByName("tech"), db.CategoryFields.Name.Set("tech")),
					db.PostFields.Categories.ConnectOrCreate(db.CategoryByName("life"), db.CategoryFields.Name.Set("life"))},
			),
		},
		Returning: db.UserReturning{Include: []db.UserInclude{db.UserFields.Posts.Include(&db.PostFindArgs{OrderBy: []db.PostOrder{db.PostFields.ID.Asc()}})}},
	})
	require.NoError(t, err)
	require.Len(t, s.alice.Posts, 3)
	s.hello, s.draft, s.second = &s.alice.Posts[0], &s.alice.Posts[1], &s.alice.Posts[2]
	for i, cm := range []struct {
		by       int
		body     string
		approved bool
	}{{s.bob.ID, "nice", true}, {s.carol.ID, "spam", false}, {s.bob.ID, "again", true}} {
		_, err := c.Comment.Create(ctx, &db.CommentCreateArgs{Data: []db.CommentSet{
			db.CommentFields.Body.Set(cm.body), db.CommentFields.Approved.Set(cm.approved),
			db.CommentFields.CreatedAt.Set(time.Date(2024, 4, i+1, 0, 0, 0, 0, time.UTC)),
			db.CommentFields.Post.Connect(db.PostByTitleAuthorID("Hello", s.alice.ID)),
			db.CommentFields.Author.Connect(db.UserByID(cm.by)),
		}})
		require.NoError(t, err)
	}
	return s
}

var strategies = []struct {
	name string
	s    orm.Strategy
}{{"query", orm.StrategyQuery}, {"join", orm.StrategyJoin}}

// The guide's first include: a user with published posts, their categories
// and comments with authors, and the profile — plus orderBy, take and
// _count at the nested levels.
func TestGuideUserWithPosts(t *testing.T) {
	c, _ := setup(t)
	s := seedBlog(t, c)
	ctx := context.Background()
	for _, st := range strategies {
		t.Run(st.name, func(t *testing.T) {
			u, err := c.User.FindUnique(ctx, db.UserByID(s.alice.ID), &db.UserFindArgs{
				Strategy: st.s,
				Include: []db.UserInclude{
					db.UserFields.Posts.Include(&db.PostFindArgs{
						Where:   []db.PostCond{db.PostFields.Published.Equals(true)},
						OrderBy: []db.PostOrder{db.PostFields.CreatedAt.Desc()},
						Take:    5,
						Include: []db.PostInclude{
							db.PostFields.Categories.Include(&db.CategoryFindArgs{OrderBy: []db.CategoryOrder{db.CategoryFields.Name.Asc()}}),
							db.PostFields.Comments.Include(&db.CommentFindArgs{
								OrderBy: []db.CommentOrder{db.CommentFields.CreatedAt.Asc()},
								Include: []db.CommentInclude{db.CommentFields.Author.Include(nil)},
							}),
						},
						Count: []db.PostCountOf{db.PostFields.Comments.Count(db.CommentFields.Approved.Equals(true))},
					}),
					db.UserFields.Profile.Include(nil),
				},
				Count: []db.UserCountOf{db.UserFields.Posts.Count()},
			})
			require.NoError(t, err)
			require.NotNil(t, u)
			require.Equal(t, "Alice", *u.Name)
			require.Equal(t, db.UserRoleAdmin, u.Role)
			require.Equal(t, "Go developer", *u.Profile.Bio)
			require.Equal(t, int64(3), u.Count.Posts, "_count counts all posts, not only the included ones")
			require.Len(t, u.Posts, 2)
			require.Equal(t, []string{"Second", "Hello"}, []string{u.Posts[0].Title, u.Posts[1].Title})
			require.Equal(t, []string{"life", "tech"}, []string{u.Posts[0].Categories[0].Name, u.Posts[0].Categories[1].Name})
			hello := u.Posts[1]
			require.Equal(t, []string{"go", "sql"}, hello.Tags)
			require.Equal(t, db.PostStatusPublished, hello.Status)
			require.Len(t, hello.Comments, 3)
			require.Equal(t, "nice", hello.Comments[0].Body)
			require.Equal(t, "Bob", *hello.Comments[0].Author.Name)
			require.Nil(t, hello.Comments[1].Author.Name, "carol has no name")
			require.Equal(t, int64(2), hello.Count.Comments, "_count with a where counts approved comments")
			require.Nil(t, hello.Author, "relations not included stay empty")
		})
	}
}

// The guide's second include: posts with the author's name and email only,
// the five latest approved comments, and _count of comments and categories.
func TestGuidePostsWithComments(t *testing.T) {
	c, _ := setup(t)
	s := seedBlog(t, c)
	ctx := context.Background()
	var results [][]db.Post
	for _, st := range strategies {
		posts, err := c.Post.FindMany(ctx, &db.PostFindArgs{
			Strategy: st.s,
			OrderBy:  []db.PostOrder{db.PostFields.ID.Asc()},
			Include: []db.PostInclude{
				db.PostFields.Author.Include(&db.UserFindArgs{Select: []db.UserField{db.UserFields.Name, db.UserFields.Email}}),
				db.PostFields.Comments.Include(&db.CommentFindArgs{
					Where:   []db.CommentCond{db.CommentFields.Approved.Equals(true)},
					OrderBy: []db.CommentOrder{db.CommentFields.CreatedAt.Desc()},
					Take:    5,
				}),
			},
			Count: []db.PostCountOf{db.PostFields.Comments.Count(), db.PostFields.Categories.Count()},
		})
		require.NoError(t, err)
		require.Len(t, posts, 4)
		results = append(results, posts)
	}
	require.Equal(t, results[0], results[1], "both load strategies return the same rows")
	posts := results[0]
	byTitle := map[string]db.Post{}
	for _, p := range posts {
		byTitle[p.Title] = p
		require.NotNil(t, p.Author)
		require.Zero(t, p.Author.ID, "only name and email were selected")
		require.NotEmpty(t, p.Author.Email)
	}
	hello := byTitle["Hello"]
	require.Equal(t, "alice@example.com", hello.Author.Email)
	require.Equal(t, []string{"again", "nice"}, []string{hello.Comments[0].Body, hello.Comments[1].Body})
	require.Equal(t, int64(3), hello.Count.Comments)
	require.Equal(t, int64(2), hello.Count.Categories)
	require.Empty(t, byTitle["Draft"].Comments)
	require.Equal(t, int64(0), byTitle["Draft"].Count.Comments)
	require.Equal(t, s.bob.Email, byTitle["Bob's post"].Author.Email)
}
