package engine

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Each symbol's book sees its commands in submission order on its own
// goroutine: two symbols fed concurrently end with the same state as a
// book fed directly.
func TestEngineOneWriterPerSymbol(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	counts := map[string]int{}
	e, err := New([]string{"AAA", "BBB"}, func(sym string) Sink {
		return SinkFunc(func(*Event) { mu.Lock(); counts[sym]++; mu.Unlock() })
	}, nil)
	require.NoError(t, err)
	mix := GenerateMix(3, 3000, nil)
	var wg sync.WaitGroup
	for _, sym := range []string{"AAA", "BBB"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range mix {
				require.NoError(t, e.Submit(ctx, sym, c))
			}
		}()
	}
	wg.Wait()
	direct := NewBook(nil, nil)
	for i := range mix {
		direct.Apply(&mix[i])
	}
	for _, sym := range []string{"AAA", "BBB"} {
		var h uint64
		require.NoError(t, e.Do(ctx, sym, func(b *Book) { h = b.StateHash() }))
		require.Equal(t, direct.StateHash(), h, sym)
	}
	e.Close()
	e.Close()
	mu.Lock()
	require.Equal(t, int(direct.Seq()), counts["AAA"])
	require.Equal(t, counts["AAA"], counts["BBB"])
	mu.Unlock()
	require.ErrorIs(t, e.Submit(ctx, "AAA", mix[0]), ErrClosed)
}

func TestEngineErrors(t *testing.T) {
	_, err := New(nil, nil, nil)
	require.Error(t, err)
	_, err = New([]string{"A", "A"}, nil, nil)
	require.Error(t, err)
	e, err := New([]string{"A"}, nil, nil)
	require.NoError(t, err)
	defer e.Close()
	var unknown *UnknownSymbolError
	require.ErrorAs(t, e.Submit(context.Background(), "B", Command{}), &unknown)
	require.Equal(t, "B", unknown.Symbol)
	require.Error(t, e.Do(context.Background(), "A", nil))
}
