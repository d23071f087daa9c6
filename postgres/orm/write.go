package orm

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Create inserts a row (and runs the nested writes of its Data in the same
// transaction) and returns it with the requested select/include.
func Create[T any](ctx context.Context, db DB, m *Model, args *CreateArgs) (*T, error) {
	return rowOp[T](ctx, db, m, ActionCreate, args)
}

// CreateMany inserts many rows in one statement per batch (COPY when every
// row sets the same fields and SkipDuplicates is off) and returns the number
// of rows inserted. Nested writes are not allowed.
func CreateMany(ctx context.Context, db DB, m *Model, args *CreateManyArgs) (int64, error) {
	return countOp(ctx, db, m, ActionCreateMany, args)
}

// Update updates the row selected by args.Where, which must hold a unique
// selector and may add other conditions (balance >= amount). No match
// fails with P2025.
func Update[T any](ctx context.Context, db DB, m *Model, args *UpdateArgs) (*T, error) {
	return rowOp[T](ctx, db, m, ActionUpdate, args)
}

// UpdateMany updates every matching row and returns how many changed.
func UpdateMany(ctx context.Context, db DB, m *Model, args *UpdateArgs) (int64, error) {
	return countOp(ctx, db, m, ActionUpdateMany, args)
}

// Upsert inserts args.Create, or updates with args.Update the row that
// conflicts on the unique selector args.Where (INSERT ... ON CONFLICT).
func Upsert[T any](ctx context.Context, db DB, m *Model, args *UpsertArgs) (*T, error) {
	return rowOp[T](ctx, db, m, ActionUpsert, args)
}

// Delete deletes the row selected by a unique Where and returns it; no
// match fails with P2025.
func Delete[T any](ctx context.Context, db DB, m *Model, args *DeleteArgs) (*T, error) {
	return rowOp[T](ctx, db, m, ActionDelete, args)
}

// DeleteMany deletes every matching row and returns how many.
func DeleteMany(ctx context.Context, db DB, m *Model, args *DeleteArgs) (int64, error) {
	return countOp(ctx, db, m, ActionDeleteMany, args)
}

func rowOp[T any](ctx context.Context, db DB, m *Model, act Action, args any) (*T, error) {
	if reflect.ValueOf(args).IsNil() {
		return nil, validationErr(m, "", "%s needs arguments", act)
	}
	res, err := run(ctx, db, &Operation{Model: m, Action: act, Args: args, typ: typeOf[T]()})
	if err != nil {
		return nil, err
	}
	return asResult[*T](act, res)
}

func countOp(ctx context.Context, db DB, m *Model, act Action, args any) (int64, error) {
	if reflect.ValueOf(args).IsNil() {
		return 0, validationErr(m, "", "%s needs arguments", act)
	}
	res, err := run(ctx, db, &Operation{Model: m, Action: act, Args: args})
	if err != nil {
		return 0, err
	}
	return asResult[int64](act, res)
}

// assign is one scalar assignment of a Data.
type assign struct {
	f *Field
	v any
}

type relWrite struct {
	r *Relation
	n *Nested
	// create: the parent row is being created (Prisma's connect errors
	// differ from an update's).
	create bool
}

// splitData validates d and splits it into scalar assignments (in model
// field order) and nested relation writes.
func splitData(m *Model, d Data, path string, forCreate bool) ([]assign, []relWrite, error) {
	return splitDataInto(nil, m, d, path, forCreate)
}

// splitDataInto is splitData appending the assignments to buf (which
// createMany carves out of one allocation for all its rows). Paths are
// built only for errors.
func splitDataInto(buf []assign, m *Model, d Data, path string, forCreate bool) ([]assign, []relWrite, error) {
	as := buf
	if as == nil {
		as = make([]assign, 0, len(d))
	}
	var rels []relWrite
	for k, v := range d {
		if m.fields[k] == nil {
			r := m.relations[k]
			if r == nil {
				return nil, nil, unknownArg(m, joinPath(path, k), k, checkedInputOptions(m))
			}
			var n *Nested
			switch x := v.(type) {
			case *Nested:
				n = x
			case Nested:
				n = &x
			}
			if n == nil {
				return nil, nil, validationErr(m, joinPath(path, k), "relation fields take a *Nested write, got %T", v)
			}
			if err := nestedOpsAllowed(m, r, n, joinPath(path, k), forCreate); err != nil {
				return nil, nil, err
			}
			rels = append(rels, relWrite{r: r, n: n, create: forCreate})
		}
	}
	for _, rw := range rels {
		// Prisma's data is either checked (relations) or unchecked
		// (foreign key fields): a relation write with its own foreign
		// key set beside it is a validation error.
		for _, f := range rw.r.local {
			if _, ok := d[f.Name]; ok && rw.r.owner {
				// Prisma reads the data as its checked input, which has
				// the relation and not its foreign key.
				return nil, nil, unknownArg(m, joinPath(path, f.Name), f.Name, checkedInputOptions(m))
			}
		}
	}
	for _, f := range m.Fields {
		v, ok := d[f.Name]
		if !ok {
			if forCreate && f.Generate != nil {
				as = append(as, assign{f, f.Generate()})
			}
			continue
		}
		if a, isAtomic := v.(*Atomic); isAtomic {
			if a == nil {
				return nil, nil, validationErr(m, joinPath(path, f.Name), "nil atomic update")
			}
			if a.Op == 0 || int(a.Op) >= len(atomicNames) {
				return nil, nil, validationErr(m, joinPath(path, f.Name), "unknown atomic operation %d", a.Op)
			}
			if a.Op == AtomicPush {
				if forCreate {
					return nil, nil, validationErr(m, joinPath(path, f.Name), "push is only allowed in updates")
				}
				if !f.List {
					return nil, nil, validationErr(m, joinPath(path, f.Name), "push needs a list field")
				}
				if isNil(a.Value) {
					return nil, nil, prismaMsg(m, joinPath(path, f.Name), mustNotBeNull("push"))
				}
				pv := a.Value
				if k := reflect.ValueOf(pv).Kind(); k != reflect.Slice && k != reflect.Array {
					pv = []any{pv}
				}
				cv, err := coerceList(f, pv)
				if err != nil {
					return nil, nil, valueErr(m, joinPath(path, f.Name), argumentIs(err, f.Name, "push"))
				}
				as = append(as, assign{f, &Atomic{AtomicPush, cv}})
				continue
			}
			if a.Op == AtomicSet {
				v = a.Value
			} else {
				if forCreate {
					return nil, nil, validationErr(m, joinPath(path, f.Name), "atomic %s is only allowed in updates", atomicNames[a.Op])
				}
				if !f.Type.numeric() || f.List {
					return nil, nil, validationErr(m, joinPath(path, f.Name), "atomic number updates need a number field")
				}
				cv, err := coerce(f, a.Value)
				if err != nil || cv == nil {
					return nil, nil, validationErr(m, joinPath(path, f.Name), "invalid operand: %v", err)
				}
				as = append(as, assign{f, &Atomic{a.Op, cv}})
				continue
			}
		}
		if !forCreate && !f.Nullable && isNil(v) && foreignKeyField(m, f) {
			// null fails Prisma's unchecked update input (the foreign
			// key is required), so it reads the data as its checked
			// input, which has the relation instead.
			return nil, nil, unknownArg(m, joinPath(path, f.Name), f.Name, checkedInputOptions(m))
		}
		if _, ref := fieldRefOf(v); ref {
			return nil, nil, refDataErr(m, f, joinPath(path, f.Name), forCreate)
		}
		cv, err := scalarValue(m, f, v, path, forCreate)
		if err != nil {
			return nil, nil, err
		}
		as = append(as, assign{f, cv})
	}
	return as, rels, nil
}

// nestedOps are the operations of Prisma's nested write input for relation
// r, in its order: a create's (create, connectOrCreate, createMany on a
// one-to-many, connect) or an update's; a required to-one relation from
// the side holding the foreign key has no disconnect or delete, a
// many-to-many no createMany.
func nestedOps(r *Relation, forCreate bool) []string {
	switch {
	case forCreate && r.Kind == OneToMany:
		return []string{"create", "connectOrCreate", "createMany", "connect"}
	case forCreate:
		return []string{"create", "connectOrCreate", "connect"}
	case r.Kind == OneToMany:
		return []string{"create", "connectOrCreate", "upsert", "createMany", "set", "disconnect", "delete", "connect", "update", "updateMany", "deleteMany"}
	case r.Kind == ManyToMany:
		return []string{"create", "connectOrCreate", "upsert", "set", "disconnect", "delete", "connect", "update", "updateMany", "deleteMany"}
	case r.owner && !slices.ContainsFunc(r.local, func(f *Field) bool { return f.Nullable }):
		return []string{"create", "connectOrCreate", "upsert", "connect", "update"}
	}
	return []string{"create", "connectOrCreate", "upsert", "disconnect", "delete", "connect", "update"}
}

// nestedOpsAllowed refuses an operation of n that Prisma's input for
// relation r does not have, as Prisma does: "Unknown argument
// `createMany`. Did you mean `updateMany`? ...".
func nestedOpsAllowed(m *Model, r *Relation, n *Nested, path string, forCreate bool) error {
	ops := nestedOps(r, forCreate)
	for _, op := range []struct {
		name string
		used bool
	}{
		{"create", len(n.Create) > 0}, {"connectOrCreate", len(n.ConnectOrCreate) > 0}, {"upsert", len(n.Upsert) > 0},
		{"createMany", len(n.CreateMany) > 0}, {"set", len(n.Set) > 0 || n.SetNone}, {"disconnect", len(n.Disconnect) > 0},
		{"delete", len(n.Delete) > 0}, {"connect", len(n.Connect) > 0}, {"update", len(n.Update) > 0},
		{"updateMany", len(n.UpdateMany) > 0}, {"deleteMany", len(n.DeleteMany) > 0},
	} {
		if op.used && !slices.Contains(ops, op.name) {
			return unknownArg(m, joinPath(path, op.name), op.name, ops)
		}
	}
	return nil
}

// foreignKeyField reports whether f holds a foreign key of a relation m
// owns.
func foreignKeyField(m *Model, f *Field) bool {
	for _, r := range m.Relations {
		if r.owner && slices.Contains(r.local, f) {
			return true
		}
	}
	return false
}

// scalarValue converts the value v written to the scalar field f (not an
// atomic operation): nil for NULL, or the coerced value.
func scalarValue(m *Model, f *Field, v any, path string, forCreate bool) (any, error) {
	if isNil(v) {
		if !f.Nullable {
			return nil, prismaMsg(m, joinPath(path, f.Name), mustNotBeNull(f.Name))
		}
		return nil, nil
	}
	var cv any
	var err error
	if f.List {
		cv, err = coerceList(f, v)
	} else {
		cv, err = coerce(f, v)
	}
	if err != nil {
		if msg := dataTypeMsg(f, v, err, forCreate); msg != "" {
			return nil, prismaMsg(m, joinPath(path, f.Name), msg)
		}
		return nil, valueErr(m, joinPath(path, f.Name), err)
	}
	if cv == nil && !f.Nullable {
		// DbNull on a required Json field.
		return nil, prismaMsg(m, joinPath(path, f.Name), mustNotBeNull(f.Name))
	}
	return cv, nil
}

// dataTypeMsg is Prisma's message for a value of the wrong kind written to
// scalar field f (a number given to a String, a string to a Boolean):
// "Argument `email`: Invalid value provided. Expected String, provided
// Int.", naming the field's create input type, or its update input with
// the update operations; "" when err is not such a mismatch.
func dataTypeMsg(f *Field, v any, err error, forCreate bool) string {
	if f.List || f.Type == JSON || f.Type == Enum || !strings.Contains(err.Error(), "cannot take") {
		return ""
	}
	provided := ""
	switch reflect.ValueOf(v).Kind() {
	case reflect.String:
		provided = "String"
	case reflect.Bool:
		provided = "Boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		provided = "Int"
	case reflect.Float32, reflect.Float64:
		provided = "Float"
	case reflect.Map, reflect.Struct:
		provided = "Object"
	default:
		return ""
	}
	t := prismaScalar(f)
	expected := []string{t}
	if !forCreate {
		op := t + "FieldUpdateOperationsInput"
		if f.Type == Boolean {
			op = "BoolFieldUpdateOperationsInput" // Prisma's input types say Bool
		}
		if f.Nullable {
			op = "Nullable" + op
		}
		expected = append(expected, op)
	}
	if f.Nullable {
		expected = append(expected, "Null")
	}
	return invalidTypeMsg(f.Name, expected, provided)
}

// rowSplitter splits createMany rows given as field/value pairs
// (CreateManyArgs.Rows) without a map per row.
type rowSplitter struct {
	m    *Model
	row  []assign // the row's fields and raw values, in the row's order
	last []*Field // the field of each position of the previous row
}

// split is splitDataInto(buf, m, data of row, "", true) for a row of plain
// scalar values; false when the row needs the map form (a name that is not
// a scalar field, a field set twice, an atomic operation, a value the
// field rejects), which then gives the result and the error.
func (sp *rowSplitter) split(buf []assign, row []FieldValue) ([]assign, bool) {
	m := sp.m
	sp.row = sp.row[:0]
	for j, fv := range row {
		var f *Field
		if j < len(sp.last) && sp.last[j] != nil && sp.last[j].Name == fv.Field {
			f = sp.last[j]
		} else {
			if f = m.fields[fv.Field]; f == nil {
				return nil, false
			}
			if j < len(sp.last) {
				sp.last[j] = f
			} else if j == len(sp.last) {
				sp.last = append(sp.last, f)
			}
		}
		if _, ok := fv.Value.(*Atomic); ok {
			return nil, false
		}
		for _, x := range sp.row {
			if x.f == f {
				return nil, false
			}
		}
		sp.row = append(sp.row, assign{f, fv.Value})
	}
	as := buf
	for _, f := range m.Fields {
		found := false
		for _, x := range sp.row {
			if x.f != f {
				continue
			}
			found = true
			cv, err := scalarValue(m, f, x.v, "", true)
			if err != nil {
				return nil, false
			}
			as = append(as, assign{f, cv})
			break
		}
		if !found && f.Generate != nil {
			as = append(as, assign{f, f.Generate()})
		}
	}
	clear(sp.row)
	return as, true
}

// dataOf is a row of pairs as Data (a field set twice keeps its last
// value, as assigning a map does).
func dataOf(row []FieldValue) Data {
	d := make(Data, len(row))
	for _, fv := range row {
		d[fv.Field] = fv.Value
	}
	return d
}

var atomicNames = [...]string{"", "set", "increment", "decrement", "multiply", "divide", "push"}

// setClause compiles assignments for UPDATE (UpdatedAt fields get now()).
func (c *compiler) setClause(m *Model, as []assign) string {
	var sb strings.Builder
	set := make(map[*Field]bool, len(as))
	for i, a := range as {
		if i > 0 {
			sb.WriteString(", ")
		}
		set[a.f] = true
		sb.WriteString(a.f.qcol + " = ")
		if at, ok := a.v.(*Atomic); ok {
			if at.Op == AtomicPush {
				sb.WriteString("array_cat(" + m.qtable + "." + a.f.qcol + ", " + c.arg(at.Value) + ")")
				continue
			}
			op := [...]string{AtomicIncrement: " + ", AtomicDecrement: " - ", AtomicMultiply: " * ", AtomicDivide: " / "}[at.Op]
			sb.WriteString(m.qtable + "." + a.f.qcol + op + c.arg(at.Value))
			continue
		}
		sb.WriteString(c.arg(a.v))
	}
	for _, f := range m.Fields {
		if f.UpdatedAt && !set[f] && len(as) > 0 {
			sb.WriteString(", " + f.qcol + " = " + c.arg(nowUTC()))
		}
	}
	return sb.String()
}

// insertParts compiles the column list and values of one INSERT row.
func (c *compiler) insertParts(m *Model, as []assign) (cols, vals string) {
	var cb, vb strings.Builder
	set := make(map[*Field]bool, len(as))
	for i, a := range as {
		if i > 0 {
			cb.WriteString(", ")
			vb.WriteString(", ")
		}
		set[a.f] = true
		cb.WriteString(a.f.qcol)
		vb.WriteString(c.arg(a.v))
	}
	for _, f := range m.Fields {
		if f.UpdatedAt && !set[f] {
			if cb.Len() > 0 {
				cb.WriteString(", ")
				vb.WriteString(", ")
			}
			cb.WriteString(f.qcol)
			vb.WriteString(c.arg(nowUTC()))
		}
	}
	return cb.String(), vb.String()
}

func returningList(fields []*Field) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.qcol
	}
	return strings.Join(parts, ", ")
}

