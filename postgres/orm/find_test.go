package orm_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// seed creates alice (profile, three posts with categories and comments),
// bob (one post) and carol (no posts) with nested creates.
func seed(t testing.TB, e *env) (alice, bob, carol *User) {
	t.Helper()
	ctx := context.Background()
	var err error
	bob, err = orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{
		"email": "bob@example.com", "name": "Bob",
		"posts": &orm.Nested{Create: []orm.Data{{"title": "Bob's post", "published": true, "views": 7}}},
	}})
	require.NoError(t, err)
	carol, err = orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "carol@example.com"}})
	require.NoError(t, err)
	alice, err = orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{
		"email": "alice@example.com", "name": "Alice", "role": "ADMIN",
		"profile": &orm.Nested{Create: []orm.Data{{"bio": "Go developer"}}},
		"posts": &orm.Nested{Create: []orm.Data{
			{"title": "Hello", "published": true, "views": 10, "tags": []string{"go", "sql"},
				"categories": &orm.Nested{Create: []orm.Data{{"name": "tech"}, {"name": "go"}}}},
			{"title": "Draft", "published": false, "views": 0, "tags": []string{"draft"}},
			{"title": "Second", "published": true, "views": 3, "tags": []string{"go"},
				"categories": &orm.Nested{ConnectOrCreate: []orm.ConnectOrCreate{
					{Where: orm.Where{orm.Eq("name", "tech")}, Create: orm.Data{"name": "tech"}},
					{Where: orm.Where{orm.Eq("name", "life")}, Create: orm.Data{"name": "life"}},
				}}},
		}},
	}, Include: []orm.Include{orm.Inc("posts")}})
	require.NoError(t, err)
	require.Len(t, alice.Posts, 3)
	// Comments on alice's first post by bob and carol.
	for i, c := range []struct {
		by       int
		body     string
		approved bool
	}{{bob.ID, "nice", true}, {carol.ID, "spam", false}, {bob.ID, "again", true}} {
		_, err := orm.Create[Comment](ctx, e.c, CommentModel, &orm.CreateArgs{Data: orm.Data{
			"body": c.body, "approved": c.approved,
			"post":   &orm.Nested{Connect: []orm.Where{{orm.Eq("title", "Hello"), orm.Eq("authorId", alice.ID)}}},
			"author": &orm.Nested{Connect: []orm.Where{{orm.Eq("id", c.by)}}},
		}})
		require.NoError(t, err, "comment %d", i)
	}
	return alice, bob, carol
}

func strategies() []orm.Strategy { return []orm.Strategy{orm.StrategyJoin, orm.StrategyQuery} }

func strategyName(s orm.Strategy) string {
	if s == orm.StrategyJoin {
		return "join"
	}
	return "query"
}

// The guide's nested include: a user with published posts, their
// categories and comments with authors, and the profile.
func TestFindUniqueNestedInclude(t *testing.T) {
	e := newEnv(t, nil)
	alice, _, _ := seed(t, e)
	ctx := context.Background()
	args := func(s orm.Strategy) *orm.FindArgs {
		return &orm.FindArgs{
			Where:    orm.Where{orm.Eq("id", alice.ID)},
			Strategy: s,
			Include: []orm.Include{
				{Relation: "posts", Args: &orm.FindArgs{
					Where:   orm.Where{orm.Eq("published", true)},
					OrderBy: []orm.Order{orm.Asc("id")},
					Include: []orm.Include{
						{Relation: "categories", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("name")}}},
						{Relation: "comments", Args: &orm.FindArgs{
							OrderBy: []orm.Order{orm.Asc("id")},
							Include: []orm.Include{orm.Inc("author")},
						}},
					},
				}},
				orm.Inc("profile"),
			},
		}
	}
	var results []*User
	for _, s := range strategies() {
		var u *User
		var err error
		n := e.count(func() { u, err = orm.FindUnique[User](ctx, e.c, UserModel, args(s)) })
		require.NoError(t, err)
		require.NotNil(t, u)
		if s == orm.StrategyJoin {
			require.EqualValues(t, 1, n, "join strategy: one statement")
		} else {
			require.EqualValues(t, 6, n, "query strategy: one statement per relation level")
		}
		require.Equal(t, "alice@example.com", u.Email)
		require.Len(t, u.Posts, 2, strategyName(s))
		require.Equal(t, "Hello", u.Posts[0].Title)
		require.Equal(t, "Second", u.Posts[1].Title)
		require.Equal(t, []string{"go", "tech"}, names(u.Posts[0].Categories))
		require.Equal(t, []string{"life", "tech"}, names(u.Posts[1].Categories))
		require.Len(t, u.Posts[0].Comments, 3)
		require.Equal(t, "bob@example.com", u.Posts[0].Comments[0].Author.Email)
		require.Equal(t, "carol@example.com", u.Posts[0].Comments[1].Author.Email)
		require.NotNil(t, u.Profile)
		require.Equal(t, "Go developer", *u.Profile.Bio)
		require.Equal(t, alice.CreatedAt, u.CreatedAt, "timestamps survive both paths")
		results = append(results, u)
	}
	require.Equal(t, results[0], results[1], "both strategies load the same tree")
}

