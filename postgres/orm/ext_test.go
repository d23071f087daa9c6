package orm_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

func TestSoftDeleteExtension(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	_, bob, carol := seed(t, e)
	c := e.c.With(orm.SoftDelete("deletedAt"))

	gone, err := orm.Delete[User](ctx, c, UserModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", carol.ID)}})
	require.NoError(t, err)
	require.NotNil(t, gone.DeletedAt, "delete became an update of deletedAt")

	u, err := orm.FindUnique[User](ctx, c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", carol.ID)}})
	require.NoError(t, err)
	require.Nil(t, u, "soft-deleted rows are hidden")
	n, err := orm.Count(ctx, c, UserModel, nil)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	_, err = orm.Delete[User](ctx, c, UserModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", carol.ID)}})
	require.True(t, orm.IsNotFound(err), "deleting twice misses")

	raw, err := orm.Count(ctx, e.c, UserModel, nil)
	require.NoError(t, err)
	require.EqualValues(t, 3, raw, "the row is still there for the plain client")

	n, err = orm.DeleteMany(ctx, c, UserModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", bob.ID)}})
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	n, err = orm.Count(ctx, c, UserModel, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	// Posts have no deletedAt field: untouched by the extension.
	pn, err := orm.DeleteMany(ctx, c, CommentModel, nil)
	require.ErrorIs(t, err, orm.ErrValidation, "DeleteMany needs arguments")
	require.Zero(t, pn)
}

// The guide's validation middleware and a result extension.
func TestQueryAndResultExtensions(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	errInvalidEmail := errors.New("invalid email")
	c := e.c.With(&orm.Extension{
		Name: "validate", Models: []string{"User"}, Actions: []orm.Action{orm.ActionCreate},
		Query: func(ctx context.Context, op *orm.Operation, next orm.Next) (any, error) {
			email, _ := op.Args.(*orm.CreateArgs).Data["email"].(string)
			if !strings.Contains(email, "@") {
				return nil, errInvalidEmail
			}
			return next(ctx, op)
		},
	}, &orm.Extension{
		Name: "display", Models: []string{"User"},
		Result: func(m *orm.Model, row any) {
			u := row.(*User)
			u.Display = u.Email
			if u.Name != nil {
				u.Display = *u.Name + " <" + u.Email + ">"
			}
		},
	})
	_, err := orm.Create[User](ctx, c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "nope"}})
	require.ErrorIs(t, err, errInvalidEmail)
	u, err := orm.Create[User](ctx, c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "dan@example.com", "name": "Dan"}})
	require.NoError(t, err)
	require.Equal(t, "Dan <dan@example.com>", u.Display)
	all, err := orm.FindMany[User](ctx, c, UserModel, nil)
	require.NoError(t, err)
	require.Equal(t, "Dan <dan@example.com>", all[0].Display)
	groups, err := orm.GroupBy(ctx, c, UserModel, &orm.GroupByArgs{By: []string{"role"}, Count: true})
	require.NoError(t, err, "result hooks only see model rows, not groups")
	require.EqualValues(t, 1, groups[0].Count)
	plain, err := orm.FindMany[User](ctx, e.c, UserModel, nil)
	require.NoError(t, err)
	require.Empty(t, plain[0].Display, "the base client is unchanged")
}

func TestTenantExtension(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	acme := e.c.With(orm.Tenant("tenantId", "acme"))
	globex := e.c.With(orm.Tenant("tenantId", "globex"))
	_, err := orm.Create[Account](ctx, acme, AccountModel, &orm.CreateArgs{Data: orm.Data{"owner": "a1", "balance": 10}})
	require.NoError(t, err)
	_, err = orm.CreateMany(ctx, globex, AccountModel, &orm.CreateManyArgs{Data: []orm.Data{{"owner": "g1", "balance": 1}, {"owner": "g2", "balance": 2}}})
	require.NoError(t, err)
	a, err := orm.FindMany[Account](ctx, acme, AccountModel, nil)
	require.NoError(t, err)
	require.Len(t, a, 1)
	require.Equal(t, "acme", a[0].TenantID)
	n, err := orm.UpdateMany(ctx, globex, AccountModel, &orm.UpdateArgs{Data: orm.Data{"balance": orm.Increment(100)}})
	require.NoError(t, err)
	require.EqualValues(t, 2, n, "globex only touches its own rows")
	_, err = orm.Update[Account](ctx, globex, AccountModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", a[0].ID)}, Data: orm.Data{"balance": 0}})
	require.True(t, orm.IsNotFound(err), "another tenant's row is invisible")

	// The transaction carries the tenant for row-level security policies.
	err = acme.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		got, err := orm.QueryRaw[string](ctx, tx, orm.SQL("SELECT current_setting(?, true)", orm.TenantSetting))
		require.NoError(t, err)
		require.Equal(t, []string{"acme"}, got)
		return nil
	}, nil)
	require.NoError(t, err)
	got, err := orm.QueryRaw[string](ctx, globex, orm.SQL("SELECT current_setting(?, true)", orm.TenantSetting))
	require.NoError(t, err)
	require.Equal(t, []string{"globex"}, got, "single operations run in a transaction with the setting too")
	got, err = orm.QueryRaw[string](ctx, e.c, orm.SQL("SELECT coalesce(current_setting(?, true), '')", orm.TenantSetting))
	require.NoError(t, err)
	require.Equal(t, []string{""}, got, "the setting is local to the transaction")
}

