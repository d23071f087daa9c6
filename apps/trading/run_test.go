package trading

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// long reports whether the full-size runs were asked for (POLYSTORE_LONG=1).
func long() bool { return os.Getenv("POLYSTORE_LONG") == "1" }

// trader places random orders for one account around a mid price:
// mostly limit orders near the touch (some crossing), some IOC, FOK and
// market orders, and cancels of its own open orders.
type trader struct {
	store   *Store
	account int
	rng     *rand.Rand
	open    []int64
	rejects map[string]int
}

func (tr *trader) step(ctx context.Context) error {
	markets := tr.store.Markets()
	m := markets[tr.rng.IntN(len(markets))]
	if len(tr.open) > 0 && tr.rng.IntN(5) == 0 {
		i := tr.rng.IntN(len(tr.open))
		id := tr.open[i]
		tr.open = append(tr.open[:i], tr.open[i+1:]...)
		err := tr.store.Cancel(ctx, tr.account, id)
		if err == ErrNotOpen {
			return nil
		}
		return err
	}
	side := "buy"
	if tr.rng.IntN(2) == 0 {
		side = "sell"
	}
	ticks := int64(10_000 + tr.rng.IntN(21) - 10)
	lots := int64(1 + tr.rng.IntN(50))
	req := &OrderRequest{AccountID: tr.account, Symbol: m.Symbol, Side: side, Price: m.PriceText(ticks), Quantity: m.QtyText(lots)}
	switch r := tr.rng.IntN(20); {
	case r < 2:
		req.TIF = "ioc"
	case r < 3:
		req.TIF = "fok"
	case r < 4:
		req.Type = "market"
		if side == "sell" {
			req.Price = ""
		}
	}
	o, err := tr.store.Place(ctx, req, nil)
	if re, ok := err.(*RejectError); ok {
		tr.rejects[re.Code]++
		return nil
	}
	if err != nil {
		return err
	}
	if req.Type == "" && req.TIF == "" {
		tr.open = append(tr.open, o.ID)
	}
	return nil
}

func newTraders(t testing.TB, s *Store, n int, seed uint64) []*trader {
	out := make([]*trader, n)
	for i := range out {
		acc, err := s.CreateAccount(context.Background(), fmt.Sprintf("trader%d", i),
			map[string]string{"USD": "20000", "BTC": "5", "ETH": "50", "SOL": "500"})
		require.NoError(t, err)
		out[i] = &trader{store: s, account: acc, rng: rand.New(rand.NewPCG(seed, uint64(i))), rejects: map[string]int{}}
	}
	return out
}

// trade drives the traders concurrently until total steps are done or
// stop is closed; it returns the steps done.
func trade(ctx context.Context, t testing.TB, traders []*trader, total int64, stop <-chan struct{}) int64 {
	var done atomic.Int64
	var wg sync.WaitGroup
	for _, tr := range traders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done.Add(1) <= total {
				select {
				case <-stop:
					return
				default:
				}
				require.NoError(t, tr.step(ctx))
			}
		}()
	}
	wg.Wait()
	return min(done.Load(), total)
}

// watchConservation runs Check continuously until stop, and returns the
// number of checks and every violation seen.
func watchConservation(ctx context.Context, s *Store, stop <-chan struct{}) func() (int, []Violation) {
	var checks int
	var seen []Violation
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			v, err := s.Check(ctx)
			if err == nil {
				checks++
				seen = append(seen, v...)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() (int, []Violation) { <-done; return checks, seen }
}

// exactlyOnce waits until everything is settled and published, then checks
// that every trade is in PostgreSQL, the audit log and its stream exactly
// once, numbered 1..N per symbol without gaps. It returns the trade count.
func exactlyOnce(t *testing.T, e *env, keyOf func(string) string) int64 {
	t.Helper()
	ctx := context.Background()
	var total int64
	require.Eventually(t, func() bool {
		var pending, unrelayed int64
		require.NoError(t, e.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM orders WHERE status = 'PENDING'),
			(SELECT count(*) FROM order_outbox WHERE NOT relayed)`).Scan(&pending, &unrelayed))
		if pending != 0 || unrelayed != 0 {
			return false
		}
		total = 0
		for _, m := range e.store.Markets() {
			var n, maxSeq, distinct int64
			require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*), coalesce(max(seq), 0), count(DISTINCT seq) FROM trades WHERE symbol = $1`, m.Symbol).Scan(&n, &maxSeq, &distinct))
			if n != maxSeq || n != distinct {
				t.Fatalf("%s: %d trades in PostgreSQL, max seq %d, distinct %d", m.Symbol, n, maxSeq, distinct)
			}
			xlen, err := e.redis.Client.Do(ctx, e.redis.Client.B().Xlen().Key(keyOf(m.Symbol)).Build()).AsInt64()
			require.NoError(t, err)
			audit, err := e.mongo.Collection(AuditCollection).CountDocuments(ctx, map[string]any{"metadata.symbol": m.Symbol})
			require.NoError(t, err)
			if xlen != n || audit != n {
				return false
			}
			total += n
		}
		return true
	}, 90*time.Second, 50*time.Millisecond)
	for _, m := range e.store.Markets() {
		entries, err := e.redis.Client.Do(ctx, e.redis.Client.B().Xrange().Key(keyOf(m.Symbol)).Start("-").End("+").Build()).AsXRange()
		require.NoError(t, err)
		for i, x := range entries {
			require.Equal(t, fmt.Sprintf("%d-0", i+1), x.ID, "%s stream without gaps", m.Symbol)
		}
	}
	var overfilled int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM orders WHERE filled > quantity`).Scan(&overfilled))
	require.Zero(t, overfilled, "no order fills beyond its quantity")
	return total
}

// A randomized run of concurrent traders: conservation holds in every
// snapshot taken during the run and at the end, and each trade is settled,
// audited and streamed exactly once. 400 orders in CI, 5,000 with
// POLYSTORE_LONG=1.
func TestRandomRunConservesFunds(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	n := e.node(t)
	traders := newTraders(t, e.store, 8, 1)
	total := int64(400)
	if long() {
		total = 5000
	}
	stop := make(chan struct{})
	result := watchConservation(ctx, e.store, stop)
	trade(ctx, t, traders, total, nil)
	trades := exactlyOnce(t, e, n.TradesKey)
	close(stop)
	checks, violations := result()
	require.Empty(t, violations)
	require.Greater(t, checks, 5, "checked during the run")
	require.Greater(t, trades, int64(20), "the run traded")
	noViolations(t, e)
	require.NoError(t, n.Close())
	placed, attempts := e.store.RetryStats()
	t.Logf("%d orders placed in %d attempts, %d trades, %d conservation checks", placed, attempts, trades, checks)
}
