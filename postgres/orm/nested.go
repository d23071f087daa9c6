package orm

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
	"strconv"
	"time"
)

func timeNow() time.Time { return time.Now() }
func nowUTC() time.Time  { return time.Now().UTC() }

// createNested inserts a row of m with its nested writes (inside a
// transaction) and returns the inserted record.
func (h *handle) createNested(ctx context.Context, m *Model, d Data, path string) (record, error) {
	d = h.c.nestedCreate(m, d)
	as, rels, err := splitData(m, d, path, true)
	if err != nil {
		return nil, err
	}
	// Owner side first: the related row's key goes into this row.
	for _, rw := range rels {
		if !rw.r.owner {
			continue
		}
		p := joinPath(path, rw.r.Name)
		rec, err := h.resolveOwned(ctx, rw, p)
		if err != nil {
			return nil, err
		}
		if rec != nil {
			for i, f := range rw.r.local {
				as = setAssign(as, f, rec[rw.r.foreign[i].Name])
			}
		}
	}
	if err := checkRequired(m, as, path); err != nil {
		return nil, err
	}
	c := h.compiler()
	cols, vals := c.insertParts(m, as)
	rec, err := h.doRecord(ctx, m, ActionCreate, &c, insertSQL(m, cols, vals)+" RETURNING *")
	if err != nil {
		return nil, err
	}
	for _, rw := range rels {
		if rw.r.owner {
			continue
		}
		if err := h.writeChildren(ctx, rw, rec, joinPath(path, rw.r.Name)); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// setAssign sets f to v in as, replacing a generated value of f.
func setAssign(as []assign, f *Field, v any) []assign {
	for i := range as {
		if as[i].f == f {
			as[i].v = v
			return as
		}
	}
	return append(as, assign{f, v})
}

// resolveOwned creates or finds the row an owner-side relation points to
// and returns it (nil when the nested write sets nothing).
func (h *handle) resolveOwned(ctx context.Context, rw relWrite, p string) (record, error) {
	r, n := rw.r, rw.n
	if len(n.Create)+len(n.Connect)+len(n.ConnectOrCreate) > 1 {
		return nil, validationErr(r.model, p, "a to-one relation takes one of create, connect, connectOrCreate")
	}
	switch {
	case len(n.Create) == 1:
		return h.createNested(ctx, r.target, n.Create[0], joinPath(p, "create"))
	case len(n.Connect) == 1:
		rec, err := h.findRecord(ctx, r.target, n.Connect[0], joinPath(p, "connect"))
		if IsNotFound(err) {
			return nil, connectNotFoundErr(ctx, r, rw.create)
		}
		return rec, err
	case len(n.ConnectOrCreate) == 1:
		coc := n.ConnectOrCreate[0]
		rec, err := h.findRecord(ctx, r.target, coc.Where, joinPath(p, "connectOrCreate.where"))
		if IsNotFound(err) {
			return h.createNested(ctx, r.target, coc.Create, joinPath(p, "connectOrCreate.create"))
		}
		return rec, err
	}
	return nil, nil
}

// findRecord reads the row of m selected by the unique w; none is P2025.
func (h *handle) findRecord(ctx context.Context, m *Model, w Where, p string) (record, error) {
	if err := checkUnique(m, w, p); err != nil {
		return nil, err
	}
	c := h.compiler()
	cond, err := c.where(m, m.qtable, h.c.scoped(m, w), p)
	if err != nil {
		return nil, err
	}
	var rec record
	err = h.do(ctx, func(q querier) error {
		rec, err = h.scanRecord(ctx, q, m, ActionFindUnique, "SELECT * FROM "+m.qtable+" WHERE "+cond+" FOR UPDATE", c.args)
		return err
	})
	if err == nil && rec == nil {
		return nil, notFound(m, "No record was found for a query.")
	}
	return rec, err
}

// linkData is the data that points a child of r at the parent record.
func linkData(r *Relation, parent record) Data {
	d := make(Data, len(r.foreign))
	for i, f := range r.foreign {
		d[f.Name] = parent[r.local[i].Name]
	}
	return d
}

func mergeData(a, b Data) Data {
	out := make(Data, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// linkCond restricts the target rows of r to those linked to parent.
func linkCond(r *Relation, parent record) Where {
	if r.Kind == ManyToMany {
		// Rows joined to the parent through the join table.
		return Where{&joinedTo{r: r, key: parent[r.local[0].Name]}}
	}
	w := make(Where, len(r.foreign))
	for i, f := range r.foreign {
		w[i] = Eq(f.Name, parent[r.local[i].Name])
	}
	return w
}

// joinedTo is an internal condition: the row is linked to key through a
// many-to-many join table.
type joinedTo struct {
	r   *Relation
	key any
}

func (*joinedTo) isCond() {}

// writeChildren applies a nested write on a non-owner relation of parent.
func (h *handle) writeChildren(ctx context.Context, rw relWrite, parent record, p string) error {
	r, n := rw.r, rw.n
	t := r.target
	m2m := r.Kind == ManyToMany
	link := func(child record) error {
		if !m2m {
			return nil
		}
		c := h.compiler()
		sql := "INSERT INTO " + quoteIdent(r.JoinTable.Table) + " (" + quoteIdent(r.JoinTable.Column) + ", " +
			quoteIdent(r.JoinTable.TargetColumn) + ") VALUES (" + c.arg(parent[r.local[0].Name]) + ", " +
			c.arg(child[r.foreign[0].Name]) + ") ON CONFLICT DO NOTHING"
		return h.do(ctx, func(q querier) error {
			_, err := h.exec(ctx, q, t, ActionCreate, sql, c.args)
			return err
		})
	}
	// connect links the row w selects, telling whether there was one.
	connect := func(w Where, pp string) (bool, error) {
		if m2m {
			child, err := h.findRecord(ctx, t, w, pp)
			if IsNotFound(err) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			return true, link(child)
		}
		if err := checkUnique(t, w, pp); err != nil {
			return false, err
		}
		n, err := h.updateWhere(ctx, t, w, linkData(r, parent), pp)
		return n > 0, err
	}
	// connectAll connects a list of rows, which Prisma counts as one
	// batch. Rows not found fail a many-to-many's connect and set (P2025
	// "Expected 2 records to be connected, found only 1."), a one-to-many's
	// connect (P2018) and a one-to-one's connect (P2025 naming the
	// relation); a one-to-many's set links the rows it finds.
	connectAll := func(ws []Where, set bool, pp string) error {
		found := 0
		for i, w := range ws {
			ok, err := connect(w, pp+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return err
			}
			if ok {
				found++
			}
		}
		if found == len(ws) {
			return nil
		}
		switch {
		case m2m:
			return nestedNotFound(ctx, r, "Expected "+strconv.Itoa(len(ws))+" records to be connected, found only "+strconv.Itoa(found)+".")
		case r.ToMany() && set:
			return nil
		case r.ToMany():
			return connectedNotFoundErr(ctx, r, len(ws), found)
		}
		return connectNotFoundErr(ctx, r, rw.create)
	}
	// disconnectAll unlinks the rows w selects (set: every linked row
	// that keep does not select). A required foreign key cannot be
	// unlinked: Prisma's P2014 when some row would be, nothing otherwise.
	disconnectAll := func(w Where, set bool, keep []Where, pp string) error {
		if m2m {
			c := h.compiler()
			cond, err := c.where(t, "dt", h.c.scoped(t, w), pp)
			if err != nil {
				return err
			}
			sql := "DELETE FROM " + quoteIdent(r.JoinTable.Table) + " WHERE " + quoteIdent(r.JoinTable.Column) + " = " +
				c.arg(parent[r.local[0].Name]) + " AND " + quoteIdent(r.JoinTable.TargetColumn) + " IN (SELECT " +
				col("dt", r.foreign[0]) + " FROM " + t.qtable + " dt WHERE " + cond + ")"
			return h.do(ctx, func(q querier) error {
				_, err := h.exec(ctx, q, t, ActionUpdate, sql, c.args)
				return err
			})
		}
		cond := append(linkCond(r, parent), w...)
		null := make(Data, len(r.foreign))
		required := false
		for _, f := range r.foreign {
			required = required || !f.Nullable
			null[f.Name] = nil
		}
		if required {
			if set {
				cond = append(cond, Not(keep))
			}
			cnt, err := h.count(ctx, t, &CountArgs{Where: h.c.scoped(t, cond)})
			if err != nil {
				return err
			}
			if cnt.(int64) > 0 {
				return requiredRelationErr(ctx, r)
			}
			return nil
		}
		_, err := h.updateWhere(ctx, t, cond, null, pp)
		return err
	}
	for i, d := range n.CreateMany {
		if _, rels, err := splitData(t, d, p+".createMany["+strconv.Itoa(i)+"]", true); err != nil {
			return err
		} else if len(rels) > 0 {
			return validationErr(t, p+".createMany["+strconv.Itoa(i)+"]", "createMany rows may not hold nested writes")
		}
	}
	if r.Kind == OneToOne && !rw.create && len(n.Create)+len(n.Connect) > 0 {
		// The parent keeps one row: the one linked now is unlinked
		// first, which a required foreign key forbids (P2014); a connect
		// of the row already linked changes nothing. A connect finding
		// no row fails before that.
		var err error
		if len(n.Connect) > 0 {
			if _, err := h.findRecord(ctx, t, n.Connect[0], p+".connect"); IsNotFound(err) {
				return connectNotFoundErr(ctx, r, false)
			} else if err != nil {
				return err
			}
			err = disconnectAll(nil, true, n.Connect[:1], p+".connect")
		} else {
			err = disconnectAll(nil, false, nil, p+".create")
		}
		if err != nil {
			return err
		}
	}
	creates := n.Create
	skipping := n.SkipDuplicates && !m2m
	if len(n.CreateMany) > 0 && !skipping {
		creates = append(append([]Data{}, n.Create...), n.CreateMany...)
	}
	for i, d := range creates {
		pp := p + ".create[" + strconv.Itoa(i) + "]"
		if m2m {
			child, err := h.createNested(ctx, t, d, pp)
			if err != nil {
				return err
			}
			if err := link(child); err != nil {
				return err
			}
			continue
		}
		if _, err := h.createNested(ctx, t, mergeData(d, linkData(r, parent)), pp); err != nil {
			return err
		}
	}
	if skipping {
		for i, d := range n.CreateMany {
			pp := p + ".createMany[" + strconv.Itoa(i) + "]"
			if err := h.createSkippingDuplicate(ctx, t, mergeData(d, linkData(r, parent)), pp); err != nil {
				return err
			}
		}
	}
	if err := connectAll(n.Connect, false, p+".connect"); err != nil {
		return err
	}
	for i, coc := range n.ConnectOrCreate {
		pp := p + ".connectOrCreate[" + strconv.Itoa(i) + "]"
		found, err := connect(coc.Where, pp)
		if err == nil && !found {
			if m2m {
				var child record
				if child, err = h.createNested(ctx, t, coc.Create, pp); err == nil {
					err = link(child)
				}
			} else {
				_, err = h.createNested(ctx, t, mergeData(coc.Create, linkData(r, parent)), pp)
			}
		}
		if err != nil {
			return err
		}
	}
	for i, w := range n.Disconnect {
		if err := disconnectAll(w, false, nil, p+".disconnect["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	if n.Set != nil || n.SetNone {
		if !r.ToMany() {
			return validationErr(r.model, p+".set", "set applies to to-many relations")
		}
		if err := disconnectAll(nil, true, n.Set, p+".set"); err != nil {
			return err
		}
		if err := connectAll(n.Set, true, p+".set"); err != nil {
			return err
		}
	}
	for i, u := range n.Update {
		pp := p + ".update[" + strconv.Itoa(i) + "]"
		if r.ToMany() {
			if err := checkUnique(t, u.Where, pp+".where"); err != nil {
				return err
			}
		}
		cnt, err := h.updateWhere(ctx, t, append(linkCond(r, parent), u.Where...), u.Data, pp)
		if err != nil {
			return err
		}
		if cnt == 0 {
			return nestedMissing(ctx, r, "update")
		}
	}
	for i, u := range n.UpdateMany {
		pp := p + ".updateMany[" + strconv.Itoa(i) + "]"
		if !r.ToMany() {
			return validationErr(r.model, pp, "updateMany applies to to-many relations")
		}
		if _, rels, err := splitData(t, u.Data, pp+".data", false); err != nil {
			return err
		} else if len(rels) > 0 {
			return validationErr(t, pp+".data", "updateMany does not take nested writes")
		}
		if _, err := h.updateWhere(ctx, t, append(linkCond(r, parent), u.Where...), u.Data, pp+".data"); err != nil {
			return err
		}
	}
	for i, u := range n.Upsert {
		pp := p + ".upsert[" + strconv.Itoa(i) + "]"
		if len(u.Update) == 0 {
			return validationErr(t, pp+".update", "upsert needs update data")
		}
		if r.ToMany() {
			if err := checkUnique(t, u.Where, pp+".where"); err != nil {
				return err
			}
		}
		cnt, err := h.updateWhere(ctx, t, append(linkCond(r, parent), u.Where...), u.Update, pp+".update")
		if err != nil {
			return err
		}
		if cnt > 0 {
			continue
		}
		if m2m {
			child, err := h.createNested(ctx, t, u.Create, pp+".create")
			if err == nil {
				err = link(child)
			}
			if err != nil {
				return err
			}
		} else if _, err := h.createNested(ctx, t, mergeData(u.Create, linkData(r, parent)), pp+".create"); err != nil {
			return err
		}
	}
	for i, w := range n.Delete {
		pp := p + ".delete[" + strconv.Itoa(i) + "]"
		if r.ToMany() {
			if err := checkUnique(t, w, pp); err != nil {
				return err
			}
		}
		cnt, err := h.deleteWhere(ctx, t, append(linkCond(r, parent), w...), pp)
		if err != nil {
			return err
		}
		if cnt == 0 && r.ToMany() {
			return notConnectedErr(ctx, r)
		}
		if cnt == 0 {
			return nestedMissing(ctx, r, "delete")
		}
	}
	for i, w := range n.DeleteMany {
		pp := p + ".deleteMany[" + strconv.Itoa(i) + "]"
		if !r.ToMany() {
			return validationErr(r.model, pp, "deleteMany applies to to-many relations")
		}
		if _, err := h.deleteWhere(ctx, t, append(linkCond(r, parent), w...), pp); err != nil {
			return err
		}
	}
	return nil
}

// deleteWhere deletes the rows of m matching w (within the client's scope);
// where an extension turns deletes of m into updates (soft delete), it
// applies that update instead. It returns the number of rows affected.
func (h *handle) deleteWhere(ctx context.Context, m *Model, w Where, p string) (int64, error) {
	if d := h.c.nestedDelete(m); d != nil {
		return h.updateWhere(ctx, m, w, d, p)
	}
	c := h.compiler()
	cond, err := c.where(m, m.qtable, h.c.scoped(m, w), p)
	if err != nil {
		return 0, err
	}
	var cnt int64
	err = h.do(ctx, func(q querier) error {
		cnt, err = h.exec(ctx, q, m, ActionDelete, "DELETE FROM "+m.qtable+" WHERE "+cond, c.args)
		return err
	})
	return cnt, err
}

// updateWhere applies d to the rows of m matching w (within the client's
// scope); rows whose data holds nested writes are updated one by one.
func (h *handle) updateWhere(ctx context.Context, m *Model, w Where, d Data, p string) (int64, error) {
	as, rels, err := splitData(m, d, p, false)
	if err != nil {
		return 0, err
	}
	w = h.c.scoped(m, w)
	if len(rels) > 0 {
		return h.updateEach(ctx, m, w, d, p)
	}
	if len(as) == 0 {
		return 0, nil
	}
	c := h.compiler()
	sql, err := c.updateSQL(m, as, w)
	if err != nil {
		return 0, err
	}
	var n int64
	err = h.do(ctx, func(q querier) error {
		n, err = h.exec(ctx, q, m, ActionUpdate, sql, c.args)
		return err
	})
	return n, err
}

// updateEach locks the rows of m matching w and applies d, nested writes
// included, to each of them.
func (h *handle) updateEach(ctx context.Context, m *Model, w Where, d Data, p string) (int64, error) {
	if len(m.pk) == 0 {
		return 0, validationErr(m, p, "nested writes below a nested update need a primary key on %s", m.Name)
	}
	c := h.compiler()
	cond, err := c.where(m, m.qtable, w, p)
	if err != nil {
		return 0, err
	}
	var recs []record
	err = h.do(ctx, func(q querier) error {
		return h.query(ctx, q, m, ActionUpdate, "SELECT * FROM "+m.qtable+" WHERE "+cond+" FOR UPDATE", c.args, func(rows pgx.Rows) error {
			rec, err := recordOf(m, rows)
			if err == nil {
				recs = append(recs, rec)
			}
			return err
		})
	})
	if err != nil {
		return 0, err
	}
	for _, rec := range recs {
		if _, err := h.updateNested(ctx, m, pkWhere(m, rec), d, p); err != nil {
			return 0, err
		}
	}
	return int64(len(recs)), nil
}

// updateNested updates the row selected by w (unique) with nested writes.
func (h *handle) updateNested(ctx context.Context, m *Model, w Where, d Data, path string) (record, error) {
	w = h.c.scoped(m, w)
	as, rels, err := splitData(m, d, path, false)
	if err != nil {
		return nil, err
	}
	// Owner-side connects/creates/disconnects become assignments.
	var ownerLater []relWrite
	for _, rw := range rels {
		if !rw.r.owner {
			continue
		}
		p := joinPath(path, rw.r.Name)
		n := rw.n
		if len(n.CreateMany) > 0 || len(n.Set) > 0 {
			return nil, validationErr(m, p, "createMany and set do not apply to %s, which holds the foreign key", rw.r.Name)
		}
		if len(n.Upsert) > 0 {
			var err error
			if rw, err = h.ownerUpsert(ctx, m, w, rw, p); err != nil {
				return nil, err
			}
			n = rw.n
		}
		ownerOps := []string{"create", "connectOrCreate", "upsert", "connect", "update"}
		if len(n.Delete) > 0 && !slices.ContainsFunc(rw.r.local, func(f *Field) bool { return f.Nullable }) {
			// Prisma's input for a required to-one relation has no delete.
			return nil, unknownArg(m, p+".delete", "delete", ownerOps)
		}
		if len(n.Disconnect) > 0 {
			for _, f := range rw.r.local {
				if !f.Nullable {
					// Prisma's input for a required to-one relation has no
					// disconnect (nor delete).
					return nil, unknownArg(m, p+".disconnect", "disconnect", ownerOps)
				}
				as = append(as, assign{f, nil})
			}
		}
		rec, err := h.resolveOwned(ctx, rw, p)
		if err != nil {
			return nil, err
		}
		if rec != nil {
			for i, f := range rw.r.local {
				as = setAssign(as, f, rec[rw.r.foreign[i].Name])
			}
		}
		if len(n.DeleteMany) > 0 || len(n.UpdateMany) > 0 {
			return nil, validationErr(m, p, "updateMany and deleteMany apply to to-many relations")
		}
		if len(n.Update) > 0 || len(n.Delete) > 0 {
			ownerLater = append(ownerLater, rw)
		}
	}
	var rec record
	if len(as) > 0 {
		c := h.compiler()
		sql, err := c.updateSQL(m, as, w)
		if err != nil {
			return nil, err
		}
		rec, err = h.doRecord(ctx, m, ActionUpdate, &c, sql+" RETURNING *")
		if err != nil {
			return nil, err
		}
	} else {
		c := h.compiler()
		cond, err := c.where(m, m.qtable, w, "where")
		if err != nil {
			return nil, err
		}
		rec, err = h.doRecord(ctx, m, ActionUpdate, &c, "SELECT * FROM "+m.qtable+" WHERE "+cond+" FOR UPDATE")
		if err != nil {
			return nil, err
		}
	}
	for _, rw := range ownerLater {
		p := joinPath(path, rw.r.Name)
		target := make(Where, len(rw.r.foreign))
		for i, f := range rw.r.foreign {
			target[i] = Eq(f.Name, rec[rw.r.local[i].Name])
		}
		// No row linked (an optional foreign key left empty) is Prisma's
		// P2025 for the nested update or delete.
		for _, u := range rw.n.Update {
			cnt, err := h.updateWhere(ctx, rw.r.target, append(target, u.Where...), u.Data, p+".update")
			if err != nil {
				return nil, err
			}
			if cnt == 0 {
				return nil, nestedMissing(ctx, rw.r, "update")
			}
		}
		if len(rw.n.Delete) > 0 {
			cnt, err := h.deleteWhere(ctx, rw.r.target, target, p+".delete")
			if err != nil {
				return nil, err
			}
			if cnt == 0 {
				return nil, nestedMissing(ctx, rw.r, "delete")
			}
		}
	}
	for _, rw := range rels {
		if rw.r.owner {
			continue
		}
		if err := h.writeChildren(ctx, rw, rec, joinPath(path, rw.r.Name)); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// ownerUpsert turns the upsert of a to-one relation whose foreign key m
// holds into what Prisma does: an update of the linked row when the row
// selected by w links one, else a create of the row to link (a connect).
func (h *handle) ownerUpsert(ctx context.Context, m *Model, w Where, rw relWrite, p string) (relWrite, error) {
	n := rw.n
	if len(n.Upsert) > 1 || len(n.Create)+len(n.Connect)+len(n.ConnectOrCreate) > 0 {
		return rw, validationErr(m, p, "a to-one relation takes one upsert, without create, connect or connectOrCreate")
	}
	c := h.compiler()
	cond, err := c.where(m, m.qtable, w, "where")
	if err != nil {
		return rw, err
	}
	cur, err := h.doRecord(ctx, m, ActionUpdate, &c, "SELECT * FROM "+m.qtable+" WHERE "+cond+" FOR UPDATE")
	if err != nil {
		return rw, err
	}
	up := n.Upsert[0]
	nn := *n
	nn.Upsert = nil
	linked := true
	for _, f := range rw.r.local {
		linked = linked && cur[f.Name] != nil
	}
	if linked {
		nn.Update = append(append([]NestedUpdate(nil), n.Update...), NestedUpdate{Where: up.Where, Data: up.Update})
	} else {
		nn.Create = []Data{up.Create}
	}
	return relWrite{r: rw.r, n: &nn, create: rw.create}, nil
}

// createSkippingDuplicate inserts one row of a nested createMany with
// skipDuplicates: INSERT ... ON CONFLICT DO NOTHING, so a row that would
// violate a unique constraint is left out, as Prisma's.
func (h *handle) createSkippingDuplicate(ctx context.Context, m *Model, d Data, path string) error {
	d = h.c.nestedCreate(m, d)
	as, _, err := splitData(m, d, path, true)
	if err != nil {
		return err
	}
	if err := checkRequired(m, as, path); err != nil {
		return err
	}
	c := h.compiler()
	cols, vals := c.insertParts(m, as)
	sql := insertSQL(m, cols, vals) + " ON CONFLICT DO NOTHING"
	return h.do(ctx, func(q querier) error {
		_, err := h.exec(ctx, q, m, ActionCreate, sql, c.args)
		return err
	})
}
