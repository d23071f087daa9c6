package engine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// After warm-up, applying the realistic mix allocates nothing per order.
func TestApplyAllocatesNothing(t *testing.T) {
	mix := GenerateMix(1, 20_000, nil)
	b := NewBook(nil, &BookOpts{Capacity: 4096})
	var round uint64
	replay := func() {
		round++
		for i := range mix {
			c := Shift(mix[i], round<<32)
			b.Apply(&c)
		}
	}
	replay() // warm-up: free lists and map reach their working size
	allocs := testing.AllocsPerRun(5, replay)
	require.Zero(t, b.Open(), "the mix ends with an empty book")
	require.Less(t, allocs/float64(len(mix)), 0.001, "allocations per command")
}

func TestMixIsDeterministicAndMixed(t *testing.T) {
	a, b := GenerateMix(7, 5000, nil), GenerateMix(7, 5000, nil)
	require.Equal(t, a, b)
	ops := map[Op]int{}
	tifs := map[TIF]int{}
	for _, c := range a {
		ops[c.Op]++
		if c.Op == OpPlace {
			tifs[c.TIF]++
		}
	}
	require.Greater(t, ops[OpCancel], 500)
	require.Greater(t, ops[OpModify], 200)
	require.Greater(t, tifs[IOC], 100)
	rec := &recorder{}
	book := NewBook(rec, nil)
	for i := range a {
		book.Apply(&a[i])
	}
	trades := 0
	for _, e := range rec.events {
		if e.Kind == EvTrade {
			trades++
		}
	}
	require.Greater(t, trades, 300, "the mix trades")
}

// BenchmarkApplyMix is the matching core on one core: one op is one
// command of the realistic mix.
func BenchmarkApplyMix(b *testing.B) {
	mix := GenerateMix(1, 1<<20, nil)
	book := NewBook(nil, &BookOpts{Capacity: 1 << 14})
	for i := range mix {
		book.Apply(&mix[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	round := uint64(1)
	for i := 0; b.Loop(); i++ {
		if i == len(mix) {
			i = 0
			round++
		}
		c := Shift(mix[i], round<<32)
		book.Apply(&c)
	}
}
