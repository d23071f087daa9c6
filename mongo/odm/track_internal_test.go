package odm

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Invariant: the tracker does not keep documents alive and does not grow
// beyond the live documents (plus the sweep slack).
func TestTrackerForgetsCollectedDocuments(t *testing.T) {
	type doc struct {
		N int
		S string // a pointer field keeps it out of the tiny allocator
	}
	tr := newTracker[doc]()
	live := make([]*doc, 0, 100)
	for i := 0; i < 50_000; i++ {
		d := &doc{N: i}
		tr.set(d, bson.Raw{5, 0, 0, 0, 0})
		if i%500 == 0 {
			live = append(live, d)
		}
		if i%5000 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	tr.mu.Lock()
	tr.sweepLocked()
	tr.mu.Unlock()
	require.LessOrEqual(t, tr.size(), len(live)+10, "collected documents are forgotten")
	for _, d := range live {
		_, ok := tr.get(d)
		require.True(t, ok, "live documents stay tracked")
	}
}
