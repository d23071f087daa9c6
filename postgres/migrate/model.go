package migrate

import "strings"

// Database is the shape of a PostgreSQL database as far as migrations
// care: enums, tables, columns, keys, indexes and foreign keys. It is built
// from a schema file (FromSchema) or read from a live database
// (Introspect), and two of them are compared by Diff.
type Database struct {
	Enums  []*Enum
	Tables []*Table
	// Extensions are the PostgreSQL extensions the database has (read
	// from pg_extension) or needs (the datasource's extensions list).
	Extensions []*Extension
	// Schemas are the schemas a datasource lists (FromSchema). As in
	// Prisma, a diff from such a database takes them as existing, used or
	// not, so it creates none of them.
	Schemas []string
	// fromSchema marks a Database made by FromSchema.
	fromSchema bool
}

// Extension is a PostgreSQL extension.
type Extension struct {
	Name    string
	Schema  string // WITH SCHEMA, empty for the default
	Version string // VERSION, empty for the default
}

// Enum is a PostgreSQL enum type.
type Enum struct {
	Schema string
	Name   string
	Values []string
}

// Table is a table with its columns and constraints.
type Table struct {
	Schema      string
	Name        string
	Columns     []*Column
	PrimaryKey  *PrimaryKey
	Indexes     []*Index
	ForeignKeys []*ForeignKey
	// Partition is set on a partitioned table (PARTITION BY); its
	// partitions are not tables of the Database.
	Partition *Partition `json:",omitempty"`
}

// Column is a table column.
type Column struct {
	Name string
	// Type is the canonical upper-case SQL type: INTEGER, TEXT,
	// TIMESTAMP(3), DECIMAL(65,30), VARCHAR(255), "Role" (an enum, quoted),
	// TEXT[] (a list).
	Type    string
	NotNull bool
	// Default is the SQL default expression, empty for none.
	Default string
	// DefaultOpaque marks a dbgenerated() default: the database rewrites
	// such expressions, so they are not compared.
	DefaultOpaque bool
	// AutoIncrement marks SERIAL/BIGSERIAL/SMALLSERIAL columns (a sequence default).
	AutoIncrement bool
	// ClientDefault marks a column whose schema default the client
	// computes (uuid(), cuid(), nanoid(), ulid()): the database has none.
	// Only the schema side of a diff knows it; it is not compared.
	ClientDefault bool
}

// PrimaryKey is a primary key constraint.
type PrimaryKey struct {
	Name    string
	Columns []string
}

// Index is an index; unique ones back @unique and @@unique.
type Index struct {
	Name    string
	Unique  bool
	Columns []IndexColumn
	// Method is the access method in upper case (BTREE, HASH, GIN, GIST,
	// SPGIST, BRIN); empty means BTREE.
	Method string
	// Constraint marks a unique index owned by a UNIQUE constraint (made
	// outside polystore); it is dropped with ALTER TABLE ... DROP CONSTRAINT.
	Constraint bool
	// FieldLevel marks a unique index from @unique on a field (rather
	// than @@unique); Prisma creates those first.
	FieldLevel bool `json:",omitempty"`
	// Where is the predicate of a partial index, as written after WHERE
	// without the outer parentheses; empty for a full index.
	Where string `json:",omitempty"`
}

// IndexColumn is one column of an index.
type IndexColumn struct {
	Name    string
	Desc    bool
	OpClass string // operator class, empty for the default
	// Asc marks an explicit ASC (sort: Asc), written out as Prisma does;
	// it orders like no sort at all.
	Asc bool `json:",omitempty"`
	// DefaultOpClass is, on an introspected index, the name of the
	// default operator class in use (OpClass is then empty), so that an
	// explicit ops: naming the default compares equal.
	DefaultOpClass string `json:",omitempty"`
}

// ForeignKey is a foreign key constraint.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefSchema  string
	RefTable   string
	RefColumns []string
	OnDelete   string // SQL action: RESTRICT, CASCADE, SET NULL, NO ACTION, SET DEFAULT
	OnUpdate   string
}

// Table returns the table with the given schema and name, or nil.
func (d *Database) Table(schema, name string) *Table {
	for _, t := range d.Tables {
		if t.Schema == schema && t.Name == name {
			return t
		}
	}
	return nil
}

// Enum returns the enum with the given schema and name, or nil.
func (d *Database) Enum(schema, name string) *Enum {
	for _, e := range d.Enums {
		if e.Schema == schema && e.Name == name {
			return e
		}
	}
	return nil
}

// Column returns the column with the given name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// maxIdent is PostgreSQL's identifier length limit (NAMEDATALEN-1).
const maxIdent = 63

// constraintName builds Prisma's default names: table_columns_suffix,
// with the table_columns part truncated so the whole fits in 63 bytes.
func constraintName(table string, columns []string, suffix string) string {
	base := table
	if len(columns) > 0 {
		base += "_" + strings.Join(columns, "_")
	}
	if limit := maxIdent - len(suffix) - 1; len(base) > limit {
		base = base[:limit]
	}
	return base + "_" + suffix
}

// quoteIdent quotes an identifier for PostgreSQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteLiteral quotes a string literal for PostgreSQL.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// qualified returns "schema"."name", or "name" for the default schema.
func qualified(schema, name string) string {
	if schema == "" {
		return quoteIdent(name)
	}
	return quoteIdent(schema) + "." + quoteIdent(name)
}
