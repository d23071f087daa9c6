package odm

import (
	"sync"
	"weak"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// tracker remembers, for every hydrated document, the BSON it was loaded
// (or last saved) as, so that Save can send only the changed paths.
type tracker[T any] = weakMap[T, bson.Raw]

func newTracker[T any]() *tracker[T] { return newWeakMap[T, bson.Raw]() }

// weakMap maps documents to values without keeping them alive. Keys are
// weak pointers: entries whose document was collected are swept when the
// map has doubled since the last sweep, so the cost is amortized O(1) per
// entry and memory follows the live documents.
type weakMap[T, V any] struct {
	mu        sync.Mutex
	snap      map[weak.Pointer[T]]V
	sweepSize int
}

func newWeakMap[T, V any]() *weakMap[T, V] {
	return &weakMap[T, V]{snap: make(map[weak.Pointer[T]]V), sweepSize: 1024}
}

func (t *weakMap[T, V]) set(doc *T, v V) {
	t.update(doc, func(V, bool) V { return v })
}

// update sets doc's value to fn of its current one (and whether it has one).
func (t *weakMap[T, V]) update(doc *T, fn func(cur V, ok bool) V) {
	wp := weak.Make(doc)
	t.mu.Lock()
	cur, ok := t.snap[wp]
	t.snap[wp] = fn(cur, ok)
	if len(t.snap) >= t.sweepSize {
		t.sweepLocked()
	}
	t.mu.Unlock()
}

// sweepLocked drops the entries of collected documents.
func (t *weakMap[T, V]) sweepLocked() {
	for k := range t.snap {
		if k.Value() == nil {
			delete(t.snap, k)
		}
	}
	t.sweepSize = max(1024, 2*len(t.snap))
}

func (t *weakMap[T, V]) get(doc *T) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.snap[weak.Make(doc)]
	return v, ok
}

// size returns the number of entries (for tests).
func (t *weakMap[T, V]) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.snap)
}
