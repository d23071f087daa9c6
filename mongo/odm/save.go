package odm

import (
	"bytes"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// saveDelta is what a Save of a tracked document sends, built as
// Mongoose's $__delta builds it: changed paths are $set (fields of
// subdocuments and of array subdocuments dotted), removed ones $unset,
// elements appended to an array $push {$each}, primitive elements removed
// from one $pullAll. where and inc are Mongoose's versioning: a change
// inside an array element is guarded by the version (where), an append or
// removal increments it (inc), a whole array replaced does both.
type saveDelta struct {
	set, unset, push, pullAll bson.D
	paths                     []string // directly modified paths, in document order
	where, inc                bool
}

func (d *saveDelta) empty() bool {
	return len(d.set) == 0 && len(d.unset) == 0 && len(d.push) == 0 && len(d.pullAll) == 0
}

// deltaOf compares the stored document old with cur and adds what turns
// one into the other to d.
func deltaOf(old, cur bson.Raw, prefix string, d *saveDelta) error {
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
		case ok && ov.Type == v.Type && bytes.Equal(ov.Value, v.Value):
		case !ok:
			d.set = append(d.set, bson.E{Key: prefix + k, Value: v})
			d.paths = append(d.paths, prefix+k)
			if v.Type == bson.TypeArray {
				d.where, d.inc = true, true
			}
		case ov.Type == bson.TypeEmbeddedDocument && v.Type == bson.TypeEmbeddedDocument:
			if err := deltaOf(ov.Document(), v.Document(), prefix+k+".", d); err != nil {
				return err
			}
		case ov.Type == bson.TypeArray && v.Type == bson.TypeArray:
			if err := d.arrayDelta(prefix+k, ov.Array(), v.Array()); err != nil {
				return err
			}
		default:
			d.set = append(d.set, bson.E{Key: prefix + k, Value: v})
			d.paths = append(d.paths, prefix+k)
		}
	}
	for _, e := range oldElems {
		if !seen[e.Key()] {
			d.unset = append(d.unset, bson.E{Key: prefix + e.Key(), Value: 1})
			d.paths = append(d.paths, prefix+e.Key())
			if e.Value().Type == bson.TypeArray {
				d.where, d.inc = true, true
			}
		}
	}
	return nil
}

func sameValue(a, b bson.RawValue) bool { return a.Type == b.Type && bytes.Equal(a.Value, b.Value) }

// arrayDelta adds the change of the array at key.
func (d *saveDelta) arrayDelta(key string, old, cur bson.RawArray) error {
	ov, err := old.Values()
	if err != nil {
		return err
	}
	cv, err := cur.Values()
	if err != nil {
		return err
	}
	switch {
	case len(cv) > len(ov) && prefixOf(ov, cv):
		each := make(bson.A, 0, len(cv)-len(ov))
		for _, v := range cv[len(ov):] {
			each = append(each, v)
		}
		d.push = append(d.push, bson.E{Key: key, Value: bson.D{{Key: "$each", Value: each}}})
		d.paths = append(d.paths, key)
		d.inc = true
		return nil
	case len(cv) < len(ov):
		if removed, ok := pulled(ov, cv); ok {
			d.pullAll = append(d.pullAll, bson.E{Key: key, Value: removed})
			d.paths = append(d.paths, key)
			d.inc = true
			return nil
		}
	case len(cv) == len(ov) && elementwise(ov, cv):
		for i := range cv {
			if !sameValue(ov[i], cv[i]) {
				if err := deltaOf(ov[i].Document(), cv[i].Document(), key+"."+strconv.Itoa(i)+".", d); err != nil {
					return err
				}
			}
		}
		d.where = true
		return nil
	}
	d.set = append(d.set, bson.E{Key: key, Value: bson.RawValue{Type: bson.TypeArray, Value: cur}})
	d.paths = append(d.paths, key)
	d.where, d.inc = true, true
	return nil
}

