package orm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxJSONDepth bounds the nesting of JSON queries.
const maxJSONDepth = 24

// ParseWhere decodes a Prisma-style where object ({"email": {"contains":
// "x", "mode": "insensitive"}, "posts": {"some": {...}}, "OR": [...]}) for
// model m. Every problem is reported as a *ValidationError; nothing of the
// input ever reaches SQL except as bind parameters.
func ParseWhere(m *Model, data []byte) (Where, error) {
	v, err := decodeJSON(m, data)
	if err != nil {
		return nil, err
	}
	return whereFromJSON(m, v, "where", 0)
}

// ParseOrderBy decodes a Prisma-style orderBy: an object or a list of
// objects such as {"createdAt": "desc"}, {"name": {"sort": "asc", "nulls":
// "last"}}, {"posts": {"_count": "desc"}} or {"author": {"name": "asc"}}.
func ParseOrderBy(m *Model, data []byte) ([]Order, error) {
	v, err := decodeJSON(m, data)
	if err != nil {
		return nil, err
	}
	return orderFromJSON(m, v, "orderBy")
}

// ParseFindArgs decodes {"where", "orderBy", "skip", "take", "distinct",
// "select", "include", "cursor"}; include maps relation names to true or to
// nested find arguments, select lists scalar fields as {"name": true}.
func ParseFindArgs(m *Model, data []byte) (*FindArgs, error) {
	v, err := decodeJSON(m, data)
	if err != nil {
		return nil, err
	}
	return findArgsFromJSON(m, v, "", 0)
}

// findUniqueArgs are the arguments of Prisma's findUnique and
// findUniqueOrThrow (select, include and omit are its selection, which
// Prisma's unknown-argument errors do not offer).
var findUniqueArgs = []string{"where", "relationLoadStrategy"}

// findManyArgs are the arguments of Prisma's findMany and findFirst.
var findManyArgs = []string{"where", "orderBy", "cursor", "take", "skip", "distinct", "relationLoadStrategy"}

// findSelection are the keys of a find's selection.
var findSelection = []string{"select", "include", "omit"}

// ParseFindArgsFor is ParseFindArgs for the find act, which refuses what
// Prisma's operation does not take: findUnique and findUniqueOrThrow take
// where (which they need), select, include, omit and relationLoadStrategy
// only.
func ParseFindArgsFor(m *Model, act Action, data []byte) (*FindArgs, error) {
	v, err := decodeJSON(m, data)
	if err != nil {
		return nil, err
	}
	if act == ActionFindUnique || act == ActionFindUniqueOrThrow {
		o, _ := v.(map[string]any)
		for _, k := range sortedKeys(o) {
			if !slices.Contains(findUniqueArgs, k) && !slices.Contains(findSelection, k) {
				return nil, unknownArg(m, k, k, findUniqueArgs)
			}
		}
		if _, ok := o["where"]; !ok {
			return nil, prismaMsg(m, "where", isMissing("where"))
		}
		if err := uniqueFieldValues(m, o["where"], "where"); err != nil {
			return nil, err
		}
	} else if o, ok := v.(map[string]any); ok {
		if err := noCompound(m, o["where"], "where"); err != nil {
			return nil, err
		}
	}
	return findArgsFromJSON(m, v, "", 0)
}

func decodeJSON(m *Model, data []byte) (any, error) {
	if m == nil || m.schema == nil {
		return nil, validationErr(m, "", "model is nil or not part of a schema (see NewSchema)")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, validationErr(m, "", "invalid JSON: %v", err)
	}
	if dec.More() {
		return nil, validationErr(m, "", "invalid JSON: trailing data")
	}
	return v, nil
}

func sortedKeys(o map[string]any) []string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func whereList(m *Model, key string, v any, path string, depth int) ([]Where, error) {
	switch x := v.(type) {
	case map[string]any:
		w, err := whereFromJSON(m, x, path, depth)
		return []Where{w}, err
	case []any:
		out := make([]Where, len(x))
		for i, e := range x {
			if _, obj := e.(map[string]any); !obj {
				return nil, prismaMsg(m, path, invalidTypeMsg(key, []string{m.Name + "WhereInput"}, inferredType(e)))
			}
			w, err := whereFromJSON(m, e, path+"["+strconv.Itoa(i)+"]", depth)
			if err != nil {
				return nil, err
			}
			out[i] = w
		}
		return out, nil
	}
	if v == nil {
		return nil, prismaMsg(m, path, mustNotBeNull(key))
	}
	ex := []string{m.Name + "WhereInput", m.Name + "WhereInput[]"}
	if key == "OR" {
		ex = ex[1:]
	}
	return nil, prismaMsg(m, path, invalidTypeMsg(key, ex, inferredType(v)))
}

