package orm

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Written is what a committed operation or Transaction wrote in one model,
// as reported to Config.AfterWrite.
type Written struct {
	// Model is the model's name.
	Model string
	// IDs are the primary keys of written rows that statements returned
	// (updates, deletes and creates by unique key, nested ones included),
	// in the order first written, without repeats.
	IDs []any
	// All is set when rows other than IDs may have been written: a
	// statement whose rows are not returned (updateMany, deleteMany,
	// createMany, nested writes by filter), a model with a compound
	// primary key, an update that sets the primary key.
	All bool
}

// writeSet collects what a unit of work wrote, to report it to
// Config.AfterWrite once that work has committed.
type writeSet struct {
	mu     sync.Mutex
	writes []Written
}

func (w *writeSet) entry(model string) *Written {
	for i := range w.writes {
		if w.writes[i].Model == model {
			return &w.writes[i]
		}
	}
	w.writes = append(w.writes, Written{Model: model})
	return &w.writes[len(w.writes)-1]
}

// add merges writes into w.
func (w *writeSet) add(writes ...Written) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, x := range writes {
		e := w.entry(x.Model)
		e.All = e.All || x.All
		for _, id := range x.IDs {
			if !slices.Contains(e.IDs, id) {
				e.IDs = append(e.IDs, id)
			}
		}
	}
}

func (w *writeSet) list() []Written {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.writes)
	for i := range out {
		out[i].IDs = slices.Clone(out[i].IDs)
	}
	return out
}

// newWriteSet returns a set when c reports writes (Config.AfterWrite), else
// nil: then nothing is recorded.
func (c *Client) newWriteSet() *writeSet {
	if c.cfg.AfterWrite == nil {
		return nil
	}
	return &writeSet{}
}

// flush reports the writes of a committed unit of work. It runs before the
// operation or Transaction returns, under a context that the caller's
// cancellation does not stop (the data has committed either way).
func (c *Client) flush(ctx context.Context, ws *writeSet) {
	if ws == nil {
		return
	}
	if writes := ws.list(); len(writes) > 0 {
		c.cfg.AfterWrite(context.WithoutCancel(ctx), writes)
	}
}

// writes reports whether statements of act change rows.
func writes(act Action) bool {
	switch act {
	case ActionCreate, ActionCreateMany, ActionUpdate, ActionUpdateMany, ActionUpsert, ActionDelete, ActionDeleteMany,
		ActionCreateManyAndReturn, ActionUpdateManyAndReturn:
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

func (h *handle) writeSetOf(q querier) *writeSet {
	if r, ok := q.(*recorder); ok {
		return r.ws
	}
	return h.ws
}

// record notes that a statement of a write operation whose rows are not
// returned ran on m: any of m's rows may have changed. Reads done by a
// write (a nested connect's lookup) are noted too: reporting a row that
// did not change costs a cache miss, never a stale read.
func (h *handle) record(q querier, m *Model, act Action) {
	if m == nil || !writes(act) {
		return
	}
	if ws := h.writeSetOf(q); ws != nil {
		ws.add(Written{Model: m.Name, All: true})
	}
}

// recordRows notes the rows a statement of a write operation on m returns:
// each returns f wrapped so that every row's primary key is recorded. A
// statement that does not return the primary key, or an update that may
// set it (the row's old key is unknown), marks m as wholly written.
func (h *handle) recordRows(q querier, m *Model, act Action, sql string, each func(pgx.Rows) error) func(pgx.Rows) error {
	if m == nil || !writes(act) {
		return each
	}
	ws := h.writeSetOf(q)
	if ws == nil {
		return each
	}
	if len(m.pk) != 1 || setsColumn(sql, m.pk[0].qcol) {
		ws.add(Written{Model: m.Name, All: true})
		return each
	}
	ws.add(Written{Model: m.Name})
	col := m.pk[0].Column
	if col == "" {
		col = m.pk[0].Name
	}
	return func(rows pgx.Rows) error {
		if err := each(rows); err != nil {
			return err
		}
		for i, fd := range rows.FieldDescriptions() {
			if fd.Name != col {
				continue
			}
			if vals, err := rows.Values(); err == nil && vals[i] != nil {
				ws.add(Written{Model: m.Name, IDs: []any{vals[i]}})
				return nil
			}
		}
		ws.add(Written{Model: m.Name, All: true})
		return nil
	}
}

// setsColumn reports whether the SET list of an UPDATE or of an INSERT's
// ON CONFLICT DO UPDATE may assign the quoted column qcol (in doubt, yes).
func setsColumn(sql, qcol string) bool {
	i := strings.Index(sql, " SET ")
	if i < 0 {
		return false // an INSERT or DELETE: the returned keys are the rows'
	}
	set := sql[i+len(" SET "):]
	if j := strings.Index(set, " WHERE "); j >= 0 {
		set = set[:j]
	}
	return strings.HasPrefix(set, qcol+" =") || strings.Contains(set, ", "+qcol+" =")
}
