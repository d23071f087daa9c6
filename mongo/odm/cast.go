package odm

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

var errCast = errors.New("cast failed")

// castTo casts v to the canonical Go value of p's scalar type, following
// Mongoose's casting rules: '42' -> 42, 'true'/'yes'/1 -> true, 24-hex
// string -> ObjectID, ISO string or epoch milliseconds -> Date. nil stays nil.
func castTo(p *Path, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		v = rv.Elem().Interface()
	}
	if n, ok := v.(json.Number); ok {
		switch {
		case p.Type == TypeString || p.Type == TypeDecimal128:
			v = n.String() // keep the digits as written
		case p.isInt || p.Type == TypeBigInt:
			if i, err := n.Int64(); err == nil {
				return i, nil // exact, even beyond 2^53
			}
			f, err := n.Float64()
			if err != nil {
				return nil, errCast
			}
			v = f
		default:
			f, err := n.Float64()
			if err != nil {
				return nil, errCast
			}
			v = f
		}
	}
	switch p.Type {
	case TypeString:
		return castString(v)
	case TypeNumber:
		f, err := castNumber(v)
		if err != nil || f == nil {
			return f, err
		}
		if p.isInt {
			x := f.(float64)
			if x != math.Trunc(x) || math.IsInf(x, 0) || math.Abs(x) > 1<<63 {
				return nil, fmt.Errorf("%w: %v is not an integer", errCast, x)
			}
			return int64(x), nil
		}
		return f, nil
	case TypeBoolean:
		return castBool(v)
	case TypeDate:
		return castDate(v)
	case TypeObjectID:
		return castObjectID(v)
	case TypeDecimal128:
		return castDecimal(v)
	case TypeInt32:
		return castInt32(v)
	case TypeDouble:
		return castDouble(v)
	case TypeBigInt:
		return castBigInt(v)
	case TypeUUID:
		return castUUID(v)
	case TypeBuffer:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
		return nil, errCast
	}
	return v, nil
}

func castString(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case json.Number:
		return x.String(), nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	case bson.ObjectID:
		return x.Hex(), nil
	case bson.Decimal128:
		return x.String(), nil
	case fmt.Stringer:
		return x.String(), nil
	}
	if f, ok := toFloat(v); ok {
		return jsNumberString(f), nil
	}
	return nil, errCast
}

// jsNumberString formats like JavaScript's String(number): exponent
// notation below 1e-6 and from 1e21 on ("1e-7", "1.5e+22").
func jsNumberString(f float64) string {
	switch {
	case f == 0:
		return "0" // also -0
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if a := math.Abs(f); a >= 1e21 || a < 1e-6 {
		mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
		return mant + "e" + exp[:1] + strings.TrimLeft(exp[1:], "0")
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}

// jsNumber parses a string as JavaScript's Number(string) does.
func jsNumber(s string) (float64, bool) {
	s = jsTrim(s)
	if s == "" {
		return 0, true
	}
	switch s {
	case "Infinity", "+Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B') {
		n, err := strconv.ParseUint(s, 0, 64)
		return float64(n), err == nil
	}
	low := strings.ToLower(s)
	if strings.Contains(low, "inf") || strings.Contains(low, "nan") || strings.Contains(s, "_") || strings.ContainsAny(low, "xp") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // out of range is ±Infinity, as in JavaScript
		return 0, false
	}
	return f, true
}

func castNumber(v any) (any, error) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil, nil // Mongoose: '' casts to null
		}
		f, ok := jsNumber(x)
		if !ok {
			return nil, errCast
		}
		return f, nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case json.Number:
		f, ok := jsNumber(x.String())
		if !ok {
			return nil, errCast
		}
		return f, nil
	case bson.Decimal128:
		f, ok := jsNumber(x.String())
		if !ok {
			return nil, errCast
		}
		return f, nil
	}
	if f, ok := toFloat(v); ok {
		if math.IsNaN(f) {
			return nil, errCast
		}
		return f, nil
	}
	return nil, errCast
}

