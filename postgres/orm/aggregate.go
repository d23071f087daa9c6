package orm

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Count returns the number of rows matching args (nil: all rows).
func Count(ctx context.Context, db DB, m *Model, args *CountArgs) (int64, error) {
	if args == nil {
		args = &CountArgs{}
	}
	if args.Select != nil {
		return 0, validationErr(m, "select", "Count returns one number: count per field with CountSelect")
	}
	return countOp(ctx, db, m, ActionCount, args)
}

// CountSelect counts per field of args.Select, as Prisma's
// count({select: {_all: true, name: true}}) does: the result maps "_all"
// to the number of rows and each field to its non-null values.
func CountSelect(ctx context.Context, db DB, m *Model, args *CountArgs) (map[string]int64, error) {
	if args == nil || args.Select == nil {
		return nil, validationErr(m, "select", "CountSelect needs Select (\"_all\" or field names)")
	}
	res, err := run(ctx, db, &Operation{Model: m, Action: ActionCount, Args: args})
	if err != nil {
		return nil, err
	}
	return asResult[map[string]int64](ActionCount, res)
}

// Aggregate computes _count, _sum, _avg, _min and _max over the matching rows.
func Aggregate(ctx context.Context, db DB, m *Model, args *AggregateArgs) (*AggregateResult, error) {
	if args == nil {
		// As Prisma's aggregate({}): nothing to compute.
		return nil, emptyAggregate(m)
	}
	res, err := run(ctx, db, &Operation{Model: m, Action: ActionAggregate, Args: args})
	if err != nil {
		return nil, err
	}
	return asResult[*AggregateResult](ActionAggregate, res)
}

// GroupBy groups the matching rows by args.By and computes aggregates per
// group, filtered by Having.
func GroupBy(ctx context.Context, db DB, m *Model, args *GroupByArgs) ([]Group, error) {
	if args == nil {
		// As Prisma's groupBy({}).
		return nil, prismaMsg(m, "by", isMissing("by"))
	}
	res, err := run(ctx, db, &Operation{Model: m, Action: ActionGroupBy, Args: args})
	if err != nil {
		return nil, err
	}
	return asResult[[]Group](ActionGroupBy, res)
}

func (h *handle) count(ctx context.Context, m *Model, a *CountArgs) (any, error) {
	if a.Select != nil {
		return h.countSelect(ctx, m, a)
	}
	c := h.compiler()
	from, err := c.aggregateFrom(m, &FindArgs{Where: a.Where, OrderBy: a.OrderBy, Cursor: a.Cursor, Skip: a.Skip, Take: a.Take}, "1")
	if err != nil {
		return nil, err
	}
	sql := "SELECT count(*) FROM " + from
	var n int64
	err = h.read(ctx, func(q querier) error {
		return h.query(ctx, q, m, ActionCount, sql, c.args, func(rows pgx.Rows) error { return rows.Scan(&n) })
	})
	return n, err
}

// countSelect counts the rows ("_all") and the non-null values of the
// fields of a.Select.
func (h *handle) countSelect(ctx context.Context, m *Model, a *CountArgs) (map[string]int64, error) {
	if len(a.Select) == 0 {
		return nil, prismaMsg(m, "select", "The `select` statement for type "+aggOutputType(m, AggCount)+" must not be empty. "+availableOptions)
	}
	all := false
	var fields []string
	for _, n := range a.Select {
		if n == "_all" {
			all = true
			continue
		}
		if m.fields[n] == nil {
			return nil, aggSelectErr(m, AggCount, n, "select."+n)
		}
		fields = append(fields, n)
	}
	res, err := h.aggregate(ctx, m, &AggregateArgs{Where: a.Where, OrderBy: a.OrderBy, Cursor: a.Cursor, Skip: a.Skip, Take: a.Take,
		Count: all, CountFields: fields})
	if err != nil {
		return nil, err
	}
	r := res.(*AggregateResult)
	out := make(map[string]int64, len(a.Select))
	if all {
		out["_all"] = r.Count
	}
	for _, f := range fields {
		out[f] = r.CountFields[f]
	}
	return out, nil
}

