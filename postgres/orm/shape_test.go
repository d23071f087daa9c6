package orm_test

import (
	"context"
	"sync"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// Finds of one shape with different values send the same SQL text, which
// the connection prepares once (pgx's statement cache then hits: the
// server holds one prepared statement per shape), and each returns its
// own rows — under both relation strategies.
func TestStatementCacheByShape(t *testing.T) {
	var mu sync.Mutex
	var sqls []string
	e := newEnv(t, func(c *orm.Config) {
		c.Pool.MaxConns = 1 // one connection: its prepared statements are visible
		c.OnQuery = func(_ context.Context, ev orm.QueryEvent) {
			mu.Lock()
			sqls = append(sqls, ev.SQL)
			mu.Unlock()
		}
	})
	ctx := context.Background()
	alice, bob, carol := seed(t, e)
	for _, s := range strategies() {
		t.Run(strategyName(s), func(t *testing.T) {
			mu.Lock()
			sqls = nil
			mu.Unlock()
			for _, u := range []*User{alice, bob, carol, alice, bob, carol} {
				got, err := orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{
					Where: orm.Where{orm.Eq("id", u.ID)}, Take: 5, Strategy: s,
					Include: []orm.Include{{Relation: "posts", Args: &orm.FindArgs{Where: orm.Where{orm.Gte("views", 0)}, OrderBy: []orm.Order{orm.Asc("id")}}}},
				})
				require.NoError(t, err)
				require.Len(t, got, 1)
				require.Equal(t, u.Email, got[0].Email)
				want := map[int]int{alice.ID: 3, bob.ID: 1, carol.ID: 0}[u.ID]
				require.Len(t, got[0].Posts, want)
			}
			mu.Lock()
			distinct := map[string]int{}
			for _, q := range sqls {
				distinct[q]++
			}
			mu.Unlock()
			perFind := 1
			if s == orm.StrategyQuery {
				perFind = 2 // users, then their posts
			}
			require.Len(t, distinct, perFind, "one SQL text per level whatever the values: %v", distinct)
			for q := range distinct {
				var n int
				require.NoError(t, e.c.Pool().QueryRow(ctx, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", q).Scan(&n))
				require.Equal(t, 1, n, "prepared once: %s", q)
			}
		})
	}
}
