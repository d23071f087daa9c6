package orm_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// perParentPost is a post of the per-parent fixtures: title, content (nil
// for NULL) and views, with ties on both.
type perParentPost struct {
	title   string
	content *string
	views   int
}

func sp(s string) *string { return &s }

// seedPerParent creates u1 (five posts), u2 (three posts) and u3 (none);
// posts are created in title order, so ids follow titles.
func seedPerParent(t *testing.T, e *env) (users []int, byTitle map[string]Post) {
	t.Helper()
	ctx := context.Background()
	data := [][]perParentPost{
		{{"a", sp("x"), 5}, {"b", nil, 5}, {"c", sp("x"), 3}, {"d", sp("y"), 5}, {"e", nil, 1}},
		{{"f", sp("x"), 2}, {"g", sp("y"), 2}, {"h", sp("y"), 9}},
		nil,
	}
	byTitle = map[string]Post{}
	for i, posts := range data {
		u, err := orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": fmt.Sprintf("u%d@example.com", i+1)}})
		require.NoError(t, err)
		users = append(users, u.ID)
		for _, p := range posts {
			d := orm.Data{"title": p.title, "views": p.views, "authorId": u.ID}
			if p.content != nil {
				d["content"] = *p.content
			}
			row, err := orm.Create[Post](ctx, e.c, PostModel, &orm.CreateArgs{Data: d})
			require.NoError(t, err)
			byTitle[p.title] = *row
		}
	}
	return users, byTitle
}

