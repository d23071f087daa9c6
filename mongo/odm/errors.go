package odm

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Sentinel errors. Typed errors below wrap them so callers can branch with
// errors.Is as well as errors.As.
var (
	// ErrNotFound is returned when a query that must match a document
	// matched none. It wraps mongo.ErrNoDocuments.
	ErrNotFound = fmt.Errorf("odm: document not found: %w", mongo.ErrNoDocuments)
	// ErrValidation is wrapped by every *ValidationError.
	ErrValidation = errors.New("odm: validation failed")
	// ErrStaleDocument is wrapped by *StaleDocumentError.
	ErrStaleDocument = errors.New("odm: stale document")
	// ErrForbiddenOperator is wrapped by *FilterError for server-side
	// JavaScript operators ($where, $function, $accumulator).
	ErrForbiddenOperator = errors.New("odm: forbidden query operator")
	// ErrStrict is wrapped by *StrictError: a path that is not in the schema
	// under StrictThrow.
	ErrStrict = errors.New("odm: path not in schema")
	// ErrDocumentTooLarge is returned for documents over MaxDocumentSize.
	ErrDocumentTooLarge = errors.New("odm: document exceeds 16 MiB")
	// ErrEmptyUpdate is returned for an empty update, and by BulkWrite and
	// a soft-deleting hook's update when nothing is left of it after
	// dropping immutable and unknown paths. (UpdateOne, UpdateMany and
	// FindOneAndUpdate then write nothing, as Mongoose does.)
	ErrEmptyUpdate = errors.New("odm: empty update")
	// ErrDroppedFilter: under StrictQueryDrop every branch of a $or, $and
	// or $nor had only paths the schema does not know. Mongoose then sends
	// {} (every document matches); odm refuses the filter.
	ErrDroppedFilter = errors.New("odm: every branch of the filter's logical operator was dropped by strictQuery")

	errAllDropped = fmt.Errorf("%w: nothing left after dropping immutable and unknown paths", ErrEmptyUpdate)
	// ErrSchema is wrapped by errors in schema declarations (bad tags, bad
	// options): these are programming errors found when a schema is built.
	ErrSchema = errors.New("odm: invalid schema")
	// ErrNoDatabase is returned by the operations of a model made without
	// a database (NewModel with a nil *mongo.Database: casting and
	// validation only) and of a nil *Model.
	ErrNoDatabase = errors.New("odm: the model has no database (NewModel was given a nil *mongo.Database)")
	// ErrInvalid is wrapped by the errors of calls given an argument they
	// cannot use: a nil document, a nil client or function.
	ErrInvalid = errors.New("odm: invalid argument")
)

// invalidf is an error wrapping ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// nilDocErr is the error of an operation given a nil document.
func nilDocErr(model, op string) error {
	return invalidf("%s %s of a nil document", model, op)
}

// MaxDocumentSize is MongoDB's BSON document limit.
const MaxDocumentSize = 16 * 1024 * 1024

// Names of FieldError.Name, as in Mongoose.
const (
	NameValidatorError = "ValidatorError"
	NameCastError      = "CastError"
	// NameObjectExpectedError is a primitive given where a map's
	// subdocument is expected.
	NameObjectExpectedError = "ObjectExpectedError"
	// NameStrictModeError is an unknown field of a map's subdocument under
	// strict "throw".
	NameStrictModeError = "StrictModeError"
)

// Kinds of validator errors, as reported by Mongoose. A cast error's kind
// is Mongoose's cast kind instead ("Number", "ObjectId", "Boolean", "date",
// "string", "Embedded", "embedded", "[Number]" for an array element...).
const (
	KindRequired    = "required"
	KindMin         = "min"
	KindMax         = "max"
	KindEnum        = "enum"
	KindRegexp      = "regexp"
	KindMinLength   = "minlength"
	KindMaxLength   = "maxlength"
	KindUserDefined = "user defined"
	KindImmutable   = "immutable"
)

// FieldError is the failure of one path: a validator that said no, or a
// value that could not be cast to the path's type.
type FieldError struct {
	// Name is "ValidatorError" or "CastError".
	Name string
	// Path is the dotted path ("items.0.qty").
	Path string
	// Kind is the validator kind ("required", "min", "enum", "user defined",
	// ...) or, for a cast error, Mongoose's cast kind ("Number", "date").
	Kind string
	// Message is the rendered message.
	Message string
	// Value is the offending value (nil for a missing required value).
	Value any
	// Reason is the underlying error, if any (a validator's own error or a
	// parse error).
	Reason error
}

func (e *FieldError) Error() string { return e.Message }
func (e *FieldError) Unwrap() error { return e.Reason }

// IsCast reports whether this is a cast error.
func (e *FieldError) IsCast() bool { return e.Name == NameCastError }

// ValidationError holds every failing path of one document.
type ValidationError struct {
	// Model is the model name, used in the message as Mongoose does.
	Model string
	// Errors maps each failing path to its error.
	Errors map[string]*FieldError
	order  []string
	// update is set while validating an update: Mongoose's update
	// validators name array and map elements by their container's path.
	update bool
}

// elemName is the name messages use for the element key of the array or
// map named name (relative to its subdocument, as Mongoose names it).
func (e *ValidationError) elemName(name, key string) string {
	if e.update {
		return name
	}
	return name + "." + key
}

func (e *ValidationError) add(fe *FieldError) {
	if e.Errors == nil {
		e.Errors = make(map[string]*FieldError)
	}
	if _, ok := e.Errors[fe.Path]; ok {
		return // first failure of a path wins, as in Mongoose
	}
	e.Errors[fe.Path] = fe
	e.order = append(e.order, fe.Path)
}