// returningExprs is the RETURNING list of fields (see selCol).
func returningExprs(fields []*Field) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = selCol("", f)
	}
	return strings.Join(parts, ", ")
}

func fieldNames(fields []*Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Name
	}
	return out
}

// record is a row read generically (field name -> value) for nested writes.
type record map[string]any

func (h *handle) scanRecord(ctx context.Context, q querier, m *Model, act Action, sql string, args []any) (record, error) {
	var rec record
	err := h.query(ctx, q, m, act, sql, args, func(rows pgx.Rows) error {
		var err error
		rec, err = recordOf(m, rows)
		return err
	})
	return rec, err
}

// recordOf reads the current row (every column of m) as a record.
func recordOf(m *Model, rows pgx.Rows) (record, error) {
	vals, err := rows.Values()
	if err != nil {
		return nil, err
	}
	rec := make(record, len(vals))
	for i, fd := range rows.FieldDescriptions() {
		if f := m.byColumn[fd.Name]; f != nil {
			rec[f.Name] = vals[i]
		}
	}
	return rec, nil
}

func pkWhere(m *Model, rec record) Where {
	w := make(Where, len(m.pk))
	for i, f := range m.pk {
		w[i] = Eq(f.Name, rec[f.Name])
	}
	return w
}

// readBack loads the row with the given primary key into a *typ with the
// requested select/include.
func (h *handle) readBack(ctx context.Context, m *Model, act Action, rec record, sel []string, inc []Include, cnt []CountOf, typ reflect.Type) (any, error) {
	rows, err := h.findRows(ctx, m, act, &FindArgs{Where: pkWhere(m, rec), Select: sel, Include: inc, Count: cnt, Take: 1}, typ)
	if err != nil {
		return nil, err
	}
	if rows.Len() == 0 {
		return nil, notFound(m, "the written "+m.Name+" is not visible")
	}
	return rows.Index(0).Addr().Interface(), nil
}

