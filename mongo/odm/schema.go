package odm

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Type is the schema type of a path, named as in Mongoose.
type Type int

// Schema types.
const (
	TypeMixed Type = iota
	TypeString
	TypeNumber
	TypeBoolean
	TypeDate
	TypeObjectID
	TypeDecimal128
	TypeBuffer
	TypeArray
	TypeSubdoc
	TypeMap
	TypeInt32  // Mongoose's Int32: a BSON int32
	TypeDouble // Mongoose's Double: a BSON double
	TypeBigInt // Mongoose's BigInt: a BSON int64
	TypeUUID   // Mongoose's UUID: BSON binary subtype 4
)

var typeNames = [...]string{"Mixed", "String", "Number", "Boolean", "Date", "ObjectId", "Decimal128", "Buffer", "Array", "Embedded", "Map",
	"Int32", "Double", "BigInt", "UUID"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Unknown"
}

// StrictMode says what happens to input paths that are not in the schema.
type StrictMode int

const (
	// StrictDrop (the default, Mongoose's strict: true) silently drops them.
	StrictDrop StrictMode = iota
	// StrictThrow rejects them with a *StrictError.
	StrictThrow
	// StrictOff keeps them (Mixed).
	StrictOff
)

// Timestamps names the fields maintained on insert and update. Empty names
// disable that timestamp.
type Timestamps struct {
	CreatedAt string
	UpdatedAt string
}

// DefaultTimestamps are Mongoose's names.
var DefaultTimestamps = &Timestamps{CreatedAt: "createdAt", UpdatedAt: "updatedAt"}

// SchemaOpts are schema-wide options.
type SchemaOpts struct {
	// Timestamps, when set, maintains createdAt/updatedAt.
	Timestamps *Timestamps
	// VersionKey is the version field (default "__v"); "-" disables versioning.
	VersionKey string
	// Strict controls unknown input paths.
	Strict StrictMode
	// StrictQuery controls unknown filter paths (default StrictQueryOff,
	// Mongoose's default).
	StrictQuery StrictQueryMode
	// Capped makes the collection capped (bytes, and optional max docs).
	Capped *Capped
	// TimeSeries makes the collection a time-series collection.
	TimeSeries *TimeSeries
	// KeepEmpty is Mongoose's schema-level minimize: false: ToObject and
	// ToJSON keep empty objects unless their options say Minimize.
	KeepEmpty bool
	// NoID is Mongoose's `_id: false` on a subdocument schema: its
	// subdocuments get no implicit ObjectID _id (see Schema.subdocIDs).
	NoID bool
	// OptimisticConcurrency is Mongoose's optimisticConcurrency: every
	// Save that changes something is guarded by the version key and
	// increments it. Without it, as Mongoose's default, only array
	// changes are versioned: a change inside an array element is guarded,
	// an append or removal increments the version, a whole array replaced
	// does both; other changes are saved unguarded (last write wins).
	OptimisticConcurrency bool
	// NoValidateBeforeSave is Mongoose's validateBeforeSave: false: Save
	// and Create skip validation (path and schema validators and the
	// validate hooks); defaults and transforms still apply. SaveOpts
	// overrides it per call. Validate, InsertMany and updates still
	// validate.
	NoValidateBeforeSave bool
}

// Capped collection options.
type Capped struct {
	Size int64
	Max  int64
}

// TimeSeries collection options.
type TimeSeries struct {
	TimeField   string
	MetaField   string
	Granularity string // "seconds", "minutes" or "hours"
	ExpireAfter time.Duration
}

// Schema describes the documents of a model: their paths, types, defaults,
// transforms, validators and indexes. Build one from a struct with
// SchemaFor, or with NewSchema and the path builders; both can be refined
// later with Path(...). A schema must not be modified once a model uses it.
type Schema struct {
	paths      []*Path
	byName     map[string]*Path
	byAlias    map[string]*Path
	opts       SchemaOpts
	indexes    []Index
	validators []SchemaValidator
	goType     reflect.Type // struct type, nil for map-backed schemas
	hooks      hookList[SchemaHookFunc]
	errHooks   hookList[SchemaErrorHookFunc]
	methods    map[string]any
	plugins    pluginState
	softDelete *SoftDeleteOpts
}

// SchemaValidator is a schema-level validator: it sees the whole document
// (*T for struct schemas, map[string]any otherwise) and returns nil, a
// *FieldError (from Invalid), a *ValidationError, or another error, which
// fails the document.
type SchemaValidator func(ctx context.Context, doc any) error