func castBool(v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch x {
		case "true", "1", "yes":
			return true, nil
		case "false", "0", "no":
			return false, nil
		}
		return nil, errCast
	}
	if f, ok := toFloat(v); ok {
		switch f {
		case 1:
			return true, nil
		case 0:
			return false, nil
		}
	}
	return nil, errCast
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04Z07:00",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006-01",
	"2006",
	time.RFC1123,
	time.RFC1123Z,
}

// parseDate parses the ISO 8601 forms JavaScript's Date accepts. Forms
// without a zone are taken as UTC (JavaScript would use the local zone for
// date-times; a server has no meaningful local zone).
//
// As JavaScript's Date does, it also reads a lowercase t and z, an offset
// without a colon (+0530), 24:00 as the end of the day and a day of month
// up to 31 rolling over into the next month (2024-02-30 is March 1).
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.Trim(s, "0123456789-:.+ tz") == "" {
		s = strings.ToUpper(s)
	}
	if t, ok := parseDateLayouts(s); ok {
		return t, nil
	}
	if m := endOfDayRe.FindStringSubmatch(s); m != nil {
		if t, ok := parseDateLayouts(m[1] + "00:00" + m[2]); ok {
			return t.Add(24 * time.Hour), nil
		}
	}
	if m := dayOverflowRe.FindStringSubmatch(s); m != nil {
		day, _ := strconv.Atoi(m[2])
		if t, ok := parseDateLayouts(m[1] + "01" + m[3]); ok && day >= 29 {
			return t.AddDate(0, 0, day-1), nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q is not a date", errCast, s)
}

var (
	// endOfDayRe is a date-time at 24:00 (seconds and fraction zero).
	endOfDayRe = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}[T ])24:00(?::00(?:\.0+)?)?((?:Z|[+-]\d{2}:?\d{2})?)$`)
	// dayOverflowRe is a date whose day of month (29 to 31) may not exist.
	dayOverflowRe = regexp.MustCompile(`^(\d{4}-\d{2}-)(29|30|31)((?:[T ].*)?)$`)
)

func parseDateLayouts(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func castDate(v any) (any, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case bson.DateTime:
		return x.Time().UTC(), nil
	case string:
		if x == "" {
			return nil, nil
		}
		// Numeric strings outside the range of years are epoch milliseconds.
		if f, ok := jsNumber(x); ok && (f >= 275761 || f < -271820) {
			return epochMillis(f)
		}
		return parseDate(x)
	case bool:
		return nil, errCast
	}
	if f, ok := toFloat(v); ok {
		return epochMillis(f)
	}
	return nil, errCast
}

// maxEpochMillis bounds JavaScript's Date: ±8.64e15 ms (±100,000,000 days).
const maxEpochMillis = 8.64e15

// epochMillis casts epoch milliseconds; beyond JavaScript's Date range (or
// NaN) it is a cast error, as in Mongoose.
func epochMillis(f float64) (any, error) {
	if math.IsNaN(f) || math.Abs(f) > maxEpochMillis {
		return nil, errCast
	}
	return time.UnixMilli(int64(f)).UTC(), nil
}

func castObjectID(v any) (any, error) {
	switch x := v.(type) {
	case bson.ObjectID:
		return x, nil
	case string:
		id, err := bson.ObjectIDFromHex(x)
		if err != nil {
			return nil, errCast
		}
		return id, nil
	case map[string]any: // a populated document: use its _id
		if id, ok := x["_id"]; ok {
			if _, nested := id.(map[string]any); !nested { // one level only, as Mongoose
				return castObjectID(id)
			}
		}
	}
	return nil, errCast
}

// castInt32 casts as Mongoose's Int32: Number(v), which must be an
// integer within 32 bits.
// castDouble casts as Mongoose's Double: a string as BSON's
// Double.fromString reads it (decimal or exponential notation only, no
// spaces, "NaN" and "±Infinity" spelled out), anything else as a Number.
func castDouble(v any) (any, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return castNumber(v)
	}
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	if strings.Trim(s, "-0123456789.+eE") != "" {
		return nil, errCast
	}
	f, err := castNumber(s)
	if err != nil {
		return nil, err
	}
	if x, isF := f.(float64); isF && (math.IsInf(x, 0) || math.IsNaN(x)) {
		return nil, errCast
	}
	return f, nil
}

func castInt32(v any) (any, error) {
	f, err := castNumber(v)
	if f == nil {
		return nil, err
	}
	if x := f.(float64); x == math.Trunc(x) && x >= math.MinInt32 && x <= math.MaxInt32 {
		return int32(x), nil
	}
	return nil, errCast
}

// becauseError is a cast failure whose message names a JavaScript error
// (` because of "RangeError"`), as Mongoose's does.
type becauseError struct{ name string }

func (e *becauseError) Error() string { return "odm: cast failed: " + e.name }
func (e *becauseError) Unwrap() error { return errCast }

// castBigInt casts as JavaScript's BigInt(v): integral numbers, integer
// strings (decimal, 0x, 0o, 0b); ” is null.
func castBigInt(v any) (any, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int:
		return int64(x), nil
	case string:
		t := jsTrim(x)
		if x == "" {
			return nil, nil
		}
		if t == "" {
			return int64(0), nil
		}
		base := 10
		if len(t) > 2 && t[0] == '0' {
			switch t[1] {
			case 'x', 'X':
				base = 16
			case 'o', 'O':
				base = 8
			case 'b', 'B':
				base = 2
			}
			if base != 10 {
				t = t[2:]
			}
		}
		if base != 10 && (t[0] == '+' || t[0] == '-') || strings.Contains(t, "_") {
			return nil, &becauseError{"SyntaxError"}
		}
		i, err := strconv.ParseInt(t, base, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				// BigInt reads it; it is then beyond BSON's 64 bits, which
				// Mongoose refuses with no reason named.
				return nil, errCast
			}
			return nil, &becauseError{"SyntaxError"}
		}
		return i, nil
	case bool:
		return nil, errCast
	}
	if f, ok := toFloat(v); ok {
		if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, &becauseError{"RangeError"}
		}
		if math.Abs(f) >= 1<<63 {
			return nil, errCast // beyond 64 bits, as a string beyond them
		}
		return int64(f), nil
	}
	return nil, errCast
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// castUUID casts a UUID string (with dashes, either case, as Mongoose
// wants) or 16 bytes to BSON binary subtype 4.
func castUUID(v any) (any, error) {
	switch x := v.(type) {
	case bson.Binary:
		if (x.Subtype == bson.TypeBinaryUUID || x.Subtype == bson.TypeBinaryGeneric) && len(x.Data) == 16 {
			return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: x.Data}, nil
		}
	case []byte:
		if len(x) == 16 {
			return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: bytes.Clone(x)}, nil
		}
	case [16]byte:
		return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: x[:]}, nil
	case string:
		if uuidRe.MatchString(x) {
			b, err := hex.DecodeString(strings.ReplaceAll(x, "-", ""))
			if err == nil {
				return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: b}, nil
			}
		}
	}
	return nil, errCast
}

func castDecimal(v any) (any, error) {
	switch x := v.(type) {
	case bson.Decimal128:
		return x, nil
	case string:
		// Not trimmed: Mongoose (bson's Decimal128.fromString) fails on
		// surrounding spaces.
		d, err := bson.ParseDecimal128(x)
		if err != nil {
			return nil, errCast
		}
		return d, nil
	case json.Number:
		return castDecimal(x.String())
	}
	if f, ok := toFloat(v); ok {
		d, err := bson.ParseDecimal128(jsNumberString(f))
		if err != nil {
			return nil, errCast
		}
		return d, nil
	}
	return nil, errCast
}

// jsType names a value's type as Mongoose's CastError does (typeof, or
// the constructor's name for objects).
func jsType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any, bson.A:
		return "Array"
	case map[string]any, bson.M, bson.D:
		return "Object"
	case time.Time, bson.DateTime:
		return "Date"
	case bson.ObjectID:
		return "ObjectId"
	case bson.Decimal128:
		return "Decimal128"
	}
	if _, ok := toFloat(v); ok {
		return "number"
	}
	return reflect.TypeOf(v).String()
}

// jsDate renders a time as JavaScript's Date#toString does in UTC, which is
// how Mongoose shows dates in validator messages.
func jsDate(t time.Time) string {
	return t.UTC().Format("Mon Jan 02 2006 15:04:05 GMT+0000") + " (Coordinated Universal Time)"
}

// inspect renders a value as JavaScript's String(value) does, which is what
// Mongoose puts in validator messages ({VALUE}).
func inspect(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return jsDate(x)
	case bson.DateTime:
		return jsDate(x.Time())
	case bson.ObjectID:
		return x.Hex()
	case bson.Decimal128:
		return x.String()
	case float64:
		return jsNumberString(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			if e != nil {
				parts[i] = inspect(e)
			}
		}
		return strings.Join(parts, ",")
	case map[string]any, bson.M, bson.D:
		return "[object Object]"
	}
	if f, ok := toFloat(v); ok {
		return jsNumberString(f)
	}
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprint(v)
}

// nodeInspect renders a value roughly as Node's util.inspect does (strings
// single-quoted, arrays as [ 1, 'x' ], objects as { a: 1 } with sorted
// keys), which is how Mongoose shows values in cast errors.
func nodeInspect(v any) string {
	switch x := v.(type) {
	case string:
		q := byte('\'')
		if strings.IndexByte(x, '\'') >= 0 {
			q = '"'
			if strings.IndexByte(x, '"') >= 0 {
				q = '`'
			}
		}
		var b strings.Builder
		b.WriteByte(q)
		for _, r := range x {
			switch {
			case r == '\\':
				b.WriteString(`\\`)
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\t':
				b.WriteString(`\t`)
			case r == '\r':
				b.WriteString(`\r`)
			case r == rune(q):
				b.WriteByte('\\')
				b.WriteRune(r)
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\x%02X`, r)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte(q)
		return b.String()
	case []any:
		if len(x) == 0 {
			return "[]"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = nodeInspect(e)
		}
		return "[ " + strings.Join(parts, ", ") + " ]"
	case map[string]any:
		if len(x) == 0 {
			return "{}"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			name := k
			if !jsIdent.MatchString(k) {
				name = nodeInspect(k)
			}
			parts[i] = name + ": " + nodeInspect(x[k])
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	case bson.DateTime:
		return nodeInspect(x.Time())
	case bson.ObjectID:
		return "new ObjectId('" + x.Hex() + "')"
	case bson.Decimal128:
		return "new Decimal128('" + x.String() + "')"
	case bson.Binary:
		if x.Subtype == bson.TypeBinaryUUID && len(x.Data) == 16 {
			h := hex.EncodeToString(x.Data)
			return "new UUID('" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:] + "')"
		}
	case jsBigInt:
		return strconv.FormatInt(int64(x), 10) + "n"
	case jsDouble:
		return "new Double(" + inspect(float64(x)) + ")"
	}
	return inspect(v)
}

// jsBigInt and jsDouble are cast BigInt and Double values as Node shows
// them in a message (1n, new Double(1.5)).
type (
	jsBigInt int64
	jsDouble float64
)

// inspectCast marks the cast elements of an array of type t for
// nodeInspect.
func inspectCast(t Type, cast []any) []any {
	for i, c := range cast {
		switch x := c.(type) {
		case int64:
			if t == TypeBigInt {
				cast[i] = jsBigInt(x)
			}
		case float64:
			if t == TypeDouble {
				cast[i] = jsDouble(x)
			}
		}
	}
	return cast
}

// jsIdent is the keys Node's util.inspect leaves unquoted (its keyStrRegExp).
var jsIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// castKind is the kind Mongoose gives a cast error for a scalar type
// (its SchemaType's cast name: "date" and "string" are lowercase).
// arrayKind names the type of p in a cast error's kind: [Number] for an
// array of numbers, [[Number]] for an array of them.
func arrayKind(p *Path) string {
	if p.Type == TypeArray && p.Elem != nil {
		return "[" + arrayKind(p.Elem) + "]"
	}
	return castKind(p.Type)
}

func castKind(t Type) string {
	switch t {
	case TypeDate:
		return "date"
	case TypeString:
		return "string"
	}
	return t.String()
}

// castBecause is the reason Mongoose names at the end of a cast error
// message for a scalar type, if any.
func castBecause(t Type, err error) string {
	if be := (*becauseError)(nil); errors.As(err, &be) {
		return be.name
	}
	if t == TypeBoolean {
		return "CastError"
	}
	return ""
}

// castFailure describes a failed cast the way Mongoose's CastError does.
type castFailure struct {
	path    string // the error's key: the full dotted path
	msgPath string // the path named in the message (relative inside subdocuments)
	kind    string
	shown   any    // the value shown in the message
	typeOf  any    // the value whose type is shown (defaults to shown)
	because string // the reason's constructor name, if Mongoose shows one
	model   string
	value   any
	reason  error
}

// err renders the failure: Cast to <kind> failed for value "<v>" (type
// <t>) at path "<path>" [for model "<Model>"] [because of "<Reason>"].
func (c castFailure) err() *FieldError {
	shown := nodeInspect(c.shown)
	if strings.HasPrefix(shown, "'") {
		shown = `"` + shown[1:]
	}
	if strings.HasSuffix(shown, "'") {
		shown = shown[:len(shown)-1] + `"`
	}
	if !strings.HasPrefix(shown, `"`) {
		shown = `"` + shown + `"`
	}
	typeOf := c.typeOf
	if typeOf == nil {
		typeOf = c.shown
	}
	var b strings.Builder
	b.WriteString("Cast to ")
	b.WriteString(c.kind)
	b.WriteString(" failed for value ")
	b.WriteString(shown)
	b.WriteString(" (type ")
	b.WriteString(jsType(typeOf))
	b.WriteString(`) at path "`)
	b.WriteString(c.msgPath)
	b.WriteByte('"')
	if c.model != "" {
		b.WriteString(` for model "`)
		b.WriteString(c.model)
		b.WriteByte('"')
	}
	if c.because != "" {
		b.WriteString(` because of "`)
		b.WriteString(c.because)
		b.WriteByte('"')
	}
	value := c.value
	if value == nil {
		value = c.shown
	}
	return &FieldError{Name: NameCastError, Path: c.path, Kind: c.kind, Value: value, Reason: c.reason, Message: b.String()}
}

