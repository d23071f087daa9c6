package migrate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/polystore/polystore/postgres/psl"
)

// PullSchema renders the enums and tables of the default schema of db (as
// Introspect reads it) as schema.prisma models and enums, the way
// `prisma db pull` does: a model per table (the migration history and the
// join tables of implicit many-to-many relations excepted), a field per
// column with its scalar type and native type, @id/@@id, @unique/@@unique,
// @@index, @default, relations from foreign keys with their back-relation
// fields, and @map/@@map wherever a name is not a valid identifier or a
// constraint name is not Prisma's default. FromSchema of the result gives
// back db, so a pull followed by a diff is empty. Only the blocks are
// rendered: callers add the datasource and generators.
func PullSchema(db *Database) []byte {
	return PullSchemaFor(db, "db")
}

// PullSchemaFor is PullSchema for a schema whose datasource block is
// named datasource: its native types are written @<datasource>.Type, as
// Prisma requires (an empty name is "db").
func PullSchemaFor(db *Database, datasource string) []byte {
	if datasource == "" {
		datasource = "db"
	}
	p := &puller{db: db, models: map[string]*pullModel{}, native: datasource}
	return p.render()
}

type puller struct {
	// native is the prefix of native type attributes: the datasource's name.
	native string
	db     *Database
	models map[string]*pullModel // by table name
	order  []*pullModel
	enums  map[string]string // SQL enum name -> schema enum name
	isEnum map[string]bool   // schema enum names
}

type pullModel struct {
	t      *Table
	name   string
	fields []string // rendered field lines
	attrs  []string // rendered @@ lines
	used   map[string]bool
}

var identRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// ident turns a database name into a schema identifier.
func ident(name string) string {
	if identRE.MatchString(name) {
		return name
	}
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), "_0123456789")
	if s == "" {
		s = "x"
	}
	return s
}

func (m *pullModel) unique(name string) string {
	n := name
	for i := 2; m.used[n]; i++ {
		n = name + strconv.Itoa(i)
	}
	m.used[n] = true
	return n
}

// joinTableOf reports whether t is the join table of an implicit
// many-to-many relation: columns A and B, each a foreign key.
func joinTableOf(t *Table) bool {
	if !strings.HasPrefix(t.Name, "_") || len(t.Columns) != 2 || t.Columns[0].Name != "A" || t.Columns[1].Name != "B" || len(t.ForeignKeys) != 2 {
		return false
	}
	return t.PrimaryKey != nil && len(t.PrimaryKey.Columns) == 2
}

func (p *puller) render() []byte {
	p.enums, p.isEnum = map[string]string{}, map[string]bool{}
	var out strings.Builder
	var joins []*Table
	for _, t := range p.db.Tables {
		if t.Schema != "" || t.Name == HistoryTable {
			continue
		}
		if joinTableOf(t) {
			joins = append(joins, t)
			continue
		}
		m := &pullModel{t: t, name: ident(t.Name), used: map[string]bool{}}
		for p.modelNamed(m.name) {
			m.name += "_"
		}
		p.models[t.Name] = m
		p.order = append(p.order, m)
	}
	for _, e := range p.db.Enums {
		if e.Schema == "" {
			p.enums[qualified("", e.Name)] = ident(e.Name)
			p.isEnum[ident(e.Name)] = true
		}
	}
	for _, m := range p.order {
		for _, c := range m.t.Columns {
			m.used[ident(c.Name)] = true
		}
	}
	for _, m := range p.order {
		p.scalars(m)
	}
	for _, m := range p.order {
		p.relations(m)
	}
	for _, jt := range joins {
		p.manyToMany(jt)
	}
	for _, m := range p.order {
		p.blockAttrs(m)
		out.WriteString(pullPartition(m.t.Partition))
		fmt.Fprintf(&out, "model %s {\n", m.name)
		for _, f := range m.fields {
			out.WriteString("  " + f + "\n")
		}
		if len(m.attrs) > 0 {
			out.WriteString("\n")
			for _, a := range m.attrs {
				out.WriteString("  " + a + "\n")
			}
		}
		out.WriteString("}\n\n")
	}
	for _, e := range p.db.Enums {
		if e.Schema != "" {
			continue
		}
		fmt.Fprintf(&out, "enum %s {\n", ident(e.Name))
		for _, v := range e.Values {
			if id := ident(v); id != v {
				fmt.Fprintf(&out, "  %s @map(%s)\n", id, strconv.Quote(v))
			} else {
				out.WriteString("  " + v + "\n")
			}
		}
		if ident(e.Name) != e.Name {
			fmt.Fprintf(&out, "\n  @@map(%s)\n", strconv.Quote(e.Name))
		}
		out.WriteString("}\n\n")
	}
	src := []byte(strings.TrimRight(out.String(), "\n") + "\n")
	if formatted, err := psl.FormatSource("schema.prisma", src); err == nil {
		return formatted
	}
	return src
}