func whereFromJSON(m *Model, v any, path string, depth int) (Where, error) {
	if depth > maxJSONDepth {
		return nil, validationErr(m, path, "nested too deeply")
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, validationErr(m, path, "expects an object")
	}
	var w Where
	for _, k := range sortedKeys(o) {
		val := o[k]
		p := joinPath(path, k)
		switch k {
		case "AND", "OR", "NOT":
			ws, err := whereList(m, k, val, p, depth+1)
			if err != nil {
				return nil, err
			}
			switch k {
			case "AND":
				w = append(w, And(ws))
			case "OR":
				if _, isObj := val.(map[string]any); isObj {
					return nil, prismaMsg(m, p, invalidTypeMsg(k, []string{m.Name + "WhereInput[]"}, "Object"))
				}
				w = append(w, Or(ws))
			default:
				w = append(w, Not(ws))
			}
			continue
		}
		if f := m.fields[k]; f != nil {
			conds, err := fieldFromJSON(m, f, val, p, depth)
			if err != nil {
				return nil, err
			}
			w = append(w, conds...)
			continue
		}
		if r := m.relations[k]; r != nil {
			c, err := relFromJSON(m, r, val, p, depth)
			if err != nil {
				return nil, err
			}
			w = append(w, c...)
			continue
		}
		if fields := compoundKey(m, k); fields != nil {
			// A compound unique selector, as Prisma names it:
			// {"title_authorId": {"title": "A", "authorId": 1}}.
			vo, ok := val.(map[string]any)
			if !ok {
				return nil, validationErr(m, p, "expects an object with %s", strings.Join(fields, ", "))
			}
			for _, vk := range sortedKeys(vo) {
				if !slices.Contains(fields, vk) {
					return nil, unknownArg(m, joinPath(p, vk), vk, fields)
				}
			}
			for _, fn := range fields {
				fv, ok := vo[fn]
				if !ok {
					return nil, prismaMsg(m, joinPath(p, fn), isMissing(fn))
				}
				if fv == nil {
					return nil, prismaMsg(m, joinPath(p, fn), mustNotBeNull(fn))
				}
				if fo, isObj := fv.(map[string]any); isObj {
					// A compound selector takes the fields' values.
					if _, typed, _ := typedValue(m, fo, p); !typed {
						return nil, prismaMsg(m, joinPath(p, fn), invalidTypeMsg(fn, []string{prismaScalar(m.fields[fn])}, "Object"))
					}
				}
				conds, err := fieldFromJSON(m, m.fields[fn], map[string]any{"equals": fv}, joinPath(p, fn), depth)
				if err != nil {
					return nil, err
				}
				w = append(w, conds...)
			}
			continue
		}
		return nil, unknownArg(m, p, k, whereOptions(m))
	}
	return w, nil
}

// uniqueFieldValues refuses a filter object for a unique field of a
// WhereUniqueInput (findUnique's where, a cursor): Prisma's input takes
// the field's value itself there ({"id": 1}, never {"id": {"equals":
// 1}}).
func uniqueFieldValues(m *Model, v any, path string) error {
	o, _ := v.(map[string]any)
	for _, k := range sortedKeys(o) {
		f := m.fields[k]
		fo, isObj := o[k].(map[string]any)
		if f == nil || !isObj || !singleUnique(m, k) {
			continue
		}
		if _, typed, _ := typedValue(m, fo, path); typed {
			continue
		}
		provided := "Object"
		if _, ref := fieldRefJSON(fo); ref {
			provided = "FieldRef"
		}
		return prismaMsg(m, joinPath(path, k), invalidTypeMsg(k, []string{prismaScalar(f)}, provided))
	}
	return nil
}

// singleUnique reports whether field is m's primary key or unique alone.
func singleUnique(m *Model, field string) bool {
	if len(m.PrimaryKey) == 1 && m.PrimaryKey[0] == field {
		return true
	}
	for _, u := range m.Uniques {
		if len(u.Fields) == 1 && u.Fields[0] == field {
			return true
		}
	}
	return false
}

// noCompound refuses a compound unique selector ({"title_authorId":
// ...}) at the top of a where that is not a WhereUniqueInput, as Prisma's
// WhereInput has no such field.
func noCompound(m *Model, v any, path string) error {
	o, _ := v.(map[string]any)
	for _, k := range sortedKeys(o) {
		if m.fields[k] == nil && m.relations[k] == nil && compoundKey(m, k) != nil {
			return unknownArg(m, joinPath(path, k), k, whereOptions(m))
		}
	}
	return nil
}

// compoundKey returns the fields of the compound primary key or unique
// set that Prisma names k (the field names joined by "_"), or nil.
func compoundKey(m *Model, k string) []string {
	if len(m.PrimaryKey) > 1 && strings.Join(m.PrimaryKey, "_") == k {
		return m.PrimaryKey
	}
	for _, u := range m.Uniques {
		if len(u.Fields) > 1 && strings.Join(u.Fields, "_") == k {
			return u.Fields
		}
	}
	return nil
}

var jsonOps = map[string]Op{
	"equals": OpEquals, "not": OpNot, "in": OpIn, "notIn": OpNotIn, "lt": OpLt, "lte": OpLte,
	"gt": OpGt, "gte": OpGte, "contains": OpContains, "startsWith": OpStartsWith, "endsWith": OpEndsWith,
	"has": OpHas, "hasEvery": OpHasEvery, "hasSome": OpHasSome, "isEmpty": OpIsEmpty, "search": OpSearch,
}