// returnRow runs a single write statement returning the selected fields
// into a *typ; no row means P2025.
func (h *handle) returnRow(ctx context.Context, m *Model, act Action, c *compiler, sql string, sel []string, typ reflect.Type, what string) (any, error) {
	fields, err := selectedFields(m, sel, nil, "")
	if err != nil {
		return nil, err
	}
	sql += " RETURNING " + returningExprs(fields)
	plan, err := planFor(typ, sql, fieldNames(fields))
	if err != nil {
		return nil, err
	}
	s := newSink(plan, nil, 1)
	err = h.do(ctx, func(q querier) error { return h.query(ctx, q, m, act, sql, c.args, s.scan) })
	if err != nil {
		return nil, err
	}
	if s.n == 0 {
		return nil, notFound(m, what)
	}
	return s.rows.Index(0).Addr().Interface(), nil
}

func (h *handle) create(ctx context.Context, m *Model, a *CreateArgs, typ reflect.Type) (any, error) {
	as, rels, err := splitData(m, a.Data, "data", true)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		if err := checkRequired(m, as, "data"); err != nil {
			return nil, err
		}
	}
	if len(rels) == 0 && len(a.Include) == 0 && len(a.Count) == 0 {
		c := h.compiler()
		cols, vals := c.insertParts(m, as)
		return h.returnRow(ctx, m, ActionCreate, &c, insertSQL(m, cols, vals), a.Select, typ, "insert returned no row")
	}
	var out any
	ctx = withOpModel(ctx, m)
	err = h.atomic(ctx, func(h *handle) error {
		rec, err := h.createNested(ctx, m, a.Data, "data")
		if err != nil {
			return err
		}
		out, err = h.readBack(ctx, m, ActionCreate, rec, a.Select, a.Include, a.Count, typ)
		return err
	})
	return out, err
}