// castError is the cast error of a scalar value v of p's type at path.
func castError(p *Path, path string, v any, reason error) *FieldError {
	return castFailure{path: path, msgPath: path, kind: castKind(p.Type), shown: v, because: castBecause(p.Type, reason), reason: reason}.err()
}

// castValue casts any value (scalar, array, map, subdocument) for path p at
// the dotted position path; name is the path as Mongoose names it in cast
// messages (relative to the enclosing subdocument). Errors are added to
// ve; the casted value is returned (nil on error).
func (s *Schema) castValue(p *Path, path, name string, v any, ve *ValidationError, cc *castCtx) any {
	if len(p.setters) > 0 {
		v = p.applySetters(v)
	}
	if v == nil {
		return nil
	}
	switch p.Type {
	case TypeSubdoc:
		m, ok := v.(map[string]any)
		if !ok {
			because := "ObjectExpectedError"
			if ve.update {
				because = "ObjectParameterError" // as Mongoose's update casting names it
			}
			ve.add(castFailure{path: path, msgPath: name, kind: "Embedded", shown: v, because: because, model: ve.Model}.err())
			return nil
		}
		if k := p.Schema.unknownKey(m, cc); k != "" {
			// Mongoose reports an unknown path of a subdocument under
			// strict "throw" as a cast error of the subdocument.
			ve.add(castFailure{path: path, msgPath: name, kind: "Embedded", shown: v, because: "StrictModeError", model: ve.Model,
				reason: &StrictError{Model: ve.Model, Path: path + "." + k}}.err())
			return nil
		}
		return p.Schema.castMap(m, path+".", ve, cc)
	case TypeArray:
		arr, ok := v.([]any)
		if !ok {
			arr = []any{v} // Mongoose wraps a single value
		}
		out := make([]any, len(arr))
		dropped := false
		for i, e := range arr {
			ep := path + "." + strconv.Itoa(i)
			switch {
			case p.Elem == nil || p.Elem.Type == TypeMixed:
				out[i] = e
				continue
			case p.Elem.Type == TypeSubdoc:
				// Mongoose reports elements that are not documents, or that
				// have unknown paths under strict "throw", on the array.
				doc, isDoc := e.(map[string]any)
				if !isDoc && e != nil {
					ve.add(castFailure{path: path, msgPath: name, kind: "embedded", shown: e, because: "ObjectParameterError", model: ve.Model}.err())
					dropped = true
					continue
				}
				if k := p.Elem.Schema.unknownKey(doc, cc); k != "" {
					ve.add(castFailure{path: path, msgPath: name, kind: "embedded", shown: e, because: "StrictModeError", model: ve.Model,
						reason: &StrictError{Model: ve.Model, Path: ep + "." + k}}.err())
					dropped = true
					continue
				}
				out[i] = s.castValue(p.Elem, ep, ep, e, ve, cc)
				continue
			case p.Elem.Type == TypeArray:
				// Mongoose reports a bad element of an inner array on the
				// outer element, as a cast of the whole outer array
				// ([[Number]]), which is then left empty.
				inner := &ValidationError{Model: ve.Model, update: ve.update}
				out[i] = s.castValue(p.Elem, ep, name+"."+strconv.Itoa(i), e, inner, cc)
				if len(inner.Errors) > 0 {
					ve.add(castFailure{path: ep, msgPath: name + "." + strconv.Itoa(i), kind: "[" + arrayKind(p.Elem) + "]",
						shown: append(out[:i:i], arr[i:]...), typeOf: "", because: "CastError", model: ve.Model, value: arr,
						reason: inner.Errors[inner.order[0]]}.err())
					return nil
				}
				continue
			case p.Elem.Type == TypeMap:
				out[i] = s.castValue(p.Elem, ep, name+"."+strconv.Itoa(i), e, ve, cc)
				continue
			}
			c, err := castTo(p.Elem, e)
			if err == nil {
				c = applyTransforms(p.Elem, c)
				out[i] = c
				if out[i], ok = toGoType(p.Elem, c); !ok {
					err = errCast
				}
			}
			if err != nil {
				// Mongoose shows the array as cast so far (the elements
				// before this one cast, the rest as given) and the type
				// "string"; the error's value is the whole array as given.
				shown := append(inspectCast(p.Elem.Type, out[:i:i]), arr[i:]...)
				ve.add(castFailure{path: ep, msgPath: name + "." + strconv.Itoa(i), kind: "[" + castKind(p.Elem.Type) + "]",
					shown: shown, typeOf: "", because: "CastError", model: ve.Model, value: arr, reason: err}.err())
				return nil
			}
		}
		if dropped {
			return []any{} // the other elements were checked; the array is left empty, as in Mongoose
		}
		return out
	case TypeMap:
		m, ok := v.(map[string]any)
		if !ok {
			// JavaScript's new Map(v) throws a TypeError.
			ve.add(castFailure{path: path, msgPath: name, kind: "Map", shown: v, because: "TypeError", model: ve.Model}.err())
			return nil
		}
		for k := range m {
			if strings.HasPrefix(k, "$") || strings.Contains(k, ".") {
				// The whole map fails at its own path, as in Mongoose.
				ve.add(castFailure{path: path, msgPath: name, kind: "Map", shown: m, model: ve.Model,
					reason: fmt.Errorf("map key %q may not start with '$' or contain '.'", k)}.err())
				return nil
			}
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			if p.Elem == nil {
				out[k] = e
				continue
			}
			ep := path + "." + k
			if ve.update && p.Elem.Type != TypeSubdoc && p.Elem.Type != TypeArray && p.Elem.Type != TypeMap {
				ep = path + ".$*" // an update's cast error names the map's values, as Mongoose's does
			}
			if fe := mapSubdocFailure(p.Elem, ep, name+".$*", e, ve, cc); fe != nil {
				ve.add(fe)
				continue
			}
			out[k] = s.castValue(p.Elem, ep, name+".$*", e, ve, cc)
		}
		return out
	case TypeMixed:
		return v
	}
	c, err := castTo(p, v)
	if err != nil {
		ve.add(castFailure{path: path, msgPath: name, kind: castKind(p.Type), shown: v, because: castBecause(p.Type, err), model: ve.Model, reason: err}.err())
		return nil
	}
	c = applyTransforms(p, c)
	g, ok := toGoType(p, c)
	if !ok {
		ve.add(castFailure{path: path, msgPath: name, kind: castKind(p.Type), shown: v, model: ve.Model,
			reason: fmt.Errorf("%w: %v overflows %s", errCast, c, p.goType)}.err())
		return nil
	}
	return g
}

