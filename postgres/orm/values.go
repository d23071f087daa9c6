package orm

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// isNil reports whether v is nil or a nil pointer, slice or map.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// coerce checks that v suits field f (one element when elem is true for
// list fields) and converts it to the value bound as a parameter.
func coerce(f *Field, v any) (any, error) {
	if f.Type == JSON {
		if jv, ok, err := jsonWriteValue(f, v); ok {
			return jv, err
		}
	}
	// Fast paths.
	switch x := v.(type) {
	case string:
		switch f.Type {
		case DateTime, BigInt, Decimal, Bytes:
			if msg := scalarContentMsg(f, f.Name, x); msg != "" {
				return nil, errors.New(msg)
			}
		}
		switch f.Type {
		case String, Enum:
			if strings.IndexByte(x, 0) >= 0 {
				return nil, fmt.Errorf("%s: strings may not contain NUL bytes", f.Name)
			}
			if f.Type == Enum && len(f.EnumValues) > 0 && !slices.Contains(f.EnumValues, x) {
				return nil, errors.New(invalidValueMsg(f.Name, "", f.EnumName))
			}
			return v, nil // the string itself: no new interface
		case DateTime:
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return nil, fmt.Errorf("%s expects a DateTime (RFC 3339), got %q", f.Name, x)
			}
			return instant(f, t), nil
		case BigInt:
			// Prisma reads a BigInt given as a string of digits.
			n, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				if errors.Is(err, strconv.ErrRange) {
					return nil, outOfRange(x, "bigint")
				}
				return nil, fmt.Errorf("%s expects a BigInt, got %q", f.Name, x)
			}
			return n, nil
		case Decimal:
			var n pgtype.Numeric
			if err := n.Scan(x); err != nil || !n.Valid {
				// An exponent ("1e1", "2.5E-3"), which Prisma reads too.
				d, derr := decimal.NewFromString(x)
				if derr != nil || !decimalText(x) || n.Scan(d.String()) != nil {
					return nil, fmt.Errorf("%s expects a Decimal, got %q", f.Name, x)
				}
			}
			return n, nil
		case Bytes:
			// Prisma reads a string given for Bytes as base64.
			b, err := base64.StdEncoding.DecodeString(x)
			if err != nil {
				return nil, fmt.Errorf("%s expects base64, got %q", f.Name, x)
			}
			return b, nil
		case JSON:
			return x, nil
		}
	case int:
		return coerceInt(f, int64(x))
	case int64:
		if f.Type == BigInt || (f.Type == Int && x >= math.MinInt32 && x <= math.MaxInt32) {
			return v, nil // already the value to bind: no new interface
		}
		return coerceInt(f, x)
	case int32:
		return coerceInt(f, int64(x))
	case bool:
		if f.Type == Boolean || f.Type == JSON {
			return x, nil
		}
	case time.Time:
		if f.Type == DateTime {
			// Prisma stores instants: a DateTime column (timestamp(3) without
			// time zone, @db.Date, @db.Time) holds the UTC wall clock.
			return instant(f, x), nil
		}
	case json.Number:
		switch f.Type {
		case Int, BigInt:
			n, err := strconv.ParseInt(string(x), 10, 64)
			if err != nil {
				if errors.Is(err, strconv.ErrRange) {
					return nil, outOfRange(x, pgIntType(f))
				}
				// Prisma cuts a fraction given for an Int to its integer
				// part ({rank: 3.5} is rank 3), as it reads take: 1.5; a
				// BigInt takes none.
				fl, ferr := strconv.ParseFloat(string(x), 64)
				if f.Type != Int || ferr != nil || math.IsInf(fl, 0) || math.IsNaN(fl) || math.Abs(fl) >= 1<<63 {
					return nil, fmt.Errorf("%s expects an integer, got %s", f.Name, x)
				}
				n = int64(math.Trunc(fl))
			}
			return coerceInt(f, n)
		case Float:
			n, err := strconv.ParseFloat(string(x), 64)
			if err != nil {
				return nil, fmt.Errorf("%s expects a number, got %s", f.Name, x)
			}
			return n, nil
		case Decimal:
			var n pgtype.Numeric
			if err := n.Scan(string(x)); err != nil || !n.Valid {
				return nil, fmt.Errorf("%s expects a Decimal, got %s", f.Name, x)
			}
			return n, nil
		case JSON:
			return x, nil
		}
	}
	if f.Type == JSON {
		return v, nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String:
		if rv.Type() != reflect.TypeFor[string]() {
			return coerce(f, rv.String())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return coerceInt(f, rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			if f.Type == Int || f.Type == BigInt {
				return nil, outOfRange(u, pgIntType(f))
			}
			return nil, fmt.Errorf("%s: %d out of range", f.Name, u)
		}
		return coerceInt(f, int64(u))
	case reflect.Float32, reflect.Float64:
		x := rv.Float()
		switch f.Type {
		case Float, Decimal:
			return x, nil
		case Int, BigInt:
			if x == math.Trunc(x) && !math.IsInf(x, 0) && math.Abs(x) < 1<<63 {
				return coerceInt(f, int64(x))
			}
			if f.Type == Int && !math.IsInf(x, 0) && !math.IsNaN(x) && math.Abs(x) < 1<<63 {
				// Prisma cuts a fraction given for an Int to its integer
				// part (rank: 3.7 is 3), as from JSON.
				return coerceInt(f, int64(math.Trunc(x)))
			}
			return nil, fmt.Errorf("%s expects an integer, got %v", f.Name, x)
		}
	case reflect.Bool:
		if f.Type == Boolean {
			return rv.Bool(), nil
		}
	case reflect.Slice:
		if f.Type == Bytes && rv.Type().Elem().Kind() == reflect.Uint8 {
			return rv.Bytes(), nil
		}
	case reflect.Struct:
		// time.Time and driver types (decimals, pgtype values).
		if f.Type == DateTime && rv.Type().ConvertibleTo(reflect.TypeFor[time.Time]()) {
			return instant(f, rv.Convert(reflect.TypeFor[time.Time]()).Interface().(time.Time)), nil
		}
		if f.Type == DateTime || f.Type == Decimal || f.Type == Bytes {
			return rv.Interface(), nil
		}
	}
	return nil, fmt.Errorf("%s (%s) cannot take a %T", f.Name, f.Type, v)
}

