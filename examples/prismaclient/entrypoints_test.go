package main

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/examples/prismaclient/db"
	"github.com/polystore/polystore/postgres/gen/typed"
	"github.com/polystore/polystore/postgres/orm"
)

// typedErr fails unless err is nil or one of the client's typed errors.
func typedErr(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ve *orm.ValidationError
	if errors.As(err, &ve) {
		return
	}
	if _, ok := orm.AsError(err); ok {
		return
	}
	t.Fatalf("%s: untyped error %T: %v", what, err, err)
}

// entryPoints calls every operation of the generated client's User
// delegate: with nil arguments when nilArgs is set, otherwise with empty or
// fuzzed ones (id, email, take, skip).
func entryPoints(ctx context.Context, c *db.Client, nilArgs bool, id int, email string, take, skip int) map[string]error {
	u := c.User
	f := db.UserFields
	e2 := func(_ any, err error) error { return err }
	if nilArgs {
		return map[string]error{
			"FindUnique":        e2(u.FindUnique(ctx, db.UserUnique{}, nil)),
			"FindUniqueOrThrow": e2(u.FindUniqueOrThrow(ctx, db.UserUnique{}, nil)),
			"FindFirst":         e2(u.FindFirst(ctx, nil)),
			"FindFirstOrThrow":  e2(u.FindFirstOrThrow(ctx, nil)),
			"FindMany":          e2(u.FindMany(ctx, nil)),
			"Create":            e2(u.Create(ctx, nil)),
			"CreateMany":        e2(u.CreateMany(ctx, nil)),
			"Update":            e2(u.Update(ctx, nil)),
			"UpdateMany":        e2(u.UpdateMany(ctx, nil)),
			"Upsert":            e2(u.Upsert(ctx, nil)),
			"Delete":            e2(u.Delete(ctx, nil)),
			"Count":             e2(u.Count(ctx, nil)),
			"Aggregate":         e2(u.Aggregate(ctx, nil)),
			"GroupBy":           e2(u.GroupBy(ctx, nil)),
		}
	}
	where := []db.UserCond{f.ID.Gte(id), f.Email.Contains(email)}
	return map[string]error{
		"FindUnique":  e2(u.FindUnique(ctx, db.UserByEmail(email), &db.UserFindArgs{Take: take, Skip: skip})),
		"FindFirst":   e2(u.FindFirst(ctx, &db.UserFindArgs{Where: where, Take: take, Skip: skip})),
		"FindMany":    e2(u.FindMany(ctx, &db.UserFindArgs{Where: where, Take: take, Skip: skip, Cursor: db.UserByID(id)})),
		"Create":      e2(u.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{f.Email.Set(email), f.ID.Set(id)}})),
		"CreateEmpty": e2(u.Create(ctx, &db.UserCreateArgs{})),
		"CreateMany":  e2(u.CreateMany(ctx, &db.UserCreateManyArgs{Data: [][]db.UserSet{{f.Email.Set(email)}, nil}})),
		"Update":      e2(u.Update(ctx, &db.UserUpdateArgs{Where: db.UserByID(id), Data: []db.UserSet{f.Name.Set(email)}})),
		"UpdateEmpty": e2(u.Update(ctx, &db.UserUpdateArgs{})),
		"UpdateMany":  e2(u.UpdateMany(ctx, &db.UserUpdateManyArgs{Where: where})),
		"Upsert":      e2(u.Upsert(ctx, &db.UserUpsertArgs{Where: db.UserByEmail(email), Create: []db.UserSet{f.Email.Set(email)}})),
		"UpsertEmpty": e2(u.Upsert(ctx, &db.UserUpsertArgs{})),
		"Delete":      e2(u.Delete(ctx, &db.UserDeleteArgs{Where: db.UserByID(id)})),
		"DeleteEmpty": e2(u.Delete(ctx, &db.UserDeleteArgs{})),
		"DeleteMany":  e2(u.DeleteMany(ctx, f.ID.Equals(id))),
		"Count":       e2(u.Count(ctx, &db.UserCountArgs{Where: where, Take: take, Skip: skip})),
		"Aggregate":   e2(u.Aggregate(ctx, &db.UserAggregateArgs{Where: where, Take: take, Skip: skip, Count: true})),
		"GroupBy":     e2(u.GroupBy(ctx, &db.UserGroupByArgs{Take: take, Skip: skip})),
	}
}

