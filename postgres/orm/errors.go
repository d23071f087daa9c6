package orm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Prisma error codes carried by *Error.
const (
	CodeUniqueViolation     = "P2002" // unique constraint failed on Target
	CodeForeignKeyViolation = "P2003" // foreign key constraint failed
	CodeNullViolation       = "P2011" // null constraint violation
	CodeRequiredRelation    = "P2014" // the change would violate a required relation
	CodeNotConnected        = "P2017" // the records of a nested write are not connected
	CodeConnectedNotFound   = "P2018" // the records a to-many connect names were not all found
	CodeInputError          = "P2019" // input error (a groupBy ordered by a field not in by)
	CodeRawQueryFailed      = "P2010" // a raw query failed in the database (SQLState says how)
	CodeDatabaseError       = "P2039" // any other database error, named by its SQLSTATE (e.g. 22025, 42883)
	CodeTableNotFound       = "P2021" // the table does not exist in the current database
	CodeColumnNotFound      = "P2022" // the column does not exist in the current database
	CodeTooManyConnections  = "P2037" // the server refused a connection: too many are open
	CodeInvalidValue        = "P2007" // data validation error from the database
	CodeValueTooLong        = "P2000" // the value is too long for the column's type
	CodeValueOutOfRange     = "P2020" // the value is out of range for the column's type
	CodePoolTimeout         = "P2024" // timed out fetching a connection from the pool
	CodeNotFound            = "P2025" // a required record was not found
	CodeTransactionConflict = "P2034" // write conflict or deadlock; retry the transaction
	CodeTransactionClosed   = "P2028" // transaction API error (expired, closed)
	CodeConnectionClosed    = "P1017" // the server closed the connection
	// CodeLockNotAvailable: a find with LockNoWait met a row another
	// transaction has locked (SQLSTATE 55P03). Row locking is a polystore
	// extension, so the code is polystore's own, not Prisma's.
	CodeLockNotAvailable = "PS001"
)

// Sentinel errors. *Error values match them with errors.Is according to
// their code.
var (
	// ErrNotFound: a record required by FindUniqueOrThrow, Update, Delete or
	// a nested connect was not found (P2025). It wraps pgx.ErrNoRows, which
	// itself matches database/sql's sql.ErrNoRows, so
	// errors.Is(err, sql.ErrNoRows) holds too.
	ErrNotFound = fmt.Errorf("orm: record not found: %w", pgx.ErrNoRows)
	// ErrUniqueViolation: P2002.
	ErrUniqueViolation = errors.New("orm: unique constraint failed")
	// ErrForeignKeyViolation: P2003.
	ErrForeignKeyViolation = errors.New("orm: foreign key constraint failed")
	// ErrTransactionConflict: P2034 (SQLSTATE 40001 or 40P01).
	ErrTransactionConflict = errors.New("orm: transaction failed due to a write conflict or a deadlock")
	// ErrPoolTimeout: P2024.
	ErrPoolTimeout = errors.New("orm: timed out fetching a connection from the pool")
	// ErrConnectionClosed: the server closed the connection or it broke
	// (P1017; SQLSTATE class 08, 57P01-57P03, or a network error). A
	// transaction in progress was not committed.
	ErrConnectionClosed = errors.New("orm: the server closed the connection")
	// ErrClosed: the client was closed.
	ErrClosed = errors.New("orm: client is closed")
	// ErrValidation: the query is invalid (unknown field, wrong value type,
	// unsupported operator). Matched by every *ValidationError.
	ErrValidation = errors.New("orm: invalid query")
	// ErrTransactionTimeout: the interactive transaction ran past TxOpts.Timeout.
	ErrTransactionTimeout = errors.New("orm: transaction timed out")
	// ErrEngine: the query was refused where Prisma's query engine
	// refuses it with a PrismaClientUnknownRequestError, which has no
	// code (a negative skip). Matched by an *Error with an empty Code.
	ErrEngine = errors.New("orm: the query engine refused the query")
	// ErrLockNotAvailable: CodeLockNotAvailable (a NOWAIT lock failed; the
	// transaction is aborted, retry it later).
	ErrLockNotAvailable = errors.New("orm: row is locked by another transaction")
)

