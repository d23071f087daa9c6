package odm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Default messages, Mongoose 9's wording.
const (
	msgRequired  = "Path `{PATH}` is required."
	msgMin       = "Path `{PATH}` ({VALUE}) is less than minimum allowed value ({MIN})."
	msgMax       = "Path `{PATH}` ({VALUE}) is more than maximum allowed value ({MAX})."
	msgMinDate   = "Path `{PATH}` ({VALUE}) is before minimum allowed value ({MIN})."
	msgMaxDate   = "Path `{PATH}` ({VALUE}) is after maximum allowed value ({MAX})."
	msgEnum      = "`{VALUE}` is not a valid enum value for path `{PATH}`."
	msgRegexp    = "Path `{PATH}` is invalid ({VALUE})."
	msgMinLength = "Path `{PATH}` (`{VALUE}`, length {LENGTH}) is shorter than the minimum allowed length ({MINLENGTH})."
	msgMaxLength = "Path `{PATH}` (`{VALUE}`, length {LENGTH}) is longer than the maximum allowed length ({MAXLENGTH})."
	msgUser      = "Validator failed for path `{PATH}` with value `{VALUE}`"
)

// fill renders a message template; an unknown {NAME} stays as written.
func fill(tmpl string, vars map[string]string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		key := tmpl[i+1 : i+j]
		b.WriteString(tmpl[:i])
		if v, ok := vars[key]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
}

// field returns the value of p inside v (a struct or a map), dereferenced,
// or an invalid Value when it is missing or null.
func field(v reflect.Value, p *Path) reflect.Value {
	var f reflect.Value
	switch v.Kind() {
	case reflect.Struct:
		if p.goIndex == nil {
			return reflect.Value{}
		}
		f = v.FieldByIndex(p.goIndex)
	case reflect.Map:
		f = v.MapIndex(reflect.ValueOf(p.Name))
	default:
		return reflect.Value{}
	}
	return deref(f)
}

func deref(f reflect.Value) reflect.Value {
	for f.IsValid() && (f.Kind() == reflect.Interface || f.Kind() == reflect.Pointer) {
		if f.IsNil() {
			return reflect.Value{}
		}
		f = f.Elem()
	}
	if !f.IsValid() {
		return f
	}
	switch f.Kind() {
	case reflect.Map:
		if f.IsNil() {
			return reflect.Value{}
		}
	case reflect.Struct, reflect.Array:
		if t := f.Type(); (t == typeTime || t == typeObjectID || t.Implements(typeRefType)) && f.IsZero() {
			return reflect.Value{}
		}
	}
	return f
}

