package orm

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Actions that write many rows and return them.
const (
	ActionCreateManyAndReturn Action = "createManyAndReturn"
	ActionUpdateManyAndReturn Action = "updateManyAndReturn"
)

// CreateManyAndReturn inserts rows like CreateMany (one multi-row INSERT
// ... RETURNING, never COPY) and returns them in the order of args.Data,
// shaped by Select, Omit and Include as Prisma's createManyAndReturn. With
// SkipDuplicates the rows skipped are not returned.
func CreateManyAndReturn[T any](ctx context.Context, db DB, m *Model, args *CreateManyArgs) ([]T, error) {
	if args == nil {
		return nil, validationErr(m, "", "createManyAndReturn needs arguments")
	}
	res, err := run(ctx, db, &Operation{Model: m, Action: ActionCreateManyAndReturn, Args: args, typ: typeOf[T]()})
	if err != nil {
		return nil, err
	}
	return asResult[[]T](ActionCreateManyAndReturn, res)
}

// UpdateManyAndReturn updates the rows matching args.Where like UpdateMany
// (UPDATE ... RETURNING) and returns them, shaped by Select, Omit and
// Include as Prisma's updateManyAndReturn.
func UpdateManyAndReturn[T any](ctx context.Context, db DB, m *Model, args *UpdateArgs) ([]T, error) {
	if args == nil {
		return nil, validationErr(m, "", "updateManyAndReturn needs arguments")
	}
	res, err := run(ctx, db, &Operation{Model: m, Action: ActionUpdateManyAndReturn, Args: args, typ: typeOf[T]()})
	if err != nil {
		return nil, err
	}
	return asResult[[]T](ActionUpdateManyAndReturn, res)
}

// insertValues compiles rows into INSERT ... VALUES (...), (...) over
// fields (missing values are DEFAULT).
func insertValues(c *compiler, m *Model, fields []*Field, rows [][]assign, skipDuplicates bool) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + m.qtable + " (" + returningList(fields) + ") VALUES ")
	for i, as := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		for j, f := range fields {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(valueFor(c, f, as))
		}
		sb.WriteString(")")
	}
	if skipDuplicates {
		sb.WriteString(" ON CONFLICT DO NOTHING")
	}
	return sb.String()
}

// checkReturningIncludes refuses, in the select or include of
// createManyAndReturn or updateManyAndReturn, a relation whose foreign key
// is not on m (a to-many relation, or the other side of a one-to-one), as
// Prisma's validation does: only the relations m's own foreign keys point
// along are offered there (what those include in turn is free).
func checkReturningIncludes(m *Model, act Action, sel []string, incs []Include, counts []CountOf) error {
	// Prisma's output type of the operation, as its errors name it.
	typ := "CreateMany" + m.Name + "AndReturnOutputType"
	if act == ActionUpdateManyAndReturn {
		typ = "UpdateMany" + m.Name + "AndReturnOutputType"
	}
	isSelect := sel != nil
	for _, n := range sel {
		if m.fields[n] == nil {
			return prismaMsg(m, "select."+n, unknownSelectionMsg(n, true, typ))
		}
	}
	if len(counts) > 0 {
		return prismaMsg(m, "select._count", unknownSelectionMsg("_count", isSelect, typ))
	}
	for _, in := range incs {
		if r := m.relations[in.Relation]; r != nil && !r.owner {
			return prismaMsg(m, "include."+in.Relation, unknownSelectionMsg(in.Relation, isSelect, typ))
		}
	}
	return nil
}

func (h *handle) createManyAndReturn(ctx context.Context, m *Model, a *CreateManyArgs, typ reflect.Type) (any, error) {
	if err := checkReturningIncludes(m, ActionCreateManyAndReturn, a.Select, a.Include, nil); err != nil {
		return nil, err
	}
	empty := reflect.MakeSlice(reflect.SliceOf(typ), 0, 0).Interface()
	rows, fields, _, err := createManyRows(m, a)
	if err != nil || len(rows) == 0 {
		return empty, err
	}
	per := max(1, maxParams/max(1, len(fields)))
	stmt := func(c *compiler, part [][]assign) string {
		return insertValues(c, m, fields, part, a.SkipDuplicates)
	}
	if len(rows) <= per {
		c := h.compiler()
		return h.writeAndReturn(ctx, m, ActionCreateManyAndReturn, []string{stmt(&c, rows)}, [][]any{c.args}, a.Select, a.Include, typ)
	}
	var sqls []string
	var args [][]any
	for start := 0; start < len(rows); start += per {
		c := h.compiler()
		sqls = append(sqls, stmt(&c, rows[start:min(start+per, len(rows))]))
		args = append(args, c.args)
	}
	return h.writeAndReturn(ctx, m, ActionCreateManyAndReturn, sqls, args, a.Select, a.Include, typ)
}

