package main

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/examples/prismaclient/db"
	"github.com/polystore/polystore/postgres/orm"
)

// The guide's batch transaction: update a user and create a post, results
// in order; a failing step rolls back the whole batch.
func TestBatchTransaction(t *testing.T) {
	c, _ := setup(t)
	s := seedBlog(t, c)
	ctx := context.Background()
	res, err := c.Batch(ctx, []orm.BatchOp{
		db.Step(func(ctx context.Context, tx *db.Client) (*db.User, error) {
			return tx.User.Update(ctx, &db.UserUpdateArgs{Where: db.UserByID(s.bob.ID), Data: []db.UserSet{db.UserFields.Name.Set("Updated")}})
		}),
		db.Step(func(ctx context.Context, tx *db.Client) (*db.Post, error) {
			return tx.Post.Create(ctx, &db.PostCreateArgs{Data: []db.PostSet{
				db.PostFields.Title.Set("New Post"), db.PostFields.AuthorID.Set(s.bob.ID)}})
		}),
	}, nil)
	require.NoError(t, err)
	require.Len(t, res, 2)
	require.Equal(t, "Updated", *res[0].(*db.User).Name)
	require.Equal(t, "New Post", res[1].(*db.Post).Title)

	_, err = c.Batch(ctx, []orm.BatchOp{
		db.Step(func(ctx context.Context, tx *db.Client) (*db.User, error) {
			return tx.User.Update(ctx, &db.UserUpdateArgs{Where: db.UserByID(s.bob.ID), Data: []db.UserSet{db.UserFields.Name.Set("Lost")}})
		}),
		db.Step(func(ctx context.Context, tx *db.Client) (*db.Post, error) {
			return tx.Post.Create(ctx, &db.PostCreateArgs{Data: []db.PostSet{ // same title and author: P2002
				db.PostFields.Title.Set("New Post"), db.PostFields.AuthorID.Set(s.bob.ID)}})
		}),
	}, nil)
	require.True(t, orm.IsUniqueViolation(err), "%v", err)
	e, ok := orm.AsError(err)
	require.True(t, ok)
	require.Equal(t, []string{"title", "authorId"}, e.Target)
	bob, err := c.User.FindUniqueOrThrow(ctx, db.UserByEmail("bob@example.com"), nil)
	require.NoError(t, err)
	require.Equal(t, "Updated", *bob.Name, "the first step was rolled back")

	// A Step of a nil function is a nil operation: Batch rejects it
	// before anything runs, instead of panicking inside the transaction.
	require.NotPanics(t, func() { _, err = c.Batch(ctx, []orm.BatchOp{db.Step[int](nil)}, nil) })
	require.True(t, orm.IsValidation(err), "%v", err)
	require.Contains(t, err.Error(), "Batch operation is nil")
}

// softDeleteClient is the guide's soft-delete middleware as an extension.
func TestSoftDeleteExtension(t *testing.T) {
	c, _ := setup(t)
	s := seedBlog(t, c)
	ctx := context.Background()
	sc := c.With(orm.SoftDelete("deletedAt", "User"))

	// carol has no posts, so the row could be deleted for real; soft delete keeps it.
	deleted, err := sc.User.Delete(ctx, &db.UserDeleteArgs{Where: db.UserByID(s.carol.ID)})
	require.NoError(t, err)
	require.NotNil(t, deleted.DeletedAt)

	users, err := sc.User.FindMany(ctx, &db.UserFindArgs{OrderBy: []db.UserOrder{db.UserFields.Email.Asc()}})
	require.NoError(t, err)
	require.Equal(t, []string{"alice@example.com", "bob@example.com"}, emails(users))
	n, err := sc.User.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	gone, err := sc.User.FindUnique(ctx, db.UserByID(s.carol.ID), nil)
	require.NoError(t, err)
	require.Nil(t, gone, "reads skip soft-deleted rows")
	_, err = sc.User.Update(ctx, &db.UserUpdateArgs{Where: db.UserByID(s.carol.ID), Data: []db.UserSet{db.UserFields.Name.Set("x")}})
	require.True(t, orm.IsNotFound(err), "updates skip soft-deleted rows: %v", err)

	// The plain client still sees the row.
	all, err := c.User.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(3), all)
	row, err := c.User.FindUniqueOrThrow(ctx, db.UserByID(s.carol.ID), nil)
	require.NoError(t, err)
	require.NotNil(t, row.DeletedAt)
}

// errInvalidEmail is what the validation extension returns.
var errInvalidEmail = errors.New("invalid email")

// validateEmail is the guide's "validate before create" query extension.
var validateEmail = &orm.Extension{
	Name:    "validateEmail",
	Models:  []string{"User"},
	Actions: []orm.Action{orm.ActionCreate, orm.ActionUpsert},
	Query: func(ctx context.Context, op *orm.Operation, next orm.Next) (any, error) {
		var data orm.Data
		switch a := op.Args.(type) {
		case *orm.CreateArgs:
			data = a.Data
		case *orm.UpsertArgs:
			data = a.Create
		}
		email, _ := data["email"].(string)
		if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
			return nil, fmt.Errorf("%w: %q", errInvalidEmail, email)
		}
		return next(ctx, op)
	},
}

