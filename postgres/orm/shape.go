package orm

import (
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
)

// The statement cache by query shape. A find compiles to SQL text that
// depends only on the shape of its arguments (fields, operators, which of
// take and skip are set, selections, includes), never on their values,
// which are all bind parameters. The first find of a shape compiles it
// and records where each bind parameter came from; later finds of the
// shape walk their arguments once, look the shape up and bind their own
// values: no SQL is built, and the SQL text is the same string every
// time, so pgx's per-connection prepared statement cache hits.
//
// Only shapes whose values map one to one onto bind parameters are cached
// (field conditions without NULL and Json, plain orderings, selects,
// includes without cursor or distinct, _count without filters); others are
// compiled every time, as before. A shape is cached only after binding the
// recorded slots reproduced the compiler's own arguments.

// maxShapes bounds the shapes cached per model; when full, the cache
// starts over.
const maxShapes = 512

type shapeCache struct {
	mu sync.RWMutex
	m  map[string]*shapeEntry
}

func newShapeCache() *shapeCache { return &shapeCache{m: map[string]*shapeEntry{}} }

func (sc *shapeCache) get(key []byte) *shapeEntry {
	sc.mu.RLock()
	e := sc.m[string(key)]
	sc.mu.RUnlock()
	return e
}

func (sc *shapeCache) put(key []byte, e *shapeEntry) {
	sc.mu.Lock()
	if len(sc.m) >= maxShapes {
		clear(sc.m)
	}
	sc.m[string(key)] = e
	sc.mu.Unlock()
}

// shapeEntry is one compiled shape.
type shapeEntry struct {
	sql   string
	cols  []string
	slots []argSlot
	plan  atomic.Pointer[rowPlan] // the scan plan of the last result type
}

// planFor returns the entry's scan plan into t.
func (e *shapeEntry) planFor(t reflect.Type) (*rowPlan, error) {
	if p := e.plan.Load(); p != nil && p.ti.t == t {
		return p, nil
	}
	p, err := planFor(t, e.sql, e.cols)
	if err == nil {
		e.plan.Store(p)
	}
	return p, err
}

type slotKind uint8

const (
	slotValue   slotKind = iota + 1 // coerce(f, cond value)
	slotList                        // coerceList(f, cond value)
	slotPattern                     // pre + cond value + post (no escaping, as Prisma)
	slotTake                        // int64(Take)
	slotSkip                        // int64(Skip)
	slotKeys                        // the parent keys of a query-strategy level
)

// argSrc is where the compiler's next bind parameter comes from, noted
// while a shape is recorded.
type argSrc struct {
	kind      slotKind
	fc        *FieldCond
	fa        *FindArgs
	f         *Field
	pre, post string
}

// argSlot is a recorded bind parameter: its source node and conversion.
type argSlot struct {
	kind      slotKind
	node      int
	f         *Field
	pre, post string
}

// shapeNode is a value-carrying part of the arguments, in walk order.
type shapeNode struct {
	fc *FieldCond
	fa *FindArgs
}

// shapeWalk is the key of a shape and its value-carrying nodes.
type shapeWalk struct {
	key   []byte
	nodes []shapeNode
}

var walks = sync.Pool{New: func() any { return &shapeWalk{key: make([]byte, 0, 128), nodes: make([]shapeNode, 0, 8)} }}

func getWalk() *shapeWalk {
	w := walks.Get().(*shapeWalk)
	w.key, w.nodes = w.key[:0], w.nodes[:0]
	return w
}

func putWalk(w *shapeWalk) {
	clear(w.nodes) // keep no caller arguments alive
	walks.Put(w)
}

func (w *shapeWalk) str(s string) { w.key = append(append(w.key, s...), 0) }

// level adds one find level of m; false if the shape is not cacheable.
// Every name written is checked against the model, so the NUL separators
// keep keys unambiguous. nested walks included levels (join strategy).
func (w *shapeWalk) level(m *Model, fa *FindArgs, nested bool) bool {
	if fa == nil {
		w.key = append(w.key, '-')
		return true
	}
	if fa.Cursor != nil || len(fa.Distinct) > 0 || fa.Omit != nil || fa.Take < 0 || fa.Skip < 0 {
		return false
	}
	w.nodes = append(w.nodes, shapeNode{fa: fa})
	w.key = append(w.key, '{', flag(fa.Take > 0), flag(fa.Skip > 0))
	for _, c := range fa.Where {
		fc, ok := c.(*FieldCond)
		if !ok || fc == nil {
			return false
		}
		f := m.fields[fc.Field]
		if f == nil || f.Type == JSON || isNil(fc.Value) {
			return false
		}
		if _, ref := fieldRefOf(fc.Value); ref {
			// The referenced column is in the SQL, not in a parameter.
			return false
		}
		switch fc.Op {
		case OpEquals, OpNot, OpIn, OpNotIn, OpLt, OpLte, OpGt, OpGte, OpContains, OpStartsWith, OpEndsWith, OpHasEvery, OpHasSome:
		default:
			return false
		}
		w.key = append(w.key, 'w', byte(fc.Op), flag(fc.Insensitive))
		w.str(fc.Field)
		w.nodes = append(w.nodes, shapeNode{fc: fc})
	}
	for _, o := range fa.OrderBy {
		if !o.isField() || m.fields[o.Field] == nil {
			return false
		}
		w.key = append(w.key, 'o', flag(o.Desc), byte(o.Nulls))
		w.str(o.Field)
	}
	if fa.Select != nil {
		w.key = append(w.key, 's')
		for _, n := range fa.Select {
			if m.fields[n] == nil {
				return false
			}
			w.str(n)
		}
	}
	for _, co := range fa.Count {
		if len(co.Where) > 0 || m.relations[co.Relation] == nil {
			return false
		}
		w.key = append(w.key, 'c')
		w.str(co.Relation)
	}
	for _, in := range fa.Include {
		r := m.relations[in.Relation]
		if r == nil {
			return false
		}
		w.key = append(w.key, 'i')
		w.str(in.Relation)
		if nested && !w.level(r.target, in.Args, true) {
			return false
		}
	}
	w.key = append(w.key, '}')
	return true
}

