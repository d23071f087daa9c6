package orm

// FieldRef is Prisma's field reference (prisma.book.fields.price): the
// value of a FieldCond that compares a field with another field of the
// same row instead of a bind parameter, as in
//
//	orm.Gt("pages", orm.Ref("price"))
//
// The referenced column comes from the Model only. Model, when set, is the
// model the field belongs to (Prisma's _container); it must be the model
// being filtered. The operators that take a reference and the types they
// accept are Prisma's: equals, lt, lte, gt, gte, contains, startsWith and
// endsWith take a field of the same type; in and notIn a list field of that
// type; hasSome and hasEvery (on a list) a list of the element type; has a
// field of the element type. Anything else — an unknown field, another
// model's, a field of another type — is Prisma's P2019 input error. not
// takes no reference (in Prisma's client neither): write Not{{Eq(a, Ref(b))}}.
//
// With mode insensitive, equals is ILIKE and contains/startsWith/endsWith
// build their pattern from the referenced value unescaped, as Prisma does:
// % and _ in that value are wildcards.
type FieldRef struct {
	Model string
	Name  string
}

// Ref refers to field name of the model being filtered.
func Ref(name string) FieldRef { return FieldRef{Name: name} }

// fieldRefOf reports whether v is a field reference (a FieldRef or a
// non-nil *FieldRef).
func fieldRefOf(v any) (FieldRef, bool) {
	switch r := v.(type) {
	case FieldRef:
		return r, true
	case *FieldRef:
		if r != nil {
			return *r, true
		}
	}
	return FieldRef{}, false
}

// fieldRefJSON reads Prisma's JSON protocol form of a field reference:
// {"$type": "FieldRef", "value": {"_ref": "price", "_container": "Book"}}.
func fieldRefJSON(v any) (FieldRef, bool) {
	o, ok := v.(map[string]any)
	if !ok || len(o) != 2 || o["$type"] != "FieldRef" {
		return FieldRef{}, false
	}
	in, ok := o["value"].(map[string]any)
	if !ok {
		return FieldRef{}, false
	}
	name, _ := in["_ref"].(string)
	model, _ := in["_container"].(string)
	return FieldRef{Model: model, Name: name}, name != ""
}

// refTypeName is f's type as the query engine's field reference errors
// name it (Int, String[], Kind).
func refTypeName(f *Field) string {
	t := f.Type.String()
	if f.Type == Enum && f.EnumName != "" {
		t = f.EnumName
	}
	if f.List {
		t += "[]"
	}
	return t
}

// refInputErr is Prisma's P2019 for a field reference the query engine
// refuses; op is the model of the operation.
func refInputErr(op *Model, details string) error {
	return &Error{Code: CodeInputError, Model: op.Name, Message: "Input error. " + details}
}

// refField resolves reference r used with operator op on field f of m,
// checked as Prisma's query engine checks it.
func (c *compiler) refField(m *Model, f *Field, op Op, r FieldRef) (*Field, error) {
	root := c.root
	if root == nil {
		root = m
	}
	if r.Model != "" && r.Model != m.Name {
		return nil, refInputErr(root, "Expected a referenced scalar field of model "+m.Name+
			", but found a field of model "+r.Model+".")
	}
	rf := m.fields[r.Name]
	if rf == nil {
		return nil, refInputErr(root, "The referenced scalar field "+m.Name+"."+r.Name+" does not exist.")
	}
	// The list-ness the operator wants of the referenced field.
	wantList := f.List
	switch op {
	case OpIn, OpNotIn:
		wantList = true
	case OpHas:
		wantList = false
	case OpEquals:
		if f.List {
			wantList = !rf.List // never matches: Prisma takes no reference for a list's equals
		}
	}
	if rf.Type != f.Type || rf.EnumName != f.EnumName || rf.List != wantList || f.Type == JSON && op != OpEquals {
		return nil, refInputErr(root, "Expected a referenced scalar field of type "+refTypeName(f)+
			" but found "+m.Name+"."+rf.Name+" of type "+refTypeName(rf)+".")
	}
	return rf, nil
}

