package shop

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	polyshop "github.com/polystore/polystore/apps/shop"
	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/ratelimit"
)

// BenchmarkReservationHandler: the shop's handler for POST /reservations
// called in-process (no HTTP transport, no load generator) against Redis,
// so ns/op and allocs/op are the shop's own: rate limit, body, catalog
// (in memory here), reservation, answer. stock=in reserves one unit per
// call; stock=out answers sold out, with the script every time
// (soldoutL1=off, the baseline) or from the L1 flag and the client-side
// cached stock (soldoutL1=on). stock=in/catalog=l1 reads the product
// through the catalog cache (PostgreSQL behind it, hits from rueidis'
// client-side cache, AppConfig.CatalogL1, as the served shop does) under a
// request context that can be canceled, as net/http gives each request.
// cpu-µs/op is this process's CPU time per call (clock ticks of 10 ms: use
// -benchtime of seconds).
func BenchmarkReservationHandler(b *testing.B) {
	for _, tc := range []struct {
		name  string
		units int64
		l1    bool
		pg    bool
	}{{"stock=in", 1 << 40, true, false}, {"stock=out/soldoutL1=off", 0, false, false}, {"stock=out/soldoutL1=on", 0, true, false},
		{"stock=in/catalog=l1", 1 << 30, true, true}} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			c := redisbench.CachingClient(b)
			p := prefix + devenv.UniqueName("handler") + ":"
			b.Cleanup(func() { _, _ = devenv.DeleteRedisPrefix(ctx, c, p) })
			cfg := polyshop.AppConfig{Config: polyshop.Config{Prefix: p, ReservationTTL: time.Minute,
				IdempotencyTTL: time.Minute, SoldOutL1: tc.l1}, UserLimit: ratelimit.Limit{Rate: 1 << 30, Period: time.Second, Burst: 1 << 30}}
			if tc.pg {
				cfg.PG, cfg.CatalogL1 = devenv.Postgres(b), true
			}
			app, err := polyshop.NewApp(c, cfg)
			if err != nil {
				b.Fatal(err)
			}
			if err := app.Prepare(ctx); err != nil {
				b.Fatal(err)
			}
			if err := app.AddProduct(ctx, polyshop.Product{ID: "hot", Name: "x", Price: "9.99"}, tc.units); err != nil {
				b.Fatal(err)
			}
			h := app.Handler()
			want := http.StatusCreated
			if tc.units == 0 {
				want = http.StatusConflict
			}
			var seq atomic.Int64
			b.ReportAllocs()
			cpu0, _ := procCPU(os.Getpid())
			b.SetParallelism(32)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := strconv.FormatInt(seq.Add(1), 10)
					req := httptest.NewRequest(http.MethodPost, "/reservations", strings.NewReader(`{"productId":"hot","quantity":1}`))
					cancel := context.CancelFunc(func() {})
					if tc.pg {
						var rctx context.Context
						rctx, cancel = context.WithCancel(req.Context())
						req = req.WithContext(rctx)
					}
					req.Header.Set(polyshop.HeaderUser, "u"+n)
					req.Header.Set(polyshop.HeaderIdempotency, "k"+n)
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					cancel()
					if w.Code != want {
						b.Errorf("status %d, want %d: %s", w.Code, want, w.Body.String())
						return
					}
				}
			})
			// This process's CPU (not Redis'): the shop's side of every call.
			if cpu1, err := procCPU(os.Getpid()); err == nil {
				b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			}
		})
	}
}