// checkRequired fails, as Prisma's validation does before any query, when
// the assignments of a row to create leave out a required field: one that
// is not optional and has no default (database, @updatedAt or generated
// id). Lists are optional in Prisma's create input.
func checkRequired(m *Model, as []assign, path string) error {
	for _, f := range m.Fields {
		if f.Nullable || f.HasDefault || f.UpdatedAt || f.Generate != nil || f.List {
			continue
		}
		found := false
		for i := range as {
			if as[i].f == f {
				found = true
				break
			}
		}
		if !found {
			// With none of a required relation's foreign key given,
			// Prisma reads the data as its checked input and misses the
			// relation itself.
			if r := requiredOwner(m, f); r != nil && !assignsAny(as, r.local) {
				return prismaMsg(m, joinPath(path, r.Name), isMissing(r.Name))
			}
			return prismaMsg(m, joinPath(path, f.Name), isMissing(f.Name))
		}
	}
	return nil
}

func insertSQL(m *Model, cols, vals string) string {
	if cols == "" {
		return "INSERT INTO " + m.qtable + " DEFAULT VALUES"
	}
	return "INSERT INTO " + m.qtable + " (" + cols + ") VALUES (" + vals + ")"
}

func (h *handle) update(ctx context.Context, m *Model, a *UpdateArgs, typ reflect.Type) (any, error) {
	if err := checkUnique(m, a.Where, "where"); err != nil {
		return nil, err
	}
	as, rels, err := splitData(m, a.Data, "data", false)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 && len(a.Include) == 0 && len(a.Count) == 0 && len(as) > 0 {
		c := h.compiler()
		sql, err := c.updateSQL(m, as, a.Where)
		if err != nil {
			return nil, err
		}
		return h.returnRow(ctx, m, ActionUpdate, &c, sql, a.Select, typ, "No record was found for an update.")
	}
	var out any
	ctx = withOpModel(ctx, m)
	err = h.atomic(ctx, func(h *handle) error {
		rec, err := h.updateNested(ctx, m, a.Where, a.Data, "data")
		if err != nil {
			return err
		}
		out, err = h.readBack(ctx, m, ActionUpdate, rec, a.Select, a.Include, a.Count, typ)
		return err
	})
	return out, err
}

