package orm

import (
	"fmt"
	"strings"
)

// ScalarType is the type of a scalar field, as named in schema.prisma.
type ScalarType uint8

// Scalar types.
const (
	String ScalarType = iota + 1
	Int
	BigInt
	Float
	Decimal
	Boolean
	DateTime
	JSON
	Bytes
	Enum
)

var scalarNames = [...]string{"", "String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes", "Enum"}

func (t ScalarType) String() string {
	if int(t) < len(scalarNames) {
		return scalarNames[t]
	}
	return fmt.Sprintf("ScalarType(%d)", t)
}

// numeric reports whether the type supports arithmetic and _sum/_avg.
func (t ScalarType) numeric() bool { return t == Int || t == BigInt || t == Float || t == Decimal }

// RelationKind is the cardinality of a relation seen from the model that
// declares it.
type RelationKind uint8

// Relation kinds.
const (
	// OneToOne: a to-one relation whose other side is also to-one
	// (User.profile and Profile.user).
	OneToOne RelationKind = iota + 1
	// OneToMany: a to-many relation whose other side is to-one (User.posts).
	OneToMany
	// ManyToOne: a to-one relation whose other side is to-many (Post.author).
	ManyToOne
	// ManyToMany: both sides are lists, linked through a join table
	// (Post.categories and Category.posts).
	ManyToMany
)

var kindNames = [...]string{"", "1:1", "1:N", "N:1", "N:M"}

func (k RelationKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("RelationKind(%d)", k)
}

// Field is a scalar column of a model.
type Field struct {
	// Name is the field name in schema.prisma (e.g. "createdAt"). It is the
	// name used in filters, data and orderBy, and the JSON name of the
	// generated struct field.
	Name string
	// Column is the database column (from @map); empty means Name.
	Column string
	// Type is the scalar type; Enum fields also set EnumName.
	Type     ScalarType
	EnumName string
	// EnumValues lists the values of an Enum field; when set, other values
	// are rejected before reaching the database.
	EnumValues []string
	// DBType is the native column type (e.g. "timestamp(3)", "text[]"),
	// informative only.
	DBType string
	// List marks scalar lists (String[]), stored as PostgreSQL arrays.
	List bool
	// Nullable marks optional fields (String?).
	Nullable bool
	// HasDefault marks fields with a database default (@default, autoincrement),
	// which may therefore be omitted on create.
	HasDefault bool
	// UpdatedAt marks @updatedAt fields: set to now() on create and update
	// unless the data sets them.
	UpdatedAt bool
	// Generate produces the value of a client-side default — Prisma's
	// @default(uuid()), uuid(7), cuid(), cuid(2), nanoid(), nanoid(n),
	// ulid(); see package idgen — for every row a create leaves the field
	// out of (create, createMany, nested and upsert creates). A value the
	// data gives, even null, is kept.
	Generate func() string

	qcol string // quoted column
	// clock is the kind of a DateTime column's native type: clockTime for
	// @db.Time / @db.Timetz, clockDate for @db.Date, 0 otherwise.
	clock uint8
}

const (
	clockDate uint8 = iota + 1
	clockTime
	clockTimeTZ
)

// clockOf classifies a DateTime field's native type.
func clockOf(f *Field) uint8 {
	if f.Type != DateTime {
		return 0
	}
	db := strings.ToLower(strings.TrimSpace(f.DBType))
	switch {
	case db == "date":
		return clockDate
	case strings.HasPrefix(db, "timestamp"):
		return 0
	case strings.HasPrefix(db, "timetz") || strings.HasPrefix(db, "time") && strings.Contains(db, "with time zone"):
		return clockTimeTZ
	case strings.HasPrefix(db, "time"):
		return clockTime
	}
	return 0
}

// Unique is a unique constraint: @unique on one field or @@unique on several.
type Unique struct {
	// Name is the database constraint or index name (e.g. "users_email_key").
	// It maps unique-violation errors back to fields; may be empty.
	Name   string
	Fields []string
}