// Error is a database error classified with a Prisma error code.
type Error struct {
	Code     string // Prisma code, e.g. P2002
	SQLState string // PostgreSQL SQLSTATE, e.g. 23505; empty for P2025
	Model    string // model of the operation, when known
	// Target lists the fields of the violated unique constraint (P2002) or
	// the foreign key fields (P2003), when they can be mapped.
	Target     []string
	Constraint string // database constraint name, when reported
	Message    string
	// Cause is Prisma's meta.cause of a P2025 (e.g. "No record was found
	// for an update."); Message starts with Prisma's message and ends with it.
	Cause string
	Err   error // the underlying error (*pgconn.PgError, pgx.ErrNoRows...)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("orm: ")
	if e.Code != "" {
		b.WriteString(e.Code)
		if e.SQLState != "" {
			b.WriteString(" (SQLSTATE " + e.SQLState + ")")
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Model != "" {
		b.WriteString(" on " + e.Model)
	}
	if len(e.Target) > 0 {
		b.WriteString(" (" + strings.Join(e.Target, ", ") + ")")
	} else if e.Constraint != "" {
		b.WriteString(" (" + e.Constraint + ")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Code == CodeNotFound || e.Code == CodeNotConnected || e.Code == CodeConnectedNotFound
	case ErrUniqueViolation:
		return e.Code == CodeUniqueViolation || e.raw(pgerrcode.UniqueViolation)
	case ErrForeignKeyViolation:
		return e.Code == CodeForeignKeyViolation || e.raw(pgerrcode.ForeignKeyViolation)
	case ErrTransactionConflict:
		return e.Code == CodeTransactionConflict || e.raw(pgerrcode.SerializationFailure) || e.raw(pgerrcode.DeadlockDetected)
	case ErrPoolTimeout:
		return e.Code == CodePoolTimeout
	case ErrConnectionClosed:
		return e.Code == CodeConnectionClosed
	case ErrLockNotAvailable:
		return e.Code == CodeLockNotAvailable
	case ErrValidation:
		return e.Code == CodeInputError
	case ErrEngine:
		return e.Code == ""
	}
	return false
}

// raw reports whether e is a failed raw query (P2010) of that SQLSTATE: a
// raw unique violation still matches ErrUniqueViolation, and a raw
// statement's serialization failure still retries its transaction.
func (e *Error) raw(sqlState string) bool {
	return e.Code == CodeRawQueryFailed && e.SQLState == sqlState
}

// Issue is one problem found while validating a query.
type Issue struct {
	Path    string // e.g. "where.posts.some.title.contains"
	Message string
}

// ValidationError reports an invalid query before anything is sent to the
// database (and a full-text search query PostgreSQL cannot parse).
type ValidationError struct {
	Model  string
	Issues []Issue
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		parts[i] = is.Message
		if is.Path != "" {
			parts[i] = is.Path + ": " + is.Message
		}
	}
	if e.Model == "" { // no model (a nil one, or a raw query): nothing to name
		return "orm: invalid query: " + strings.Join(parts, "; ")
	}
	return "orm: invalid query on " + e.Model + ": " + strings.Join(parts, "; ")
}

// Is matches ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

func validationErr(m *Model, path, format string, a ...any) *ValidationError {
	name := ""
	if m != nil {
		name = m.Name
	}
	return &ValidationError{Model: name, Issues: []Issue{{Path: path, Message: fmt.Sprintf(format, a...)}}}
}

// IsNotFound reports whether err is a P2025 not-found error.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsUniqueViolation reports whether err is a P2002 unique violation.
func IsUniqueViolation(err error) bool { return errors.Is(err, ErrUniqueViolation) }

// IsForeignKeyViolation reports whether err is a P2003 foreign key violation.
func IsForeignKeyViolation(err error) bool { return errors.Is(err, ErrForeignKeyViolation) }

// IsSerializationFailure reports whether err is a P2034 transaction
// conflict (serialization failure 40001 or deadlock 40P01), i.e. whether
// retrying the whole transaction may succeed.
func IsSerializationFailure(err error) bool {
	if errors.Is(err, ErrTransactionConflict) {
		return true
	}
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == pgerrcode.SerializationFailure || pg.Code == pgerrcode.DeadlockDetected)
}

// IsConnectionClosed reports whether err is a P1017 lost connection.
func IsConnectionClosed(err error) bool { return errors.Is(err, ErrConnectionClosed) }

// IsValidation reports whether err is a *ValidationError or a P2019 input error.
func IsValidation(err error) bool { return errors.Is(err, ErrValidation) }

// AsError returns the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

var keyDetail = regexp.MustCompile(`^Key \((.+?)\)=`)

// classify turns a driver error into an *Error where a Prisma code applies;
// other errors are returned unchanged.
func classify(m *Model, err error) error {
	if err == nil {
		return nil
	}
	var oe *Error
	if errors.As(err, &oe) {
		return err
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return err
	}
	name := ""
	if m != nil {
		name = m.Name
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &Error{Code: CodeNotFound, Model: name, Message: "record not found", Err: err}
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		var ne net.Error
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &ne) && !ne.Timeout()) {
			return &Error{Code: CodeConnectionClosed, Model: name, Message: "the connection to the server was lost", Err: err}
		}
		return err
	}
	e := &Error{SQLState: pg.Code, Model: name, Constraint: pg.ConstraintName, Message: pg.Message, Err: err}
	switch pg.Code {
	case pgerrcode.UniqueViolation:
		e.Code = CodeUniqueViolation
		e.Target = uniqueTarget(m, pg)
		e.Message = "Unique constraint failed on the " + constraintText(pg.ConstraintName, e.Target)
	case pgerrcode.ForeignKeyViolation:
		e.Code = CodeForeignKeyViolation
		e.Target = fkTarget(m, pg)
		e.Message = "Foreign key constraint violated on the " + constraintText(pg.ConstraintName, e.Target)
	case pgerrcode.NotNullViolation:
		e.Code = CodeNullViolation
		if f := fieldByColumn(m, pg.TableName, pg.ColumnName); f != "" {
			e.Target = []string{f}
		}
		// As @prisma/adapter-pg: the fields of the detail's "Key (...)",
		// which PostgreSQL's not-null detail has none of.
		e.Message = "Null constraint violation on the " + constraintText("", detailKeyFields(pg.Detail))
	case pgerrcode.RestrictViolation:
		e.Code = CodeForeignKeyViolation
		if pg.ColumnName != "" {
			e.Message = "Foreign key constraint violated on the " + constraintText("", []string{pg.ColumnName})
		} else {
			e.Message = "Foreign key constraint violated on the " + constraintText(pg.ConstraintName, nil)
		}
	case pgerrcode.UndefinedTable:
		e.Code = CodeTableNotFound
		e.Message = "The table `" + notAvailable(qualifiedTable(m, undefinedTableName(pg.Message))) + "` does not exist in the current database."
	case pgerrcode.UndefinedColumn:
		e.Code = CodeColumnNotFound
		e.Message = "The column `" + notAvailable(unaliasedColumn(m, undefinedColumnName(pg.Message))) + "` does not exist in the current database."
	case pgerrcode.TooManyConnections:
		e.Code = CodeTooManyConnections
		e.Message = "Too many database connections opened: " + pg.Message
	case pgerrcode.LockNotAvailable:
		e.Code = CodeLockNotAvailable
		e.Message = "could not lock a row: another transaction holds its lock (NOWAIT)"
	case pgerrcode.SerializationFailure, pgerrcode.DeadlockDetected:
		e.Code = CodeTransactionConflict
		e.Message = "Transaction failed due to a write conflict or a deadlock. Please retry your transaction"
	case pgerrcode.AdminShutdown, pgerrcode.CrashShutdown, pgerrcode.CannotConnectNow:
		e.Code = CodeConnectionClosed
	case pgerrcode.StringDataRightTruncationDataException:
		e.Code = CodeValueTooLong
		column := pg.ColumnName
		if column == "" {
			column = "(not available)"
		}
		e.Message = "The provided value for the column is too long for the column's type. Column: " + column
	case pgerrcode.NumericValueOutOfRange:
		e.Code = CodeValueOutOfRange
		e.Message = "Value out of range for the type: " + pg.Message
	case pgerrcode.InvalidTextRepresentation:
		e.Code = CodeInvalidValue
		e.Message = "Invalid input value: " + pg.Message
	case pgerrcode.InvalidDatetimeFormat, pgerrcode.DatetimeFieldOverflow:
		e.Code = CodeInvalidValue
	default:
		if pgerrcode.IsConnectionException(pg.Code) {
			e.Code = CodeConnectionClosed
			break
		}
		// Any other error of the database, Prisma 7 passes on by its
		// SQLSTATE: a LIKE pattern ending in a backslash (22025; contains,
		// startsWith, endsWith send the text unescaped, as Prisma does), an
		// aggregate the column's type has none of (42883, min(bytea)).
		e.Code = CodeDatabaseError
		e.Message = "Database error. Code: `" + pg.Code + "`. Message: `" + pg.Message + "`"
	}
	return e
}