// Invalid builds a user-defined FieldError for a schema-level validator.
func Invalid(path, message string) *FieldError {
	return &FieldError{Name: NameValidatorError, Path: path, Kind: KindUserDefined, Message: message}
}

// NewSchema builds a schema from paths.
func NewSchema(opts *SchemaOpts, paths ...*Path) *Schema {
	s := &Schema{byName: map[string]*Path{}, byAlias: map[string]*Path{}}
	if opts != nil {
		s.opts = *opts
	}
	for _, p := range paths {
		s.Add(p)
	}
	return s
}

// Add appends a path (replacing one with the same name).
func (s *Schema) Add(p *Path) *Schema {
	if old, ok := s.byName[p.Name]; ok {
		for i, q := range s.paths {
			if q == old {
				s.paths[i] = p
			}
		}
	} else {
		s.paths = append(s.paths, p)
	}
	s.byName[p.Name] = p
	if p.Alias != "" {
		s.byAlias[p.Alias] = p
	}
	return s
}

// Path returns the path with the given (dotted) name, or nil. Use it to add
// what tags cannot say, e.g. s.Path("price").Validate(fn, "msg").
func (s *Schema) Path(name string) *Path {
	cur := s
	parts := strings.Split(name, ".")
	for i, part := range parts {
		p := cur.byName[part]
		if p == nil {
			return nil
		}
		if i == len(parts)-1 {
			return p
		}
		switch {
		case p.Type == TypeSubdoc:
			cur = p.Schema
		case (p.Type == TypeArray || p.Type == TypeMap) && p.Elem != nil && p.Elem.Type == TypeSubdoc:
			cur = p.Elem.Schema
		default:
			return nil
		}
	}
	return nil
}

// Paths returns the top-level paths in declaration order.
func (s *Schema) Paths() []*Path { return append([]*Path(nil), s.paths...) }

// Options returns the schema options.
func (s *Schema) Options() SchemaOpts { return s.opts }

// SetTimestamps sets the timestamps of s: for a subdocument schema derived
// from a struct (s.Path("items").Elem.Schema), Mongoose's timestamps option
// of a subschema, stamped on insert, Save and whole-subdocument updates.
func (s *Schema) SetTimestamps(ts *Timestamps) *Schema {
	s.opts.Timestamps = ts
	return s
}

// Validate adds a schema-level validator.
func (s *Schema) Validate(fn SchemaValidator) *Schema {
	s.validators = append(s.validators, fn)
	return s
}

// subdocIDs gives the subdocuments of s (single nested, in arrays and in
// maps, at any depth) an ObjectID _id by default, as Mongoose gives every
// subdocument schema an _id path unless it says `_id: false`: an _id path
// of type ObjectID without a default gets a new ObjectID whenever it is
// missing, and a programmatic subschema (not derived from a struct) without
// an _id path gets one. A struct without an _id field has nowhere to keep
// one and is taken as `_id: false`, as is a schema with SchemaOpts.NoID.
func (s *Schema) subdocIDs() {
	for _, p := range s.paths {
		p.subdocIDs()
	}
}

func (p *Path) subdocIDs() {
	switch {
	case p.Type == TypeSubdoc && p.Schema != nil:
		p.Schema.implicitID()
		p.Schema.subdocIDs()
	case (p.Type == TypeArray || p.Type == TypeMap) && p.Elem != nil:
		p.Elem.subdocIDs()
	}
}

func (s *Schema) implicitID() {
	if s.opts.NoID {
		return
	}
	if p := s.byName["_id"]; p != nil {
		if p.Type == TypeObjectID && !p.hasDefault() {
			p.defFunc = newObjectID
		}
		return
	}
	if s.goType != nil {
		return
	}
	id := ObjectID("_id").DefaultFunc(newObjectID)
	id.byPlugin = true // a struct bound later need not declare it
	s.paths = append([]*Path{id}, s.paths...)
	s.byName["_id"] = id
}

func newObjectID() any { return bson.NewObjectID() }

func (s *Schema) versionKey() string {
	switch s.opts.VersionKey {
	case "":
		return "__v"
	case "-":
		return ""
	}
	return s.opts.VersionKey
}