// JoinTable describes the join table of a many-to-many relation. Prisma's
// implicit join table "_CategoryToPost" has columns A (the model whose
// name sorts first) and B.
type JoinTable struct {
	Table string
	// Column references this model's primary key; TargetColumn references
	// the related model's primary key.
	Column       string
	TargetColumn string
}

// Relation is a relation field of a model.
type Relation struct {
	// Name is the relation field name (e.g. "posts").
	Name string
	Kind RelationKind
	// Model is the related model's name.
	Model string
	// Fields and References are the @relation(fields:, references:)
	// arguments, set on the side that holds the foreign key (Post.author:
	// Fields ["authorId"], References ["id"]). On the other side they are
	// empty and Inverse names the relation field of the related model that
	// holds them (User.posts: Inverse "author").
	Fields     []string
	References []string
	Inverse    string
	// ForeignKey is the name of the foreign-key constraint, used to map
	// P2003 errors back to the relation; may be empty.
	ForeignKey string
	// JoinTable is set for ManyToMany relations.
	JoinTable *JoinTable
	// RelationName is the relation's name in schema.prisma when it names
	// one (@relation("tree")); Prisma's errors quote it. Empty means
	// Prisma's default: the two model names, sorted, joined by "To".
	RelationName string

	model  *Model
	target *Model
	// this.local[i] = target.foreign[i]
	local, foreign []*Field
	owner          bool // the foreign key is on this model
}

// Target returns the related model (after NewSchema).
func (r *Relation) Target() *Model { return r.target }

// required reports whether a to-one relation always has a row: its
// foreign key is on this side and none of its fields is optional.
func (r *Relation) required() bool {
	if r.ToMany() || !r.owner || len(r.local) == 0 {
		return false
	}
	for _, f := range r.local {
		if f.Nullable {
			return false
		}
	}
	return true
}

// ToMany reports whether the relation loads a list.
func (r *Relation) ToMany() bool { return r.Kind == OneToMany || r.Kind == ManyToMany }

// Model is a table: scalar fields, primary key, unique sets and relations.
type Model struct {
	// Name is the model name in schema.prisma (e.g. "User").
	Name string
	// Table is the database table (from @@map); empty means Name.
	Table string
	// DBSchema optionally qualifies the table (PostgreSQL schema).
	DBSchema   string
	Fields     []*Field
	PrimaryKey []string
	Uniques    []Unique
	Relations  []*Relation

	schema    *Schema
	fields    map[string]*Field
	relations map[string]*Relation
	pk        []*Field
	byColumn  map[string]*Field
	qtable    string
	shapes    *shapeCache // compiled finds by query shape
}

// Field returns the scalar field with the given name, or nil.
func (m *Model) Field(name string) *Field { return m.fields[name] }

// Relation returns the relation field with the given name, or nil.
func (m *Model) Relation(name string) *Relation { return m.relations[name] }

// Schema is a set of linked models. Build it with NewSchema.
type Schema struct {
	Models []*Model
	byName map[string]*Model
}

// Model returns the model with the given name, or nil.
func (s *Schema) Model(name string) *Model { return s.byName[name] }

// MustModel is Model that panics on an unknown name (for package-level
// variables in generated code).
func (s *Schema) MustModel(name string) *Model {
	m := s.byName[name]
	if m == nil {
		panic("orm: unknown model " + name)
	}
	return m
}

