package psl

import (
	"strconv"
	"strings"
)

// This file reads polystore's partitioning directive. Prisma's schema
// language has no syntax for table partitioning, so polystore reads it
// from a doc comment line of the model, which Prisma keeps as
// documentation and otherwise ignores:
//
//	/// @@polystore.partition(range: [createdAt], interval: "1 month", premake: 3, retention: "12 months")
//	model Event { ... }
//
//	/// @@polystore.partition(hash: [userId], partitions: 8)
//	model Session { ... }

// DirectivePrefix starts every polystore directive written in a doc line.
const DirectivePrefix = "@@polystore."

// Partition strategies.
const (
	PartitionRange = "range"
	PartitionHash  = "hash"
)

// DefaultPremake is how many range partitions ahead of the current one
// are kept when the directive gives no premake.
const DefaultPremake = 4

// Partition is a model's @@polystore.partition directive, validated.
type Partition struct {
	// Strategy is PartitionRange or PartitionHash.
	Strategy string
	// Fields are the schema names of the partition key fields.
	Fields []string
	// Interval is the width of one range partition.
	Interval Interval
	// Premake is how many range partitions after the current one are
	// created ahead of time.
	Premake int
	// Retention is how long a range partition is kept after its upper
	// bound has passed; zero keeps every partition.
	Retention Interval
	// RetentionKeepTable detaches expired partitions instead of dropping
	// them (they stay as plain tables for archiving).
	RetentionKeepTable bool
	// Partitions is the number of hash partitions.
	Partitions int
	// Pos is where the directive starts.
	Pos Pos
}

// Interval is a calendar interval: N days, weeks, months or years.
type Interval struct {
	N    int
	Unit string // "day", "week", "month" or "year"; empty for none
}

// IsZero reports whether no interval is set.
func (iv Interval) IsZero() bool { return iv.N == 0 }

// String renders the interval as written in a directive ("1 month").
func (iv Interval) String() string {
	if iv.IsZero() {
		return ""
	}
	s := strconv.Itoa(iv.N) + " " + iv.Unit
	if iv.N != 1 {
		s += "s"
	}
	return s
}