// Path is one field of a schema with its options. The builder methods
// return the path so that they chain.
type Path struct {
	Name string
	Type Type
	// Elem is the element of an Array or the value of a Map.
	Elem *Path
	// Schema is the schema of a Subdoc.
	Schema *Schema

	required    bool
	requiredMsg string
	defVal      any
	defFunc     func() any
	trim, lower bool
	upper       bool
	Immutable   bool
	// Hidden is select:false: excluded from queries unless selected.
	Hidden bool
	Index  bool
	Unique bool
	Sparse bool
	// Ref names the model this ObjectID refers to (for populate).
	Ref string
	// RefPath is the path of the document that names the referenced
	// model (Mongoose's refPath: a dynamic reference, see DynRef).
	RefPath string
	// Alias is another input name for the path.
	Alias string

	validators []validator
	getters    []Getter
	setters    []Setter

	goIndex []int        // struct field index
	goType  reflect.Type // Go type of the field (pointer stripped)
	isInt   bool         // Number backed by an integer Go type
	needs   bool         // validation has something to check (see finalize)
	ptr     bool         // Go field is a pointer
	// byPlugin marks a path a plugin added: a struct need not declare it.
	byPlugin bool
}

// Kinds of built-in validators.
type validator struct {
	kind    string
	message string
	min     float64
	max     float64
	minTime time.Time
	maxTime time.Time
	isTime  bool
	length  int
	enum    []any
	re      *regexp.Regexp
	fn      func(ctx context.Context, v any) (bool, error)
}

func newPath(name string, t Type) *Path { return &Path{Name: name, Type: t} }

// String declares a String path.
func String(name string) *Path { return newPath(name, TypeString) }

// Number declares a Number path.
func Number(name string) *Path { return newPath(name, TypeNumber) }

// Int declares a Number path that only holds integers.
func Int(name string) *Path { p := newPath(name, TypeNumber); p.isInt = true; return p }

// Bool declares a Boolean path.
func Bool(name string) *Path { return newPath(name, TypeBoolean) }

// Date declares a Date path.
func Date(name string) *Path { return newPath(name, TypeDate) }

// ObjectID declares an ObjectId path.
func ObjectID(name string) *Path { return newPath(name, TypeObjectID) }

// Decimal declares a Decimal128 path.
func Decimal(name string) *Path { return newPath(name, TypeDecimal128) }

// Int32 declares an Int32 path (Mongoose's Schema.Types.Int32): integers
// within 32 bits, stored as BSON int32.
func Int32(name string) *Path { return newPath(name, TypeInt32) }

// Double declares a Double path (Mongoose's Schema.Types.Double), stored
// as a BSON double.
func Double(name string) *Path { return newPath(name, TypeDouble) }

// BigInt declares a BigInt path (Mongoose's BigInt): 64-bit integers,
// exact beyond 2^53, stored as BSON int64.
func BigInt(name string) *Path { return newPath(name, TypeBigInt) }

// UUID declares a UUID path (Mongoose's Schema.Types.UUID): a UUID string
// with dashes or 16 bytes, stored as BSON binary subtype 4.
func UUID(name string) *Path { return newPath(name, TypeUUID) }

// Mixed declares a path of any type.
func Mixed(name string) *Path { return newPath(name, TypeMixed) }

// Array declares an array whose elements are elem (whose name is ignored).
func Array(name string, elem *Path) *Path {
	p := newPath(name, TypeArray)
	p.Elem = elem
	return p
}

// MapOf declares a map from string keys to values described by elem.
func MapOf(name string, elem *Path) *Path {
	p := newPath(name, TypeMap)
	p.Elem = elem
	return p
}

// Subdoc declares a nested document.
func Subdoc(name string, s *Schema) *Path {
	p := newPath(name, TypeSubdoc)
	p.Schema = s
	return p
}

// Required makes the path required; an optional message replaces the default.
func (p *Path) Required(message ...string) *Path {
	p.required = true
	if len(message) > 0 {
		p.requiredMsg = message[0]
	}
	return p
}

// IsRequired reports whether the path is required.
func (p *Path) IsRequired() bool { return p.required }

// Default sets a default value, applied when the path is missing (zero for
// non-pointer struct fields).
func (p *Path) Default(v any) *Path { p.defVal = v; return p }

// DefaultFunc sets a function computing the default (e.g. time.Now).
func (p *Path) DefaultFunc(fn func() any) *Path { p.defFunc = fn; return p }

// Trim trims spaces from strings before validation.
func (p *Path) Trim() *Path { p.trim = true; return p }

// Lowercase lowercases strings.
func (p *Path) Lowercase() *Path { p.lower = true; return p }

// Uppercase uppercases strings.
func (p *Path) Uppercase() *Path { p.upper = true; return p }

// SetImmutable forbids changes once the document is stored.
func (p *Path) SetImmutable() *Path { p.Immutable = true; return p }

// Select(false) hides the path from queries unless selected explicitly.
func (p *Path) Select(include bool) *Path { p.Hidden = !include; return p }

