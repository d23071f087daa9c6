package orm_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// writeLog records Config.AfterWrite calls, and for each the number of
// users another connection could see at that moment (proving the call came
// after the commit).
type writeLog struct {
	mu      sync.Mutex
	calls   [][]string
	writes  [][]orm.Written
	visible []int
	e       *env
}

func (l *writeLog) afterWrite(ctx context.Context, writes []orm.Written) {
	var n int
	_ = l.e.c.Pool().QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	l.mu.Lock()
	defer l.mu.Unlock()
	var m []string
	for _, w := range writes {
		m = append(m, w.Model)
	}
	slices.Sort(m)
	l.calls = append(l.calls, m)
	l.writes = append(l.writes, writes)
	l.visible = append(l.visible, n)
}

// takeWrites returns the reports since the last take, sorted by model.
func (l *writeLog) takeWrites() [][]orm.Written {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.writes
	l.writes, l.calls = nil, nil
	for _, ws := range w {
		slices.SortFunc(ws, func(a, b orm.Written) int { return strings.Compare(a.Model, b.Model) })
	}
	return w
}

func (l *writeLog) take() [][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.calls
	l.calls, l.writes = nil, nil
	return c
}

func TestAfterWrite(t *testing.T) {
	l := &writeLog{}
	e := newEnv(t, func(c *orm.Config) { c.AfterWrite = l.afterWrite })
	l.e = e
	ctx := context.Background()

	u, err := orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "a@x"}})
	require.NoError(t, err)
	require.Equal(t, [][]string{{"User"}}, l.take(), "a create reports its model once")
	require.Equal(t, []int{1}, l.visible, "reported after the commit: another connection sees the row")

	_, err = orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{Include: []orm.Include{orm.Inc("posts")}})
	require.NoError(t, err)
	_, err = orm.Count(ctx, e.c, UserModel, nil)
	require.NoError(t, err)
	require.Empty(t, l.take(), "reads report nothing")

	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", u.ID)},
		Data: orm.Data{"posts": &orm.Nested{Create: []orm.Data{{"title": "t1"}, {"title": "t2"}}}}})
	require.NoError(t, err)
	require.Equal(t, [][]string{{"Post", "User"}}, l.take(), "nested writes report every model, in one call")

	_, err = orm.CreateMany(ctx, e.c, PostModel, &orm.CreateManyArgs{Data: []orm.Data{{"title": "c1", "authorId": u.ID}, {"title": "c2", "authorId": u.ID}}})
	require.NoError(t, err)
	_, err = orm.UpdateMany(ctx, e.c, PostModel, &orm.UpdateArgs{Data: orm.Data{"views": orm.Increment(1)}})
	require.NoError(t, err)
	_, err = orm.DeleteMany(ctx, e.c, PostModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("title", "c2")}})
	require.NoError(t, err)
	require.Equal(t, [][]string{{"Post"}, {"Post"}, {"Post"}}, l.take())

	// A failing write reports nothing.
	_, err = orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "a@x"}})
	require.Error(t, err)
	require.Empty(t, l.take())

	// A transaction reports once, after its commit; a savepoint rolled back
	// to reports nothing; a rolled-back transaction reports nothing.
	boom := errors.New("boom")
	err = e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		if _, err := orm.Create[User](ctx, tx, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "b@x"}}); err != nil {
			return err
		}
		require.Empty(t, l.take(), "nothing before the commit")
		inner := e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			if _, err := orm.Create[Post](ctx, tx, PostModel, &orm.CreateArgs{Data: orm.Data{"title": "gone", "authorId": u.ID}}); err != nil {
				return err
			}
			return boom
		}, nil)
		require.ErrorIs(t, inner, boom)
		return e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
			_, err := orm.Create[Profile](ctx, tx, ProfileModel, &orm.CreateArgs{Data: orm.Data{"userId": u.ID}})
			return err
		}, nil)
	}, nil)
	require.NoError(t, err)
	require.Equal(t, [][]string{{"Profile", "User"}}, l.take(), "the rolled-back savepoint's Post is not reported")

	err = e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		if _, err := orm.Create[User](ctx, tx, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "c@x"}}); err != nil {
			return err
		}
		return boom
	}, nil)
	require.ErrorIs(t, err, boom)
	require.Empty(t, l.take(), "a rolled-back transaction reports nothing")

	// Raw SQL is not reported (documented).
	_, err = orm.ExecRaw(ctx, e.c, orm.SQL(`UPDATE users SET name = ?`, "raw"))
	require.NoError(t, err)
	require.Empty(t, l.take())
}

// TestAfterWriteIDs: writes that return their rows report their primary
// keys; writes whose rows are unknown report the whole model.
func TestAfterWriteIDs(t *testing.T) {
	l := &writeLog{}
	e := newEnv(t, func(c *orm.Config) { c.AfterWrite = l.afterWrite })
	l.e = e
	ctx := context.Background()
	one := func(t *testing.T) orm.Written {
		t.Helper()
		w := l.takeWrites()
		require.Len(t, w, 1)
		require.Len(t, w[0], 1)
		return w[0][0]
	}
	u, err := orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "a@x"}})
	require.NoError(t, err)
	require.Equal(t, orm.Written{Model: "User", IDs: []any{int32(u.ID)}}, one(t), "a create reports the new key")

	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("email", "a@x")}, Data: orm.Data{"name": "A"}})
	require.NoError(t, err)
	require.Equal(t, orm.Written{Model: "User", IDs: []any{int32(u.ID)}}, one(t), "an update by a unique field reports the key of the row")

	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", u.ID)}, Data: orm.Data{"name": "B"}, Select: []string{"name"}})
	require.NoError(t, err)
	require.True(t, one(t).All, "a returned row without its key: the whole model")

	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", u.ID)}, Data: orm.Data{"id": u.ID + 100}})
	require.NoError(t, err)
	require.True(t, one(t).All, "an update that sets the key: the old key is unknown, the whole model")

	_, err = orm.UpdateMany(ctx, e.c, UserModel, &orm.UpdateArgs{Data: orm.Data{"name": "C"}})
	require.NoError(t, err)
	require.True(t, one(t).All)

	_, err = orm.Delete[User](ctx, e.c, UserModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", u.ID+100)}})
	require.NoError(t, err)
	w := l.takeWrites()
	require.Len(t, w, 1)
	require.Equal(t, orm.Written{Model: "User", IDs: []any{int32(u.ID + 100)}}, w[0][0], "a delete reports the deleted key")
}
