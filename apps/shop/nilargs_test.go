package shop_test

import (
	"context"
	"testing"
	"time"

	"github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/nopanic"
)

// Nil or empty arguments never panic: missing stores are errors at
// construction, and an app built without PostgreSQL or MongoDB answers the
// calls that need them with an error; empty ids and quantities are refused
// as invalid, and empty lists are empty answers.
func TestNilAndEmptyArguments(t *testing.T) {
	ctx := context.Background()
	ns := devenv.Redis(t)
	bare, err := shop.NewApp(ns.Client, shop.AppConfig{Config: shop.Config{Prefix: ns.Prefix, ReservationTTL: time.Minute}, UserLimit: unlimited})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := newBadInputApp(t)
	var nilHistory *shop.History
	var nilStore *shop.Store
	cases := []nopanic.Case{
		{Name: "NewApp nil client", Call: func() error { _, err := shop.NewApp(nil, shop.AppConfig{}); return err }, WantErr: true},
		{Name: "NewStore nil pool", Call: func() error { _, err := shop.NewStore(nil); return err }, WantErr: true},
		{Name: "NewHistory nil database", Call: func() error { _, err := shop.NewHistory(ctx, nil); return err }, WantErr: true},
		{Name: "Migrate nil pool", Call: func() error { return shop.Migrate(ctx, nil) }, WantErr: true},
		{Name: "empty ReserveRequest", Call: func() error { return shop.ReserveRequest{}.Validate() }, WantErr: true},
		{Name: "empty PlacedOrder total", Call: func() error { _, err := shop.PlacedOrder{}.Total(); return err }},
		{Name: "nil History Get", Call: func() error { _, err := nilHistory.Get(ctx, "x"); return err }, WantErr: true},
		{Name: "nil History Insert", Call: func() error { _, err := nilHistory.Insert(ctx, nil); return err }, WantErr: true},
		{Name: "nil History Totals", Call: func() error { _, _, err := nilHistory.Totals(ctx); return err }, WantErr: true},
		{Name: "nil Store Audit", Call: func() error { _, err := nilStore.Audit(ctx); return err }, WantErr: true},
		{Name: "nil Store OrdersOf", Call: func() error { _, err := nilStore.OrdersOf(ctx, "u", 1); return err }, WantErr: true},
	}
	cases = append(cases,
		nopanic.Case{Name: "History Insert nil doc", Call: func() error { _, err := full.History().Insert(ctx, nil); return err }, WantErr: true},
		nopanic.Case{Name: "History Get empty id", Call: func() error { _, err := full.History().Get(ctx, ""); return err }},
		nopanic.Case{Name: "ProcessOutbox nil history", Call: func() error { _, err := full.Store().ProcessOutbox(ctx, nil, 0); return err }},
		nopanic.Case{Name: "OrdersOf empty user", Call: func() error { _, err := full.Store().OrdersOf(ctx, "", 0); return err }},
		nopanic.Case{Name: "LoadProduct empty id", Call: func() error { _, err := full.Store().LoadProduct(ctx, ""); return err }, WantErr: true},
		nopanic.Case{Name: "WriteOrder empty", Call: func() error { _, err := full.Store().WriteOrder(ctx, shop.PlacedOrder{}); return err }, WantErr: true},
	)
	for _, a := range []struct {
		name string
		app  *shop.App
	}{{"no PostgreSQL or MongoDB", bare}, {"all stores", full}} {
		app := a.app
		p := a.name + ": "
		cases = append(cases,
			nopanic.Case{Name: p + "AddProduct empty", Call: func() error { return app.AddProduct(ctx, shop.Product{}, 0) }, WantErr: true},
			nopanic.Case{Name: p + "Product empty id", Call: func() error { _, err := app.Product(ctx, ""); return err }, WantErr: true},
			nopanic.Case{Name: p + "ConfirmOrder empty ids", Call: func() error { _, err := app.ConfirmOrder(ctx, "", "", ""); return err }, WantErr: true},
			nopanic.Case{Name: p + "StatsOf nil", Call: func() error { _, err := app.StatsOf(ctx, nil); return err }},
			nopanic.Case{Name: p + "Stats", Call: func() error { _, err := app.Stats(ctx); return err }},
			nopanic.Case{Name: p + "Verify nil", Call: func() error { _, err := app.Verify(ctx, nil, nil); return err }},
			nopanic.Case{Name: p + "Counts empty id", Call: func() error { _, err := app.Counts(ctx, ""); return err }},
			nopanic.Case{Name: p + "Reserve empty", Call: func() error { _, err := app.Reserve(ctx, shop.ReserveRequest{}, ""); return err }, WantErr: true},
			nopanic.Case{Name: p + "Reap empty id", Call: func() error { _, err := app.Reap(ctx, ""); return err }},
			nopanic.Case{Name: p + "ReapAll", Call: func() error { _, err := app.ReapAll(ctx); return err }},
			nopanic.Case{Name: p + "Pending", Call: func() error { _, err := app.Pending(ctx); return err }},
			nopanic.Case{Name: p + "WorkOnce", Call: func() error { _, err := app.WorkOnce(ctx); return err }},
			nopanic.Case{Name: p + "RecoverPending", Call: func() error { _, err := app.RecoverPending(ctx, 0); return err }},
			nopanic.Case{Name: p + "Drain", Call: func() error { return app.Drain(ctx) }},
			nopanic.Case{Name: p + "OpenSale empty", Call: func() error { _, err := app.OpenSale(ctx, "", 0); return err }},
		)
	}
	nopanic.Run(t, cases)
}