// jsonFilterOps are the operators of Prisma's Json filter.
var jsonFilterOps = map[string]JSONOp{"equals": JSONEquals, "not": JSONNot,
	"string_contains": JSONStringContains, "string_starts_with": JSONStringStartsWith,
	"string_ends_with": JSONStringEndsWith, "array_contains": JSONArrayContains,
	"array_starts_with": JSONArrayStartsWith, "array_ends_with": JSONArrayEndsWith,
	"lt": JSONLt, "lte": JSONLte, "gt": JSONGt, "gte": JSONGte}

// jsonNullValue reads Prisma's JSON protocol form of a null value,
// {"$type": "Enum", "value": "DbNull" | "JsonNull" | "AnyNull"}.
func jsonNullValue(v any) (NullKind, bool) {
	o, ok := v.(map[string]any)
	if !ok || len(o) != 2 || o["$type"] != "Enum" {
		return 0, false
	}
	switch o["value"] {
	case "DbNull":
		return DbNull, true
	case "JsonNull":
		return JsonNull, true
	case "AnyNull":
		return AnyNull, true
	}
	return 0, false
}

// jsonFilterFromJSON decodes a Json filter object: path, mode and any
// number of operators (all must hold).
func jsonFilterFromJSON(m *Model, f *Field, o map[string]any, path string) ([]Cond, error) {
	var jpath []string
	if pv, ok := o["path"]; ok {
		list, ok := pv.([]any)
		if !ok {
			return nil, prismaMsg(m, joinPath(path, "path"), invalidTypeMsg("path", []string{"String[]"}, inferredType(pv)))
		}
		jpath = make([]string, len(list))
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, validationErr(m, joinPath(path, "path"), "expects a list of keys (strings)")
			}
			jpath[i] = s
		}
	}
	insensitive := false
	if mode, ok := o["mode"]; ok {
		switch mode {
		case "insensitive":
			insensitive = true
		case "default":
		default:
			return nil, validationErr(m, joinPath(path, "mode"), `mode is "default" or "insensitive"`)
		}
	}
	var out []Cond
	for _, k := range sortedKeys(o) {
		if k == "path" || k == "mode" {
			continue
		}
		p := joinPath(path, k)
		op, ok := jsonFilterOps[k]
		if !ok {
			return nil, unknownArg(m, p, k, filterOptions(f))
		}
		val := o[k]
		if r, ok := fieldRefJSON(val); ok {
			// A Json field of the model (a String one for the string
			// filters), checked as the filter is compiled.
			out = append(out, &JSONCond{Field: f.Name, Path: jpath, Op: op, Value: r, Insensitive: insensitive})
			continue
		}
		if val == nil && (op == JSONArrayContains || op == JSONArrayStartsWith || op == JSONArrayEndsWith) {
			// An array filter compares with the JSON value null, as
			// Prisma sends it.
			val = json.RawMessage("null")
		}
		if val == nil {
			return nil, validationErr(m, p, `Json filters take DbNull, JsonNull or AnyNull ({"$type": "Enum", "value": "JsonNull"}) instead of null`)
		}
		if kind, ok := jsonNullValue(val); ok {
			if op != JSONEquals && op != JSONNot {
				return nil, validationErr(m, p, "%s does not take %s", k, kind)
			}
			val = kind
		} else if n, ok := val.(json.Number); ok {
			val = json.RawMessage(n)
		}
		out = append(out, &JSONCond{Field: f.Name, Path: jpath, Op: op, Value: val, Insensitive: insensitive})
	}
	if len(out) == 0 && jpath != nil {
		return nil, validationErr(m, joinPath(path, "path"), "path needs a filter such as equals")
	}
	return out, nil
}

// typedValue reads a typed value of Prisma's JSON protocol: {"$type":
// "BigInt" | "Decimal" | "DateTime" | "Bytes" | "Json", "value": ...}, as
// the engine receives a BigInt, Decimal, Date, Buffer or Json input; in a
// list, each element. ok is false for any other value.
func typedValue(m *Model, v any, path string) (any, bool, error) {
	if list, isList := v.([]any); isList {
		out := make([]any, len(list))
		typed := false
		for i, e := range list {
			tv, ok, err := typedValue(m, e, path)
			if err != nil {
				return nil, false, err
			}
			typed = typed || ok
			out[i] = e
			if ok {
				out[i] = tv
			}
		}
		return out, typed, nil
	}
	o, isObj := v.(map[string]any)
	if !isObj || len(o) != 2 {
		return nil, false, nil
	}
	t, _ := o["$type"].(string)
	s, isStr := o["value"].(string)
	if t == "" || !isStr {
		return nil, false, nil
	}
	bad := func(err error) (any, bool, error) {
		return nil, false, validationErr(m, path, "invalid %s value %q: %v", t, s, err)
	}
	switch t {
	case "BigInt":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad(err)
		}
		return n, true, nil
	case "Decimal":
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return bad(err)
		}
		return s, true, nil
	case "DateTime":
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			// The client's words for an invalid Date.
			arg := path[strings.LastIndexByte(path, '.')+1:]
			return nil, false, prismaMsg(m, path, invalidValueMsg(arg, "Provided Date object is invalid", "Date"))
		}
		return ts, true, nil
	case "Bytes":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return bad(err)
		}
		return b, true, nil
	case "Json":
		if !json.Valid([]byte(s)) {
			return bad(errors.New("not JSON"))
		}
		return json.RawMessage(s), true, nil
	}
	return nil, false, nil
}

