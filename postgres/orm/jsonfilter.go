package orm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// NullKind is one of Prisma's null values of a Json field: DbNull (the
// column is SQL NULL), JsonNull (the column holds the JSON value null) and,
// in filters only, AnyNull (either).
type NullKind uint8

// Json null values, usable as a filter value (Eq, Ne, JSONCond.Value) and,
// DbNull and JsonNull, as a value in Data.
const (
	DbNull NullKind = iota + 1
	JsonNull
	AnyNull
)

var nullKindNames = [...]string{"", "DbNull", "JsonNull", "AnyNull"}

func (k NullKind) String() string {
	if int(k) < len(nullKindNames) {
		return nullKindNames[k]
	}
	return "NullKind?"
}

// JSONOp is a Json filter operator (Prisma's names in the comments).
type JSONOp uint8

// Json filter operators.
const (
	JSONEquals           JSONOp = iota + 1 // equals: the value (or DbNull, JsonNull, AnyNull)
	JSONNot                                // not: differs from the value
	JSONStringContains                     // string_contains: a JSON string containing the text
	JSONStringStartsWith                   // string_starts_with
	JSONStringEndsWith                     // string_ends_with
	JSONArrayContains                      // array_contains: a JSON array containing the value (@>)
	JSONArrayStartsWith                    // array_starts_with: its first element is the value
	JSONArrayEndsWith                      // array_ends_with: its last element is the value
	JSONLt                                 // lt: a number or string below the value
	JSONLte                                // lte
	JSONGt                                 // gt
	JSONGte                                // gte
)

var jsonOpNames = [...]string{"", "equals", "not", "string_contains", "string_starts_with", "string_ends_with",
	"array_contains", "array_starts_with", "array_ends_with", "lt", "lte", "gt", "gte"}

func (o JSONOp) String() string {
	if int(o) < len(jsonOpNames) {
		return jsonOpNames[o]
	}
	return "jsonop?"
}

// JSONCond is a Json field filter (Prisma's JsonFilter): with a Path the
// operator applies to the value at that path (object keys, or array
// indexes written as numbers), otherwise to the whole value. Value is any
// Go value encoding/json marshals (json.RawMessage is taken as it is), or
// a NullKind for equals and not. Insensitive (mode: "insensitive") makes
// the string_* operators case-insensitive.
type JSONCond struct {
	Field       string
	Path        []string
	Op          JSONOp
	Value       any
	Insensitive bool
}

func (*JSONCond) isCond() {}

// FoldJSON returns a case-insensitive copy of c (mode: "insensitive",
// which applies to the string_* operators).
func FoldJSON(c *JSONCond) *JSONCond {
	cp := *c
	cp.Insensitive = true
	return &cp
}

// JSONPath starts a Json filter on field at path (no path: the whole value).
func JSONPath(field string, path ...string) JSONFilter {
	return JSONFilter{field: field, path: path}
}

// JSONFilter builds JSONConds on one field and path.
type JSONFilter struct {
	field string
	path  []string
}

func (j JSONFilter) cond(op JSONOp, v any) *JSONCond {
	return &JSONCond{Field: j.field, Path: j.path, Op: op, Value: v}
}

// Equals matches a value equal to v (DbNull, JsonNull, AnyNull test nulls).
func (j JSONFilter) Equals(v any) *JSONCond { return j.cond(JSONEquals, v) }

// Not matches a value different from v.
func (j JSONFilter) Not(v any) *JSONCond { return j.cond(JSONNot, v) }

// StringContains matches a JSON string containing s.
func (j JSONFilter) StringContains(s string) *JSONCond { return j.cond(JSONStringContains, s) }

// StringStartsWith matches a JSON string starting with s.
func (j JSONFilter) StringStartsWith(s string) *JSONCond { return j.cond(JSONStringStartsWith, s) }

// StringEndsWith matches a JSON string ending with s.
func (j JSONFilter) StringEndsWith(s string) *JSONCond { return j.cond(JSONStringEndsWith, s) }

