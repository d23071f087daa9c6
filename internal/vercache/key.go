package vercache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrUnkeyable: the arguments hold a value that cannot be part of a cache
// key (a function or a channel), or are nested too deep.
var ErrUnkeyable = errors.New("arguments cannot be made into a cache key")

// Fingerprint hashes what determines a query's result: every value of
// parts, with its type (so different conditions holding equal values
// differ).
func Fingerprint(parts ...any) (string, error) {
	h := sha256.New()
	for _, p := range parts {
		if err := writeValue(h, reflect.ValueOf(p), 0); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

type writer interface{ Write([]byte) (int, error) }

func writeValue(w writer, v reflect.Value, depth int) error {
	if depth > 64 {
		return ErrUnkeyable
	}
	if !v.IsValid() {
		_, _ = w.Write([]byte("nil;"))
		return nil
	}
	fmt.Fprintf(w, "%s:", v.Type())
	if v.CanInterface() {
		if t, ok := v.Interface().(time.Time); ok { // an instant: its location does not matter
			fmt.Fprintf(w, "%d;", t.UnixNano())
			return nil
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			_, _ = w.Write([]byte("nil;"))
			return nil
		}
		return writeValue(w, v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			fmt.Fprintf(w, "%s=", v.Type().Field(i).Name)
			if err := writeValue(w, v.Field(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			_, _ = w.Write([]byte("nil;"))
			return nil
		}
		fmt.Fprintf(w, "[%d]", v.Len())
		for i := range v.Len() {
			if err := writeValue(w, v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		type kv struct {
			k string
			v reflect.Value
		}
		entries := make([]kv, len(keys))
		for i, k := range keys {
			var b strings.Builder
			if err := writeValue(&b, k, depth+1); err != nil {
				return err
			}
			entries[i] = kv{b.String(), v.MapIndex(k)}
		}
		slices.SortFunc(entries, func(a, b kv) int { return strings.Compare(a.k, b.k) })
		fmt.Fprintf(w, "{%d}", len(entries))
		for _, e := range entries {
			_, _ = w.Write([]byte(e.k))
			if err := writeValue(w, e.v, depth+1); err != nil {
				return err
			}
		}
	case reflect.String:
		fmt.Fprintf(w, "%q", v.String())
	case reflect.Bool:
		fmt.Fprintf(w, "%t", v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(w, "%d", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprintf(w, "%d", v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(w, "%b", v.Float())
	case reflect.Complex64, reflect.Complex128:
		fmt.Fprintf(w, "%v", v.Complex())
	default: // func, chan, unsafe pointer
		return fmt.Errorf("%w: a %s", ErrUnkeyable, v.Kind())
	}
	_, _ = w.Write([]byte(";"))
	return nil
}

// ID returns the canonical form of an id value for id versions, and false
// when v is not a simple id (then reads and writes fall back to the whole
// model). Values that the store may treat as equal map to one form: every
// integer (and integral float) to its decimal, strings to themselves,
// byte arrays and slices (ObjectIDs, UUIDs) and strings that spell a UUID
// in any form PostgreSQL accepts to lowercase hex. Distinct ids that
// share a form only share invalidations, which is safe.
func ID(v any) (string, bool) {
	if h, ok := v.(interface{ Hex() string }); ok { // bson.ObjectID
		return "x" + h.Hex(), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "n" + strconv.FormatInt(rv.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "n" + strconv.FormatUint(rv.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return "n" + strconv.FormatInt(int64(f), 10), true
		}
		return "", false
	case reflect.String:
		if u, ok := uuidHex(rv.String()); ok {
			return "x" + u, true // the same UUID as text or as 16 bytes
		}
		return "s" + rv.String(), true
	case reflect.Array, reflect.Slice:
		if rv.Type().Elem().Kind() != reflect.Uint8 || (rv.Kind() == reflect.Slice && rv.IsNil()) {
			return "", false
		}
		b := make([]byte, rv.Len())
		for i := range b {
			b[i] = byte(rv.Index(i).Uint())
		}
		return "x" + hex.EncodeToString(b), true
	}
	return "", false
}

// uuidHex returns the 32 lowercase hex digits of a UUID spelled with or
// without braces and hyphens, in either case.
func uuidHex(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}' {
		s = s[1 : len(s)-1]
	}
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 32 {
		return "", false
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", false
	}
	return strings.ToLower(s), true
}
