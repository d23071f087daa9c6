package psl

import "strings"

// Schema is the validated, resolved view of a schema file: what the
// migration engine and the client generator consume. Every name is given
// twice where it matters: the schema name (Name) and the database name
// (DBName, after @map/@@map).
type Schema struct {
	File        *File
	Datasource  *Datasource
	Generators  []*Generator
	Enums       []*Enum
	Models      []*Model // models and views, in source order
	JoinTables  []*JoinTable
	modelByName map[string]*Model
	enumByName  map[string]*Enum
}

// Model returns the model (or view) with the given schema name, or nil
// (also on a nil Schema, so lookups chain: s.Model("User").Field("id")).
func (s *Schema) Model(name string) *Model {
	if s == nil {
		return nil
	}
	return s.modelByName[name]
}

// Enum returns the enum with the given schema name, or nil.
func (s *Schema) Enum(name string) *Enum {
	if s == nil {
		return nil
	}
	return s.enumByName[name]
}

// Datasource is the datasource block.
type Datasource struct {
	Name      string
	Provider  string
	URL       ConfigValue
	DirectURL ConfigValue
	// Schemas lists the database schemas of a multi-schema datasource.
	Schemas []string
	// RelationMode is "foreignKeys" (the default) or "prisma" (relations
	// are kept by the client; the database gets no foreign keys).
	RelationMode string
	// Extensions lists the PostgreSQL extensions the schema needs
	// (extensions = [citext, pg_trgm(schema: "ext")]); migrations create
	// them before anything that uses them.
	Extensions []*Extension
}

// Extension is one entry of the datasource's extensions list.
type Extension struct {
	Name    string // name in the schema
	DBName  string // map: argument or Name: the extension's database name
	Schema  string // schema: argument, empty for the default
	Version string // version: argument, empty for the default
}

// ConfigValue is a config property value: a literal or env("VAR").
type ConfigValue struct {
	Value  string
	EnvVar string // set when the value is env("VAR")
}

// Generator is a generator block; Config holds its properties.
type Generator struct {
	Name     string
	Provider string
	Output   string
	// PreviewFeatures lists the previewFeatures strings.
	PreviewFeatures []string
	// Config holds every property: strings decoded, other values as written.
	Config map[string]string
	// previewAt is where previewFeatures is set.
	previewAt Pos
}

// Enum is a resolved enum.
type Enum struct {
	Name   string
	DBName string // @@map or Name
	Schema string // @@schema, empty for the default schema
	Doc    string
	Values []*EnumValue
	Decl   *EnumDecl
}

// EnumValue is one enum value; DBName is its @map or Name.
type EnumValue struct {
	Name   string
	DBName string
	Doc    string
}

// Model is a resolved model or view.
type Model struct {
	Name    string
	DBName  string // @@map or Name
	Schema  string // @@schema, empty for the default schema
	Doc     string
	IsView  bool
	Ignored bool // @@ignore
	Fields  []*Field
	// PrimaryKey is the @id field or @@id; nil when the model has none.
	PrimaryKey *PrimaryKey
	// Uniques holds @unique fields and @@unique blocks, in source order
	// (field attributes first).
	Uniques []*Index
	// Indexes holds @@index blocks.
	Indexes []*Index
	// Partition is the model's @@polystore.partition doc-line directive,
	// nil when the table is not partitioned.
	Partition *Partition `json:",omitempty"`
	Decl      *ModelDecl
	byName    map[string]*Field
}

// Field returns the field with the given schema name, or nil.
func (m *Model) Field(name string) *Field {
	if m == nil {
		return nil
	}
	return m.byName[name]
}

// IDFields returns the primary key fields in key order (nil without a key).
func (m *Model) IDFields() []*Field {
	if m == nil || m.PrimaryKey == nil {
		return nil
	}
	out := make([]*Field, len(m.PrimaryKey.Fields))
	for i, name := range m.PrimaryKey.Fields {
		out[i] = m.byName[name]
	}
	return out
}

// ScalarFields returns the fields stored as columns (scalars, enums and
// unsupported types), in order, skipping relation fields.
func (m *Model) ScalarFields() []*Field {
	if m == nil {
		return nil
	}
	var out []*Field
	for _, f := range m.Fields {
		if f.Kind != KindRelation {
			out = append(out, f)
		}
	}
	return out
}

// RelationFields returns the relation fields, in order.
func (m *Model) RelationFields() []*Field {
	if m == nil {
		return nil
	}
	var out []*Field
	for _, f := range m.Fields {
		if f.Kind == KindRelation {
			out = append(out, f)
		}
	}
	return out
}

