package orm_test

import (
	"context"
	"math"
	"testing"

	"github.com/polystore/polystore/postgres/orm"
	"github.com/stretchr/testify/require"
)

var (
	limitsModel = &orm.Model{
		Name: "Limits",
		Fields: []*orm.Field{
			{Name: "id", Type: orm.Int},
			{Name: "code", Type: orm.String, DBType: "varchar(3)", Nullable: true},
			{Name: "small", Type: orm.Int, Nullable: true},
			{Name: "big", Type: orm.BigInt, Nullable: true},
		},
		PrimaryKey: []string{"id"},
	}
	_ = mustSchema(limitsModel)
)

type limitsRow struct {
	ID    int     `json:"id"`
	Code  *string `json:"code"`
	Small *int32  `json:"small"`
	Big   *int64  `json:"big"`
}

func requireCode(t *testing.T, err error, code, model, msg string) *orm.Error {
	t.Helper()
	require.Error(t, err)
	oe, ok := orm.AsError(err)
	require.True(t, ok, "%T %v", err, err)
	require.Equal(t, code, oe.Code, "%v", err)
	require.Equal(t, model, oe.Model, "%v", err)
	require.Equal(t, msg, oe.Message)
	return oe
}

// TestPrismaErrorCodes checks the codes and messages Prisma 7 gives
// (@prisma/adapter-pg's mapping of SQLSTATEs and the client's messages).
func TestPrismaErrorCodes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	_, err := e.c.Pool().Exec(ctx, `CREATE TABLE "Limits" (id int PRIMARY KEY, code varchar(3), small int, big bigint)`)
	require.NoError(t, err)
	_, err = orm.Create[limitsRow](ctx, e.c, limitsModel, &orm.CreateArgs{Data: orm.Data{"id": 1, "small": 1, "big": 1}})
	require.NoError(t, err)

	// P2020: numbers out of the column type's range, found by the client
	// or by the database.
	_, err = orm.Create[limitsRow](ctx, e.c, limitsModel, &orm.CreateArgs{Data: orm.Data{"id": 2, "small": int64(3000000000)}})
	requireCode(t, err, orm.CodeValueOutOfRange, "Limits", `Value out of range for the type: value "3000000000" is out of range for type integer`)
	_, err = orm.Create[limitsRow](ctx, e.c, limitsModel, &orm.CreateArgs{Data: orm.Data{"id": 2, "big": uint64(math.MaxUint64)}})
	requireCode(t, err, orm.CodeValueOutOfRange, "Limits", `Value out of range for the type: value "18446744073709551615" is out of range for type bigint`)
	_, err = orm.FindMany[limitsRow](ctx, e.c, limitsModel, &orm.FindArgs{Where: orm.Where{orm.Gt("small", int64(math.MaxInt32)+1)}})
	requireCode(t, err, orm.CodeValueOutOfRange, "Limits", `Value out of range for the type: value "2147483648" is out of range for type integer`)
	w, err := orm.ParseWhere(limitsModel, []byte(`{"big": {"gt": 9223372036854775808}}`))
	require.NoError(t, err)
	_, err = orm.FindMany[limitsRow](ctx, e.c, limitsModel, &orm.FindArgs{Where: w})
	requireCode(t, err, orm.CodeValueOutOfRange, "Limits", `Value out of range for the type: value "9223372036854775808" is out of range for type bigint`)
	_, err = orm.Update[limitsRow](ctx, e.c, limitsModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"big": orm.Increment(int64(math.MaxInt64))}})
	oe := requireCode(t, err, orm.CodeValueOutOfRange, "Limits", "Value out of range for the type: bigint out of range")
	require.Equal(t, "22003", oe.SQLState)
	_, err = orm.Update[limitsRow](ctx, e.c, limitsModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"small": orm.Multiply(int64(math.MaxInt32))}})
	require.NoError(t, err)
	_, err = orm.Update[limitsRow](ctx, e.c, limitsModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 1)}, Data: orm.Data{"small": orm.Increment(1)}})
	requireCode(t, err, orm.CodeValueOutOfRange, "Limits", "Value out of range for the type: integer out of range")

	// P2000: a string too long for its column.
	_, err = orm.Create[limitsRow](ctx, e.c, limitsModel, &orm.CreateArgs{Data: orm.Data{"id": 3, "code": "abcd"}})
	requireCode(t, err, orm.CodeValueTooLong, "Limits", "The provided value for the column is too long for the column's type. Column: (not available)")

	// P2025 with Prisma's causes; nested writes name the operation's model.
	alice, _, _ := seed(t, e)
	const prefix = "An operation failed because it depends on one or more records that were required but not found. "
	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", 999)}, Data: orm.Data{"name": "x"}})
	oe = requireCode(t, err, orm.CodeNotFound, "User", prefix+"No record was found for an update.")
	require.Equal(t, "No record was found for an update.", oe.Cause)
	_, err = orm.Delete[User](ctx, e.c, UserModel, &orm.DeleteArgs{Where: orm.Where{orm.Eq("id", 999)}})
	requireCode(t, err, orm.CodeNotFound, "User", prefix+"No record was found for a delete.")
	_, err = orm.Create[Post](ctx, e.c, PostModel, &orm.CreateArgs{Data: orm.Data{"title": "t",
		"author": &orm.Nested{Connect: []orm.Where{{orm.Eq("id", 999)}}}}})
	requireCode(t, err, orm.CodeNotFound, "Post", prefix+"No 'User' record (needed to inline the relation on 'Post' record(s)) was found for a nested connect on one-to-many relation 'PostToUser'.")
	_, err = orm.Create[Profile](ctx, e.c, ProfileModel, &orm.CreateArgs{Data: orm.Data{"bio": "b",
		"user": &orm.Nested{Connect: []orm.Where{{orm.Eq("id", 999)}}}}})
	requireCode(t, err, orm.CodeNotFound, "Profile", prefix+"No 'User' record (needed to create or connect inlined relation for 'Profile' record(s)) was found for a nested connect on one-to-one relation 'ProfileToUser'.")
	byAlice := orm.Where{orm.Eq("id", alice.ID)}
	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: byAlice, Data: orm.Data{
		"posts": &orm.Nested{Connect: []orm.Where{{orm.Eq("id", 999)}}}}})
	requireCode(t, err, orm.CodeConnectedNotFound, "User", "The required connected records were not found. Expected 1 records to be connected after connect operation on one-to-many relation 'PostToUser', found 0.")
	require.ErrorIs(t, err, orm.ErrNotFound)
	_, err = orm.Update[Post](ctx, e.c, PostModel, &orm.UpdateArgs{Where: orm.Where{orm.Eq("id", alice.Posts[0].ID)}, Data: orm.Data{
		"categories": &orm.Nested{Connect: []orm.Where{{orm.Eq("id", 999)}}}}})
	requireCode(t, err, orm.CodeNotFound, "Post", prefix+"Expected 1 records to be connected, found only 0.")
	_, err = orm.Create[User](ctx, e.c, UserModel, &orm.CreateArgs{Data: orm.Data{"email": "n@example.com",
		"posts": &orm.Nested{Create: []orm.Data{{"title": "deep", "categories": &orm.Nested{Connect: []orm.Where{{orm.Eq("id", 999)}}}}}}}})
	requireCode(t, err, orm.CodeNotFound, "User", prefix+"Expected 1 records to be connected, found only 0.")
	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: byAlice, Data: orm.Data{
		"posts": &orm.Nested{Update: []orm.NestedUpdate{{Where: orm.Where{orm.Eq("id", 999)}, Data: orm.Data{"title": "x"}}}}}})
	requireCode(t, err, orm.CodeNotFound, "User", prefix+"No 'Post' record was found for a nested update on one-to-many relation 'PostToUser'.")
	_, err = orm.Update[User](ctx, e.c, UserModel, &orm.UpdateArgs{Where: byAlice, Data: orm.Data{
		"posts": &orm.Nested{Delete: []orm.Where{{orm.Eq("id", 999)}}}}})
	// Prisma 7: P2017, the rows are not connected (TestPrismaParity's
	// err_nested_delete_missing); it still matches ErrNotFound.
	requireCode(t, err, orm.CodeNotConnected, "User", "The records for relation `PostToUser` between the `User` and `Post` models are not connected.")
	require.ErrorIs(t, err, orm.ErrNotFound)
	_, err = orm.FindUniqueOrThrow[User](ctx, e.c, UserModel, &orm.FindArgs{Where: orm.Where{orm.Eq("id", 999)}})
	requireCode(t, err, orm.CodeNotFound, "User", prefix+"No record was found for a query.")
	require.ErrorIs(t, err, orm.ErrNotFound)
}