// canonical converts a present scalar to the value validators see: string,
// float64 (int64 for integer paths), bool, time.Time, bson.ObjectID,
// bson.Decimal128; anything else as stored.
func canonical(p *Path, f reflect.Value) any {
	switch f.Kind() {
	case reflect.String:
		return f.String()
	case reflect.Bool:
		return f.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if p.isInt {
			return f.Int()
		}
		return float64(f.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if p.isInt {
			return int64(f.Uint())
		}
		return float64(f.Uint())
	case reflect.Float32, reflect.Float64:
		if p.isInt && f.Float() == math.Trunc(f.Float()) {
			return int64(f.Float())
		}
		return f.Float()
	}
	if f.Type() == typeDateTime {
		return f.Interface().(bson.DateTime).Time().UTC()
	}
	return f.Interface()
}

// jsLen is the length of s in UTF-16 code units, as JavaScript counts.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// validateDoc validates v (struct or map[string]any) against s, adding
// failures under prefix to ve.
func (s *Schema) validateDoc(ctx context.Context, v reflect.Value, prefix string, ve *ValidationError) error {
	isStruct := deref(v).Kind() == reflect.Struct
	for _, p := range s.paths {
		if !p.needs {
			continue
		}
		f := field(v, p)
		if isStruct && f.Kind() == reflect.String && f.Len() == 0 && !viaPointer(v, p) {
			// An empty string field of a Go struct is its zero value, i.e.
			// unset: it fails required (as '' does in Mongoose) and no
			// other validator applies. (In a map, an array or Cast's input
			// '' is a value, and every validator runs on it.)
			if p.required {
				ve.add(p.fail(validator{kind: KindRequired, message: p.requiredMsg}, prefix+p.Name, p.Name, ""))
			}
			continue
		}
		if !f.IsValid() && !isStruct && isExplicitNull(v, p.Name) {
			if err := p.validateNull(ctx, prefix+p.Name, p.Name, ve); err != nil {
				return err
			}
			continue
		}
		if err := p.validate(ctx, f, prefix+p.Name, p.Name, ve); err != nil {
			return err
		}
	}
	return nil
}

// viaPointer reports whether p's field of struct v is a pointer (so a
// pointer to "" is a value, not the zero value).
func viaPointer(v reflect.Value, p *Path) bool {
	v = deref(v)
	if p.goIndex == nil || v.Kind() != reflect.Struct {
		return false
	}
	k := v.FieldByIndex(p.goIndex).Kind()
	return k == reflect.Pointer || k == reflect.Interface
}

// isExplicitNull reports whether map v holds key name with a nil value.
func isExplicitNull(v reflect.Value, name string) bool {
	v = deref(v)
	if !v.IsValid() || v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String {
		return false
	}
	e := v.MapIndex(reflect.ValueOf(name).Convert(v.Type().Key()))
	return e.IsValid() && !deref(e).IsValid()
}

// validateNull checks an explicit null as Mongoose does: required fails;
// otherwise custom validators run (with a nil value) and the built-in
// ones let null pass.
func (p *Path) validateNull(ctx context.Context, path, name string, ve *ValidationError) error {
	if p.required {
		ve.add(p.fail(validator{kind: KindRequired, message: p.requiredMsg}, path, name, nil))
		return nil
	}
	for _, vd := range p.validators {
		if vd.fn == nil {
			continue
		}
		ok, err := vd.check(ctx, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !ok || err != nil {
			ve.add(p.failWith(vd, path, name, nil, err))
			return nil
		}
	}
	return nil
}

// failWith is fail with the validator's own error, if any, as reason. As
// in Mongoose, where a validator that throws (or whose promise rejects)
// fails with the error's message, a non-empty error message replaces the
// validator's and is templated like it ({PATH}, {VALUE}).
func (p *Path) failWith(vd validator, path, name string, val any, err error) *FieldError {
	if err != nil {
		msg := err.Error()
		var vp validatorPanic
		if errors.As(err, &vp) {
			msg = vp.message()
		}
		if msg != "" {
			vd.message = msg
		}
	}
	fe := p.fail(vd, path, name, val)
	if err != nil {
		fe.Reason = err
	}
	return fe
}

// validatorPanic is a custom validator's panic (Mongoose's throw).
type validatorPanic struct{ v any }

func (vp validatorPanic) Error() string { return fmt.Sprintf("odm: validator panicked: %v", vp.v) }

// message is what was thrown: an error's message or the value printed.
func (vp validatorPanic) message() string {
	if e, ok := vp.v.(error); ok {
		return e.Error()
	}
	return fmt.Sprint(vp.v)
}

func (vp validatorPanic) Unwrap() error {
	e, _ := vp.v.(error)
	return e
}

// validate checks one path; f is invalid when the value is missing/null.
// path is the full dotted path (the error's key); name is the path within
// its own schema, used in messages as Mongoose does for subdocuments.
// It returns only context errors; validation failures go to ve.
func (p *Path) validate(ctx context.Context, f reflect.Value, path, name string, ve *ValidationError) error {
	if !f.IsValid() {
		if p.required {
			ve.add(p.fail(validator{kind: KindRequired, message: p.requiredMsg}, path, name, undefinedValue{}))
		} else if p.Type == TypeSubdoc && p.goType != nil && !p.ptr {
			// A non-pointer struct always exists in Go (a nested path in
			// Mongoose terms): validate its paths against an empty document.
			return p.Schema.validateDoc(ctx, reflect.ValueOf(map[string]any{}), path+".", ve)
		}
		return nil
	}
	if f.Kind() == reflect.String && f.Len() == 0 && p.required {
		// '' fails required, as in Mongoose.
		ve.add(p.fail(validator{kind: KindRequired, message: p.requiredMsg}, path, name, ""))
		return nil
	}
	var val any
	boxed := false
	box := func() any { // boxing allocates: only when a validator needs it
		if !boxed {
			boxed = true
			switch p.Type {
			case TypeSubdoc, TypeArray, TypeMap, TypeMixed:
				val = f.Interface()
			default:
				val = canonical(p, f)
			}
		}
		return val
	}
	for _, vd := range p.validators {
		ok, handled := vd.checkFast(f)
		var err error
		if !handled {
			ok, err = vd.check(ctx, box())
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		if !ok || err != nil {
			ve.add(p.failWith(vd, path, name, box(), err))
			return nil
		}
	}
	switch p.Type {
	case TypeSubdoc:
		if f.Kind() == reflect.Struct || f.Kind() == reflect.Map {
			return p.Schema.validateDoc(ctx, f, path+".", ve)
		}
	case TypeArray:
		if p.Elem == nil || !p.Elem.needs || (f.Kind() != reflect.Slice && f.Kind() != reflect.Array) {
			return nil
		}
		for i := 0; i < f.Len(); i++ {
			ep := path + "." + strconv.Itoa(i)
			if err := p.Elem.validateElem(ctx, deref(f.Index(i)), ep, ve.elemName(name, strconv.Itoa(i)), ve); err != nil {
				return err
			}
		}
	case TypeMap:
		if p.Elem == nil || !p.Elem.needs || f.Kind() != reflect.Map {
			return nil
		}
		iter := f.MapRange()
		for iter.Next() {
			ep := path + "." + iter.Key().String()
			if err := p.Elem.validateElem(ctx, deref(iter.Value()), ep, ve.elemName(name, iter.Key().String()), ve); err != nil {
				return err
			}
		}
	}
	return nil
}

// validateElem validates an array element or map value; a nil one is an
// explicit null.
func (p *Path) validateElem(ctx context.Context, f reflect.Value, path, name string, ve *ValidationError) error {
	if !f.IsValid() {
		return p.validateNull(ctx, path, name, ve)
	}
	return p.validate(ctx, f, path, name, ve)
}

// undefined stands for a missing value in a message: Mongoose renders
// {VALUE} of a path never given as "undefined", of an explicit null as
// "null". The FieldError's Value is nil for both.
type undefinedValue struct{}

func (p *Path) fail(vd validator, path, name string, val any) *FieldError {
	shown := inspect(val)
	if _, ok := val.(undefinedValue); ok {
		val, shown = nil, "undefined"
	}
	// Mongoose's validator properties: type (the kind; there is no
	// {KIND}), path, value and the validator's own (min, enumValues...).
	vars := map[string]string{"PATH": name, "VALUE": shown, "TYPE": vd.kind}
	tmpl := vd.message
	switch vd.kind {
	case KindRequired:
		if tmpl == "" {
			tmpl = msgRequired
		}
	case KindMin:
		if vd.isTime {
			vars["MIN"] = jsDate(vd.minTime)
			if tmpl == "" {
				tmpl = msgMinDate
			}
		} else {
			vars["MIN"] = jsNumberString(vd.min)
			if tmpl == "" {
				tmpl = msgMin
			}
		}
	case KindMax:
		if vd.isTime {
			vars["MAX"] = jsDate(vd.maxTime)
			if tmpl == "" {
				tmpl = msgMaxDate
			}
		} else {
			vars["MAX"] = jsNumberString(vd.max)
			if tmpl == "" {
				tmpl = msgMax
			}
		}
	case KindEnum:
		vars["ENUMVALUES"] = inspect(vd.enum)
		if tmpl == "" {
			tmpl = msgEnum
		}
	case KindRegexp:
		if vd.re != nil {
			vars["REGEXP"] = "/" + vd.re.String() + "/"
		}
		if tmpl == "" {
			tmpl = msgRegexp
		}
	case KindMinLength, KindMaxLength:
		if sv, ok := val.(string); ok {
			vars["LENGTH"] = strconv.Itoa(jsLen(sv))
		}
		vars["MINLENGTH"] = strconv.Itoa(vd.length)
		vars["MAXLENGTH"] = strconv.Itoa(vd.length)
		if tmpl == "" {
			if vd.kind == KindMinLength {
				tmpl = msgMinLength
			} else {
				tmpl = msgMaxLength
			}
		}
	default:
		if tmpl == "" {
			tmpl = msgUser
		}
	}
	return &FieldError{Name: NameValidatorError, Path: path, Kind: vd.kind, Value: val, Message: fill(tmpl, vars)}
}

// checkFast runs built-in validators on strings and numbers without
// boxing the value; handled is false when check must run instead.
func (vd validator) checkFast(f reflect.Value) (ok, handled bool) {
	switch f.Kind() {
	case reflect.String:
		s := f.String()
		switch vd.kind {
		case KindMinLength:
			return jsLen(s) >= vd.length, true
		case KindMaxLength:
			return jsLen(s) <= vd.length, true
		case KindRegexp:
			return s == "" || vd.re.MatchString(s), true
		case KindEnum:
			for _, e := range vd.enum {
				if es, isStr := e.(string); isStr && es == s {
					return true, true
				}
			}
			return false, true
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if vd.isTime || (vd.kind != KindMin && vd.kind != KindMax) {
			return false, false
		}
		var x float64
		switch f.Kind() {
		case reflect.Float32, reflect.Float64:
			x = f.Float()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			x = float64(f.Uint())
		default:
			x = float64(f.Int())
		}
		if vd.kind == KindMin {
			return x >= vd.min, true
		}
		return x <= vd.max, true
	}
	return false, false
}

func (vd validator) check(ctx context.Context, v any) (bool, error) {
	switch vd.kind {
	case KindMin, KindMax:
		if vd.isTime {
			t, ok := v.(time.Time)
			if !ok {
				return true, nil
			}
			if vd.kind == KindMin {
				return !t.Before(vd.minTime), nil
			}
			return !t.After(vd.maxTime), nil
		}
		f, ok := toFloat(v)
		if d, isDec := v.(bson.Decimal128); isDec {
			f, ok = jsNumber(d.String())
		}
		if !ok {
			return true, nil
		}
		if vd.kind == KindMin {
			return f >= vd.min, nil
		}
		return f <= vd.max, nil
	case KindMinLength, KindMaxLength:
		s, ok := v.(string)
		if !ok {
			return true, nil
		}
		if vd.kind == KindMinLength {
			return jsLen(s) >= vd.length, nil
		}
		return jsLen(s) <= vd.length, nil
	case KindEnum:
		for _, e := range vd.enum {
			if equalScalar(e, v) {
				return true, nil
			}
		}
		return false, nil
	case KindRegexp:
		s, ok := v.(string)
		if !ok || s == "" {
			return true, nil
		}
		return vd.re.MatchString(s), nil
	}
	if vd.fn != nil {
		return vd.call(ctx, v)
	}
	return true, nil
}

// call runs a custom validator. One that panics (say, on the nil of an
// explicit null) fails the path with the panic as reason and its message,
// as a validator that throws does in Mongoose.
func (vd validator) call(ctx context.Context, v any) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, validatorPanic{r}
		}
	}()
	return vd.fn(ctx, v)
}

func equalScalar(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// runSchemaValidators runs schema-level validators on doc.
func (s *Schema) runSchemaValidators(ctx context.Context, doc any, ve *ValidationError) error {
	for _, fn := range s.validators {
		err := fn(ctx, doc)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var fe *FieldError
		var sub *ValidationError
		switch {
		case errors.As(err, &sub):
			ve.merge(sub)
		case errors.As(err, &fe):
			ve.add(fe)
		default:
			ve.add(&FieldError{Name: NameValidatorError, Path: "", Kind: KindUserDefined, Message: err.Error(), Reason: err})
		}
	}
	return nil
}

// prepare applies defaults and string transforms to v in place: v is an
// addressable struct or a map[string]any.
func (s *Schema) prepare(v reflect.Value) {
	for _, p := range s.paths {
		switch v.Kind() {
		case reflect.Struct:
			if p.goIndex != nil {
				p.prepareField(v.FieldByIndex(p.goIndex))
			}
		case reflect.Map:
			p.prepareMapEntry(v)
		}
	}
}

// subdocDefaults applies the defaults of the subdocuments in v, a cast
// update value of p (a subdocument or an array of them, given whole to
// $set or $push), as Mongoose casts them as new subdocuments.
func (p *Path) subdocDefaults(v any) {
	switch p.Type {
	case TypeSubdoc:
		if m, ok := v.(map[string]any); ok && p.Schema != nil {
			p.Schema.prepare(reflect.ValueOf(m))
		}
	case TypeArray:
		if arr, ok := v.([]any); ok && p.Elem != nil {
			for _, e := range arr {
				p.Elem.subdocDefaults(e)
			}
		}
	case TypeMap:
		if m, ok := v.(map[string]any); ok && p.Elem != nil {
			for _, e := range m {
				p.Elem.subdocDefaults(e)
			}
		}
	}
}

func (p *Path) hasDefault() bool { return p.defFunc != nil || p.defVal != nil }

// defaultValue is the path's default, cast to its type as Mongoose casts
// defaults (a "5" default of a Number path is 5); left as given when it
// does not cast, for the validators to report.
func (p *Path) defaultValue() any {
	v := p.defVal
	if p.defFunc != nil {
		v = p.defFunc()
	}
	switch p.Type {
	case TypeString, TypeNumber, TypeBoolean, TypeInt32, TypeDouble, TypeDate, TypeObjectID, TypeDecimal128, TypeBigInt, TypeUUID:
		return p.defaultElem(v)
	case TypeArray:
		// ["1", 2] for an array of numbers is [1, 2], each element cast.
		if arr, ok := v.([]any); ok && p.Elem != nil {
			out := make([]any, len(arr))
			for i, e := range arr {
				out[i] = p.Elem.defaultElem(e)
			}
			return out
		}
	}
	return v
}

// defaultElem casts an element of an array default as defaultValue casts a
// default (left as given when it does not cast).
func (p *Path) defaultElem(v any) any {
	switch p.Type {
	case TypeString, TypeNumber, TypeBoolean, TypeInt32, TypeDouble, TypeDate, TypeObjectID, TypeDecimal128, TypeBigInt, TypeUUID:
		if c, err := castTo(p, v); err == nil && c != nil {
			if g, ok := toGoType(p, c); ok {
				return g
			}
		}
	}
	return v
}

// prepareField works on a settable struct field.
func (p *Path) prepareField(f reflect.Value) {
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			if !p.hasDefault() {
				return
			}
			n := reflect.New(f.Type().Elem())
			if setValue(n.Elem(), p.defaultValue()) {
				f.Set(n)
			}
			return
		}
		f = f.Elem()
	}
	if f.IsZero() && p.hasDefault() {
		setValue(f, p.defaultValue())
	}
	p.transformField(f)
}