func (e *ValidationError) merge(o *ValidationError) {
	if o == nil {
		return
	}
	for _, p := range o.order {
		e.add(o.Errors[p])
	}
}

func (e *ValidationError) orNil() error {
	if e == nil || len(e.Errors) == 0 {
		return nil
	}
	return e
}

// Paths returns the failing paths in the order they were found.
func (e *ValidationError) Paths() []string { return append([]string(nil), e.order...) }

// Kinds returns path -> kind, handy for table tests.
func (e *ValidationError) Kinds() map[string]string {
	m := make(map[string]string, len(e.Errors))
	for p, fe := range e.Errors {
		m[p] = fe.Kind
	}
	return m
}

// Error renders "<Model> validation failed: path: message, ..." like Mongoose.
func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Model != "" {
		b.WriteString(e.Model)
		b.WriteString(" validation failed")
	} else {
		b.WriteString("Validation failed")
	}
	paths := e.order
	if len(paths) != len(e.Errors) { // built by hand
		paths = make([]string, 0, len(e.Errors))
		for p := range e.Errors {
			paths = append(paths, p)
		}
		sort.Strings(paths)
	}
	for i, p := range paths {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(p)
		b.WriteString(": ")
		b.WriteString(e.Errors[p].Message)
	}
	return b.String()
}

func (e *ValidationError) Unwrap() error { return ErrValidation }

// StaleDocumentError is Mongoose's VersionError: a versioned Save (see
// SchemaOpts.OptimisticConcurrency) found the document at another version
// (__v) than it was read at: someone else saved it in between. Its
// message is Mongoose's.
type StaleDocumentError struct {
	Model   string
	ID      any
	Version int64
	// ModifiedPaths are the paths the Save changed.
	ModifiedPaths []string
}

func (e *StaleDocumentError) Error() string {
	return fmt.Sprintf(`No matching document found for id "%s" version %d modifiedPaths "%s"`, idString(e.ID), e.Version, strings.Join(e.ModifiedPaths, ", "))
}

// idString renders an _id as Mongoose's String(doc._id).
func idString(id any) string {
	if rv, ok := id.(bson.RawValue); ok {
		var v any
		if err := rv.Unmarshal(&v); err == nil {
			id = v
		}
	}
	return inspect(id)
}

// DocumentNotFoundError is Mongoose's DocumentNotFoundError: an unversioned
// Save found no document with the _id it was read with (it was deleted).
// errors.Is(err, ErrNotFound) holds. Its message is Mongoose's.
type DocumentNotFoundError struct {
	Model  string
	Filter bson.D
}

func (e *DocumentNotFoundError) Error() string {
	parts := make([]string, len(e.Filter))
	for i, f := range plainFilter(e.Filter) {
		parts[i] = f.Key + ": " + nodeInspect(f.Value)
	}
	return fmt.Sprintf(`No document found for query "{ %s }" on model "%s"`, strings.Join(parts, ", "), e.Model)
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *DocumentNotFoundError) Unwrap() error { return ErrNotFound }

// plainFilter turns a filter of raw values into Go values for nodeInspect.
func plainFilter(f bson.D) bson.D {
	out := make(bson.D, len(f))
	for i, e := range f {
		v := e.Value
		if rv, ok := v.(bson.RawValue); ok {
			var x any
			if err := rv.Unmarshal(&x); err == nil {
				v = x
			}
		}
		out[i] = bson.E{Key: e.Key, Value: v}
	}
	return out
}

func (e *StaleDocumentError) Unwrap() error { return ErrStaleDocument }

// FilterError reports a forbidden operator in a filter.
type FilterError struct {
	Operator string
	Path     string
	// Sanitized is set when the operator is refused because the filter
	// came from untrusted input (see SanitizeMode).
	Sanitized bool
}

func (e *FilterError) Error() string {
	if e.Sanitized {
		if e.Path == "" {
			return fmt.Sprintf("odm: operator %s is not allowed in a sanitized filter", e.Operator)
		}
		return fmt.Sprintf("odm: operator %s is not allowed in a sanitized filter (at %s)", e.Operator, e.Path)
	}
	if e.Path == "" {
		return fmt.Sprintf("odm: operator %s is not allowed in filters", e.Operator)
	}
	return fmt.Sprintf("odm: operator %s is not allowed in filters (at %s)", e.Operator, e.Path)
}
func (e *FilterError) Unwrap() error { return ErrForbiddenOperator }

// StrictError reports a path that is not in the schema under StrictThrow.
type StrictError struct {
	Model string
	Path  string
	// Query is set for a filter path under StrictQueryThrow.
	Query bool
	// Upsert is set for an unknown filter path of an upsert under the
	// default strict mode, which Mongoose refuses too (the document
	// inserted would get the path).
	Upsert bool
}

// Error is Mongoose's StrictModeError message, word for word.
func (e *StrictError) Error() string {
	if e.Upsert {
		return "Path \"" + e.Path + "\" is not in schema, strict mode is `true`, and upsert is `true`."
	}
	if e.Query {
		return "Path \"" + e.Path + "\" is not in schema and strictQuery is 'throw'."
	}
	return "Field `" + e.Path + "` is not in schema and strict mode is set to throw."
}
func (e *StrictError) Unwrap() error { return ErrStrict }

// IsValidation reports whether err is (or wraps) a *ValidationError.
func IsValidation(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve)
}

// IsStale reports whether err is (or wraps) a *StaleDocumentError.
func IsStale(err error) bool {
	var se *StaleDocumentError
	return errors.As(err, &se)
}

// IsNotFound reports whether err means no document matched.
func IsNotFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// IsDuplicateKey reports whether err is a unique index violation.
func IsDuplicateKey(err error) bool { return mongo.IsDuplicateKeyError(err) }

func schemaErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSchema}, args...)...)
}
