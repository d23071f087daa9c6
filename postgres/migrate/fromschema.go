package migrate

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode"

	"github.com/polystore/polystore/postgres/psl"
)

// FromSchema computes the database a validated schema describes, following
// Prisma Migrate's conventions: names after @map/@@map, SERIAL for
// autoincrement, TIMESTAMP(3), DECIMAL(65,30), JSONB, enum types, default
// constraint names (User_pkey, User_email_key, Post_authorId_fkey,
// User_email_idx) and implicit many-to-many join tables.
//
// With relationMode = "prisma" in the datasource no foreign keys are
// created, as Prisma does.
func FromSchema(s *psl.Schema) *Database {
	db := &Database{fromSchema: true}
	if s == nil {
		return db // no models: the empty database
	}
	if ds := s.Datasource; ds != nil {
		for _, x := range ds.Extensions {
			db.Extensions = append(db.Extensions, &Extension{Name: x.DBName, Schema: x.Schema, Version: x.Version})
		}
		for _, name := range ds.Schemas {
			db.Schemas = append(db.Schemas, localSchema(name))
		}
	}
	defer func() {
		if s.Datasource != nil && s.Datasource.RelationMode == "prisma" {
			for _, t := range db.Tables {
				t.ForeignKeys = nil
			}
		}
	}()
	for _, e := range s.Enums {
		en := &Enum{Schema: localSchema(e.Schema), Name: e.DBName}
		for _, v := range e.Values {
			en.Values = append(en.Values, v.DBName)
		}
		db.Enums = append(db.Enums, en)
	}
	for _, m := range s.Models {
		if m.IsView {
			continue // views are not created
		}
		// @@ignore leaves a model out of the client, not out of the
		// database: Prisma creates its table, keys and indexes.
		db.Tables = append(db.Tables, modelTable(s, m))
	}
	for _, jt := range s.JoinTables {
		db.Tables = append(db.Tables, joinTable(s, jt))
	}
	return db
}

// DefaultSchema is the database schema that unqualified names live in;
// @@schema("public") is the same as no @@schema.
const DefaultSchema = "public"

func localSchema(s string) string {
	if s == DefaultSchema {
		return ""
	}
	return s
}

func dbNames(m *psl.Model, fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = m.Field(f).DBName
	}
	return out
}

func modelTable(s *psl.Schema, m *psl.Model) *Table {
	t := &Table{Schema: localSchema(m.Schema), Name: m.DBName}
	for _, f := range m.ScalarFields() {
		t.Columns = append(t.Columns, fieldColumn(s, f))
	}
	t.Partition = modelPartition(m)
	if pk := m.PrimaryKey; pk != nil {
		cols := dbNames(m, pk.Fields)
		name := pk.Map
		if name == "" {
			name = constraintName(t.Name, nil, "pkey")
		}
		t.PrimaryKey = &PrimaryKey{Name: name, Columns: cols}
	}
	// Indexes follow m.Uniques then m.Indexes, position for position (the
	// client generator pairs them so); the migration writes them in
	// Prisma's order (see createIndexOrder).
	for _, u := range m.Uniques {
		ix := modelIndex(m, t.Name, u, "key")
		ix.FieldLevel = fieldLevel(m, u)
		t.Indexes = append(t.Indexes, ix)
	}
	for _, ix := range m.Indexes {
		t.Indexes = append(t.Indexes, modelIndex(m, t.Name, ix, "idx"))
	}
	for _, f := range m.RelationFields() {
		r := f.Relation
		if r == nil || !r.Owner || r.To.IsView {
			continue
		}
		cols := dbNames(m, r.Fields)
		name := r.Map
		if name == "" {
			name = constraintName(t.Name, cols, "fkey")
		}
		t.ForeignKeys = append(t.ForeignKeys, &ForeignKey{Name: name, Columns: cols, RefSchema: localSchema(r.To.Schema),
			RefTable: r.To.DBName, RefColumns: dbNames(r.To, r.References),
			OnDelete: sqlAction(r.OnDelete), OnUpdate: sqlAction(r.OnUpdate)})
	}
	return t
}

// fieldLevel reports whether a unique comes from @unique on a field
// rather than from @@unique.
func fieldLevel(m *psl.Model, u *psl.Index) bool {
	if len(u.Fields) != 1 {
		return false
	}
	f := m.Field(u.Fields[0].Name)
	if f == nil || f.Decl == nil {
		return false
	}
	a := f.Decl.FieldAttr("unique")
	return a != nil && a.Pos == u.Pos
}

