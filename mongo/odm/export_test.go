package odm

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// CastUpdate casts and validates an update as UpdateOne does before it
// sends anything; for the external tests, which have no server to send to.
// An update of nothing but dropped paths is empty, as Mongoose's cast
// gives {} (UpdateOne then sends nothing).
func CastUpdate[T any](ctx context.Context, m *Model[T], update any) (bson.D, error) {
	d, err := m.update(ctx, update, updateOpts{})
	if errors.Is(err, errAllDropped) {
		return bson.D{}, nil
	}
	return d, err
}