// FieldKind says what a field's type refers to.
type FieldKind string

// Field kinds.
const (
	KindScalar      FieldKind = "scalar"
	KindEnum        FieldKind = "enum"
	KindRelation    FieldKind = "relation"
	KindUnsupported FieldKind = "unsupported"
)

// Scalar type names.
const (
	String   = "String"
	Int      = "Int"
	BigInt   = "BigInt"
	Float    = "Float"
	Decimal  = "Decimal"
	Boolean  = "Boolean"
	DateTime = "DateTime"
	Json     = "Json"
	Bytes    = "Bytes"
)

var scalarTypes = map[string]bool{String: true, Int: true, BigInt: true, Float: true, Decimal: true,
	Boolean: true, DateTime: true, Json: true, Bytes: true}

// IsScalarType reports whether name is a built-in scalar type.
func IsScalarType(name string) bool { return scalarTypes[name] }

// Field is a resolved field.
type Field struct {
	Name   string
	DBName string // @map or Name; empty for relation fields (they have no column)
	Doc    string
	Kind   FieldKind
	// Type is the scalar type, the enum name, the related model's name, or
	// "Unsupported".
	Type        string
	Unsupported string // the database type of an Unsupported("...") field
	Optional    bool
	List        bool
	// NativeType is the @db.* attribute, nil when absent.
	NativeType *NativeType
	Default    *Default
	// ID is Prisma's isId: @id on the field, or @@id over it alone.
	ID bool
	// Unique is Prisma's isUnique: @unique on the field or a single-field
	// @@unique; false on the primary key field even with @unique.
	Unique    bool
	UpdatedAt bool
	Ignored   bool
	// Relation is set on relation fields.
	Relation *Relation
	// Model is the model the field belongs to.
	Model *Model `json:"-"`
	Pos   Pos
	Decl  *FieldDecl
}

// Required reports whether the field is neither optional nor a list.
func (f *Field) Required() bool { return !f.Optional && !f.List }

// NativeType is a @db.* type: Name without the "db." prefix, arguments as written.
type NativeType struct {
	Name string
	Args []string
}

// DefaultKind classifies @default values.
type DefaultKind string

// Default kinds.
const (
	DefaultLiteral       DefaultKind = "literal"       // string, number or boolean
	DefaultEnum          DefaultKind = "enum"          // an enum value
	DefaultList          DefaultKind = "list"          // a list of literals or enum values
	DefaultAutoincrement DefaultKind = "autoincrement" // autoincrement()
	DefaultNow           DefaultKind = "now"           // now()
	DefaultUUID          DefaultKind = "uuid"          // uuid() / uuid(7), generated by the client
	DefaultCUID          DefaultKind = "cuid"          // cuid() / cuid(2), generated by the client
	DefaultNanoID        DefaultKind = "nanoid"        // nanoid(), generated by the client
	DefaultULID          DefaultKind = "ulid"          // ulid(), generated by the client
	DefaultDBGenerated   DefaultKind = "dbgenerated"   // dbgenerated("expr")
	DefaultSequence      DefaultKind = "sequence"      // sequence() (CockroachDB only; rejected)
)

// Default is a resolved @default.
type Default struct {
	Kind DefaultKind
	// Value is the literal text for literals ("0", "true", "hello"), the
	// enum value name, or the SQL expression of dbgenerated (may be empty).
	Value string
	// IsString marks a string literal (Value is the decoded string).
	IsString bool `json:",omitempty"`
	// Values holds list elements for DefaultList.
	Values []string `json:",omitempty"`
	// Version is the argument of uuid(n), cuid(n) or nanoid(n), if any.
	Version string `json:",omitempty"`
	// Map is the name given with map: (constraint name on SQL Server; kept for fidelity).
	Map string `json:",omitempty"`
}

// ClientGenerated reports whether the client, not the database, produces the value.
func (d *Default) ClientGenerated() bool {
	switch d.Kind {
	case DefaultUUID, DefaultCUID, DefaultNanoID, DefaultULID:
		return true
	}
	return false
}

// RelationKind is the cardinality of a relation seen from one side.
type RelationKind string

// Relation kinds.
const (
	OneToOne   RelationKind = "1:1"
	OneToMany  RelationKind = "1:n" // this side is the list
	ManyToOne  RelationKind = "n:1" // this side holds the foreign key, the other is a list
	ManyToMany RelationKind = "m:n" // implicit many-to-many through a join table
)

// Referential actions.
const (
	Cascade    = "Cascade"
	Restrict   = "Restrict"
	NoAction   = "NoAction"
	SetNull    = "SetNull"
	SetDefault = "SetDefault"
)