// ArrayContains matches a JSON array containing v (jsonb @>: v may be an
// array of elements that must all be present).
func (j JSONFilter) ArrayContains(v any) *JSONCond { return j.cond(JSONArrayContains, v) }

// ArrayStartsWith matches a JSON array whose first element is v.
func (j JSONFilter) ArrayStartsWith(v any) *JSONCond { return j.cond(JSONArrayStartsWith, v) }

// ArrayEndsWith matches a JSON array whose last element is v.
func (j JSONFilter) ArrayEndsWith(v any) *JSONCond { return j.cond(JSONArrayEndsWith, v) }

// Lt matches a number (or string) below v, of v's JSON type.
func (j JSONFilter) Lt(v any) *JSONCond { return j.cond(JSONLt, v) }

// Lte matches a number (or string) at most v.
func (j JSONFilter) Lte(v any) *JSONCond { return j.cond(JSONLte, v) }

// Gt matches a number (or string) above v.
func (j JSONFilter) Gt(v any) *JSONCond { return j.cond(JSONGt, v) }

// Gte matches a number (or string) at least v.
func (j JSONFilter) Gte(v any) *JSONCond { return j.cond(JSONGte, v) }

// jsonText encodes a filter value as JSON text, bound as a parameter and
// cast to jsonb.
func jsonText(v any) (string, error) {
	var text string
	switch x := v.(type) {
	case json.RawMessage:
		if !json.Valid(x) {
			return "", fmt.Errorf("invalid JSON value")
		}
		text = string(x)
	case json.Number:
		if !json.Valid([]byte(x)) {
			return "", fmt.Errorf("invalid JSON number %q", string(x))
		}
		text = string(x)
	case NullKind:
		return "", fmt.Errorf("%s is not a JSON value", x)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return "", fmt.Errorf("cannot encode %T as JSON: %v", v, err)
		}
		text = string(b)
	}
	// PostgreSQL's jsonb has no NUL character.
	if strings.IndexByte(text, 0) >= 0 || strings.Contains(text, `\u0000`) {
		return "", fmt.Errorf("JSON values may not contain NUL characters")
	}
	return text, nil
}

// jsonKind is the JSON type of an encoded value ("number", "string"...).
func jsonKind(text string) string {
	switch t := strings.TrimSpace(text); {
	case t == "":
		return ""
	case t[0] == '"':
		return "string"
	case t[0] == '[':
		return "array"
	case t[0] == '{':
		return "object"
	case t == "true" || t == "false":
		return "boolean"
	case t == "null":
		return "null"
	}
	return "number"
}

