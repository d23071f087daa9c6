package trading

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/polystore/polystore/apps/trading"
	"github.com/polystore/polystore/apps/trading/db"
	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
)

// placeBefore is placement as it was first built: the same Serializable
// transaction through the generated client, but the order connected to
// its account with Account.Connect (which reads the account FOR UPDATE
// and re-reads the created order), on a balances table with the default
// fillfactor (updates leave the page, adding index entries other
// placements' predicate locks cover).
func placeBefore(ctx context.Context, client *db.Client, account int, side string, ticks, lots int64, attempts *int64, mu *sync.Mutex) error {
	const priceDec, qtyDec = 2, 4 // BTC-USD
	num := func(v int64, exp int32) pgtype.Numeric {
		return pgtype.Numeric{Int: big.NewInt(v), Exp: exp, Valid: true}
	}
	ccy, hold, dbSide := "BTC", num(lots, -qtyDec), db.SideSell
	if side == "buy" {
		ccy, hold, dbSide = "USD", num(ticks*lots, -(priceDec+qtyDec)), db.SideBuy
	}
	return client.Transaction(ctx, func(ctx context.Context, tx *db.Client) error {
		mu.Lock()
		*attempts++
		mu.Unlock()
		if _, err := tx.Balance.Update(ctx, &db.BalanceUpdateArgs{
			Where: db.BalanceByAccountIDCurrency(account, ccy).And(db.BalanceFields.Available.Gte(hold)),
			Data:  []db.BalanceSet{db.BalanceFields.Available.Decrement(hold), db.BalanceFields.Reserved.Increment(hold)},
		}); err != nil {
			return err
		}
		o, err := tx.Order.Create(ctx, &db.OrderCreateArgs{Data: []db.OrderSet{
			db.OrderFields.Account.Connect(db.AccountByID(account)),
			db.OrderFields.Symbol.Set("BTC-USD"), db.OrderFields.Side.Set(dbSide),
			db.OrderFields.Type.Set(db.OrderTypeLimit), db.OrderFields.Tif.Set(db.TimeInForceGtc),
			db.OrderFields.Price.Set(num(ticks, -priceDec)), db.OrderFields.Quantity.Set(num(lots, -qtyDec)),
			db.OrderFields.HoldCurrency.Set(ccy), db.OrderFields.Hold.Set(hold),
		}})
		if err != nil {
			return err
		}
		_, err = tx.Outbox.Create(ctx, &db.OutboxCreateArgs{Data: []db.OutboxSet{
			db.OutboxFields.OrderID.Set(o.ID), db.OutboxFields.Op.Set("place"), db.OutboxFields.Symbol.Set("BTC-USD")}})
		return err
	}, &orm.TxOpts{Isolation: orm.Serializable, MaxRetries: 50, RetryBackoff: time.Millisecond, MaxWait: 10 * time.Second, Timeout: 10 * time.Second})
}

// BenchmarkPlacement: Serializable placement in PostgreSQL (reserve funds,
// insert the order and its outbox row, retry on 40001/40P01) from 16
// goroutines over 200 accounts, as first built ("before"), one order per
// transaction through the generated client ("after": Store.Place), and
// with group commit ("batched": Store.NewPlacer, concurrent orders share
// one transaction of one statement per round), each on a fresh database
// in the same run; reports orders/s, p50/p99, the retry rate (orders
// re-run after a serialization failure, per committed order), orders per
// transaction, and this process's CPU time per order.
func BenchmarkPlacement(b *testing.B) {
	for _, variant := range []string{"before", "after", "batched"} {
		b.Run(variant, func(b *testing.B) {
			ctx := context.Background()
			cfg, err := pgxpool.ParseConfig(devenv.PostgresURL(b))
			if err != nil {
				b.Fatal(err)
			}
			cfg.MaxConns = 16
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer pool.Close()
			if err := trading.ApplySchema(ctx, pool); err != nil {
				b.Fatal(err)
			}
			if variant == "before" {
				if _, err := pool.Exec(ctx, `ALTER TABLE balances RESET (fillfactor)`); err != nil {
					b.Fatal(err)
				}
			}
			store, err := trading.NewStore(pool, nil)
			if err != nil {
				b.Fatal(err)
			}
			accounts := make([]int, 200)
			for i := range accounts {
				if accounts[i], err = store.CreateAccount(ctx, fmt.Sprintf("acc%d", i), map[string]string{"USD": "100000000", "BTC": "100000"}); err != nil {
					b.Fatal(err)
				}
			}
			var placer *trading.Placer
			if variant == "batched" {
				placer = store.NewPlacer(nil)
				defer placer.Close()
			}
			var mu sync.Mutex
			var lat []time.Duration
			var attemptsBefore int64
			cpu0, pg0 := processCPU(), pgCPU(ctx, pool)
			b.SetParallelism(8) // 16 goroutines on 2 cores
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(rand.Uint64(), 0))
				var mine []time.Duration
				for pb.Next() {
					side := "buy"
					if rng.IntN(2) == 0 {
						side = "sell"
					}
					account := accounts[rng.IntN(len(accounts))]
					ticks := int64(2_000_000 + rng.IntN(10_000))
					t0 := time.Now()
					var err error
					req := &trading.OrderRequest{AccountID: account, Symbol: "BTC-USD", Side: side,
						Price: fmt.Sprintf("%d.%02d", ticks/100, ticks%100), Quantity: "0.01"}
					switch variant {
					case "before":
						err = placeBefore(ctx, store.Client(), account, side, ticks, 100, &attemptsBefore, &mu)
					case "after":
						_, err = store.Place(ctx, req, nil)
					default:
						_, err = placer.Place(ctx, req)
					}
					if err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			cpu, pgcpu := processCPU()-cpu0, pgCPU(ctx, pool)-pg0
			b.StopTimer()
			if len(lat) == 0 {
				return
			}
			slices.Sort(lat)
			placed, attempts := store.RetryStats()
			if variant == "before" {
				placed, attempts = int64(len(lat)), attemptsBefore
			}
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "orders/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(100*float64(attempts-placed)/float64(placed), "retry-%")
			b.ReportMetric(float64(cpu.Microseconds())/float64(len(lat)), "client-cpu-µs/order")
			b.ReportMetric(float64(pgcpu.Microseconds())/float64(len(lat)), "pg-cpu-µs/order")
			if variant == "batched" {
				batches, _ := store.BatchStats()
				b.ReportMetric(float64(len(lat))/float64(batches), "orders/tx")
			}
		})
	}
}