// opAllowed reports whether Prisma's filter type for f has operator op.
func opAllowed(f *Field, op Op) bool {
	if f.List {
		switch op {
		case OpEquals, OpHas, OpHasEvery, OpHasSome, OpIsEmpty:
			return true
		}
		return false
	}
	switch op {
	case OpEquals, OpNot:
		return true
	case OpIn, OpNotIn:
		return f.Type != Boolean && f.Type != JSON
	case OpLt, OpLte, OpGt, OpGte:
		switch f.Type {
		case Boolean, Enum, Bytes, JSON:
			return false
		}
		return true
	case OpContains, OpStartsWith, OpEndsWith, OpSearch:
		return f.Type == String
	}
	return false
}

func fieldFromJSON(m *Model, f *Field, v any, path string, depth int) ([]Cond, error) {
	if tv, ok, err := typedValue(m, v, path); err != nil {
		return nil, err
	} else if ok {
		v = map[string]any{"equals": tv}
	}
	if _, ok := fieldRefJSON(v); ok && f.Type != JSON {
		// A reference is no shorthand of equals in Prisma's input types.
		return nil, refIssue(m, f, path)
	}
	o, isObj := v.(map[string]any)
	if f.Type == JSON && !f.List {
		if !isObj {
			return nil, validationErr(m, path, `a Json field takes a filter object such as {"equals": value}`)
		}
		return jsonFilterFromJSON(m, f, o, path)
	}
	if !isObj {
		if f.List {
			// Prisma's list filters are objects ({equals: [...]}, {has: x}).
			return nil, prismaMsg(m, path, invalidTypeMsg(f.Name, []string{filterTypeName(f)}, inferredType(v)))
		}
		if err := checkJSONValue(m, f, f.Name, "", v, path); err != nil {
			return nil, err
		}
		return []Cond{&FieldCond{Field: f.Name, Op: OpEquals, Value: v}}, nil
	}
	insensitive := false
	if mode, ok := o["mode"]; ok {
		if f.Type != String || f.List {
			return nil, unknownArg(m, joinPath(path, "mode"), "mode", filterOptions(f))
		}
		switch mode {
		case "insensitive":
			insensitive = true
		case "default":
		default:
			return nil, prismaMsg(m, joinPath(path, "mode"), invalidValueMsg("mode", "", "QueryMode"))
		}
	}
	if f.List && len(o) > 1 {
		// Prisma's list filters take exactly one operator.
		return nil, prismaMsg(m, path, "Argument `"+f.Name+"` of type "+filterTypeName(f)+
			" needs exactly one argument, but you provided "+joinWith("and", sortedKeys(o))+". Please choose one.")
	}
	var out []Cond
	for _, k := range sortedKeys(o) {
		if k == "mode" {
			continue
		}
		p := joinPath(path, k)
		op, ok := jsonOps[k]
		if !ok || !opAllowed(f, op) {
			return nil, unknownArg(m, p, k, filterOptions(f))
		}
		val := o[k]
		if r, ok := fieldRefJSON(val); ok {
			if op == OpNot {
				return nil, refIssue(m, f, p)
			}
			if op == OpIsEmpty {
				return nil, prismaMsg(m, p, invalidTypeMsg(k, []string{"Boolean"}, "FieldRef"))
			}
			out = append(out, &FieldCond{Field: f.Name, Op: op, Value: r, Insensitive: insensitive})
			continue
		}
		if tv, ok, err := typedValue(m, val, p); err != nil {
			return nil, err
		} else if ok {
			val = tv
		}
		if _, sub := val.(map[string]any); !sub || op != OpNot {
			if err := checkJSONValue(m, f, k, k, val, p); err != nil {
				return nil, err
			}
		}
		if op == OpNot {
			if inner, ok := val.(map[string]any); ok {
				if depth > maxJSONDepth {
					return nil, validationErr(m, p, "nested too deeply")
				}
				if insensitive {
					if _, has := inner["mode"]; !has {
						inner["mode"] = "insensitive"
					}
				}
				if nv, has := inner["not"]; has {
					// Prisma does not negate a not inside a not:
					// {not: {not: 3}} is col <> 3, as {not: 3}.
					if _, obj := nv.(map[string]any); !obj {
						rest := make(map[string]any, len(inner))
						for ik, iv := range inner {
							if ik != "not" {
								rest[ik] = iv
							}
						}
						plain := map[string]any{"not": nv}
						if mode, has := inner["mode"]; has {
							plain["mode"] = mode
						}
						conds, err := fieldFromJSON(m, f, plain, p, depth+1)
						if err != nil {
							return nil, err
						}
						out = append(out, conds...)
						if len(rest) == 0 || len(rest) == 1 && rest["mode"] != nil {
							continue
						}
						inner = rest
					}
				}
				conds, err := fieldFromJSON(m, f, inner, p, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, Not{Where(conds)})
				continue
			}
		}
		if val == nil && (op == OpIn || op == OpNotIn) {
			// Prisma reads in: null as equals: null (IS NULL), notIn:
			// null as not: null.
			op = map[Op]Op{OpIn: OpEquals, OpNotIn: OpNot}[op]
		}
		out = append(out, &FieldCond{Field: f.Name, Op: op, Value: val, Insensitive: insensitive})
	}
	return out, nil
}