func (p *puller) modelNamed(name string) bool {
	for _, m := range p.order {
		if m.name == name {
			return true
		}
	}
	return false
}

// scalarType returns a column's field type (with ? or []) and its native
// type attribute.
func (p *puller) scalarType(c *Column) (typ, native string) {
	sql, list := strings.CutSuffix(c.Type, "[]")
	switch {
	case p.enums[sql] != "":
		typ = p.enums[sql]
	default:
		scalar, attr, ok := psl.NativeFromSQL(sql)
		switch {
		case !ok:
			typ = "Unsupported(" + strconv.Quote(sql) + ")"
		case scalarSQL[scalar] == sql:
			typ = scalar
		default:
			typ, native = scalar, "@"+p.native+"."+attr
		}
	}
	switch {
	case list:
		typ += "[]"
	case !c.NotNull:
		typ += "?"
	}
	return typ, native
}

func (p *puller) scalars(m *pullModel) {
	t := m.t
	for _, c := range t.Columns {
		name := ident(c.Name)
		typ, native := p.scalarType(c)
		attrs := []string{}
		if pk := t.PrimaryKey; pk != nil && len(pk.Columns) == 1 && pk.Columns[0] == c.Name {
			a := "@id"
			if pk.Name != constraintName(t.Name, nil, "pkey") {
				a = "@id(map: " + strconv.Quote(pk.Name) + ")"
			}
			attrs = append(attrs, a)
		}
		if d := p.defaultAttr(c, typ); d != "" {
			attrs = append(attrs, d)
		}
		for _, ix := range t.Indexes {
			if ix.Unique && len(ix.Columns) == 1 && ix.Columns[0].Name == c.Name && plainIndexColumn(ix) {
				a := "@unique"
				if ix.Name != constraintName(t.Name, []string{c.Name}, "key") {
					a = "@unique(map: " + strconv.Quote(ix.Name) + ")"
				}
				attrs = append(attrs, a)
				break
			}
		}
		if native != "" {
			attrs = append(attrs, native)
		}
		if name != c.Name {
			attrs = append(attrs, "@map("+strconv.Quote(c.Name)+")")
		}
		m.fields = append(m.fields, strings.TrimSpace(name+" "+typ+" "+strings.Join(attrs, " ")))
	}
}

// plainIndexColumn: a one-column B-tree index without sort, operator
// class or predicate, which @unique can express.
func plainIndexColumn(ix *Index) bool {
	c := ix.Columns[0]
	return (ix.Method == "" || ix.Method == "BTREE") && !c.Desc && !c.Asc && c.OpClass == "" && ix.Where == ""
}

var numberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

func (p *puller) defaultAttr(c *Column, typ string) string {
	d := c.Default
	switch {
	case c.AutoIncrement:
		return "@default(autoincrement())"
	case d == "":
		return ""
	case d == "CURRENT_TIMESTAMP" && strings.HasPrefix(typ, "DateTime"):
		return "@default(now())"
	case strings.HasSuffix(typ, "[]"):
		// list defaults are kept as the database has them
	case d == "true" || d == "false":
		if strings.HasPrefix(typ, "Boolean") {
			return "@default(" + d + ")"
		}
	case numberRE.MatchString(d):
		return "@default(" + d + ")"
	case len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'':
		v := strings.ReplaceAll(d[1:len(d)-1], "''", "'")
		base := strings.TrimSuffix(typ, "?")
		switch {
		case p.isEnum[base]:
			if ident(v) == v {
				return "@default(" + v + ")"
			}
		case base == "String":
			return "@default(" + strconv.Quote(v) + ")"
		case base == "Decimal" || base == "Float" || base == "Int" || base == "BigInt":
			if numberRE.MatchString(v) {
				return "@default(" + strconv.Quote(v) + ")"
			}
		}
	}
	return "@default(dbgenerated(" + strconv.Quote(d) + "))"
}