// prefixOf reports whether a is a prefix of b.
func prefixOf(a, b []bson.RawValue) bool {
	for i := range a {
		if !sameValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

// elementwise reports whether every differing element of two arrays of
// one length is a subdocument on both sides (and something differs).
func elementwise(a, b []bson.RawValue) bool {
	diff := false
	for i := range a {
		if sameValue(a[i], b[i]) {
			continue
		}
		if a[i].Type != bson.TypeEmbeddedDocument || b[i].Type != bson.TypeEmbeddedDocument {
			return false
		}
		diff = true
	}
	return diff
}

// pulled returns the distinct primitive values whose removal (every
// occurrence, as $pullAll removes them) turns old into cur.
func pulled(old, cur []bson.RawValue) (bson.A, bool) {
	var removed []bson.RawValue
	for _, o := range old {
		if o.Type == bson.TypeEmbeddedDocument || o.Type == bson.TypeArray {
			return nil, false
		}
		if !slices.ContainsFunc(cur, func(c bson.RawValue) bool { return sameValue(o, c) }) &&
			!slices.ContainsFunc(removed, func(r bson.RawValue) bool { return sameValue(o, r) }) {
			removed = append(removed, o)
		}
	}
	i := 0
	for _, o := range old {
		if slices.ContainsFunc(removed, func(r bson.RawValue) bool { return sameValue(o, r) }) {
			continue
		}
		if i >= len(cur) || !sameValue(o, cur[i]) {
			return nil, false
		}
		i++
	}
	if i != len(cur) || len(removed) == 0 {
		return nil, false
	}
	out := make(bson.A, len(removed))
	for j, r := range removed {
		out[j] = r
	}
	return out, true
}

// without drops the managed keys (version key, timestamps) from d.
func (d *saveDelta) without(keep func(key string) bool) {
	filter := func(in bson.D) bson.D {
		out := in[:0:0]
		for _, e := range in {
			if keep(e.Key) {
				out = append(out, e)
			}
		}
		return out
	}
	d.set, d.unset, d.push, d.pullAll = filter(d.set), filter(d.unset), filter(d.push), filter(d.pullAll)
	d.paths = slices.DeleteFunc(d.paths, func(p string) bool { return !keep(p) })
}

// withAncestors lists paths with every parent path before them, once,
// as Mongoose's modifiedPaths does.
func withAncestors(paths []string) []string {
	var out []string
	for _, p := range paths {
		parts := strings.Split(p, ".")
		for i := range parts {
			q := strings.Join(parts[:i+1], ".")
			if !slices.Contains(out, q) {
				out = append(out, q)
			}
		}
	}
	return out
}

// stampedSubdocs lists the subdocuments (dotted, with array indexes) a
// change of path is inside of whose schema has timestamps.
func (s *Schema) stampedSubdocs(path string) []string {
	parts := strings.Split(path, ".")
	var out []string
	cur := s
	for i := 0; i < len(parts)-1 && cur != nil; i++ {
		p := cur.byName[parts[i]]
		if p == nil {
			return out
		}
		var sub *Schema
		switch {
		case p.Type == TypeSubdoc:
			sub = p.Schema
		case (p.Type == TypeArray || p.Type == TypeMap) && p.Elem != nil && p.Elem.Type == TypeSubdoc && i+2 < len(parts):
			i++
			sub = p.Elem.Schema
		}
		if sub == nil {
			return out
		}
		if ts := sub.opts.Timestamps; ts != nil && ts.UpdatedAt != "" && !(i == len(parts)-2 && (parts[i+1] == ts.UpdatedAt || parts[i+1] == ts.CreatedAt)) {
			out = append(out, strings.Join(parts[:i+1], "."))
		}
		cur = sub
	}
	return out
}

// setUnder sets key to val in the subdocument at the dotted path under v
// (a document as a struct or as decoded maps); a struct without a field
// for key keeps nothing.
func setUnder(v reflect.Value, parts []string, key string, val time.Time) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if len(parts) == 0 {
		switch v.Kind() {
		case reflect.Struct:
			if idx := fieldIndex(v.Type(), key); idx != nil && v.CanSet() {
				setValue(v.FieldByIndex(idx), val)
			}
		case reflect.Map:
			if m, ok := v.Interface().(map[string]any); ok {
				m[key] = val
			} else if m, ok := v.Interface().(bson.M); ok {
				m[key] = val
			}
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if idx := fieldIndex(v.Type(), parts[0]); idx != nil {
			setUnder(v.FieldByIndex(idx), parts[1:], key, val)
		}
	case reflect.Map:
		e := v.MapIndex(reflect.ValueOf(parts[0]))
		if !e.IsValid() {
			return
		}
		if d, ok := e.Interface().(bson.D); ok && len(parts) == 1 {
			v.SetMapIndex(reflect.ValueOf(parts[0]), reflect.ValueOf(setInD(d, key, val)))
			return
		}
		c := reflect.New(e.Type()).Elem() // map values are not addressable
		c.Set(e)
		setUnder(c, parts[1:], key, val)
		v.SetMapIndex(reflect.ValueOf(parts[0]), c)
	case reflect.Slice:
		if d, ok := v.Interface().(bson.D); ok {
			for i := range d {
				if d[i].Key == parts[0] {
					if sub, ok := d[i].Value.(bson.D); ok && len(parts) == 1 {
						d[i].Value = setInD(sub, key, val)
						return
					}
					c := reflect.ValueOf(&d[i].Value).Elem()
					setUnder(c, parts[1:], key, val)
				}
			}
			return
		}
		i, err := strconv.Atoi(parts[0])
		if err != nil || i < 0 || i >= v.Len() {
			return
		}
		e := v.Index(i)
		if sub, ok := e.Interface().(bson.D); ok && len(parts) == 1 && e.CanSet() {
			e.Set(reflect.ValueOf(setInD(sub, key, val)))
			return
		}
		setUnder(e, parts[1:], key, val)
	}
}

func setInD(d bson.D, key string, val any) bson.D {
	for i := range d {
		if d[i].Key == key {
			d[i].Value = val
			return d
		}
	}
	return append(d, bson.E{Key: key, Value: val})
}

// docChanges is what change tracking keeps per document besides its
// stored form.
type docChanges struct {
	base   bson.Raw // the document as read with the defaults read applied; nil: as stored
	marked []string // MarkModified paths
}

// IsNew reports whether doc is new to the model, Mongoose's doc.isNew: it
// was neither read through the model (hydrated, not lean) nor saved by it;
// Save inserts it.
func (m *Model[T]) IsNew(doc *T) bool {
	if m == nil {
		return false
	}
	_, tracked := m.tracker.get(doc)
	return !tracked
}

// ModifiedPaths lists the paths of doc changed since it was read or last
// saved, each after its parent paths (sub, sub.a; items, items.1,
// items.1.qty), as Mongoose's doc.modifiedPaths(); defaults applied on
// read are not changes, paths named to MarkModified are. A new document
// has none (Mongoose lists what was set on it).
func (m *Model[T]) ModifiedPaths(doc *T) []string {
	if m == nil {
		return nil
	}
	d, ok := m.changed(doc)
	if !ok {
		return nil
	}
	return withAncestors(d.paths)
}

// IsModified reports whether doc changed since it was read or last saved,
// as Mongoose's doc.isModified(): with paths, whether any of them, a path
// under one or a parent of one changed.
func (m *Model[T]) IsModified(doc *T, paths ...string) bool {
	if m == nil {
		return false
	}
	d, ok := m.changed(doc)
	if !ok {
		return false
	}
	if len(paths) == 0 {
		return len(d.paths) > 0
	}
	mod := withAncestors(d.paths)
	for _, p := range paths {
		if slices.Contains(mod, p) {
			return true
		}
		for _, q := range d.paths {
			if strings.HasPrefix(p, q+".") {
				return true
			}
		}
	}
	return false
}

// MarkModified marks path of a tracked doc as changed, as Mongoose's
// doc.markModified: the next Save sends it whole even if it compares
// equal to what was read. Changes inside a Mixed value are found without
// it (odm compares the encoded document).
func (m *Model[T]) MarkModified(doc *T, path string) {
	if m == nil {
		return
	}
	if _, ok := m.tracker.get(doc); !ok {
		return
	}
	m.changes.update(doc, func(c docChanges, _ bool) docChanges {
		if !slices.Contains(c.marked, path) {
			c.marked = append(slices.Clip(c.marked), path)
		}
		return c
	})
}

// changed is the delta of a tracked doc against its form as read.
func (m *Model[T]) changed(doc *T) (*saveDelta, bool) {
	old, ok := m.tracker.get(doc)
	if !ok {
		return nil, false
	}
	if ch, ok := m.changes.get(doc); ok && ch.base != nil {
		old = ch.base
	}
	d, err := m.delta(doc, old, false)
	if err != nil {
		return nil, false
	}
	return d, true
}

// minimizeMixed drops the empty objects of the Mixed paths of raw (the
// path itself when its value is or becomes empty), as Mongoose's minimize
// does when it saves: at the top level unless SchemaOpts.KeepEmpty
// (minimize: false), inside subdocuments (single, in arrays and in maps)
// unless their own schema keeps them, as each subdocument is minimized by
// its schema's option.
func (s *Schema) minimizeMixed(raw bson.Raw) (bson.Raw, error) {
	if !s.reachesMixed(map[*Schema]bool{}) {
		return raw, nil
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	out, changed := s.minimizeDoc(d, s.opts.KeepEmpty)
	if !changed {
		return raw, nil
	}
	return bson.Marshal(out)
}

// reachesMixed reports whether s or a subdocument schema below it has a
// Mixed path.
func (s *Schema) reachesMixed(seen map[*Schema]bool) bool {
	if seen[s] {
		return false
	}
	seen[s] = true
	for _, p := range s.paths {
		if sub := p.subSchema(); sub != nil && sub.reachesMixed(seen) || p.Type == TypeMixed {
			return true
		}
	}
	return false
}

// subSchema is the schema of p's subdocuments: its own, or its elements'
// (an array or a map of subdocuments).
func (p *Path) subSchema() *Schema {
	switch {
	case p.Type == TypeSubdoc:
		return p.Schema
	case (p.Type == TypeArray || p.Type == TypeMap) && p.Elem != nil && p.Elem.Type == TypeSubdoc:
		return p.Elem.Schema
	}
	return nil
}

// minimizeDoc is minimizeMixed of a decoded document of s; keep leaves
// its own Mixed paths alone. It reports whether anything was dropped.
func (s *Schema) minimizeDoc(d bson.D, keep bool) (bson.D, bool) {
	changed := false
	out := make(bson.D, 0, len(d))
	for _, e := range d {
		p := s.byName[e.Key]
		if p == nil {
			out = append(out, e)
			continue
		}
		if p.Type == TypeMixed {
			if sub, ok := e.Value.(bson.D); ok && !keep && hasEmptyD(sub) {
				changed = true
				if minimizeD(sub, &e) {
					continue
				}
			}
			out = append(out, e)
			continue
		}
		if ss := p.subSchema(); ss != nil {
			minSub := func(v any) any {
				if sub, ok := v.(bson.D); ok {
					if n, ch := ss.minimizeDoc(sub, ss.opts.KeepEmpty); ch {
						changed = true
						return n
					}
				}
				return v
			}
			switch v := e.Value.(type) {
			case bson.A:
				for i := range v {
					v[i] = minSub(v[i])
				}
			case bson.D:
				if p.Type == TypeMap {
					for i := range v {
						v[i].Value = minSub(v[i].Value)
					}
				} else {
					e.Value = minSub(v)
				}
			}
		}
		out = append(out, e)
	}
	return out, changed
}

// hasEmptyD reports whether d is empty or holds an empty document.
func hasEmptyD(d bson.D) bool {
	if len(d) == 0 {
		return true
	}
	for _, e := range d {
		if sub, ok := e.Value.(bson.D); ok && hasEmptyD(sub) {
			return true
		}
	}
	return false
}

// minimizeD drops the empty documents inside d, innermost first, stores
// what is left in e and reports whether nothing is.
func minimizeD(d bson.D, e *bson.E) bool {
	out := bson.D{}
	for _, x := range d {
		if sub, ok := x.Value.(bson.D); ok && minimizeD(sub, &x) {
			continue
		}
		out = append(out, x)
	}
	e.Value = out
	return len(out) == 0
}

// minimizeValue drops the empty objects of the Mixed paths inside v, a
// subdocument of p (or an array or map of them) cast for an update, as
// Mongoose minimizes a subdocument given whole to $set or $push.
func (p *Path) minimizeValue(v any) {
	ss := p.subSchema()
	if ss == nil || ss.opts.KeepEmpty {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if p.Type != TypeSubdoc {
			for _, e := range x {
				p.Elem.minimizeValue(e)
			}
			return
		}
		for k, e := range x {
			q := ss.byName[k]
			if q == nil {
				continue
			}
			if q.Type == TypeMixed {
				if mm, ok := e.(map[string]any); ok && minimizeMap(mm) {
					delete(x, k)
				}
				continue
			}
			q.minimizeValue(e)
		}
	case []any:
		if p.Type == TypeArray {
			for _, e := range x {
				p.Elem.minimizeValue(e)
			}
		}
	}
}

// minimizeMap drops the empty maps inside m, innermost first, and reports
// whether m is left empty.
func minimizeMap(m map[string]any) bool {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok && minimizeMap(sub) {
			delete(m, k)
		}
	}
	return len(m) == 0
}

// wholeMixed makes a change inside a Mixed path (top-level, or in a
// subdocument: sub.m, items.0.m) a change of the path, as Mongoose tracks
// a Mixed value as one: it is $set whole (or $unset when gone) and listed
// alone in the modified paths. full, when not nil, is the document
// without the subdocuments' own minimize (the root's minimize: false
// governs a path saved on its own).
func (s *Schema) wholeMixed(d *saveDelta, cur, full bson.Raw) {
	var roots []string
	for _, k := range d.paths {
		if r := s.mixedRoot(k); r != "" && !slices.Contains(roots, r) {
			roots = append(roots, r)
		}
	}
	for _, r := range roots {
		under := func(k string) bool { return k == r || strings.HasPrefix(k, r+".") }
		d.set = slices.DeleteFunc(d.set, func(e bson.E) bool { return under(e.Key) })
		d.unset = slices.DeleteFunc(d.unset, func(e bson.E) bool { return under(e.Key) })
		d.paths = slices.DeleteFunc(d.paths, under)
		src := cur
		if full != nil {
			src = full
		}
		if v, err := src.LookupErr(strings.Split(r, ".")...); err == nil {
			d.set = append(d.set, bson.E{Key: r, Value: v})
		} else {
			d.unset = append(d.unset, bson.E{Key: r, Value: 1})
		}
		d.paths = append(d.paths, r)
	}
}

// mixedRoot returns the part of key up to the Mixed path it is in or
// names (m for m.a, items.0.m for items.0.m.x), or "".
func (s *Schema) mixedRoot(key string) string {
	parts := strings.Split(key, ".")
	for i := 1; i <= len(parts); i++ {
		if arrayIndex(parts[i-1]) {
			continue
		}
		prefix := strings.Join(parts[:i], ".")
		p, _, known := s.resolve(prefix)
		if !known {
			return ""
		}
		if p != nil && p.Type == TypeMixed {
			return prefix
		}
	}
	return ""
}