func relFromJSON(m *Model, r *Relation, v any, path string, depth int) ([]Cond, error) {
	if v == nil {
		if r.ToMany() || r.required() {
			return nil, prismaMsg(m, path, mustNotBeNull(r.Name))
		}
		return []Cond{&RelCond{Relation: r.Name, Op: Is}}, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, validationErr(m, path, "expects an object")
	}
	ops := map[string]RelOp{"some": Some, "every": Every, "none": None, "is": Is, "isNot": IsNot}
	var out []Cond
	direct := !r.ToMany()
	for k := range o {
		if _, isOp := ops[k]; isOp {
			direct = false
		}
	}
	if direct {
		w, err := whereFromJSON(r.target, o, path, depth+1)
		if err != nil {
			return nil, err
		}
		if w == nil {
			// {"shelf": {}}: no condition at all (unlike is: {}).
			return nil, nil
		}
		return []Cond{&RelCond{Relation: r.Name, Op: Is, Where: w}}, nil
	}
	relOps := []string{"is", "isNot"}
	if r.ToMany() {
		relOps = []string{"every", "some", "none"}
	}
	for _, k := range sortedKeys(o) {
		p := joinPath(path, k)
		op, ok := ops[k]
		if !ok || !slices.Contains(relOps, k) {
			return nil, unknownArg(m, p, k, relOps)
		}
		if o[k] == nil && r.ToMany() {
			return nil, prismaMsg(m, p, mustNotBeNull(k))
		}
		if o[k] == nil && (op == Is || op == IsNot) {
			if r.required() {
				// Prisma's filter of a required relation has no null: its
				// is and isNot take the target's where input only, which
				// Prisma reports as the where input not knowing them.
				return nil, unknownArg(m, p, k, whereOptions(r.target))
			}
			out = append(out, &RelCond{Relation: r.Name, Op: op})
			continue
		}
		w, err := whereFromJSON(r.target, o[k], p, depth+1)
		if err != nil {
			return nil, err
		}
		if w == nil {
			// is: {} is "a related row exists", not is: null.
			w = Where{}
		}
		out = append(out, &RelCond{Relation: r.Name, Op: op, Where: w})
	}
	return out, nil
}

func direction(m *Model, v any, path string) (bool, error) {
	switch v {
	case "asc":
		return false, nil
	case "desc":
		return true, nil
	}
	if _, isStr := v.(string); !isStr {
		return false, prismaMsg(m, path, invalidTypeMsg(lastSegment(path), []string{"SortOrder"}, inferredType(v)))
	}
	return false, prismaMsg(m, path, invalidValueMsg(lastSegment(path), "", "SortOrder"))
}

func orderFromJSON(m *Model, v any, path string) ([]Order, error) {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case map[string]any:
		items = []any{x}
	default:
		return nil, validationErr(m, path, "expects an object or a list of objects")
	}
	var out []Order
	for i, it := range items {
		p := path + "[" + strconv.Itoa(i) + "]"
		o, ok := it.(map[string]any)
		if !ok {
			return nil, validationErr(m, p, "expects an object")
		}
		if len(o) > 1 {
			// Prisma: each orderBy object names one field; several are a list.
			return nil, prismaMsg(m, p, invalidTypeMsg(lastSegment(path), []string{m.Name + "OrderByWithRelationInput[]"}, "Object"))
		}
		for _, k := range sortedKeys(o) {
			kp := joinPath(p, k)
			val := o[k]
			if k == "_relevance" {
				ord, err := relevanceFromJSON(m, val, kp)
				if err != nil {
					return nil, err
				}
				out = append(out, ord)
				continue
			}
			if r := m.relations[k]; r != nil {
				ord, err := relOrderFromJSON(m, r, val, kp)
				if err != nil {
					return nil, err
				}
				out = append(out, ord)
				continue
			}
			if m.fields[k] == nil {
				return nil, unknownArg(m, kp, k, orderOptions(m))
			}
			ord, err := sortFromJSON(m, val, kp)
			if err != nil {
				return nil, err
			}
			if err := nullsAllowed(m, k, ord, kp); err != nil {
				return nil, err
			}
			ord.Field = k
			out = append(out, ord)
		}
	}
	return out, nil
}

