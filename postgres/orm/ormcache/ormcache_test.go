package ormcache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormcache"
	"github.com/polystore/polystore/postgres/orm/ormtest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type (
	User = ormtest.User
	Post = ormtest.Post
)

// env is an orm client whose writes invalidate oc, counting the statements
// that reach PostgreSQL.
type env struct {
	c     *orm.Client
	oc    *ormcache.Cache
	stmts atomic.Int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ns := devenv.Redis(t)
	e := &env{}
	var err error
	e.oc, err = ormcache.New(ns.Client, ormtest.Schema, ormcache.Config{Prefix: ns.Prefix, TTL: time.Minute})
	require.NoError(t, err)
	cfg, err := orm.ParseConfig(devenv.PostgresURL(t))
	require.NoError(t, err)
	cfg.OnQuery = func(context.Context, orm.QueryEvent) { e.stmts.Add(1) }
	cfg.AfterWrite = e.oc.AfterWrite
	e.c, err = orm.New(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(e.c.Close)
	_, err = e.c.Pool().Exec(context.Background(), ormtest.DDL)
	require.NoError(t, err)
	return e
}

// queries returns how many statements f sent to PostgreSQL.
func (e *env) queries(f func()) int64 {
	before := e.stmts.Load()
	f()
	return e.stmts.Load() - before
}

func (e *env) user(t *testing.T, email string) *User {
	u, err := orm.Create[User](context.Background(), e.c, ormtest.UserModel, &orm.CreateArgs{Data: orm.Data{"email": email}})
	require.NoError(t, err)
	return u
}

func TestCachedUntilWritten(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.user(t, "ada@x")
	byEmail := &orm.FindArgs{Where: orm.Where{orm.Eq("email", "ada@x")}}
	read := func() *User {
		got, err := ormcache.FindUnique[User](ctx, e.oc, e.c, ormtest.UserModel, byEmail, nil)
		require.NoError(t, err)
		return got
	}
	require.Equal(t, int64(1), e.queries(func() { require.Nil(t, read().Name) }))
	require.Zero(t, e.queries(func() { require.Nil(t, read().Name) }), "served from the cache")

	_, err := orm.Update[User](ctx, e.c, ormtest.UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", u.ID)}, Data: orm.Data{"name": "Ada"}})
	require.NoError(t, err)
	require.Equal(t, int64(1), e.queries(func() { require.Equal(t, "Ada", *read().Name) }), "the write invalidated it")
	require.Zero(t, e.queries(func() { read() }))

	// Other queries: different arguments are different entries.
	n, err := ormcache.Count(ctx, e.oc, e.c, ormtest.UserModel, &orm.CountArgs{Where: orm.Where{orm.Ne("email", "ada@x")}}, nil)
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = ormcache.Count(ctx, e.oc, e.c, ormtest.UserModel, &orm.CountArgs{Where: orm.Where{orm.Eq("email", "ada@x")}}, nil)
	require.NoError(t, err)
	require.Equal(t, int64(1), n, "Eq and Ne with equal values are different keys")

	// A miss is cached too, and ended by the create that fills it.
	missing := &orm.FindArgs{Where: orm.Where{orm.Eq("email", "bob@x")}}
	got, err := ormcache.FindFirst[User](ctx, e.oc, e.c, ormtest.UserModel, missing, nil)
	require.NoError(t, err)
	require.Nil(t, got)
	e.user(t, "bob@x")
	got, err = ormcache.FindFirst[User](ctx, e.oc, e.c, ormtest.UserModel, missing, nil)
	require.NoError(t, err)
	require.NotNil(t, got)
}

func TestIncludedModelsInvalidate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.user(t, "ada@x")
	p, err := orm.Create[Post](ctx, e.c, ormtest.PostModel, &orm.CreateArgs{Data: orm.Data{"title": "draft", "authorId": u.ID}})
	require.NoError(t, err)
	withPosts := &orm.FindArgs{Include: []orm.Include{orm.Inc("posts")}}
	read := func() []User {
		got, err := ormcache.FindMany[User](ctx, e.oc, e.c, ormtest.UserModel, withPosts, nil)
		require.NoError(t, err)
		return got
	}
	require.Equal(t, "draft", read()[0].Posts[0].Title)
	_, err = orm.Update[Post](ctx, e.c, ormtest.PostModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", p.ID)}, Data: orm.Data{"title": "final"}})
	require.NoError(t, err)
	require.Equal(t, "final", read()[0].Posts[0].Title, "a write to an included model invalidates")

	// A relation filter reads the related model too.
	published := &orm.FindArgs{Where: orm.Where{&orm.RelCond{Relation: "posts", Op: orm.Some, Where: orm.Where{orm.Eq("published", true)}}}}
	pub := func() int {
		got, err := ormcache.FindMany[User](ctx, e.oc, e.c, ormtest.UserModel, published, nil)
		require.NoError(t, err)
		return len(got)
	}
	require.Zero(t, pub())
	_, err = orm.UpdateMany(ctx, e.c, ormtest.PostModel, &orm.UpdateArgs{Data: orm.Data{"published": true}})
	require.NoError(t, err)
	require.Equal(t, 1, pub())

	// Deleting the user cascades to its profile (ON DELETE CASCADE): a
	// Profile-only read is invalidated by the User write.
	other := e.user(t, "bob@x")
	_, err = orm.Create[ormtest.Profile](ctx, e.c, ormtest.ProfileModel, &orm.CreateArgs{Data: orm.Data{"userId": other.ID}})
	require.NoError(t, err)
	profiles := func() int {
		got, err := ormcache.FindMany[ormtest.Profile](ctx, e.oc, e.c, ormtest.ProfileModel, nil, nil)
		require.NoError(t, err)
		return len(got)
	}
	require.Equal(t, 1, profiles())
	_, err = orm.Delete[User](ctx, e.c, ormtest.UserModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", other.ID)}})
	require.NoError(t, err)
	require.Zero(t, profiles(), "the cascade through the relation invalidated Profile")
}

func TestRollbackInvalidatesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user(t, "ada@x")
	read := func() {
		_, err := ormcache.FindMany[User](ctx, e.oc, e.c, ormtest.UserModel, nil, nil)
		require.NoError(t, err)
	}
	read()
	boom := errors.New("boom")
	err := e.c.Transaction(ctx, func(ctx context.Context, tx *orm.Tx) error {
		_, err := orm.Create[User](ctx, tx, ormtest.UserModel, &orm.CreateArgs{Data: orm.Data{"email": "tx@x"}})
		require.NoError(t, err)
		// Inside the transaction the cache is bypassed: its own write is seen.
		got, err := ormcache.FindMany[User](ctx, e.oc, tx, ormtest.UserModel, nil, nil)
		require.NoError(t, err)
		require.Len(t, got, 2)
		return boom
	}, nil)
	require.ErrorIs(t, err, boom)
	require.Zero(t, e.queries(read), "the rolled-back transaction left the cached result alone")
}

func TestRawWritesNeedInvalidate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user(t, "ada@x")
	name := func() *string {
		got, err := ormcache.FindMany[User](ctx, e.oc, e.c, ormtest.UserModel, nil, nil)
		require.NoError(t, err)
		return got[0].Name
	}
	require.Nil(t, name())
	_, err := orm.ExecRaw(ctx, e.c, orm.SQL(`UPDATE users SET name = ?`, "raw"))
	require.NoError(t, err)
	require.Nil(t, name(), "raw SQL is invisible to the cache (documented)")
	require.NoError(t, e.oc.Invalidate(ctx, "User"))
	require.Equal(t, "raw", *name())
	require.ErrorContains(t, e.oc.Invalidate(ctx, "Nope"), `unknown model "Nope"`)
}

// TestNoStaleReadAfterCommit: one writer increments a post's views through
// the client, many readers read it through the cache. Invariant: a read
// that starts after an update returned sees at least that update's value.
func TestNoStaleReadAfterCommit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.user(t, "ada@x")
	p, err := orm.Create[Post](ctx, e.c, ormtest.PostModel, &orm.CreateArgs{Data: orm.Data{"title": "hot", "authorId": u.ID}})
	require.NoError(t, err)
	var committed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads, violations atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := &orm.FindArgs{Where: orm.Where{orm.Eq("id", p.ID)}}
			for {
				select {
				case <-stop:
					return
				default:
				}
				floor := committed.Load()
				got, err := ormcache.FindUnique[Post](ctx, e.oc, e.c, ormtest.PostModel, args, nil)
				if err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
				if int64(got.Views) < floor {
					violations.Add(1)
				}
			}
		}()
	}
	for i := 1; i <= 150; i++ {
		_, err := orm.Update[Post](ctx, e.c, ormtest.PostModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", p.ID)}, Data: orm.Data{"views": i}})
		require.NoError(t, err)
		committed.Store(int64(i))
	}
	close(stop)
	wg.Wait()
	require.Zero(t, violations.Load(), "reads older than a committed write")
	require.Greater(t, reads.Load(), int64(150))
}

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := ormcache.FindMany[User](ctx, nil, e.c, ormtest.UserModel, nil, nil)
	require.Error(t, err)
	_, err = ormcache.FindMany[User](ctx, e.oc, nil, ormtest.UserModel, nil, nil)
	require.Error(t, err)
	_, err = ormcache.FindMany[User](ctx, e.oc, e.c, nil, nil, nil)
	require.Error(t, err)
	_, err = ormcache.FindMany[User](ctx, e.oc, e.c, ormtest.UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("email", func() {})}}, nil)
	require.ErrorIs(t, err, ormcache.ErrUnkeyable)
	_, err = ormcache.New(nil, ormtest.Schema, ormcache.Config{})
	require.Error(t, err)
	_, err = ormcache.New(devenv.Redis(t).Client, nil, ormcache.Config{})
	require.Error(t, err)
}