// Relation is the resolved relation of a relation field. Both sides carry
// one; Back points at the other side.
type Relation struct {
	// Name is the explicit @relation name or the generated one (model
	// names sorted and joined with "To", e.g. "PostToUser").
	Name string
	// Explicit is true when the schema named the relation.
	Explicit bool
	Kind     RelationKind
	// To is the related model.
	To *Model
	// Back is the opposite relation field on To.
	Back *Field
	// Owner is true on the side that holds the foreign key (it has
	// fields/references). For many-to-many neither side owns.
	Owner bool
	// Fields and References are the scalar fields (schema names) of the
	// foreign key on the owning side and the fields they reference on To.
	Fields     []string
	References []string
	// OnDelete and OnUpdate are the effective actions on the owning side:
	// the explicit ones or Prisma's defaults (Restrict / SetNull for
	// optional relations on delete, Cascade on update).
	OnDelete string
	OnUpdate string
	// OnDeleteExplicit and OnUpdateExplicit record whether the schema said so.
	OnDeleteExplicit bool `json:",omitempty"`
	OnUpdateExplicit bool `json:",omitempty"`
	// Map is the foreign key constraint name given with map:, if any.
	Map string
	// JoinTable is the implicit join table of a many-to-many relation.
	JoinTable *JoinTable
}

// JoinTable is the table behind an implicit many-to-many relation:
// "_<RelationName>" with columns A (referencing the model whose name sorts
// first) and B.
type JoinTable struct {
	Name         string // e.g. "_CategoryToPost"
	RelationName string
	Schema       string
	// A and B are the models referenced by columns "A" and "B".
	A, B *Model
	// AField and BField are the relation fields on A and B.
	AField, BField *Field
}

// PrimaryKey is a resolved @id or @@id.
type PrimaryKey struct {
	Fields []string // schema names
	Name   string   // name: argument (client API name), if any
	Map    string   // map: argument (constraint name), if any
}

// Index is a resolved @unique, @@unique or @@index.
type Index struct {
	Fields    []IndexField
	Unique    bool
	Name      string // name: argument (client API name), if any
	Map       string // map: argument (database name), if any
	Type      string // type: argument (BTree, Hash, Gin, Gist, SpGist, Brin), if any
	Clustered bool   `json:",omitempty"`
	// Where is the predicate of a partial index (where: on @@index,
	// @@unique or @unique, Prisma's partialIndexes preview feature); nil
	// for a full index.
	Where *IndexWhere `json:",omitempty"`
	Pos   Pos
}

// IndexWhere is a partial index's predicate: raw("...") SQL, or the
// object syntax ({ active: true, deletedAt: null }) as conditions.
type IndexWhere struct {
	Raw   string      `json:",omitempty"`
	Conds []WhereCond `json:",omitempty"`
}

// WhereCond is one condition of the object syntax: Field = Value, or
// Field != Value with { not: ... }. Value is an SQL literal ('text', 5,
// true, false) or NULL.
type WhereCond struct {
	Field string
	Not   bool `json:",omitempty"`
	Value string
}

// SQL renders the predicate as Prisma writes it inside WHERE (...) of
// model m's index: raw text as given, conditions on the fields' columns
// joined by AND.
func (w *IndexWhere) SQL(m *Model) string {
	if w == nil {
		return ""
	}
	if len(w.Conds) == 0 {
		return w.Raw
	}
	parts := make([]string, len(w.Conds))
	for i, c := range w.Conds {
		col := c.Field
		if m != nil {
			if f := m.Field(c.Field); f != nil && f.DBName != "" {
				col = f.DBName
			}
		}
		col = `"` + strings.ReplaceAll(col, `"`, `""`) + `"`
		switch {
		case c.Value == "NULL" && c.Not:
			parts[i] = col + " IS NOT NULL"
		case c.Value == "NULL":
			parts[i] = col + " IS NULL"
		case c.Not:
			parts[i] = col + " != " + c.Value
		default:
			parts[i] = col + " = " + c.Value
		}
	}
	return strings.Join(parts, " AND ")
}

// IndexField is one field of an index with its options.
type IndexField struct {
	Name string // schema field name
	Sort string // "Asc", "Desc" or empty
	Ops  string // operator class, e.g. "JsonbPathOps" or raw("...") text
	// RawOps marks an operator class given as raw("...").
	RawOps bool `json:",omitempty"`
}

// FieldNames returns the schema names of the index fields.
func (ix *Index) FieldNames() []string {
	out := make([]string, len(ix.Fields))
	for i, f := range ix.Fields {
		out[i] = f.Name
	}
	return out
}