// ParseInterval reads "N unit" where unit is day, week, month or year
// (singular or plural) and N is from 1 to 1000.
func ParseInterval(s string) (Interval, bool) {
	parts := strings.Fields(s)
	if len(parts) != 2 {
		return Interval{}, false
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 1 || n > 1000 {
		return Interval{}, false
	}
	unit := strings.TrimSuffix(strings.ToLower(parts[1]), "s")
	switch unit {
	case "day", "week", "month", "year":
		return Interval{N: n, Unit: unit}, true
	}
	return Interval{}, false
}

// directives reads the polystore directives in a model's doc lines.
func (v *validator) directives(m *Model) {
	d := m.Decl
	n := len(v.diags)
	defer func() {
		for _, d := range v.diags[n:] {
			d.phase = phaseHidden // doc comments to Prisma
		}
	}()
	for i, line := range d.DocLines {
		text := strings.TrimLeft(line, " \t")
		if !strings.HasPrefix(text, DirectivePrefix) {
			continue
		}
		at := d.Pos // a hand-built File may have doc lines without positions
		if i < len(d.DocPos) {
			at = d.DocPos[i]
		}
		if at.Col == 0 {
			at.Col = 1
			if at.Line == 0 {
				at.Line = d.Pos.Line
			}
			v.errAt(at, DirectivePrefix, "write a polystore directive on a /// line of its own, not in a /** */ block")
			continue
		}
		skip := len(line) - len(text)
		at.Col += skip
		at.Offset += skip
		a, diags := parseDirective(at, text)
		if len(diags) > 0 {
			v.diags = append(v.diags, diags...)
			continue
		}
		switch a.Name {
		case "polystore.partition":
			if m.Partition != nil {
				v.errAttr(a, "model %q has more than one @@polystore.partition", m.Name)
				continue
			}
			m.Partition = v.partition(m, a)
		default:
			v.errAttr(a, "unknown polystore directive @@%s (known: @@polystore.partition)", a.Name)
		}
	}
}

// parseDirective parses one directive line starting at pos.
func parseDirective(pos Pos, text string) (*Attribute, []*Diagnostic) {
	p := &parser{file: &File{Name: pos.Filename}, lx: newLexer(pos.Filename, text)}
	var a *Attribute
	if p.peek().kind == tokAtAt {
		a = p.parseAttribute()
	} else {
		p.errorf(p.peek(), "expected @@ to start a directive")
	}
	if a != nil {
		if t := p.peek(); t.kind != tokEOF {
			p.errorf(t, "unexpected %s after the directive", describe(t))
		}
	}
	diags := append(p.lx.diags, p.diags...)
	for _, d := range diags {
		d.Pos, d.End = shiftPos(d.Pos, pos), shiftPos(d.End, pos)
	}
	if len(diags) > 0 || a == nil {
		if len(diags) == 0 {
			diags = append(diags, &Diagnostic{Pos: pos, End: pos, Text: text, Message: "malformed directive"})
		}
		return nil, diags
	}
	shiftAttr(a, pos)
	return a, nil
}

// shiftPos moves a position inside a one-line directive to the file.
func shiftPos(p, base Pos) Pos {
	p.Filename = base.Filename
	p.Col = base.Col + p.Col - 1
	p.Line = base.Line + p.Line - 1
	p.Offset += base.Offset
	return p
}

func shiftAttr(a *Attribute, base Pos) {
	a.Pos, a.End = shiftPos(a.Pos, base), shiftPos(a.End, base)
	for _, arg := range a.Args {
		arg.Pos = shiftPos(arg.Pos, base)
		shiftExpr(arg.Value, base)
	}
}

func shiftExpr(e Expr, base Pos) {
	switch e := e.(type) {
	case *StringLit:
		e.Pos = shiftPos(e.Pos, base)
	case *NumberLit:
		e.Pos = shiftPos(e.Pos, base)
	case *Ident:
		e.Pos = shiftPos(e.Pos, base)
	case *ArrayExpr:
		e.Pos = shiftPos(e.Pos, base)
		for _, x := range e.Elems {
			shiftExpr(x, base)
		}
	case *FuncCall:
		e.Pos = shiftPos(e.Pos, base)
		for _, arg := range e.Args {
			arg.Pos = shiftPos(arg.Pos, base)
			shiftExpr(arg.Value, base)
		}
	}
}

// partition validates @@polystore.partition on model m.
func (v *validator) partition(m *Model, a *Attribute) *Partition {
	v.checkArgs(a, nil, "range", "hash", "interval", "premake", "retention", "retentionKeepTable", "partitions")
	p := &Partition{Pos: a.Pos, Premake: DefaultPremake}
	ok := true
	bad := func(at Pos, text, format string, args ...any) {
		v.errAt(at, text, format, args...)
		ok = false
	}
	if m.IsView {
		v.errAttr(a, "view %q cannot be partitioned: only models are tables", m.Name)
		return nil
	}
	rangeArg, hashArg := a.Arg("range", -1), a.Arg("hash", -1)
	var keyArg *Arg
	switch {
	case rangeArg != nil && hashArg != nil:
		v.errAttr(a, "@@polystore.partition takes range: or hash:, not both")
		return nil
	case rangeArg != nil:
		p.Strategy, keyArg = PartitionRange, rangeArg
	case hashArg != nil:
		p.Strategy, keyArg = PartitionHash, hashArg
	default:
		v.errAttr(a, "@@polystore.partition needs range: [field] or hash: [fields]")
		return nil
	}
	arr, isArr := keyArg.Value.(*ArrayExpr)
	if !isArr || len(arr.Elems) == 0 {
		v.errAt(keyArg.Pos, keyArg.Name, "%s: must be a non-empty list of fields, such as [createdAt]", keyArg.Name)
		return nil
	}
	for _, e := range arr.Elems {
		id, isID := e.(*Ident)
		if !isID {
			bad(e.At(), exprText(e), "%s: lists field names", keyArg.Name)
			continue
		}
		f := m.byName[id.Name]
		switch {
		case f == nil:
			bad(id.Pos, id.Name, "model %q has no field %q to partition by", m.Name, id.Name)
			continue
		case f.Kind == KindRelation || f.List || f.Kind == KindUnsupported:
			bad(id.Pos, id.Name, "field %q cannot be a partition key: it must be a scalar or enum stored in one column", id.Name)
		case f.Optional:
			bad(id.Pos, id.Name, "partition key field %q must be required (a row without a key has no partition)", id.Name)
		case p.Strategy == PartitionRange && f.Type != DateTime:
			bad(id.Pos, id.Name, "range partitioning needs a DateTime field; %q is %s", id.Name, f.Type)
		case p.Strategy == PartitionHash && (f.Type == Json || f.Type == Float):
			bad(id.Pos, id.Name, "field %q of type %s is not a good hash partition key", id.Name, f.Type)
		}
		if contains(p.Fields, id.Name) {
			bad(id.Pos, id.Name, "field %q is listed twice", id.Name)
		}
		p.Fields = append(p.Fields, id.Name)
	}
	if p.Strategy == PartitionRange && len(arr.Elems) != 1 {
		bad(arr.Pos, "", "range: takes exactly one DateTime field")
	}
	intArg := func(name string, min, max int) (int, bool) {
		arg := a.Arg(name, -1)
		if arg == nil {
			return 0, false
		}
		n, isNum := arg.Value.(*NumberLit)
		i, err := 0, error(nil)
		if isNum {
			i, err = strconv.Atoi(n.Text)
		}
		if !isNum || err != nil || i < min || i > max {
			bad(arg.Pos, name, "%s: must be a whole number from %d to %d", name, min, max)
			return 0, false
		}
		return i, true
	}
	intervalArg := func(name string) Interval {
		arg := a.Arg(name, -1)
		if arg == nil {
			return Interval{}
		}
		s, isStr := arg.Value.(*StringLit)
		if !isStr {
			bad(arg.Pos, name, "%s: must be a string such as \"1 month\"", name)
			return Interval{}
		}
		iv, good := ParseInterval(s.Value)
		if !good {
			bad(s.Pos, s.Value, "%s: %q is not an interval: write \"N day|week|month|year\" (plural allowed), N from 1 to 1000", name, s.Value)
		}
		return iv
	}
	rangeOnly := []string{"interval", "premake", "retention", "retentionKeepTable"}
	switch p.Strategy {
	case PartitionRange:
		if a.Arg("partitions", -1) != nil {
			bad(a.Arg("partitions", -1).Pos, "partitions", "partitions: is for hash partitioning; range partitions are made by interval:")
		}
		if a.Arg("interval", -1) == nil {
			v.errAttr(a, "range partitioning needs interval: (such as interval: \"1 month\")")
			ok = false
		}
		p.Interval = intervalArg("interval")
		if n, given := intArg("premake", 0, 1000); given {
			p.Premake = n
		}
		p.Retention = intervalArg("retention")
		if arg := a.Arg("retentionKeepTable", -1); arg != nil {
			id, isID := arg.Value.(*Ident)
			if !isID || (id.Name != "true" && id.Name != "false") {
				bad(arg.Pos, "retentionKeepTable", "retentionKeepTable: must be true or false")
			} else {
				p.RetentionKeepTable = id.Name == "true"
			}
			if p.Retention.IsZero() {
				bad(arg.Pos, "retentionKeepTable", "retentionKeepTable: needs retention:")
			}
		}
	case PartitionHash:
		for _, name := range rangeOnly {
			if arg := a.Arg(name, -1); arg != nil {
				bad(arg.Pos, name, "%s: is for range partitioning", name)
			}
		}
		if a.Arg("partitions", -1) == nil {
			v.errAttr(a, "hash partitioning needs partitions: (the number of partitions, such as partitions: 8)")
			ok = false
		}
		p.Partitions, _ = intArg("partitions", 2, 1024)
	}
	if !ok {
		return nil
	}
	v.partitionKeys(m, a, p)
	return p
}

// partitionKeys reports a primary key or unique constraint that leaves out
// a partition key field: PostgreSQL enforces uniqueness per partition, so
// it requires every unique constraint of a partitioned table to include
// the partition key.
func (v *validator) partitionKeys(m *Model, a *Attribute, p *Partition) {
	missing := func(fields []string) []string {
		var out []string
		for _, k := range p.Fields {
			if !contains(fields, k) {
				out = append(out, k)
			}
		}
		return out
	}
	if m.PrimaryKey != nil {
		if miss := missing(m.PrimaryKey.Fields); len(miss) > 0 {
			v.errAttr(a, "the primary key of model %q (%s) must include the partition key %s: PostgreSQL requires every primary key and unique constraint of a partitioned table to contain the partition key columns; use @@id([%s])",
				m.Name, strings.Join(m.PrimaryKey.Fields, ", "), strings.Join(miss, ", "), strings.Join(append(append([]string(nil), m.PrimaryKey.Fields...), miss...), ", "))
		}
	}
	for _, u := range m.Uniques {
		if miss := missing(u.FieldNames()); len(miss) > 0 {
			v.errAt(u.Pos, "", "unique constraint on (%s) of model %q must include the partition key %s: PostgreSQL enforces uniqueness per partition",
				strings.Join(u.FieldNames(), ", "), m.Name, strings.Join(miss, ", "))
		}
	}
}
