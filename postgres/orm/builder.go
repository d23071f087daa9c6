package orm

import "strconv"

// Builder is a Knex-style SELECT builder for reports. Strings given to it
// are identifiers ("users.name" becomes "users"."name"); values only enter
// through Sql fragments and Where helpers, as bind parameters.
type Builder struct {
	sel           []Sql
	from          Sql
	joins         []Sql
	where         []Sql
	group         []Sql
	having        []Sql
	order         []Sql
	limit, offset int
	distinct      bool
	ctes          []Sql
}

// identOrSql turns a string into a dotted identifier and passes Sql through.
func identOrSql(x any) Sql {
	switch v := x.(type) {
	case Sql:
		return v
	case *Model:
		return v.TableSql()
	case string:
		parts := splitDots(v)
		return Ident(parts...)
	}
	return Sql{err: errorf("%T is not an identifier or Sql", x)}
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// As aliases a select item or table: As("users.name", "author").
func As(x any, alias string) Sql { return SQL("? AS ?", identOrSql(x), Ident(alias)) }

// Select starts a builder with select items: strings (identifiers) or Sql
// (raw items such as SQL("COUNT(?) AS comment_count", Ident("comments", "id"))).
func Select(items ...any) *Builder {
	b := &Builder{}
	for _, it := range items {
		b.sel = append(b.sel, identOrSql(it))
	}
	return b
}

// With adds a common table expression: WITH name AS (query).
func (b *Builder) With(name string, query Sql) *Builder {
	b.ctes = append(b.ctes, SQL("? AS (?)", Ident(name), query))
	return b
}

// Distinct makes it SELECT DISTINCT.
func (b *Builder) Distinct() *Builder { b.distinct = true; return b }

// From sets the table: a name, As(name, alias), a *Model or a Sql subquery.
func (b *Builder) From(table any) *Builder { b.from = identOrSql(table); return b }

// Join adds an INNER JOIN; on is a condition such as On("users.id", "posts.authorId").
func (b *Builder) Join(table any, on Sql) *Builder {
	b.joins = append(b.joins, SQL("JOIN ? ON ?", identOrSql(table), on))
	return b
}

// LeftJoin adds a LEFT JOIN.
func (b *Builder) LeftJoin(table any, on Sql) *Builder {
	b.joins = append(b.joins, SQL("LEFT JOIN ? ON ?", identOrSql(table), on))
	return b
}

// On is the condition left = right between two identifiers.
func On(left, right string) Sql { return SQL("? = ?", identOrSql(left), identOrSql(right)) }

// Where adds a condition (ANDed).
func (b *Builder) Where(cond Sql) *Builder { b.where = append(b.where, cond); return b }

// WhereOp adds "column op value" with op one of = <> < <= > >= LIKE ILIKE.
func (b *Builder) WhereOp(column, op string, value any) *Builder {
	switch op {
	case "=", "<>", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE":
		return b.Where(SQL("? "+op+" ?", identOrSql(column), value))
	}
	b.where = append(b.where, Sql{err: errorf("unsupported operator %q", op)})
	return b
}

// GroupBy adds grouping columns.
func (b *Builder) GroupBy(cols ...any) *Builder {
	for _, c := range cols {
		b.group = append(b.group, identOrSql(c))
	}
	return b
}

// Having adds a HAVING condition (ANDed).
func (b *Builder) Having(cond Sql) *Builder { b.having = append(b.having, cond); return b }

// OrderBy adds an ordering item (identifier or Sql); desc sorts descending.
func (b *Builder) OrderBy(item any, desc bool) *Builder {
	s := identOrSql(item)
	if desc {
		s = SQL("? DESC", s)
	}
	b.order = append(b.order, s)
	return b
}

// Limit sets LIMIT (0: none).
func (b *Builder) Limit(n int) *Builder { b.limit = n; return b }

// Offset sets OFFSET.
func (b *Builder) Offset(n int) *Builder { b.offset = n; return b }

// Sql renders the builder as a fragment (usable as a subquery or with QueryRaw).
func (b *Builder) Sql() Sql {
	var parts []Sql
	if len(b.ctes) > 0 {
		parts = append(parts, SQL("WITH ?", Join(b.ctes, ", ")))
	}
	sel := "SELECT"
	if b.distinct {
		sel = "SELECT DISTINCT"
	}
	items := b.sel
	if len(items) == 0 {
		items = []Sql{Raw("*")}
	}
	parts = append(parts, SQL(sel+" ?", Join(items, ", ")))
	if b.from.text != "" || b.from.err != nil || len(b.from.args) > 0 {
		parts = append(parts, SQL("FROM ?", b.from))
	}
	parts = append(parts, b.joins...)
	if len(b.where) > 0 {
		parts = append(parts, SQL("WHERE ?", Join(paren(b.where), " AND ")))
	}
	if len(b.group) > 0 {
		parts = append(parts, SQL("GROUP BY ?", Join(b.group, ", ")))
	}
	if len(b.having) > 0 {
		parts = append(parts, SQL("HAVING ?", Join(paren(b.having), " AND ")))
	}
	if len(b.order) > 0 {
		parts = append(parts, SQL("ORDER BY ?", Join(b.order, ", ")))
	}
	if b.limit > 0 {
		parts = append(parts, Raw("LIMIT "+strconv.Itoa(b.limit)))
	}
	if b.offset > 0 {
		parts = append(parts, Raw("OFFSET "+strconv.Itoa(b.offset)))
	}
	return Join(parts, " ")
}

func paren(conds []Sql) []Sql {
	out := make([]Sql, len(conds))
	for i, c := range conds {
		out[i] = SQL("(?)", c)
	}
	return out
}

func errorf(format string, a ...any) error {
	return &rawErr{msg: sprintf(format, a...)}
}

type rawErr struct{ msg string }

func (e *rawErr) Error() string        { return "orm: malformed SQL fragment: " + e.msg }
func (e *rawErr) Is(target error) bool { return target == ErrRawSQL }