// relevanceFromJSON reads Prisma's {"_relevance": {"fields": ["title"] |
// "title", "search": "query", "sort": "asc" | "desc"}}.
func relevanceFromJSON(m *Model, val any, kp string) (Order, error) {
	o, ok := val.(map[string]any)
	if !ok {
		return Order{}, prismaMsg(m, kp, invalidTypeMsg("_relevance", []string{m.Name + "OrderByRelevanceInput"}, inferredType(val)))
	}
	for _, k := range sortedKeys(o) {
		if k != "fields" && k != "search" && k != "sort" {
			return Order{}, unknownArg(m, joinPath(kp, k), k, []string{"fields", "sort", "search"})
		}
	}
	for _, k := range []string{"fields", "sort", "search"} {
		if _, ok := o[k]; !ok {
			return Order{}, prismaMsg(m, joinPath(kp, k), "Argument `"+k+"` is missing.")
		}
	}
	enum := m.Name + "OrderByRelevanceFieldEnum"
	var fields []string
	switch f := o["fields"].(type) {
	case string:
		fields = []string{f}
	case []any:
		for _, x := range f {
			n, ok := x.(string)
			if !ok {
				return Order{}, prismaMsg(m, joinPath(kp, "fields"), invalidValueMsg("fields", "", enum))
			}
			fields = append(fields, n)
		}
	default:
		return Order{}, prismaMsg(m, joinPath(kp, "fields"), invalidValueMsg("fields", "", enum))
	}
	for _, n := range fields {
		if f := m.fields[n]; f == nil || f.Type != String || f.List {
			return Order{}, prismaMsg(m, joinPath(kp, "fields"), invalidValueMsg("fields", "", enum))
		}
	}
	search, ok := o["search"].(string)
	if !ok {
		return Order{}, prismaMsg(m, joinPath(kp, "search"), invalidTypeMsg("search", []string{"String"}, inferredType(o["search"])))
	}
	desc, err := direction(m, o["sort"], joinPath(kp, "sort"))
	if err != nil {
		return Order{}, err
	}
	return ByRelevance(fields, search, desc), nil
}

// relOrderFromJSON reads the ordering by relation r of m: {"_count":
// dir} of a to-many relation, {"field": dir} of a to-one relation's
// field, or a to-one relation's own relation ordering, {"user":
// {"profile": {"bio": "asc"}}} (Order.Relation "user.profile").
func relOrderFromJSON(m *Model, r *Relation, val any, kp string) (Order, error) {
	ro, ok := val.(map[string]any)
	if !ok || len(ro) != 1 {
		return Order{}, validationErr(m, kp, "expects {\"_count\": dir} or {\"field\": dir}")
	}
	for rk, rv := range ro {
		if rk == "_count" && !r.ToMany() {
			return Order{}, unknownArg(m, joinPath(kp, rk), rk, orderOptions(r.target))
		}
		if rk == "_count" {
			desc, err := direction(m, rv, joinPath(kp, rk))
			if err != nil {
				return Order{}, err
			}
			return Order{Relation: r.Name, Count: true, Desc: desc}, nil
		}
		if r.ToMany() {
			return Order{}, unknownArg(m, joinPath(kp, rk), rk, []string{"_count"})
		}
		if nr := r.target.relations[rk]; nr == nil && r.target.fields[rk] == nil {
			return Order{}, unknownArg(m, joinPath(kp, rk), rk, orderOptions(r.target))
		}
		if nr := r.target.relations[rk]; nr != nil {
			ord, err := relOrderFromJSON(r.target, nr, rv, joinPath(kp, rk))
			if err != nil {
				return Order{}, err
			}
			ord.Relation = r.Name + "." + ord.Relation
			return ord, nil
		}
		ord, err := sortFromJSON(r.target, rv, joinPath(kp, rk))
		if err != nil {
			return Order{}, err
		}
		if err := nullsAllowed(r.target, rk, ord, joinPath(kp, rk)); err != nil {
			return Order{}, err
		}
		ord.Relation, ord.Field = r.Name, rk
		return ord, nil
	}
	return Order{}, nil
}

// nullsAllowed refuses nulls first/last on a field that cannot be null,
// as Prisma's orderBy input takes {sort, nulls} for optional fields only.
func nullsAllowed(m *Model, field string, o Order, path string) error {
	if f := m.fields[field]; o.Nulls != NullsDefault && f != nil && !f.Nullable {
		return validationErr(m, path, "Argument `%s`: Invalid value provided. Expected SortOrder, provided Object.", field)
	}
	return nil
}

// sortFromJSON reads the direction of one ordering: "asc", "desc" or
// {"sort": "asc", "nulls": "first" | "last"}.
func sortFromJSON(m *Model, val any, kp string) (Order, error) {
	so, ok := val.(map[string]any)
	if !ok {
		desc, err := direction(m, val, kp)
		return Order{Desc: desc}, err
	}
	desc, err := direction(m, so["sort"], joinPath(kp, "sort"))
	if err != nil {
		return Order{}, err
	}
	ord := Order{Desc: desc}
	switch so["nulls"] {
	case nil:
	case "first":
		ord.Nulls = NullsFirst
	case "last":
		ord.Nulls = NullsLast
	default:
		return Order{}, prismaMsg(m, joinPath(kp, "nulls"), invalidValueMsg("nulls", "", "NullsOrder"))
	}
	for sk := range so {
		if sk != "sort" && sk != "nulls" {
			return Order{}, validationErr(m, joinPath(kp, sk), "unknown key")
		}
	}
	return ord, nil
}