// prismaNested is the reference: how Prisma processes a nested to-many
// list for one parent (the parent's rows matching the filter, sorted by
// OrderBy — by the distinct fields when there is none — with the primary
// key breaking ties; distinct keeps the first row
// of each value set, NULLs equal; the list starts at the cursor row, and a
// parent without it gets no rows; then skip and take).
func prismaNested(rows []Post, fa *orm.FindArgs, cursorID int) []string {
	rows = slices.Clone(rows)
	order := fa.OrderBy
	if len(order) == 0 {
		// Without orderBy, Prisma sorts by the distinct fields
		// (TestPrismaParity's distinct_nested_plain).
		for _, d := range fa.Distinct {
			order = append(order, orm.Asc(d))
		}
	}
	slices.SortStableFunc(rows, func(a, b Post) int {
		if c := byOrder(a, b, order); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if cursorID != 0 && len(fa.Distinct) > 0 {
		// Prisma reads the rows from the cursor's ordering values on (ties
		// before the cursor row included) and applies distinct to those.
		at := slices.IndexFunc(rows, func(p Post) bool { return p.ID == cursorID })
		if at < 0 {
			return []string{}
		}
		cur := rows[at]
		if len(order) == 0 {
			rows = rows[at:]
		} else {
			rows = slices.DeleteFunc(rows, func(p Post) bool { return byOrder(p, cur, order) < 0 })
		}
	}
	if len(fa.Distinct) > 0 {
		seen := map[string]bool{}
		var kept []Post
		for _, r := range rows {
			key := ""
			for _, d := range fa.Distinct {
				switch d {
				case "content":
					if r.Content == nil {
						key += "|null"
					} else {
						key += "|s" + *r.Content
					}
				case "views":
					key += fmt.Sprintf("|%d", r.Views)
				}
			}
			if !seen[key] {
				seen[key] = true
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	start := 0
	if cursorID != 0 {
		start = slices.IndexFunc(rows, func(p Post) bool { return p.ID == cursorID })
		if start < 0 {
			return []string{}
		}
	}
	start = min(start+fa.Skip, len(rows))
	end := len(rows)
	if fa.Take > 0 {
		end = min(start+fa.Take, end)
	}
	out := []string{}
	for _, r := range rows[start:end] {
		out = append(out, r.Title)
	}
	return out
}

func postTitles(ps []Post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Title
	}
	return out
}

// Nested distinct, cursor, skip and take apply to each parent's list, under
// both strategies, with the rows Prisma returns.
func TestNestedDistinctCursorPerParent(t *testing.T) {
	e := newEnv(t, nil)
	users, posts := seedPerParent(t, e)
	ctx := context.Background()
	id := func(title string) orm.Where { return orm.Where{orm.Eq("id", posts[title].ID)} }
	load := func(t *testing.T, s orm.Strategy, fa *orm.FindArgs) [][]string {
		t.Helper()
		us, err := orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{
			OrderBy: []orm.Order{orm.Asc("id")}, Strategy: s,
			Include: []orm.Include{{Relation: "posts", Args: fa}},
		})
		require.NoError(t, err)
		require.Len(t, us, 3)
		out := make([][]string, len(us))
		for i, u := range us {
			require.Equal(t, users[i], u.ID)
			out[i] = postTitles(u.Posts)
		}
		return out
	}
	viewsDesc := []orm.Order{orm.Desc("views")}
	contentAsc := []orm.Order{orm.Asc("content")}
	// Worked out by hand from Prisma's processing (see prismaNested).
	cases := []struct {
		name string
		fa   *orm.FindArgs
		want [][]string
	}{
		{"distinct with NULLs equal", &orm.FindArgs{Distinct: []string{"content"}, OrderBy: viewsDesc},
			[][]string{{"a", "b", "d"}, {"h", "f"}, {}}},
		{"distinct then skip and take", &orm.FindArgs{Distinct: []string{"content"}, OrderBy: viewsDesc, Skip: 1, Take: 2},
			[][]string{{"b", "d"}, {"f"}, {}}},
		{"distinct keeps the first of ties by id", &orm.FindArgs{Distinct: []string{"views"}, OrderBy: []orm.Order{orm.Asc("views")}},
			[][]string{{"e", "c", "a"}, {"f", "h"}, {}}},
		{"distinct with NULLs first", &orm.FindArgs{Distinct: []string{"content"}, OrderBy: []orm.Order{{Field: "content", Nulls: orm.NullsFirst}}},
			[][]string{{"b", "a", "d"}, {"f", "g"}, {}}},
		{"cursor only in its parent", &orm.FindArgs{Cursor: id("d"), OrderBy: viewsDesc},
			[][]string{{"d", "c", "e"}, {}, {}}},
		{"cursor with skip and take", &orm.FindArgs{Cursor: id("d"), OrderBy: viewsDesc, Skip: 1, Take: 1},
			[][]string{{"c"}, {}, {}}},
		{"cursor on a NULL in order", &orm.FindArgs{Cursor: id("b"), OrderBy: contentAsc},
			[][]string{{"b", "e"}, {}, {}}},
		{"cursor after distinct", &orm.FindArgs{Cursor: id("b"), Distinct: []string{"content"}, OrderBy: contentAsc},
			[][]string{{"b"}, {}, {}}},
		{"cursor row removed by distinct", &orm.FindArgs{Cursor: id("c"), Distinct: []string{"content"}, OrderBy: contentAsc},
			[][]string{{}, {}, {}}},
		{"cursor in the second parent", &orm.FindArgs{Cursor: id("g"), Take: 5},
			[][]string{{}, {"g", "h"}, {}}},
		{"cursor and where", &orm.FindArgs{Cursor: id("a"), Where: orm.Where{orm.Gte("views", 3)}},
			[][]string{{"a", "b", "c", "d"}, {}, {}}},
		{"cursor filtered out by where", &orm.FindArgs{Cursor: id("e"), Where: orm.Where{orm.Gte("views", 3)}},
			[][]string{{}, {}, {}}},
		{"skip and take without order: by id", &orm.FindArgs{Skip: 1, Take: 2},
			[][]string{{"b", "c"}, {"g", "h"}, {}}},
	}
	for _, s := range strategies() {
		for _, tc := range cases {
			t.Run(strategyName(s)+"/"+tc.name, func(t *testing.T) {
				require.Equal(t, tc.want, load(t, s, tc.fa))
			})
		}
	}

	// Every combination against the reference.
	var all []Post
	for _, title := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		all = append(all, posts[title])
	}
	orders := [][]orm.Order{nil, viewsDesc, contentAsc, {{Field: "content", Nulls: orm.NullsFirst, Desc: true}},
		{orm.Asc("views"), orm.Desc("content")}}
	distincts := [][]string{nil, {"content"}, {"views"}, {"content", "views"}}
	cursors := []string{"", "b", "d", "g"}
	n := 0
	for _, ob := range orders {
		for _, d := range distincts {
			for _, cur := range cursors {
				for _, skip := range []int{0, 1} {
					for _, take := range []int{0, 2} {
						fa := &orm.FindArgs{OrderBy: ob, Distinct: d, Skip: skip, Take: take}
						cursorID := 0
						if cur != "" {
							fa.Cursor, cursorID = id(cur), posts[cur].ID
						}
						want := make([][]string, len(users))
						for i, u := range users {
							var mine []Post
							for _, p := range all {
								if p.AuthorID == u {
									mine = append(mine, p)
								}
							}
							want[i] = prismaNested(mine, fa, cursorID)
						}
						for _, s := range strategies() {
							n++
							got := load(t, s, fa)
							if ob == nil && d == nil && cur == "" && skip == 0 && take == 0 {
								// No order asked for: any order is Prisma's.
								for i := range got {
									slices.Sort(got[i])
								}
							}
							require.Equal(t, want, got, "%s orderBy=%v distinct=%v cursor=%q skip=%d take=%d",
								strategyName(s), ob, d, cur, skip, take)
						}
					}
				}
			}
		}
	}
	require.Equal(t, 2*5*4*4*2*2, n)
}

// The query strategy still reads each relation level with one statement,
// and nested levels below a per-parent list load for the rows kept.
func TestNestedPerParentStatementsAndDepth(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob, _ := seed(t, e)
	ctx := context.Background()
	for _, s := range strategies() {
		t.Run(strategyName(s), func(t *testing.T) {
			var us []User
			var err error
			n := e.count(func() {
				us, err = orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{
					OrderBy: []orm.Order{orm.Asc("id")}, Strategy: s,
					Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{
						Distinct: []string{"published"}, OrderBy: []orm.Order{orm.Desc("views")},
						Include: []orm.Include{
							{Relation: "comments", Args: &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}, Cursor: orm.Where{orm.Eq("body", "spam"), orm.Eq("id", 2)}, Take: 5}},
							{Relation: "categories", Args: &orm.FindArgs{Distinct: []string{"name"}, OrderBy: []orm.Order{orm.Desc("name")}, Take: 1}},
						},
					}}},
				})
			})
			require.NoError(t, err)
			want := int64(1)
			if s == orm.StrategyQuery {
				want = 4
			}
			require.Equal(t, want, n, "statements")
			byID := map[int]User{}
			for _, u := range us {
				byID[u.ID] = u
			}
			// alice: published Hello (10 views) and unpublished Draft.
			a := byID[alice.ID]
			require.Equal(t, []string{"Hello", "Draft"}, postTitles(a.Posts))
			require.Len(t, a.Posts[0].Comments, 2, "from the cursor comment (id 2) on")
			require.Equal(t, "spam", a.Posts[0].Comments[0].Body)
			require.Equal(t, []string{"tech"}, names(a.Posts[0].Categories))
			require.Empty(t, a.Posts[1].Comments)
			require.Empty(t, a.Posts[1].Categories)
			require.Equal(t, []string{"Bob's post"}, postTitles(byID[bob.ID].Posts))
		})
	}
}