// aggregateFrom compiles the rows a count or an aggregate reads, as the
// FROM clause of alias t0: the rows matching fa.Where, or with a cursor,
// skip or take the page of them a find would return (cols: the columns the
// page keeps, "1" or "t0.*"). A negative take is the rows before the
// cursor, or the last rows, as many as a positive one.
func (c *compiler) aggregateFrom(m *Model, fa *FindArgs, cols string) (string, error) {
	if fa.Skip < 0 {
		return "", negativeSkip(m, fa.Skip)
	}
	if fa.Cursor != nil && !stableOrder(m, fa.OrderBy) {
		return "", cursorOrderErr(m)
	}
	if fa.Take < 0 {
		fa = reverseArgs(m, fa)
	}
	if fa.Cursor == nil && fa.Take == 0 && fa.Skip == 0 {
		w, err := c.where(m, "t0", fa.Where, "where")
		if err != nil {
			return "", err
		}
		return m.qtable + " t0 WHERE " + w, nil
	}
	filter, err := c.filterClause(m, "t0", fa, "")
	if err != nil {
		return "", err
	}
	ob, err := c.orderBy(m, "t0", fa.OrderBy, "orderBy")
	if err != nil {
		return "", err
	}
	inner := "SELECT " + cols + " FROM " + m.qtable + " t0 WHERE " + filter
	if ob != "" {
		inner += " ORDER BY " + ob
	}
	return "(" + inner + c.limitOffset(fa.Take, fa.Skip) + ") t0", nil
}

// stableOrder reports whether a cursor can page an aggregate in this
// order: none (the primary key's) or one holding every field of the
// primary key or of a unique set, as Prisma requires.
func stableOrder(m *Model, order []Order) bool {
	if len(order) == 0 {
		return true
	}
	has := map[string]bool{}
	for _, o := range order {
		if o.isField() {
			has[o.Field] = true
		}
	}
	return coversUnique(m, func(f string) bool { return has[f] })
}

type aggCol struct {
	fn    AggFunc
	field string // "" for count(*)
}

// aggOK reports whether Prisma's schema offers aggregate fn of field f:
// _count of any scalar field, _sum and _avg of number fields (lists
// too, which the database then refuses), _min and _max of any field but
// lists and Json.
func aggOK(f *Field, fn AggFunc) bool {
	switch fn {
	case AggSum, AggAvg:
		return f.Type.numeric()
	case AggMin, AggMax:
		return !f.List && f.Type != JSON
	}
	return true
}

// aggFields are the fields of m whose aggregate fn Prisma's schema
// offers, in m's order.
func aggFields(m *Model, fn AggFunc) []string {
	var out []string
	for _, f := range m.Fields {
		if aggOK(f, fn) {
			out = append(out, f.Name)
		}
	}
	return out
}

// aggOutputType is the output type of aggregate fn of m in Prisma's
// schema: BookSumAggregateOutputType.
func aggOutputType(m *Model, fn AggFunc) string {
	name := strings.TrimPrefix(fn.String(), "_")
	return m.Name + strings.ToUpper(name[:1]) + name[1:] + "AggregateOutputType"
}

// aggSelectErr: a _count, _sum, _avg, _min or _max of an aggregate or a
// groupBy names a field its output type does not have.
func aggSelectErr(m *Model, fn AggFunc, field, path string) error {
	return prismaMsg(m, path, unknownSelectionMsg(field, true, aggOutputType(m, fn)))
}

// aggExpr compiles an aggregate of a field over alias a; bad makes the
// error for a field the aggregate does not take (Prisma words it by
// where the aggregate stands: a selection, an ordering, a having).
func aggExpr(m *Model, a string, fn AggFunc, field string, bad func() error) (string, error) {
	if fn == AggCount && (field == "" || field == "_all") {
		return "count(*)", nil
	}
	f := m.fields[field]
	if f == nil || !aggOK(f, fn) {
		return "", bad()
	}
	cl := col(a, f)
	switch fn {
	case AggCount:
		return "count(" + cl + ")", nil
	case AggSum, AggAvg:
		if fn == AggAvg {
			if f.Type == Decimal {
				return "avg(" + cl + ")", nil
			}
			return "avg(" + cl + ")::float8", nil
		}
		switch f.Type {
		case Int, BigInt:
			return "sum(" + cl + ")::bigint", nil
		case Float:
			return "sum(" + cl + ")::float8", nil
		}
		return "sum(" + cl + ")", nil
	case AggMin, AggMax:
		// A DateTime as Prisma reads it (selCol): a time of day on
		// 1970-01-01, cut to the millisecond.
		return strings.TrimPrefix(fn.String(), "_") + "(" + selCol(a, f) + ")", nil
	}
	return "", validationErr(m, "", "unknown aggregate %d", fn)
}