// intFromJSON reads skip or take: an integer, a fraction cut to its
// integer part as Prisma reads take: 1.5 (1), negative or not (a negative
// skip is refused when the query runs, as Prisma's engine refuses it).
func intFromJSON(m *Model, v any, path string) (int, error) {
	n, ok := v.(json.Number)
	if v == nil {
		return 0, prismaMsg(m, path, mustNotBeNull(lastSegment(path)))
	}
	if !ok {
		return 0, prismaMsg(m, path, invalidTypeMsg(lastSegment(path), []string{"Int"}, inferredType(v)))
	}
	i, err := strconv.Atoi(string(n))
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil || math.Abs(f) > 1<<31 {
			return 0, validationErr(m, path, "expects an integer")
		}
		i = int(f)
	}
	if i < -(1<<31) || i > 1<<31 {
		return 0, validationErr(m, path, "expects an integer")
	}
	return i, nil
}

// selectFromJSON reads the entries of a select (scalar fields, relations,
// _count) or an include (relations, _count) into fa.
func selectFromJSON(m *Model, fa *FindArgs, isSelect bool, so map[string]any, path string, depth int) error {
	for _, name := range sortedKeys(so) {
		p := joinPath(path, name)
		val := so[name]
		if name == "_count" {
			cs, err := countFromJSON(m, val, p, depth)
			if err != nil {
				return err
			}
			fa.Count = append(fa.Count, cs...)
			continue
		}
		if r := m.relations[name]; r != nil {
			switch x := val.(type) {
			case bool:
				if x {
					fa.Include = append(fa.Include, Include{Relation: name})
				}
			default:
				if err := toOneArgs(m, r, x, p); err != nil {
					return err
				}
				sub, err := findArgsFromJSON(r.target, x, p, depth+1)
				if err != nil {
					return err
				}
				fa.Include = append(fa.Include, Include{Relation: name, Args: sub})
			}
			continue
		}
		if !isSelect && m.fields[name] != nil {
			return prismaMsg(m, p, "Invalid scalar field `"+name+"` for include statement on model "+m.Name+". "+
				availableOptions+"\nNote that include statements only accept relation fields.")
		}
		if m.fields[name] == nil {
			return prismaMsg(m, p, unknownSelectionMsg(name, isSelect, m.Name))
		}
		b, ok := val.(bool)
		if s, isStr := val.(string); isStr && s != "" {
			// Prisma's client reads a string as the list of its
			// characters, whose first index it does not know.
			return prismaMsg(m, p, "Unknown argument `0`.")
		}
		if !ok {
			return validationErr(m, p, "expects true or false")
		}
		if b {
			fa.Select = append(fa.Select, name)
		}
	}
	return nil
}

// toOneArgs refuses what Prisma's include or select of a to-one relation
// r does not take: it takes its selection (select, include, omit) and,
// when r is optional, where.
func toOneArgs(m *Model, r *Relation, v any, path string) error {
	o, ok := v.(map[string]any)
	if !ok || r.ToMany() {
		return nil
	}
	var opts []string
	if !r.required() {
		opts = []string{"where"}
	}
	for _, k := range sortedKeys(o) {
		if !slices.Contains(opts, k) && !slices.Contains(findSelection, k) {
			return unknownArg(m, joinPath(path, k), k, opts)
		}
	}
	return nil
}

// countFromJSON reads Prisma's _count selection: true (every to-many
// relation) or {"select": {"posts": true | {"where": ...}}}.
func countFromJSON(m *Model, v any, path string, depth int) ([]CountOf, error) {
	var out []CountOf
	switch x := v.(type) {
	case bool:
		if x {
			for _, r := range m.Relations {
				if r.ToMany() {
					out = append(out, CountOf{Relation: r.Name})
				}
			}
		}
		return out, nil
	case map[string]any:
		sel, ok := x["select"].(map[string]any)
		if ok && len(x) == 1 {
			typ := m.Name + "CountOutputType"
			if len(sel) == 0 {
				return nil, prismaMsg(m, joinPath(path, "select"), "The `select` statement for type "+typ+" must not be empty. "+availableOptions)
			}
			if !slices.ContainsFunc(sortedKeys(sel), func(k string) bool { return sel[k] != false }) {
				return nil, prismaMsg(m, joinPath(path, "select"), "The `select` statement for type "+typ+" needs at least one truthy value.")
			}
			for _, rn := range sortedKeys(sel) {
				rp := joinPath(joinPath(path, "select"), rn)
				r := m.relations[rn]
				if r == nil || !r.ToMany() {
					return nil, prismaMsg(m, rp, unknownSelectionMsg(rn, true, m.Name+"CountOutputType"))
				}
				switch y := sel[rn].(type) {
				case bool:
					if y {
						out = append(out, CountOf{Relation: rn})
					}
				case map[string]any:
					co := CountOf{Relation: rn}
					for _, ck := range sortedKeys(y) {
						if ck != "where" {
							return nil, unknownArg(m, joinPath(rp, ck), ck, []string{"where"})
						}
						w, err := whereFromJSON(r.target, y[ck], joinPath(rp, ck), depth+1)
						if err != nil {
							return nil, err
						}
						co.Where = w
					}
					out = append(out, co)
				default:
					return nil, validationErr(m, rp, "expects true or {\"where\": ...}")
				}
			}
			return out, nil
		}
	}
	return nil, validationErr(m, path, `expects true or {"select": {"relation": true}}`)
}

