// Package nopanic runs a table of calls made with nil or empty arguments
// and fails each one that panics, naming the case and where it panicked,
// while the other cases still run: the house rule is no panic on nil or
// empty arguments of anything public, and a clear error instead.
//
//	nopanic.Run(t, []nopanic.Case{
//		{Name: "nil config", Call: func() error { _, err := cache.New(nil, cache.Config{}); return err }, WantErr: true},
//		{Name: "empty key", Call: func() error { return c.Delete(ctx, "") }},
//	})
package nopanic
