package odm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// forbiddenOps run JavaScript on the server; filters reject them unless
// the model allows it.
var forbiddenOps = map[string]bool{"$where": true, "$function": true, "$accumulator": true}

// toD converts a filter or update given as bson.D, bson.M, map, struct or
// nil into a bson.D.
func toD(v any) (bson.D, error) {
	switch x := v.(type) {
	case nil:
		return bson.D{}, nil
	case bson.D:
		return x, nil
	}
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, errorf("filter/update must be a document: %w", err)
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, errorf("filter/update must be a document: %w", err)
	}
	return d, nil
}

// checkFilter rejects server-side JavaScript anywhere in a filter.
func checkFilter(v any, path string) error {
	switch x := v.(type) {
	case bson.D:
		for _, e := range x {
			if forbiddenOps[e.Key] {
				return &FilterError{Operator: e.Key, Path: path}
			}
			if err := checkFilter(e.Value, joinPath(path, e.Key)); err != nil {
				return err
			}
		}
	case bson.M:
		for k, e := range x {
			if forbiddenOps[k] {
				return &FilterError{Operator: k, Path: path}
			}
			if err := checkFilter(e, joinPath(path, k)); err != nil {
				return err
			}
		}
	case map[string]any:
		return checkFilter(bson.M(x), path)
	case bson.A:
		for i, e := range x {
			if err := checkFilter(e, joinPath(path, strconv.Itoa(i))); err != nil {
				return err
			}
		}
	case []any:
		return checkFilter(bson.A(x), path)
	case bson.JavaScript, bson.CodeWithScope:
		return &FilterError{Operator: "JavaScript code", Path: path}
	case trustedValue:
		return checkFilter(x.v, path)
	case literal:
		return nil // compared as a value, never run
	}
	return nil
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// resolve finds the schema path of a dotted update or filter key, skipping
// array indexes and positional operators ($, $[], $[id]). elem reports that
// the key addresses an element of an Array or Map path. A nil path with a
// nil error means "under a Mixed path": anything goes.
func (s *Schema) resolve(key string) (p *Path, elem bool, known bool) {
	parts := strings.Split(key, ".")
	cur := s
	for i := 0; i < len(parts); i++ {
		if cur == nil {
			return nil, false, false
		}
		part := parts[i]
		q := cur.byName[part]
		if q == nil {
			q = cur.byAlias[part]
		}
		if q == nil {
			if cur == s && i == len(parts)-1 {
				if ip := s.implicitPath(part); ip != nil {
					return ip, false, true
				}
			}
			return nil, false, false
		}
		if i == len(parts)-1 {
			return q, false, true
		}
		switch q.Type {
		case TypeMixed:
			return nil, false, true
		case TypeSubdoc:
			cur = q.Schema
		case TypeArray, TypeMap:
			if q.Type == TypeArray && q.Elem != nil && q.Elem.Type == TypeSubdoc && q.Elem.Schema != nil && !arrayIndex(parts[i+1]) {
				// items.qty: the qty of any element, as in a filter.
				cur = q.Elem.Schema
				continue
			}
			i++ // index, positional operator or map key
			if q.Elem == nil {
				return nil, false, true
			}
			if i == len(parts)-1 {
				return q.Elem, true, true
			}
			if q.Elem.Type != TypeSubdoc {
				return nil, false, q.Elem.Type == TypeMixed
			}
			cur = q.Elem.Schema
		default:
			return nil, false, false
		}
	}
	return nil, false, false
}

// arrayIndex reports whether a dotted key part addresses an array element:
// an index ("0"), the positional operator ("$") or an all-positional or
// filtered one ("$[]", "$[x]").
func arrayIndex(part string) bool {
	if part == "$" || strings.HasPrefix(part, "$[") {
		return true
	}
	if part == "" {
		return false
	}
	for _, r := range part {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// plain converts decoded BSON (bson.D, bson.A, bson.M) into map[string]any
// and []any so that the casting code sees JSON-like input.
func plain(v any) any {
	switch x := v.(type) {
	case bson.D:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.Key] = plain(e.Value)
		}
		return m
	case bson.M:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case bson.A:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case bson.DateTime:
		return x.Time().UTC()
	case int32:
		return int64(x)
	}
	return v
}

// castFilter casts the values of known paths in a filter to their schema
// types (e.g. a hex string compared with an ObjectID path); unknown paths
// are kept, dropped or rejected by strict.
func (s *Schema) castFilter(d bson.D, strict StrictQueryMode) (bson.D, error) {
	out := make(bson.D, 0, len(d))
	for _, e := range d {
		switch e.Key {
		case "$and", "$or", "$nor":
			arr, ok := e.Value.(bson.A)
			if !ok && isArray(e.Value) {
				arr, ok = toA(e.Value) // []bson.M, []any...
			}
			if !ok {
				// Mongoose casts the operand as an array: a document fails.
				return nil, castFailure{path: e.Key, msgPath: e.Key, kind: "Array", shown: plain(e.Value)}.err()
			}
			if len(arr) == 0 {
				continue // Mongoose drops an empty $or, $and or $nor
			}
			na := make(bson.A, 0, len(arr))
			for _, sub := range arr {
				sd, ok := sub.(bson.D)
				if !ok {
					na = append(na, sub)
					continue
				}
				c, err := s.castFilter(sd, strict)
				if err != nil {
					return nil, err
				}
				if len(c) == 0 && len(sd) > 0 {
					// Every path of the branch was dropped: Mongoose drops
					// the branch, which as {} would match every document.
					continue
				}
				na = append(na, c)
			}
			if len(na) == 0 && len(arr) > 0 {
				return nil, fmt.Errorf("%w: %s", ErrDroppedFilter, e.Key)
			}
			out = append(out, bson.E{Key: e.Key, Value: na})
			continue
		}
		if strings.HasPrefix(e.Key, "$") {
			out = append(out, e)
			continue
		}
		p, isElem, known := s.resolve(e.Key)
		if !known && s.strictQueryAt(e.Key, strict) != StrictQueryOff && !s.managedKey(e.Key) {
			if s.strictQueryAt(e.Key, strict) == StrictQueryThrow {
				return nil, &StrictError{Path: e.Key, Query: true}
			}
			continue
		}
		if !known || p == nil {
			out = append(out, e)
			continue
		}
		var v any
		var err error
		if p.Type == TypeArray && p.Elem != nil && !isElem {
			v, err = castArrayFilter(p, e.Key, e.Value) // {tags: "a"} matches elements
		} else {
			v, err = castFilterValue(p, e.Key, e.Value)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, bson.E{Key: p.storedKey(e.Key), Value: v})
	}
	return out, nil
}

// strictQueryAt is the strictQuery that governs the unknown filter path
// key: strict at the top level, and under a subdocument its own schema's
// (Mongoose's subschemas do not inherit it: {sub.nope: 1} is kept by
// default).
func (s *Schema) strictQueryAt(key string, strict StrictQueryMode) StrictQueryMode {
	if sub, _ := s.innermost(key); sub != s {
		return sub.opts.StrictQuery
	}
	return strict
}

// innermost returns the innermost subdocument schema the dotted key
// enters (through subdocuments, and arrays and maps of them, skipping an
// index or map key) and the index of key's first part within it; s and 0
// when it enters none.
func (s *Schema) innermost(key string) (*Schema, int) {
	parts := strings.Split(key, ".")
	cur, start := s, 0
	for i := 0; i < len(parts)-1; i++ {
		q := cur.byName[parts[i]]
		if q == nil {
			q = cur.byAlias[parts[i]]
		}
		switch {
		case q == nil:
			return cur, start
		case q.Type == TypeSubdoc && q.Schema != nil:
			cur, start = q.Schema, i+1
		case (q.Type == TypeArray || q.Type == TypeMap) && q.Elem != nil && q.Elem.Type == TypeSubdoc && q.Elem.Schema != nil:
			cur, start = q.Elem.Schema, i+1
			if i+1 < len(parts)-1 { // an index or map key
				i++
				start = i + 1
			}
		default:
			return cur, start
		}
	}
	return cur, start
}

// managedKey reports whether key is a field the model maintains without
// a schema path: the version key and the timestamps.
func (s *Schema) managedKey(key string) bool {
	if vk := s.versionKey(); vk != "" && key == vk {
		return true
	}
	if ts := s.opts.Timestamps; ts != nil && (key == ts.CreatedAt || key == ts.UpdatedAt) && key != "" {
		return true
	}
	return false
}

// storedKey maps an alias at the top level to the stored name.
func (p *Path) storedKey(key string) string {
	if p.Alias != "" && key == p.Alias {
		return p.Name
	}
	return key
}

func castableScalar(v any) bool {
	switch v.(type) {
	case string, bool, json.Number, float64, float32, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64, time.Time, bson.ObjectID, bson.Decimal128:
		return true
	}
	return false
}

func castFilterValue(p *Path, key string, v any) (any, error) {
	if d, ok := operatorDoc(v); ok {
		if p.Type == TypeArray && p.Elem != nil {
			return castArrayFilter(p, key, d)
		}
		return castFilterOps(p, key, d)
	}
	switch p.Type {
	case TypeArray:
		// An array of arrays: a value, or an array of them, is cast as
		// the innermost elements ({g: "1"} → 1, [["1"]] → [[1]]).
		if p.Elem != nil && p.Elem.Type != TypeSubdoc && p.Elem.Type != TypeMixed {
			if arr, ok := v.(bson.A); ok {
				return castEach(arr, func(x any) (any, error) { return castFilterValue(p, key, x) })
			}
			if castableScalar(v) {
				return castFilterValue(p.Elem, key, v)
			}
		}
		return v, nil
	case TypeMap, TypeMixed:
		return v, nil
	case TypeSubdoc:
		if l, ok := v.(literal); ok {
			v = l.v
		}
		return castSubdocFilter(p, key, v)
	}
	if l, ok := v.(literal); ok {
		// A sanitized value: a document where a scalar is expected is a
		// cast error, as in Mongoose.
		if _, isDoc := l.v.(bson.D); isDoc {
			return nil, castError(p, key, plain(l.v), errCast)
		}
		v = l.v
	}
	if len(p.setters) > 0 { // Mongoose runs setters on query values too
		v = p.applySetters(v)
	}
	if arr, ok := v.(bson.A); ok {
		// {$in: [["1"]]} on numbers: each element cast, as Mongoose does.
		return castEach(arr, func(x any) (any, error) { return castFilterValue(p, key, x) })
	}
	if d, isDoc := v.(bson.D); isDoc {
		v = plain(d) // a document where a value is expected: cast as one ({_id} for an ObjectId)
	} else if !castableScalar(v) {
		return v, nil
	}
	c, err := castTo(p, v)
	if err != nil {
		return nil, castError(p, key, v, err)
	}
	c = applyTransforms(p, c) // trim, lowercase, uppercase: setters in Mongoose
	if g, ok := toGoType(p, c); ok {
		return g, nil
	}
	return c, nil // out of the field's range: compare as is
}

var (
	booleanPath = &Path{Type: TypeBoolean}
	numberPath  = &Path{Type: TypeNumber}
)

// castArraySize casts the operand of $size in a filter of an array path
// to a Number ("2" → 2), as Mongoose's array type does; one that does not
// cast fails with Mongoose's message for it.
func castArraySize(key string, v any) (any, error) {
	if !castableScalar(v) {
		return v, nil
	}
	n, err := castTo(numberPath, v)
	if err != nil {
		fe := castError(numberPath, key, v, err)
		fe.Message = "Cast to Number failed: value is not a valid number"
		return nil, fe
	}
	return n, nil
}

// updateCtx is what update validation needs from the model.
type updateCtx struct {
	model    string // for messages
	strict   StrictMode
	validate bool
	upsert   bool
}

// castUpdate turns an update (operators, or a plain document taken as
// $set) into a cast and validated bson.D. Immutable paths are dropped
// (under every strict mode, as Mongoose's schema-level strict); unknown
// paths follow the strict mode.
func (s *Schema) castUpdate(ctx context.Context, upd bson.D, uc updateCtx) (bson.D, error) {
	ve := &ValidationError{Model: uc.model}
	var strictErr error
	ops := map[string]bson.D{}
	var order []string
	addOp := func(op string, e bson.E) {
		if _, ok := ops[op]; !ok {
			order = append(order, op)
		}
		ops[op] = append(ops[op], e)
	}
	for _, e := range upd {
		if !strings.HasPrefix(e.Key, "$") {
			if err := s.castUpdatePath(ctx, "$set", e.Key, e.Value, uc, ve, &strictErr, addOp); err != nil {
				return nil, err
			}
			continue
		}
		fields, ok := e.Value.(bson.D)
		if !ok {
			return nil, errorf("update operator %s needs a document", e.Key)
		}
		for _, f := range fields {
			if err := s.castUpdatePath(ctx, e.Key, f.Key, f.Value, uc, ve, &strictErr, addOp); err != nil {
				return nil, err
			}
		}
	}
	if strictErr != nil {
		return nil, strictErr
	}
	if err := ve.orNil(); err != nil {
		return nil, err
	}
	out := make(bson.D, 0, len(order)+2)
	for _, op := range order {
		out = append(out, bson.E{Key: op, Value: ops[op]})
	}
	return out, nil
}

func (s *Schema) castUpdatePath(ctx context.Context, op, key string, val any, uc updateCtx, ve *ValidationError, strictErr *error, add func(string, bson.E)) error {
	if key == s.versionKey() && key != "" {
		add(op, bson.E{Key: key, Value: val})
		return nil
	}
	if ts := s.opts.Timestamps; ts != nil && key == ts.CreatedAt && key != "" && op != "$setOnInsert" {
		return nil // immutable, as Mongoose's createdAt, also when a struct field declares it
	}
	p, isElem, known := s.resolve(key)
	if !known {
		switch uc.strict {
		case StrictThrow:
			if *strictErr == nil {
				*strictErr = &StrictError{Path: key}
			}
			return nil
		case StrictOff:
			add(op, bson.E{Key: key, Value: val})
		}
		return nil
	}
	if p == nil || p.Type == TypeMixed { // under Mixed
		if p != nil && uc.validate && (op == "$set" || op == "$setOnInsert" || op == "$unset") {
			// A Mixed path's own validators (required, custom) run on the
			// value set, as Mongoose's update validators do.
			var v reflect.Value
			if op != "$unset" && val != nil {
				v = reflect.ValueOf(plain(val))
			}
			n := len(ve.Errors)
			ve.update = true
			if err := p.validate(ctx, v, key, key, ve); err != nil {
				return err
			}
			if len(ve.Errors) > n {
				return nil
			}
		}
		add(op, bson.E{Key: key, Value: val})
		return nil
	}
	if p.Immutable && op != "$setOnInsert" {
		// Dropped, also under StrictThrow: Mongoose throws only for a
		// query-level strict: 'throw', never for the schema's.
		return nil
	}
	stored := p.storedKey(key)
	path := stored
	name := updateMsgName(stored, isElem)
	if isElem && s.inMap(key) {
		name += ".$*" // a Map's value is named after the map's schema path: m.$*
	}
	ve.update = true
	switch op {
	case "$set", "$setOnInsert", "$min", "$max":
		if p.Type == TypeSubdoc && isElem && val != nil && !s.inMap(key) {
			// An array's subdocument set by index (items.3): a field that
			// does not cast fails the element as one cast error, as for
			// $push.
			c, ok := s.castSubdocElem(p, path, val, uc, ve)
			if !ok {
				return nil
			}
			val = c
		}
		if p.Type == TypeSubdoc && val != nil {
			// Mongoose names a cast error inside a whole subdocument by its
			// path within it ("city", not "address.city").
			sub := &ValidationError{Model: ve.Model, update: ve.update}
			c := s.castValue(p, path, path, plain(val), sub, &castCtx{strict: uc.strict})
			for _, k := range sub.order {
				fe := sub.Errors[k]
				if rel, ok := strings.CutPrefix(fe.Path, path+"."); ok && fe.Name == NameCastError {
					fe.Path = rel
				}
				ve.add(fe)
			}
			if len(sub.Errors) > 0 {
				return nil
			}
			val = c
		}
		c := val
		if p.Type != TypeSubdoc {
			c = s.castValue(p, path, path, plain(val), ve, &castCtx{strict: uc.strict})
		}
		if _, failed := ve.Errors[path]; failed {
			return nil
		}
		p.subdocDefaults(c)
		p.minimizeValue(c)
		// A whole Map is validated as a path (required), not value by value:
		// Mongoose's update validators do not reach into it. They run on
		// $set and $setOnInsert only ($min and $max are cast, not
		// validated).
		if uc.validate && (op == "$set" || op == "$setOnInsert") && !(p.Type == TypeMap && c != nil) {
			if err := p.validateElem(ctx, deref(reflect.ValueOf(c)), path, name, ve); err != nil { // nil: an explicit null
				return err
			}
		}
		add(op, bson.E{Key: stored, Value: c})
	case "$unset":
		if uc.validate && p.required {
			ve.add(p.fail(validator{kind: KindRequired, message: p.requiredMsg}, path, name, undefinedValue{}))
			return nil
		}
		add(op, bson.E{Key: stored, Value: val}) // the server ignores the operand; kept as given
	case "$inc", "$mul":
		if p.Type == TypeDecimal128 && !isElem {
			// Mongoose casts the operand as the path's Decimal128.
			c, err := castDecimal(val)
			if err != nil || c == nil {
				ve.add(castFailure{path: path, msgPath: path, kind: "Decimal128", shown: val, model: ve.Model}.err())
				return nil
			}
			add(op, bson.E{Key: stored, Value: c})
			return nil
		}
		if val == nil && op == "$inc" {
			// Mongoose refuses $inc of null (its message names the type in
			// lowercase); $mul of null is sent as given.
			ve.add(castFailure{path: path, msgPath: path, kind: "number", shown: val, model: ve.Model}.err())
			return nil
		}
		if (p.Type == TypeInt32 || p.Type == TypeBigInt || p.Type == TypeDouble) && !isElem {
			// Mongoose casts the operand as the path's own type.
			c, err := castTo(p, val)
			if err != nil || c == nil {
				ve.add(castFailure{path: path, msgPath: path, kind: castKind(p.Type), shown: val, because: castBecause(p.Type, err), model: ve.Model, reason: err}.err())
				return nil
			}
			add(op, bson.E{Key: stored, Value: c})
			return nil
		}
		c, err := castNumber(val)
		numeric := p.Type == TypeNumber || p.Type == TypeInt32 || p.Type == TypeDouble || p.Type == TypeBigInt
		if err != nil || c == nil || !numeric {
			ve.add(castFailure{path: path, msgPath: path, kind: "Number", shown: val, model: ve.Model, reason: err}.err())
			return nil
		}
		if p.isInt || p.Type == TypeInt32 || p.Type == TypeBigInt {
			c2, err := castTo(p, c)
			if err != nil {
				ve.add(castFailure{path: path, msgPath: path, kind: "Number", shown: val, model: ve.Model, reason: err}.err())
				return nil
			}
			c = c2
		}
		add(op, bson.E{Key: stored, Value: c})
	case "$push", "$addToSet":
		if p.Type != TypeArray || p.Elem == nil { // also a Map's value or an array's element that is an array
			ve.add(castFailure{path: path, msgPath: path, kind: "Array", shown: val, model: ve.Model}.err())
			return nil
		}
		if isArray(val) && p.Elem.Type != TypeArray {
			// Mongoose pushes the elements of an array given to an array
			// of values or subdocuments: {$push: {nums: [1, 2]}} is sent
			// as {$each: [1, 2]}.
			val = bson.D{{Key: "$each", Value: val}}
		}
		if isEachDoc(val) {
			d, _ := toD(val)
			out := make(bson.D, 0, len(d))
			for _, m := range d {
				if m.Key == "$each" {
					if !isArray(m.Value) && m.Value != nil {
						// A single value is cast as an element and sent as
						// given, as Mongoose does (the server refuses it).
						c, ok, err := s.castElem(ctx, p, path, name, m.Value, uc, ve)
						if err != nil || !ok {
							return err
						}
						out = append(out, bson.E{Key: m.Key, Value: c})
						continue
					}
					// Mongoose casts $each as the whole array: a bad element
					// is reported at its index (nums.1), as for a document.
					if p.Elem.Type != TypeSubdoc { // subdocuments: each on the array's path, below
						n := len(ve.Errors)
						s.castValue(p, path, path, plain(m.Value), ve, &castCtx{strict: uc.strict})
						if len(ve.Errors) > n {
							return nil
						}
					}
					arr, _ := toA(m.Value)
					na := make(bson.A, 0, len(arr))
					for _, x := range arr {
						// Mongoose reports a bad element on the array's path.
						c, ok, err := s.castElem(ctx, p, path, name, x, uc, ve)
						if err != nil || !ok {
							return err
						}
						na = append(na, c)
					}
					m.Value = na
				}
				if (m.Key == "$position" || m.Key == "$slice") && castableScalar(m.Value) {
					// Cast to a Number ("0" → 0), as Mongoose does; one that
					// does not cast is sent as given, for the server to refuse.
					if n, err := castNumber(m.Value); err == nil && n != nil {
						m.Value = n
					}
				}
				out = append(out, m)
			}
			add(op, bson.E{Key: stored, Value: out})
			return nil
		}
		c, ok, err := s.castElem(ctx, p, path, name, val, uc, ve)
		if err != nil || !ok {
			return err
		}
		add(op, bson.E{Key: stored, Value: c})
	case "$pull", "$pullAll":
		// Mongoose casts the values to remove as the array's elements, and
		// a condition as a filter: on the elements' type ({$gte: "3"} → 3,
		// {$in: [...]}) or, for subdocuments, on their schema.
		if p.Type == TypeArray && p.Elem != nil && !isElem && op == "$pull" {
			if d, isDoc := val.(bson.D); isDoc {
				var c any
				var err error
				if p.Elem.Type == TypeSubdoc && len(d) > 0 && d[0].Key == "$elemMatch" {
					c, err = castFilterValue(p, path, d) // {$elemMatch: {...}} against the subdocument's schema
				} else if p.Elem.Type == TypeSubdoc {
					c, err = p.Elem.Schema.castFilter(d, StrictQueryOff)
				} else if len(d) > 0 && strings.HasPrefix(d[0].Key, "$") {
					c, err = castFilterValue(p.Elem, path, d)
				} else {
					c = d
				}
				if err != nil {
					var fe *FieldError
					if errors.As(err, &fe) {
						fe.Message = withModel(fe, ve.Model)
						ve.add(fe)
						return nil
					}
					return err
				}
				add(op, bson.E{Key: stored, Value: c})
				return nil
			}
		}
		if p.Type == TypeArray && p.Elem != nil && !isElem && p.Elem.Type == TypeSubdoc && op == "$pullAll" {
			if arr, ok := toA(val); ok {
				// Mongoose casts each as a subdocument (setters applied,
				// unknown fields dropped) with no _id or defaults added.
				na := make(bson.A, len(arr))
				for i, x := range arr {
					c, ok := s.castSubdocElem(p.Elem, path, x, uc, ve)
					if !ok {
						return nil
					}
					na[i] = c
				}
				add(op, bson.E{Key: stored, Value: na})
				return nil
			}
		}
		if p.Type == TypeArray && p.Elem != nil && !isElem && p.Elem.Type != TypeSubdoc {
			if arr, ok := toA(val); ok && op == "$pullAll" {
				na := make(bson.A, len(arr))
				for i, x := range arr {
					var c any
					var err error
					if inner, isArr := toA(x); isArr && p.Elem.Type == TypeArray {
						c, err = castFilterValue(p.Elem, path, inner) // an inner array, cast as its elements
					} else {
						c, err = castOperand(p.Elem, plain(x))
					}
					if err != nil {
						ve.add(castFailure{path: path, msgPath: path, kind: castKind(p.Elem.Type), shown: x, model: ve.Model, reason: err}.err())
						return nil
					}
					na[i] = c
				}
				if uc.validate {
					// Mongoose's update validators see $pullAll's values as
					// the array's elements (tags.1), and validate them.
					n := len(ve.Errors)
					for i, c := range na {
						if err := p.Elem.validate(ctx, deref(reflect.ValueOf(c)), path+"."+strconv.Itoa(i), name, ve); err != nil {
							return err
						}
					}
					if len(ve.Errors) > n {
						return nil
					}
				}
				add(op, bson.E{Key: stored, Value: na})
				return nil
			}
			if arr, ok := toA(val); ok && op == "$pull" && p.Elem.Type == TypeArray {
				// An inner array of an array of arrays: cast as its elements.
				c, err := castFilterValue(p.Elem, path, arr)
				if fe := (*FieldError)(nil); errors.As(err, &fe) {
					fe.Message = withModel(fe, ve.Model)
					ve.add(fe)
					return nil
				}
				add(op, bson.E{Key: stored, Value: c})
				return nil
			}
			if _, err := toD(val); err != nil && op == "$pull" {
				c, err := castOperand(p.Elem, plain(val))
				if err != nil {
					ve.add(castFailure{path: path, msgPath: path, kind: castKind(p.Elem.Type), shown: val, model: ve.Model, reason: err}.err())
					return nil
				}
				add(op, bson.E{Key: stored, Value: c})
				return nil
			}
		}
		add(op, bson.E{Key: stored, Value: val})
	case "$pop":
		// Mongoose casts the operand to a number (true → 1).
		if castableScalar(val) {
			n, err := castNumber(val)
			if err != nil || n == nil {
				ve.add(castFailure{path: path, msgPath: path, kind: "number", shown: val, model: ve.Model, reason: err}.err())
				return nil
			}
			val = n
		}
		add(op, bson.E{Key: stored, Value: val})
	case "$bit":
		// {and: "5"} → {and: 5}, as Mongoose casts each operand.
		if d, isDoc := val.(bson.D); isDoc {
			out := slices.Clone(d)
			for i, e := range d {
				if n, err := castNumber(e.Value); err == nil && n != nil && castableScalar(e.Value) {
					out[i].Value = n
				}
			}
			val = out
		}
		add(op, bson.E{Key: stored, Value: val})
	case "$rename":
		// The new name is cast to a string (5 → "5").
		if _, isStr := val.(string); !isStr && castableScalar(val) {
			if str, err := castString(val); err == nil {
				val = str
			}
		}
		add(op, bson.E{Key: stored, Value: val})
	case "$currentDate":
		// A value other than {$type: ...} is cast to a Boolean ("yes" → true).
		if castableScalar(val) {
			if b, err := castBool(val); err == nil && b != nil {
				val = b
			}
		}
		add(op, bson.E{Key: stored, Value: val})
	default:
		return errorf("unsupported update operator %s", op)
	}
	return nil
}

// inMap reports whether key names a value of a Map (m.k).
func (s *Schema) inMap(key string) bool {
	i := strings.LastIndexByte(key, '.')
	if i <= 0 {
		return false
	}
	mp, _, _ := s.resolve(key[:i])
	return mp != nil && mp.Type == TypeMap
}

// castOperand casts the value of an update operator that Mongoose casts
// as a query value ($pull, $pullAll): through the path's setters, trim,
// lowercase and uppercase.
func castOperand(p *Path, v any) (any, error) {
	if len(p.setters) > 0 {
		v = p.applySetters(v)
	}
	c, err := castTo(p, v)
	if err != nil {
		return nil, err
	}
	return applyTransforms(p, c), nil
}

// toA returns v as a list when it is one.
// isArray reports whether v is an array value (not a bson.D, which is a
// slice too).
func isArray(v any) bool {
	if _, isDoc := v.(bson.D); isDoc {
		return false
	}
	_, ok := toA(v)
	return ok
}

func toA(v any) (bson.A, bool) {
	switch x := v.(type) {
	case bson.A:
		return x, true
	case []any:
		return bson.A(x), true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	out := make(bson.A, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// isEachDoc reports whether a $push/$addToSet operand is a modifier
// document: $each with $slice, $sort or $position, in any order.
func isEachDoc(v any) bool {
	switch v.(type) {
	case bson.D, bson.M, map[string]any:
	default:
		return false
	}
	d, err := toD(v)
	if err != nil {
		return false
	}
	each := false
	for _, e := range d {
		if !strings.HasPrefix(e.Key, "$") {
			return false
		}
		each = each || e.Key == "$each"
	}
	return each
}

// updateMsgName is the path Mongoose's update validators name in messages
// for an update key: its last segment (the array's, for an element).
func updateMsgName(key string, isElem bool) string {
	if isElem {
		key = key[:max(strings.LastIndexByte(key, '.'), 0)]
	}
	return key[strings.LastIndexByte(key, '.')+1:]
}

func (s *Schema) castElem(ctx context.Context, p *Path, path, name string, v any, uc updateCtx, ve *ValidationError) (any, bool, error) {
	if p.Elem.Type == TypeSubdoc {
		c, ok := s.castSubdocElem(p.Elem, path, v, uc, ve)
		if !ok {
			return nil, false, nil
		}
		p.Elem.minimizeValue(c)
		return s.validateElem(ctx, p, path, name, c, uc, ve)
	}
	c := s.castValue(p.Elem, path, path, plain(v), ve, &castCtx{strict: uc.strict})
	if _, failed := ve.Errors[path]; failed {
		return nil, false, nil
	}
	return s.validateElem(ctx, p, path, name, c, uc, ve)
}

// castSubdocElem casts v as the subdocument elem of an array, without
// defaults or validators. Mongoose reports a subdocument pushed, added or pulled
// that does not cast (a bad field, an unknown one under strict "throw",
// not a document) as one cast error of the array's path.
func (s *Schema) castSubdocElem(elem *Path, path string, v any, uc updateCtx, ve *ValidationError) (any, bool) {
	sub := &ValidationError{Model: ve.Model, update: ve.update}
	c := s.castValue(elem, path, path, plain(v), sub, &castCtx{strict: uc.strict})
	if len(sub.Errors) > 0 {
		because := "CastError"
		for _, fe := range sub.Errors {
			var se *StrictError
			if errors.As(fe.Reason, &se) {
				because = "StrictModeError"
			}
		}
		if _, isDoc := plain(v).(map[string]any); !isDoc && v != nil {
			because = "ObjectParameterError"
		}
		ve.add(castFailure{path: path, msgPath: path, kind: "embedded", shown: plain(v), because: because, model: ve.Model}.err())
		return nil, false
	}
	return c, true
}

// validateElem applies the defaults of an element cast for $push or
// $addToSet and runs its validators.
func (s *Schema) validateElem(ctx context.Context, p *Path, path, name string, c any, uc updateCtx, ve *ValidationError) (any, bool, error) {
	p.Elem.subdocDefaults(c)
	if uc.validate {
		n := len(ve.Errors)
		if err := p.Elem.validate(ctx, deref(reflect.ValueOf(c)), path, name, ve); err != nil {
			return nil, false, err
		}
		if len(ve.Errors) > n {
			return nil, false, nil
		}
	}
	return c, true, nil
}

// castArrayFilters casts an update's arrayFilters as Mongoose does: the
// identifier of each key ("it" of "it.qty") is looked up in the cast
// update's paths ("items.$[it].qty"), and the condition is cast as a
// filter on the array's path plus the rest of the key ("items.qty"), so
// against the element's schema. Keys of identifiers the update does not
// use are dropped, and filters left empty. nil stays nil.
func (s *Schema) castArrayFilters(filters []any, update bson.D) ([]any, error) {
	if filters == nil {
		return nil, nil
	}
	arrays := map[string]string{} // identifier → path of its array
	for _, op := range update {
		fields, ok := op.Value.(bson.D)
		if !ok {
			continue
		}
		for _, f := range fields {
			var kept []string
			for _, part := range strings.Split(f.Key, ".") {
				if id, ok := strings.CutPrefix(part, "$["); ok && len(id) > 1 {
					arrays[strings.TrimSuffix(id, "]")] = strings.Join(kept, ".")
				}
				if arrayIndex(part) {
					continue
				}
				kept = append(kept, part)
			}
		}
	}
	out := make([]any, 0, len(filters))
	for _, f := range filters {
		d, err := toD(f)
		if err != nil {
			return nil, err
		}
		cast, err := s.castArrayFilter(d, arrays)
		if err != nil {
			return nil, err
		}
		if len(cast) > 0 {
			out = append(out, cast)
		}
	}
	return out, nil
}

// castArrayFilter casts one array filter (or a branch of its $and, $or
// or $nor) given the arrays its identifiers stand for; keys of an
// identifier the update does not use are dropped, and so are branches
// and logical operators left empty.
func (s *Schema) castArrayFilter(d bson.D, arrays map[string]string) (bson.D, error) {
	cast := make(bson.D, 0, len(d))
	for _, e := range d {
		switch e.Key {
		case "$and", "$or", "$nor":
			branches, ok := toA(e.Value)
			if !ok {
				return nil, errorf("array filter %s needs an array", e.Key)
			}
			kept := make(bson.A, 0, len(branches))
			for _, b := range branches {
				bd, err := toD(b)
				if err != nil {
					return nil, err
				}
				c, err := s.castArrayFilter(bd, arrays)
				if err != nil {
					return nil, err
				}
				if len(c) > 0 {
					kept = append(kept, c)
				}
			}
			if len(kept) > 0 {
				cast = append(cast, bson.E{Key: e.Key, Value: kept})
			}
			continue
		}
		id, rest, _ := strings.Cut(e.Key, ".")
		arr, ok := arrays[id]
		if !ok {
			continue
		}
		path := arr
		if rest != "" {
			path += "." + rest
		}
		c, err := s.castFilter(bson.D{{Key: path, Value: e.Value}}, StrictQueryOff)
		if err != nil {
			return nil, err
		}
		for _, ce := range c {
			cast = append(cast, bson.E{Key: e.Key, Value: ce.Value})
		}
	}
	return cast, nil
}
