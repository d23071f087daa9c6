package orm

import (
	"strconv"
	"strings"
)

// compiler turns structured queries into SQL text and bind arguments.
// Identifiers come only from the Model; every value becomes $n.
type compiler struct {
	args []any
	n    int
	// scope gives the extensions' conditions on rows reached through a
	// relation (nil: none).
	scope func(m *Model) Where
	// exact is set while compiling an expression whose NULL and FALSE
	// results differ (under NOT, every or isNot, before a WHERE or an EXISTS
	// folds NULL into FALSE): there to-one relation filters give Prisma's
	// three-valued result instead of an EXISTS.
	exact bool
	// neg is set under an odd number of NOTs (and in every), where Prisma
	// writes some Json comparisons in their reversed form.
	neg bool
	// rec notes where each bind parameter comes from while a shape is
	// recorded for the statement cache (nil otherwise); src is the source
	// of the next one.
	rec *shapeRecorder
	src argSrc
	// root is the model of the outermost relation filter, the operation's
	// model that Prisma's input errors name (nil: the model at hand).
	root *Model
}

// under compiles f with the exact state set to v.
func (c *compiler) under(v bool, f func() (string, error)) (string, error) {
	saved := c.exact
	c.exact = v
	s, err := f()
	c.exact = saved
	return s, err
}

// scopeCond compiles the scope of m over alias a (" AND ..." or "").
func (c *compiler) scopeCond(m *Model, a, path string) (string, error) {
	if c.scope == nil {
		return "", nil
	}
	w := c.scope(m)
	if len(w) == 0 {
		return "", nil
	}
	s, err := c.where(m, a, w, path)
	if err != nil {
		return "", err
	}
	return " AND " + s, nil
}

func (c *compiler) arg(v any) string {
	if c.args == nil {
		c.args = make([]any, 0, 4)
	}
	c.args = append(c.args, v)
	if c.rec != nil {
		c.note()
	}
	return placeholder(len(c.args))
}

var placeholders = func() []string {
	p := make([]string, 65)
	for i := range p {
		p[i] = "$" + strconv.Itoa(i)
	}
	return p
}()

func placeholder(n int) string {
	if n < len(placeholders) {
		return placeholders[n]
	}
	return "$" + strconv.Itoa(n)
}

func (c *compiler) alias(prefix string) string {
	c.n++
	return prefix + strconv.Itoa(c.n)
}

func col(a string, f *Field) string { return a + "." + f.qcol }