func flag(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}

// bind computes the bind parameters of a cached shape from the nodes of
// the current arguments; false when a value needs the compiler (which
// then reports the error exactly as before).
func bind(slots []argSlot, nodes []shapeNode, keys any) ([]any, bool) {
	if len(slots) == 0 {
		return nil, true
	}
	args := make([]any, len(slots))
	for i, s := range slots {
		var v any
		var err error
		switch s.kind {
		case slotKeys:
			v = keys
		case slotTake:
			v = int64(nodes[s.node].fa.Take)
		case slotSkip:
			v = int64(nodes[s.node].fa.Skip)
		case slotValue:
			v, err = coerce(s.f, nodes[s.node].fc.Value)
			if v == nil {
				return nil, false
			}
		case slotList:
			v, err = coerceList(s.f, nodes[s.node].fc.Value)
		case slotPattern:
			str, ok := nodes[s.node].fc.Value.(string)
			if !ok || strings.IndexByte(str, 0) >= 0 {
				return nil, false
			}
			v = s.pre + str + s.post
		default:
			return nil, false
		}
		if err != nil {
			return nil, false
		}
		args[i] = v
	}
	return args, true
}

// shapeRecorder notes the source of every bind parameter while a shape
// compiles.
type shapeRecorder struct {
	srcs      []argSrc
	untracked bool
}

// from names the source of the compiler's next bind parameter.
func (c *compiler) from(s argSrc) {
	if c.rec != nil {
		c.src = s
	}
}

// note records the source of a bind parameter just added.
func (c *compiler) note() {
	if c.src.kind == 0 {
		c.rec.untracked = true
	}
	c.rec.srcs = append(c.rec.srcs, c.src)
	c.src = argSrc{}
}

// entry turns a recording into a cache entry, or nil when the recording
// does not bind back to the compiler's arguments.
func (r *shapeRecorder) entry(sql string, cols []string, args []any, nodes []shapeNode, keys any) *shapeEntry {
	if r.untracked || len(r.srcs) != len(args) {
		return nil
	}
	idx := make(map[any]int, len(nodes))
	for i, n := range nodes {
		var k any = n.fa
		if n.fc != nil {
			k = n.fc
		}
		if _, dup := idx[k]; dup {
			return nil // one node in two places: positions are ambiguous
		}
		idx[k] = i
	}
	slots := make([]argSlot, len(r.srcs))
	for i, s := range r.srcs {
		sl := argSlot{kind: s.kind, f: s.f, pre: s.pre, post: s.post}
		if s.kind != slotKeys {
			var k any = s.fa
			if s.fc != nil {
				k = s.fc
			}
			n, ok := idx[k]
			if !ok {
				return nil
			}
			sl.node = n
		}
		slots[i] = sl
	}
	got, ok := bind(slots, nodes, keys)
	if !ok || !reflect.DeepEqual(got, args) {
		return nil
	}
	return &shapeEntry{sql: sql, cols: cols, slots: slots}
}

// compiledFind is a compiled find level: SQL, columns, bind parameters.
type compiledFind struct {
	sql   string
	cols  []string
	args  []any
	entry *shapeEntry // when cached
}

func (cf *compiledFind) plan(t reflect.Type) (*rowPlan, error) {
	if cf.entry != nil {
		return cf.entry.planFor(t)
	}
	return planFor(t, cf.sql, cf.cols)
}

// cachedSelect compiles a level through the shape cache of m: key writes
// the shape (false: not cacheable), compile compiles it with c.
func cachedSelect(m *Model, c *compiler, keys any, key func(w *shapeWalk) bool, compile func() (string, []string, error)) (compiledFind, error) {
	if c.scope != nil || m.shapes == nil {
		sql, cols, err := compile()
		return compiledFind{sql: sql, cols: cols, args: c.args}, err
	}
	w := getWalk()
	defer putWalk(w)
	if !key(w) {
		sql, cols, err := compile()
		return compiledFind{sql: sql, cols: cols, args: c.args}, err
	}
	if e := m.shapes.get(w.key); e != nil {
		if args, ok := bind(e.slots, w.nodes, keys); ok {
			return compiledFind{sql: e.sql, cols: e.cols, args: args, entry: e}, nil
		}
	}
	c.rec = &shapeRecorder{}
	sql, cols, err := compile()
	rec := c.rec
	c.rec = nil
	if err != nil {
		return compiledFind{}, err
	}
	cf := compiledFind{sql: sql, cols: cols, args: c.args}
	if e := rec.entry(sql, cols, c.args, w.nodes, keys); e != nil {
		m.shapes.put(w.key, e)
		cf.entry = e
	}
	return cf, nil
}