// fieldRefCond compiles fc, whose value is the field reference r.
func (c *compiler) fieldRefCond(m *Model, a string, f *Field, fc *FieldCond, r FieldRef, path string) (string, error) {
	switch fc.Op {
	case OpNot, OpIsEmpty, OpSearch:
		return "", validationErr(m, path, "%s takes no field reference", fc.Op)
	}
	rf, err := c.refField(m, f, fc.Op, r)
	if err != nil {
		return "", err
	}
	// The columns as they are, as Prisma's SQL has them (a Time column
	// compared with a timestamptz is PostgreSQL's 42883 there too).
	cl, rc := a+"."+f.qcol, a+"."+rf.qcol
	if s, ok := refCompare(cl, fc.Op, rc, fc.Insensitive); ok {
		return s, nil
	}
	if s, ok := refLike(cl, fc.Op, rc, fc.Insensitive); ok {
		return s, nil
	}
	switch fc.Op {
	case OpHas:
		return cl + " @> ARRAY[" + rc + "]", nil
	case OpHasEvery:
		return cl + " @> " + rc, nil
	case OpHasSome:
		return cl + " && " + rc, nil
	}
	return "", validationErr(m, path, "unknown operator %d", fc.Op)
}

// refIssue is the validation error of Prisma's client for a field
// reference where its input types take none (not, a shorthand equals):
// the reference is read as a filter object whose first key, _ref, is
// unknown.
func refIssue(m *Model, f *Field, path string) error {
	return unknownArg(m, joinPath(path, "_ref"), "_ref", filterOptions(f))
}

// refCompare is e op rc for the comparison operators and in/notIn of a
// list column (fold: mode insensitive, as Prisma's ILIKE and lower());
// ok is false for the others.
func refCompare(e string, op Op, rc string, fold bool) (string, bool) {
	eq, in, notIn := " = ", " = ANY(", " <> ALL("
	if fold {
		eq, in, notIn = " ILIKE ", " ILIKE ANY(", " NOT ILIKE ALL("
	}
	switch op {
	case OpEquals:
		return e + eq + rc, true
	case OpIn:
		return e + in + rc + ")", true
	case OpNotIn:
		return e + notIn + rc + ")", true
	case OpLt, OpLte, OpGt, OpGte:
		if fold {
			e, rc = "lower("+e+")", "lower("+rc+")"
		}
		return e + [...]string{OpLt: " < ", OpLte: " <= ", OpGt: " > ", OpGte: " >= "}[op] + rc, true
	}
	return "", false
}

// refLike is e matched against the value of rc by contains, startsWith
// or endsWith, unescaped as Prisma sends it (fold: ILIKE); ok is false for
// the other operators.
func refLike(e string, op Op, rc string, fold bool) (string, bool) {
	like := " LIKE "
	if fold {
		like = " ILIKE "
	}
	switch op {
	case OpContains:
		return e + like + "('%' || " + rc + " || '%')", true
	case OpStartsWith:
		return e + like + "(" + rc + " || '%')", true
	case OpEndsWith:
		return e + like + "('%' || " + rc + ")", true
	}
	return "", false
}

// refDataErr is Prisma's client validation error for a field reference
// written as the value of field f: a create's field takes a value of its
// type, an update's a value or an operation object whose first key,
// _ref, is unknown.
func refDataErr(m *Model, f *Field, path string, forCreate bool) error {
	if forCreate {
		expected := []string{prismaScalar(f)}
		if f.Nullable {
			expected = append(expected, "Null")
		}
		return prismaMsg(m, path, invalidTypeMsg(f.Name, expected, "FieldRef"))
	}
	ops := []string{"set"}
	switch {
	case f.List:
		ops = append(ops, "push")
	case f.Type.numeric():
		ops = append(ops, "increment", "decrement", "multiply", "divide")
	}
	return unknownArg(m, joinPath(path, "_ref"), "_ref", ops)
}
