package migrate

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// StepKind names a migration step the way Prisma's migration comments do.
type StepKind string

// Step kinds, in the order a plan applies them.
const (
	CreateSchema    StepKind = "CreateSchema"
	CreateExtension StepKind = "CreateExtension"
	CreateEnum      StepKind = "CreateEnum"
	AlterEnum       StepKind = "AlterEnum"
	DropForeignKey  StepKind = "DropForeignKey"
	DropIndex       StepKind = "DropIndex"
	AlterTable      StepKind = "AlterTable"
	DropTable       StepKind = "DropTable"
	CreateTable     StepKind = "CreateTable"
	DropEnum        StepKind = "DropEnum"
	CreateIndex     StepKind = "CreateIndex"
	RenameIndex     StepKind = "RenameIndex"
	RenameFK        StepKind = "RenameForeignKey"
	AddForeignKey   StepKind = "AddForeignKey"
)

var stepOrder = []StepKind{CreateSchema, CreateExtension, CreateEnum, AlterEnum, DropForeignKey, DropIndex, AlterTable,
	DropTable, DropEnum, CreateTable, CreateIndex, RenameFK, AddForeignKey, RenameIndex}

// Step is one reviewable change: its kind, the object it touches, its SQL
// and what it may cost.
type Step struct {
	Kind StepKind
	// Object is the table, enum or schema the step changes.
	Object string
	SQL    string
	// Destructive marks steps that can lose data (dropping a table, a
	// column, an enum or enum value, narrowing a type). They are refused
	// unless the caller allows them.
	Destructive bool
	// Warnings explain the risk in words, one per change.
	Warnings []string
	// RequiresEmpty names (as SQL) a table that must have no rows for the
	// step to succeed: adding a required column without a default.
	RequiresEmpty string
	// Table is the table the step alters, for row checks.
	Table *Table
	// checks are what EvaluateDataLoss looks at in the rows present.
	checks []dataCheck
	// afterAlter places a DropIndex after the AlterTable steps: Prisma
	// drops the unique index a table's new primary key replaces last.
	afterAlter bool
}

// Plan is an ordered list of steps turning one database into another.
type Plan struct {
	Steps []Step
}

// Empty reports whether the plan has no steps (a nil plan has none).
func (p *Plan) Empty() bool { return p == nil || len(p.Steps) == 0 }

// Destructive returns the destructive steps.
func (p *Plan) Destructive() []Step {
	var out []Step
	if p == nil {
		return nil
	}
	for _, s := range p.Steps {
		if s.Destructive {
			out = append(out, s)
		}
	}
	return out
}

// SQL renders the plan as a migration script in Prisma's layout: each
// step under a "-- Kind" comment, warnings as comments, steps separated by
// a blank line. An empty plan renders as "-- This is an empty migration.".
func (p *Plan) SQL() string { return p.render(true) }

// Script renders the plan as prisma migrate diff --script prints it: the
// layout of SQL without the warnings comment, which Prisma writes only into
// the migration files of migrate dev.
func (p *Plan) Script() string { return p.render(false) }

func (p *Plan) render(warnings bool) string {
	if p.Empty() {
		return "-- This is an empty migration.\n"
	}
	var b strings.Builder
	if ws := p.Warnings(); warnings && len(ws) > 0 {
		b.WriteString("/*\n  Warnings:\n\n")
		for _, w := range ws {
			b.WriteString("  - " + w + "\n")
		}
		b.WriteString("\n*/\n")
	}
	for i, s := range p.Steps {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("-- " + string(s.Kind) + "\n" + s.SQL + "\n")
	}
	return b.String()
}

// Warnings returns every warning of the plan, in step order.
func (p *Plan) Warnings() []string {
	var out []string
	if p == nil {
		return nil
	}
	for _, s := range p.Steps {
		out = append(out, s.Warnings...)
	}
	return out
}

// Diff computes the steps that turn from into to. A nil from is the empty
// database, without even the default schema (Prisma's --from-empty): the
// plan then starts with CREATE SCHEMA IF NOT EXISTS "public". It never guesses
// renames: a renamed table or column (for example a changed @map) shows up
// as a drop and a create, flagged destructive, with a warning that says how
// to turn it into a rename by hand.
func Diff(from, to *Database) *Plan {
	empty := from == nil
	if from == nil {
		from = &Database{}
	}
	if to == nil {
		to = &Database{}
	}
	d := &differ{steps: map[StepKind][]Step{}, oldTables: tableIndex(from), newTables: tableIndex(to), fromSchema: from.fromSchema}
	d.schemas(from, to, empty)
	d.extensions(from, to)
	d.enums(from, to)
	for _, t := range to.Tables {
		old := d.oldTable(t.Schema, t.Name)
		if old == nil {
			d.createTable(t)
			continue
		}
		d.alterTable(old, t, to)
	}
	for _, t := range from.Tables {
		if d.newTable(t.Schema, t.Name) == nil {
			d.dropTable(t)
		}
	}
	d.renameHints(from, to)
	// Prisma sorts index creations by the table they had before: those of
	// new tables (none before) come first.
	created := map[*Table]bool{}
	for _, st := range d.steps[CreateTable] {
		created[st.Table] = true
	}
	sort.SliceStable(d.steps[CreateIndex], func(i, j int) bool {
		return created[d.steps[CreateIndex][i].Table] && !created[d.steps[CreateIndex][j].Table]
	})
	p := &Plan{}
	var late []Step
	for _, k := range stepOrder {
		for _, st := range d.steps[k] {
			if st.afterAlter {
				late = append(late, st)
			} else {
				p.Steps = append(p.Steps, st)
			}
		}
		if k == AlterTable {
			p.Steps = append(p.Steps, late...)
		}
	}
	return p
}

type differ struct {
	steps                map[StepKind][]Step
	oldTables, newTables map[string]*Table
	// fromSchema: the old side was read from a schema, not a database.
	fromSchema bool
}

func tableIndex(db *Database) map[string]*Table {
	m := make(map[string]*Table, len(db.Tables))
	for _, t := range db.Tables {
		m[t.Schema+"\x00"+t.Name] = t
	}
	return m
}

func (d *differ) oldTable(schema, name string) *Table { return d.oldTables[schema+"\x00"+name] }
func (d *differ) newTable(schema, name string) *Table { return d.newTables[schema+"\x00"+name] }