// TestPerIDGranularity: a read by primary key depends on that row only; a
// write to another row leaves it cached, a write to its row, a write whose
// rows are unknown (updateMany) or a cascade ends it. Reads of the whole
// model end with every write.
func TestPerIDGranularity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.user(t, "a@x"), e.user(t, "b@x")
	byID := func(id int) *User {
		got, err := ormcache.FindUnique[User](ctx, e.oc, e.c, ormtest.UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", id)}}, nil)
		require.NoError(t, err)
		return got
	}
	all := func() []User {
		got, err := ormcache.FindMany[User](ctx, e.oc, e.c, ormtest.UserModel, nil, nil)
		require.NoError(t, err)
		return got
	}
	setName := func(id int, name string) {
		_, err := orm.Update[User](ctx, e.c, ormtest.UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", id)}, Data: orm.Data{"name": name}})
		require.NoError(t, err)
	}
	byID(a.ID)
	all()
	setName(b.ID, "B")
	require.Zero(t, e.queries(func() { require.Nil(t, byID(a.ID).Name) }), "a write to B leaves A's entry cached")
	require.Equal(t, int64(1), e.queries(func() { require.Len(t, all(), 2) }), "a write to B ends the list")
	require.Equal(t, "B", *byID(b.ID).Name)

	setName(a.ID, "A")
	require.Equal(t, int64(1), e.queries(func() { require.Equal(t, "A", *byID(a.ID).Name) }), "a write to A ends A's entry")

	// A row created later: its cached absence ends with the create.
	missing := a.ID + b.ID + 1000
	require.Nil(t, byID(missing))
	_, err := orm.Create[User](ctx, e.c, ormtest.UserModel, &orm.CreateArgs{Data: orm.Data{"id": missing, "email": "c@x"}})
	require.NoError(t, err)
	require.NotNil(t, byID(missing))
	require.Zero(t, e.queries(func() { byID(a.ID) }), "creating another row leaves A alone")

	// A write whose rows are unknown ends every entry of the model.
	_, err = orm.UpdateMany(ctx, e.c, ormtest.UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("email", "a@x")}, Data: orm.Data{"name": "many"}})
	require.NoError(t, err)
	require.Equal(t, "many", *byID(a.ID).Name)

	// Raw SQL: InvalidateIDs ends the entries of the rows it names.
	_, err = orm.ExecRaw(ctx, e.c, orm.SQL(`UPDATE users SET name = 'raw' WHERE id = ?`, a.ID))
	require.NoError(t, err)
	require.Equal(t, "many", *byID(a.ID).Name, "raw SQL is invisible to the cache (documented)")
	require.NoError(t, e.oc.InvalidateIDs(ctx, "User", a.ID))
	require.Equal(t, "raw", *byID(a.ID).Name)

	// In: depends on the listed rows only.
	both := &orm.FindArgs{Where: orm.Where{orm.In("id", []int{a.ID, b.ID})}}
	list := func() []User {
		got, err := ormcache.FindMany[User](ctx, e.oc, e.c, ormtest.UserModel, both, nil)
		require.NoError(t, err)
		return got
	}
	require.Len(t, list(), 2)
	setName(missing, "C")
	require.Zero(t, e.queries(func() { list() }), "a write to a row outside the list")
	setName(b.ID, "B2")
	require.Equal(t, int64(1), e.queries(func() { list() }))
}