// mapSubdocFailure is Mongoose's error for a value of a map of
// subdocuments that cannot become one, on a document: a primitive is an
// ObjectExpectedError and an unknown field under strict "throw" a
// StrictModeError, each at the value's own path (m.k), not a cast error.
func mapSubdocFailure(elem *Path, path, name string, v any, ve *ValidationError, cc *castCtx) *FieldError {
	if elem.Type != TypeSubdoc || ve.update || v == nil {
		return nil
	}
	switch x := v.(type) {
	case string, bool, float64, int, int32, int64, json.Number:
		return &FieldError{Name: NameObjectExpectedError, Path: path, Value: v,
			Message: "Tried to set nested object field `" + name + "` to primitive value `" + jsString(x) + "`"}
	case map[string]any:
		if k := elem.Schema.unknownKey(x, cc); k != "" {
			se := &StrictError{Model: ve.Model, Path: k}
			return &FieldError{Name: NameStrictModeError, Path: path, Value: v, Message: se.Error(), Reason: se}
		}
	}
	return nil
}

// jsString is JavaScript's String(v) of a primitive.
func jsString(v any) string {
	if s, err := castString(v); err == nil {
		if str, ok := s.(string); ok {
			return str
		}
	}
	return fmt.Sprint(v)
}

// toGoType converts a cast scalar to the Go type of the struct field, so
// that it is stored with the same BSON type the struct would produce (an
// int field as int32 when it fits, ...).
func toGoType(p *Path, v any) (any, bool) {
	if p.goType == nil || v == nil {
		return v, true
	}
	rv := reflect.ValueOf(v)
	if rv.Type() == p.goType {
		return v, true
	}
	switch p.goType.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if i, ok := v.(int64); ok {
			n := reflect.New(p.goType).Elem()
			if n.OverflowInt(i) {
				return nil, false
			}
			n.SetInt(i)
			return n.Interface(), true
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if i, ok := v.(int64); ok {
			n := reflect.New(p.goType).Elem()
			if i < 0 || n.OverflowUint(uint64(i)) {
				return nil, false
			}
			n.SetUint(uint64(i))
			return n.Interface(), true
		}
	case reflect.Float32:
		if f, ok := v.(float64); ok {
			return float32(f), true
		}
	case reflect.String:
		if s, ok := v.(string); ok {
			return reflect.ValueOf(s).Convert(p.goType).Interface(), true
		}
	}
	return v, true
}