// indexOn reports whether ix covers exactly the columns, in order.
func indexOn(ix *Index, columns []string) bool {
	if len(ix.Columns) != len(columns) {
		return false
	}
	for i, c := range ix.Columns {
		if c.Name != columns[i] {
			return false
		}
	}
	return true
}

func (d *differ) add(s Step) { d.steps[s.Kind] = append(d.steps[s.Kind], s) }

func displayName(schema, name string) string {
	if schema == "" {
		return name
	}
	return schema + "." + name
}

// extensions creates the extensions to needs that from lacks. Extensions
// are never dropped: other schemas or objects may use them.
func (d *differ) extensions(from, to *Database) {
	have := map[string]bool{}
	for _, x := range from.Extensions {
		have[x.Name] = true
	}
	// Prisma creates them in name order.
	want := slices.Clone(to.Extensions)
	sort.SliceStable(want, func(i, j int) bool { return want[i].Name < want[j].Name })
	for _, x := range want {
		if !have[x.Name] {
			have[x.Name] = true
			d.add(Step{Kind: CreateExtension, Object: x.Name, SQL: createExtensionSQL(x)})
		}
	}
}

// schemas creates the database schemas to uses that from lacks, in name
// order as Prisma writes them; the default schema only when from is the
// empty database.
func (d *differ) schemas(from, to *Database, empty bool) {
	have := map[string]bool{"": !empty}
	for _, name := range from.Schemas {
		have[name] = true
	}
	for _, t := range from.Tables {
		have[t.Schema] = true
	}
	for _, e := range from.Enums {
		have[e.Schema] = true
	}
	var need []string
	want := func(s string) {
		if !have[s] {
			have[s] = true
			if s == "" {
				s = DefaultSchema
			}
			need = append(need, s)
		}
	}
	for _, e := range to.Enums {
		want(e.Schema)
	}
	for _, t := range to.Tables {
		want(t.Schema)
	}
	sort.Strings(need)
	for _, s := range need {
		d.add(Step{Kind: CreateSchema, Object: s, SQL: "CREATE SCHEMA IF NOT EXISTS " + quoteIdent(s) + ";"})
	}
}

func (d *differ) enums(from, to *Database) {
	for _, e := range to.Enums {
		old := from.Enum(e.Schema, e.Name)
		if old == nil {
			d.add(Step{Kind: CreateEnum, Object: displayName(e.Schema, e.Name), SQL: createEnumSQL(e)})
			continue
		}
		oldSet := map[string]bool{}
		for _, v := range old.Values {
			oldSet[v] = true
		}
		newSet := map[string]bool{}
		var added, removed []string
		for _, v := range e.Values {
			newSet[v] = true
			if !oldSet[v] {
				added = append(added, v)
			}
		}
		for _, v := range old.Values {
			if !newSet[v] {
				removed = append(removed, v)
			}
		}
		if len(removed) > 0 {
			d.recreateEnum(old, e, removed, to)
			continue
		}
		if len(added) > 0 {
			var sqls []string
			if len(added) > 1 {
				sqls = append(sqls, multiValueNote)
			}
			for _, v := range added {
				sqls = append(sqls, "ALTER TYPE "+qualified(e.Schema, e.Name)+" ADD VALUE "+quoteLiteral(v)+";")
			}
			d.add(Step{Kind: AlterEnum, Object: displayName(e.Schema, e.Name), SQL: strings.Join(sqls, "\n")})
		}
	}
	for _, e := range from.Enums {
		if to.Enum(e.Schema, e.Name) == nil {
			d.add(Step{Kind: DropEnum, Object: displayName(e.Schema, e.Name), SQL: "DROP TYPE " + qualified(e.Schema, e.Name) + ";",
				Destructive: true, Warnings: []string{fmt.Sprintf("The enum `%s` will be dropped.", e.Name)}})
		}
	}
}

// multiValueNote is what Prisma writes above the statements adding more
// than one value to an enum.
const multiValueNote = `-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.

`