// selectNotEmpty refuses a select that selects nothing, in Prisma's
// words: an empty object, or only false values.
func selectNotEmpty(m *Model, so map[string]any, path string) error {
	if len(so) == 0 {
		return validationErr(m, path, "The `select` statement for type %s must not be empty. Available options are marked with ?.", m.Name)
	}
	for _, v := range so {
		if v != false {
			return nil
		}
	}
	return validationErr(m, path, "The `select` statement for type %s needs at least one truthy value.", m.Name)
}

func findArgsFromJSON(m *Model, v any, path string, depth int) (*FindArgs, error) {
	if depth > maxJSONDepth {
		return nil, validationErr(m, path, "nested too deeply")
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, validationErr(m, path, "expects an object")
	}
	fa := &FindArgs{}
	var err error
	for _, k := range sortedKeys(o) {
		p := joinPath(path, k)
		val := o[k]
		switch k {
		case "where":
			if val == nil {
				return nil, prismaMsg(m, p, mustNotBeNull(k))
			}
			if path != "" {
				// A nested where is a WhereInput: no compound selector.
				if err := noCompound(m, val, p); err != nil {
					return nil, err
				}
			}
			fa.Where, err = whereFromJSON(m, val, p, depth+1)
		case "cursor":
			if c, ok := val.(map[string]any); ok && len(c) == 0 {
				// Prisma's cursor names a unique row: {} names none.
				return nil, prismaMsg(m, p, needsUniqueMsg(m, "cursor"))
			}
			if err := uniqueFieldValues(m, val, p); err != nil {
				return nil, err
			}
			fa.Cursor, err = whereFromJSON(m, val, p, depth+1)
		case "orderBy":
			fa.OrderBy, err = orderFromJSON(m, val, p)
		case "skip":
			fa.Skip, err = intFromJSON(m, val, p)
		case "take":
			fa.Take, err = intFromJSON(m, val, p)
			if err == nil && fa.Take == 0 {
				// take: 0 is no rows in Prisma (Take 0 is no limit here):
				// a condition that matches nothing.
				fa.Where = append(fa.Where, Or(nil))
			}
		case "distinct":
			list, ok := val.([]any)
			if name, one := val.(string); one {
				// Prisma takes one field name alone as well.
				list, ok = []any{name}, true
			}
			if !ok {
				return nil, validationErr(m, p, "expects a list of field names")
			}
			for _, e := range list {
				s, ok := e.(string)
				if !ok || m.fields[s] == nil {
					return nil, prismaMsg(m, p, invalidValueMsg("distinct", "", m.Name+"ScalarFieldEnum"))
				}
				fa.Distinct = append(fa.Distinct, s)
			}
		case "select", "include":
			if val == nil {
				// Prisma reads a null select or include as none given.
				continue
			}
			so, ok := val.(map[string]any)
			if !ok {
				return nil, validationErr(m, p, "expects an object")
			}
			if k == "select" {
				if inc, both := o["include"]; both && inc != nil {
					return nil, prismaMsg(m, p, "Please either use `include` or `select`, but not both at the same time.")
				}
				if om, both := o["omit"]; both && om != nil {
					return nil, prismaMsg(m, p, "Please either use `omit` or `select`, but not both at the same time.")
				}
				fa.Select = []string{}
			}
			if k == "select" {
				if err = selectNotEmpty(m, so, p); err != nil {
					return nil, err
				}
			}
			err = selectFromJSON(m, fa, k == "select", so, p, depth)
		case "omit":
			if val == nil {
				// As select and include: none given.
				continue
			}
			oo, ok := val.(map[string]any)
			if !ok {
				return nil, validationErr(m, p, "expects an object")
			}
			fa.Omit = Omit{}
			for _, f := range sortedKeys(oo) {
				b, ok := oo[f].(bool)
				if m.relations[f] != nil && ok {
					// Prisma takes a relation in omit and leaves the
					// result as it is.
					continue
				}
				if m.fields[f] == nil {
					return nil, prismaMsg(m, joinPath(p, f), "Unknown field `"+f+"` for omit statement on model `"+m.Name+"`. "+availableOptions)
				}
				if !ok {
					return nil, validationErr(m, joinPath(p, f), "expects true or false")
				}
				fa.Omit[f] = b
			}
		case "relationLoadStrategy":
			switch val {
			case nil:
				return nil, prismaMsg(m, p, mustNotBeNull(k))
			case "join":
				fa.Strategy = StrategyJoin
			case "query":
				fa.Strategy = StrategyQuery
			default:
				return nil, prismaMsg(m, p, invalidValueMsg("relationLoadStrategy", "", "RelationLoadStrategy"))
			}
		default:
			return nil, unknownArg(m, p, k, findManyArgs)
		}
		if err != nil {
			return nil, err
		}
	}
	return fa, nil
}

// lastSegment is the last name of a path ("orderBy[0].name": "name").
func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return path
}

// unknownSelectionMsg: a select or include names no field of the output
// type typ.
func unknownSelectionMsg(name string, isSelect bool, typ string) string {
	kind := "include"
	if isSelect {
		kind = "select"
	}
	return "Unknown field `" + name + "` for " + kind + " statement on model `" + typ + "`. " + availableOptions
}
