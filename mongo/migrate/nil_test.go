package migrate_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/mongo/migrate"
)

// TestNilArguments checks that a nil database and a nil Runner get an
// error wrapping ErrInvalid instead of a panic.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	var r *migrate.Runner
	cases := []struct {
		name string
		call func() error
	}{
		{"New(nil)", func() error { _, err := migrate.New(nil, nil, nil); return err }},
		{"Status", func() error { _, err := r.Status(ctx); return err }},
		{"Up", func() error { _, err := r.Up(ctx, nil); return err }},
		{"Down", func() error { _, err := r.Down(ctx); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), migrate.ErrInvalid)
		})
	}
}
