package trading_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/trading"
	"github.com/polystore/polystore/internal/demo"
)

// The demo scenario in-process: orders flow through the HTTP API, trades
// happen, progress is reported, and every invariant of the summary holds
// (conservation, no overfill, each trade settled, audited and streamed
// once, journal replay = live books).
func TestSystemRun(t *testing.T) {
	env := demo.TestEnv(t, "trading")
	var mu sync.Mutex
	events := map[string]int{}
	env.Publish = func(event string, _ any) { mu.Lock(); events[event]++; mu.Unlock() }
	sys := &trading.System{Accounts: 10, JournalDir: t.TempDir()}
	require.NoError(t, sys.Setup(context.Background(), env))
	t.Cleanup(func() { require.NoError(t, sys.Close(context.Background())) })
	var rows []demo.Progress
	sum, err := sys.Run(context.Background(), demo.RunOptions{Duration: 3 * time.Second, Rate: 80}, func(p demo.Progress) { rows = append(rows, p) })
	require.NoError(t, err)
	require.True(t, sum.OK(), "%+v", sum.Checks)
	require.GreaterOrEqual(t, len(sum.Checks), 10)
	require.NotEmpty(t, rows, "progress about once a second")
	var trades float64
	for _, m := range sum.Metrics {
		if m.Key == "trades" {
			trades = m.Value
		}
	}
	require.Positive(t, trades, "the flow crosses the spread")
	mu.Lock()
	require.Positive(t, events["market"], "the book and tape reach the page")
	require.Positive(t, events["conservation"], "the conservation counter reaches the page")
	mu.Unlock()

	// Setup again on the same database (as serve does at every start):
	// the accounts are kept, the journal replays, the books come back.
	again := &trading.System{Accounts: 10, JournalDir: sys.JournalDir}
	require.NoError(t, sys.Close(context.Background()))
	require.NoError(t, again.Setup(context.Background(), env))
	defer again.Close(context.Background())
	require.Equal(t, sys.AccountIDs(), again.AccountIDs())
	res, err := again.Node().ReplayCheck(context.Background())
	require.NoError(t, err)
	for _, r := range res {
		require.Equal(t, r.LiveHash, r.ReplayHash, r.Symbol)
	}
	v, err := again.Store().Check(context.Background())
	require.NoError(t, err)
	require.Empty(t, v)
}
