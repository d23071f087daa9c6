package trading

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// copyAll copies every file of dir into to (overwriting).
func copyAll(t *testing.T, dir, to string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, d := range entries {
		if strings.HasPrefix(d.Name(), "journal") && !strings.Contains(d.Name(), ".snap") {
			require.NoError(t, copyFile(filepath.Join(dir, d.Name()), filepath.Join(to, d.Name())))
		}
	}
}

// A node snapshots mid-run and compacts its journal; a new node started
// from the snapshot and the journal's tail has the books a full replay of
// the uncompacted journal gives (same state hashes), settles nothing
// twice, and conservation holds.
func TestSnapshotRecoveryMatchesFullReplay(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	cfg := NodeConfig{Store: e.store, JournalPath: filepath.Join(e.dir, "journal"), Redis: e.redis.Client, Mongo: e.mongo,
		KeyPrefix: e.redis.Prefix, Poll: 5 * time.Millisecond, JournalSegment: 16}
	n, err := StartNode(ctx, cfg)
	require.NoError(t, err)
	var accounts []int
	for i := range 4 {
		a, err := e.store.CreateAccount(ctx, fmt.Sprintf("s%d", i), map[string]string{"USD": "1000000", "BTC": "100", "ETH": "1000"})
		require.NoError(t, err)
		accounts = append(accounts, a)
	}
	full := t.TempDir() // every segment ever written, for the full replay
	place := func(k int) {
		for i := range k {
			side, price := "buy", fmt.Sprintf("%d", 100+i%7)
			if i%2 == 1 {
				side = "sell"
			}
			sym := "BTC-USD"
			if i%3 == 0 {
				sym = "ETH-USD"
			}
			_, err := n.Place(ctx, &OrderRequest{AccountID: accounts[i%len(accounts)], Symbol: sym, Side: side, Price: price, Quantity: "0.01"})
			require.NoError(t, err)
		}
		waitSettled(t, e, n)
		copyAll(t, e.dir, full)
	}
	place(120)
	info, err := n.Snapshot(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(120), info.JournalSeq)
	require.Positive(t, info.Compacted, "segments before the snapshot are deleted")
	require.Greater(t, n.jr.FirstSeq(), uint64(1))
	res, err := n.ReplayCheck(ctx) // from the snapshot and the tail
	require.NoError(t, err)
	for _, r := range res {
		require.Equal(t, r.LiveHash, r.ReplayHash, r.Symbol)
	}
	place(70)
	live := map[string]uint64{}
	for _, m := range e.store.Markets() {
		require.NoError(t, n.Engine().Do(ctx, m.Symbol, func(b *engineBook) { live[m.Symbol] = b.StateHash() }))
	}
	var trades int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM trades`).Scan(&trades))
	require.Positive(t, trades)
	require.NoError(t, n.Close())

	replayed, err := rebuildBooks(e.store.Markets(), nil, filepath.Join(full, "journal"))
	require.NoError(t, err)
	require.Equal(t, live, replayed, "a full replay gives the live books")

	n2, err := StartNode(ctx, cfg)
	require.NoError(t, err)
	defer n2.Close()
	recovered := map[string]uint64{}
	for _, m := range e.store.Markets() {
		require.NoError(t, n2.Engine().Do(ctx, m.Symbol, func(b *engineBook) { recovered[m.Symbol] = b.StateHash() }))
	}
	require.Equal(t, replayed, recovered, "snapshot + tail = full replay")
	waitSettled(t, e, n2)
	var trades2, maxSeq int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*), coalesce(max(seq), 0) FROM trades WHERE symbol = 'BTC-USD'`).Scan(&trades2, &maxSeq))
	require.Equal(t, maxSeq, trades2, "BTC-USD trades numbered without gaps or repeats")
	var total int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM trades`).Scan(&total))
	require.Equal(t, trades, total, "recovery settles nothing twice")
	noViolations(t, e)
	// A snapshot whose segments are gone cannot be skipped: without it the
	// journal refuses to start rather than rebuild partial books.
	require.NoError(t, n2.Close())
	require.NoError(t, os.Rename(n2.SnapshotPath(), n2.SnapshotPath()+".gone"))
	_, err = StartNode(ctx, cfg)
	require.ErrorContains(t, err, "compacted")
}