func TestSlogHandler(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	e := newEnv(t, func(c *orm.Config) { c.OnQuery = orm.SlogHandler(logger, slog.LevelInfo) })
	ctx := context.Background()
	_, err := orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("email", "secret@example.com")}})
	require.NoError(t, err)
	out := buf.String()
	require.Contains(t, out, `"model":"User"`)
	require.Contains(t, out, `"action":"findMany"`)
	require.Contains(t, out, `"args":1`)
	require.Contains(t, out, `"rows":0`)
	require.NotContains(t, out, "secret@example.com", "argument values are never logged")
	_ = time.Second
}

func TestRawReportWithCTEAndWindow(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	seed(t, e)
	since := time.Now().Add(-time.Hour)
	type row struct {
		Author   string `db:"author"`
		Title    string `db:"title"`
		Comments int64  `db:"comments"`
		Rank     int64  `db:"rank"`
	}
	// WITH per-post comment counts, ranked per author by a window function.
	q := orm.SQL(`WITH post_stats AS (
	  SELECT p.id, p.title, p.? AS author_id, count(c.id) AS comments
	  FROM ? p LEFT JOIN ? c ON c.? = p.id
	  WHERE p.? > ?
	  GROUP BY p.id
	)
	SELECT u.email AS author, ps.title, ps.comments,
	       RANK() OVER (PARTITION BY ps.author_id ORDER BY ps.comments DESC, ps.title) AS rank
	FROM post_stats ps JOIN ? u ON u.id = ps.author_id
	ORDER BY author, rank`,
		PostModel.Col("authorId"), PostModel.TableSql(), CommentModel.TableSql(), CommentModel.Col("postId"),
		PostModel.Col("createdAt"), since, UserModel.TableSql())
	rows, err := orm.QueryRaw[row](ctx, e.c, q)
	require.NoError(t, err)
	require.Len(t, rows, 4)
	require.Equal(t, row{"alice@example.com", "Hello", 3, 1}, rows[0])
	require.EqualValues(t, 2, rows[1].Rank)
	require.Equal(t, row{"bob@example.com", "Bob's post", 0, 1}, rows[3])

	// Injection attempts stay values.
	evil := "x' OR '1'='1"
	users, err := orm.QueryRaw[map[string]any](ctx, e.c, orm.SQL("SELECT * FROM ? WHERE name LIKE ?", UserModel.TableSql(), "%"+evil+"%"))
	require.NoError(t, err)
	require.Empty(t, users)

	n, err := orm.ExecRaw(ctx, e.c, orm.SQL("UPDATE ? SET views = views + ? WHERE published", PostModel.TableSql(), 1))
	require.NoError(t, err)
	require.EqualValues(t, 3, n)
	_, _, err = orm.SQL("SELECT ?, ?", 1).Build()
	require.ErrorIs(t, err, orm.ErrRawSQL)
	_, _, err = orm.SQL("SELECT ?", UserModel.Col("nope")).Build()
	require.ErrorIs(t, err, orm.ErrRawSQL)
}

// A result column no field of the struct takes says which column and how
// to map it, instead of pgx's bare "struct doesn't have corresponding row
// field".
func TestQueryRawUnmatchedColumn(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	seed(t, e)
	type row struct {
		Email string
		Spent int64
	}
	_, err := orm.QueryRaw[row](ctx, e.c, orm.SQL("SELECT u.email, count(*) AS posts_written FROM ? u GROUP BY 1", UserModel.TableSql()))
	require.Error(t, err)
	require.Contains(t, err.Error(), `orm: QueryRaw into orm_test.row: no field takes the column "posts_written"`)
	require.Contains(t, err.Error(), "`db:\"posts_written\"`")

	rows, err := orm.QueryRaw[row](ctx, e.c, orm.SQL("SELECT u.email, count(*) AS spent FROM ? u GROUP BY 1 ORDER BY 1", UserModel.TableSql()))
	require.NoError(t, err, "a column named after a field is taken")
	require.Equal(t, "alice@example.com", rows[0].Email)
}