func TestValidationExtension(t *testing.T) {
	c, _ := setup(t)
	ctx := context.Background()
	vc := c.With(validateEmail)
	_, err := vc.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{db.UserFields.Email.Set("not an email")}})
	require.ErrorIs(t, err, errInvalidEmail)
	n, err := c.User.Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n, "nothing was written")

	u, err := vc.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{db.UserFields.Email.Set("ok@example.com")}})
	require.NoError(t, err)
	require.Equal(t, "ok@example.com", u.Email)
	require.Equal(t, db.UserRoleUser, u.Role, "the database default applies")

	// Inside a transaction the extension still applies.
	err = vc.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		_, err := tx.User.Create(ctx, &db.UserCreateArgs{Data: []db.UserSet{db.UserFields.Email.Set("bad@")}})
		return err
	}, nil)
	require.ErrorIs(t, err, errInvalidEmail)
}

func emails(us []db.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Email
	}
	return out
}

// monthlyRank is a row of the raw report.
type monthlyRank struct {
	Month  time.Time `db:"month"`
	Author string    `db:"author"`
	Posts  int64     `db:"posts"`
	Views  int64     `db:"views"`
	Rank   int64     `db:"rank"`
}

// The guide's raw report: a CTE aggregating per month and author, ranked
// with a window function. Identifiers come from the generated metadata,
// values are bind parameters.
func TestRawReportWithCTEAndWindow(t *testing.T) {
	c, _ := setup(t)
	s := seedBlog(t, c)
	ctx := context.Background()
	// Three more posts for bob in March so that he outranks alice there.
	for i := range 3 {
		_, err := c.Post.Create(ctx, &db.PostCreateArgs{Data: []db.PostSet{
			db.PostFields.Title.Set(fmt.Sprintf("march %d", i)), db.PostFields.AuthorID.Set(s.bob.ID),
			db.PostFields.Views.Set(1), db.PostFields.CreatedAt.Set(time.Date(2024, 3, 20+i, 0, 0, 0, 0, time.UTC))}})
		require.NoError(t, err)
	}
	p, u := db.PostModel, db.UserModel
	from, to := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	q := orm.SQL(`WITH monthly AS (
	SELECT date_trunc('month', ?) AS month, ? AS author_id, count(*) AS posts, sum(?)::bigint AS views
	FROM ? WHERE ? >= ? AND ? < ?
	GROUP BY 1, 2
)
SELECT m.month, ? AS author, m.posts, m.views,
	rank() OVER (PARTITION BY m.month ORDER BY m.posts DESC, m.views DESC) AS rank
FROM monthly m JOIN ? ON ? = m.author_id
ORDER BY m.month, rank`,
		p.Col("createdAt"), p.Col("authorId"), p.Col("views"),
		p.TableSql(), p.Col("createdAt"), from, p.Col("createdAt"), to,
		u.Col("email"), u.TableSql(), u.Col("id"))
	rows, err := orm.QueryRaw[monthlyRank](ctx, c.DB(), q)
	require.NoError(t, err)
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s %s posts=%d views=%d rank=%d", r.Month.Format("2006-01"), r.Author, r.Posts, r.Views, r.Rank))
	}
	require.Equal(t, []string{
		"2024-01 alice@example.com posts=1 views=10 rank=1",
		"2024-02 alice@example.com posts=1 views=0 rank=1",
		"2024-03 bob@example.com posts=3 views=3 rank=1",
		"2024-03 alice@example.com posts=1 views=3 rank=2",
	}, got)
}

// A client bound to a transaction never leaves it: a nested Transaction or
// Batch joins it through a savepoint (a failing one undoes only its own
// work), and With refuses.
func TestTransactionBoundClient(t *testing.T) {
	c, _ := setup(t)
	ctx := context.Background()
	errRollback, errInner := errors.New("rollback"), errors.New("inner fails")
	createCategory := func(ctx context.Context, cl *db.Client, name string) error {
		_, err := cl.Category.Create(ctx, &db.CategoryCreateArgs{Data: []db.CategorySet{db.CategoryFields.Name.Set(name)}})
		return err
	}
	err := c.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		require.NoError(t, tx.Transaction(ctx, func(ctx context.Context, inner *db.Client) error {
			return createCategory(ctx, inner, "x")
		}, nil))
		err := tx.Transaction(ctx, func(ctx context.Context, inner *db.Client) error {
			require.NoError(t, createCategory(ctx, inner, "undone"))
			return errInner
		}, nil)
		require.ErrorIs(t, err, errInner)
		_, err = tx.Batch(ctx, []orm.BatchOp{db.Step(func(ctx context.Context, b *db.Client) (any, error) {
			return nil, createCategory(ctx, b, "y")
		})}, nil)
		require.NoError(t, err)
		n, err := tx.Category.Count(ctx, nil)
		require.NoError(t, err)
		require.EqualValues(t, 2, n, "x and y are in the outer transaction; the failed inner call left nothing")
		require.Panics(t, func() { tx.With(orm.SoftDelete("deletedAt")) })
		return errRollback
	}, nil)
	require.ErrorIs(t, err, errRollback)
	n, err := c.Category.Count(ctx, nil)
	require.NoError(t, err)
	require.Zero(t, n, "the nested transactions' writes rolled back with the outer one")
}