// jsonCond compiles a Json filter as Prisma's PostgreSQL SQL does: the
// value at a path is col #> path (jsonb) or col #>> path (text), string and
// array operators also require the JSON type, comparisons require the
// value's type.
func (c *compiler) jsonCond(m *Model, a string, jc *JSONCond, path string) (string, error) {
	f := m.fields[jc.Field]
	bad := func(format string, args ...any) (string, error) {
		return "", validationErr(m, path, format, args...)
	}
	if f == nil {
		return bad("unknown field %s", jc.Field)
	}
	if f.Type != JSON || f.List {
		return bad("%s is not a Json field", jc.Field)
	}
	cl := col(a, f)
	// Without a path Prisma reads the string filters' text as the column
	// cast to text, the JSON encoding: a JSON string keeps its quotes
	// there, so string_starts_with and string_ends_with never match one.
	target, text := cl, cl+"::text"
	if jc.Path != nil {
		for _, p := range jc.Path {
			if strings.IndexByte(p, 0) >= 0 {
				return bad("path elements may not contain NUL bytes")
			}
		}
		p := c.arg(jc.Path)
		target = "(" + cl + " #> " + p + "::text[])"
		text = "(" + cl + " #>> " + p + "::text[])"
	}
	if jc.Insensitive && (jc.Op < JSONStringContains || jc.Op > JSONStringEndsWith) {
		// Prisma's mode applies to the string filters only.
		jc = &JSONCond{Field: jc.Field, Path: jc.Path, Op: jc.Op, Value: jc.Value}
	}
	if r, ok := fieldRefOf(jc.Value); ok {
		return c.jsonRefCond(m, a, f, jc, r, target, text)
	}
	value := func() (string, string, error) {
		s, err := jsonText(jc.Value)
		if err != nil {
			return "", "", validationErr(m, path, "%s: %v", jc.Op, err)
		}
		return c.arg(s) + "::jsonb", jsonKind(s), nil
	}
	switch jc.Op {
	case JSONEquals, JSONNot:
		if k, ok := jc.Value.(NullKind); ok {
			return jsonNull(target, k, jc.Op == JSONNot, m, path)
		}
		if isNil(jc.Value) {
			return bad("%s on a Json field takes DbNull, JsonNull or AnyNull, not nil", jc.Op)
		}
		v, _, err := value()
		if err != nil {
			return "", err
		}
		if jc.Op == JSONNot {
			return target + " <> " + v, nil
		}
		return target + " = " + v, nil
	case JSONStringContains, JSONStringStartsWith, JSONStringEndsWith:
		s, ok := jc.Value.(string)
		if !ok {
			return bad("%s expects a string, got %T", jc.Op, jc.Value)
		}
		if strings.IndexByte(s, 0) >= 0 {
			return bad("strings may not contain NUL bytes")
		}
		pre, post := "%", "%"
		if jc.Op == JSONStringStartsWith {
			pre = ""
		} else if jc.Op == JSONStringEndsWith {
			post = ""
		}
		if jc.Insensitive && jc.Path == nil {
			// Prisma 7 lowers the column itself when no path is given, which
			// PostgreSQL refuses for jsonb (42883, "function lower(jsonb)
			// does not exist", Prisma's P2039): the same statement fails
			// the same way here.
			return "(lower(" + target + ") LIKE lower(" + c.arg(pre+s+post) + "))", nil
		}
		like := " LIKE "
		if jc.Insensitive {
			like = " ILIKE "
		}
		return jsonTyped(text+like+c.arg(pre+s+post), target, "'string'", c.neg), nil
	case JSONArrayContains, JSONArrayStartsWith, JSONArrayEndsWith:
		if _, ok := jc.Value.(NullKind); ok || isNil(jc.Value) {
			return bad("%s expects a JSON value", jc.Op)
		}
		v, _, err := value()
		if err != nil {
			return "", err
		}
		var test string
		switch jc.Op {
		case JSONArrayContains:
			test = target + " @> " + v
		case JSONArrayStartsWith:
			test = "(" + target + " -> 0) = " + v
		default:
			test = "(" + target + " -> -1) = " + v
		}
		return jsonTyped(test, target, "'array'", c.neg), nil
	case JSONLt, JSONLte, JSONGt, JSONGte:
		if _, ok := jc.Value.(NullKind); ok || isNil(jc.Value) {
			return bad("%s expects a number or a string", jc.Op)
		}
		v, kind, err := value()
		if err != nil {
			return "", err
		}
		if kind != "number" && kind != "string" {
			return bad("%s expects a number or a string, got a JSON %s", jc.Op, kind)
		}
		cmp := target + jsonCmp[jc.Op] + v
		return jsonTyped(cmp, target, "'"+kind+"'", c.neg), nil
	}
	return bad("unknown Json operator %d", jc.Op)
}

var jsonCmp = [...]string{JSONLt: " < ", JSONLte: " <= ", JSONGt: " > ", JSONGte: " >= "}

