package orm_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormtest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { devenv.Main(m) }

// The guide's schema, from ormtest.
var (
	UserModel        = ormtest.UserModel
	PostModel        = ormtest.PostModel
	ProfileModel     = ormtest.ProfileModel
	CategoryModel    = ormtest.CategoryModel
	CommentModel     = ormtest.CommentModel
	AccountModel     = ormtest.AccountModel
	TransactionModel = ormtest.TransactionModel
)

type (
	User           = ormtest.User
	Post           = ormtest.Post
	PostCount      = ormtest.PostCount
	Profile        = ormtest.Profile
	Category       = ormtest.Category
	Comment        = ormtest.Comment
	Account        = ormtest.Account
	TransactionRow = ormtest.TransactionRow
)

// env is a client on a fresh database with the schema, counting statements.
type env struct {
	c     *orm.Client
	url   string
	stmts atomic.Int64
}

func newEnv(t testing.TB, cfg func(*orm.Config)) *env {
	t.Helper()
	e := &env{url: devenv.PostgresURL(t)}
	c, err := orm.ParseConfig(e.url)
	require.NoError(t, err)
	c.OnQuery = func(context.Context, orm.QueryEvent) { e.stmts.Add(1) }
	if cfg != nil {
		cfg(c)
	}
	e.c, err = orm.New(context.Background(), c)
	require.NoError(t, err)
	t.Cleanup(e.c.Close)
	_, err = e.c.Pool().Exec(context.Background(), ormtest.DDL)
	require.NoError(t, err)
	return e
}

// count returns how many statements f ran.
func (e *env) count(f func()) int64 {
	before := e.stmts.Load()
	f()
	return e.stmts.Load() - before
}
