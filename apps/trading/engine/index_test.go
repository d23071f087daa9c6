package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The index agrees with a Go map through random puts and deletes that
// wrap around the table, collide and make it grow.
func TestOrderIndexMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := newOrderIndex(4)
	ref := map[uint64]*order{}
	var live []uint64
	for step := range 200_000 {
		switch {
		case len(live) > 0 && rng.IntN(100) < 48+len(live)/40:
			k := rng.IntN(len(live))
			id := live[k]
			live[k] = live[len(live)-1]
			live = live[:len(live)-1]
			x.delete(id)
			delete(ref, id)
		default:
			// ids from a small range collide often; some are 0
			id := rng.Uint64N(4096) << (rng.UintN(2) * 40)
			if ref[id] != nil {
				continue
			}
			o := &order{id: id}
			x.put(id, o)
			ref[id] = o
			live = append(live, id)
		}
		if step%997 == 0 {
			require.Equal(t, len(ref), x.n)
			for id, o := range ref {
				require.Same(t, o, x.get(id), "id %d", id)
			}
			for range 50 {
				id := rng.Uint64N(8192)
				require.Equal(t, ref[id], x.get(id), "id %d", id)
			}
		}
	}
	require.Greater(t, len(x.slots), 16, "the table grew")
}

// A book that stays within its capacity never grows its index.
func TestOrderIndexKeepsItsSize(t *testing.T) {
	mix := GenerateMix(2, 200_000, nil)
	b := NewBook(nil, &BookOpts{Capacity: 1 << 15})
	size := len(b.orders.slots)
	peak := 0
	for i := range mix {
		b.Apply(&mix[i])
		peak = max(peak, b.Open())
	}
	require.Less(t, peak, 1<<15)
	require.Equal(t, size, len(b.orders.slots))
	require.Zero(t, b.Open())
}
