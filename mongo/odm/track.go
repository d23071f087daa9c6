package odm

import (
	"bytes"
	"runtime"
	"sync"
	"weak"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// tracker remembers, for every hydrated document, the BSON it was loaded
// (or last saved) as, so that Save can send only the changed paths. Entries
// die with the document: keys are weak pointers removed by a cleanup.
type tracker[T any] struct {
	mu   sync.Mutex
	snap map[weak.Pointer[T]]bson.Raw
}

func newTracker[T any]() *tracker[T] {
	return &tracker[T]{snap: make(map[weak.Pointer[T]]bson.Raw)}
}

func (t *tracker[T]) set(doc *T, raw bson.Raw) {
	wp := weak.Make(doc)
	t.mu.Lock()
	_, existed := t.snap[wp]
	t.snap[wp] = raw
	t.mu.Unlock()
	if !existed {
		runtime.AddCleanup(doc, t.forget, wp)
	}
}

func (t *tracker[T]) forget(wp weak.Pointer[T]) {
	t.mu.Lock()
	delete(t.snap, wp)
	t.mu.Unlock()
}

func (t *tracker[T]) get(doc *T) (bson.Raw, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	raw, ok := t.snap[weak.Make(doc)]
	return raw, ok
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
