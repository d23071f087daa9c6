package redisconn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/redis/redisconn"
)

// TestNilArguments checks that empty options, an empty URL and a nil
// client get an error wrapping ErrInvalid, and that nil receivers answer
// zero values instead of panicking.
func TestNilArguments(t *testing.T) {
	cases := []struct {
		name string
		call func() error
	}{
		{"NewClient(zero)", func() error { _, err := redisconn.NewClient(rueidis.ClientOption{}); return err }},
		{"ParseURL(empty)", func() error { _, err := redisconn.ParseURL(""); return err }},
		{"DoDirect(nil)", func() error {
			return redisconn.DoDirect(context.Background(), nil, rueidis.Completed{}).Error()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), redisconn.ErrInvalid)
		})
	}
	var b *redisconn.Breaker
	require.False(t, b.Down() || b.Skip() || b.Outages() != 0 || b.Observe(errors.New("x")) != redisconn.Unchanged, "a nil Breaker must be up and unchanged")
	var te *redisconn.TimeoutError
	require.False(t, te.Error() == "" || te.Unwrap() != nil, "a nil TimeoutError must describe itself and unwrap to nil")
	require.False(t, redisconn.Unwrap(nil) != nil || redisconn.WithTimeout(nil, 1) != nil, "Unwrap and WithTimeout of nil must be nil")
}
