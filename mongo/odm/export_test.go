package odm

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// CastUpdate casts and validates an update as UpdateOne does before it
// sends anything; for the external tests, which have no server to send to.
func CastUpdate[T any](ctx context.Context, m *Model[T], update any) (bson.D, error) {
	return m.update(ctx, update, false)
}