func modelIndex(m *psl.Model, table string, ix *psl.Index, suffix string) *Index {
	out := &Index{Unique: ix.Unique, Name: ix.Map, Where: ix.Where.SQL(m)}
	var cols []string
	for _, f := range ix.Fields {
		col := m.Field(f.Name).DBName
		cols = append(cols, col)
		ic := IndexColumn{Name: col, Desc: f.Sort == "Desc", Asc: f.Sort == "Asc", DefaultOpClass: defaultOpClass(ix.Type, m.Field(f.Name))}
		if f.Ops != "" {
			ic.OpClass = f.Ops
			if !f.RawOps {
				ic.OpClass = opClass(f.Ops)
			}
		}
		out.Columns = append(out.Columns, ic)
	}
	if out.Name == "" {
		out.Name = constraintName(table, cols, suffix)
	}
	if ix.Type != "" && ix.Type != "BTree" {
		out.Method = strings.ToUpper(ix.Type)
	}
	return out
}

// defaultOpClass is the operator class PostgreSQL picks for field f in an
// index of type typ when none is named, where Prisma names it too (so
// that naming it is no change, as for Prisma): array_ops and jsonb_ops
// for GIN, text_ops for SP-GiST, the minmax class of a plain scalar for
// BRIN.
func defaultOpClass(typ string, f *psl.Field) string {
	if f == nil {
		return ""
	}
	switch {
	case typ == "Gin" && f.List:
		return "array_ops"
	case typ == "Gin" && f.Type == psl.Json && f.NativeType == nil:
		return "jsonb_ops"
	case typ == "SpGist" && f.Type == psl.String && !f.List && f.NativeType == nil:
		return "text_ops"
	case typ == "Brin" && !f.List && f.NativeType == nil:
		return map[string]string{psl.Int: "int4_minmax_ops", psl.BigInt: "int8_minmax_ops", psl.Float: "float8_minmax_ops",
			psl.Decimal: "numeric_minmax_ops", psl.String: "text_minmax_ops", psl.Bytes: "bytea_minmax_ops"}[f.Type]
	}
	return ""
}

// opClassWords are the parts of Prisma's operator class names that
// PostgreSQL writes as one word (timestamptz_minmax_multi_ops).
var opClassWords = strings.NewReplacer("min_max", "minmax", "timestamp_tz", "timestamptz", "time_tz", "timetz", "var_bit", "varbit")

// opClass turns Prisma's operator class name into PostgreSQL's:
// JsonbPathOps is jsonb_path_ops, TimestampTzMinMaxOps timestamptz_minmax_ops.
func opClass(s string) string { return opClassWords.Replace(snake(s)) }

// snake turns a name like JsonbPathOps into jsonb_path_ops.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func sqlAction(a string) string {
	switch a {
	case psl.Cascade:
		return "CASCADE"
	case psl.SetNull:
		return "SET NULL"
	case psl.NoAction:
		return "NO ACTION"
	case psl.SetDefault:
		return "SET DEFAULT"
	}
	return "RESTRICT"
}

var scalarSQL = map[string]string{
	psl.String: "TEXT", psl.Int: "INTEGER", psl.BigInt: "BIGINT", psl.Float: "DOUBLE PRECISION",
	psl.Decimal: "DECIMAL(65,30)", psl.Boolean: "BOOLEAN", psl.DateTime: "TIMESTAMP(3)",
	psl.Json: "JSONB", psl.Bytes: "BYTEA",
}

// columnType returns the SQL type of a scalar, enum or unsupported field
// (without list brackets).
func columnType(s *psl.Schema, f *psl.Field) string {
	switch {
	case f.Kind == psl.KindEnum:
		e := s.Enum(f.Type)
		return qualified(localSchema(e.Schema), e.DBName)
	case f.Kind == psl.KindUnsupported:
		return f.Unsupported
	case f.NativeType != nil:
		return f.NativeType.SQL()
	}
	return scalarSQL[f.Type]
}

