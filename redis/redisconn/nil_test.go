package redisconn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/redis/rueidis"

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
			if err := c.call(); !errors.Is(err, redisconn.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	var b *redisconn.Breaker
	if b.Down() || b.Skip() || b.Outages() != 0 || b.Observe(errors.New("x")) != redisconn.Unchanged {
		t.Fatal("a nil Breaker must be up and unchanged")
	}
	var te *redisconn.TimeoutError
	if te.Error() == "" || te.Unwrap() != nil {
		t.Fatal("a nil TimeoutError must describe itself and unwrap to nil")
	}
	if redisconn.Unwrap(nil) != nil || redisconn.WithTimeout(nil, 1) != nil {
		t.Fatal("Unwrap and WithTimeout of nil must be nil")
	}
}