func (h *handle) updateManyAndReturn(ctx context.Context, m *Model, a *UpdateArgs, typ reflect.Type) (any, error) {
	if err := checkReturningIncludes(m, ActionUpdateManyAndReturn, a.Select, a.Include, a.Count); err != nil {
		return nil, err
	}
	as, rels, err := splitData(m, a.Data, "data", false)
	if err != nil {
		return nil, err
	}
	if len(rels) > 0 {
		return nil, validationErr(m, "data", "updateManyAndReturn does not take nested writes")
	}
	if len(as) == 0 {
		// Nothing to set: the matching rows, unchanged.
		rows, err := h.findRows(ctx, m, ActionUpdateManyAndReturn, &FindArgs{Where: a.Where, Select: a.Select, Include: a.Include}, typ)
		if err != nil {
			return nil, err
		}
		return rows.Interface(), nil
	}
	c := h.compiler()
	sql, err := c.updateLimitSQL(m, as, a.Where, a.Limit)
	if err != nil {
		return nil, err
	}
	return h.writeAndReturn(ctx, m, ActionUpdateManyAndReturn, []string{sql}, [][]any{c.args}, a.Select, a.Include, typ)
}

// writeAndReturn runs write statements returning their rows. Without
// includes the rows come straight from RETURNING; with includes the
// statements return primary keys and the rows are read back, in the same
// transaction and the same order, with the relations loaded.
func (h *handle) writeAndReturn(ctx context.Context, m *Model, act Action, sqls []string, args [][]any, sel []string, incs []Include, typ reflect.Type) (any, error) {
	if len(incs) == 0 {
		fields, err := selectedFields(m, sel, nil, "")
		if err != nil {
			return nil, err
		}
		suffix := " RETURNING " + returningExprs(fields)
		// One plan for every statement: they return the same columns.
		plan, err := planFor(typ, string(act)+" "+m.qtable+suffix, fieldNames(fields))
		if err != nil {
			return nil, err
		}
		sink := newSink(plan, nil, 0)
		run := func(h *handle) error {
			for i, sql := range sqls {
				if err := h.do(ctx, func(q querier) error { return h.query(ctx, q, m, act, sql+suffix, args[i], sink.scan) }); err != nil {
					return err
				}
			}
			return nil
		}
		if len(sqls) == 1 {
			err = run(h)
		} else {
			err = h.atomic(ctx, run)
		}
		if err != nil {
			return nil, err
		}
		return sink.rows.Interface(), nil
	}
	var out reflect.Value
	err := h.atomic(ctx, func(h *handle) error {
		var keys []record
		for i, sql := range sqls {
			err := h.do(ctx, func(q querier) error {
				return h.query(ctx, q, m, act, sql+" RETURNING "+returningList(m.pk)+", "+pkText(m), args[i], func(rows pgx.Rows) error {
					vals, err := rows.Values()
					if err != nil {
						return err
					}
					rec := make(record, len(m.pk)+1)
					for j, f := range m.pk {
						rec[f.Name] = vals[j]
					}
					rec[""] = vals[len(m.pk)]
					keys = append(keys, rec)
					return nil
				})
			})
			if err != nil {
				return err
			}
		}
		var err error
		out, err = h.readBackMany(ctx, m, act, keys, sel, incs, typ)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Interface(), nil
}

// readBackMany loads the rows with the given primary keys, in that order.
func (h *handle) readBackMany(ctx context.Context, m *Model, act Action, keys []record, sel []string, incs []Include, typ reflect.Type) (reflect.Value, error) {
	out := reflect.MakeSlice(reflect.SliceOf(typ), 0, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	ti, err := infoOf(typ)
	if err != nil {
		return out, err
	}
	idx := make([][]int, len(m.pk))
	for i, f := range m.pk {
		fi, ok := ti.byName[f.Name]
		if !ok {
			return out, validationErr(m, "include", "the result type %s needs the primary key field %s to return rows with includes", typ, f.Name)
		}
		idx[i] = fi
	}
	if sel != nil {
		sel = append(append([]string{}, sel...), fieldNames(m.pk)...)
	}
	var w Where
	if len(m.pk) == 1 {
		list := make([]any, len(keys))
		for i, k := range keys {
			list[i] = k[m.pk[0].Name]
		}
		w = Where{In(m.pk[0].Name, list)}
	} else {
		or := make(Or, len(keys))
		for i, k := range keys {
			or[i] = pkWhere(m, k)
		}
		w = Where{or}
	}
	rows, err := h.findRows(ctx, m, act, &FindArgs{Where: w, Select: sel, Include: incs}, typ)
	if err != nil {
		return out, err
	}
	pos := make(map[string]int, rows.Len())
	for i := range rows.Len() {
		parts := make([]string, len(idx))
		for j, fi := range idx {
			parts[j] = fmt.Sprint(keyOf(rows.Index(i).FieldByIndex(fi)))
		}
		pos[strings.Join(parts, "\x01")] = i
	}
	for _, k := range keys {
		if i, ok := pos[k[""].(string)]; ok {
			out = reflect.Append(out, rows.Index(i))
		}
	}
	return out, nil
}

// pkText is an expression giving m's primary key as one text, the way
// readBackMany renders the key fields of a loaded row.
func pkText(m *Model) string {
	parts := make([]string, len(m.pk))
	for i, f := range m.pk {
		parts[i] = f.qcol + "::text"
	}
	return "concat_ws(chr(1), " + strings.Join(parts, ", ") + ")"
}