// jsonTyped is test on a Json value target that must also be of the JSON
// type kind (an SQL expression), as Prisma's SQL has it: test AND the type
// is kind, or, under NOT (neg), test OR the type differs, so that a value
// of another type matches neither the filter nor its negation.
func jsonTyped(test, target, kind string, neg bool) string {
	if neg {
		return "(" + test + " OR jsonb_typeof(" + target + ") <> " + kind + ")"
	}
	return "(" + test + " AND jsonb_typeof(" + target + ") = " + kind + ")"
}

// jsonRefCond compiles jc, whose value is the field reference r: the
// string filters take a String field, the others a Json field of the
// model, compared as Prisma's SQL compares them (target is the value at
// jc's path, text its text).
func (c *compiler) jsonRefCond(m *Model, a string, f *Field, jc *JSONCond, r FieldRef, target, text string) (string, error) {
	want := f
	if jc.Op >= JSONStringContains && jc.Op <= JSONStringEndsWith {
		want = &Field{Name: f.Name, Type: String}
	}
	rf, err := c.refField(m, want, OpEquals, r)
	if err != nil {
		return "", err
	}
	rc := a + "." + rf.qcol
	switch jc.Op {
	case JSONEquals:
		return target + " = " + rc, nil
	case JSONNot:
		return target + " <> " + rc, nil
	case JSONStringContains, JSONStringStartsWith, JSONStringEndsWith:
		pattern := [...]string{JSONStringContains: "('%' || " + rc + " || '%')",
			JSONStringStartsWith: "(" + rc + " || '%')", JSONStringEndsWith: "('%' || " + rc + ")"}[jc.Op]
		test := text + " LIKE " + pattern
		if jc.Insensitive {
			// Without a path, lower(jsonb): PostgreSQL's 42883, as in
			// Prisma's SQL.
			if jc.Path == nil {
				text = target
			}
			test = "lower(" + text + ") LIKE lower(" + pattern + ")"
		}
		return jsonTyped(test, target, "'string'", c.neg), nil
	case JSONArrayContains:
		return jsonTyped(target+" @> "+rc, target, "'array'", c.neg), nil
	case JSONArrayStartsWith:
		return jsonTyped("("+target+" -> 0) = "+rc, target, "'array'", c.neg), nil
	case JSONArrayEndsWith:
		return jsonTyped("("+target+" -> -1) = "+rc, target, "'array'", c.neg), nil
	case JSONLt, JSONLte, JSONGt, JSONGte:
		return jsonTyped(target+jsonCmp[jc.Op]+rc, target, "jsonb_typeof("+rc+")", c.neg), nil
	}
	return "", validationErr(m, "", "unknown Json operator %d", jc.Op)
}

// jsonNull compiles equals/not with DbNull, JsonNull or AnyNull.
func jsonNull(target string, k NullKind, not bool, m *Model, path string) (string, error) {
	var s string
	switch k {
	case DbNull:
		s = target + " IS NULL"
		if not {
			s = target + " IS NOT NULL"
		}
	case JsonNull:
		s = target + " = 'null'::jsonb"
		if not {
			s = target + " <> 'null'::jsonb"
		}
	case AnyNull:
		s = "(" + target + " IS NULL OR " + target + " = 'null'::jsonb)"
		if not {
			s = "(" + target + " IS NOT NULL AND " + target + " <> 'null'::jsonb)"
		}
	default:
		return "", validationErr(m, path, "unknown null kind %d", k)
	}
	return s, nil
}

// jsonWriteValue converts a Json field's value in Data: DbNull is SQL
// NULL, JsonNull the JSON value null; AnyNull is for filters only.
func jsonWriteValue(f *Field, v any) (any, bool, error) {
	k, ok := v.(NullKind)
	if !ok {
		return nil, false, nil
	}
	switch k {
	case DbNull:
		return nil, true, nil
	case JsonNull:
		return json.RawMessage("null"), true, nil
	}
	// A filter value (AnyNull), refused in Prisma's words.
	input := "JsonNullValueInput"
	if f.Nullable {
		input = "NullableJsonNullValueInput"
	}
	return nil, true, errors.New(invalidValueMsg(f.Name, "", input))
}
