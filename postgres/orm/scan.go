package orm

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/jackc/pgx/v5"
)

// typeInfo maps schema names (JSON names) to struct fields of a result type.
type typeInfo struct {
	t      reflect.Type
	byName map[string][]int
}

var typeInfos sync.Map // reflect.Type -> *typeInfo

// fieldName is the schema name a struct field stands for: its JSON name,
// or its Go name with a lower-case first letter.
func fieldName(sf reflect.StructField) string {
	if tag, ok := sf.Tag.Lookup("json"); ok {
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			return ""
		}
		if name != "" {
			return name
		}
	}
	r, n := utf8.DecodeRuneInString(sf.Name)
	return string(unicode.ToLower(r)) + sf.Name[n:]
}

func infoOf(t reflect.Type) (*typeInfo, error) {
	if v, ok := typeInfos.Load(t); ok {
		return v.(*typeInfo), nil
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("orm: result type %s must be a struct", t)
	}
	ti := &typeInfo{t: t, byName: map[string][]int{}}
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		if n := fieldName(sf); n != "" {
			if _, dup := ti.byName[n]; !dup {
				ti.byName[n] = sf.Index
			}
		}
	}
	v, _ := typeInfos.LoadOrStore(t, ti)
	return v.(*typeInfo), nil
}

// rowPlan scans the columns of a statement into a struct type.
type rowPlan struct {
	ti     *typeInfo
	idx    [][]int // per column; nil: skip (or __parent)
	parent int     // column index of __parent, -1 if none
	// direct[i] is set when column i's field lies inside the struct value
	// (no embedded pointer on the way): scan builds the *F destination
	// from its offset, without reflect's per-call pointer type lookup.
	direct []fieldPtr
}

// fieldPtr is a struct field reached by offset: the type word of a *F
// interface and the field's offset from the start of the struct.
type fieldPtr struct {
	ok  bool
	typ unsafe.Pointer
	off uintptr
}

// eface is the layout of an interface value (any).
type eface struct {
	typ, data unsafe.Pointer
}

// fieldPtrOf resolves a field index path of t to a fieldPtr.
func fieldPtrOf(t reflect.Type, idx []int) fieldPtr {
	var off uintptr
	for i, x := range idx {
		sf := t.Field(x)
		off += sf.Offset
		t = sf.Type
		if i < len(idx)-1 && t.Kind() != reflect.Struct {
			return fieldPtr{} // through an embedded pointer
		}
	}
	var zero any = reflect.Zero(reflect.PointerTo(scanType(t))).Interface()
	return fieldPtr{ok: true, typ: (*eface)(unsafe.Pointer(&zero)).typ, off: off}
}

// basicTypes are the unnamed types of the kinds pgx scans directly.
var basicTypes = map[reflect.Kind]reflect.Type{
	reflect.Int: reflect.TypeFor[int](), reflect.Int8: reflect.TypeFor[int8](), reflect.Int16: reflect.TypeFor[int16](),
	reflect.Int32: reflect.TypeFor[int32](), reflect.Int64: reflect.TypeFor[int64](),
	reflect.Uint: reflect.TypeFor[uint](), reflect.Uint8: reflect.TypeFor[uint8](), reflect.Uint16: reflect.TypeFor[uint16](),
	reflect.Uint32: reflect.TypeFor[uint32](), reflect.Uint64: reflect.TypeFor[uint64](),
	reflect.Float32: reflect.TypeFor[float32](), reflect.Float64: reflect.TypeFor[float64](),
	reflect.String: reflect.TypeFor[string](), reflect.Bool: reflect.TypeFor[bool](),
}

// scanType is the type scan hands pgx a pointer to for a field of type t:
// t itself, except that a named type of a basic kind without methods (a
// generated enum such as UserRole), or a pointer to one, becomes its
// unnamed counterpart of the same layout. pgx would otherwise convert the
// pointer through reflect on every row, to the same effect: without
// methods, the named type has no way to scan differently.
func scanType(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		if e := scanType(t.Elem()); e != t.Elem() {
			return reflect.PointerTo(e)
		}
		return t
	}
	b := basicTypes[t.Kind()]
	if b == nil || b == t || reflect.PointerTo(t).NumMethod() > 0 {
		return t
	}
	return b
}

// at returns &field as an interface holding a *F, for the struct at base.
func (f fieldPtr) at(base unsafe.Pointer) any {
	var v any
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = f.typ, unsafe.Add(base, f.off)
	return v
}

type planKey struct {
	t   reflect.Type
	sql string // the statement determines its columns
}

var (
	plansMu sync.RWMutex
	plans   = map[planKey]*rowPlan{}
)