// aggSelect compiles the aggregate columns requested by the common fields
// of AggregateArgs and GroupByArgs.
func aggSelect(m *Model, a string, count bool, countFields, sum, avg, mn, mx []string) ([]string, []aggCol, error) {
	var exprs []string
	var cols []aggCol
	add := func(fn AggFunc, field string) error {
		p := fn.String() + "." + field
		e, err := aggExpr(m, a, fn, field, func() error { return aggSelectErr(m, fn, field, p) })
		if err != nil {
			return err
		}
		exprs = append(exprs, e)
		cols = append(cols, aggCol{fn, field})
		return nil
	}
	if count {
		_ = add(AggCount, "")
	}
	for _, g := range []struct {
		fn     AggFunc
		fields []string
	}{{AggCount, countFields}, {AggSum, sum}, {AggAvg, avg}, {AggMin, mn}, {AggMax, mx}} {
		for _, f := range g.fields {
			if err := add(g.fn, f); err != nil {
				return nil, nil, err
			}
		}
	}
	return exprs, cols, nil
}

func fillAgg(r *AggregateResult, cols []aggCol, vals []any) {
	put := func(mp *map[string]any, k string, v any) {
		if *mp == nil {
			*mp = map[string]any{}
		}
		(*mp)[k] = v
	}
	for i, ac := range cols {
		v := vals[i]
		switch ac.fn {
		case AggCount:
			n, _ := v.(int64)
			if ac.field == "" {
				r.Count = n
			} else {
				if r.CountFields == nil {
					r.CountFields = map[string]int64{}
				}
				r.CountFields[ac.field] = n
			}
		case AggSum:
			put(&r.Sum, ac.field, v)
		case AggAvg:
			put(&r.Avg, ac.field, v)
		case AggMin:
			put(&r.Min, ac.field, v)
		case AggMax:
			put(&r.Max, ac.field, v)
		}
	}
}

