package main

import (
	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/apps/tenancy"
	"github.com/polystore/polystore/apps/trading"
	"github.com/polystore/polystore/internal/demo"
)

// systems lists the reference systems of `demo` and `serve`, in the order
// of the index page; the first one is what `polystore demo` runs without
// an argument. A new system adds one line here (see internal/demo).
func systems() *demo.Registry {
	return demo.NewRegistry(
		shop.NewSystem,
		analytics.NewSystem,
		tenancy.NewSystem,
		trading.NewSystem,
	)
}
