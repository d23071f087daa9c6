package orm

import "strings"

// perParent reports whether nested arguments need the per-parent row
// processing of pagedRows (distinct or cursor; skip/take alone are a
// LIMIT or a row_number() filter).
func perParent(fa *FindArgs) bool { return len(fa.Distinct) > 0 || fa.Cursor != nil }

// stableOrder compiles OrderBy over alias a followed by the primary key, so
// that positions (skip, take, cursor, the first row of a distinct group)
// do not depend on the plan when the ordering has ties. It is never empty
// for a model with a primary key.
func (c *compiler) stableOrder(m *Model, a string, orders []Order, path string) (string, error) {
	ob, err := c.orderBy(m, a, orders, path)
	if err != nil {
		return "", err
	}
	seen := make(map[*Field]bool, len(orders))
	for _, o := range orders {
		if o.isField() {
			seen[m.fields[o.Field]] = true
		}
	}
	var sb strings.Builder
	sb.WriteString(ob)
	for _, f := range m.pk {
		if seen[f] {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(col(a, f) + " ASC")
	}
	return sb.String(), nil
}

// nestedOrder is the order of a nested list without paging: OrderBy with
// the primary key breaking ties, or none when OrderBy is empty.
func (c *compiler) nestedOrder(m *Model, a string, orders []Order, path string) (string, error) {
	if len(orders) == 0 {
		return "", nil
	}
	return c.stableOrder(m, a, orders, path)
}

// pagedRows compiles the rows of one nested to-many level as Prisma
// processes them for each parent: the rows of the parent matching the
// filter, in OrderBy order (primary key as tie-breaker); Distinct keeps the
// first row of each set of values (NULLs are equal); the Cursor row starts
// the list — a parent without the cursor row among its remaining rows gets
// none; then Skip and Take.
//
// from and cond give the candidate rows under alias ch (cond holds the
// link to the parent or parents, the scope and Where); part is the
// expression naming the parent of a row when the candidates span several
// parents ("" when they are one parent's rows). The result is a subquery
// selecting ch.* plus "__parent" (when part is set) and "__rn", the
// position from 1 in the parent's list.
func (c *compiler) pagedRows(t *Model, ch, from, cond, part string, fa *FindArgs, path string) (string, error) {
	partition := func(a string) string {
		if part == "" {
			return ""
		}
		if a == ch {
			return "PARTITION BY " + part + " "
		}
		return "PARTITION BY " + a + `."__parent" `
	}
	parentCol := ""
	if part != "" {
		parentCol = ", " + part + ` AS "__parent"`
	}
	src, a := from+" WHERE "+cond, ch
	if len(fa.Distinct) > 0 && fa.Cursor != nil {
		// As Prisma: distinct applies to the rows from the cursor's
		// ordering values on, ties before the cursor row included; the
		// list then starts at the cursor row.
		cb, err := c.cursorBound(t, ch, fa.Cursor, fa.OrderBy, path, false)
		if err != nil {
			return "", err
		}
		src += " AND " + cb
	}
	if len(fa.Distinct) > 0 {
		ob, err := c.stableOrder(t, ch, fa.OrderBy, joinPath(path, "orderBy"))
		if err != nil {
			return "", err
		}
		dcols := make([]string, 0, len(fa.Distinct)+1)
		if part != "" {
			dcols = append(dcols, part)
		}
		for _, n := range fa.Distinct {
			f := t.fields[n]
			if f == nil {
				return "", validationErr(t, joinPath(path, "distinct"), "unknown field %q", n)
			}
			dcols = append(dcols, col(ch, f))
		}
		d := c.alias("d")
		src = "(SELECT " + ch + ".*" + parentCol + ", row_number() OVER (PARTITION BY " + strings.Join(dcols, ", ") +
			" ORDER BY " + ob + `) AS "__dn" FROM ` + src + ") " + d + " WHERE " + d + `."__dn" = 1`
		a, parentCol = d, ""
	}
	ob, err := c.stableOrder(t, a, fa.OrderBy, joinPath(path, "orderBy"))
	if err != nil {
		return "", err
	}
	rows := "SELECT " + a + ".*" + parentCol + ", row_number() OVER (" + partition(a) + "ORDER BY " + ob + `) AS "__rn"`
	if fa.Cursor != nil {
		if err := checkUnique(t, fa.Cursor, joinPath(path, "cursor")); err != nil {
			return "", err
		}
		cw, err := c.where(t, a, fa.Cursor, joinPath(path, "cursor"))
		if err != nil {
			return "", err
		}
		rows += ", (" + cw + `) IS TRUE AS "__cur"`
	}
	rows += " FROM " + src
	at := "1"
	if fa.Cursor != nil {
		e := c.alias("e")
		rows = "SELECT " + e + ".*, max(CASE WHEN " + e + `."__cur" THEN ` + e + `."__rn" END) OVER (` +
			partition(e) + `) AS "__at" FROM (` + rows + ") " + e
	}
	if fa.Cursor == nil && fa.Skip == 0 && fa.Take == 0 {
		return rows, nil
	}
	s := c.alias("s")
	if fa.Cursor != nil {
		at = s + `."__at"`
	}
	keep := s + `."__rn" >= ` + at
	if fa.Skip > 0 {
		keep += " + " + c.arg(int64(fa.Skip))
	}
	if fa.Take > 0 {
		keep += " AND " + s + `."__rn" < ` + at + " + " + c.arg(int64(fa.Skip+fa.Take))
	}
	return "SELECT " + s + ".* FROM (" + rows + ") " + s + " WHERE " + keep, nil
}
