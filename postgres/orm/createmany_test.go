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
