package trading

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/devenv"
)

var prefix = devenv.UniqueName("bench:trading:") + ":"

func TestMain(m *testing.M) {
	if os.Getenv(envMongoChild) == "1" {
		serveMongoChild()
	}
	if spec := os.Getenv(envLoadChild); spec != "" {
		runLoadChild(spec)
	}
	redisbench.Main(m, prefix)
}

// Two matchers (two processes of the guide's service) read the same best
// bid and ask before either removes them, and both execute the trade: one
// sell order of 1 lot is filled twice. The interleaving is forced with the
// afterRead hook so the test always shows it; the free-running loop below
// counts how often it happens by itself.
func TestGuideDoubleFill(t *testing.T) {
	ctx := context.Background()
	c := redisbench.Client(t)
	var mu sync.Mutex
	fills := map[int64]int{}
	onTrade := func(bid, ask GuideOrder) {
		mu.Lock()
		fills[bid.ID]++
		fills[ask.ID]++
		mu.Unlock()
	}
	symbol := devenv.UniqueName("dbl")
	a, b := NewGuideBook(c, prefix, symbol), NewGuideBook(c, prefix, symbol)
	a.OnTrade, b.OnTrade = onTrade, onTrade
	var barrier sync.WaitGroup
	barrier.Add(2)
	line := func() { barrier.Done(); barrier.Wait() }
	a.afterRead, b.afterRead = line, line

	require.NoError(t, c.Do(ctx, c.B().Zadd().Key(a.bidsKey).ScoreMember().ScoreMember(100, `{"id":1,"side":"BUY","price":100,"quantity":1}`).Build()).Error())
	require.NoError(t, c.Do(ctx, c.B().Zadd().Key(a.asksKey).ScoreMember().ScoreMember(100, `{"id":2,"side":"SELL","price":100,"quantity":1}`).Build()).Error())
	var wg sync.WaitGroup
	for _, m := range []*GuideBook{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); require.NoError(t, m.MatchOrders(ctx)) }()
	}
	wg.Wait()
	require.Equal(t, 2, fills[2], "the 1-lot sell order was filled twice")

	// Free-running: 2 matchers racing on fresh crossing pairs.
	a.afterRead, b.afterRead = nil, nil
	var doubles atomic.Int64
	const rounds = 200
	for r := range rounds {
		id := int64(10 + 2*r)
		mu.Lock()
		fills = map[int64]int{}
		mu.Unlock()
		require.NoError(t, a.AddOrderNoMatch(ctx, GuideOrder{ID: id, Side: "BUY", Price: 100, Quantity: 1}))
		require.NoError(t, a.AddOrderNoMatch(ctx, GuideOrder{ID: id + 1, Side: "SELL", Price: 100, Quantity: 1}))
		var wg sync.WaitGroup
		for _, m := range []*GuideBook{a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); require.NoError(t, m.MatchOrders(ctx)) }()
		}
		wg.Wait()
		mu.Lock()
		if fills[id+1] > 1 {
			doubles.Add(1)
		}
		mu.Unlock()
	}
	t.Logf("free-running: %d of %d crossing pairs filled twice", doubles.Load(), rounds)
}
