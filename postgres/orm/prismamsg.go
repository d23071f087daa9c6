package orm

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/polystore/polystore/internal/editdist"
)

// Prisma's validation messages, word for word: the text that ends
// Prisma 7's PrismaClientValidationError after its "Invalid
// `prisma.x.y()` invocation:" header and the rendered arguments
// (applyValidationError.ts of the client's runtime). The names of the
// input types (AuthorWhereUniqueInput, IntNullableFilter...) are those of
// Prisma's schema for a model.

const availableOptions = "Available options are marked with ?."

// maxEditDistance: Prisma suggests no option further than this.
const maxEditDistance = 3

// suggestion is the first option nearest to s, within maxEditDistance.
func suggestion(s string, options []string) string {
	best, out := maxEditDistance+1, ""
	for _, o := range options {
		if d := editdist.Levenshtein(s, o); d < best {
			best, out = d, o
		}
	}
	return out
}

// unknownArgMsg: an argument that is not among options.
func unknownArgMsg(name string, options []string) string {
	parts := []string{"Unknown argument `" + name + "`."}
	if s := suggestion(name, options); s != "" {
		parts = append(parts, "Did you mean `"+s+"`?")
	}
	if len(options) > 0 {
		parts = append(parts, availableOptions)
	}
	return strings.Join(parts, " ")
}

func unknownArg(m *Model, path, name string, options []string) *ValidationError {
	return &ValidationError{Model: modelName(m), Issues: []Issue{{Path: path, Message: unknownArgMsg(name, options)}}}
}

// prismaMsg is a validation error whose message is msg as it stands.
func prismaMsg(m *Model, path, msg string) *ValidationError {
	return &ValidationError{Model: modelName(m), Issues: []Issue{{Path: path, Message: msg}}}
}

func modelName(m *Model) string {
	if m == nil {
		return ""
	}
	return m.Name
}

// joinOr joins items as Prisma does: "a, b or c".
func joinWith(prep string, items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + prep + " " + items[len(items)-1]
}

// invalidTypeMsg: a value of the wrong kind (Prisma's InvalidArgumentType).
func invalidTypeMsg(arg string, expected []string, provided string) string {
	return "Argument `" + arg + "`: Invalid value provided. Expected " + joinWith("or", expected) + ", provided " + provided + "."
}

// invalidValueMsg: a value of the right kind Prisma cannot read
// (InvalidArgumentValue), with the parser's reason when there is one.
func invalidValueMsg(arg, reason string, expected ...string) string {
	s := "Invalid value for argument `" + arg + "`"
	if reason != "" {
		s += ": " + reason
	}
	s += "."
	if len(expected) > 0 {
		s += " Expected " + joinWith("or", expected) + "."
	}
	return s
}

func mustNotBeNull(arg string) string { return "Argument `" + arg + "` must not be null." }
func isMissing(arg string) string     { return "Argument `" + arg + "` is missing." }

// inferredType names a JSON-decoded value as Prisma's errors do: a list
// by its elements, "(String, Int)".
func inferredType(v any) string {
	switch x := v.(type) {
	case nil:
		return "Null"
	case []any:
		names := make([]string, len(x))
		for i, e := range x {
			names[i] = inferredType(e)
		}
		return "(" + strings.Join(names, ", ") + ")"
	case string:
		return "String"
	case bool:
		return "Boolean"
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return "Int"
		}
		return "Float"
	}
	return "Object"
}

// prismaScalar names f's type in Prisma's schema: Int, Boolean, an
// enum's name...
func prismaScalar(f *Field) string {
	if f.Type == Enum {
		return f.EnumName
	}
	return f.Type.String()
}

// filterBase is the stem of f's filter type: Int, Bool, EnumKind.
func filterBase(f *Field) string {
	switch f.Type {
	case Boolean:
		return "Bool"
	case Enum:
		return "Enum" + f.EnumName
	}
	return f.Type.String()
}

// filterTypeName is f's filter input type: IntFilter,
// StringNullableFilter, EnumKindFilter, IntNullableListFilter.
func filterTypeName(f *Field) string {
	switch {
	case f.List:
		return filterBase(f) + "NullableListFilter"
	case f.Nullable:
		return filterBase(f) + "NullableFilter"
	}
	return filterBase(f) + "Filter"
}

// fieldRefName is the field reference input of f's type (IntFieldRefInput).
func fieldRefName(f *Field) string {
	if f.Type == Enum {
		return "Enum" + f.EnumName + "FieldRefInput"
	}
	return f.Type.String() + "FieldRefInput"
}