func (p *Path) transformField(f reflect.Value) {
	switch {
	case f.Kind() == reflect.String && (p.trim || p.lower || p.upper):
		f.SetString(transformString(p, f.String()))
	case p.Type == TypeSubdoc && f.Kind() == reflect.Struct:
		p.Schema.prepare(f)
	case p.Type == TypeArray && p.Elem != nil && f.Kind() == reflect.Slice:
		for i := 0; i < f.Len(); i++ {
			e := f.Index(i)
			if e.Kind() == reflect.Pointer {
				if e.IsNil() {
					continue
				}
				e = e.Elem()
			}
			p.Elem.transformField(e)
		}
	case p.Type == TypeMap && p.Elem != nil && f.Kind() == reflect.Map:
		iter := f.MapRange()
		for iter.Next() {
			e := reflect.New(iter.Value().Type()).Elem()
			e.Set(iter.Value())
			t := e
			if t.Kind() == reflect.Pointer && !t.IsNil() {
				t = t.Elem()
			}
			p.Elem.transformField(t)
			f.SetMapIndex(iter.Key(), e)
		}
	}
}

// setValue assigns v to f, converting between compatible types. It reports
// whether it could.
func setValue(f reflect.Value, v any) bool {
	if v == nil {
		return false
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Type().AssignableTo(f.Type()):
		f.Set(rv)
	case f.Type() == typeDateTime && rv.Type() == typeTime:
		f.Set(reflect.ValueOf(bson.NewDateTimeFromTime(v.(time.Time))))
	case rv.Type().ConvertibleTo(f.Type()) && rv.Kind() != reflect.String || (rv.Kind() == reflect.String && f.Kind() == reflect.String):
		f.Set(rv.Convert(f.Type()))
	default:
		return false
	}
	return true
}