// instant is the UTC value bound for DateTime field f. Prisma sends a
// JavaScript Date, milliseconds cut off below: the instant is cut to the
// millisecond, where PostgreSQL would round it (12:00:00.1235 is .123 as
// in Prisma, not .124), whatever the column's precision (a timestamp(6)
// column written by Prisma holds milliseconds, and reads back as it was
// written).
func instant(_ *Field, t time.Time) time.Time {
	return t.UTC().Truncate(time.Millisecond)
}

// timePrecision is the fractional-second digits of a DateTime column type:
// 3 for Prisma's default (no DBType), the n of "timestamp(n)", 6 (the
// PostgreSQL default) for a type without one, 0 for date.
func timePrecision(dbType string) int {
	if dbType == "" {
		return 3
	}
	t := strings.ToLower(dbType)
	if t == "date" {
		return 0
	}
	if i := strings.IndexByte(t, '('); i >= 0 {
		if j := strings.IndexByte(t[i:], ')'); j > 0 {
			if n, err := strconv.Atoi(strings.TrimSpace(t[i+1 : i+j])); err == nil {
				return n
			}
		}
	}
	return 6
}

func coerceInt(f *Field, n int64) (any, error) {
	switch f.Type {
	case Int:
		if n < math.MinInt32 || n > math.MaxInt32 {
			return nil, outOfRange(n, "integer")
		}
		return n, nil
	case BigInt:
		return n, nil
	case Float:
		return float64(n), nil
	case Decimal, JSON:
		return n, nil
	}
	return nil, fmt.Errorf("%s (%s) cannot take an integer", f.Name, f.Type)
}

// pgIntType is PostgreSQL's name of an integer field's column type.
func pgIntType(f *Field) string {
	if f.Type == Int {
		return "integer"
	}
	return "bigint"
}

// coerceList converts a slice of values for field f (its elements) into a
// typed slice suitable for an array parameter.
func coerceList(f *Field, v any) (any, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, fmt.Errorf("%s expects a list, got %T", f.Name, v)
	}
	n := rv.Len()
	var out reflect.Value
	switch f.Type {
	case String, Enum:
		out = reflect.ValueOf(make([]string, 0, n))
	case Int, BigInt:
		out = reflect.ValueOf(make([]int64, 0, n))
	case Float:
		out = reflect.ValueOf(make([]float64, 0, n))
	case Boolean:
		out = reflect.ValueOf(make([]bool, 0, n))
	case DateTime:
		out = reflect.ValueOf(make([]time.Time, 0, n))
	default:
		out = reflect.ValueOf(make([]any, 0, n))
	}
	et := out.Type().Elem()
	for i := range n {
		e := rv.Index(i).Interface()
		if isNil(e) {
			return nil, fmt.Errorf("%s: a list may not contain null", f.Name)
		}
		c, err := coerce(f, e)
		if err != nil {
			return nil, err
		}
		cv := reflect.ValueOf(c)
		if !cv.Type().AssignableTo(et) {
			if !cv.Type().ConvertibleTo(et) {
				return nil, fmt.Errorf("%s: %T in a list of %s", f.Name, e, f.Type)
			}
			cv = cv.Convert(et)
		}
		out = reflect.Append(out, cv)
	}
	return out.Interface(), nil
}
