package odm_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type Address struct {
	Street string `bson:"street" odm:"trim"`
	City   string `bson:"city" odm:"required"`
}

type User struct {
	ID        bson.ObjectID `bson:"_id,omitempty"`
	Username  string        `bson:"username" odm:"required,unique,trim,lowercase"`
	Email     string        `bson:"email" odm:"required,match=^[^@]+@[^@]+$"`
	Age       *int          `bson:"age,omitempty" odm:"min=18,max=100"`
	Status    string        `bson:"status" odm:"enum=active|inactive|suspended,default=active"`
	Password  string        `bson:"password,omitempty" odm:"select=false"`
	Tags      []string      `bson:"tags"`
	Address   *Address      `bson:"address,omitempty"`
	CreatedAt time.Time     `bson:"createdAt"`
	UpdatedAt time.Time     `bson:"updatedAt"`
	V         int64         `bson:"__v"`
}

func userModel(t *testing.T) *odm.Model[User] {
	t.Helper()
	// OptimisticConcurrency: every Save is versioned, so that copies read
	// before a save are stale (Mongoose's default versions only array changes).
	s, err := odm.SchemaFor[User](&odm.SchemaOpts{Timestamps: odm.DefaultTimestamps, OptimisticConcurrency: true})
	require.NoError(t, err)
	m, err := odm.NewModel[User](devenv.Mongo(t), "User", s, nil)
	require.NoError(t, err)
	return m
}

func ptr[T any](v T) *T { return &v }

func TestCreateFindSave(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	u := &User{Username: "  John_Doe ", Email: "john@example.com", Age: ptr(30), Password: "secret"}
	require.NoError(t, users.Create(ctx, u))
	require.False(t, u.ID.IsZero())
	require.Equal(t, "john_doe", u.Username)
	require.Equal(t, "active", u.Status)
	require.False(t, u.CreatedAt.IsZero())

	got, err := users.FindByID(ctx, u.ID.Hex())
	require.NoError(t, err)
	require.Equal(t, "john_doe", got.Username)
	require.Empty(t, got.Password, "select:false path must not be loaded")

	withPw, err := users.FindOne(bson.D{{Key: "username", Value: "john_doe"}}).Select("+password").One(ctx)
	require.NoError(t, err)
	require.Equal(t, "secret", withPw.Password)

	got.Status = "inactive"
	require.NoError(t, users.Save(ctx, got))
	require.Equal(t, int64(1), got.V)

	// A second copy loaded before the save is now stale.
	again, err := users.FindByID(ctx, u.ID)
	require.NoError(t, err)
	again.Status = "suspended"
	got.Status = "active"
	require.NoError(t, users.Save(ctx, got))
	err = users.Save(ctx, again)
	require.True(t, odm.IsStale(err), "got %v", err)
	final, err := users.FindByID(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, "active", final.Status)
	require.Equal(t, int64(2), final.V)
}

func mongoIndex(name string) mongo.IndexModel {
	return mongo.IndexModel{Keys: bson.D{{Key: "legacy", Value: 1}}, Options: options.Index().SetName(name)}
}