func (c *compiler) updateSQL(m *Model, as []assign, w Where) (string, error) {
	return c.updateLimitSQL(m, as, w, 0)
}

// updateLimitSQL is updateSQL changing at most limit rows (0: all).
func (c *compiler) updateLimitSQL(m *Model, as []assign, w Where, limit int) (string, error) {
	set := c.setClause(m, as)
	cond, err := c.manyCond(m, w, limit)
	if err != nil {
		return "", err
	}
	return "UPDATE " + m.qtable + " SET " + set + " WHERE " + cond, nil
}

// manyCond is the condition of an updateMany or deleteMany: w, or with
// Prisma's limit the primary keys of the first limit rows matching w (a
// subquery with LIMIT, as Prisma's SQL; which rows is the database's
// choice, there is no ordering).
func (c *compiler) manyCond(m *Model, w Where, limit int) (string, error) {
	if limit < 0 {
		return "", negativeLimit(m, limit)
	}
	if limit == 0 {
		return c.where(m, m.qtable, w, "where")
	}
	cond, err := c.where(m, "t0", w, "where")
	if err != nil {
		return "", err
	}
	outer := make([]string, len(m.pk))
	inner := make([]string, len(m.pk))
	for i, f := range m.pk {
		outer[i] = col(m.qtable, f)
		inner[i] = col("t0", f)
	}
	return "(" + strings.Join(outer, ", ") + ") IN (SELECT " + strings.Join(inner, ", ") + " FROM " + m.qtable +
		" t0 WHERE " + cond + c.limitOffset(limit, 0) + ")", nil
}