// TestGeneratedClientNilArguments: every entry point of the generated
// client (and a zero client) returns a typed error for nil or empty
// arguments; none panics.
func TestGeneratedClientNilArguments(t *testing.T) {
	ctx := context.Background()
	c, _ := setup(t)
	for name, err := range entryPoints(ctx, c, true, 0, "", 0, 0) {
		typedErr(t, name, err)
		switch name {
		case "FindFirst", "FindMany", "Count":
			require.NoError(t, err, "%s(nil) means no conditions, as in Prisma", name)
		default:
			require.Error(t, err, name)
		}
	}
	var zero db.Client
	for name, err := range entryPoints(ctx, &zero, true, 0, "", 0, 0) {
		require.Error(t, err, "zero client: %s", name)
		typedErr(t, "zero client: "+name, err)
	}
	for name, err := range entryPoints(ctx, c, false, 1, "a@b", 1, 0) {
		typedErr(t, name, err)
	}
}

// FuzzGeneratedClient drives the generated client's entry points with
// fuzzed values: only typed errors come back, never a panic.
func FuzzGeneratedClient(f *testing.F) {
	f.Add(false, 1, "a@example.com", 0, 0)
	f.Add(true, 0, "", 0, 0)
	f.Add(false, -1, "%_\\'\x00", -5, -1)
	f.Add(false, 1<<40, "x", 1<<31, 3)
	c, _ := setup(f)
	f.Fuzz(func(t *testing.T, nilArgs bool, id int, email string, take, skip int) {
		for name, err := range entryPoints(context.Background(), c, nilArgs, id, email, take, skip) {
			typedErr(t, name, err)
		}
	})
}

// TestGeneratedPush: the generated list handles push in updates.
func TestGeneratedPush(t *testing.T) {
	ctx := context.Background()
	c, _ := setup(t)
	u, err := c.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{db.UserFields.Email.Set("p@example.com")}})
	require.NoError(t, err)
	p, err := c.Post.Create(ctx, &db.PostCreateArgs{Data: []db.PostSet{db.PostFields.Title.Set("t"), db.PostFields.AuthorID.Set(u.ID)}})
	require.NoError(t, err)
	p, err = c.Post.Update(ctx, &db.PostUpdateArgs{Where: db.PostByID(p.ID), Data: []db.PostSet{db.PostFields.Tags.Push("go", "sql")}})
	require.NoError(t, err)
	require.Equal(t, []string{"go", "sql"}, p.Tags)
	p, err = c.Post.Update(ctx, &db.PostUpdateArgs{Where: db.PostByID(p.ID), Data: []db.PostSet{db.PostFields.Tags.Push("pg")}})
	require.NoError(t, err)
	require.Equal(t, []string{"go", "sql", "pg"}, p.Tags)
}

// TestGeneratedLimitAndGroupNulls: Prisma's limit on updateMany,
// updateManyAndReturn and deleteMany, and {sort, nulls} on a groupBy field,
// through the generated client (the runtime's answers are checked against
// Prisma's by postgres/orm's TestPrismaParity).
func TestGeneratedLimitAndGroupNulls(t *testing.T) {
	ctx := context.Background()
	c, _ := setup(t)
	u, err := c.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{db.UserFields.Email.Set("l@example.com")}})
	require.NoError(t, err)
	for _, title := range []string{"a", "b", "c", "d"} {
		_, err := c.Post.Create(ctx, &db.PostCreateArgs{Data: []db.PostSet{db.PostFields.Title.Set(title), db.PostFields.AuthorID.Set(u.ID)}})
		require.NoError(t, err)
	}
	n, err := c.Post.UpdateMany(ctx, &db.PostUpdateManyArgs{Data: []db.PostSet{db.PostFields.Content.Set("x")}, Limit: 2})
	require.NoError(t, err)
	require.EqualValues(t, 2, n, "at most limit rows change")
	rows, err := c.Post.UpdateManyAndReturn(ctx, &db.PostUpdateManyAndReturnArgs{
		Where: []db.PostCond{db.PostFields.Content.IsNull()}, Data: []db.PostSet{db.PostFields.Views.Set(7)}, Limit: 1})
	require.NoError(t, err)
	require.Len(t, rows, 1)

	groups, err := c.Post.GroupBy(ctx, &db.PostGroupByArgs{By: []db.PostField{db.PostFields.Content}, Count: true,
		OrderBy: []db.PostGroupOrder{{Field: db.PostFields.Content, Nulls: orm.NullsFirst}}})
	require.NoError(t, err)
	require.Len(t, groups, 2)
	require.Nil(t, groups[0].Key["content"], "the NULL group first")
	require.EqualValues(t, 2, groups[0].Count)

	n, err = c.Post.DeleteManyWith(ctx, &typed.DeleteManyArgs[db.Post]{Limit: 3})
	require.NoError(t, err)
	require.EqualValues(t, 3, n)
	left, err := c.Post.Count(ctx, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, left)
}