// Indexed declares a single-field index.
func (p *Path) Indexed() *Path { p.Index = true; return p }

// SetUnique declares a unique single-field index.
func (p *Path) SetUnique() *Path { p.Unique = true; return p }

// SetSparse makes the path's index sparse.
func (p *Path) SetSparse() *Path { p.Sparse = true; return p }

// SetRef names the referenced model.
func (p *Path) SetRef(model string) *Path { p.Ref = model; return p }

// SetRefPath makes the reference dynamic: path (a sibling's BSON path, or
// the full path inside an array of subdocuments) names the model of each
// document's reference, as Mongoose's refPath.
func (p *Path) SetRefPath(path string) *Path { p.RefPath = path; return p }

// SetAlias declares another input name.
func (p *Path) SetAlias(alias string) *Path { p.Alias = alias; return p }

func msg(m []string) string {
	if len(m) > 0 {
		return m[0]
	}
	return ""
}

// Min sets the minimum of a Number.
//
// Mongoose 9 gives only Number and Date paths min and max, and only String
// and Number paths enum: Min, Max and Enum on other types (Int32, Double,
// BigInt, Decimal128, Boolean, ObjectId, UUID; Enum on Date) leave them
// unchecked as Mongoose does (use Validate for such a check).
func (p *Path) Min(v float64, message ...string) *Path {
	if p.noBounds() {
		return p
	}
	p.validators = append(p.validators, validator{kind: KindMin, min: v, message: msg(message)})
	return p
}

// Max sets the maximum of a Number.
func (p *Path) Max(v float64, message ...string) *Path {
	if p.noBounds() {
		return p
	}
	p.validators = append(p.validators, validator{kind: KindMax, max: v, message: msg(message)})
	return p
}

// noBounds reports a type Mongoose 9 gives no min or max validator (only
// Number and Date have them); noEnum one it gives no enum (only String and
// Number).
func (p *Path) noBounds() bool {
	switch p.Type {
	case TypeInt32, TypeDouble, TypeBigInt, TypeDecimal128, TypeBoolean, TypeObjectID, TypeUUID:
		return true
	}
	return false
}

func (p *Path) noEnum() bool { return p.noBounds() || p.Type == TypeDate }

// MinDate sets the earliest allowed Date.
func (p *Path) MinDate(t time.Time, message ...string) *Path {
	p.validators = append(p.validators, validator{kind: KindMin, minTime: t, isTime: true, message: msg(message)})
	return p
}

// MaxDate sets the latest allowed Date.
func (p *Path) MaxDate(t time.Time, message ...string) *Path {
	p.validators = append(p.validators, validator{kind: KindMax, maxTime: t, isTime: true, message: msg(message)})
	return p
}

// MinLength sets the minimum length of a String.
func (p *Path) MinLength(n int, message ...string) *Path {
	p.validators = append(p.validators, validator{kind: KindMinLength, length: n, message: msg(message)})
	return p
}

// MaxLength sets the maximum length of a String.
func (p *Path) MaxLength(n int, message ...string) *Path {
	p.validators = append(p.validators, validator{kind: KindMaxLength, length: n, message: msg(message)})
	return p
}

// Enum restricts the values; the message may use {VALUE} and {PATH}.
func (p *Path) Enum(values []any, message ...string) *Path {
	if p.noEnum() {
		return p
	}
	p.validators = append(p.validators, validator{kind: KindEnum, enum: values, message: msg(message)})
	return p
}

// EnumStrings is Enum for string values.
func (p *Path) EnumStrings(values []string, message ...string) *Path {
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = v
	}
	return p.Enum(vs, message...)
}

// Match requires strings to match re.
func (p *Path) Match(re *regexp.Regexp, message ...string) *Path {
	p.validators = append(p.validators, validator{kind: KindRegexp, re: re, message: msg(message)})
	return p
}

// Validate adds a synchronous custom validator (kind "user defined").
// message may use {PATH} and {VALUE}.
func (p *Path) Validate(fn func(v any) bool, message string) *Path {
	p.validators = append(p.validators, validator{kind: KindUserDefined, message: message,
		fn: func(_ context.Context, v any) (bool, error) { return fn(v), nil }})
	return p
}

// ValidateCtx adds a context-aware (asynchronous) custom validator. A
// returned error fails the path with the error's message, as a rejected
// promise does in Mongoose.
func (p *Path) ValidateCtx(fn func(ctx context.Context, v any) (bool, error), message string) *Path {
	p.validators = append(p.validators, validator{kind: KindUserDefined, message: message, fn: fn})
	return p
}