// filterOptions are the fields of f's filter type, in Prisma's order.
func filterOptions(f *Field) []string {
	if f.List {
		return []string{"equals", "has", "hasEvery", "hasSome", "isEmpty"}
	}
	switch f.Type {
	case Boolean:
		return []string{"equals", "not"}
	case Enum, Bytes:
		return []string{"equals", "in", "notIn", "not"}
	case String:
		return []string{"equals", "in", "notIn", "lt", "lte", "gt", "gte", "contains", "startsWith", "endsWith", "mode", "not"}
	case JSON:
		return []string{"equals", "path", "mode", "string_contains", "string_starts_with", "string_ends_with",
			"array_starts_with", "array_ends_with", "array_contains", "lt", "lte", "gt", "gte", "not"}
	}
	return []string{"equals", "in", "notIn", "lt", "lte", "gt", "gte", "not"}
}

// whereOptions are the fields of m's WhereInput: AND, OR, NOT, then the
// fields and relations.
func whereOptions(m *Model) []string {
	out := []string{"AND", "OR", "NOT"}
	for _, f := range m.Fields {
		out = append(out, f.Name)
	}
	for _, r := range m.Relations {
		out = append(out, r.Name)
	}
	return out
}

// uniqueSelectors names m's unique selectors as its WhereUniqueInput
// does: the primary key (compound ones by their fields joined with "_"),
// then the unique fields and sets.
func uniqueSelectors(m *Model) []string {
	var out []string
	if len(m.PrimaryKey) > 0 {
		out = append(out, strings.Join(m.PrimaryKey, "_"))
	}
	for _, u := range m.Uniques {
		out = append(out, strings.Join(u.Fields, "_"))
	}
	return out
}

// needsUniqueMsg: a where (or cursor) of a unique read or write names no
// unique selector of m.
func needsUniqueMsg(m *Model, arg string) string {
	sel := uniqueSelectors(m)
	quoted := make([]string, len(sel))
	for i, s := range sel {
		quoted[i] = "`" + s + "`"
	}
	return "Argument `" + arg + "` of type " + m.Name + "WhereUniqueInput needs at least one of " +
		joinWith("or", quoted) + " arguments. " + availableOptions
}

// orderOptions are the fields of m's OrderByWithRelationInput.
func orderOptions(m *Model) []string {
	out := make([]string, 0, len(m.Fields)+len(m.Relations))
	for _, f := range m.Fields {
		out = append(out, f.Name)
	}
	for _, r := range m.Relations {
		out = append(out, r.Name)
	}
	return out
}

// checkJSONValue checks a value given to f in a filter of Prisma's JSON
// protocol, as Prisma's query validation does: arg is the argument that
// holds it (the field itself for a direct value, else the operator), op
// what it is given to ("" for a direct value, "in" and "notIn" take a
// list, "has" an element, other operators a value).
func checkJSONValue(m *Model, f *Field, arg, op string, v any, path string) error {
	if f.Type == JSON {
		return nil
	}
	list := op == "in" || op == "notIn" || op == "hasEvery" || op == "hasSome" || (f.List && op == "equals")
	if op == "isEmpty" {
		if _, ok := v.(bool); !ok {
			return prismaMsg(m, path, invalidTypeMsg(arg, []string{"Boolean"}, inferredType(v)))
		}
		return nil
	}
	if op == "search" {
		return nil
	}
	// Null is a value of the field itself, of equals, not, in and notIn
	// when the field is optional, and of a list's has and equals.
	nullable := f.Nullable && (op == "" || op == "equals" || op == "not" || op == "in" || op == "notIn") ||
		op == "has" || (f.List && op == "equals")
	if v == nil {
		if nullable {
			return nil
		}
		return prismaMsg(m, path, mustNotBeNull(arg))
	}
	expected := func() []string {
		t := prismaScalar(f)
		var ex []string
		switch {
		case op == "":
			ex = []string{filterTypeName(f), t}
		case op == "not":
			// not takes a value or a nested filter, and no field reference.
			ex = []string{t, "Nested" + filterTypeName(f)}
		case list:
			ex = []string{t + "[]", "List" + fieldRefName(f)}
		default:
			ex = []string{t, fieldRefName(f)}
		}
		if nullable {
			ex = append(ex, "Null")
		}
		return ex
	}
	if list {
		items, ok := v.([]any)
		if !ok {
			return prismaMsg(m, path, invalidTypeMsg(arg, expected(), inferredType(v)))
		}
		for _, e := range items {
			if e == nil {
				// A null in the list: Prisma offers what else the
				// argument takes.
				return prismaMsg(m, path, invalidTypeMsg(arg, expected()[1:], inferredType(v)))
			}
			if bad := checkScalarKind(f, e); bad != "" {
				// Prisma then names the element's type, not the list's.
				ex := expected()
				ex[0] = prismaScalar(f)
				return prismaMsg(m, path, invalidTypeMsg(arg, ex, inferredType(v)))
			}
			if err := checkScalarContent(m, f, arg, e, path); err != nil {
				return err
			}
		}
		return nil
	}
	if bad := checkScalarKind(f, v); bad != "" {
		return prismaMsg(m, path, invalidTypeMsg(arg, expected(), bad))
	}
	return checkScalarContent(m, f, arg, v, path)
}