func (h *handle) updateMany(ctx context.Context, m *Model, a *UpdateArgs) (any, error) {
	as, rels, err := splitData(m, a.Data, "data", false)
	if err != nil {
		return nil, err
	}
	if len(rels) > 0 {
		return nil, validationErr(m, "data", "updateMany does not take nested writes")
	}
	if len(as) == 0 {
		// Nothing to set: Prisma still answers with the rows matched
		// (counted where the write would run, never on a replica).
		if a.Limit < 0 {
			return nil, negativeLimit(m, a.Limit)
		}
		c := h.compiler()
		from, err := c.aggregateFrom(m, &FindArgs{Where: a.Where, Take: a.Limit}, "1")
		if err != nil {
			return nil, err
		}
		sql := "SELECT count(*) FROM " + from
		var n int64
		err = h.do(ctx, func(q querier) error {
			return h.query(ctx, q, m, ActionCount, sql, c.args, func(rows pgx.Rows) error { return rows.Scan(&n) })
		})
		return n, err
	}
	c := h.compiler()
	sql, err := c.updateLimitSQL(m, as, a.Where, a.Limit)
	if err != nil {
		return nil, err
	}
	var n int64
	err = h.do(ctx, func(q querier) error {
		n, err = h.exec(ctx, q, m, ActionUpdateMany, sql, c.args)
		return err
	})
	return n, err
}

func (h *handle) upsert(ctx context.Context, m *Model, a *UpsertArgs, typ reflect.Type) (any, error) {
	if err := checkUnique(m, a.Where, "where"); err != nil {
		return nil, err
	}
	cas, crels, err := splitData(m, a.Create, "create", true)
	if err != nil {
		return nil, err
	}
	uas, urels, err := splitData(m, a.Update, "update", false)
	if err != nil {
		return nil, err
	}
	if len(crels) > 0 || len(urels) > 0 {
		// Nested writes in either branch: the update or the create runs
		// as Update or Create would, as in Prisma.
		return h.upsertByLookup(ctx, m, a, typ)
	}
	if err := checkRequired(m, cas, "create"); err != nil {
		return nil, err
	}
	target, native := conflictTarget(m, a.Where, a.Create)
	if !native {
		return h.upsertByLookup(ctx, m, a, typ)
	}
	c := h.compiler()
	cols, vals := c.insertParts(m, cas)
	sql := insertSQL(m, cols, vals) + " ON CONFLICT (" + target + ") DO UPDATE SET "
	if len(uas) == 0 {
		// Still return the existing row: a no-op update of the first key column.
		sql += m.pk[0].qcol + " = " + m.qtable + "." + m.pk[0].qcol
	} else {
		sql += c.setClause(m, uas)
	}
	cond, err := c.where(m, m.qtable, a.Where, "where")
	if err != nil {
		return nil, err
	}
	sql += " WHERE " + cond
	if len(a.Include) == 0 && len(a.Count) == 0 {
		return h.returnRow(ctx, m, ActionUpsert, &c, sql, a.Select, typ, "upsert matched a conflicting row outside its where")
	}
	var out any
	err = h.atomic(ctx, func(h *handle) error {
		rec, err := h.doRecord(ctx, m, ActionUpsert, &c, sql+" RETURNING *")
		if err != nil {
			return err
		}
		out, err = h.readBack(ctx, m, ActionUpsert, rec, a.Select, a.Include, a.Count, typ)
		return err
	})
	return out, err
}

// upsertByLookup is the upsert for a where that INSERT ... ON CONFLICT
// cannot express: in one transaction it locks the row the where selects
// and updates it, or creates the row when there is none. Two such upserts
// racing on a missing row can both create (as in Prisma); a unique
// constraint on the created values turns the loser into P2002.
func (h *handle) upsertByLookup(ctx context.Context, m *Model, a *UpsertArgs, typ reflect.Type) (any, error) {
	var out any
	ctx = withOpModel(ctx, m)
	err := h.atomic(ctx, func(h *handle) error {
		_, err := h.findRecord(ctx, m, a.Where, "where")
		switch {
		case IsNotFound(err):
			out, err = h.create(ctx, m, &CreateArgs{Data: a.Create, Select: a.Select, Include: a.Include, Count: a.Count}, typ)
		case err != nil:
		case len(a.Update) == 0:
			out, err = h.find(ctx, m, ActionFindUnique, &FindArgs{Where: a.Where, Select: a.Select, Include: a.Include, Count: a.Count}, typ)
		default:
			out, err = h.update(ctx, m, &UpdateArgs{Where: a.Where, Data: a.Update, Select: a.Select, Include: a.Include, Count: a.Count}, typ)
		}
		return err
	})
	return out, err
}

