package odmotel_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/mongo/odm/odmotel"
)

// A nil tracer records nothing rather than panicking on the first query,
// and an empty event (no collection, no error, no time) is a span like any.
func TestNilAndEmptyArguments(t *testing.T) {
	ctx := context.Background()
	nopanic.Run(t, []nopanic.Case{
		{Name: "nil tracer", Call: func() error { odmotel.OnQuery(nil)(ctx, odm.QueryEvent{Collection: "c"}); return nil }},
	})
}