// recreateEnum removes enum values the way Prisma does, in a transaction
// of its own: a new type, the columns converted, the old type dropped, the
// columns' defaults set again.
func (d *differ) recreateEnum(old, e *Enum, removed []string, to *Database) {
	typ := qualified(e.Schema, e.Name)
	tmp := qualified(e.Schema, e.Name+"_new")
	newEnum := &Enum{Schema: e.Schema, Name: e.Name + "_new", Values: e.Values}
	sqls := []string{"BEGIN;", createEnumSQL(newEnum)}
	// As Prisma: every default using the type is dropped first, then the
	// columns converted (an array through text too), then the defaults set
	// again after the swap.
	var drops, alters, defaults []string
	for _, t := range to.Tables {
		// Prisma drops and sets the defaults table by table, each table's
		// columns by name; it converts them in column order.
		cols := slices.Clone(t.Columns)
		sort.SliceStable(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
		for _, c := range cols {
			if strings.TrimSuffix(c.Type, "[]") != typ {
				continue
			}
			col := qualified(t.Schema, t.Name)
			hadDefault := c.Default != ""
			if ot := d.oldTable(t.Schema, t.Name); ot != nil {
				if oc := ot.Column(c.Name); oc != nil {
					hadDefault = oc.Default != ""
				}
			}
			if !hadDefault {
				// Prisma sets again only the defaults it dropped; a new
				// one comes with the table's changes after.
				continue
			}
			drops = append(drops, "ALTER TABLE "+col+" ALTER COLUMN "+quoteIdent(c.Name)+" DROP DEFAULT;")
			if c.Default != "" {
				defaults = append(defaults, "ALTER TABLE "+col+" ALTER COLUMN "+quoteIdent(c.Name)+" SET DEFAULT "+c.Default+";")
			}
		}
		for _, c := range t.Columns {
			base := strings.TrimSuffix(c.Type, "[]")
			if base != typ {
				continue
			}
			arr := strings.TrimPrefix(c.Type, base)
			alters = append(alters, "ALTER TABLE "+qualified(t.Schema, t.Name)+" ALTER COLUMN "+quoteIdent(c.Name)+" TYPE "+tmp+arr+
				" USING ("+quoteIdent(c.Name)+"::text::"+tmp+arr+");")
		}
	}
	sqls = append(append(sqls, drops...), alters...)
	sqls = append(sqls,
		"ALTER TYPE "+typ+" RENAME TO "+quoteIdent(e.Name+"_old")+";",
		"ALTER TYPE "+tmp+" RENAME TO "+quoteIdent(e.Name)+";",
		"DROP TYPE "+qualified(e.Schema, e.Name+"_old")+";")
	sqls = append(append(sqls, defaults...), "COMMIT;")
	d.add(Step{Kind: AlterEnum, Object: displayName(e.Schema, e.Name), SQL: strings.Join(sqls, "\n"), Destructive: true,
		Warnings: []string{fmt.Sprintf("The values [%s] on the enum `%s` will be removed. If these variants are still used in the database, this will fail.",
			strings.Join(removed, ","), e.Name)},
		checks: []dataCheck{{kind: lossStatic, text: fmt.Sprintf("The values [%s] on the enum `%s` will be removed. If these variants are still used in the database, this will fail.",
			strings.Join(removed, ","), e.Name)}}})
}

func (d *differ) createTable(t *Table) {
	d.add(Step{Kind: CreateTable, Object: displayName(t.Schema, t.Name), SQL: createTableSQL(t), Table: t})
	for _, ix := range createIndexOrder(t.Indexes) {
		d.add(Step{Kind: CreateIndex, Object: displayName(t.Schema, t.Name), SQL: createIndexSQL(t, ix), Table: t})
	}
	for _, fk := range t.ForeignKeys {
		d.add(Step{Kind: AddForeignKey, Object: displayName(t.Schema, t.Name), SQL: addForeignKeySQL(t, fk), Table: t})
	}
}

// createIndexOrder returns the indexes of a new table in the order Prisma
// creates them: @unique fields, then @@index, then @@unique.
func createIndexOrder(ixs []*Index) []*Index {
	rank := func(ix *Index) int {
		switch {
		case ix.Unique && ix.FieldLevel:
			return 0
		case !ix.Unique:
			return 1
		}
		return 2
	}
	out := append([]*Index(nil), ixs...)
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

func (d *differ) dropTable(t *Table) {
	// Its foreign keys go first, so dropped tables that reference each
	// other can be dropped in any order.
	for _, fk := range t.ForeignKeys {
		d.add(Step{Kind: DropForeignKey, Object: displayName(t.Schema, t.Name), SQL: dropForeignKeySQL(t, fk), Table: t})
	}
	d.add(Step{Kind: DropTable, Object: displayName(t.Schema, t.Name), SQL: "DROP TABLE " + qualified(t.Schema, t.Name) + ";",
		Destructive: true, Table: t, checks: []dataCheck{{kind: lossDropTable, table: t}},
		Warnings: []string{fmt.Sprintf("You are about to drop the `%s` table. If the table is not empty, all the data it contains will be lost.", t.Name)}})
	// Foreign keys of kept tables pointing at t are dropped by alterTable
	// (they no longer exist in the target).
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// colTypeChanged reports whether a column kept from the old database
// changes type.
func (d *differ) colTypeChanged(schema, table, col string) bool {
	o, n := d.oldTable(schema, table), d.newTable(schema, table)
	if o == nil || n == nil {
		return false
	}
	oc, nc := o.Column(col), n.Column(col)
	return oc != nil && nc != nil && oc.Type != nc.Type && canonType(oc.Type) != canonType(nc.Type)
}

func (t *Table) foreignKey(name string) *ForeignKey {
	for _, fk := range t.ForeignKeys {
		if fk.Name == name {
			return fk
		}
	}
	return nil
}

func sameFK(a, b *ForeignKey) bool { return a.Name == b.Name && sameFKShape(a, b) }

// sameFKShape compares two foreign keys but for their names.
func sameFKShape(a, b *ForeignKey) bool {
	return sameStrings(a.Columns, b.Columns) && a.RefSchema == b.RefSchema && a.RefTable == b.RefTable &&
		sameStrings(a.RefColumns, b.RefColumns) && a.OnDelete == b.OnDelete && a.OnUpdate == b.OnUpdate
}

// indexRenames pairs the indexes of old that t keeps under another name:
// same shape, the old name gone, and no other index of old on the same
// columns with the same uniqueness.
func indexRenames(old, t *Table) map[*Index]*Index {
	out := map[*Index]*Index{}
	taken := map[*Index]bool{}
	for _, ix := range old.Indexes {
		if t.index(ix.Name) != nil {
			continue
		}
		twins := 0
		for _, o := range old.Indexes {
			if o.Unique == ix.Unique && sameStrings(indexColumnNames(o), indexColumnNames(ix)) {
				twins++
			}
		}
		if twins != 1 {
			continue
		}
		for _, n := range t.Indexes {
			if !taken[n] && old.index(n.Name) == nil && sameShape(ix, n) {
				out[ix], taken[n] = n, true
				break
			}
		}
	}
	return out
}

func (t *Table) index(name string) *Index {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

// keptAs reports an index that differs from one of others only by its
// name among several on the same columns, which Prisma neither drops nor
// creates (nor renames: it renames only an index alone on its columns).
// Only partial indexes can be told apart so: the others keep Prisma's
// pairing by name.
func keptAs(ix *Index, others []*Index) bool {
	if ix.Where == "" {
		return false
	}
	for _, o := range others {
		if o.Name != ix.Name && sameShape(o, ix) {
			return true
		}
	}
	return false
}

func sameIndex(a, b *Index) bool { return a.Name == b.Name && sameShape(a, b) }

// sameShape compares two indexes but for their names.
func sameShape(a, b *Index) bool {
	if a.Unique != b.Unique || normMethod(a.Method) != normMethod(b.Method) || len(a.Columns) != len(b.Columns) ||
		!samePredicate(a.Where, b.Where) {
		return false
	}
	for i := range a.Columns {
		x, y := a.Columns[i], b.Columns[i]
		if x.Name != y.Name || x.Desc != y.Desc || !sameOpClass(x, y) {
			return false
		}
	}
	return true
}

// sameOpClass compares operator classes; an explicit one that is the
// default in use on the other side (ops: JsonbOps on a jsonb GIN index)
// is the same, as PostgreSQL does not record the difference.
func sameOpClass(x, y IndexColumn) bool {
	switch {
	case x.OpClass == y.OpClass:
		return true
	case x.OpClass == "":
		return y.OpClass == x.DefaultOpClass
	case y.OpClass == "":
		return x.OpClass == y.DefaultOpClass
	}
	return false
}

func normMethod(m string) string {
	if m == "" {
		return "BTREE"
	}
	return strings.ToUpper(m)
}

func (d *differ) alterTable(old, t *Table, to *Database) {
	name := displayName(t.Schema, t.Name)
	if !samePartition(old.Partition, t.Partition) {
		d.add(Step{Kind: AlterTable, Object: name, SQL: changePartitionSQL(old, t), Destructive: true, Table: t,
			Warnings: []string{fmt.Sprintf("The partitioning of the `%s` table changed (%s -> %s); PostgreSQL cannot change it in place: this step fails until you write the table's rebuild by hand.",
				t.Name, old.Partition, t.Partition)}})
	}
	// Foreign keys: one kept under another name is renamed, as Prisma does.
	fkRenamed := map[*ForeignKey]*ForeignKey{}
	fkIsRenamed := map[*ForeignKey]bool{}
	for _, fk := range old.ForeignKeys {
		if t.foreignKey(fk.Name) != nil {
			continue
		}
		for _, n := range t.ForeignKeys {
			if !fkIsRenamed[n] && old.foreignKey(n.Name) == nil && sameFKShape(fk, n) {
				fkRenamed[fk], fkIsRenamed[n] = n, true
				break
			}
		}
	}
	// As Prisma, a foreign key whose columns or referenced columns change
	// type is dropped and added again around the change.
	retyped := func(fk *ForeignKey) bool {
		for _, c := range fk.Columns {
			if d.colTypeChanged(t.Schema, t.Name, c) {
				return true
			}
		}
		for _, c := range fk.RefColumns {
			if d.colTypeChanged(fk.RefSchema, fk.RefTable, c) {
				return true
			}
		}
		return false
	}
	for _, fk := range old.ForeignKeys {
		match := t.foreignKey(fk.Name)
		if match != nil && retyped(match) {
			match = nil
		}
		if fkRenamed[fk] == nil && (match == nil || !sameFK(fk, match)) {
			d.add(Step{Kind: DropForeignKey, Object: name, SQL: dropForeignKeySQL(old, fk), Table: t})
		}
		if n := fkRenamed[fk]; n != nil {
			d.add(Step{Kind: RenameFK, Object: name, SQL: "ALTER TABLE " + qualified(t.Schema, t.Name) + " RENAME CONSTRAINT " +
				quoteIdent(fk.Name) + " TO " + quoteIdent(n.Name) + ";", Table: t})
		}
	}
	for _, fk := range t.ForeignKeys {
		match := old.foreignKey(fk.Name)
		if retyped(fk) {
			match = nil
		}
		if !fkIsRenamed[fk] && (match == nil || !sameFK(fk, match)) {
			d.add(Step{Kind: AddForeignKey, Object: name, SQL: addForeignKeySQL(t, fk), Table: t})
		}
	}
	// Indexes: one of the same shape under another name is renamed, as
	// Prisma does, unless the old table has several of that shape.
	// An index on a column that is dropped and added again goes with the
	// column and is created again, with no DROP INDEX (as Prisma).
	recreated := map[string]bool{}
	for _, c := range t.Columns {
		if o := old.Column(c.Name); o != nil && o.Type != c.Type && !castable(o.Type, c.Type) &&
			!(unsupportedType(o.Type) && unsupportedType(c.Type)) {
			recreated[c.Name] = true
		}
	}
	onRecreated := func(ix *Index) bool {
		for _, c := range ix.Columns {
			if recreated[c.Name] {
				return true
			}
		}
		return false
	}
	renamed := indexRenames(old, t)
	for ix := range renamed {
		if onRecreated(ix) {
			delete(renamed, ix)
		}
	}
	for _, ix := range createIndexOrder(old.Indexes) {
		var match *Index
		for _, n := range t.Indexes {
			if n.Name == ix.Name {
				match = n
			}
		}
		if onRecreated(ix) {
			continue
		}
		if renamed[ix] == nil && (match == nil || !sameIndex(ix, match)) && !keptAs(ix, t.Indexes) {
			d.add(Step{Kind: DropIndex, Object: name, SQL: dropIndexSQL(old, ix), Table: t,
				afterAlter: old.PrimaryKey == nil && t.PrimaryKey != nil && ix.Unique && indexOn(ix, t.PrimaryKey.Columns)})
		}
	}
	isRenamed := map[*Index]bool{}
	for _, n := range renamed {
		isRenamed[n] = true
	}
	for _, ix := range createIndexOrder(t.Indexes) {
		var match *Index
		for _, o := range old.Indexes {
			if o.Name == ix.Name {
				match = o
			}
		}
		if !isRenamed[ix] && (match == nil || !sameIndex(ix, match) || onRecreated(ix)) && (onRecreated(ix) || !keptAs(ix, old.Indexes)) {
			s := Step{Kind: CreateIndex, Object: name, SQL: createIndexSQL(t, ix), Table: t}
			if ix.Unique {
				s.Warnings = []string{fmt.Sprintf("A unique constraint covering the columns `[%s]` on the table `%s` will be added. If there are existing duplicate values, this will fail.",
					strings.Join(indexColumnNames(ix), ","), t.Name)}
				s.checks = []dataCheck{{kind: lossStatic, text: s.Warnings[0]}}
			}
			d.add(s)
		}
	}
	for _, ix := range createIndexOrder(old.Indexes) {
		if n := renamed[ix]; n != nil {
			d.add(Step{Kind: RenameIndex, Object: name, SQL: "ALTER INDEX " + qualified(t.Schema, ix.Name) + " RENAME TO " + quoteIdent(n.Name) + ";", Table: t})
		}
	}
	// Columns and primary key, as one ALTER TABLE.
	var clauses, warnings, pre, post []string
	var checks []dataCheck
	destructive, requiresEmpty := false, false
	pkChanged := (old.PrimaryKey == nil) != (t.PrimaryKey == nil) ||
		(old.PrimaryKey != nil && t.PrimaryKey != nil && !sameStrings(old.PrimaryKey.Columns, t.PrimaryKey.Columns))
	if !pkChanged && t.PrimaryKey != nil {
		// A key column changing type: Prisma drops and adds the key.
		for _, c := range t.PrimaryKey.Columns {
			pkChanged = pkChanged || d.colTypeChanged(t.Schema, t.Name, c)
		}
	}
	if !pkChanged && old.PrimaryKey != nil && old.PrimaryKey.Name != t.PrimaryKey.Name {
		// Prisma renames the constraint in a statement of its own.
		post = append(post, "ALTER TABLE "+qualified(t.Schema, t.Name)+" RENAME CONSTRAINT "+quoteIdent(old.PrimaryKey.Name)+
			" TO "+quoteIdent(t.PrimaryKey.Name)+";")
	}
	if pkChanged && old.PrimaryKey != nil {
		clauses = append(clauses, "DROP CONSTRAINT "+quoteIdent(old.PrimaryKey.Name))
		checks = append(checks, dataCheck{kind: lossStatic, text: fmt.Sprintf("The primary key for the `%s` table will be changed. If it partially fails, the table could be left without primary key constraint.", t.Name)})
	}
	// Prisma pairs columns by name: the dropped and the added ones come in
	// the order of their names.
	for _, c := range byName(old.Columns) {
		if t.Column(c.Name) == nil {
			clauses = append(clauses, "DROP COLUMN "+quoteIdent(c.Name))
			destructive = true
			warnings = append(warnings, fmt.Sprintf("You are about to drop the column `%s` on the `%s` table. All the data in the column will be lost.", c.Name, t.Name))
			checks = append(checks, dataCheck{kind: lossDropColumn, table: t, column: c.Name})
		}
	}
	for _, c := range byName(t.Columns) {
		if old.Column(c.Name) == nil {
			clauses = append(clauses, "ADD COLUMN     "+columnDef(c))
			if c.NotNull && c.Default == "" && !c.AutoIncrement {
				requiresEmpty = true
				warnings = append(warnings, fmt.Sprintf("Added the required column `%s` to the `%s` table without a default value. This is not possible if the table is not empty.", c.Name, t.Name))
				checks = append(checks, dataCheck{kind: lossAddRequired, table: t, column: c.Name, clientDefault: c.ClientDefault})
			}
		}
	}
	for _, c := range t.Columns {
		o := old.Column(c.Name)
		if o == nil {
			continue
		}
		col := "ALTER COLUMN " + quoteIdent(c.Name)
		if o.Type != c.Type && unsupportedType(o.Type) && unsupportedType(c.Type) {
			// Prisma never changes a column from one Unsupported("...")
			// type to another (its schema engine sees no native type on
			// either side and reports no change).
			o = &Column{Name: o.Name, Type: c.Type, NotNull: o.NotNull, Default: o.Default, DefaultOpaque: o.DefaultOpaque, AutoIncrement: o.AutoIncrement}
		}
		if o.Type != c.Type && !castable(o.Type, c.Type) {
			// As Prisma: a column PostgreSQL cannot convert is dropped and
			// added again.
			clauses = append(clauses, "DROP COLUMN "+quoteIdent(c.Name), "ADD COLUMN     "+columnDef(c))
			destructive = true
			warnings = append(warnings, fmt.Sprintf("The `%s` column on the `%s` table would be dropped and recreated. This will lead to data loss.", c.Name, t.Name))
			checks = append(checks, dataCheck{kind: lossRecreate, table: t, column: c.Name, required: c.NotNull})
			if c.NotNull && c.Default == "" && !c.AutoIncrement {
				requiresEmpty = true
			}
			continue
		}
		// Prisma's order for one column: nullability, default, then type.
		setType := ""
		if o.Type != c.Type && canonType(o.Type) != canonType(c.Type) {
			setType = col + " SET DATA TYPE " + c.Type
			if !safeCast(canonType(o.Type), canonType(c.Type)) {
				destructive = true
				warnings = append(warnings, fmt.Sprintf("You are about to alter the column `%s` on the `%s` table. The data in that column could be lost. The data in that column will be cast from `%s` to `%s`.", c.Name, t.Name, o.Type, c.Type))
				checks = append(checks, dataCheck{kind: lossCast, table: t, column: c.Name, from: o.Type, to: c.Type})
			}
		}
		switch {
		case c.NotNull && !o.NotNull:
			clauses = append(clauses, col+" SET NOT NULL")
			warnings = append(warnings, fmt.Sprintf("Made the column `%s` on table `%s` required. If there are existing NULL values, the migration will fail.", c.Name, t.Name))
			checks = append(checks, dataCheck{kind: lossMakeRequired, table: t, column: c.Name})
		case !c.NotNull && o.NotNull:
			clauses = append(clauses, col+" DROP NOT NULL")
		}
		switch {
		case c.AutoIncrement && !o.AutoIncrement:
			// Prisma's name: what SERIAL would create, lower-cased and
			// unquoted.
			seq := strings.ToLower(t.Name + "_" + c.Name + "_seq")
			if t.Schema != "" {
				seq = quoteIdent(t.Schema) + "." + seq
			}
			pre = append(pre, "CREATE SEQUENCE "+seq+";")
			clauses = append(clauses, col+" SET DEFAULT nextval("+quoteLiteral(seq)+")")
			post = append(post, "ALTER SEQUENCE "+seq+" OWNED BY "+qualified(t.Schema, t.Name)+"."+quoteIdent(c.Name)+";")
		case !c.AutoIncrement && o.AutoIncrement:
			if c.Default != "" {
				clauses = append(clauses, col+" SET DEFAULT "+c.Default)
			} else {
				clauses = append(clauses, col+" DROP DEFAULT")
			}
			// Prisma leaves the sequence (owned by the column) in place.
		case c.AutoIncrement:
		case !d.sameDefault(o, c):
			if c.Default == "" {
				clauses = append(clauses, col+" DROP DEFAULT")
			} else {
				clauses = append(clauses, col+" SET DEFAULT "+c.Default)
			}
		}
		if setType != "" {
			clauses = append(clauses, setType)
		}
	}
	if pkChanged && t.PrimaryKey != nil {
		// Prisma spaces the columns here, not in CREATE TABLE.
		clauses = append(clauses, "ADD CONSTRAINT "+quoteIdent(t.PrimaryKey.Name)+" PRIMARY KEY ("+quoteList(t.PrimaryKey.Columns, ", ")+")")
	}
	if len(clauses) == 0 && len(post) == 0 {
		return
	}
	var stmts []string
	stmts = append(stmts, pre...)
	if len(clauses) > 0 {
		stmts = append(stmts, "ALTER TABLE "+qualified(t.Schema, t.Name)+" "+strings.Join(clauses, ",\n")+";")
	}
	s := strings.Join(append(stmts, post...), "\n")
	st := Step{Kind: AlterTable, Object: name, SQL: s, Destructive: destructive, Warnings: warnings, Table: t, checks: checks}
	if requiresEmpty {
		st.RequiresEmpty = qualified(t.Schema, t.Name)
	}
	d.add(st)
}

// byName returns the columns sorted by name (bytewise, as Prisma's
// column pairing).
func byName(cols []*Column) []*Column {
	out := append([]*Column(nil), cols...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func indexColumnNames(ix *Index) []string {
	out := make([]string, len(ix.Columns))
	for i, c := range ix.Columns {
		out[i] = c.Name
	}
	return out
}

// renameHints adds a warning where a dropped table or column sits next to
// a created one of the same shape: a likely rename, which Diff never
// assumes.
func (d *differ) renameHints(from, to *Database) {
	var dropped, created []*Table
	for _, t := range from.Tables {
		if d.newTable(t.Schema, t.Name) == nil {
			dropped = append(dropped, t)
		}
	}
	for _, t := range to.Tables {
		if d.oldTable(t.Schema, t.Name) == nil {
			created = append(created, t)
		}
	}
	for _, o := range dropped {
		for _, n := range created {
			if len(o.Columns) == len(n.Columns) {
				d.hint(DropTable, displayName(o.Schema, o.Name), fmt.Sprintf("The table `%s` is dropped and `%s` is created with the same number of columns. If this is a rename, replace both steps with: ALTER TABLE %s RENAME TO %s;",
					o.Name, n.Name, qualified(o.Schema, o.Name), quoteIdent(n.Name)))
			}
		}
	}
	for _, n := range to.Tables {
		o := d.oldTable(n.Schema, n.Name)
		if o == nil {
			continue
		}
		for _, oc := range o.Columns {
			if n.Column(oc.Name) != nil {
				continue
			}
			for _, nc := range n.Columns {
				if o.Column(nc.Name) == nil && canonType(nc.Type) == canonType(oc.Type) {
					d.hint(AlterTable, displayName(n.Schema, n.Name), fmt.Sprintf("The column `%s` is dropped and `%s` is added with the same type on `%s`. If this is a rename, replace both with: ALTER TABLE %s RENAME COLUMN %s TO %s;",
						oc.Name, nc.Name, n.Name, qualified(n.Schema, n.Name), quoteIdent(oc.Name), quoteIdent(nc.Name)))
				}
			}
		}
	}
}

func (d *differ) hint(kind StepKind, object, msg string) {
	steps := d.steps[kind]
	for i := range steps {
		if steps[i].Object == object {
			steps[i].Warnings = append(steps[i].Warnings, msg)
			return
		}
	}
}

var (
	castRE   = regexp.MustCompile(`(?i)::(?:(?:"[^"]+"|[a-z_][a-z0-9_]*)\.)?(?:"[^"]+"|[a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*)(?:\(\d+(?:,\s*\d+)?\))?(?: (?:with|without) time zone)?(?:\[\])*`)
	numStrRE = regexp.MustCompile(`^'(-?\d+(?:\.\d+)?)'$`)
	spaceRE  = regexp.MustCompile(`\s+`)
)

// normDefault canonicalises a default expression for comparison: casts
// removed, quoted numbers unquoted, spaces collapsed, keywords lower-cased.
func normDefault(s string) string {
	s = strings.TrimSpace(s)
	s = castRE.ReplaceAllString(s, "")
	for strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && balanced(s[1:len(s)-1]) {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if m := numStrRE.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	if t, ok := timestampLiteral(s); ok {
		return t
	}
	s = spaceRE.ReplaceAllString(s, " ")
	switch strings.ToLower(s) {
	case "current_timestamp", "now()", "current_timestamp(3)":
		return "current_timestamp"
	case "true", "false", "null":
		return strings.ToLower(s)
	}
	if strings.HasPrefix(strings.ToUpper(s), "ARRAY[") && strings.HasSuffix(s, "]") {
		// PostgreSQL records ARRAY[(1.5)::double precision, ('-2'::integer)::double precision]:
		// each element is compared on its own.
		elems := splitTopLevel(s[6 : len(s)-1])
		for i, e := range elems {
			elems[i] = normDefault(e)
		}
		s = "ARRAY[" + strings.Join(elems, ", ") + "]"
	}
	return s
}

// splitTopLevel splits s at the commas outside parentheses, brackets and
// quotes.
func splitTopLevel(s string) []string {
	var out []string
	depth, start, quoted := 0, 0, false
	for i, r := range s {
		switch {
		case r == '\'':
			quoted = !quoted
		case quoted:
		case r == '(' || r == '[':
			depth++
		case r == ')' || r == ']':
			depth--
		case r == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

var timeOfDayRE = regexp.MustCompile(`\d{2}:\d{2}:\d{2}(?:\.\d+)?`)

var timestampLayouts = []string{"2006-01-02 15:04:05.999999999 -07:00", "2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano}

// timestampLiteral canonicalises a quoted timestamp literal to UTC.
func timestampLiteral(s string) (string, bool) {
	if len(s) < 12 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	v := s[1 : len(s)-1]
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return "'" + t.UTC().Format(time.RFC3339Nano) + "'", true
		}
	}
	return "", false
}

func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// sameDefault compares two defaults as Prisma does. Between two schemas,
// a dbgenerated() default is the same only as the same expression
// text; against a database, which rewrites expressions, only whether
// there is one is compared.
func (d *differ) sameDefault(o, n *Column) bool {
	if d.fromSchema && (o.DefaultOpaque || n.DefaultOpaque) && o.Default != "" && n.Default != "" {
		return o.DefaultOpaque == n.DefaultOpaque && o.Default == n.Default
	}
	return sameDefault(o, n)
}

func sameDefault(o, n *Column) bool {
	if n.DefaultOpaque || o.DefaultOpaque {
		return (o.Default == "") == (n.Default == "")
	}
	if o.Default == "" || n.Default == "" || o.Default == n.Default {
		return o.Default == n.Default
	}
	a, b := normDefault(o.Default), normDefault(n.Default)
	if a == b {
		return true
	}
	if x, ok := new(big.Rat).SetString(a); ok {
		// 1.5 and 1.50, 1 and 1.0: Prisma compares numbers by value.
		if y, ok := new(big.Rat).SetString(b); ok {
			return x.Cmp(y) == 0
		}
	}
	if dateTimeType(n.Type) && (strings.HasPrefix(a, "'") || strings.HasPrefix(b, "'")) {
		// Prisma does not compare a DateTime literal default with another
		// default: changing it, or between it and now(), needs no step.
		return true
	}
	if dateTimeType(strings.TrimSuffix(canonType(n.Type), "[]")) && literalArray(a) && literalArray(b) {
		// Nor two lists of DateTime literals (an empty list is compared).
		return true
	}
	if base := canonType(n.Type); strings.HasPrefix(base, "TIME(") || strings.HasPrefix(base, "TIMETZ(") {
		// Prisma writes a whole timestamp; PostgreSQL keeps the time of day.
		x, y := timeOfDayRE.FindString(o.Default), timeOfDayRE.FindString(n.Default)
		return x != "" && x == y
	}
	if base := strings.TrimSuffix(canonType(n.Type), "[]"); base == "JSONB" || base == "JSON" {
		return sameJSONLiteral(a, b)
	}
	return false
}

// literalArray reports whether a normalised default is a non-empty array
// of quoted literals.
func literalArray(s string) bool {
	return strings.HasPrefix(strings.ToUpper(s), "ARRAY['")
}

// dateTimeType reports whether a column type holds a Prisma DateTime.
func dateTimeType(t string) bool {
	base, _ := pgType(canonType(t))
	switch base {
	case "TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIME", "TIMETZ":
		return true
	}
	return false
}

// sameJSONLiteral compares two quoted JSON literals by value: PostgreSQL
// stores jsonb defaults normalised (key order, spacing).
func sameJSONLiteral(a, b string) bool {
	unq := func(s string) (any, bool) {
		if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
			return nil, false
		}
		var v any
		if err := json.Unmarshal([]byte(strings.ReplaceAll(s[1:len(s)-1], "''", "'")), &v); err != nil {
			return nil, false
		}
		return v, true
	}
	x, ok1 := unq(a)
	y, ok2 := unq(b)
	return ok1 && ok2 && reflect.DeepEqual(x, y)
}

var typeAliases = map[string]string{"INT": "INTEGER", "INT4": "INTEGER", "INT8": "BIGINT", "INT2": "SMALLINT",
	"NUMERIC": "DECIMAL", "FLOAT8": "DOUBLE PRECISION", "FLOAT4": "REAL", "BOOL": "BOOLEAN",
	"CHARACTER VARYING": "VARCHAR", "CHARACTER": "CHAR", "BIT VARYING": "VARBIT"}

var typeArgsRE = regexp.MustCompile(`^([A-Z ]+)(?:\((\d+)(?:,(\d+))?\))?(\[\])?$`)

// canonType normalises a SQL type for comparison.
func canonType(t string) string {
	if strings.HasPrefix(t, `"`) {
		return t
	}
	u := strings.ToUpper(strings.ReplaceAll(t, ", ", ","))
	m := typeArgsRE.FindStringSubmatch(u)
	if m == nil {
		return u
	}
	name, arr := m[1], m[4]
	if a, ok := typeAliases[name]; ok {
		name = a
	}
	args := m[2]
	if m[3] != "" {
		args += "," + m[3]
	}
	switch name {
	case "TIMESTAMP", "TIMESTAMPTZ", "TIME", "TIMETZ":
		if args == "" {
			args = "6"
		}
	case "CHAR", "BIT":
		if args == "" {
			args = "1"
		}
	}
	if args != "" {
		return name + "(" + args + ")" + arr
	}
	return name + arr
}

// castable reports whether PostgreSQL's ALTER COLUMN ... SET DATA TYPE
// can turn a column of type from into one of type to, as Prisma's schema
// engine decides it (its PostgreSQL cast table): never to or from another
// enum, from a list only to a string, and between native types only where
// PostgreSQL has an assignment cast. Prisma drops and adds the column
// otherwise.
func castable(from, to string) bool {
	enum := func(t string) bool { return strings.HasPrefix(t, `"`) }
	if enum(from) || enum(to) {
		return from == to
	}
	fromList, toList := strings.HasSuffix(from, "[]"), strings.HasSuffix(to, "[]")
	nb, na := pgType(canonType(strings.TrimSuffix(to, "[]")))
	switch {
	case fromList && !toList:
		return nb == "TEXT" || nb == "VARCHAR" || nb == "CHAR"
	case fromList != toList:
		return false
	case unsupportedType(from) || unsupportedType(to):
		// Prisma knows no native type on an Unsupported("...") side and
		// casts (RiskyCast) to or from it.
		return true
	}
	ob, oa := pgType(canonType(strings.TrimSuffix(from, "[]")))
	if ob == nb && oa == na {
		return true
	}
	text := nb == "TEXT" || (nb == "VARCHAR" && na < 0)
	str := nb == "TEXT" || nb == "VARCHAR" || nb == "CHAR"
	switch ob {
	case "INET":
		return nb == "CITEXT" || nb == "TEXT" || nb == "VARCHAR"
	case "MONEY", "CITEXT":
		return true
	case "OID":
		return nb == "TEXT" || nb == "VARCHAR" || nb == "BIGINT" || nb == "INTEGER"
	case "SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "REAL", "DOUBLE PRECISION":
		switch nb {
		case "SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "REAL", "DOUBLE PRECISION":
			return true
		}
		return str
	case "VARCHAR", "CHAR":
		return str
	case "TEXT":
		return str || nb == "CITEXT"
	case "BYTEA":
		return text || ((nb == "VARCHAR" || nb == "CHAR") && na > 2)
	case "TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIME", "TIMETZ":
		switch nb {
		case "TIMESTAMP", "TIMESTAMPTZ":
			return ob != "TIME" && ob != "TIMETZ"
		case "DATE":
			return ob == "TIMESTAMP" || ob == "TIMESTAMPTZ"
		case "TIME", "TIMETZ":
			return ob != "DATE" && !(ob == "TIME" && nb == "TIME")
		}
		minLen := map[string]int{"TIMESTAMP": 22, "TIMESTAMPTZ": 27, "DATE": 27, "TIME": 13, "TIMETZ": 18}[ob]
		return text || ((nb == "VARCHAR" || nb == "CHAR") && na > minLen)
	case "BOOLEAN":
		return nb == "TEXT" || nb == "VARCHAR" || (nb == "CHAR" && na > 3)
	case "BIT":
		return text || ((nb == "VARBIT" || nb == "VARCHAR" || nb == "CHAR") && (na < 0 || na >= oa))
	case "VARBIT":
		if oa < 0 {
			return str || nb == "BIT"
		}
		return str || (nb == "VARBIT" && (na < 0 || na > oa)) || (nb == "BIT" && na <= oa)
	case "UUID":
		return text || ((nb == "VARCHAR" || nb == "CHAR") && na > 31)
	case "XML":
		return str
	case "JSON", "JSONB":
		return str || nb == "JSON" || nb == "JSONB"
	}
	return true
}

// unsupportedType reports whether a column type is none of the types
// Prisma's scalars and native types map to, nor an enum: an
// Unsupported("...") field's.
func unsupportedType(t string) bool {
	if strings.HasPrefix(t, `"`) {
		return false
	}
	base, _ := pgType(canonType(strings.TrimSuffix(t, "[]")))
	switch base {
	case "SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "REAL", "DOUBLE PRECISION", "TEXT", "VARCHAR", "CHAR", "CITEXT",
		"UUID", "INET", "XML", "BIT", "VARBIT", "OID", "MONEY", "TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIME", "TIMETZ",
		"BOOLEAN", "JSON", "JSONB", "BYTEA":
		return false
	}
	return true
}

// pgType splits a canonical type into its name and first argument (-1
// when it has none).
func pgType(t string) (string, int) {
	m := typeArgsRE.FindStringSubmatch(t)
	if m == nil {
		return t, -1
	}
	if m[2] == "" {
		return m[1], -1
	}
	n, _ := strconv.Atoi(m[2])
	return m[1], n
}

// typeParts splits a canonical SQL type into its name and arguments
// (nil without any): DECIMAL(10,2) is DECIMAL, [10 2].
func typeParts(t string) (string, []int) {
	m := typeArgsRE.FindStringSubmatch(t)
	if m == nil {
		return t, nil
	}
	var args []int
	for _, a := range []string{m[2], m[3]} {
		if a != "" {
			n, _ := strconv.Atoi(a)
			args = append(args, n)
		}
	}
	return m[1], args
}

// safeCast reports whether Prisma 7's schema engine calls the change of a
// column from canonical type from to type to (one castable says PostgreSQL
// converts) a safe cast, which it makes without a word; the others are
// risky casts it warns about when the column holds values. Its rule is
// whether every value of from has a form in to, judged per type: integer
// digits against numeric precisions and string lengths, string lengths
// against each other, and every conversion within the date and time types
// safe.
func safeCast(from, to string) bool {
	fromList, toList := strings.HasSuffix(from, "[]"), strings.HasSuffix(to, "[]")
	fb, fa := typeParts(strings.TrimSuffix(from, "[]"))
	tb, ta := typeParts(strings.TrimSuffix(to, "[]"))
	unbounded := tb == "TEXT" || (tb == "VARCHAR" && ta == nil)
	switch {
	case fromList && !toList:
		return unbounded
	case fromList != toList:
		return false
	case fb == tb && slices.Equal(fa, ta):
		return true
	}
	// holds reports whether a string column of type to keeps n characters.
	holds := func(n int) bool {
		switch {
		case unbounded:
			return true
		case tb == "VARCHAR" || tb == "CHAR":
			return len(ta) == 1 && ta[0] >= n
		}
		return false
	}
	precision := func(a []int) (int, int, bool) {
		if len(a) != 2 {
			return 0, 0, false
		}
		return a[0], a[1], true
	}
	// intDigits is the most digits a value of each integer type has.
	intDigits := map[string]int{"SMALLINT": 3, "INTEGER": 10, "BIGINT": 19}
	switch fb {
	case "INET", "OID", "TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIME", "TIMETZ", "UUID":
		return true
	case "BIT":
		return true // castable keeps only the conversions that fit
	case "MONEY":
		return tb == "CITEXT" || tb == "TEXT" || tb == "VARCHAR"
	case "CITEXT":
		return tb == "TEXT" || tb == "VARCHAR"
	case "SMALLINT", "INTEGER", "BIGINT":
		digits := intDigits[fb]
		switch tb {
		case "SMALLINT", "INTEGER", "BIGINT":
			return intDigits[tb] >= digits
		case "REAL", "DOUBLE PRECISION":
			return true
		case "DECIMAL":
			p, s, ok := precision(ta)
			return !ok || p-s >= digits
		}
		// the digits and a sign; SMALLINT's three digits take four.
		need := map[string]int{"SMALLINT": 4, "INTEGER": 11, "BIGINT": 20}[fb]
		return holds(need)
	case "DECIMAL":
		p, s, ok := precision(fa)
		switch tb {
		case "SMALLINT", "INTEGER", "BIGINT":
			return ok && s == 0 && p <= intDigits[tb]-1
		case "DECIMAL":
			tp, ts, tok := precision(ta)
			return !tok || (ok && p-s <= tp-ts && s <= ts)
		case "REAL", "DOUBLE PRECISION":
			return false
		case "TEXT":
			return true
		}
		if !ok {
			return tb == "VARCHAR" && ta == nil
		}
		if s == 0 {
			return holds(p + 1)
		}
		return holds(p + 2)
	case "REAL", "DOUBLE PRECISION":
		switch tb {
		case "REAL":
			return fb == "REAL"
		case "DOUBLE PRECISION", "TEXT":
			return true
		case "VARCHAR", "CHAR":
			return holds(map[string]int{"REAL": 47, "DOUBLE PRECISION": 317}[fb])
		}
		return false
	case "VARCHAR", "CHAR":
		switch {
		case tb == "TEXT":
			return true
		case ta == nil: // an unbounded VARCHAR
			return fb == "CHAR" || len(fa) == 1
		case fa == nil: // from an unbounded VARCHAR
			return false
		}
		return fa[0] <= ta[0]
	case "TEXT":
		return unbounded || tb == "CITEXT"
	case "BYTEA", "XML":
		return unbounded
	case "BOOLEAN":
		return tb != "CHAR" || (len(ta) == 1 && ta[0] > 4)
	case "VARBIT":
		if fa == nil {
			return unbounded
		}
		switch tb {
		case "VARBIT":
			return true // castable keeps only the longer ones
		case "BIT":
			return false
		}
		return unbounded || holds(fa[0])
	case "JSON", "JSONB":
		return unbounded || tb == "JSON" || tb == "JSONB"
	}
	return false
}