// detailKeyFields returns the fields of a detail's "Key (a, b)=(...)",
// nil when it has none.
func detailKeyFields(detail string) []string {
	i := strings.Index(detail, "Key (")
	if i < 0 {
		return nil
	}
	rest := detail[i+len("Key ("):]
	j := strings.IndexByte(rest, ')')
	if j <= 0 {
		return nil
	}
	return strings.Split(rest[:j], ", ")
}

// undefinedTableName reads the table of `relation "x" does not exist` as
// @prisma/adapter-pg does: the second word, between its first quotes.
func undefinedTableName(msg string) string {
	words := strings.Split(msg, " ")
	if len(words) < 2 {
		return ""
	}
	parts := strings.Split(words[1], `"`)
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

var undefinedColumnRE = regexp.MustCompile(`^column (.+) does not exist$`)
var quotedIdentRE = regexp.MustCompile(`"((?:""|[^"])*)"`)

// undefinedColumnName reads the column of `column "x" does not exist` as
// @prisma/adapter-pg does: what lies between "column " and " does not
// exist", quoted identifiers unquoted.
func undefinedColumnName(msg string) string {
	m := undefinedColumnRE.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	return quotedIdentRE.ReplaceAllStringFunc(m[1], func(q string) string {
		return strings.ReplaceAll(q[1:len(q)-1], `""`, `"`)
	})
}

// qualifiedTable names a table as Prisma's statements do, under its
// schema: the model's DBSchema, else "public" (Prisma's default schema).
func qualifiedTable(m *Model, table string) string {
	if table == "" || strings.Contains(table, ".") {
		return table
	}
	schema := "public"
	if o := modelByTable(m, table); o != nil && o.DBSchema != "" {
		schema = o.DBSchema
	}
	return schema + "." + table
}

// unaliasedColumn names a column of the statement's own table by that
// table, as in Prisma's statements ("User.name"), not by polystore's alias
// of it ("t0.name").
func unaliasedColumn(m *Model, column string) string {
	if m != nil {
		if rest, ok := strings.CutPrefix(column, "t0."); ok {
			return cmp.Or(m.Table, m.Name) + "." + rest
		}
	}
	return column
}

func notAvailable(s string) string {
	if s == "" {
		return "(not available)"
	}
	return s
}

// constraintText names a violated constraint as Prisma 7's P2002 and P2003
// messages do with @prisma/adapter-pg: by the name PostgreSQL reports
// ("constraint: `User_email_key`"), else by its fields ("fields:
// (`a`,`b`)").
func constraintText(name string, fields []string) string {
	if name != "" {
		return "constraint: `" + name + "`"
	}
	if len(fields) == 0 {
		return "(not available)"
	}
	return "fields: (`" + strings.Join(fields, "`, `") + "`)"
}

// modelByTable finds the model of a table in m's schema (m itself first).
func modelByTable(m *Model, table string) *Model {
	if m == nil {
		return nil
	}
	if table == "" || m.Table == table {
		return m
	}
	if m.schema != nil {
		for _, o := range m.schema.Models {
			if o.Table == table {
				return o
			}
		}
	}
	return nil
}

func fieldByColumn(m *Model, table, col string) string {
	if mm := modelByTable(m, table); mm != nil {
		if f := mm.byColumn[col]; f != nil {
			return f.Name
		}
	}
	return ""
}

func uniqueTarget(m *Model, pg *pgconn.PgError) []string {
	mm := modelByTable(m, pg.TableName)
	if mm == nil {
		return nil
	}
	for _, u := range mm.Uniques {
		if u.Name != "" && u.Name == pg.ConstraintName {
			return u.Fields
		}
	}
	if len(mm.PrimaryKey) > 0 && pg.ConstraintName == mm.Table+"_pkey" {
		return mm.PrimaryKey
	}
	// Fall back on the detail: Key (col1, col2)=(...) already exists.
	if sm := keyDetail.FindStringSubmatch(pg.Detail); sm != nil {
		var out []string
		for _, c := range strings.Split(sm[1], ", ") {
			c = strings.Trim(c, `"`)
			if f := mm.byColumn[c]; f != nil {
				out = append(out, f.Name)
			} else {
				out = append(out, c)
			}
		}
		return out
	}
	return nil
}

func fkTarget(m *Model, pg *pgconn.PgError) []string {
	if m == nil || m.schema == nil {
		return nil
	}
	for _, mm := range m.schema.Models {
		for _, r := range mm.Relations {
			if r.owner && r.ForeignKey != "" && r.ForeignKey == pg.ConstraintName {
				return r.Fields
			}
		}
	}
	if mm := modelByTable(m, pg.TableName); mm != nil {
		if sm := keyDetail.FindStringSubmatch(pg.Detail); sm != nil {
			var out []string
			for _, c := range strings.Split(sm[1], ", ") {
				if f := mm.byColumn[strings.Trim(c, `"`)]; f != nil {
					out = append(out, f.Name)
				}
			}
			return out
		}
	}
	return nil
}

// valueErr reports a value coerce rejected at path: a P2020 *Error for
// numbers out of the column type's range (as PostgreSQL would reject them),
// otherwise a *ValidationError.
func valueErr(m *Model, path string, err error) error {
	var oe *Error
	if errors.As(err, &oe) {
		cp := *oe
		if m != nil {
			cp.Model = m.Name
		}
		return &cp
	}
	return validationErr(m, path, "%v", err)
}

// notFoundPrefix starts Prisma's P2025 message; the cause follows.
const notFoundPrefix = "An operation failed because it depends on one or more records that were required but not found. "

// notFound is a P2025 on model m with Prisma's cause text.
func notFound(m *Model, cause string) error {
	return &Error{Code: CodeNotFound, Model: m.Name, Message: notFoundPrefix + cause, Cause: cause, Err: pgx.ErrNoRows}
}

// outOfRange is the P2020 Prisma reports when PostgreSQL rejects a number
// for a column type (the message is PostgreSQL's).
func outOfRange(v any, pgType string) error {
	msg := fmt.Sprintf("value \"%v\" is out of range for type %s", v, pgType)
	return &Error{Code: CodeValueOutOfRange, SQLState: pgerrcode.NumericValueOutOfRange,
		Message: "Value out of range for the type: " + msg}
}

type opModelKey struct{}

// withOpModel records the model of the operation a nested write belongs to
// (Prisma names it in the P2025 of a nested connect, update or delete).
func withOpModel(ctx context.Context, m *Model) context.Context {
	if ctx.Value(opModelKey{}) != nil {
		return ctx
	}
	return context.WithValue(ctx, opModelKey{}, m)
}

// notConnectedErr is Prisma's P2017: a nested delete on the to-many
// relation r named a row that is not linked to the parent (or none).
func notConnectedErr(ctx context.Context, r *Relation) error {
	return &Error{Code: CodeNotConnected, Model: opModel(ctx, r), Err: pgx.ErrNoRows,
		Message: "The records for relation `" + relationName(r) + "` between the `" + r.model.Name + "` and `" +
			r.target.Name + "` models are not connected."}
}

// connectedNotFoundErr is Prisma's P2018: a connect on the one-to-many
// relation r (from the side without the foreign key) named want rows and
// found only found of them.
func connectedNotFoundErr(ctx context.Context, r *Relation, want, found int) error {
	return &Error{Code: CodeConnectedNotFound, Model: opModel(ctx, r), Err: pgx.ErrNoRows,
		Message: "The required connected records were not found. Expected " + strconv.Itoa(want) +
			" records to be connected after connect operation on " + relationKind(r) + " relation '" + relationName(r) +
			"', found " + strconv.Itoa(found) + "."}
}

// connectNotFoundErr is the P2025 of a to-one connect on r that found no
// row: the relation's kind, and what the row was needed for when Prisma
// names it (the foreign key side of a one-to-many, and either side of a
// one-to-one when the parent row is being created).
func connectNotFoundErr(ctx context.Context, r *Relation, create bool) error {
	needed := ""
	switch {
	case r.Kind == ManyToOne:
		needed = " (needed to inline the relation on '" + r.model.Name + "' record(s))"
	case r.Kind == OneToOne && create:
		needed = " (needed to create or connect inlined relation for '" + r.model.Name + "' record(s))"
	}
	return nestedNotFound(ctx, r, "No '"+r.target.Name+"' record"+needed+" was found for a nested connect on "+
		relationKind(r)+" relation '"+relationName(r)+"'.")
}

// groupOrderErr is Prisma's P2019 for a groupBy of m ordered by fields
// that are not in its by (missing, in order).
func groupOrderErr(m *Model, missing []string) error {
	details := "Every field used for orderBy must be included in the by-arguments of the query. Missing fields: " +
		strings.Join(missing, ", ")
	return &Error{Code: CodeInputError, Model: m.Name, Message: "Input error. " + details}
}

// requiredRelationErr is Prisma's P2014: a disconnect or set on the
// to-many relation r would unlink rows whose foreign key is required.
func requiredRelationErr(ctx context.Context, r *Relation) error {
	return &Error{Code: CodeRequiredRelation, Model: opModel(ctx, r),
		Message: "The change you are trying to make would violate the required relation '" + relationName(r) +
			"' between the `" + r.target.Name + "` and `" + r.model.Name + "` models."}
}

// opModel is the model of the operation running a nested write on r.
func opModel(ctx context.Context, r *Relation) string {
	if om, ok := ctx.Value(opModelKey{}).(*Model); ok && om != nil {
		return om.Name
	}
	return r.model.Name
}

// nestedNotFound is a P2025 of a nested write under relation r, on the
// operation's model.
func nestedNotFound(ctx context.Context, r *Relation, cause string) error {
	m := r.model
	if om, ok := ctx.Value(opModelKey{}).(*Model); ok && om != nil {
		m = om
	}
	return notFound(m, cause)
}

// nestedMissing is the P2025 of a nested update or delete (op) on r that
// found no linked row.
func nestedMissing(ctx context.Context, r *Relation, op string) error {
	return nestedNotFound(ctx, r, "No '"+r.target.Name+"' record was found for a nested "+op+" on "+relationKind(r)+" relation '"+relationName(r)+"'.")
}

// relationName is Prisma's name of r: its RelationName, or by default
// the two model names in order, joined by "To" (PostToUser).
func relationName(r *Relation) string {
	if r.RelationName != "" {
		return r.RelationName
	}
	a, b := r.model.Name, r.target.Name
	if b < a {
		a, b = b, a
	}
	return a + "To" + b
}

func relationKind(r *Relation) string {
	switch r.Kind {
	case OneToOne:
		return "one-to-one"
	case ManyToMany:
		return "many-to-many"
	}
	return "one-to-many"
}

// ctxErr turns a pool-acquire deadline into P2024.
func poolTimeoutErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodePoolTimeout, Message: "timed out fetching a new connection from the connection pool", Err: err}
	}
	return err
}