func applyTransforms(p *Path, v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	return transformString(p, s)
}

func transformString(p *Path, s string) string {
	if p.trim {
		s = jsTrim(s)
	}
	if p.lower {
		s = jsLower(s)
	}
	if p.upper {
		s = jsUpper(s)
	}
	return s
}

// castMap casts loosely typed input (decoded JSON) into a map keyed by
// stored field names. Aliases are resolved (given both, the alias wins, in
// any key order, as in Mongoose 9); unknown keys follow the strict
// mode; "_id", the version key and the timestamps are cast as Mongoose's
// implicit paths when the schema does not declare them.
func (s *Schema) castMap(in map[string]any, prefix string, ve *ValidationError, cc *castCtx) map[string]any {
	in = s.expandDotted(in, cc.strict)
	out := make(map[string]any, len(in))
	for k, v := range in {
		p := s.byName[k]
		if p != nil && p.Alias != "" {
			if _, both := in[p.Alias]; both {
				continue // the alias wins over the path's own name, as in Mongoose
			}
		}
		if p == nil {
			p = s.byAlias[k]
		}
		if p == nil && prefix == "" {
			p = s.implicitPath(k)
		}
		if p == nil {
			switch cc.strict {
			case StrictThrow:
				if cc.err == nil {
					cc.err = &StrictError{Path: prefix + k}
				}
			case StrictOff:
				if !strings.HasPrefix(k, "$") {
					out[k] = v
				}
			}
			continue
		}
		out[p.Name] = s.castValue(p, prefix+p.Name, p.Name, v, ve, cc)
	}
	return out
}