// NewSchema validates the models, fills defaults (Column, Table) and links
// relations to their targets. The models must not be modified afterwards.
func NewSchema(models ...*Model) (*Schema, error) {
	s := &Schema{Models: models, byName: make(map[string]*Model, len(models))}
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	for _, m := range models {
		if m.Name == "" {
			bad("model without a name")
			continue
		}
		if s.byName[m.Name] != nil {
			bad("model %s declared twice", m.Name)
		}
		s.byName[m.Name] = m
		m.schema = s
		m.shapes = newShapeCache()
		if m.Table == "" {
			m.Table = m.Name
		}
		m.qtable = quoteIdent(m.Table)
		if m.DBSchema != "" {
			m.qtable = quoteIdent(m.DBSchema) + "." + m.qtable
		}
		m.fields = make(map[string]*Field, len(m.Fields))
		m.byColumn = make(map[string]*Field, len(m.Fields))
		m.relations = make(map[string]*Relation, len(m.Relations))
		for _, f := range m.Fields {
			if f.Column == "" {
				f.Column = f.Name
			}
			f.qcol = quoteIdent(f.Column)
			f.clock = clockOf(f)
			if f.Type == 0 || int(f.Type) >= len(scalarNames) {
				bad("%s.%s: missing or unknown type", m.Name, f.Name)
			}
			if m.fields[f.Name] != nil {
				bad("%s.%s declared twice", m.Name, f.Name)
			}
			m.fields[f.Name] = f
			m.byColumn[f.Column] = f
		}
		if len(m.PrimaryKey) == 0 {
			bad("%s: no primary key", m.Name)
		}
		m.pk = m.pk[:0]
		for _, n := range m.PrimaryKey {
			f := m.fields[n]
			if f == nil {
				bad("%s: primary key field %s does not exist", m.Name, n)
				continue
			}
			m.pk = append(m.pk, f)
		}
		for _, u := range m.Uniques {
			for _, n := range u.Fields {
				if m.fields[n] == nil {
					bad("%s: unique field %s does not exist", m.Name, n)
				}
			}
		}
		for _, r := range m.Relations {
			if m.fields[r.Name] != nil || m.relations[r.Name] != nil {
				bad("%s.%s declared twice", m.Name, r.Name)
			}
			r.model = m
			m.relations[r.Name] = r
		}
	}
	for _, m := range models {
		for _, r := range m.Relations {
			if err := s.link(m, r); err != nil {
				bad("%s.%s: %v", m.Name, r.Name, err)
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("orm: invalid schema: %s", strings.Join(errs, "; "))
	}
	return s, nil
}

// MustSchema is NewSchema that panics on error.
func MustSchema(models ...*Model) *Schema {
	s, err := NewSchema(models...)
	if err != nil {
		panic(err)
	}
	return s
}

func (s *Schema) link(m *Model, r *Relation) error {
	r.target = s.byName[r.Model]
	if r.target == nil {
		return fmt.Errorf("unknown model %s", r.Model)
	}
	fieldsOf := func(mm *Model, names []string) ([]*Field, error) {
		out := make([]*Field, len(names))
		for i, n := range names {
			if out[i] = mm.fields[n]; out[i] == nil {
				return nil, fmt.Errorf("no field %s.%s", mm.Name, n)
			}
		}
		return out, nil
	}
	var err error
	switch {
	case r.Kind == ManyToMany:
		if r.JoinTable == nil || r.JoinTable.Table == "" || r.JoinTable.Column == "" || r.JoinTable.TargetColumn == "" {
			return fmt.Errorf("many-to-many relation needs a JoinTable")
		}
		if len(m.pk) != 1 || len(r.target.pk) != 1 {
			return fmt.Errorf("many-to-many relations need single-field primary keys")
		}
		r.local, r.foreign = m.pk, r.target.pk
	case len(r.Fields) > 0:
		if r.Kind != ManyToOne && r.Kind != OneToOne {
			return fmt.Errorf("only to-one relations hold fields/references")
		}
		if len(r.Fields) != len(r.References) {
			return fmt.Errorf("fields and references differ in length")
		}
		r.owner = true
		if r.local, err = fieldsOf(m, r.Fields); err != nil {
			return err
		}
		if r.foreign, err = fieldsOf(r.target, r.References); err != nil {
			return err
		}
	default:
		if r.Kind != OneToMany && r.Kind != OneToOne {
			return fmt.Errorf("relation %s without fields must be 1:1 or 1:N", r.Kind)
		}
		inv := r.target.relations[r.Inverse]
		if inv == nil || len(inv.Fields) == 0 {
			return fmt.Errorf("inverse %s.%s must exist and hold fields/references", r.Model, r.Inverse)
		}
		if r.local, err = fieldsOf(m, inv.References); err != nil {
			return err
		}
		if r.foreign, err = fieldsOf(r.target, inv.Fields); err != nil {
			return err
		}
	}
	return nil
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
