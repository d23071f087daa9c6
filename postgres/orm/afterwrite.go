package orm

import (
	"context"
	"slices"
	"sync"
)

// writeSet collects the models a unit of work wrote, to report them to
// Config.AfterWrite once that work has committed.
type writeSet struct {
	mu     sync.Mutex
	models []string
}

func (w *writeSet) add(models ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range models {
		if !slices.Contains(w.models, m) {
			w.models = append(w.models, m)
		}
	}
}

func (w *writeSet) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.models)
}

// newWriteSet returns a set when c reports writes (Config.AfterWrite), else
// nil: then nothing is recorded.
func (c *Client) newWriteSet() *writeSet {
	if c.cfg.AfterWrite == nil {
		return nil
	}
	return &writeSet{}
}

// flush reports the models of a committed unit of work. It runs before the
// operation or Transaction returns, under a context that the caller's
// cancellation does not stop (the data has committed either way).
func (c *Client) flush(ctx context.Context, ws *writeSet) {
	if ws == nil {
		return
	}
	if models := ws.list(); len(models) > 0 {
		c.cfg.AfterWrite(context.WithoutCancel(ctx), models)
	}
}

// writes reports whether statements of act change rows.
func (act Action) writes() bool {
	switch act {
	case ActionCreate, ActionCreateMany, ActionUpdate, ActionUpdateMany, ActionUpsert, ActionDelete, ActionDeleteMany:
		return true
	}
	return false
}

// recorder is the querier of a single operation outside a transaction: it
// carries the write set the operation's statements add to.
type recorder struct {
	querier
	ws *writeSet
}

// record notes that a statement of a write operation ran on m (reads done
// by a write, such as a nested connect's lookup, are noted too: reporting
// a model that did not change costs a cache miss, never a stale read).
func (h *handle) record(q querier, m *Model, act Action) {
	if m == nil || !act.writes() {
		return
	}
	ws := h.ws
	if r, ok := q.(*recorder); ok {
		ws = r.ws
	}
	if ws != nil {
		ws.add(m.Name)
	}
}