// expandDotted sets the dotted keys of a document ("s.a") whose first
// segment names a subdocument (or a Map or a Mixed path, one level deep)
// into that path's object, as Mongoose's document constructor sets them as paths; other
// dotted keys are left for strict mode to judge. The object of the path,
// if given, is copied, not changed; a dotted key whose path holds
// something other than an object is left as given.
func (s *Schema) expandDotted(in map[string]any, strict StrictMode) map[string]any {
	var out map[string]any
	for k, v := range in {
		head, rest, dotted := strings.Cut(k, ".")
		if !dotted || head == "" || rest == "" || strings.HasPrefix(k, "$") {
			continue
		}
		p := s.byName[head]
		if p == nil {
			p = s.byAlias[head]
		}
		if p == nil || (p.Type != TypeSubdoc && p.Type != TypeMap && p.Type != TypeMixed) ||
			(p.Type != TypeSubdoc && strings.Contains(rest, ".")) { // only a subdocument casts its own dotted keys
			continue
		}
		if p.Type == TypeSubdoc && strict == StrictThrow && !p.Schema.knows(rest) {
			continue // refused under its dotted name (s.z), as in Mongoose
		}
		if out == nil {
			out = maps.Clone(in)
		}
		obj, isObj := out[head].(map[string]any)
		if !isObj && out[head] != nil {
			continue
		}
		obj = maps.Clone(obj)
		if obj == nil {
			obj = map[string]any{}
		}
		obj[rest] = v
		out[head] = obj
		delete(out, k)
	}
	if out == nil {
		return in
	}
	return out
}