// checkScalarKind returns the inferred type of v when a value of f's type
// cannot be of that kind ("" when it can).
func checkScalarKind(f *Field, v any) string {
	ok := false
	switch x := v.(type) {
	case string:
		switch f.Type {
		case String, BigInt, Decimal, DateTime, Bytes, Enum:
			ok = true
		}
	case json.Number:
		switch f.Type {
		case Int, Float, Decimal:
			ok = true
		case BigInt:
			// An integer, even one past the type's range (which the
			// database refuses: P2020).
			ok = inferredType(x) == "Int" || strings.Trim(strings.TrimPrefix(string(x), "-"), "0123456789") == ""
		}
	case bool:
		ok = f.Type == Boolean
	case []any, map[string]any:
	default:
		// A typed value of Prisma's JSON protocol, already read.
		ok = true
	}
	if ok {
		return ""
	}
	return inferredType(v)
}

// checkScalarContent checks the text of a string given to a BigInt,
// Decimal, DateTime, Bytes or enum field, with Prisma's reasons.
func checkScalarContent(m *Model, f *Field, arg string, v any, path string) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if msg := scalarContentMsg(f, arg, s); msg != "" {
		return prismaMsg(m, path, msg)
	}
	return nil
}

// scalarContentMsg is Prisma's message for text s given to argument arg
// of field f (a BigInt, Decimal, DateTime, Bytes or enum field) that does
// not read as a value of its type, "" when it reads.
func scalarContentMsg(f *Field, arg, s string) string {
	switch f.Type {
	case BigInt:
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return invalidValueMsg(arg, rustIntError(s), "big integer String")
		}
	case Decimal:
		if !decimalText(s) {
			return invalidValueMsg(arg, "invalid digit found in string", "decimal String")
		}
	case DateTime:
		reason := rfc3339Error(s)
		if _, err := time.Parse(time.RFC3339Nano, s); reason == "" && err != nil {
			// Well formed, but no date (month 13, February 30).
			reason = "input is out of range"
		}
		if reason != "" {
			return invalidValueMsg(arg, reason, "ISO-8601 DateTime")
		}
	case Bytes:
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			return invalidValueMsg(arg, "Could not convert from `base64 encoded bytes` to `PrismaValue::Bytes`", "base64 String")
		}
	case Enum:
		if len(f.EnumValues) > 0 && !slices.Contains(f.EnumValues, s) {
			return invalidValueMsg(arg, "", f.EnumName)
		}
	}
	return ""
}

// rustIntError is the reason Rust's integer parsing gives for s.
func rustIntError(s string) string {
	if s == "" {
		return "cannot parse integer from empty string"
	}
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if digits != "" && strings.Trim(digits, "0123456789") == "" {
		if strings.HasPrefix(s, "-") {
			return "number too small to fit in target type"
		}
		return "number too large to fit in target type"
	}
	return "invalid digit found in string"
}

// decimalText reports whether s reads as a decimal number.
func decimalText(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	if hasExp {
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "-"), "+")
		if exp == "" || strings.Trim(exp, "0123456789") != "" {
			return false
		}
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole+frac == "" {
		return false
	}
	return strings.Trim(whole+frac, "0123456789") == ""
}

// rfc3339Error is the reason an RFC 3339 date-time parser that reads its
// input left to right (Rust's chrono) gives for s, "" when s reads:
// "premature end of input" when s stops early, "input contains invalid
// characters" at the first character that does not fit, "trailing input"
// after a complete date-time.
func rfc3339Error(s string) string {
	const invalid, short = "input contains invalid characters", "premature end of input"
	i := 0
	digits := func(n int) string {
		for k := 0; k < n; k++ {
			if i >= len(s) {
				return short
			}
			if s[i] < '0' || s[i] > '9' {
				return invalid
			}
			i++
		}
		return ""
	}
	lit := func(set string) string {
		if i >= len(s) {
			return short
		}
		if !strings.ContainsRune(set, rune(s[i])) {
			return invalid
		}
		i++
		return ""
	}
	steps := []func() string{
		func() string { return digits(4) }, func() string { return lit("-") },
		func() string { return digits(2) }, func() string { return lit("-") },
		func() string { return digits(2) }, func() string { return lit("Tt ") },
		func() string { return digits(2) }, func() string { return lit(":") },
		func() string { return digits(2) }, func() string { return lit(":") },
		func() string { return digits(2) },
	}
	for _, st := range steps {
		if r := st(); r != "" {
			return r
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		if n == 0 {
			if i >= len(s) {
				return short
			}
			return invalid
		}
	}
	if i >= len(s) {
		return short
	}
	switch s[i] {
	case 'Z', 'z':
		i++
	case '+', '-':
		i++
		for _, st := range []func() string{func() string { return digits(2) }, func() string { return lit(":") }, func() string { return digits(2) }} {
			if r := st(); r != "" {
				return r
			}
		}
	default:
		return invalid
	}
	if i < len(s) {
		return "trailing input"
	}
	return ""
}