func fieldColumn(s *psl.Schema, f *psl.Field) *Column {
	c := &Column{Name: f.DBName, Type: columnType(s, f), NotNull: f.Required()}
	if f.List {
		c.Type += "[]"
	}
	d := f.Default
	if d == nil {
		return c
	}
	switch d.Kind {
	case psl.DefaultUUID, psl.DefaultCUID, psl.DefaultNanoID, psl.DefaultULID:
		c.ClientDefault = true
	case psl.DefaultAutoincrement:
		c.AutoIncrement = true
	case psl.DefaultNow:
		c.Default = "CURRENT_TIMESTAMP"
	case psl.DefaultDBGenerated:
		c.Default, c.DefaultOpaque = d.Value, true
	case psl.DefaultEnum:
		c.Default = quoteLiteral(enumDBValue(s, f.Type, d.Value))
	case psl.DefaultLiteral:
		c.Default = literalSQL(f, d.Value, d.IsString)
	case psl.DefaultList:
		elems := make([]string, len(d.Values))
		for i, v := range d.Values {
			if f.Kind == psl.KindEnum {
				elems[i] = quoteLiteral(enumDBValue(s, f.Type, v))
			} else {
				elems[i] = literalSQL(f, v, d.IsString)
			}
		}
		c.Default = "ARRAY[" + strings.Join(elems, ", ") + "]::" + c.Type
	}
	return c
}

func enumDBValue(s *psl.Schema, enum, value string) string {
	for _, v := range s.Enum(enum).Values {
		if v.Name == value {
			return v.DBName
		}
	}
	return value
}

// literalSQL renders a literal default the way Prisma does: Bytes (base64
// in the schema) as a hex bytea literal, DateTime as an ISO timestamp with
// offset, everything else as written.
func literalSQL(f *psl.Field, v string, isString bool) string {
	if !isString {
		switch f.Type {
		case psl.Int, psl.BigInt, psl.Float, psl.Decimal:
			return normNumber(v)
		}
		return v
	}
	switch f.Type {
	case psl.Bytes:
		if raw, err := base64.StdEncoding.DecodeString(v); err == nil {
			return quoteLiteral(`\x` + hex.EncodeToString(raw))
		}
	case psl.DateTime:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			// Prisma keeps the offset as written.
			return quoteLiteral(t.Format("2006-01-02 15:04:05.999 -07:00"))
		}
	}
	return quoteLiteral(v)
}

// normNumber writes a number literal as Prisma's schema engine does (it
// holds it as a big decimal): without leading zeros in the integer part,
// without the sign of a zero, with its fractional digits as written
// ("007" is 7, "-0.0" is 0.0, "1.50" stays).
func normNumber(v string) string {
	neg := strings.HasPrefix(v, "-")
	digits := strings.TrimPrefix(v, "-")
	intPart, frac, hasFrac := strings.Cut(digits, ".")
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	out := intPart
	if hasFrac {
		out += "." + frac
	}
	if neg && strings.Trim(intPart+frac, "0") != "" {
		out = "-" + out
	}
	return out
}

// joinTable builds the table of an implicit many-to-many relation:
// columns A and B, primary key _X_AB_pkey, index _X_B_index and cascading
// foreign keys _X_A_fkey and _X_B_fkey. As in Prisma, a name past 63 bytes
// is cut to 63 (what PostgreSQL does to the name in queries) and the
// constraint names cut the table name to fit.
func joinTable(s *psl.Schema, jt *psl.JoinTable) *Table {
	name := jt.Name
	if len(name) > maxIdent {
		name = name[:maxIdent]
	}
	t := &Table{Schema: localSchema(jt.Schema), Name: name}
	side := func(col string, m *psl.Model) {
		id := m.Field(m.PrimaryKey.Fields[0])
		typ := columnType(s, id)
		t.Columns = append(t.Columns, &Column{Name: col, Type: typ, NotNull: true})
		t.ForeignKeys = append(t.ForeignKeys, &ForeignKey{Name: constraintName(name, nil, col+"_fkey"), Columns: []string{col},
			RefSchema: localSchema(m.Schema), RefTable: m.DBName, RefColumns: []string{id.DBName}, OnDelete: "CASCADE", OnUpdate: "CASCADE"})
	}
	side("A", jt.A)
	side("B", jt.B)
	t.PrimaryKey = &PrimaryKey{Name: constraintName(name, nil, "AB_pkey"), Columns: []string{"A", "B"}}
	t.Indexes = []*Index{{Name: constraintName(name, nil, "B_index"), Columns: []IndexColumn{{Name: "B"}}}}
	return t
}
