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

// WithGlobalPlugin registers p as a global plugin until the returned
// function is called, which removes it (and any registered after it), so
// that one test's global plugin does not reach the others' schemas.
func WithGlobalPlugin(p Plugin) (remove func()) {
	globalPlugins.mu.Lock()
	n := len(globalPlugins.list)
	globalPlugins.list = append(globalPlugins.list, p)
	globalPlugins.mu.Unlock()
	return func() {
		globalPlugins.mu.Lock()
		globalPlugins.list = globalPlugins.list[:n]
		globalPlugins.mu.Unlock()
	}
}