// prepareMapEntry applies defaults and transforms to a cast input map.
func (p *Path) prepareMapEntry(m reflect.Value) {
	key := reflect.ValueOf(p.Name)
	cur := m.MapIndex(key)
	missing := !cur.IsValid() || (cur.Kind() == reflect.Interface && cur.IsNil())
	if !cur.IsValid() {
		switch {
		case p.hasDefault():
			m.SetMapIndex(key, reflect.ValueOf(p.defaultValue()))
		case p.Type == TypeArray:
			m.SetMapIndex(key, reflect.ValueOf([]any{})) // Mongoose arrays default to []
		case p.Type == TypeSubdoc && p.goType != nil && !p.ptr:
			sub := map[string]any{}
			p.Schema.prepare(reflect.ValueOf(sub))
			if len(sub) > 0 {
				m.SetMapIndex(key, reflect.ValueOf(sub))
			}
		}
		return
	}
	if missing {
		return
	}
	inner := cur
	if inner.Kind() == reflect.Interface {
		inner = inner.Elem()
	}
	switch p.Type {
	case TypeString:
		if str, ok := inner.Interface().(string); ok && (p.trim || p.lower || p.upper) {
			m.SetMapIndex(key, reflect.ValueOf(transformString(p, str)))
		}
	case TypeSubdoc:
		if sub, ok := inner.Interface().(map[string]any); ok {
			p.Schema.prepare(reflect.ValueOf(sub))
		}
	case TypeArray, TypeMap:
		p.subdocDefaults(inner.Interface())
	}
}

// errorf is fmt.Errorf with the package prefix.
func errorf(format string, args ...any) error { return fmt.Errorf("odm: "+format, args...) }

// finalize computes, for every path, whether validation has anything to
// check there, so that validateDoc can skip the rest cheaply.
func (s *Schema) finalize() {
	for _, p := range s.paths {
		p.finalize()
	}
}

func (p *Path) finalize() bool {
	p.needs = p.required || len(p.validators) > 0
	switch p.Type {
	case TypeSubdoc:
		if p.Schema != nil {
			for _, q := range p.Schema.paths {
				if q.finalize() {
					p.needs = true
				}
			}
		}
	case TypeArray, TypeMap:
		if p.Elem != nil && p.Elem.finalize() {
			p.needs = true
		}
	}
	return p.needs
}