func names(cs []Category) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// The guide's second example: posts with the author's name and email,
// approved comments newest first (take 5) and relation counts.
func TestFindManyIncludeSelectCount(t *testing.T) {
	e := newEnv(t, nil)
	alice, _, _ := seed(t, e)
	ctx := context.Background()
	for _, s := range strategies() {
		t.Run(strategyName(s), func(t *testing.T) {
			posts, err := orm.FindMany[Post](ctx, e.c, PostModel, &orm.FindArgs{
				Strategy: s,
				OrderBy:  []orm.Order{orm.ByCount("comments", true), orm.Asc("id")},
				Include: []orm.Include{
					{Relation: "author", Args: &orm.FindArgs{Select: []string{"name", "email"}}},
					{Relation: "comments", Args: &orm.FindArgs{
						Where:   orm.Where{orm.Eq("approved", true)},
						OrderBy: []orm.Order{orm.Desc("createdAt"), orm.Desc("id")},
						Take:    1,
					}},
				},
				Count: []orm.CountOf{{Relation: "comments", Where: orm.Where{orm.Eq("approved", true)}}, {Relation: "categories"}},
			})
			require.NoError(t, err)
			require.Len(t, posts, 4)
			top := posts[0]
			require.Equal(t, "Hello", top.Title)
			require.Equal(t, alice.ID, top.AuthorID)
			require.Equal(t, "Alice", *top.Author.Name)
			require.Zero(t, top.Author.ID, "author select excluded id")
			require.Len(t, top.Comments, 1)
			require.Equal(t, "again", top.Comments[0].Body)
			require.Equal(t, PostCount{Comments: 2, Categories: 2}, *top.Count, "only approved comments counted")
			for _, p := range posts[1:] {
				require.Empty(t, p.Comments)
				require.NotNil(t, p.Comments, "to-many relations load as empty lists")
				require.Zero(t, p.Count.Comments)
			}
		})
	}
}

func TestFilters(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob, carol := seed(t, e)
	ctx := context.Background()
	cases := []struct {
		name  string
		model *orm.Model
		where orm.Where
		want  []int // ids, ascending
	}{
		{"equals", UserModel, orm.Where{orm.Eq("email", "bob@example.com")}, []int{bob.ID}},
		{"null", UserModel, orm.Where{orm.Eq("name", nil)}, []int{carol.ID}},
		{"not null", UserModel, orm.Where{orm.Ne("name", nil)}, []int{bob.ID, alice.ID}},
		{"in", UserModel, orm.Where{orm.In("id", []int{alice.ID, carol.ID, 9999})}, []int{carol.ID, alice.ID}},
		{"notIn", UserModel, orm.Where{orm.NotIn("id", []int{alice.ID})}, []int{bob.ID, carol.ID}},
		{"insensitive contains", UserModel, orm.Where{orm.Fold(orm.Contains("name", "LIC"))}, []int{alice.ID}},
		{"startsWith", UserModel, orm.Where{orm.StartsWith("email", "b")}, []int{bob.ID}},
		// % and _ are LIKE wildcards, as in Prisma (TestPrismaParity's contains_wildcards).
		{"endsWith with wildcards", UserModel, orm.Where{orm.EndsWith("email", "%.com")}, []int{bob.ID, carol.ID, alice.ID}},
		{"enum", UserModel, orm.Where{orm.Eq("role", "ADMIN")}, []int{alice.ID}},
		{"some", UserModel, orm.Where{orm.SomeOf("posts", orm.Gte("views", 5))}, []int{bob.ID, alice.ID}},
		{"every", UserModel, orm.Where{orm.EveryOf("posts", orm.Eq("published", true))}, []int{bob.ID, carol.ID}},
		{"none", UserModel, orm.Where{orm.NoneOf("posts")}, []int{carol.ID}},
		{"is", ProfileModel, orm.Where{orm.IsRel("user", orm.Eq("role", "ADMIN"))}, []int{1}},
		{"to-one null", UserModel, orm.Where{orm.RelIsNull("profile")}, []int{bob.ID, carol.ID}},
		{"OR", UserModel, orm.Where{orm.AnyOf(orm.Eq("id", bob.ID), orm.Eq("id", carol.ID))}, []int{bob.ID, carol.ID}},
		{"NOT", UserModel, orm.Where{orm.NotAll(orm.Eq("id", bob.ID), orm.Eq("id", carol.ID))}, []int{alice.ID}},
		{"has", PostModel, orm.Where{orm.Has("tags", "go")}, []int{alice.Posts[0].ID, alice.Posts[2].ID}},
		{"hasEvery", PostModel, orm.Where{orm.HasEvery("tags", []string{"go", "sql"})}, []int{alice.Posts[0].ID}},
		{"isEmpty", PostModel, orm.Where{orm.IsEmpty("tags", true)}, []int{1}},
		{"many-to-many some", PostModel, orm.Where{orm.SomeOf("categories", orm.Eq("name", "life"))}, []int{alice.Posts[2].ID}},
		{"nested relation", UserModel, orm.Where{orm.SomeOf("posts", orm.SomeOf("comments", orm.Eq("approved", false)))}, []int{alice.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			type row struct {
				ID int `json:"id"`
			}
			rows, err := orm.FindMany[row](ctx, e.c, tc.model, &orm.FindArgs{Where: tc.where, OrderBy: []orm.Order{orm.Asc("id")}, Select: []string{"id"}})
			require.NoError(t, err)
			got := []int{}
			for _, r := range rows {
				got = append(got, r.ID)
			}
			want := tc.want
			if want == nil {
				want = []int{}
			}
			require.Equal(t, want, got)
		})
	}
}

