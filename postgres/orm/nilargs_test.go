package orm_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

// TestNilArgumentsAreTypedErrors calls every runtime entry point with nil
// or empty arguments (database, model, args, functions, a model outside a
// schema, a nil client): each returns a typed error, none panics.
func TestNilArgumentsAreTypedErrors(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	var nilClient *orm.Client
	loose := &orm.Model{Name: "Loose", Fields: []*orm.Field{{Name: "id", Type: orm.Int}}, PrimaryKey: []string{"id"}}
	type call struct {
		name string
		f    func(db orm.DB, m *orm.Model) error
	}
	err2 := func(_ any, err error) error { return err }
	ops := []call{
		{"FindMany", func(db orm.DB, m *orm.Model) error { return err2(orm.FindMany[User](ctx, db, m, nil)) }},
		{"FindFirst", func(db orm.DB, m *orm.Model) error { return err2(orm.FindFirst[User](ctx, db, m, nil)) }},
		{"FindFirstOrThrow", func(db orm.DB, m *orm.Model) error {
			return err2(orm.FindFirstOrThrow[User](ctx, db, m, &orm.FindArgs{Where: orm.Where{orm.Eq("id", -1)}}))
		}},
		{"FindUnique", func(db orm.DB, m *orm.Model) error { return err2(orm.FindUnique[User](ctx, db, m, nil)) }},
		{"FindUniqueOrThrow", func(db orm.DB, m *orm.Model) error { return err2(orm.FindUniqueOrThrow[User](ctx, db, m, nil)) }},
		{"Create", func(db orm.DB, m *orm.Model) error { return err2(orm.Create[User](ctx, db, m, nil)) }},
		{"Create empty", func(db orm.DB, m *orm.Model) error { return err2(orm.Create[User](ctx, db, m, &orm.CreateArgs{})) }},
		{"CreateMany", func(db orm.DB, m *orm.Model) error { return err2(orm.CreateMany(ctx, db, m, nil)) }},
		{"Update", func(db orm.DB, m *orm.Model) error { return err2(orm.Update[User](ctx, db, m, nil)) }},
		{"Update empty", func(db orm.DB, m *orm.Model) error { return err2(orm.Update[User](ctx, db, m, &orm.UpdateArgs{})) }},
		{"UpdateMany", func(db orm.DB, m *orm.Model) error { return err2(orm.UpdateMany(ctx, db, m, nil)) }},
		{"Upsert", func(db orm.DB, m *orm.Model) error { return err2(orm.Upsert[User](ctx, db, m, nil)) }},
		{"Upsert empty", func(db orm.DB, m *orm.Model) error { return err2(orm.Upsert[User](ctx, db, m, &orm.UpsertArgs{})) }},
		{"Delete", func(db orm.DB, m *orm.Model) error { return err2(orm.Delete[User](ctx, db, m, nil)) }},
		{"Delete empty", func(db orm.DB, m *orm.Model) error { return err2(orm.Delete[User](ctx, db, m, &orm.DeleteArgs{})) }},
		{"DeleteMany", func(db orm.DB, m *orm.Model) error { return err2(orm.DeleteMany(ctx, db, m, nil)) }},
		{"Aggregate", func(db orm.DB, m *orm.Model) error { return err2(orm.Aggregate(ctx, db, m, nil)) }},
		{"GroupBy", func(db orm.DB, m *orm.Model) error { return err2(orm.GroupBy(ctx, db, m, nil)) }},
		{"GroupBy empty", func(db orm.DB, m *orm.Model) error { return err2(orm.GroupBy(ctx, db, m, &orm.GroupByArgs{})) }},
	}
	dbs := []struct {
		name string
		db   orm.DB
	}{{"client", e.c}, {"nil DB", nil}, {"nil *Client", nilClient}, {"client without a pool", orm.NewWithPool(nil, nil)}}
	models := []struct {
		name string
		m    *orm.Model
	}{{"User", UserModel}, {"nil model", nil}, {"model outside a schema", loose}}
	for _, op := range ops {
		for _, d := range dbs {
			for _, m := range models {
				name := fmt.Sprintf("%s/%s/%s", op.name, d.name, m.name)
				var err error
				require.NotPanics(t, func() { err = op.f(d.db, m.m) }, name)
				if d.name == "client" && m.name == "User" && (op.name == "FindMany" || op.name == "FindFirst" ||
					op.name == "DeleteMany" || op.name == "Aggregate" || op.name == "UpdateMany" && err == nil) {
					continue // nil args mean "no conditions" there, as in Prisma
				}
				require.Error(t, err, name)
				_, isOrmErr := orm.AsError(err)
				require.True(t, errors.Is(err, orm.ErrValidation) || isOrmErr, "%s: %T %v", name, err, err)
			}
		}
	}
	// Client-level entry points.
	for name, f := range map[string]func() error{
		"Transaction nil fn": func() error { return e.c.Transaction(ctx, nil, nil) },
		"Batch nil op":       func() error { return err2(e.c.Batch(ctx, []orm.BatchOp{nil}, nil)) },
		"Batch nil Step":     func() error { return err2(e.c.Batch(ctx, []orm.BatchOp{orm.Step[int](nil)}, nil)) },
		"nil client Ping":    func() error { return nilClient.Ping(ctx) },
		"nil client Transaction": func() error {
			return nilClient.Transaction(ctx, func(context.Context, *orm.Tx) error { return nil }, nil)
		},
		"nil client Batch": func() error { return err2(nilClient.Batch(ctx, nil, nil)) },
		"no pool Ping":     func() error { return orm.NewWithPool(nil, nil).Ping(ctx) },
		"no pool Transaction": func() error {
			return orm.NewWithPool(nil, nil).Transaction(ctx, func(context.Context, *orm.Tx) error { return nil }, nil)
		},
		"no pool Batch":     func() error { return err2(orm.NewWithPool(nil, nil).Batch(ctx, nil, nil)) },
		"QueryRaw nil DB":   func() error { return err2(orm.QueryRaw[User](ctx, nil, orm.SQL("SELECT 1"))) },
		"ExecRaw nil DB":    func() error { return err2(orm.ExecRaw(ctx, nil, orm.SQL("SELECT 1"))) },
		"QueryRaw empty":    func() error { return err2(orm.QueryRaw[User](ctx, e.c, orm.Sql{})) },
		"ExecRaw empty":     func() error { return err2(orm.ExecRaw(ctx, e.c, orm.Sql{})) },
		"New nil config":    func() error { return err2(orm.New(ctx, nil)) },
		"ParseWhere nil":    func() error { return err2(orm.ParseWhere(nil, nil)) },
		"ParseFindArgs nil": func() error { return err2(orm.ParseFindArgs(UserModel, nil)) },
		"ParseOrderBy nil":  func() error { return err2(orm.ParseOrderBy(nil, []byte(`{}`))) },
	} {
		var err error
		require.NotPanics(t, func() { err = f() }, name)
		require.Error(t, err, name)
	}
	res, err := e.c.Batch(ctx, nil, nil)
	require.NoError(t, err, "an empty batch is an empty transaction, as Prisma's $transaction([])")
	require.Empty(t, res)
	require.NotPanics(t, func() { nilClient.Close() })
	require.NotPanics(t, func() { orm.NewWithPool(nil, nil).Close() })
	require.NotPanics(t, func() { _ = nilClient.With(nil) })
	require.NotPanics(t, func() { _ = e.c.With(nil) })
}
