package odm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

type Handle struct {
	ID   bson.ObjectID `bson:"_id,omitempty"`
	Name string        `bson:"name" odm:"required,unique"`
	V    int64         `bson:"__v"`
}

var errTaken = errors.New("that name is taken")

// TestErrorHooks: Mongoose's error-handling middleware. A duplicate key
// error is replaced by a friendlier one; a handler returning nil keeps the
// error; schema handlers run before the model's; pre hook errors and
// validation errors reach them; ErrNotFound and successes do not.
func TestErrorHooks(t *testing.T) {
	ctx := context.Background()
	s := odm.MustSchemaFor[Handle](nil)
	var seen []string
	s.PostError(odm.EventSave, func(ctx context.Context, h *odm.Hook, err error) error {
		seen = append(seen, "schema "+string(h.Event))
		return nil // keeps the error
	})
	handles := odm.MustModel[Handle](devenv.Mongo(t), "Handle", s, nil)
	_, err := handles.SyncIndexes(ctx, nil)
	require.NoError(t, err)
	handles.PostError(odm.EventWrite, func(ctx context.Context, op *odm.Op[Handle], err error) error {
		seen = append(seen, "model "+string(op.Event))
		if odm.IsDuplicateKey(err) {
			return errTaken
		}
		return nil
	})

	require.NoError(t, handles.Create(ctx, &Handle{Name: "ann"}))
	require.Empty(t, seen, "no error, no error hook")

	err = handles.Create(ctx, &Handle{Name: "ann"})
	require.ErrorIs(t, err, errTaken)
	require.Equal(t, []string{"schema save", "model save"}, seen)

	// A validation error reaches the save handlers unchanged.
	seen = nil
	err = handles.Create(ctx, &Handle{})
	require.ErrorIs(t, err, odm.ErrValidation)
	require.Equal(t, []string{"schema save", "model save"}, seen)

	// Queries: an updateMany error is replaced; ErrNotFound is no error.
	require.NoError(t, handles.Create(ctx, &Handle{Name: "bob"}))
	seen = nil
	_, err = handles.UpdateOne(ctx, bson.M{"name": "bob"}, bson.M{"$set": bson.M{"name": "ann"}}, nil)
	require.Error(t, err)
	require.Equal(t, []string{"model updateOne"}, seen)
	seen = nil
	_, err = handles.FindOneAndDelete(ctx, bson.M{"name": "nobody"}, nil)
	require.ErrorIs(t, err, odm.ErrNotFound)
	require.Empty(t, seen)

	// A pre hook's error goes through the error hooks of its event.
	boom := errors.New("pre hook refused")
	handles.Pre(odm.EventDeleteMany, func(context.Context, *odm.Op[Handle]) error { return boom })
	handles.PostError(odm.EventDeleteMany, func(ctx context.Context, op *odm.Op[Handle], err error) error {
		return errors.Join(errors.New("wrapped"), err)
	})
	seen = nil
	_, err = handles.DeleteMany(ctx, nil)
	require.ErrorIs(t, err, boom)
	require.ErrorContains(t, err, "wrapped")
	require.Equal(t, []string{"model deleteMany"}, seen)
	n, err := handles.Count(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "the refused delete deleted nothing")
}