// negativeSkip is Prisma's answer to a negative skip on any read: its
// query engine's assertion, a PrismaClientUnknownRequestError (no code).
func negativeSkip(m *Model, skip int) error {
	return &Error{Model: m.Name, Err: ErrEngine,
		Message: fmt.Sprintf("Invalid value for skip argument: Value can only be positive, found: %d", skip)}
}

// negativeLimit is Prisma's P2019 for a negative limit of updateMany,
// updateManyAndReturn or deleteMany.
func negativeLimit(m *Model, limit int) error {
	return &Error{Code: CodeInputError, Model: m.Name,
		Message: fmt.Sprintf("Input error. Provided limit (%d) must be a positive integer.", limit)}
}

// cursorOrderErr is Prisma's P2019 for an aggregate or count with a cursor
// whose orderBy is not unique.
func cursorOrderErr(m *Model) error {
	return &Error{Code: CodeInputError, Model: m.Name,
		Message: "Input error. Unable to process combination of query arguments for aggregation query. " +
			"Please note that it is not possible at the moment to have a null-cursor, or a cursor and orderBy combination that not stable (unique)."}
}

// rawQueryErr is Prisma's answer to a raw query the database refuses: P2010
// with the SQLSTATE and the database's message ("Raw query failed. Code:
// `23505`. Message: `duplicate key value ...`"). A lost connection stays
// P1017.
func rawQueryErr(err error) error {
	var pg *pgconn.PgError
	if err == nil || !errors.As(err, &pg) || pgerrcode.IsConnectionException(pg.Code) {
		return classify(nil, err)
	}
	switch pg.Code {
	case pgerrcode.AdminShutdown, pgerrcode.CrashShutdown, pgerrcode.CannotConnectNow:
		return classify(nil, err)
	}
	return &Error{Code: CodeRawQueryFailed, SQLState: pg.Code, Constraint: pg.ConstraintName, Err: err,
		Message: "Raw query failed. Code: `" + pg.Code + "`. Message: `" + pg.Message + "`"}
}