// conflictTarget returns the ON CONFLICT target for an upsert, and whether
// the native INSERT ... ON CONFLICT form applies: the where is equality on
// exactly one unique set (primary key or @@unique) and the create data
// carries those fields with the same values, so a conflict on the target
// is a conflict with the row the where selects. Otherwise the insert could
// succeed with other key values while the selected row exists.
func conflictTarget(m *Model, w Where, create Data) (string, bool) {
	eq := map[string]any{}
	native := true
	for _, c := range w {
		fc, ok := c.(*FieldCond)
		if !ok || fc.Op != OpEquals || fc.Insensitive {
			native = false
			continue
		}
		eq[fc.Field] = fc.Value
	}
	same := func(names []string) bool {
		if len(names) != len(eq) {
			return false
		}
		for _, n := range names {
			v, ok := create[n]
			if !ok || !reflect.DeepEqual(v, eq[n]) {
				return false
			}
		}
		return true
	}
	cols := func(names []string) string {
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = m.fields[n].qcol
		}
		return strings.Join(parts, ", ")
	}
	all := func(names []string) bool {
		for _, n := range names {
			if _, ok := eq[n]; !ok {
				return false
			}
		}
		return true
	}
	if all(m.PrimaryKey) {
		return cols(m.PrimaryKey), native && same(m.PrimaryKey)
	}
	for _, u := range m.Uniques {
		if all(u.Fields) {
			return cols(u.Fields), native && same(u.Fields)
		}
	}
	return cols(m.PrimaryKey), false
}

// doRecord runs a statement returning every column (RETURNING * or
// SELECT *) as a record; no row: P2025.
func (h *handle) doRecord(ctx context.Context, m *Model, act Action, c *compiler, sql string) (record, error) {
	var rec record
	err := h.do(ctx, func(q querier) error {
		var err error
		rec, err = h.scanRecord(ctx, q, m, act, sql, c.args)
		return err
	})
	if err == nil && rec == nil {
		return nil, notFound(m, "No record was found for an update.")
	}
	return rec, err
}

func (h *handle) delete(ctx context.Context, m *Model, a *DeleteArgs, typ reflect.Type) (any, error) {
	if err := checkUnique(m, a.Where, "where"); err != nil {
		return nil, err
	}
	c := h.compiler()
	cond, err := c.where(m, m.qtable, a.Where, "where")
	if err != nil {
		return nil, err
	}
	sql := "DELETE FROM " + m.qtable + " WHERE " + cond
	if len(a.Include) == 0 && len(a.Count) == 0 {
		return h.returnRow(ctx, m, ActionDelete, &c, sql, a.Select, typ, "No record was found for a delete.")
	}
	var out any
	err = h.atomic(ctx, func(h *handle) error {
		rows, err := h.findRows(ctx, m, ActionDelete, &FindArgs{Where: a.Where, Select: a.Select, Include: a.Include, Count: a.Count, Take: 1}, typ)
		if err != nil {
			return err
		}
		if rows.Len() == 0 {
			return notFound(m, "No record was found for a delete.")
		}
		if _, err := h.doRecord(ctx, m, ActionDelete, &c, sql+" RETURNING *"); err != nil {
			return err
		}
		out = rows.Index(0).Addr().Interface()
		return nil
	})
	return out, err
}

func (h *handle) deleteMany(ctx context.Context, m *Model, a *DeleteArgs) (any, error) {
	c := h.compiler()
	cond, err := c.manyCond(m, a.Where, a.Limit)
	if err != nil {
		return nil, err
	}
	sql := "DELETE FROM " + m.qtable + " WHERE " + cond
	var n int64
	err = h.do(ctx, func(q querier) error {
		n, err = h.exec(ctx, q, m, ActionDeleteMany, sql, c.args)
		return err
	})
	return n, err
}

// maxParams is PostgreSQL's limit on bind parameters per statement.
const maxParams = 65535