// planFor returns the scan plan of a statement's columns into t, cached
// by statement text.
func planFor(t reflect.Type, sql string, cols []string) (*rowPlan, error) {
	key := planKey{t, sql}
	plansMu.RLock()
	p := plans[key]
	plansMu.RUnlock()
	if p != nil {
		return p, nil
	}
	ti, err := infoOf(t)
	if err != nil {
		return nil, err
	}
	p = &rowPlan{ti: ti, idx: make([][]int, len(cols)), parent: -1, direct: make([]fieldPtr, len(cols))}
	for i, c := range cols {
		if c == "__parent" {
			p.parent = i
			continue
		}
		p.idx[i] = ti.byName[c]
		if p.idx[i] != nil {
			p.direct[i] = fieldPtrOf(t, p.idx[i])
		}
	}
	plansMu.Lock()
	if len(plans) > 10000 {
		clear(plans) // statements built from unbounded shapes: start over
	}
	plans[key] = p
	plansMu.Unlock()
	return p, nil
}

// sink collects scanned rows into a growing reflect slice.
type sink struct {
	plan *rowPlan
	rows reflect.Value // []T
	n    int
	dest []any
	// pvals holds the __parent value of each row ([]ptype), when planned;
	// pptr scans into its elements.
	pvals reflect.Value
	pptr  fieldPtr
}

func newSink(plan *rowPlan, ptype reflect.Type, capHint int) *sink {
	if capHint <= 0 || capHint > 64 {
		capHint = 8
	}
	st := reflect.SliceOf(plan.ti.t)
	rows := reflect.New(st).Elem() // addressable: SetLen does not allocate
	rows.Set(reflect.MakeSlice(st, 0, capHint))
	s := &sink{plan: plan, rows: rows, dest: make([]any, len(plan.idx))}
	if ptype != nil {
		pt := reflect.SliceOf(ptype)
		s.pvals = reflect.New(pt).Elem()
		s.pvals.Set(reflect.MakeSlice(pt, 0, capHint))
		var zero any = reflect.Zero(reflect.PointerTo(scanType(ptype))).Interface()
		s.pptr = fieldPtr{ok: true, typ: (*eface)(unsafe.Pointer(&zero)).typ}
	}
	return s
}

// grow makes room for one more element in the addressable slice v of
// length n.
func grow(v reflect.Value, n int) {
	if n == v.Cap() {
		grown := reflect.MakeSlice(v.Type(), n, 2*n+8)
		reflect.Copy(grown, v)
		v.Set(grown)
	}
	v.SetLen(n + 1)
}

func (s *sink) scan(rows pgx.Rows) error {
	grow(s.rows, s.n)
	elem := s.rows.Index(s.n)
	base := elem.Addr().UnsafePointer()
	if s.pvals.IsValid() {
		grow(s.pvals, s.n)
	}
	n := s.n
	s.n++
	for i, idx := range s.plan.idx {
		switch {
		case i == s.plan.parent:
			s.dest[i] = s.pptr.at(s.pvals.Index(n).Addr().UnsafePointer())
		case idx == nil:
			s.dest[i] = nil
		case s.plan.direct[i].ok:
			s.dest[i] = s.plan.direct[i].at(base)
		case len(idx) == 1:
			s.dest[i] = elem.Field(idx[0]).Addr().Interface()
		default:
			s.dest[i] = elem.FieldByIndex(idx).Addr().Interface()
		}
	}
	return rows.Scan(s.dest...)
}

// keyMap numbers relation key values from 0 (keys equal under keyOf get
// one number) without boxing integer and string keys.
type keyMap struct {
	n     int
	ints  map[int64]int
	strs  map[string]int
	other map[any]int
}

func newKeyMap(size int) *keyMap { return &keyMap{ints: make(map[int64]int, size)} }

// add numbers v if it is new and reports whether it was; NULL keys get
// no number.
func (k *keyMap) add(v reflect.Value) bool {
	_, ok, added := k.find(v, true)
	return ok && added
}

// lookup returns v's number.
func (k *keyMap) lookup(v reflect.Value) (int, bool) {
	id, ok, _ := k.find(v, false)
	return id, ok
}

func (k *keyMap) find(v reflect.Value, add bool) (id int, ok, added bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return -1, false, false
		}
		v = v.Elem()
	}
	var m func(int) // stores a new number for v
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x := v.Int()
		id, ok = k.ints[x]
		m = func(n int) { k.ints[x] = n }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		x := int64(v.Uint())
		id, ok = k.ints[x]
		m = func(n int) { k.ints[x] = n }
	case reflect.String:
		if k.strs == nil {
			k.strs = map[string]int{}
		}
		x := v.String()
		id, ok = k.strs[x]
		m = func(n int) { k.strs[x] = n }
	default:
		if k.other == nil {
			k.other = map[any]int{}
		}
		x := v.Interface()
		id, ok = k.other[x]
		m = func(n int) { k.other[x] = n }
	}
	if ok || !add {
		return id, ok, false
	}
	id = k.n
	k.n++
	m(id)
	return id, true, true
}

// keyOf normalizes a key value for map lookups (nil for NULL).
func keyOf(v reflect.Value) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(v.Uint())
	case reflect.String:
		return v.String()
	}
	return v.Interface()
}

func baseType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
