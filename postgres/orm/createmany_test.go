package orm_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

func TestCreateManyEnumAndArrays(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	n, err := orm.CreateMany(ctx, e.c, UserModel, &orm.CreateManyArgs{Data: []orm.Data{
		{"email": "a@x", "role": "ADMIN"}, {"email": "b@x", "role": "MODERATOR"}}})
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	u, err := orm.FindMany[User](ctx, e.c, UserModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("email")}})
	require.NoError(t, err)
	require.Equal(t, "MODERATOR", u[1].Role)
	_, err = orm.CreateMany(ctx, e.c, PostModel, &orm.CreateManyArgs{Data: []orm.Data{
		{"title": "p1", "authorId": u[0].ID, "tags": []string{"a", "b"}}, {"title": "p2", "authorId": u[0].ID, "tags": []string{}}}})
	require.NoError(t, err)
	_, err = orm.CreateMany(ctx, e.c, UserModel, &orm.CreateManyArgs{Data: []orm.Data{{"email": "c@x", "role": "ROOT"}, {"email": "d@x"}}})
	require.ErrorIs(t, err, orm.ErrValidation)
}

// Rows (field/value pairs, no map per row) insert what Data inserts and
// fail as Data fails: COPY for uniform rows, INSERT for mixed ones, a
// field set twice keeping its last value, the same errors and paths, and
// extensions seeing the rows as Data.
func TestCreateManyRowsAsData(t *testing.T) {
	ctx := context.Background()
	pairs := func(d []orm.Data, order ...string) [][]orm.FieldValue {
		out := make([][]orm.FieldValue, len(d))
		for i, row := range d {
			for _, k := range order {
				if v, ok := row[k]; ok {
					out[i] = append(out[i], orm.FieldValue{Field: k, Value: v})
				}
			}
		}
		return out
	}
	load := func(e *env) []Account {
		as, err := orm.FindMany[Account](ctx, e.c, AccountModel, &orm.FindArgs{OrderBy: []orm.Order{orm.Asc("id")}})
		require.NoError(t, err)
		for i := range as {
			as[i].ID = 0
		}
		return as
	}
	for _, tc := range []struct {
		name string
		data []orm.Data
	}{
		{"uniform", []orm.Data{{"owner": "a", "balance": int64(1)}, {"owner": "b", "balance": 2}, {"owner": "c", "balance": int32(3)}}},
		{"mixed", []orm.Data{{"owner": "a", "balance": int64(1)}, {"owner": "b", "balance": 2, "tenantId": "t2"}, {"balance": 3, "owner": "c"}}},
		{"one", []orm.Data{{"owner": "solo", "balance": 9}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			viaData, viaRows := newEnv(t, nil), newEnv(t, nil)
			n, err := orm.CreateMany(ctx, viaData.c, AccountModel, &orm.CreateManyArgs{Data: tc.data})
			require.NoError(t, err)
			m, err := orm.CreateMany(ctx, viaRows.c, AccountModel, &orm.CreateManyArgs{Rows: pairs(tc.data, "balance", "tenantId", "owner")})
			require.NoError(t, err)
			require.Equal(t, n, m)
			require.Equal(t, load(viaData), load(viaRows))
		})
	}
	e := newEnv(t, nil)
	// A field set twice keeps its last value.
	_, err := orm.CreateMany(ctx, e.c, AccountModel, &orm.CreateManyArgs{Rows: [][]orm.FieldValue{
		{{Field: "owner", Value: "first"}, {Field: "balance", Value: 1}, {Field: "owner", Value: "last"}}}})
	require.NoError(t, err)
	got := load(e)
	require.Len(t, got, 1)
	require.Equal(t, "last", got[0].Owner)
	// The same errors as Data, with the same paths.
	for _, bad := range []orm.Data{
		{"owner": "x", "balance": "lots"},
		{"owner": nil, "balance": 1},
		{"owner": "x", "balance": 1, "nope": 2},
		{"owner": "x", "balance": orm.Increment(1)},
	} {
		rows := []orm.Data{{"owner": "ok", "balance": 1}, bad}
		_, want := orm.CreateMany(ctx, e.c, AccountModel, &orm.CreateManyArgs{Data: rows})
		require.Error(t, want)
		_, err := orm.CreateMany(ctx, e.c, AccountModel, &orm.CreateManyArgs{Rows: pairs(rows, "owner", "balance", "nope")})
		require.Equal(t, want.Error(), err.Error())
	}
	_, err = orm.CreateMany(ctx, e.c, AccountModel, &orm.CreateManyArgs{Data: []orm.Data{{"owner": "x", "balance": 1}},
		Rows: [][]orm.FieldValue{{{Field: "owner", Value: "x"}, {Field: "balance", Value: 1}}}})
	require.ErrorIs(t, err, orm.ErrValidation)
	require.Len(t, load(e), 1, "nothing inserted by the failed calls")
	// Extensions see Data and may rewrite it.
	ext := &orm.Extension{Name: "tenant", Query: func(ctx context.Context, op *orm.Operation, next orm.Next) (any, error) {
		if a, ok := op.Args.(*orm.CreateManyArgs); ok {
			require.Nil(t, a.Rows)
			require.Len(t, a.Data, 2)
			orm.SetData(op, "tenantId", "acme")
		}
		return next(ctx, op)
	}}
	n, err := orm.CreateMany(ctx, e.c.With(ext), AccountModel, &orm.CreateManyArgs{Rows: [][]orm.FieldValue{
		{{Field: "owner", Value: "e1"}, {Field: "balance", Value: 1}}, {{Field: "owner", Value: "e2"}, {Field: "balance", Value: 2}}}})
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	got = load(e)
	require.Len(t, got, 3)
	require.Equal(t, "acme", got[1].TenantID)
	require.Equal(t, "acme", got[2].TenantID)
}
