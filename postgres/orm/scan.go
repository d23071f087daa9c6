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
	plan    *rowPlan
	rows    reflect.Value // []T
	n       int
	dest    []any
	parents []reflect.Value // __parent values (pointers), when planned
	ptype   reflect.Type
}

func newSink(plan *rowPlan, ptype reflect.Type, capHint int) *sink {
	if capHint <= 0 || capHint > 64 {
		capHint = 8
	}
	st := reflect.SliceOf(plan.ti.t)
	rows := reflect.New(st).Elem() // addressable: SetLen does not allocate
	rows.Set(reflect.MakeSlice(st, 0, capHint))
	return &sink{plan: plan, rows: rows, dest: make([]any, len(plan.idx)), ptype: ptype}
}

func (s *sink) scan(rows pgx.Rows) error {
	if s.n == s.rows.Cap() {
		grown := reflect.MakeSlice(s.rows.Type(), s.n, 2*s.n+8)
		reflect.Copy(grown, s.rows)
		s.rows.Set(grown)
	}
	s.rows.SetLen(s.n + 1)
	elem := s.rows.Index(s.n)
	base := elem.Addr().UnsafePointer()
	s.n++
	for i, idx := range s.plan.idx {
		switch {
		case i == s.plan.parent:
			pv := reflect.New(s.ptype)
			s.parents = append(s.parents, pv)
			s.dest[i] = pv.Interface()
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