func (h *handle) aggregate(ctx context.Context, m *Model, a *AggregateArgs) (any, error) {
	exprs, cols, err := aggSelect(m, "t0", a.Count, a.CountFields, a.Sum, a.Avg, a.Min, a.Max)
	if err != nil {
		return nil, err
	}
	if len(exprs) == 0 {
		return nil, emptyAggregate(m)
	}
	c := h.compiler()
	from, err := c.aggregateFrom(m, &FindArgs{Where: a.Where, OrderBy: a.OrderBy, Cursor: a.Cursor, Skip: a.Skip, Take: a.Take}, "t0.*")
	if err != nil {
		return nil, err
	}
	sql := "SELECT " + strings.Join(exprs, ", ") + " FROM " + from
	res := &AggregateResult{}
	err = h.read(ctx, func(q querier) error {
		return h.query(ctx, q, m, ActionAggregate, sql, c.args, func(rows pgx.Rows) error {
			vals, err := rows.Values()
			if err != nil {
				return err
			}
			fillAgg(res, cols, vals)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (h *handle) groupBy(ctx context.Context, m *Model, a *GroupByArgs) (any, error) {
	if a.By == nil {
		return nil, prismaMsg(m, "by", isMissing("by"))
	}
	if len(a.By) == 0 {
		return nil, &Error{Code: CodeInputError, Model: m.Name,
			Message: "Input error. At least one selection is required for the `by` argument."}
	}
	if a.Skip < 0 {
		return nil, negativeSkip(m, a.Skip)
	}
	const t = "t0"
	byCols := make([]string, len(a.By))
	// byOut: the by fields as read back, as a find reads them (a time of
	// day on 1970-01-01, an enum list as text).
	byOut := make([]string, len(a.By))
	inBy := map[string]bool{}
	for i, n := range a.By {
		f := m.fields[n]
		if f == nil {
			return nil, prismaMsg(m, "by", invalidValueMsg("by", "", m.Name+"ScalarFieldEnum"))
		}
		byCols[i] = col(t, f)
		byOut[i] = selCol(t, f)
		if f.List && f.Type == Enum {
			byOut[i] += "::text[]"
		}
		inBy[n] = true
	}
	exprs, cols, err := aggSelect(m, t, a.Count, a.CountFields, a.Sum, a.Avg, a.Min, a.Max)
	if err != nil {
		return nil, err
	}
	c := h.compiler()
	w, err := c.where(m, t, a.Where, "where")
	if err != nil {
		return nil, err
	}
	sql := "SELECT " + strings.Join(append(byOut, exprs...), ", ") +
		" FROM " + m.qtable + " " + t + " WHERE " + w + " GROUP BY " + strings.Join(byCols, ", ")
	if len(a.Having) > 0 {
		hv, err := c.groupHaving(m, t, a.Having, inBy)
		if err != nil {
			return nil, err
		}
		sql += " HAVING " + hv
	}
	order := a.OrderBy
	if len(order) == 0 && (a.Take != 0 || a.Skip != 0) {
		// Prisma pages groups in primary-key order when no order is
		// given, which needs the key in by (else its P2019 below).
		for _, f := range m.pk {
			order = append(order, GroupOrder{Field: f.Name})
		}
	}
	if err := checkGroupOrder(m, order, inBy); err != nil {
		return nil, err
	}
	take := a.Take
	if take < 0 {
		// Prisma's take: -n on groups: the first n groups in the reversed
		// order, left in that order (unlike a find, which puts them back).
		take = -take
		rev := make([]GroupOrder, len(order))
		for i, o := range order {
			o.Desc, o.Nulls = !o.Desc, o.Nulls.flip()
			rev[i] = o
		}
		order = rev
	}
	if len(order) > 0 {
		parts := make([]string, len(order))
		for i, o := range order {
			p := "orderBy[" + itoa(i) + "]"
			e, err := groupExpr(m, t, o.Agg, o.Field, func() error { return groupOrderAggErr(m, o, p) })
			if err != nil {
				return nil, err
			}
			if o.Desc {
				e += " DESC"
			}
			switch {
			case o.Nulls == NullsDefault:
			case o.Agg != 0:
				// Prisma's {_max: {genre: {sort, nulls}}}: an aggregate
				// takes a SortOrder only.
				return nil, prismaMsg(m, p, invalidTypeMsg(o.Field, []string{"SortOrder"}, "Object"))
			case o.Nulls == NullsFirst:
				e += " NULLS FIRST"
			case o.Nulls == NullsLast:
				e += " NULLS LAST"
			default:
				return nil, validationErr(m, p, "unknown nulls placement %d", o.Nulls)
			}
			parts[i] = e
		}
		sql += " ORDER BY " + strings.Join(parts, ", ")
	}
	sql += c.limitOffset(take, a.Skip)
	var out []Group
	err = h.read(ctx, func(q querier) error {
		return h.query(ctx, q, m, ActionGroupBy, sql, c.args, func(rows pgx.Rows) error {
			vals, err := rows.Values()
			if err != nil {
				return err
			}
			g := Group{Key: make(map[string]any, len(a.By))}
			for i, n := range a.By {
				g.Key[n] = vals[i]
				if vals[i] == nil && m.fields[n].List {
					// Prisma reads a NULL list as an empty one.
					g.Key[n] = []any{}
				}
			}
			fillAgg(&g.AggregateResult, cols, vals[len(a.By):])
			out = append(out, g)
			return nil
		})
	})
	return out, err
}

// groupHaving compiles the having conditions of a groupBy over alias t
// (inBy: the by fields), checked as Prisma checks them: an unknown field
// or an aggregate its filter type lacks is a validation error, a plain
// condition on a field not in by and _min or _max of a Json field are the
// query engine's P2019.
func (c *compiler) groupHaving(m *Model, t string, having []HavingCond, inBy map[string]bool) (string, error) {
	var missing []string
	if err := checkHaving(m, having, inBy, &missing, "having"); err != nil {
		return "", err
	}
	if len(missing) > 0 {
		return "", &Error{Code: CodeInputError, Model: m.Name, Message: "Input error. Every field used in `having` filters " +
			"must either be an aggregation filter or be included in the selection of the query. Missing fields: " + strings.Join(missing, ", ")}
	}
	return c.havingSQL(m, t, having, "having")
}

// checkHaving checks having conditions (and those under their Or and
// Not) as groupHaving says, adding the plain fields not in by to missing.
func checkHaving(m *Model, having []HavingCond, inBy map[string]bool, missing *[]string, path string) error {
	for i, hc := range having {
		p := path + "[" + itoa(i) + "]"
		if hc.Or != nil || hc.Not != nil {
			for j, w := range append(append([][]HavingCond{}, hc.Or...), hc.Not...) {
				if err := checkHaving(m, w, inBy, missing, p+"["+itoa(j)+"]"); err != nil {
					return err
				}
			}
			continue
		}
		f := m.fields[hc.Field]
		if hc.JSON != nil {
			f = m.fields[hc.JSON.Field]
			if f != nil && !inBy[f.Name] && !slices.Contains(*missing, f.Name) {
				*missing = append(*missing, f.Name)
			}
			if r, ok := fieldRefOf(hc.JSON.Value); ok && !inBy[r.Name] && !slices.Contains(*missing, r.Name) {
				*missing = append(*missing, r.Name)
			}
			continue
		}
		if hc.Insensitive && (hc.Agg != 0 || f == nil || f.Type != String || f.List) {
			// mode is for a String by field's own filter.
			return prismaMsg(m, p, unknownArgMsg("mode", havingOpNames))
		}
		switch {
		case hc.Agg == AggCount && (hc.Field == "" || hc.Field == "_all"):
			// count(*)
		case f == nil:
			return prismaMsg(m, p, unknownArgMsg(hc.Field, append([]string{"AND", "OR", "NOT"}, fieldNames(m.Fields)...)))
		case hc.Agg == 0:
			if !inBy[hc.Field] && !slices.Contains(*missing, hc.Field) {
				*missing = append(*missing, hc.Field)
			}
		case f.Type == JSON && !f.List && (hc.Agg == AggMin || hc.Agg == AggMax || hc.Agg == AggCount):
			return &Error{Code: CodeInputError, Model: m.Name,
				Message: "Input error. " + hc.Agg.String() + " is not a valid scalar filter operation"}
		case f.List || !aggOK(f, hc.Agg):
			return prismaMsg(m, p, unknownArgMsg(hc.Agg.String(), havingFilterOptions(f)))
		}
		// A field reference names a column of the group: one of by.
		if r, ok := fieldRefOf(hc.Value); ok && !inBy[r.Name] && !slices.Contains(*missing, r.Name) {
			*missing = append(*missing, r.Name)
		}
	}
	return nil
}

// havingSQL compiles checked having conditions, a conjunction, over
// alias t. An Or is the disjunction of its non-empty members (none:
// FALSE, as Prisma's OR: [] and OR: [{}]), a Not the conjunction of their
// negations.
func (c *compiler) havingSQL(m *Model, t string, having []HavingCond, path string) (string, error) {
	if len(having) == 0 {
		return "TRUE", nil
	}
	parts := make([]string, len(having))
	for i, hc := range having {
		p := path + "[" + itoa(i) + "]"
		if hc.Or != nil || hc.Not != nil {
			var ors, nots []string
			for j, w := range hc.Or {
				if len(w) == 0 {
					continue
				}
				s, err := c.havingSQL(m, t, w, p+".OR["+itoa(j)+"]")
				if err != nil {
					return "", err
				}
				ors = append(ors, s)
			}
			for j, w := range hc.Not {
				if len(w) == 0 {
					continue
				}
				s, err := c.havingSQL(m, t, w, p+".NOT["+itoa(j)+"]")
				if err != nil {
					return "", err
				}
				nots = append(nots, "NOT "+s)
			}
			var all []string
			switch {
			case hc.Or != nil && len(ors) == 0:
				all = append(all, "FALSE")
			case len(ors) > 0:
				all = append(all, "("+strings.Join(ors, " OR ")+")")
			}
			all = append(all, nots...)
			if len(all) == 0 {
				all = []string{"TRUE"}
			}
			parts[i] = strings.Join(all, " AND ")
			continue
		}
		if hc.JSON != nil {
			s, err := c.jsonCond(m, t, hc.JSON, p)
			if err != nil {
				return "", err
			}
			parts[i] = s
			continue
		}
		e, err := groupExpr(m, t, hc.Agg, hc.Field, func() error { return validationErr(m, p, "no %s of %s", hc.Agg, hc.Field) })
		if err != nil {
			return "", err
		}
		if hc.Agg == AggCount {
			e = "(" + e + ")::bigint"
		}
		f := &Field{Name: hc.Field, Type: Float}
		if hc.Agg == AggCount {
			f.Type = BigInt
		} else if mf := m.fields[hc.Field]; hc.Agg != AggAvg {
			f = mf
		} else if mf.Type == Decimal {
			f.Type = Decimal // the average of a Decimal is a Decimal, as in Prisma
		}
		r, isRef := fieldRefOf(hc.Value)
		if isRef && hc.Agg == 0 {
			// A by field against another: as in a where.
			s, err := c.fieldRefCond(m, t, f, &FieldCond{Field: f.Name, Op: hc.Op, Value: r, Insensitive: hc.Insensitive}, r, p)
			if err != nil {
				return "", err
			}
			parts[i] = s
			continue
		}
		if isRef {
			// The aggregate against a by column of the group.
			rf, err := c.refField(m, f, hc.Op, r)
			if err != nil {
				return "", err
			}
			s, ok := refCompare(e, hc.Op, t+"."+rf.qcol, hc.Insensitive)
			if !ok {
				s, ok = refLike(e, hc.Op, t+"."+rf.qcol, hc.Insensitive)
			}
			if !ok {
				return "", validationErr(m, p, "%s takes no field reference in having", hc.Op)
			}
			parts[i] = s
			continue
		}
		s, err := c.fieldCond(&Model{Name: m.Name, fields: map[string]*Field{f.Name: f}}, "",
			&FieldCond{Field: f.Name, Op: hc.Op, Value: hc.Value, Insensitive: hc.Insensitive}, p)
		if err != nil {
			return "", err
		}
		// fieldCond rendered the column as `."col"` (in `."col" op $n`,
		// lower(."col")...); put the aggregate in place.
		parts[i] = strings.ReplaceAll(s, "."+f.qcol, e)
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

// havingFilterOptions are the fields of f's filter type in a having
// (IntWithAggregatesFilter): the filter's, then the aggregates it takes.
func havingFilterOptions(f *Field) []string {
	out := filterOptions(f)
	switch {
	case f.List:
	case f.Type.numeric():
		out = append(out, "_count", "_avg", "_sum", "_min", "_max")
	default:
		out = append(out, "_count", "_min", "_max")
	}
	return out
}

// checkGroupOrder checks the ordering of a groupBy as Prisma does: an
// unknown field is a validation error (OrderByWithAggregationInput), a
// field not in by (inBy) the query engine's P2019.
func checkGroupOrder(m *Model, order []GroupOrder, inBy map[string]bool) error {
	var missing []string
	for i, o := range order {
		if o.Agg != 0 {
			continue
		}
		if m.fields[o.Field] == nil {
			opts := append(fieldNames(m.Fields), "_count", "_avg", "_max", "_min", "_sum")
			return prismaMsg(m, "orderBy["+itoa(i)+"]", unknownArgMsg(o.Field, opts))
		}
		if !inBy[o.Field] && !slices.Contains(missing, o.Field) {
			missing = append(missing, o.Field)
		}
	}
	if len(missing) > 0 {
		return groupOrderErr(m, missing)
	}
	return nil
}

// groupOrderAggErr: an ordering by an aggregate names a field its
// OrderByAggregateInput (BookSumOrderByAggregateInput) lacks.
func groupOrderAggErr(m *Model, o GroupOrder, path string) error {
	return prismaMsg(m, path, unknownArgMsg(o.Field, aggFields(m, o.Agg)))
}

// groupExpr is a by field of a groupBy over alias t (agg 0) or an
// aggregate (aggExpr).
func groupExpr(m *Model, t string, agg AggFunc, field string, bad func() error) (string, error) {
	if agg == 0 {
		return col(t, m.fields[field]), nil
	}
	return aggExpr(m, t, agg, field, bad)
}

// emptyAggregate: an aggregate that asks for none of _count, _sum, _avg,
// _min and _max (Prisma's aggregate({})).
func emptyAggregate(m *Model) error {
	return prismaMsg(m, "", "The `select` statement for type Aggregate"+modelName(m)+" must not be empty. "+availableOptions)
}