// selCol is the expression a query selects for f: the column, except for
// @db.Time columns, read as a DateTime on 1970-01-01 in UTC as Prisma
// returns them; a DateTime column of more than millisecond precision
// (timestamp(6), time(6)) is read cut to the millisecond, as Prisma reads
// it into a JavaScript Date.
func selCol(a string, f *Field) string {
	cl := f.qcol
	if a != "" {
		cl = a + "." + cl
	}
	if f.Type != DateTime || f.List {
		return cl
	}
	switch f.clock {
	case clockTime:
		cl = "('1970-01-01'::date + " + cl + ")"
	case clockTimeTZ:
		cl = "('1970-01-01'::date + (" + cl + " AT TIME ZONE 'UTC')::time)"
	}
	if timePrecision(f.DBType) > 3 {
		cl = "date_trunc('milliseconds', " + cl + ")"
	}
	return cl
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// where compiles w against m's alias a into a boolean SQL expression.
func (c *compiler) where(m *Model, a string, w Where, path string) (string, error) {
	if len(w) == 0 {
		return "TRUE", nil
	}
	parts := make([]string, 0, len(w))
	for _, cond := range w {
		s, err := c.cond(m, a, cond, path)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

func (c *compiler) cond(m *Model, a string, cond Cond, path string) (string, error) {
	switch x := cond.(type) {
	case *FieldCond:
		if x == nil {
			return "", validationErr(m, path, "nil condition")
		}
		return c.fieldCond(m, a, x, joinPath(path, x.Field))
	case *RelCond:
		if x == nil {
			return "", validationErr(m, path, "nil condition")
		}
		return c.relCond(m, a, x, joinPath(path, x.Relation))
	case *JSONCond:
		if x == nil {
			return "", validationErr(m, path, "nil condition")
		}
		return c.jsonCond(m, a, x, joinPath(path, x.Field))
	case And:
		return c.group(m, a, []Where(x), " AND ", "", joinPath(path, "AND"))
	case Or:
		// As Prisma's engine, an empty member of OR or NOT is left out:
		// OR: [{}] matches nothing, NOT: [{}] every row.
		ws := nonEmpty(x)
		if len(ws) == 0 {
			return "FALSE", nil
		}
		return c.group(m, a, ws, " OR ", "", joinPath(path, "OR"))
	case Not:
		return c.group(m, a, nonEmpty(x), " AND ", "NOT ", joinPath(path, "NOT"))
	case *joinedTo:
		jt := c.alias("jt")
		return "EXISTS (SELECT 1 FROM " + quoteIdent(x.r.JoinTable.Table) + " " + jt + " WHERE " + jt + "." +
			quoteIdent(x.r.JoinTable.Column) + " = " + c.arg(x.key) + " AND " + jt + "." +
			quoteIdent(x.r.JoinTable.TargetColumn) + " = " + col(a, x.r.foreign[0]) + ")", nil
	case nil:
		return "", validationErr(m, path, "nil condition")
	}
	return "", validationErr(m, path, "unsupported condition %T", cond)
}

// nonEmpty is ws without its empty members.
func nonEmpty(ws []Where) []Where {
	for i, w := range ws {
		if len(w) == 0 {
			out := append([]Where{}, ws[:i]...)
			for _, w := range ws[i+1:] {
				if len(w) > 0 {
					out = append(out, w)
				}
			}
			return out
		}
	}
	return ws
}

func (c *compiler) group(m *Model, a string, ws []Where, sep, neg, path string) (string, error) {
	if len(ws) == 0 {
		return "TRUE", nil
	}
	parts := make([]string, len(ws))
	for i, w := range ws {
		p := path + "[" + strconv.Itoa(i) + "]"
		var s string
		var err error
		if neg != "" {
			// Three-valued, as Prisma's SQL: NOT NULL is NULL, so NOT
			// {name: "Bob"} leaves out rows whose name is NULL.
			c.neg = !c.neg
			s, err = c.under(true, func() (string, error) { return c.where(m, a, w, p) })
			c.neg = !c.neg
			s = "NOT (" + s + ")"
		} else {
			s, err = c.where(m, a, w, p)
		}
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	return "(" + strings.Join(parts, sep) + ")", nil
}

func (c *compiler) fieldCond(m *Model, a string, fc *FieldCond, path string) (string, error) {
	f := m.fields[fc.Field]
	if f == nil {
		if m.relations[fc.Field] != nil {
			return "", validationErr(m, path, "%s is a relation; use a relation filter", fc.Field)
		}
		return "", validationErr(m, path, "unknown field %s", fc.Field)
	}
	cl := col(a, f)
	bad := func(format string, args ...any) (string, error) {
		return "", validationErr(m, path, format, args...)
	}
	if fc.Insensitive && f.Type != String {
		return bad("mode insensitive applies to String fields only")
	}
	if r, ok := fieldRefOf(fc.Value); ok {
		return c.fieldRefCond(m, a, f, fc, r, path)
	}
	value := func() (string, error) {
		if f.List {
			v, err := coerceList(f, fc.Value)
			if err != nil {
				return "", valueErr(m, path, err)
			}
			c.from(argSrc{kind: slotList, fc: fc, f: f})
			return c.arg(v), nil
		}
		v, err := coerce(f, fc.Value)
		if err != nil {
			return "", valueErr(m, path, err)
		}
		if v == nil {
			return "", validationErr(m, path, "%s does not accept null", fc.Op)
		}
		c.from(argSrc{kind: slotValue, fc: fc, f: f})
		return c.arg(v), nil
	}
	pattern := func(pre, post string) (string, error) {
		s, ok := fc.Value.(string)
		if !ok {
			return "", validationErr(m, path, "%s expects a string, got %T", fc.Op, fc.Value)
		}
		if strings.IndexByte(s, 0) >= 0 {
			return "", validationErr(m, path, "strings may not contain NUL bytes")
		}
		c.from(argSrc{kind: slotPattern, fc: fc, pre: pre, post: post})
		// Prisma sends the text as it is: % and _ in it are LIKE
		// wildcards there, so they are here.
		return c.arg(pre + s + post), nil
	}
	like := " LIKE "
	if fc.Insensitive {
		like = " ILIKE "
	}
	if f.Type == JSON && !f.List && (fc.Op == OpEquals || fc.Op == OpNot) && !isNil(fc.Value) {
		op := JSONEquals
		if fc.Op == OpNot {
			op = JSONNot
		}
		return c.jsonCond(m, a, &JSONCond{Field: fc.Field, Op: op, Value: fc.Value}, path)
	}
	switch fc.Op {
	case OpEquals, OpNot:
		if isNil(fc.Value) {
			if fc.Op == OpEquals {
				return cl + " IS NULL", nil
			}
			return cl + " IS NOT NULL", nil
		}
		if fc.Insensitive {
			p, err := pattern("", "")
			if err != nil {
				return "", err
			}
			if fc.Op == OpNot {
				return cl + " NOT ILIKE " + p, nil
			}
			return cl + " ILIKE " + p, nil
		}
		p, err := value()
		if err != nil {
			return "", err
		}
		if fc.Op == OpNot {
			return cl + " <> " + p, nil
		}
		return cl + " = " + p, nil
	case OpIn, OpNotIn:
		if f.List {
			return bad("%s does not apply to list fields", fc.Op)
		}
		v, err := coerceList(f, fc.Value)
		if err != nil {
			return "", valueErr(m, path, err)
		}
		c.from(argSrc{kind: slotList, fc: fc, f: f})
		if fc.Insensitive {
			// Prisma: LOWER(col) IN (LOWER($1), ...).
			lowered := "ARRAY(SELECT lower(x) FROM unnest(" + c.arg(v) + "::text[]) x)"
			if fc.Op == OpIn {
				return "lower(" + cl + ") = ANY(" + lowered + ")", nil
			}
			return "lower(" + cl + ") <> ALL(" + lowered + ")", nil
		}
		if fc.Op == OpIn {
			return cl + " = ANY(" + c.arg(v) + ")", nil
		}
		return cl + " <> ALL(" + c.arg(v) + ")", nil
	case OpLt, OpLte, OpGt, OpGte:
		if f.List || f.Type == JSON || f.Type == Bytes || f.Type == Boolean {
			return bad("%s does not apply to %s fields", fc.Op, f.Type)
		}
		p, err := value()
		if err != nil {
			return "", err
		}
		cmp := [...]string{OpLt: " < ", OpLte: " <= ", OpGt: " > ", OpGte: " >= "}[fc.Op]
		if fc.Insensitive {
			// Prisma: LOWER(col) > LOWER($1).
			return "lower(" + cl + ")" + cmp + "lower(" + p + "::text)", nil
		}
		return cl + cmp + p, nil
	case OpContains, OpStartsWith, OpEndsWith:
		if f.Type != String || f.List {
			return bad("%s applies to String fields only", fc.Op)
		}
		pre, post := "%", "%"
		if fc.Op == OpStartsWith {
			pre = ""
		} else if fc.Op == OpEndsWith {
			post = ""
		}
		p, err := pattern(pre, post)
		if err != nil {
			return "", err
		}
		return cl + like + p, nil
	case OpSearch:
		if f.Type != String || f.List {
			return bad("search applies to String fields only")
		}
		q, ok := fc.Value.(string)
		if !ok {
			return bad("search expects a string, got %T", fc.Value)
		}
		if strings.IndexByte(q, 0) >= 0 {
			return bad("strings may not contain NUL bytes")
		}
		// Prisma's SQL. A query PostgreSQL cannot parse fails with SQLSTATE
		// 42601, P2039 as Prisma's statement fails.
		return "to_tsvector(concat_ws(' ', " + cl + ")) @@ to_tsquery(" + c.arg(q) + ")", nil
	case OpHas, OpHasEvery, OpHasSome, OpIsEmpty:
		if !f.List {
			return bad("%s applies to list fields only", fc.Op)
		}
		switch fc.Op {
		case OpHas:
			// Prisma's list @> ARRAY[v]: NULL for a NULL list.
			if isNil(fc.Value) {
				// list @> ARRAY[NULL]: never true (an array holding NULL
				// contains nothing), NULL for a NULL list.
				return "(" + cl + " IS NULL AND NULL)", nil
			}
			v, err := coerceList(f, []any{fc.Value})
			if err != nil {
				return "", valueErr(m, path, err)
			}
			return cl + " @> " + c.arg(v), nil
		case OpIsEmpty:
			b, ok := fc.Value.(bool)
			if !ok {
				return bad("isEmpty expects a bool, got %T", fc.Value)
			}
			// Prisma compares with '{}': a NULL list is neither empty nor
			// non-empty.
			if b {
				return "cardinality(" + cl + ") = 0", nil
			}
			return "cardinality(" + cl + ") <> 0", nil
		}
		p, err := value()
		if err != nil {
			return "", err
		}
		if fc.Op == OpHasEvery {
			return cl + " @> " + p, nil
		}
		return cl + " && " + p, nil
	}
	return bad("unknown operator %d", fc.Op)
}

// relSource returns the FROM clause for relation r's target under alias ch
// and the condition linking it to the parent alias p (scope included).
func (c *compiler) relSource(r *Relation, p, ch, path string) (from, on string, err error) {
	t := r.target
	if r.Kind == ManyToMany {
		jt := c.alias("jt")
		from = t.qtable + " " + ch + " JOIN " + quoteIdent(r.JoinTable.Table) + " " + jt +
			" ON " + jt + "." + quoteIdent(r.JoinTable.TargetColumn) + " = " + col(ch, r.foreign[0])
		on = jt + "." + quoteIdent(r.JoinTable.Column) + " = " + col(p, r.local[0])
	} else {
		parts := make([]string, len(r.local))
		for i := range r.local {
			parts[i] = col(ch, r.foreign[i]) + " = " + col(p, r.local[i])
		}
		from, on = t.qtable+" "+ch, strings.Join(parts, " AND ")
	}
	sc, err := c.scopeCond(t, ch, path)
	if err != nil {
		return "", "", err
	}
	return from, on + sc, nil
}

// parentKeyExpr is the child-side expression equal to the parent's
// r.local[0] (single-column links).
func (c *compiler) relSourceKeyed(r *Relation, ch string) (from, key string) {
	t := r.target
	if r.Kind == ManyToMany {
		jt := c.alias("jt")
		from = t.qtable + " " + ch + " JOIN " + quoteIdent(r.JoinTable.Table) + " " + jt +
			" ON " + jt + "." + quoteIdent(r.JoinTable.TargetColumn) + " = " + col(ch, r.foreign[0])
		return from, jt + "." + quoteIdent(r.JoinTable.Column)
	}
	return t.qtable + " " + ch, col(ch, r.foreign[0])
}

func (c *compiler) relCond(m *Model, a string, rc *RelCond, path string) (string, error) {
	if c.root == nil {
		c.root = m
	}
	r := m.relations[rc.Relation]
	if r == nil {
		if m.fields[rc.Relation] != nil {
			return "", validationErr(m, path, "%s is a scalar field, not a relation", rc.Relation)
		}
		return "", validationErr(m, path, "unknown relation %s", rc.Relation)
	}
	switch rc.Op {
	case Some, Every, None:
		if !r.ToMany() {
			return "", validationErr(m, path, "%s applies to to-many relations; use is/isNot", rc.Op)
		}
	case Is, IsNot:
		if r.ToMany() {
			return "", validationErr(m, path, "%s applies to to-one relations; use some/every/none", rc.Op)
		}
	default:
		return "", validationErr(m, path, "unknown relation operator %d", rc.Op)
	}
	ch := c.alias("r")
	from, on, err := c.relSource(r, a, ch, path)
	if err != nil {
		return "", err
	}
	if rc.Where == nil && (rc.Op == Is || rc.Op == IsNot) {
		ex := "EXISTS (SELECT 1 FROM " + from + " WHERE " + on + ")"
		if rc.Op == Is {
			return "NOT " + ex, nil
		}
		return ex, nil
	}
	wpath := joinPath(path, rc.Op.String())
	if (rc.Op == Is || rc.Op == IsNot) && c.exact {
		// Where NULL and FALSE differ, Prisma joins the related row and
		// tests (w AND it exists) for is, (NOT w OR it is absent) for isNot.
		// Exactly one row comes out of the LEFT JOIN.
		inner, err := c.where(r.target, ch, rc.Where, wpath)
		if err != nil {
			return "", err
		}
		pkNull := make([]string, len(r.target.pk))
		for i, f := range r.target.pk {
			pkNull[i] = col(ch, f) + " IS NULL"
		}
		var test string
		if rc.Op == Is {
			test = "(" + inner + ") AND NOT (" + strings.Join(pkNull, " OR ") + ")"
		} else {
			test = "NOT (" + inner + ") OR (" + strings.Join(pkNull, " AND ") + ")"
		}
		return "(SELECT " + test + " FROM (SELECT 1) " + c.alias("one") + " LEFT JOIN " + from + " ON " + on + ")", nil
	}
	// Every (NOT w) and isNot (w IS NOT FALSE) tell NULL from FALSE in w;
	// some, none and is only keep rows where w is TRUE.
	if rc.Op == Every {
		c.neg = !c.neg
	}
	w, err := c.under(rc.Op == Every || rc.Op == IsNot, func() (string, error) {
		return c.where(r.target, ch, rc.Where, wpath)
	})
	if rc.Op == Every {
		c.neg = !c.neg
	}
	if err != nil {
		return "", err
	}
	switch rc.Op {
	case Some, Is:
		return "EXISTS (SELECT 1 FROM " + from + " WHERE " + on + " AND " + w + ")", nil
	case None:
		return "NOT EXISTS (SELECT 1 FROM " + from + " WHERE " + on + " AND " + w + ")", nil
	case IsNot:
		// Not negated: true when the related row is absent or w is FALSE.
		return "NOT EXISTS (SELECT 1 FROM " + from + " WHERE " + on + " AND (" + w + ") IS NOT FALSE)", nil
	default: // Every
		return "NOT EXISTS (SELECT 1 FROM " + from + " WHERE " + on + " AND NOT (" + w + "))", nil
	}
}

// orderBy compiles orders into "expr ASC NULLS LAST, ..." ("" if none).
func (c *compiler) orderBy(m *Model, a string, orders []Order, path string) (string, error) {
	if len(orders) == 0 {
		return "", nil
	}
	parts := make([]string, len(orders))
	for i, o := range orders {
		p := path + "[" + strconv.Itoa(i) + "]"
		expr, err := c.orderExpr(m, a, o, p)
		if err != nil {
			return "", err
		}
		if o.Desc {
			expr += " DESC"
		} else {
			expr += " ASC"
		}
		switch o.Nulls {
		case NullsFirst:
			expr += " NULLS FIRST"
		case NullsLast:
			expr += " NULLS LAST"
		case NullsDefault:
		default:
			return "", validationErr(m, p, "unknown nulls placement %d", o.Nulls)
		}
		parts[i] = expr
	}
	return strings.Join(parts, ", "), nil
}

func (c *compiler) orderExpr(m *Model, a string, o Order, path string) (string, error) {
	if o.Relevance != nil {
		return c.relevanceExpr(m, a, o.Relevance, path)
	}
	if o.Relation == "" {
		if o.Count {
			return "", validationErr(m, path, "_count ordering needs a relation")
		}
		f := m.fields[o.Field]
		if f == nil {
			return "", validationErr(m, path, "unknown field %q", o.Field)
		}
		// A Json field orders by jsonb's own order, as Prisma's
		// ORDER BY on the column.
		return col(a, f), nil
	}
	name, rest, nested := strings.Cut(o.Relation, ".")
	r := m.relations[name]
	if r == nil {
		return "", validationErr(m, path, "unknown relation %q", name)
	}
	ch := c.alias("o")
	from, on, err := c.relSource(r, a, ch, path)
	if err != nil {
		return "", err
	}
	if nested {
		// Prisma's orderBy through to-one relations, {user: {profile:
		// {bio: "asc"}}}: the value of the last one's row, NULL when a
		// relation has no row.
		if r.ToMany() {
			return "", validationErr(m, path, "order by a to-many relation needs _count")
		}
		inner := o
		inner.Relation = rest
		expr, err := c.orderExpr(r.target, ch, inner, joinPath(path, name))
		if err != nil {
			return "", err
		}
		expr = "(SELECT " + expr + " FROM " + from + " WHERE " + on + " LIMIT 1)"
		if o.Count {
			// No related row counts 0, as in Prisma's join.
			expr = "COALESCE(" + expr + ", 0)"
		}
		return expr, nil
	}
	if o.Count {
		if !r.ToMany() {
			return "", validationErr(m, path, "_count ordering needs a to-many relation")
		}
		return "(SELECT count(*) FROM " + from + " WHERE " + on + ")", nil
	}
	if r.ToMany() {
		return "", validationErr(m, path, "order by a to-many relation needs _count")
	}
	f := r.target.fields[o.Field]
	if f == nil || f.Type == JSON {
		return "", validationErr(m, path, "unknown or unorderable field %q of %s", o.Field, r.target.Name)
	}
	return "(SELECT " + col(ch, f) + " FROM " + from + " WHERE " + on + " LIMIT 1)", nil
}

// relevanceExpr compiles Prisma's _relevance ordering: ts_rank over the
// String fields of m read as one text. No fields leaves concat_ws without
// its arguments, the statement PostgreSQL refuses for Prisma too.
func (c *compiler) relevanceExpr(m *Model, a string, r *Relevance, path string) (string, error) {
	cols := make([]string, len(r.Fields))
	for i, n := range r.Fields {
		f := m.fields[n]
		if f == nil || f.Type != String || f.List {
			return "", prismaMsg(m, joinPath(path, "_relevance.fields"), invalidValueMsg("fields", "", m.Name+"OrderByRelevanceFieldEnum"))
		}
		cols[i] = col(a, f)
	}
	if strings.IndexByte(r.Search, 0) >= 0 {
		return "", validationErr(m, joinPath(path, "_relevance.search"), "strings may not contain NUL bytes")
	}
	return "ts_rank(to_tsvector(concat_ws(' ', " + strings.Join(cols, ", ") + ")), to_tsquery(" + c.arg(r.Search) + "))", nil
}

// cursorCond compiles the condition selecting the cursor row and the rows
// after it in the order of orders, the primary key breaking ties (Prisma's
// cursor: the list starts at the cursor row). NULLs sit where the ordering
// puts them. When the cursor row does not exist the condition is false, as
// Prisma returns nothing then.
func (c *compiler) cursorCond(m *Model, a string, cursor Where, orders []Order, path string) (string, error) {
	return c.cursorBound(m, a, cursor, orders, path, true)
}

// cursorBound is cursorCond with or without the primary key as the last
// key. Without it (tieBreak false, and orders naming a field) it keeps the
// rows whose ordering values do not come before the cursor row's, ties
// included: the rows Prisma reads from the database before it applies
// distinct and then starts the list at the cursor row.
func (c *compiler) cursorBound(m *Model, a string, cursor Where, orders []Order, path string, tieBreak bool) (string, error) {
	// A key is an ordering: a field of m, or (rel set) a value through a
	// to-one relation or a relation count, whose expression is
	// compiled for the outer row (alias a) and for the cursor row.
	type key struct {
		f          *Field
		rel        *Order
		desc       bool
		nullsFirst bool
	}
	var keys []key
	seen := map[*Field]bool{}
	for i, o := range orders {
		if !o.isField() {
			// Prisma compares the cursor row's related value (or count)
			// as it compares a field's.
			o := o
			keys = append(keys, key{rel: &o, desc: o.Desc, nullsFirst: o.Nulls == NullsFirst || (o.Nulls == NullsDefault && o.Desc)})
			continue
		}
		f := m.fields[o.Field]
		if f == nil {
			return "", validationErr(m, path+".orderBy["+strconv.Itoa(i)+"]", "unknown field %q", o.Field)
		}
		if !seen[f] {
			seen[f] = true
			keys = append(keys, key{f: f, desc: o.Desc, nullsFirst: o.Nulls == NullsFirst || (o.Nulls == NullsDefault && o.Desc)})
		}
	}
	if tieBreak || len(keys) == 0 {
		for _, f := range m.pk {
			if !seen[f] {
				keys = append(keys, key{f: f})
			}
		}
	}
	if err := checkUnique(m, cursor, path+".cursor"); err != nil {
		return "", err
	}
	for _, cond := range cursor {
		if _, rel := cond.(*RelCond); rel {
			// Prisma's query engine fails on a relation filter in a
			// cursor (a PrismaClientUnknownRequestError).
			return "", &Error{Model: m.Name, Err: ErrEngine, Message: "a cursor cannot hold a relation filter"}
		}
	}
	ca := c.alias("cur")
	cw, err := c.where(m, ca, cursor, path+".cursor")
	if err != nil {
		return "", err
	}
	// outer, cur and nullable per key: its value for the row (alias a)
	// and for the cursor row, and whether it can be NULL.
	outer := make([]string, len(keys))
	cur := make([]string, len(keys))
	nullable := make([]bool, len(keys))
	for i, k := range keys {
		if k.f != nil {
			outer[i], nullable[i] = col(a, k.f), k.f.Nullable
			cur[i] = "(SELECT " + col(ca, k.f) + " FROM " + m.qtable + " " + ca + " WHERE " + cw + ")"
			continue
		}
		p := path + ".orderBy[" + strconv.Itoa(i) + "]"
		if outer[i], err = c.orderExpr(m, a, *k.rel, p); err != nil {
			return "", err
		}
		e, err := c.orderExpr(m, ca, *k.rel, p)
		if err != nil {
			return "", err
		}
		cur[i], nullable[i] = "(SELECT "+e+" FROM "+m.qtable+" "+ca+" WHERE "+cw+")", !k.rel.Count && k.rel.Relevance == nil
	}
	eq := func(i int) string {
		if nullable[i] {
			return outer[i] + " IS NOT DISTINCT FROM " + cur[i]
		}
		return outer[i] + " = " + cur[i]
	}
	after := func(i int) string {
		op := " > "
		if keys[i].desc {
			op = " < "
		}
		cmp := outer[i] + op + cur[i]
		if !nullable[i] {
			return cmp
		}
		if keys[i].nullsFirst {
			return "(" + outer[i] + " IS NOT NULL AND (" + cur[i] + " IS NULL OR " + cmp + "))"
		}
		return "(" + cur[i] + " IS NOT NULL AND (" + outer[i] + " IS NULL OR " + cmp + "))"
	}
	var ors []string
	for i := range keys {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, eq(j))
		}
		ands = append(ands, after(i))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	var all []string
	for i := range keys {
		all = append(all, eq(i))
	}
	ors = append(ors, "("+strings.Join(all, " AND ")+")")
	// Without a cursor row nothing is selected (IS NULL tests on its
	// missing values would otherwise hold).
	return "(EXISTS (SELECT 1 FROM " + m.qtable + " " + ca + " WHERE " + cw + ") AND (" + strings.Join(ors, " OR ") + "))", nil
}

// checkUnique verifies that w contains, at its top level, equality
// conditions covering the primary key or a unique set.
func checkUnique(m *Model, w Where, path string) error {
	has := func(name string) bool {
		for _, c := range w {
			if fc, ok := c.(*FieldCond); ok && fc != nil && fc.Field == name && fc.Op == OpEquals && !fc.Insensitive && !isNil(fc.Value) {
				// A field reference selects no single row.
				if _, ref := fieldRefOf(fc.Value); !ref {
					return true
				}
			}
		}
		return false
	}
	if coversUnique(m, has) {
		return nil
	}
	// A unique set given in full with a null part: Prisma's compound
	// selector takes no null.
	isNull := func(name string) bool {
		for _, c := range w {
			if fc, ok := c.(*FieldCond); ok && fc != nil && fc.Field == name && fc.Op == OpEquals && isNil(fc.Value) {
				return true
			}
		}
		return false
	}
	for _, set := range uniqueSets(m) {
		var null string
		full := true
		for _, f := range set {
			switch {
			case has(f):
			case isNull(f) && null == "":
				null = f
			default:
				full = false
			}
		}
		if full && null != "" {
			return prismaMsg(m, joinPath(path, null), mustNotBeNull(null))
		}
	}
	return prismaMsg(m, path, needsUniqueMsg(m, lastSegment(path)))
}

// coversUnique reports whether has holds for every field of m's primary
// key or of one of its unique sets.
func coversUnique(m *Model, has func(field string) bool) bool {
	covers := func(fields []string) bool {
		for _, f := range fields {
			if !has(f) {
				return false
			}
		}
		return len(fields) > 0
	}
	if covers(m.PrimaryKey) {
		return true
	}
	for _, u := range m.Uniques {
		if covers(u.Fields) {
			return true
		}
	}
	return false
}

// limitOffset renders LIMIT/OFFSET with bind parameters, so statements
// differing only in paging share one prepared statement.
func (c *compiler) limitOffset(take, skip int) string { return c.page(take, skip, nil) }

// paging is limitOffset of a find level, noting fa as the source of the
// bind parameters for the statement cache.
func (c *compiler) paging(fa *FindArgs) string { return c.page(fa.Take, fa.Skip, fa) }

func (c *compiler) page(take, skip int, fa *FindArgs) string {
	s := ""
	if take > 0 {
		if fa != nil {
			c.from(argSrc{kind: slotTake, fa: fa})
		}
		s += " LIMIT " + c.arg(int64(take))
	}
	if skip > 0 {
		if fa != nil {
			c.from(argSrc{kind: slotSkip, fa: fa})
		}
		s += " OFFSET " + c.arg(int64(skip))
	}
	return s
}

func checkPaging(m *Model, a *FindArgs, path string) error {
	if a.Take < 0 {
		return validationErr(m, joinPath(path, "take"), "negative take is not supported here")
	}
	if a.Skip < 0 {
		return negativeSkip(m, a.Skip)
	}
	return nil
}

// filterClause compiles where, cursor and distinct of one level into a
// single boolean expression over alias a.
func (c *compiler) filterClause(m *Model, a string, fa *FindArgs, path string) (string, error) {
	w, err := c.where(m, a, fa.Where, joinPath(path, "where"))
	if err != nil {
		return "", err
	}
	if fa.Cursor != nil {
		cc, err := c.cursorCond(m, a, fa.Cursor, fa.OrderBy, path)
		if err != nil {
			return "", err
		}
		w += " AND " + cc
	}
	if len(fa.Distinct) > 0 {
		if len(m.pk) == 0 {
			return "", validationErr(m, joinPath(path, "distinct"), "distinct needs a primary key")
		}
		// pkCols lists the row's primary key columns; pkOf is the key,
		// one column or a row of them (a compound @@id).
		pkCols := func(a string) string {
			cols := make([]string, len(m.pk))
			for i, f := range m.pk {
				cols[i] = col(a, f)
			}
			return strings.Join(cols, ", ")
		}
		pkOf := func(a string) string {
			if len(m.pk) == 1 {
				return pkCols(a)
			}
			return "(" + pkCols(a) + ")"
		}
		distinct := func() (string, error) {
			da := c.alias("d")
			var dcols []string
			for _, n := range fa.Distinct {
				f := m.fields[n]
				if f == nil {
					return "", validationErr(m, joinPath(path, "distinct"), "unknown field %q", n)
				}
				dcols = append(dcols, col(da, f))
			}
			dw, err := c.where(m, da, fa.Where, joinPath(path, "where"))
			if err != nil {
				return "", err
			}
			if fa.Cursor != nil {
				// As Prisma: distinct applies to the rows read from the
				// cursor's ordering values on (ties before the cursor row
				// included); the list then starts at the cursor row.
				cb, err := c.cursorBound(m, da, fa.Cursor, fa.OrderBy, path, false)
				if err != nil {
					return "", err
				}
				dw += " AND " + cb
			}
			ob, err := c.stableOrder(m, da, fa.OrderBy, joinPath(path, "orderBy"))
			if err != nil {
				return "", err
			}
			return "SELECT DISTINCT ON (" + strings.Join(dcols, ", ") + ") " + pkCols(da) + " FROM " + m.qtable + " " + da +
				" WHERE " + dw + " ORDER BY " + strings.Join(dcols, ", ") + ", " + ob, nil
		}
		kept, err := distinct()
		if err != nil {
			return "", err
		}
		w += " AND " + pkOf(a) + " IN (" + kept + ")"
		if fa.Cursor != nil {
			// A cursor row that distinct drops starts no list (the same
			// subquery text, so the same bind parameters).
			ca := c.alias("cd")
			cw, err := c.where(m, ca, fa.Cursor, joinPath(path, "cursor"))
			if err != nil {
				return "", err
			}
			w += " AND EXISTS (SELECT 1 FROM " + m.qtable + " " + ca + " WHERE " + cw + " AND " + pkOf(ca) + " IN (" + kept + "))"
		}
	}
	return w, nil
}

// jsonValue is the expression of a field inside json_build_object, chosen
// so that encoding/json decodes it into the generated Go type.
func jsonValue(a string, f *Field) string {
	cl := col(a, f)
	switch f.Type {
	case DateTime:
		if f.List {
			return cl
		}
		// RFC 3339 in UTC with a Z, as pgx returns timestamps at the top level.
		db := strings.ToLower(f.DBType)
		if f.clock != 0 {
			cl = selCol(a, f)
		} else if strings.Contains(db, "tz") || strings.Contains(db, "with time zone") {
			cl = "(" + cl + " AT TIME ZONE 'UTC')"
		}
		return "to_char(" + cl + `, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
	case Bytes:
		if f.List {
			return cl
		}
		return "encode(" + cl + ", 'base64')"
	}
	return cl
}

// buildObject assembles json_build_object from name/expr pairs, chunked
// under PostgreSQL's 100-argument limit.
func buildObject(pairs []string) string {
	const maxPairs = 50
	if len(pairs)/2 <= maxPairs {
		return "json_build_object(" + strings.Join(pairs, ", ") + ")"
	}
	var chunks []string
	for i := 0; i < len(pairs); i += 2 * maxPairs {
		j := min(i+2*maxPairs, len(pairs))
		chunks = append(chunks, "jsonb_build_object("+strings.Join(pairs[i:j], ", ")+")")
	}
	return "(" + strings.Join(chunks, " || ") + ")::json"
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// selectedFields resolves Select (nil: all scalar fields) plus extra
// fields that must be loaded.
func selectedFields(m *Model, sel []string, extra []*Field, path string) ([]*Field, error) {
	if sel == nil {
		return m.Fields, nil
	}
	out := make([]*Field, 0, len(sel)+len(extra))
	seen := make(map[*Field]bool, len(sel))
	for _, n := range sel {
		f := m.fields[n]
		if f == nil {
			return nil, validationErr(m, joinPath(path, "select"), "unknown field %q", n)
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, f := range extra {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// countObject compiles the _count selection of alias a ("" if none).
func (c *compiler) countObject(m *Model, a string, counts []CountOf, path string) (string, error) {
	if len(counts) == 0 {
		return "", nil
	}
	pairs := make([]string, 0, 2*len(counts))
	for _, co := range counts {
		r := m.relations[co.Relation]
		if r == nil || !r.ToMany() {
			return "", validationErr(m, joinPath(path, "_count"), "%q is not a to-many relation", co.Relation)
		}
		ch := c.alias("c")
		from, on, err := c.relSource(r, a, ch, joinPath(path, "_count."+co.Relation))
		if err != nil {
			return "", err
		}
		w, err := c.where(r.target, ch, co.Where, joinPath(path, "_count."+co.Relation))
		if err != nil {
			return "", err
		}
		pairs = append(pairs, sqlString(r.Name), "(SELECT count(*) FROM "+from+" WHERE "+on+" AND "+w+")")
	}
	return buildObject(pairs), nil
}

// linkFields are the fields of m that included relations need.
func linkFields(m *Model, incs []Include) []*Field {
	var out []*Field
	for _, in := range incs {
		if r := m.relations[in.Relation]; r != nil {
			out = append(out, r.local...)
		}
	}
	return out
}

// jsonRelation compiles an included relation of parent alias p as a
// LATERAL join (join strategy) and returns the join clause and the alias
// holding column r.
func (c *compiler) jsonRelation(m *Model, p string, in Include, path string) (join, alias string, err error) {
	r := m.relations[in.Relation]
	if r == nil {
		return "", "", validationErr(m, path, "unknown relation %q", in.Relation)
	}
	fa := in.Args
	if fa == nil {
		fa = &FindArgs{}
	}
	fa = distinctOrder(fa)
	backward := fa.Take < 0
	fa = forward(r.target, fa)
	if err := checkPaging(r.target, fa, path); err != nil {
		return "", "", err
	}
	if !r.ToMany() && (perParent(fa) || fa.Take != 0 || fa.Skip != 0) {
		return "", "", validationErr(m, path, "distinct, cursor, skip and take apply to to-many relations")
	}
	ch := c.alias("t")
	from, on, err := c.relSource(r, p, ch, path)
	if err != nil {
		return "", "", err
	}
	obj, laterals, err := c.jsonLevel(r.target, ch, fa, path)
	if err != nil {
		return "", "", err
	}
	filter, err := c.where(r.target, ch, fa.Where, joinPath(path, "where"))
	if err != nil {
		return "", "", err
	}
	j := c.alias("j")
	var inner string
	switch {
	case !r.ToMany():
		inner = "SELECT " + obj + " AS r FROM " + from + laterals + " WHERE " + on + " AND " + filter + " LIMIT 1"
	case perParent(fa) || backward:
		// One parent's list: distinct, cursor, skip and take by position
		// (read backwards for a negative take, then put back in order).
		rows, err := c.pagedRows(r.target, ch, from, on+" AND "+filter, "", fa, path)
		if err != nil {
			return "", "", err
		}
		inner = "SELECT COALESCE(json_agg(" + obj + " ORDER BY " + ch + `."__rn"` + desc(backward) + `), '[]'::json) AS r FROM (` +
			rows + ") " + ch + laterals
	case fa.Take > 0 || fa.Skip > 0:
		ob, err := c.stableOrder(r.target, ch, fa.OrderBy, joinPath(path, "orderBy"))
		if err != nil {
			return "", "", err
		}
		agg := "json_agg(" + obj
		if ob != "" {
			agg += " ORDER BY " + ob
		}
		agg += ")"
		sub := "SELECT " + ch + ".* FROM " + from + " WHERE " + on + " AND " + filter
		if ob != "" {
			sub += " ORDER BY " + ob
		}
		sub += c.paging(fa)
		inner = "SELECT COALESCE(" + agg + ", '[]'::json) AS r FROM (" + sub + ") " + ch + laterals
	default:
		ob, err := c.nestedOrder(r.target, ch, fa.OrderBy, joinPath(path, "orderBy"))
		if err != nil {
			return "", "", err
		}
		agg := "json_agg(" + obj
		if ob != "" {
			agg += " ORDER BY " + ob
		}
		agg += ")"
		inner = "SELECT COALESCE(" + agg + ", '[]'::json) AS r FROM " + from + laterals + " WHERE " + on + " AND " + filter
	}
	return " LEFT JOIN LATERAL (" + inner + ") " + j + " ON TRUE", j, nil
}

// jsonLevel compiles the JSON object of one nested level and the LATERAL
// joins its includes need.
func (c *compiler) jsonLevel(m *Model, a string, fa *FindArgs, path string) (obj, laterals string, err error) {
	fields, err := selectedFields(m, fa.Select, nil, path)
	if err != nil {
		return "", "", err
	}
	pairs := make([]string, 0, 2*(len(fields)+len(fa.Include)+1))
	for _, f := range fields {
		pairs = append(pairs, sqlString(f.Name), jsonValue(a, f))
	}
	var lb strings.Builder
	for _, in := range fa.Include {
		join, j, err := c.jsonRelation(m, a, in, joinPath(path, "include."+in.Relation))
		if err != nil {
			return "", "", err
		}
		lb.WriteString(join)
		pairs = append(pairs, sqlString(in.Relation), j+".r")
	}
	cnt, err := c.countObject(m, a, fa.Count, path)
	if err != nil {
		return "", "", err
	}
	if cnt != "" {
		pairs = append(pairs, "'_count'", cnt)
	}
	return buildObject(pairs), lb.String(), nil
}

// topSelect compiles a top-level find. With join set, included relations
// are LATERAL json columns; otherwise only link fields are added and the
// caller loads relations level by level. It returns the SQL and the
// column names (field names, relation names, "_count").
func (c *compiler) topSelect(m *Model, fa *FindArgs, join bool) (string, []string, error) {
	if err := checkPaging(m, fa, ""); err != nil {
		return "", nil, err
	}
	const a = "t0"
	fields, err := selectedFields(m, fa.Select, linkFields(m, fa.Include), "")
	if err != nil {
		return "", nil, err
	}
	if len(fields) == 0 {
		// A select of only relations or _count: the primary key still
		// heads the row (Prisma's answer holds just what was selected).
		fields = m.pk
	}
	cols := make([]string, 0, len(fields)+len(fa.Include)+1)
	var sb strings.Builder
	sb.Grow(256)
	sb.WriteString("SELECT ")
	for i, f := range fields {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(selCol(a, f))
		cols = append(cols, f.Name)
	}
	filter, err := c.filterClause(m, a, fa, "")
	if err != nil {
		return "", nil, err
	}
	ob, err := c.orderBy(m, a, fa.OrderBy, "orderBy")
	if err != nil {
		return "", nil, err
	}
	var laterals strings.Builder
	if join {
		for _, in := range fa.Include {
			jn, j, err := c.jsonRelation(m, a, in, "include."+in.Relation)
			if err != nil {
				return "", nil, err
			}
			laterals.WriteString(jn)
			sb.WriteString(", " + j + ".r")
			cols = append(cols, in.Relation)
		}
	} else {
		for _, in := range fa.Include {
			if m.relations[in.Relation] == nil {
				return "", nil, validationErr(m, "include."+in.Relation, "unknown relation %q", in.Relation)
			}
		}
	}
	cnt, err := c.countObject(m, a, fa.Count, "")
	if err != nil {
		return "", nil, err
	}
	if cnt != "" {
		sb.WriteString(", " + cnt)
		cols = append(cols, "_count")
	}
	sb.WriteString(" FROM ")
	if laterals.Len() > 0 && (fa.Take > 0 || fa.Skip > 0) {
		// Limit first, then join the relations of the remaining rows only.
		sb.WriteString("(SELECT " + a + ".* FROM " + m.qtable + " " + a + " WHERE " + filter)
		if ob != "" {
			sb.WriteString(" ORDER BY " + ob)
		}
		sb.WriteString(c.paging(fa) + ") " + a + laterals.String())
		if ob != "" {
			sb.WriteString(" ORDER BY " + ob)
		}
		return sb.String(), cols, nil
	}
	sb.WriteString(m.qtable)
	sb.WriteString(" " + a)
	sb.WriteString(laterals.String())
	sb.WriteString(" WHERE ")
	sb.WriteString(filter)
	if ob != "" {
		sb.WriteString(" ORDER BY ")
		sb.WriteString(ob)
	}
	if fa.Take > 0 || fa.Skip > 0 {
		sb.WriteString(c.paging(fa))
	}
	return sb.String(), cols, nil
}

// childSelect compiles one relation level of the query strategy: the rows
// of r's target linked to any of the parent keys ($1), each with a
// "__parent" column, per-parent skip/take applied with row_number().
func (c *compiler) childSelect(r *Relation, fa *FindArgs, keys any, path string) (string, []string, error) {
	t := r.target
	if len(r.local) != 1 {
		return "", nil, validationErr(r.model, path, "composite relation keys need StrategyJoin")
	}
	backward := fa.Take < 0
	fa = forward(t, fa)
	if err := checkPaging(t, fa, path); err != nil {
		return "", nil, err
	}
	if !r.ToMany() && (perParent(fa) || fa.Take != 0 || fa.Skip != 0) {
		return "", nil, validationErr(r.model, path, "distinct, cursor, skip and take apply to to-many relations")
	}
	c.from(argSrc{kind: slotKeys})
	kp := c.arg(keys)
	ch := c.alias("t")
	from, key := c.relSourceKeyed(r, ch)
	fields, err := selectedFields(t, fa.Select, linkFields(t, fa.Include), path)
	if err != nil {
		return "", nil, err
	}
	cols := make([]string, 0, len(fields)+2)
	var sel strings.Builder
	for _, f := range fields {
		sel.WriteString(selCol(ch, f) + " AS " + quoteIdent(f.Name) + ", ")
		cols = append(cols, f.Name)
	}
	cnt, err := c.countObject(t, ch, fa.Count, path)
	if err != nil {
		return "", nil, err
	}
	if cnt != "" {
		sel.WriteString(cnt + ` AS "_count", `)
		cols = append(cols, "_count")
	}
	cols = append(cols, "__parent")
	w, err := c.where(t, ch, fa.Where, joinPath(path, "where"))
	if err != nil {
		return "", nil, err
	}
	sc, err := c.scopeCond(t, ch, path)
	if err != nil {
		return "", nil, err
	}
	cond := key + " = ANY(" + kp + ") AND " + w + sc
	if fa.Take == 0 && fa.Skip == 0 && !perParent(fa) {
		ob, err := c.nestedOrder(t, ch, fa.OrderBy, joinPath(path, "orderBy"))
		if err != nil {
			return "", nil, err
		}
		q := "SELECT " + sel.String() + key + ` AS "__parent" FROM ` + from + " WHERE " + cond
		if ob != "" {
			q += " ORDER BY " + ob
		}
		return q, cols, nil
	}
	// Per-parent positions: distinct, cursor, skip and take apply to each
	// parent's list, as Prisma applies them.
	rows, err := c.pagedRows(t, ch, from, cond, key, fa, path)
	if err != nil {
		return "", nil, err
	}
	q := "SELECT " + sel.String() + ch + `."__parent" FROM (` + rows + ") " + ch +
		" ORDER BY " + ch + `."__parent", ` + ch + `."__rn"` + desc(backward)
	return q, cols, nil
}

// desc is " DESC" when set.
func desc(set bool) string {
	if set {
		return " DESC"
	}
	return ""
}

func itoa(i int) string { return strconv.Itoa(i) }

// uniqueSets are m's primary key and unique field sets.
func uniqueSets(m *Model) [][]string {
	var out [][]string
	if len(m.PrimaryKey) > 0 {
		out = append(out, m.PrimaryKey)
	}
	for _, u := range m.Uniques {
		out = append(out, u.Fields)
	}
	return out
}