var pslAction = map[string]string{"CASCADE": "Cascade", "RESTRICT": "Restrict", "NO ACTION": "NoAction",
	"SET NULL": "SetNull", "SET DEFAULT": "SetDefault"}

// relations adds, for each foreign key of m, the relation field on m and
// its back-relation field on the referenced model, named as prisma db pull
// names them.
func (p *puller) relations(m *pullModel) {
	t := m.t
	// A relation needs a name when another one joins the same two models,
	// whichever way its foreign key points.
	pairs := map[string]int{}
	for _, fk := range t.ForeignKeys {
		pairs[fk.RefTable]++
	}
	for name, other := range p.models {
		if other == m {
			continue
		}
		for _, fk := range other.t.ForeignKeys {
			if fk.RefSchema == "" && fk.RefTable == t.Name {
				pairs[name]++
			}
		}
	}
	for _, fk := range t.ForeignKeys {
		to := p.models[fk.RefTable]
		if fk.RefSchema != "" || to == nil {
			continue
		}
		relName := ""
		if pairs[fk.RefTable] > 1 || to == m {
			relName = m.name + "_" + strings.Join(fk.Columns, "_") + "To" + to.name
		}
		optional := false
		fields := make([]string, len(fk.Columns))
		for i, col := range fk.Columns {
			fields[i] = ident(col)
			if c := t.Column(col); c != nil && !c.NotNull {
				optional = true
			}
		}
		refs := make([]string, len(fk.RefColumns))
		for i, col := range fk.RefColumns {
			refs[i] = ident(col)
		}
		args := []string{}
		if relName != "" {
			args = append(args, strconv.Quote(relName))
		}
		args = append(args, "fields: ["+strings.Join(fields, ", ")+"]", "references: ["+strings.Join(refs, ", ")+"]")
		// Prisma's defaults are left out: onDelete SetNull when a foreign key
		// column is optional, else Restrict; onUpdate Cascade.
		onDelete, onUpdate := cmpOr(fk.OnDelete, "NO ACTION"), cmpOr(fk.OnUpdate, "NO ACTION")
		if defDelete := map[bool]string{true: "SET NULL", false: "RESTRICT"}[optional]; onDelete != defDelete {
			args = append(args, "onDelete: "+pslAction[onDelete])
		}
		if onUpdate != "CASCADE" {
			args = append(args, "onUpdate: "+pslAction[onUpdate])
		}
		if fk.Name != constraintName(t.Name, fk.Columns, "fkey") {
			args = append(args, "map: "+strconv.Quote(fk.Name))
		}
		// Prisma's names: the target model's name, or with a relation name
		// <Target>_<relation>.
		fname := to.name
		if relName != "" {
			fname = to.name + "_" + relName
		}
		fname = m.unique(fname)
		typ := to.name
		if optional {
			typ += "?"
		}
		m.fields = append(m.fields, fname+" "+typ+" @relation("+strings.Join(args, ", ")+")")

		// The back-relation: a list, or an optional single field when the
		// foreign key columns are unique (one-to-one).
		back := m.name + "[]"
		if uniqueOn(t, fk.Columns) {
			back = m.name + "?"
		}
		bname := m.name
		if relName != "" {
			bname = m.name + "_" + relName
		}
		bname = to.unique(bname)
		line := bname + " " + back
		if relName != "" {
			line += " @relation(" + strconv.Quote(relName) + ")"
		}
		to.fields = append(to.fields, line)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// uniqueOn reports whether cols (in any order) are t's primary key or a
// unique index.
func uniqueOn(t *Table, cols []string) bool {
	same := func(a []string) bool {
		if len(a) != len(cols) {
			return false
		}
		for _, c := range cols {
			if !slices.Contains(a, c) {
				return false
			}
		}
		return true
	}
	if t.PrimaryKey != nil && same(t.PrimaryKey.Columns) {
		return true
	}
	for _, ix := range t.Indexes {
		if ix.Unique {
			var names []string
			for _, c := range ix.Columns {
				names = append(names, c.Name)
			}
			if same(names) {
				return true
			}
		}
	}
	return false
}

// manyToMany adds the two list fields of an implicit many-to-many relation
// whose join table is jt (_<Relation>: A references the model first in
// name order, B the other).
func (p *puller) manyToMany(jt *Table) {
	var a, b *pullModel
	for _, fk := range jt.ForeignKeys {
		switch fk.Columns[0] {
		case "A":
			a = p.models[fk.RefTable]
		case "B":
			b = p.models[fk.RefTable]
		}
	}
	if a == nil || b == nil {
		return
	}
	rel := strings.TrimPrefix(jt.Name, "_")
	attr := ""
	if rel != a.name+"To"+b.name {
		attr = " @relation(" + strconv.Quote(rel) + ")"
	}
	if a == b { // a self relation needs both ends on the one model
		attr = " @relation(" + strconv.Quote(rel) + ")"
		a.fields = append(a.fields, a.unique(a.name+"_A")+" "+a.name+"[]"+attr, a.unique(a.name+"_B")+" "+a.name+"[]"+attr)
		return
	}
	a.fields = append(a.fields, a.unique(b.name)+" "+b.name+"[]"+attr)
	b.fields = append(b.fields, b.unique(a.name)+" "+a.name+"[]"+attr)
}

// blockAttrs adds @@id, @@unique, @@index and @@map.
func (p *puller) blockAttrs(m *pullModel) {
	t := m.t
	if pk := t.PrimaryKey; pk != nil && len(pk.Columns) > 1 {
		a := "@@id([" + strings.Join(identAll(pk.Columns), ", ") + "]"
		if pk.Name != constraintName(t.Name, nil, "pkey") {
			a += ", map: " + strconv.Quote(pk.Name)
		}
		m.attrs = append(m.attrs, a+")")
	}
	for _, ix := range t.Indexes {
		if ix.Unique && len(ix.Columns) == 1 && plainIndexColumn(ix) {
			continue // @unique on the field
		}
		kind, suffix := "@@index", "idx"
		if ix.Unique {
			kind, suffix = "@@unique", "key"
		}
		var cols, names []string
		for _, c := range ix.Columns {
			names = append(names, c.Name)
			var opts []string
			if c.Desc {
				opts = append(opts, "sort: Desc")
			} else if c.Asc {
				opts = append(opts, "sort: Asc")
			}
			if c.OpClass != "" {
				opts = append(opts, "ops: raw("+strconv.Quote(c.OpClass)+")")
			}
			s := ident(c.Name)
			if len(opts) > 0 {
				s += "(" + strings.Join(opts, ", ") + ")"
			}
			cols = append(cols, s)
		}
		a := kind + "([" + strings.Join(cols, ", ") + "]"
		if ix.Name != constraintName(t.Name, names, suffix) {
			a += ", map: " + strconv.Quote(ix.Name)
		}
		if ix.Method != "" && ix.Method != "BTREE" {
			a += ", type: " + methodName(ix.Method)
		}
		if ix.Where != "" {
			a += ", where: raw(" + strconv.Quote(ix.Where) + ")"
		}
		m.attrs = append(m.attrs, a+")")
	}
	if m.name != t.Name {
		m.attrs = append(m.attrs, "@@map("+strconv.Quote(t.Name)+")")
	}
}

func identAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = ident(n)
	}
	return out
}

func methodName(m string) string {
	switch m {
	case "SPGIST":
		return "SpGist"
	case "GIST":
		return "Gist"
	case "GIN":
		return "Gin"
	case "BRIN":
		return "Brin"
	case "HASH":
		return "Hash"
	}
	return "BTree"
}
