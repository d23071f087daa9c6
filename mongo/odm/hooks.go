package odm

import (
	"context"
	"encoding/json"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Event names an operation hooks attach to.
type Event string

// Hook events.
const (
	EventValidate   Event = "validate"
	EventSave       Event = "save"
	EventFind       Event = "find"
	EventUpdate     Event = "update"
	EventDelete     Event = "delete"
	EventInsertMany Event = "insertMany"
	EventAggregate  Event = "aggregate"
)

// Op is what a hook sees of an operation. Pre hooks may change Filter,
// Update and Pipeline; post hooks see Result, Doc or Docs.
type Op[T any] struct {
	Event    Event
	Doc      *T
	Docs     []*T
	Filter   bson.D
	Update   bson.D
	Pipeline []bson.D
	// Result is the driver's result (*mongo.UpdateResult, ...) in post hooks.
	Result any
}

// HookFunc is a pre or post hook. An error from a pre hook aborts the
// operation; an error from a post hook is returned to the caller (the
// operation has happened).
type HookFunc[T any] func(ctx context.Context, op *Op[T]) error

type hooks[T any] struct {
	mu   sync.RWMutex
	pre  map[Event][]HookFunc[T]
	post map[Event][]HookFunc[T]
}

func (h *hooks[T]) add(pre bool, e Event, fn HookFunc[T]) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pre == nil {
		h.pre, h.post = map[Event][]HookFunc[T]{}, map[Event][]HookFunc[T]{}
	}
	if pre {
		h.pre[e] = append(h.pre[e], fn)
	} else {
		h.post[e] = append(h.post[e], fn)
	}
}

// has reports whether any hook is registered for e.
func (h *hooks[T]) has(e Event) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.pre[e]) > 0 || len(h.post[e]) > 0
}

func (h *hooks[T]) run(ctx context.Context, pre bool, op *Op[T]) error {
	h.mu.RLock()
	var fns []HookFunc[T]
	if pre {
		fns = h.pre[op.Event]
	} else {
		fns = h.post[op.Event]
	}
	h.mu.RUnlock()
	for _, fn := range fns {
		if err := fn(ctx, op); err != nil {
			return err
		}
	}
	return nil
}

// Pre registers a hook that runs before the event's operations, in
// registration order.
func (m *Model[T]) Pre(e Event, fn HookFunc[T]) { m.hooks.add(true, e, fn) }

// Post registers a hook that runs after the event's operations succeed.
func (m *Model[T]) Post(e Event, fn HookFunc[T]) { m.hooks.add(false, e, fn) }

type virtual[T any] struct {
	name string
	get  func(*T) any
}

// Virtual declares a computed field (not stored), such as fullName, which
// JSON includes when asked.
func (m *Model[T]) Virtual(name string, get func(doc *T) any) {
	m.virts = append(m.virts, virtual[T]{name: name, get: get})
}

// VirtualValue returns a virtual's value for doc.
func (m *Model[T]) VirtualValue(doc *T, name string) (any, bool) {
	for _, v := range m.virts {
		if v.name == name {
			return v.get(doc), true
		}
	}
	return nil, false
}

// JSONOpts tunes Model.JSON.
type JSONOpts struct {
	// Virtuals adds the model's virtuals to the output.
	Virtuals bool
}

// JSON renders doc with encoding/json, adding the virtuals on request.
// For map documents select:false paths are left out; struct fields that
// must never reach JSON take a `json:"-"` tag.
func (m *Model[T]) JSON(doc *T, o *JSONOpts) ([]byte, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	hidden := len(m.hiddenProj) > 0 && m.isMap
	if (o == nil || !o.Virtuals || len(m.virts) == 0) && !hidden {
		return b, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, errorf("JSON virtuals need an object: %w", err)
	}
	if hidden {
		for _, e := range m.hiddenProj {
			delete(obj, e.Key)
		}
	}
	if o != nil && o.Virtuals {
		for _, v := range m.virts {
			vb, err := json.Marshal(v.get(doc))
			if err != nil {
				return nil, err
			}
			obj[v.name] = vb
		}
	}
	return json.Marshal(obj)
}
