package ormotel_test

import (
	"context"
	"testing"

	"github.com/polystore/polystore/internal/nopanic"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/postgres/orm/ormotel"
)

// A nil tracer records nothing rather than panicking on the first
// statement.
func TestNilAndEmptyArguments(t *testing.T) {
	nopanic.Run(t, []nopanic.Case{
		{Name: "nil tracer", Call: func() error {
			ormotel.OnQuery(nil)(context.Background(), orm.QueryEvent{Model: "User", SQL: "SELECT 1"})
			return nil
		}},
		{Name: "empty event", Call: func() error { ormotel.OnQuery(nil)(context.Background(), orm.QueryEvent{}); return nil }},
	})
}