// Distinct, cursor, skip and take belong to to-many includes.
func TestNestedPagingOnToOneIsValidationError(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	for _, s := range strategies() {
		_, err := orm.FindMany[Post](ctx, e.c, PostModel, &orm.FindArgs{Strategy: s,
			Include: []orm.Include{{Relation: "author", Args: &orm.FindArgs{Distinct: []string{"name"}}}}})
		require.ErrorIs(t, err, orm.ErrValidation, strategyName(s))
		_, err = orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{Strategy: s,
			Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{Cursor: orm.Where{orm.Eq("views", 1)}}}}})
		require.ErrorIs(t, err, orm.ErrValidation, "a cursor needs a unique selector (%s)", strategyName(s))
	}
}

// byOrder compares two posts by orders alone (no tie-break).
func byOrder(a, b Post, orders []orm.Order) int {

	for _, o := range orders {
		var c int
		switch o.Field {
		case "views":
			c = cmp.Compare(a.Views, b.Views)
		case "content":
			// NULLs sort as the largest value unless placed otherwise.
			an, bn := a.Content == nil, b.Content == nil
			switch {
			case an && bn:
			case an || bn:
				nullsFirst := o.Nulls == orm.NullsFirst || (o.Nulls == orm.NullsDefault && o.Desc)
				if an == nullsFirst {
					return -1
				}
				return 1
			default:
				c = cmp.Compare(*a.Content, *b.Content)
			}
		default:
			panic(o.Field)
		}
		if o.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// Distinct and cursor together, at the top level and nested, under both
// strategies: the rows Prisma 7.10 returned on the same data (recorded with
// its PostgreSQL adapter; cases whose order Prisma leaves to ties are left
// out). Prisma reads the rows from the cursor's ordering values on, applies
// distinct to them and starts the list at the cursor row.
func TestDistinctCursorAsPrisma(t *testing.T) {
	e := newEnv(t, nil)
	_, posts := seedPerParent(t, e)
	ctx := context.Background()
	id := func(title string) orm.Where { return orm.Where{orm.Eq("id", posts[title].ID)} }
	contentAsc := []orm.Order{orm.Asc("content")}
	cases := []struct {
		name   string
		fa     func() *orm.FindArgs
		top    []string
		nested [][]string
	}{
		{"cursor then distinct", func() *orm.FindArgs {
			return &orm.FindArgs{Cursor: id("b"), Distinct: []string{"views"}, OrderBy: []orm.Order{orm.Asc("id")}}
		}, []string{"b", "c", "e", "f", "h"}, [][]string{{"b", "c", "e"}, {}, {}}},
		{"cursor in the second parent", func() *orm.FindArgs { return &orm.FindArgs{Cursor: id("g"), Take: 5} },
			[]string{"g", "h"}, [][]string{{}, {"g", "h"}, {}}},
		{"cursor and where", func() *orm.FindArgs { return &orm.FindArgs{Cursor: id("a"), Where: orm.Where{orm.Gte("views", 3)}} },
			[]string{"a", "b", "c", "d", "h"}, [][]string{{"a", "b", "c", "d"}, {}, {}}},
		{"cursor filtered out by where", func() *orm.FindArgs { return &orm.FindArgs{Cursor: id("e"), Where: orm.Where{orm.Gte("views", 3)}} },
			[]string{"h"}, [][]string{{}, {}, {}}},
		{"skip and take without order", func() *orm.FindArgs { return &orm.FindArgs{Skip: 1, Take: 2} },
			[]string{"b", "c"}, [][]string{{"b", "c"}, {"g", "h"}, {}}},
		{"cursor after distinct", func() *orm.FindArgs {
			return &orm.FindArgs{Cursor: id("b"), Distinct: []string{"content"}, OrderBy: contentAsc}
		}, []string{"b"}, [][]string{{"b"}, {}, {}}},
		{"cursor row removed by distinct", func() *orm.FindArgs {
			return &orm.FindArgs{Cursor: id("c"), Distinct: []string{"content"}, OrderBy: contentAsc}
		}, []string{}, [][]string{{}, {}, {}}},
		{"distinct keeps the first of ties", func() *orm.FindArgs {
			return &orm.FindArgs{Distinct: []string{"views"}, OrderBy: []orm.Order{orm.Asc("views")}}
		}, []string{"e", "f", "c", "a", "h"}, [][]string{{"e", "c", "a"}, {"f", "h"}, {}}},
		{"cursor on a NULL in order", func() *orm.FindArgs { return &orm.FindArgs{Cursor: id("b"), OrderBy: contentAsc} },
			[]string{"b", "e"}, [][]string{{"b", "e"}, {}, {}}},
	}
	for _, s := range strategies() {
		for _, tc := range cases {
			t.Run(strategyName(s)+"/"+tc.name, func(t *testing.T) {
				fa := tc.fa()
				fa.Strategy = s
				ps, err := orm.FindMany[Post](ctx, e.c, PostModel, fa)
				require.NoError(t, err)
				require.Equal(t, tc.top, postTitles(ps), "top level")
				us, err := orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{
					OrderBy: []orm.Order{orm.Asc("id")}, Strategy: s,
					Include: []orm.Include{{Relation: "posts", Args: tc.fa()}},
				})
				require.NoError(t, err)
				got := make([][]string, len(us))
				for i, u := range us {
					got[i] = postTitles(u.Posts)
				}
				require.Equal(t, tc.nested, got, "nested")
			})
		}
	}
}
