package odm

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// virtualField finds the struct field tagged `odm:"virtual=name"`.
func virtualField(t reflect.Type, name string) []int {
	for i := 0; i < t.NumField(); i++ {
		if virtualName(t.Field(i)) == name {
			return []int{i}
		}
	}
	return nil
}

// virtualName is the name of the populate virtual a struct field holds
// (its tag `odm:"virtual=name"`), or "".
func virtualName(f reflect.StructField) string {
	for _, opt := range splitTag(f.Tag.Get("odm")) {
		if n, ok := strings.CutPrefix(strings.TrimSpace(opt), "virtual="); ok {
			return n
		}
	}
	return ""
}

// refKey normalizes a value used to match local and foreign fields:
// references become their ObjectID and integers int64.
func refKey(v reflect.Value, out []any) []any {
	v = deref(v)
	if !v.IsValid() {
		return out
	}
	if v.CanAddr() {
		if h, ok := v.Addr().Interface().(refHolder); ok {
			for _, id := range h.refSlot().ids {
				out = append(out, id)
			}
			return out
		}
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		if v.Type() == typeObjectID {
			return append(out, v.Interface())
		}
		for i := 0; i < v.Len(); i++ {
			out = refKey(v.Index(i), out)
		}
		return out
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return append(out, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return append(out, int64(v.Uint()))
	}
	if v.Type().Comparable() {
		return append(out, v.Interface())
	}
	return out
}

// rawKey normalizes a BSON value the way refKey does.
func rawKey(rv bson.RawValue) any {
	switch rv.Type {
	case bson.TypeInt32:
		return int64(rv.Int32())
	case bson.TypeInt64:
		return rv.Int64()
	case bson.TypeObjectID:
		return rv.ObjectID()
	case bson.TypeString:
		return rv.StringValue()
	}
	var v any
	if err := rv.Unmarshal(&v); err != nil {
		return nil
	}
	if reflect.TypeOf(v) == nil || !reflect.TypeOf(v).Comparable() {
		return nil
	}
	return v
}

func keysAt(v reflect.Value, path string) ([]any, error) {
	vals, err := walkPath(v, path)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, x := range vals {
		out = refKey(x, out)
	}
	return out, nil
}

func populateVirtual(ctx context.Context, docs []reflect.Value, o *PopulateOpts, src popSource, lr *lookupResult) error {
	local := o.LocalField
	if local == "" {
		local = "_id"
	}
	// Target fields and local keys of every document.
	var target []int
	var elem reflect.Type
	keys := make([][]any, len(docs))
	seen := map[any]bool{}
	var all bson.A
	for i, d := range docs {
		if !d.IsValid() {
			continue
		}
		if target == nil {
			if target = virtualField(d.Type(), o.Path); target == nil {
				return &PopulateError{Path: o.Path, Msg: fmt.Sprintf("%s has no field tagged odm:\"virtual=%s\"", d.Type(), o.Path)}
			}
			ft := d.Type().FieldByIndex(target).Type
			if err := checkVirtualField(ft, o, src); err != nil {
				return err
			}
			elem = ft
		}
		ks, err := keysAt(d, local)
		if err != nil {
			return &PopulateError{Path: o.Path, Msg: "LocalField: " + err.Error()}
		}
		keys[i] = ks
		for _, k := range ks {
			if !seen[k] {
				seen[k] = true
				all = append(all, k)
			}
		}
	}
	if target == nil {
		return nil
	}
	var filter bson.D
	if lr == nil {
		var err error
		filter, err = withMatch(src, bson.D{{Key: o.ForeignField, Value: bson.D{{Key: "$in", Value: all}}}}, o.Match)
		if err != nil {
			return err
		}
	}
	if o.Count {
		var counts map[any]int64
		if lr == nil && len(all) > 0 {
			fp, _, _ := src.schema.resolve(o.ForeignField)
			var err error
			if counts, err = src.count(ctx, filter, o.ForeignField, fp != nil && fp.Type == TypeArray); err != nil {
				return err
			}
		}
		for i, d := range docs {
			if !d.IsValid() {
				continue
			}
			var n int64
			if lr != nil {
				n = lr.counts[i]
			} else {
				for _, k := range keys[i] {
					n += counts[k]
				}
			}
			f := d.FieldByIndex(target)
			if f.CanInt() {
				f.SetInt(n)
			} else {
				f.SetUint(uint64(n))
			}
		}
		return nil
	}
	var found []any
	byKey := map[any][]int{}
	if lr == nil && len(all) > 0 {
		var err error
		if found, err = src.find(ctx, filter, o, o.keepPaths()); err != nil {
			return err
		}
		for j, f := range found {
			fks, err := keysAt(reflect.ValueOf(f).Elem(), o.ForeignField)
			if err != nil {
				return &PopulateError{Path: o.Path, Msg: "ForeignField: " + err.Error()}
			}
			for _, k := range fks {
				byKey[k] = append(byKey[k], j)
			}
		}
	}
	if lr != nil {
		for _, ds := range lr.perDoc {
			found = append(found, ds...)
		}
	}
	if len(o.Populate) > 0 && len(found) > 0 {
		if err := src.populate(ctx, found, o.Populate); err != nil {
			return err
		}
	}
	for i, d := range docs {
		if !d.IsValid() {
			continue
		}
		var mine []any
		if lr != nil {
			mine = lr.perDoc[i]
		} else {
			var idx []int
			for _, k := range keys[i] {
				idx = append(idx, byKey[k]...)
			}
			if len(keys[i]) > 1 {
				slices.Sort(idx)
				idx = slices.Compact(idx)
			}
			for _, j := range idx {
				mine = append(mine, found[j])
			}
		}
		if o.PerDocumentLimit > 0 && int64(len(mine)) > o.PerDocumentLimit {
			mine = mine[:o.PerDocumentLimit]
		}
		setVirtual(d.FieldByIndex(target), elem, mine)
	}
	return nil
}

func checkVirtualField(ft reflect.Type, o *PopulateOpts, src popSource) error {
	if o.Count {
		switch ft.Kind() {
		case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
			return nil
		}
		return &PopulateError{Path: o.Path, Msg: fmt.Sprintf("Count needs an integer field, got %s", ft)}
	}
	ok := false
	switch {
	case ft.Kind() == reflect.Pointer:
		ok = ft.Elem() == src.typ
	case ft.Kind() == reflect.Slice:
		ok = ft.Elem() == src.typ || (ft.Elem().Kind() == reflect.Pointer && ft.Elem().Elem() == src.typ)
	}
	if !ok {
		return &PopulateError{Path: o.Path, Msg: fmt.Sprintf("virtual field is %s, want []*%s, []%s or *%s", ft, src.typ, src.typ, src.typ)}
	}
	return nil
}

func setVirtual(f reflect.Value, ft reflect.Type, docs []any) {
	if ft.Kind() == reflect.Pointer {
		if len(docs) == 0 {
			f.SetZero()
			return
		}
		f.Set(reflect.ValueOf(docs[0]))
		return
	}
	s := reflect.MakeSlice(ft, len(docs), len(docs))
	byValue := ft.Elem().Kind() != reflect.Pointer
	for i, d := range docs {
		dv := reflect.ValueOf(d)
		if byValue {
			dv = dv.Elem()
		}
		s.Index(i).Set(dv)
	}
	f.Set(s)
}

// countBy counts documents matching filter per value of field: one
// aggregate ($match, $unwind for array fields, $group with $sum).
func (m *Model[T]) countBy(ctx context.Context, filter bson.D, field string, isArray bool) (map[any]int64, error) {
	pipeline := mongo.Pipeline{{{Key: "$match", Value: filter}}}
	if isArray {
		pipeline = append(pipeline, bson.D{{Key: "$unwind", Value: "$" + field}})
	}
	pipeline = append(pipeline, bson.D{{Key: "$group", Value: bson.D{
		{Key: "_id", Value: "$" + field},
		{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
	}}})
	op := m.newOp(EventAggregate) // the referenced model's aggregate hooks scope the count
	op.Pipeline = pipeline
	if err := m.run(ctx, true, op); err != nil {
		return nil, err
	}
	cur, err := m.coll.Aggregate(ctx, op.Pipeline)
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	out := map[any]int64{}
	for cur.Next(ctx) {
		k := rawKey(cur.Current.Lookup("_id"))
		n := cur.Current.Lookup("n")
		c, ok := n.AsInt64OK()
		if !ok {
			c = int64(n.Double())
		}
		if k != nil {
			out[k] += c
		}
	}
	return out, cur.Err()
}
