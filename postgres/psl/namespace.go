package psl

import (
	"fmt"
	"slices"
	"strings"
)

// maxIdentLen is PostgreSQL's identifier length; Prisma cuts the default
// constraint names to fit.
const maxIdentLen = 63

// defaultConstraintName is Prisma's name for a constraint of table on
// columns: table_col1_col2_suffix, the table and columns part cut so the
// whole fits in an identifier.
func defaultConstraintName(table string, columns []string, suffix string) string {
	base := strings.Join(append([]string{table}, columns...), "_")
	if limit := maxIdentLen - len(suffix) - 1; len(base) > limit {
		base = base[:limit]
	}
	return base + "_" + suffix
}

// constraintNames checks the constraint names the way Prisma does on
// PostgreSQL, in its two namespaces: primary keys, indexes and unique
// constraints share one per database schema (PostgreSQL names them as
// relations there), and each model's primary key, indexes, unique
// constraints and foreign keys share one of the model's. A primary key
// is checked in both, an index or unique constraint in the first, a
// foreign key in the second; default names count as given ones.
func (v *validator) constraintNames() {
	type place struct {
		pos   Pos
		attr  string
		model *Model
		name  string
		rel   *relInfo
		mapAt Pos // a foreign key's map: argument
	}
	global := map[string]int{}
	local := map[*Model]map[string]int{}
	var pks, indexes, fks []*place
	relOf := map[*Field]*relInfo{}
	for _, r := range v.rels {
		relOf[r.field] = r
	}
	for _, m := range v.s.Models {
		if m.IsView {
			continue
		}
		local[m] = map[string]int{}
		count := func(p *place, inGlobal bool) {
			if inGlobal {
				global[m.Schema+"\x00"+p.name]++
			}
			local[m][p.name]++
		}
		if pk := m.PrimaryKey; pk != nil {
			name := pk.Map
			if name == "" {
				name = defaultConstraintName(m.DBName, nil, "pkey")
			}
			pos, attr := pkAttr(m)
			p := &place{pos: pos, attr: attr, model: m, name: name}
			pks = append(pks, p)
			count(p, true)
		}
		block := map[Pos]bool{}
		for _, a := range m.Decl.Attributes {
			block[a.Pos] = true
		}
		var ixs []*place
		for _, list := range [][]*Index{m.Uniques, m.Indexes} {
			for _, ix := range list {
				kind, suffix := "unique", "key"
				if !ix.Unique {
					kind, suffix = "index", "idx"
				}
				name := ix.Map
				if name == "" {
					name = defaultConstraintName(m.DBName, v.columnNames(m, ix), suffix)
				}
				attr := "@" + kind
				if block[ix.Pos] {
					attr = "@@" + kind
				}
				p := &place{pos: ix.Pos, attr: attr, model: m, name: name}
				ixs = append(ixs, p)
				count(p, true)
			}
		}
		// Prisma walks a model's indexes in the order they are written.
		slices.SortStableFunc(ixs, func(a, b *place) int { return a.pos.Offset - b.pos.Offset })
		indexes = append(indexes, ixs...)
		for _, f := range m.Fields {
			r := f.Relation
			if r == nil || !r.Owner || len(r.Fields) == 0 {
				continue
			}
			name := r.Map
			if name == "" {
				var cols []string
				for _, fn := range r.Fields {
					if sf := m.byName[fn]; sf != nil {
						cols = append(cols, sf.DBName)
					}
				}
				name = defaultConstraintName(m.DBName, cols, "fkey")
			}
			p := &place{pos: f.Pos, model: m, name: name, rel: relOf[f]}
			if ri := relOf[f]; ri != nil {
				for _, a := range f.Decl.Attributes {
					if a.Name == "relation" {
						if arg := a.Arg("map", -1); arg != nil {
							p.mapAt = arg.Pos
						}
					}
				}
			}
			fks = append(fks, p)
			count(p, false)
		}
	}
	const (
		globalScope = "global for primary key, indexes and unique constraints"
		modelScope  = "on model `%s` for primary key, indexes, unique constraints and foreign keys"
	)
	var found []*Diagnostic
	report := func(p *place, scope, own string) *Diagnostic {
		prisma := fmt.Sprintf("Error parsing attribute \"%s\": The given constraint name `%s` has to be unique in the following namespace: %s. Please provide a different name using the `map` argument.", p.attr, p.name, scope)
		if d := v.nameDiags[p.pos]; d != nil && d.Prisma == "" {
			// duplicateIndexes said it in its words already.
			d.Prisma, d.prismaSpan, d.phase = prisma, spanLine, phaseValidation
			found = append(found, d)
			return d
		}
		v.errAt(p.pos, p.name, "%s", own)
		v.diags[len(v.diags)-1].Prisma = prisma
		v.inPhase(phaseValidation)
		found = append(found, v.diags[len(v.diags)-1])
		return v.diags[len(v.diags)-1]
	}
	inSchema := "PostgreSQL needs the names of primary keys, indexes and unique constraints unique in a database schema"
	for _, p := range pks {
		if n := global[p.model.Schema+"\x00"+p.name]; n > 1 {
			d := report(p, globalScope, fmt.Sprintf("the primary key name %q is taken by %d constraints (%s)", p.name, n, inSchema))
			d.prismaOrder = p.model.Decl.Pos // Prisma checks the primary key first
		}
		if n := local[p.model][p.name]; n > 1 {
			d := report(p, fmt.Sprintf(modelScope, p.model.Name), fmt.Sprintf("the primary key name %q is taken by %d constraints of model %q", p.name, n, p.model.Name))
			d.prismaOrder = p.model.Decl.Pos
		}
	}
	for _, p := range indexes {
		if n := global[p.model.Schema+"\x00"+p.name]; n > 1 {
			report(p, globalScope, fmt.Sprintf("the index name %q is taken by %d constraints (%s)", p.name, n, inSchema))
		}
	}
	for _, p := range fks {
		if n := local[p.model][p.name]; n > 1 {
			v.errAt(p.pos, p.name, "the foreign key name %q is taken by %d constraints of model %q", p.name, n, p.model.Name)
			span, at := spanNextLine, Pos{}
			if p.mapAt.Line != 0 {
				span, at = spanLine, p.mapAt
			}
			v.prisma(at, span, "Error parsing attribute \"@relation\": The given constraint name `%s` has to be unique in the following namespace: %s. Please provide a different name using the `map` argument.", p.name, fmt.Sprintf(modelScope, p.model.Name))
			v.inPhase(phaseValidation)
			found = append(found, v.diags[len(v.diags)-1])
			if p.rel != nil {
				p.rel.laterDiags = append(p.rel.laterDiags, v.diags[len(v.diags)-1])
			}
		}
	}
	if v.s.Datasource == nil {
		// Prisma checks names only for a database's connector.
		for _, d := range found {
			d.phase = phaseHidden
		}
	}
}