// The guide's Knex join: users x posts with a left-joined comment count.
func TestBuilderReport(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	seed(t, e)
	q := orm.Select("users.name", "Post.title", orm.SQL("COUNT(?) AS comment_count", orm.Ident("Comment", "id"))).
		From("users").
		Join("Post", orm.On("users.id", "Post.authorId")).
		LeftJoin("Comment", orm.On("Post.id", "Comment.postId")).
		WhereOp("Post.published", "=", true).
		GroupBy("users.id", "Post.id").
		Having(orm.SQL("COUNT(?) >= ?", orm.Ident("Comment", "id"), 0)).
		OrderBy(orm.Raw("comment_count"), true).
		OrderBy("Post.title", false).
		Limit(10)
	text, args, err := q.Sql().Build()
	require.NoError(t, err)
	require.Equal(t, `SELECT "users"."name", "Post"."title", COUNT("Comment"."id") AS comment_count FROM "users" `+
		`JOIN "Post" ON "users"."id" = "Post"."authorId" LEFT JOIN "Comment" ON "Post"."id" = "Comment"."postId" `+
		`WHERE ("Post"."published" = $1) GROUP BY "users"."id", "Post"."id" HAVING (COUNT("Comment"."id") >= $2) `+
		`ORDER BY comment_count DESC, "Post"."title" LIMIT 10`, text)
	require.Equal(t, []any{true, 0}, args)
	type row struct {
		Name         *string
		Title        string
		CommentCount int64
	}
	rows, err := orm.QueryRaw[row](ctx, e.c, q.Sql())
	require.NoError(t, err)
	require.Len(t, rows, 3)
	require.Equal(t, "Hello", rows[0].Title)
	require.EqualValues(t, 3, rows[0].CommentCount)
	_, _, err = orm.Select("a").From("t").WhereOp("a", "; DROP", 1).Sql().Build()
	require.ErrorIs(t, err, orm.ErrRawSQL)
}

// Tenant's set_config makes PostgreSQL row-level security policies apply:
// even a raw query, which the Where scoping does not touch, sees only the
// tenant's rows when the client runs as a non-superuser role.
func TestTenantRowLevelSecurity(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	role := devenv.UniqueName("polystore_rls_")
	q := pgx.Identifier{role}.Sanitize()
	_, err := e.c.Pool().Exec(ctx, `CREATE ROLE `+q+` NOLOGIN;
		GRANT SELECT, INSERT, UPDATE, DELETE ON "Account" TO `+q+`;
		GRANT USAGE ON SEQUENCE "Account_id_seq" TO `+q+`;
		ALTER TABLE "Account" ENABLE ROW LEVEL SECURITY;
		CREATE POLICY tenant_isolation ON "Account"
		  USING ("tenantId" = current_setting('app.current_tenant', true))
		  WITH CHECK ("tenantId" = current_setting('app.current_tenant', true));`)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := e.c.Pool().Exec(context.Background(), "DROP OWNED BY "+q+"; DROP ROLE "+q)
		require.NoError(t, err)
	})
	_, err = orm.CreateMany(ctx, e.c, AccountModel, &orm.CreateManyArgs{Data: []orm.Data{
		{"owner": "a", "balance": 1, "tenantId": "acme"}, {"owner": "b", "balance": 2, "tenantId": "globex"}, {"owner": "c", "balance": 3, "tenantId": "globex"}}})
	require.NoError(t, err)

	cfg, err := orm.ParseConfig(e.url)
	require.NoError(t, err)
	cfg.Pool.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, "SET ROLE "+q)
		return err
	}
	app, err := orm.New(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(app.Close)

	count := func(c *orm.Client) int64 {
		n, err := orm.QueryRaw[int64](ctx, c, orm.SQL(`SELECT count(*) FROM "Account"`))
		require.NoError(t, err)
		return n[0]
	}
	require.EqualValues(t, 0, count(app), "no tenant: the policy hides every row")
	require.EqualValues(t, 1, count(app.With(orm.Tenant("tenantId", "acme"))))
	require.EqualValues(t, 2, count(app.With(orm.Tenant("tenantId", "globex"))))
	// Writing another tenant's row is refused by the policy, not only by the Where.
	_, err = orm.ExecRaw(ctx, app.With(orm.Tenant("tenantId", "acme")), orm.SQL(`INSERT INTO "Account" (owner, balance, "tenantId") VALUES (?, ?, ?)`, "x", 1, "globex"))
	require.Error(t, err)
}

// The guide's $queryRaw (users with more than N posts since a date) and
// $executeRaw of a stored procedure, with every value a parameter.
func TestGuideRawQueries(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	seed(t, e)
	type row struct {
		Email     string `db:"email"`
		PostCount int64  `db:"post_count"`
	}
	rows, err := orm.QueryRaw[row](ctx, e.c, orm.SQL(`
		SELECT u.email, COUNT(p.id) AS post_count
		FROM users u
		LEFT JOIN "Post" p ON u.id = p."authorId"
		WHERE u."createdAt" > ?
		GROUP BY u.id
		HAVING COUNT(p.id) > ?
		ORDER BY post_count DESC`, time.Now().Add(-time.Hour), 0))
	require.NoError(t, err)
	require.Equal(t, []row{{"alice@example.com", 3}, {"bob@example.com", 1}}, rows)

	_, err = orm.ExecRaw(ctx, e.c, orm.SQL(`CREATE PROCEDURE cleanup_old_records(days int) LANGUAGE sql AS $$
		DELETE FROM "Comment" WHERE "createdAt" < now() - make_interval(days => days) $$`))
	require.NoError(t, err)
	_, err = orm.ExecRaw(ctx, e.c, orm.SQL("CALL cleanup_old_records(?)", 0))
	require.NoError(t, err)
	n, err := orm.Count(ctx, e.c, CommentModel, nil)
	require.NoError(t, err)
	require.Zero(t, n, "every comment is older than zero days")
}
