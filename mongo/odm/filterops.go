package odm

import (
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// OperatorError reports a query operator that the path's schema type does
// not take ({age: {$regex: "^1"}} on a Number path), refused before the
// filter is sent, with Mongoose's message (“Can't use $regex with
// Number.“). It wraps ErrOperator.
type OperatorError struct {
	Operator string
	Path     string
	// Type names the schema type in the message; empty where Mongoose's
	// message names none (ObjectId, Decimal128, Double, subdocuments and
	// maps: ``Can't use $foo``).
	Type string
}

// ErrOperator is wrapped by *OperatorError.
var ErrOperator = fmt.Errorf("odm: query operator not supported by the path's type")

func (e *OperatorError) Error() string {
	if e.Type == "" {
		return "Can't use " + e.Operator
	}
	return "Can't use " + e.Operator + " with " + e.Type + "."
}

func (e *OperatorError) Unwrap() error { return ErrOperator }

// The operators each schema type casts in a filter (Mongoose 9's
// $conditionalHandlers); another operator is an *OperatorError, except
// for the types in lenientOps.
var (
	commonOps  = []string{"$all", "$eq", "$exists", "$in", "$ne", "$nin", "$type"}
	compareOps = []string{"$gt", "$gte", "$lt", "$lte"}
	bitsOps    = []string{"$bitsAllClear", "$bitsAllSet", "$bitsAnyClear", "$bitsAnySet"}
	geoOps     = []string{"$geoIntersects", "$geoWithin", "$maxDistance", "$minDistance", "$near", "$nearSphere", "$within"}
	typeOps    = map[Type]map[string]bool{
		TypeString:     opSet(compareOps, "$not", "$options", "$regex"),
		TypeNumber:     opSet(compareOps, append(bitsOps, "$mod")...),
		TypeDate:       opSet(compareOps),
		TypeObjectID:   opSet(compareOps),
		TypeDecimal128: opSet(compareOps),
		TypeDouble:     opSet(compareOps),
		TypeBuffer:     opSet(compareOps, bitsOps...),
		TypeUUID:       opSet(bitsOps),
		TypeSubdoc:     opSet(geoOps),
		TypeMap:        opSet(nil),
		TypeBoolean:    opSet(nil),
		TypeInt32:      opSet(compareOps, bitsOps...),
		TypeBigInt:     opSet(compareOps),
		TypeArray: opSet(compareOps, append(geoOps, "$and", "$elemMatch", "$nor", "$not", "$options", "$or",
			"$regex", "$size")...),
	}
	// The types whose message names them (Can't use $foo with Number.).
	namedOps = map[Type]bool{TypeString: true, TypeNumber: true, TypeDate: true, TypeBuffer: true, TypeUUID: true, TypeArray: true}
	// Boolean, Int32 and BigInt cast the operand of any other operator as
	// a value of their type ({b: {$gt: "true"}} → true).
	lenientOps = map[Type]bool{TypeBoolean: true, TypeInt32: true, TypeBigInt: true}
)

func opSet(ops []string, more ...string) map[string]bool {
	m := map[string]bool{}
	for _, list := range [][]string{commonOps, ops, more} {
		for _, o := range list {
			m[o] = true
		}
	}
	return m
}

func operatorDoc(v any) (bson.D, bool) {
	d, ok := v.(bson.D)
	return d, ok && len(d) > 0 && strings.HasPrefix(d[0].Key, "$")
}

func opError(t Type, op, key string) error {
	e := &OperatorError{Operator: op, Path: key}
	if namedOps[t] {
		e.Type = t.String()
	}
	return e
}

// asArray is v as the operand of $in, $nin, $all or $mod: Mongoose wraps
// a single value ({$in: "5"} → [5]).
func asArray(v any) bson.A {
	switch x := v.(type) {
	case bson.A:
		return x
	case []any:
		return bson.A(x)
	}
	return bson.A{v}
}

// castFilterOps casts the operators of a filter on the scalar, subdocument
// or map path p as Mongoose's schema type of p does.
func castFilterOps(p *Path, key string, d bson.D) (bson.D, error) {
	out := slices.Clone(d)
	for i, e := range d {
		if e.Key == "$exists" {
			if p.Type != TypeMixed && e.Value != nil {
				// Cast as a Boolean: a document or an array fails too.
				b, err := castTo(booleanPath, plain(e.Value))
				if err != nil || b == nil {
					return nil, castFailure{path: key, msgPath: key, kind: "boolean", shown: plain(e.Value), reason: err}.err()
				}
				out[i].Value = b
			}
			continue
		}
		if p.Type == TypeMixed || e.Key == "$type" {
			continue
		}
		if inner, ok := operatorDoc(e.Value); ok && e.Key == "$not" {
			c, err := castFilterOps(p, key, inner)
			if err != nil {
				return nil, err
			}
			out[i].Value = c
			continue
		}
		var err error
		if ops := typeOps[p.Type]; ops != nil && !ops[e.Key] {
			if !lenientOps[p.Type] {
				return nil, opError(p.Type, e.Key, key)
			}
			// The operand cast whole as one value: an array fails.
			if _, isArr := e.Value.(bson.A); isArr {
				return nil, castError(p, key, plain(e.Value), errCast)
			}
			if out[i].Value, err = castFilterValue(p, key, e.Value); err != nil {
				return nil, err
			}
			continue
		}
		switch e.Key {
		case "$in", "$nin", "$all":
			out[i].Value, err = castEach(asArray(e.Value), func(x any) (any, error) { return castFilterValue(p, key, x) })
		case "$mod", "$bitsAllClear", "$bitsAllSet", "$bitsAnyClear", "$bitsAnySet":
			if p.Type == TypeUUID || p.Type == TypeBuffer {
				continue
			}
			out[i].Value, err = castNumbers(key, e.Value, e.Key == "$mod")
		case "$regex", "$options", "$geoIntersects", "$geoWithin", "$maxDistance", "$minDistance", "$near", "$nearSphere", "$within":
		default: // $eq, $ne, comparisons, $not of a value, a lenient type's others
			out[i].Value, err = castFilterValue(p, key, e.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// castEach casts each element of arr with cast.
func castEach(arr bson.A, cast func(any) (any, error)) (bson.A, error) {
	out := make(bson.A, len(arr))
	for i, x := range arr {
		c, err := cast(x)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// castNumbers casts the operand of $mod (always an array) or a bitwise
// operator (a number or an array of bit positions) to Numbers.
func castNumbers(key string, v any, wrap bool) (any, error) {
	one := func(x any) (any, error) {
		if !castableScalar(x) {
			return x, nil
		}
		n, err := castTo(numberPath, x)
		if err != nil {
			return nil, castError(numberPath, key, x, err)
		}
		return n, nil
	}
	arr, isArr := v.(bson.A)
	if !isArr && !wrap {
		return one(v)
	}
	if !isArr {
		arr = asArray(v)
	}
	return castEach(arr, one)
}

// castArrayFilter casts the filter value v of the array path p: an
// element ({tags: "a"}), an array ({nums: ["1", "2"]}), or operators
// (Mongoose's array type: $elemMatch cast against the element's schema or
// type, $size to a Number, the others on the elements' type).
func castArrayFilter(p *Path, key string, v any) (any, error) {
	d, isOps := operatorDoc(v)
	if !isOps {
		if arr, ok := v.(bson.A); ok {
			return castEach(arr, func(x any) (any, error) { return castArrayFilter(p, key, x) })
		}
		if p.Elem.Type == TypeSubdoc && v != nil {
			c, err := castFilterValue(p.Elem, key, v)
			if err != nil {
				// Mongoose reports an element that does not cast on the array.
				because := "CastError"
				if _, isDoc := plain(v).(map[string]any); !isDoc {
					because = "ObjectParameterError"
				}
				return nil, castFailure{path: key, msgPath: key, kind: "embedded", shown: plain(v), because: because}.err()
			}
			return c, nil
		}
		return castFilterValue(p.Elem, key, v)
	}
	out := slices.Clone(d)
	for i, e := range d {
		if !typeOps[TypeArray][e.Key] {
			return nil, opError(TypeArray, e.Key, key)
		}
		var err error
		switch e.Key {
		case "$exists":
			var c bson.D
			c, err = castFilterOps(p, key, bson.D{e})
			if err == nil {
				out[i].Value = c[0].Value
			}
		case "$type", "$and", "$or", "$nor":
		case "$size":
			out[i].Value, err = castArraySize(key, e.Value)
		case "$elemMatch":
			out[i].Value, err = castElemMatch(p, key, e.Value)
		case "$not":
			if inner, ok := operatorDoc(e.Value); ok {
				out[i].Value, err = castArrayFilter(p, key, inner)
			} else {
				out[i].Value, err = castArrayFilter(p, key, e.Value)
			}
		case "$regex", "$options":
			if p.Elem.Type != TypeString && p.Elem.Type != TypeMixed && castableScalar(e.Value) {
				// Mongoose casts the pattern as an element: a CastError on a
				// Number array.
				out[i].Value, err = castFilterValue(p.Elem, key, e.Value)
			}
		case "$in", "$nin", "$all":
			arr := asArray(e.Value)
			na := make(bson.A, len(arr))
			for j, x := range arr {
				if inner, ok := operatorDoc(x); ok && len(inner) == 1 && inner[0].Key == "$elemMatch" {
					var c any
					if c, err = castElemMatch(p, key, inner[0].Value); err != nil {
						return nil, err
					}
					na[j] = bson.D{{Key: "$elemMatch", Value: c}}
					continue
				}
				if _, nested := x.(bson.A); nested && e.Key == "$all" && p.Elem.Type != TypeArray && p.Elem.Type != TypeMixed {
					// $all's elements are cast as single elements: an array fails.
					return nil, castError(p.Elem, key, plain(x), errCast)
				}
				if na[j], err = castArrayFilter(p, key, x); err != nil {
					return nil, err
				}
			}
			out[i].Value = na
		default:
			if slices.Contains(geoOps, e.Key) {
				continue
			}
			out[i].Value, err = castArrayFilter(p, key, e.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// castElemMatch casts the condition of $elemMatch on the array path p: a
// filter on the element's schema for subdocuments, operators on the
// element's type otherwise.
func castElemMatch(p *Path, key string, v any) (any, error) {
	d, ok := v.(bson.D)
	if !ok {
		return v, nil
	}
	if p.Elem.Type == TypeSubdoc && p.Elem.Schema != nil {
		return p.Elem.Schema.castFilter(d, StrictQueryOff)
	}
	if p.Elem.Type == TypeMixed {
		return v, nil
	}
	for _, e := range d {
		if strings.HasPrefix(e.Key, "$") && !typeOps[TypeArray][e.Key] {
			return nil, opError(TypeArray, e.Key, key)
		}
	}
	if _, isOps := operatorDoc(d); !isOps {
		return v, nil
	}
	return castArrayFilter(p, key, d)
}

// castSubdocFilter casts a document compared with the subdocument path p
// as Mongoose does: as a new subdocument (unknown keys dropped, defaults
// applied), its keys in the schema's order.
func castSubdocFilter(p *Path, key string, v any) (any, error) {
	if v == nil || p.Schema == nil {
		return v, nil
	}
	m, ok := plain(v).(map[string]any)
	if !ok {
		return nil, castFailure{path: key, msgPath: key, kind: "Embedded", shown: plain(v), because: "ObjectParameterError"}.err()
	}
	ve := &ValidationError{}
	c := p.Schema.castValue(p, key, key, m, ve, &castCtx{})
	if len(ve.Errors) > 0 {
		fe := ve.Errors[ve.order[0]]
		if rel, ok := strings.CutPrefix(fe.Path, key+"."); ok {
			// Mongoose names the path inside the subdocument.
			fe.Message = strings.Replace(fe.Message, `at path "`+fe.Path+`"`, `at path "`+rel+`"`, 1)
			fe.Path = rel
		}
		return nil, fe
	}
	p.subdocDefaults(c)
	return p.Schema.orderedDoc(c), nil
}

// orderedDoc renders a cast subdocument as a bson.D in the schema's order
// (keys the schema lacks last, sorted), subdocuments within it too.
func (s *Schema) orderedDoc(v any) any {
	m, ok := v.(map[string]any)
	if !ok || s == nil {
		return v
	}
	out := make(bson.D, 0, len(m))
	seen := map[string]bool{}
	for _, p := range s.paths {
		x, ok := m[p.Name]
		if !ok {
			continue
		}
		seen[p.Name] = true
		if p.Type == TypeSubdoc {
			x = p.Schema.orderedDoc(x)
		}
		out = append(out, bson.E{Key: p.Name, Value: x})
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, bson.E{Key: k, Value: m[k]})
	}
	return out
}
