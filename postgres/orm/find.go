package orm

import (
	"context"
	"fmt"
	"reflect"

	"github.com/jackc/pgx/v5"
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

func findOp[T any](ctx context.Context, db DB, m *Model, act Action, args *FindArgs) (any, error) {
	if args == nil {
		args = &FindArgs{}
	}
	return run(ctx, db, &Operation{Model: m, Action: act, Args: args, typ: typeOf[T]()})
}

func asResult[R any](act Action, res any) (R, error) {
	r, ok := res.(R)
	if !ok {
		var zero R
		return zero, fmt.Errorf("orm: %s returned %T, want %T", act, res, zero)
	}
	return r, nil
}

// FindMany returns the rows of m matching args, as values of T: a struct
// whose fields carry the schema names as JSON names (generated models).
// Included relations fill the fields named after them; "_count" fills a
// field named _count.
func FindMany[T any](ctx context.Context, db DB, m *Model, args *FindArgs) ([]T, error) {
	res, err := findOp[T](ctx, db, m, ActionFindMany, args)
	if err != nil {
		return nil, err
	}
	return asResult[[]T](ActionFindMany, res)
}

// FindFirst returns the first matching row, or nil.
func FindFirst[T any](ctx context.Context, db DB, m *Model, args *FindArgs) (*T, error) {
	res, err := findOp[T](ctx, db, m, ActionFindFirst, args)
	if err != nil {
		return nil, err
	}
	return asResult[*T](ActionFindFirst, res)
}

// FindFirstOrThrow is FindFirst that fails with P2025 (ErrNotFound).
func FindFirstOrThrow[T any](ctx context.Context, db DB, m *Model, args *FindArgs) (*T, error) {
	res, err := findOp[T](ctx, db, m, ActionFindFirstOrThrow, args)
	if err != nil {
		return nil, err
	}
	return asResult[*T](ActionFindFirstOrThrow, res)
}

// FindUnique returns the row selected by a unique Where (primary key or a
// unique field set, checked), or nil.
func FindUnique[T any](ctx context.Context, db DB, m *Model, args *FindArgs) (*T, error) {
	res, err := findOp[T](ctx, db, m, ActionFindUnique, args)
	if err != nil {
		return nil, err
	}
	return asResult[*T](ActionFindUnique, res)
}

// FindUniqueOrThrow is FindUnique that fails with P2025 (ErrNotFound).
func FindUniqueOrThrow[T any](ctx context.Context, db DB, m *Model, args *FindArgs) (*T, error) {
	res, err := findOp[T](ctx, db, m, ActionFindUniqueOrThrow, args)
	if err != nil {
		return nil, err
	}
	return asResult[*T](ActionFindUniqueOrThrow, res)
}

// firstTake is the take of a find: findFirst reads one row, the last one
// when take is negative (as Prisma turns take: -n into take: -1, so
// findFirst with take -1 is the last row in orderBy order); findUnique one.
func firstTake(act Action, take int) int {
	switch {
	case act == ActionFindMany:
		return take
	case take < 0 && (act == ActionFindFirst || act == ActionFindFirstOrThrow):
		return -1
	}
	return 1
}

func (h *handle) find(ctx context.Context, m *Model, act Action, fa *FindArgs, typ reflect.Type) (any, error) {
	if (act == ActionFindFirst || act == ActionFindFirstOrThrow) && fa.Take != 0 && fa.Take != 1 && fa.Take != -1 {
		return nil, &Error{Code: CodeInputError, Model: m.Name,
			Message: "Input error. The '" + string(act) + "' operation cannot be used with a 'take' argument that isn't 1 or -1"}
	}
	if act == ActionFindUnique || act == ActionFindUniqueOrThrow {
		// Prisma's findUnique takes where, select, include and omit only.
		// A Take of 1 is let through (the generated client's FindUnique
		// sets it, and it reads the one row anyway); ParseFindArgsFor
		// refuses take in Prisma's JSON.
		for _, a := range []struct {
			name string
			set  bool
		}{{"skip", fa.Skip != 0}, {"take", fa.Take != 0 && fa.Take != 1}, {"cursor", len(fa.Cursor) > 0}, {"orderBy", len(fa.OrderBy) > 0}, {"distinct", len(fa.Distinct) > 0}} {
			if a.set {
				return nil, unknownArg(m, a.name, a.name, findUniqueArgs)
			}
		}
		if err := checkUnique(m, fa.Where, "where"); err != nil {
			return nil, err
		}
	}
	fa = distinctOrder(fa)
	if take := firstTake(act, fa.Take); take != fa.Take {
		cp := *fa
		cp.Take = take
		fa = &cp
	}
	reversed := false
	if fa.Take < 0 {
		fa = reverseArgs(m, fa)
		reversed = true
	}
	rows, err := h.findRows(ctx, m, act, fa, typ)
	if err != nil {
		return nil, err
	}
	if reversed {
		for i, j := 0, rows.Len()-1; i < j; i, j = i+1, j-1 {
			a, b := rows.Index(i), rows.Index(j)
			tmp := reflect.New(typ).Elem()
			tmp.Set(a)
			a.Set(b)
			b.Set(tmp)
		}
	}
	if act == ActionFindMany {
		return rows.Interface(), nil
	}
	if rows.Len() == 0 {
		if act == ActionFindFirstOrThrow || act == ActionFindUniqueOrThrow {
			return nil, notFound(m, "No record was found for a query.")
		}
		return reflect.Zero(reflect.PointerTo(typ)).Interface(), nil
	}
	return rows.Index(0).Addr().Interface(), nil
}

// reverseArgs turns a negative Take (the last rows in OrderBy order, as in
// Prisma) into a positive one over the reversed order; the caller reverses
// the rows back. With a Cursor it yields the rows up to the cursor.
// distinctOrder gives a level with Distinct and no OrderBy Prisma's order:
// the distinct fields, ascending (Prisma sorts by them when no orderBy is
// given, at the top level and in includes), which also decides the row
// kept of each set of values.
func distinctOrder(fa *FindArgs) *FindArgs {
	if len(fa.Distinct) == 0 || len(fa.OrderBy) > 0 {
		return fa
	}
	cp := *fa
	cp.OrderBy = make([]Order, len(fa.Distinct))
	for i, n := range fa.Distinct {
		cp.OrderBy[i] = Asc(n)
	}
	return &cp
}

// forward is fa, or with a negative Take the same rows read backwards
// (reverseArgs): a nested level's list with take -n is the last n rows in
// order, as Prisma reads them; the caller reverses them back.
func forward(m *Model, fa *FindArgs) *FindArgs {
	if fa.Take < 0 {
		return reverseArgs(m, fa)
	}
	return fa
}

func reverseArgs(m *Model, fa *FindArgs) *FindArgs {
	cp := *fa
	cp.Take = -fa.Take
	cp.OrderBy = make([]Order, 0, len(fa.OrderBy)+len(m.pk))
	seen := map[string]bool{}
	flip := func(o Order) Order {
		o.Desc, o.Nulls = !o.Desc, o.Nulls.flip()
		return o
	}
	for _, o := range fa.OrderBy {
		if o.isField() {
			seen[o.Field] = true
		}
		cp.OrderBy = append(cp.OrderBy, flip(o))
	}
	for _, f := range m.pk {
		if !seen[f.Name] {
			cp.OrderBy = append(cp.OrderBy, flip(Asc(f.Name)))
		}
	}
	return &cp
}

// findRows loads rows and their included relations into a []typ.
func (h *handle) findRows(ctx context.Context, m *Model, act Action, fa *FindArgs, typ reflect.Type) (reflect.Value, error) {
	join := len(fa.Include) == 0 || h.c.strategy(fa.Strategy) == StrategyJoin || compositeInclude(m, fa.Include)
	c := h.compiler()
	lock, err := h.lockClause(m, act, fa)
	if err != nil {
		return reflect.Value{}, err
	}
	cf, err := cachedSelect(m, &c, nil, func(w *shapeWalk) bool {
		w.key = append(w.key, 'T', flag(join))
		return w.level(m, fa, join)
	}, func() (string, []string, error) { return c.topSelect(m, fa, join) })
	if err != nil {
		return reflect.Value{}, err
	}
	sql := cf.sql
	var plan *rowPlan
	if lock != "" {
		sql += lock
		plan, err = planFor(typ, sql, cf.cols)
	} else {
		plan, err = cf.plan(typ)
	}
	if err != nil {
		return reflect.Value{}, err
	}
	s := newSink(plan, nil, fa.Take)
	err = h.read(ctx, func(q querier) error {
		if err := h.query(ctx, q, m, act, sql, cf.args, s.scan); err != nil {
			return err
		}
		if !join {
			return h.loadIncludes(ctx, q, m, act, fa.Include, s.rows, plan.ti, "include")
		}
		return nil
	})
	if err != nil {
		return reflect.Value{}, err
	}
	return s.rows, nil
}

// compositeInclude reports whether incs (at any depth) follow a relation
// whose key has more than one field; such a tree loads with StrategyJoin
// whatever the strategy asked, as the query strategy keys each level on
// one column (both give Prisma's rows).
func compositeInclude(m *Model, incs []Include) bool {
	for _, in := range incs {
		r := m.relations[in.Relation]
		if r == nil {
			continue // reported by the compiler
		}
		if len(r.local) != 1 {
			return true
		}
		if in.Args != nil && compositeInclude(r.target, in.Args.Include) {
			return true
		}
	}
	return false
}

// loadIncludes is the query strategy: one statement per relation level,
// for all parent rows at once.
func (h *handle) loadIncludes(ctx context.Context, q querier, m *Model, act Action, incs []Include, parents reflect.Value, ti *typeInfo, path string) error {
	for _, in := range incs {
		p := joinPath(path, in.Relation)
		r := m.relations[in.Relation]
		if r == nil {
			return validationErr(m, p, "unknown relation %q", in.Relation)
		}
		if len(r.local) != 1 {
			return validationErr(m, p, "composite relation keys need StrategyJoin")
		}
		fa := in.Args
		if fa == nil {
			fa = &FindArgs{}
		}
		fa = distinctOrder(fa)
		// Validate before looking at the data, so errors do not depend on
		// it (a negative take is read backwards, see childSelect).
		if err := checkPaging(r.target, forward(r.target, fa), p); err != nil {
			return err
		}
		keyIdx, ok := ti.byName[r.local[0].Name]
		if !ok {
			return fmt.Errorf("orm: %s has no field for %s.%s, needed to load %s", ti.t, m.Name, r.local[0].Name, r.Name)
		}
		relIdx, ok := ti.byName[r.Name]
		if !ok {
			return fmt.Errorf("orm: %s has no field for relation %s", ti.t, r.Name)
		}
		relType := ti.t.FieldByIndex(relIdx).Type
		childType := baseType(relType)
		if r.ToMany() {
			if relType.Kind() != reflect.Slice {
				return fmt.Errorf("orm: field %s of %s must be a slice", r.Name, ti.t)
			}
			childType = baseType(relType.Elem())
		}
		keyType := baseType(ti.t.FieldByIndex(keyIdx).Type)
		keys := reflect.MakeSlice(reflect.SliceOf(keyType), 0, parents.Len())
		groups := newKeyMap(parents.Len())
		for i := range parents.Len() {
			kv := parents.Index(i).FieldByIndex(keyIdx)
			if !groups.add(kv) {
				continue
			}
			for kv.Kind() == reflect.Pointer {
				kv = kv.Elem()
			}
			keys = reflect.Append(keys, kv)
		}
		// Compiled even without parents, so an invalid nested query fails
		// the same way whatever the data.
		c := h.compiler()
		kv := keys.Interface()
		cf, err := cachedSelect(r.target, &c, kv, func(w *shapeWalk) bool {
			w.key = append(w.key, 'C')
			w.str(m.Name)
			w.str(r.Name)
			return w.level(r.target, fa, false)
		}, func() (string, []string, error) { return c.childSelect(r, fa, kv, p) })
		if err != nil {
			return err
		}
		plan, err := cf.plan(childType)
		if err != nil {
			return err
		}
		s := newSink(plan, keyType, 0)
		if keys.Len() > 0 {
			if err := h.query(ctx, q, r.target, act, cf.sql, cf.args, s.scan); err != nil {
				return err
			}
		}
		if len(fa.Include) > 0 {
			if err := h.loadIncludes(ctx, q, r.target, act, fa.Include, s.rows, plan.ti, p); err != nil {
				return err
			}
		}
		// The children of each key, in their order: a counting sort over
		// the keys' group numbers.
		children := s.rows
		start := make([]int, groups.n+1)
		gid := make([]int, s.n)
		for i := range s.n {
			g, ok := groups.lookup(s.pvals.Index(i))
			if !ok {
				g = -1 // not a parent's key: belongs to no list
			} else {
				start[g+1]++
			}
			gid[i] = g
		}
		for g := range groups.n {
			start[g+1] += start[g]
		}
		order := make([]int, start[groups.n])
		fill := append([]int(nil), start[:groups.n]...)
		for i, g := range gid {
			if g >= 0 {
				order[fill[g]] = i
				fill[g]++
			}
		}
		for i := range parents.Len() {
			pr := parents.Index(i)
			var idxs []int
			if g, ok := groups.lookup(pr.FieldByIndex(keyIdx)); ok {
				idxs = order[start[g]:start[g+1]]
			}
			dst := pr.FieldByIndex(relIdx)
			if r.ToMany() {
				list := reflect.MakeSlice(relType, len(idxs), len(idxs))
				for j, ci := range idxs {
					setElem(list.Index(j), children.Index(ci))
				}
				dst.Set(list)
			} else if len(idxs) > 0 {
				setElem(dst, children.Index(idxs[0]))
			}
		}
	}
	return nil
}

// setElem stores the struct value v into dst (a struct or pointer to one).
func setElem(dst, v reflect.Value) {
	if dst.Kind() == reflect.Pointer {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		dst.Set(p)
		return
	}
	dst.Set(v)
}

var _ = pgx.ErrNoRows