func (h *handle) createMany(ctx context.Context, m *Model, a *CreateManyArgs) (any, error) {
	if len(a.Data) == 0 && len(a.Rows) == 0 {
		return int64(0), nil
	}
	rows, fields, used, err := createManyRows(m, a)
	if err != nil {
		return nil, err
	}
	if uniformRows(rows, used) && !a.SkipDuplicates && len(rows) > 1 {
		return h.copyRows(ctx, m, fields, rows)
	}
	var total int64
	err = h.atomic(ctx, func(h *handle) error {
		per := max(1, maxParams/max(1, len(fields)))
		for start := 0; start < len(rows); start += per {
			end := min(start+per, len(rows))
			c := h.compiler()
			sql := insertValues(&c, m, fields, rows[start:end], a.SkipDuplicates)
			err := h.do(ctx, func(q querier) error {
				n, err := h.exec(ctx, q, m, ActionCreateMany, sql, c.args)
				total += n
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return total, err
}

// createManyRows splits the rows of a createMany and returns the fields
// the INSERT names (every field any row sets, and @updatedAt fields) and
// how many fields the rows set.
func createManyRows(m *Model, a *CreateManyArgs) ([][]assign, []*Field, int, error) {
	if a.Data != nil && a.Rows != nil {
		return nil, nil, 0, validationErr(m, "data", "set Data or Rows, not both")
	}
	n := len(a.Data) + len(a.Rows)
	rows := make([][]assign, n)
	used := map[*Field]bool{}
	// One backing array for every row's assignments (a row assigns each
	// field at most once).
	k := len(m.Fields)
	flat := make([]assign, 0, k*n)
	sp := rowSplitter{m: m}
	var prev []assign // the previous row's assignments: its fields are marked used
	for i := range n {
		buf := flat[i*k : i*k : (i+1)*k]
		var as []assign
		var d Data
		viaMap := true
		if a.Rows != nil {
			as, viaMap = sp.split(buf, a.Rows[i])
			viaMap = !viaMap
			if viaMap {
				d = dataOf(a.Rows[i])
			}
		} else {
			d = a.Data[i]
		}
		if viaMap {
			var rels []relWrite
			var err error
			as, rels, err = splitDataInto(buf, m, d, "", true)
			if err != nil {
				// Again with the row's path, only to name it in the error.
				_, _, err = splitData(m, d, "data["+strconv.Itoa(i)+"]", true)
				return nil, nil, 0, err
			}
			if len(rels) > 0 {
				return nil, nil, 0, validationErr(m, "data["+strconv.Itoa(i)+"]", "createMany does not take nested writes")
			}
		}
		if err := checkRequired(m, as, "data["+strconv.Itoa(i)+"]"); err != nil {
			return nil, nil, 0, err
		}
		rows[i] = as
		if !sameFields(as, prev) {
			for _, x := range as {
				used[x.f] = true
			}
		}
		prev = as
	}
	var fields []*Field
	for _, f := range m.Fields {
		if used[f] || f.UpdatedAt {
			fields = append(fields, f)
		}
	}
	return rows, fields, len(used), nil
}

// sameFields reports whether a and b assign the same fields in order.
func sameFields(a, b []assign) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].f != b[i].f {
			return false
		}
	}
	return true
}

// uniformRows reports whether every row sets all the used fields (COPY
// can take them).
func uniformRows(rows [][]assign, used int) bool {
	for _, as := range rows {
		if len(as) != len(rows[0]) {
			return false
		}
	}
	return len(rows) > 0 && used == len(rows[0])
}

func valueFor(c *compiler, f *Field, as []assign) string {
	for _, a := range as {
		if a.f == f {
			return c.arg(a.v)
		}
	}
	if f.UpdatedAt {
		return c.arg(nowUTC())
	}
	return "DEFAULT"
}

// copyRows inserts uniform rows with COPY.
func (h *handle) copyRows(ctx context.Context, m *Model, fields []*Field, rows [][]assign) (any, error) {
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = f.Column
	}
	pos := make(map[*Field]int, len(fields))
	for i, f := range fields {
		pos[f] = i
	}
	now := []any(nil)
	src := make([][]any, len(rows))
	all := make([]any, len(rows)*len(fields))
	for i, as := range rows {
		vals := all[i*len(fields) : (i+1)*len(fields) : (i+1)*len(fields)]
		for k, a := range as {
			j := k // rows assign fields in model order, as fields lists them
			if j >= len(fields) || fields[j] != a.f {
				j = pos[a.f]
			}
			vals[j] = a.v
		}
		for j, f := range fields {
			if f.UpdatedAt && vals[j] == nil {
				if now == nil {
					now = []any{nowUTC()}
				}
				vals[j] = now[0]
			}
		}
		src[i] = vals
	}
	table := pgx.Identifier{m.Table}
	if m.DBSchema != "" {
		table = pgx.Identifier{m.DBSchema, m.Table}
	}
	var n int64
	err := h.do(ctx, func(q querier) error {
		start := timeNow()
		var err error
		h.record(q, m, ActionCreateMany)
		n, err = q.CopyFrom(ctx, table, cols, pgx.CopyFromRows(src))
		h.emit(ctx, q, m, ActionCreateMany, "COPY "+m.qtable+" ("+returningList(fields)+") FROM STDIN", len(rows)*len(fields), start, n, err)
		return classify(m, err)
	})
	return n, err
}

// requiredOwner is the required relation of m that f is (part of) the
// foreign key of, nil when there is none.
func requiredOwner(m *Model, f *Field) *Relation {
	for _, r := range m.Relations {
		if r.owner && r.required() && slices.Contains(r.local, f) {
			return r
		}
	}
	return nil
}

func assignsAny(as []assign, fields []*Field) bool {
	for _, a := range as {
		if slices.Contains(fields, a.f) {
			return true
		}
	}
	return false
}

// checkedInputOptions are the fields of m's checked create input: its
// scalar fields but the foreign keys of its relations, then the relations.
func checkedInputOptions(m *Model) []string {
	var out []string
	for _, f := range m.Fields {
		fk := false
		for _, r := range m.Relations {
			if r.owner && slices.Contains(r.local, f) {
				fk = true
			}
		}
		if !fk {
			out = append(out, f.Name)
		}
	}
	for _, r := range m.Relations {
		out = append(out, r.Name)
	}
	return out
}

// argumentIs renames, in a value error of field, the argument Prisma names
// (`push` when the value was pushed to the field).
func argumentIs(err error, field, arg string) error {
	if msg := err.Error(); strings.HasPrefix(msg, "Invalid value for argument `"+field+"`") {
		return errors.New("Invalid value for argument `" + arg + "`" + strings.TrimPrefix(msg, "Invalid value for argument `"+field+"`"))
	}
	return err
}