// knows reports whether the dotted path (relative to s) names a path of
// s or of its subdocuments.
func (s *Schema) knows(dotted string) bool {
	head, rest, more := strings.Cut(dotted, ".")
	p := s.byName[head]
	if p == nil {
		p = s.byAlias[head]
	}
	switch {
	case p == nil:
		return false
	case !more:
		return true
	case p.Type == TypeSubdoc:
		return p.Schema.knows(rest)
	}
	return p.Type == TypeMap || p.Type == TypeMixed
}

// implicitPath returns the path Mongoose adds to every schema for a
// top-level key the schema does not declare: _id (ObjectId), the version
// key (Number) and the timestamps (Date), or nil.
func (s *Schema) implicitPath(k string) *Path {
	switch {
	case k == "_id":
		return ObjectID("_id")
	case k == s.versionKey() && k != "":
		return Number(k)
	case s.managedKey(k):
		p := Date(k)
		if k == s.opts.Timestamps.CreatedAt {
			p.SetImmutable() // as Mongoose's createdAt
		}
		return p
	}
	return nil
}

// unknownKey returns the first (sorted) key of m that is not in s when
// the strict mode is StrictThrow, else "".
func (s *Schema) unknownKey(m map[string]any, cc *castCtx) string {
	if cc.strict != StrictThrow {
		return ""
	}
	first := ""
	for k := range m {
		if s.byName[k] == nil && s.byAlias[k] == nil && (first == "" || k < first) {
			first = k
		}
	}
	return first
}

// castCtx carries the root schema's strict mode through nested casts and
// records the first strict violation.
type castCtx struct {
	strict StrictMode
	err    error
}