func TestPagination(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	for i := range 10 {
		_, err := orm.Create[Category](ctx, e.c, CategoryModel, &orm.CreateArgs{Data: orm.Data{"name": string(rune('a' + i))}})
		require.NoError(t, err)
	}
	page, err := orm.FindMany[Category](ctx, e.c, CategoryModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Desc("name")}, Skip: 2, Take: 3})
	require.NoError(t, err)
	require.Equal(t, []string{"h", "g", "f"}, names(page))
	next, err := orm.FindMany[Category](ctx, e.c, CategoryModel, &orm.FindArgs{
		OrderBy: []orm.Order{orm.Desc("name")}, Cursor: orm.Where{orm.Eq("id", page[2].ID)}, Skip: 1, Take: 3})
	require.NoError(t, err)
	require.Equal(t, []string{"e", "d", "c"}, names(next))
	last, err := orm.FindMany[Category](ctx, e.c, CategoryModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("name")}, Take: -3})
	require.NoError(t, err)
	require.Equal(t, []string{"h", "i", "j"}, names(last), "negative take: the last rows, in order")
	before, err := orm.FindMany[Category](ctx, e.c, CategoryModel, &orm.FindArgs{
		OrderBy: []orm.Order{orm.Asc("name")}, Cursor: orm.Where{orm.Eq("name", "e")}, Skip: 1, Take: -2})
	require.NoError(t, err)
	require.Equal(t, []string{"c", "d"}, names(before), "negative take with a cursor pages backwards")
	// Nested, a negative take is each parent's last rows (TestPrismaParity's
	// nested_take_negative); a to-one include takes no take.
	_, err = orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{Take: -1}}}})
	require.NoError(t, err)
	_, err = orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{Include: []orm.Include{{Relation: "profile", Args: &orm.FindArgs{Take: -1}}}})
	require.ErrorIs(t, err, orm.ErrValidation)
	d, err := orm.FindMany[Post](ctx, e.c, PostModel, &orm.FindArgs{Distinct: []string{"authorId"}})
	require.NoError(t, err)
	require.Empty(t, d)
}

func TestDistinctAndNulls(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	ctx := context.Background()
	posts, err := orm.FindMany[Post](ctx, e.c, PostModel, &orm.FindArgs{
		Distinct: []string{"authorId"}, OrderBy: []orm.Order{orm.Desc("views")}})
	require.NoError(t, err)
	require.Len(t, posts, 2)
	require.Equal(t, "Hello", posts[0].Title, "highest views of alice")
	require.Equal(t, "Bob's post", posts[1].Title)
	users, err := orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{
		OrderBy: []orm.Order{{Field: "name", Nulls: orm.NullsFirst}}})
	require.NoError(t, err)
	require.Nil(t, users[0].Name)
	require.Equal(t, "Alice", *users[1].Name)
}

func TestFindUniqueValidation(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	_, err := orm.FindUnique[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("name", "x")}})
	require.ErrorIs(t, err, orm.ErrValidation)
	u, err := orm.FindUnique[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("email", "nobody@x")}})
	require.NoError(t, err)
	require.Nil(t, u)
	_, err = orm.FindUniqueOrThrow[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", 42)}})
	require.ErrorIs(t, err, orm.ErrNotFound)
	require.True(t, orm.IsNotFound(err))
	oe, ok := orm.AsError(err)
	require.True(t, ok)
	require.Equal(t, orm.CodeNotFound, oe.Code)
	_, err = orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", "one")}})
	require.ErrorIs(t, err, orm.ErrValidation)
	_, err = orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("nope", 1)}})
	var ve *orm.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "where.nope", ve.Issues[0].Path)
}

func TestDelegateAndColumns(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	ctx := context.Background()
	posts := orm.Delegate[Post]{Model: PostModel}
	views := orm.Column[int]{Name: "views"}
	tags := orm.ListColumn[string]{Name: "tags"}
	ps, err := posts.FindMany(ctx, e.c, &orm.FindArgs{Where: orm.Where{views.Gte(3), tags.Has("go")}, OrderBy: []orm.Order{views.Desc()}})
	require.NoError(t, err)
	require.Len(t, ps, 2)
	require.Equal(t, "Hello", ps[0].Title)
	require.Equal(t, "Second", ps[1].Title)
	n, err := posts.Count(ctx, e.c, &orm.CountArgs{Where: orm.Where{orm.Text("title").StartsWith("Bob")}})
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
}
