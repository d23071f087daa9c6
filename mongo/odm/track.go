package odm

import (
	"bytes"
	"sync"
	"weak"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// tracker remembers, for every hydrated document, the BSON it was loaded
// (or last saved) as, so that Save can send only the changed paths. Keys
// are weak pointers: entries whose document was collected are swept when
// the map has doubled since the last sweep, so the cost is amortized O(1)
// per tracked document and memory follows the live documents.
type tracker[T any] struct {
	mu        sync.Mutex
	snap      map[weak.Pointer[T]]bson.Raw
	sweepSize int
}

func newTracker[T any]() *tracker[T] {
	return &tracker[T]{snap: make(map[weak.Pointer[T]]bson.Raw), sweepSize: 1024}
}

func (t *tracker[T]) set(doc *T, raw bson.Raw) {
	wp := weak.Make(doc)
	t.mu.Lock()
	t.snap[wp] = raw
	if len(t.snap) >= t.sweepSize {
		t.sweepLocked()
	}
	t.mu.Unlock()
}

// sweepLocked drops the entries of collected documents.
func (t *tracker[T]) sweepLocked() {
	for k := range t.snap {
		if k.Value() == nil {
			delete(t.snap, k)
		}
	}
	t.sweepSize = max(1024, 2*len(t.snap))
}

func (t *tracker[T]) get(doc *T) (bson.Raw, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	raw, ok := t.snap[weak.Make(doc)]
	return raw, ok
}

// size returns the number of entries (for tests).
func (t *tracker[T]) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.snap)
}

// diff compares two documents and returns the $set and $unset of dotted
// paths turning old into cur. Embedded documents are compared field by
// field; arrays and other values as a whole.
func diff(old, cur bson.Raw, prefix string, set, unset *bson.D) error {
	oldElems, err := old.Elements()
	if err != nil {
		return err
	}
	curElems, err := cur.Elements()
	if err != nil {
		return err
	}
	oldBy := make(map[string]bson.RawValue, len(oldElems))
	for _, e := range oldElems {
		oldBy[e.Key()] = e.Value()
	}
	seen := make(map[string]bool, len(curElems))
	for _, e := range curElems {
		k, v := e.Key(), e.Value()
		seen[k] = true
		ov, ok := oldBy[k]
		switch {
		case !ok:
			*set = append(*set, bson.E{Key: prefix + k, Value: v})
		case ov.Type == bson.TypeEmbeddedDocument && v.Type == bson.TypeEmbeddedDocument:
			if !bytes.Equal(ov.Value, v.Value) {
				if err := diff(ov.Document(), v.Document(), prefix+k+".", set, unset); err != nil {
					return err
				}
			}
		case ov.Type != v.Type || !bytes.Equal(ov.Value, v.Value):
			*set = append(*set, bson.E{Key: prefix + k, Value: v})
		}
	}
	for _, e := range oldElems {
		if !seen[e.Key()] {
			*unset = append(*unset, bson.E{Key: prefix + e.Key(), Value: ""})
		}
	}
	return nil
}
