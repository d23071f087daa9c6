package odm

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

var (
	typeTime       = reflect.TypeFor[time.Time]()
	typeDateTime   = reflect.TypeFor[bson.DateTime]()
	typeObjectID   = reflect.TypeFor[bson.ObjectID]()
	typeDecimal128 = reflect.TypeFor[bson.Decimal128]()
	typeBytes      = reflect.TypeFor[[]byte]()
	typeD          = reflect.TypeFor[bson.D]()
	typeM          = reflect.TypeFor[bson.M]()
	typeA          = reflect.TypeFor[bson.A]()
	typeRaw        = reflect.TypeFor[bson.Raw]()
)

// SchemaFor derives a schema from the struct T: paths from `bson` tags
// (names, "-", "inline") and options from `odm` tags:
//
//	Name  string  `bson:"name" odm:"required=Product name is required,trim,maxlength=100"`
//	Price float64 `bson:"price" odm:"required,min=0"`
//	Kind  string  `bson:"kind" odm:"enum=a|b|c,default=a,index"`
//
// Options: required[=message], default=value (default=now for dates,
// default=new for ObjectIDs), enum=a|b, min=, max= (numbers; RFC 3339 for
// dates), minlength=, maxlength=, match=regexp, trim, lowercase, uppercase,
// immutable, select=false, index, unique, sparse, ref=Model, refPath=path (a DynRef's model name), alias=name.
// On a []string field, enum, trim, lowercase, uppercase, match, minlength
// and maxlength apply to each element. A comma inside a value is written
// "\,". Validators that need code (and
// messages for min, max, enum...) are added with Schema.Path(...).
func SchemaFor[T any](opts *SchemaOpts) (*Schema, error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return nil, schemaErr("SchemaFor needs a struct type, got %s", t)
	}
	s, err := structSchema(t, map[reflect.Type]bool{})
	if err != nil {
		return nil, err
	}
	if opts != nil {
		s.opts = *opts
	}
	return s, nil
}

// MustSchemaFor is SchemaFor that panics on a bad declaration, for
// package-level schemas.
func MustSchemaFor[T any](opts *SchemaOpts) *Schema {
	s, err := SchemaFor[T](opts)
	if err != nil {
		panic(err)
	}
	return s
}

func structSchema(t reflect.Type, seen map[reflect.Type]bool) (*Schema, error) {
	if seen[t] {
		return nil, schemaErr("recursive struct %s: use a pointer to an ObjectID ref or Mixed", t)
	}
	seen[t] = true
	defer delete(seen, t)
	s := NewSchema(nil)
	s.goType = t
	if err := addStructFields(s, t, nil, seen); err != nil {
		return nil, err
	}
	return s, nil
}

func addStructFields(s *Schema, t reflect.Type, prefix []int, seen map[reflect.Type]bool) error {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		idx := append(append([]int(nil), prefix...), i)
		name, inline, skip := bsonName(f)
		if skip {
			continue
		}
		if inline {
			ft := f.Type
			if ft.Kind() == reflect.Struct {
				if err := addStructFields(s, ft, idx, seen); err != nil {
					return err
				}
				continue
			}
		}
		p, err := pathForType(name, f.Type, seen)
		if err != nil {
			return schemaErr("%s.%s: %v", t.Name(), f.Name, err)
		}
		p.goIndex = idx
		if err := applyTag(p, f.Tag.Get("odm")); err != nil {
			return schemaErr("%s.%s: %v", t.Name(), f.Name, err)
		}
		s.Add(p)
	}
	return nil
}

func bsonName(f reflect.StructField) (name string, inline, skip bool) {
	tag, ok := f.Tag.Lookup("bson")
	if !ok {
		return strings.ToLower(f.Name), false, false // the driver's default
	}
	if tag == "-" {
		return "", false, true
	}
	parts := strings.Split(tag, ",")
	name = parts[0]
	for _, o := range parts[1:] {
		if o == "inline" {
			inline = true
		}
	}
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name, inline, false
}

func pathForType(name string, t reflect.Type, seen map[reflect.Type]bool) (*Path, error) {
	ptr := false
	if t.Kind() == reflect.Pointer {
		ptr = true
		t = t.Elem()
	}
	var p *Path
	switch {
	case refPath(name, t) != nil: // odm.Ref[T], odm.Refs[T]
		p = refPath(name, t)
	case t == typeTime || t == typeDateTime:
		p = Date(name)
	case t == typeObjectID:
		p = ObjectID(name)
	case t == typeDecimal128:
		p = Decimal(name)
	case t == typeBytes:
		p = newPath(name, TypeBuffer)
	case t == typeD || t == typeM || t == typeA || t == typeRaw || t.Kind() == reflect.Interface:
		p = Mixed(name)
	default:
		switch t.Kind() {
		case reflect.String:
			p = String(name)
		case reflect.Bool:
			p = Bool(name)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			p = Int(name)
		case reflect.Float32, reflect.Float64:
			p = Number(name)
		case reflect.Slice, reflect.Array:
			elem, err := pathForType("$", t.Elem(), seen)
			if err != nil {
				return nil, err
			}
			p = Array(name, elem)
		case reflect.Map:
			if t.Key().Kind() != reflect.String {
				return nil, schemaErr("map keys must be strings")
			}
			elem, err := pathForType("$", t.Elem(), seen)
			if err != nil {
				return nil, err
			}
			p = MapOf(name, elem)
		case reflect.Struct:
			sub, err := structSchema(t, seen)
			if err != nil {
				return nil, err
			}
			p = Subdoc(name, sub)
		default:
			return nil, schemaErr("unsupported Go type %s", t)
		}
	}
	p.goType = t
	p.ptr = ptr
	return p, nil
}

// splitTag splits on commas not escaped as "\,".
func splitTag(tag string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		if c == '\\' && i+1 < len(tag) && tag[i+1] == ',' {
			cur.WriteByte(',')
			i++
			continue
		}
		if c == ',' {
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	if cur.Len() > 0 || len(out) > 0 {
		out = append(out, cur.String())
	}
	return out
}

func applyTag(p *Path, tag string) error {
	if tag == "" {
		return nil
	}
	// String options on an array of strings apply to each element, as
	// they do in Mongoose's [{type: String, trim: true, ...}].
	elem := p
	if p.Type == TypeArray && p.Elem != nil && p.Elem.Type == TypeString {
		elem = p.Elem
	}
	for _, opt := range splitTag(tag) {
		key, val, hasVal := strings.Cut(strings.TrimSpace(opt), "=")
		if key == "" {
			continue
		}
		switch key {
		case "required":
			if hasVal {
				p.Required(val)
			} else {
				p.Required()
			}
		case "trim":
			elem.Trim()
		case "lowercase":
			elem.Lowercase()
		case "uppercase":
			elem.Uppercase()
		case "immutable":
			p.SetImmutable()
		case "index":
			p.Indexed()
		case "unique":
			p.SetUnique()
		case "sparse":
			p.SetSparse()
		case "select":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return schemaErr("select=%q: want true or false", val)
			}
			p.Select(b)
		case "ref":
			p.SetRef(val)
		case "refPath":
			p.SetRefPath(val)
			if p.Elem != nil {
				p.Elem.SetRefPath(val)
			}
		case "alias":
			p.SetAlias(val)
		case "min", "max":
			if err := tagMinMax(p, key, val); err != nil {
				return err
			}
		case "minlength", "maxlength":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return schemaErr("%s=%q: want a non-negative integer", key, val)
			}
			if key == "minlength" {
				elem.MinLength(n)
			} else {
				elem.MaxLength(n)
			}
		case "match":
			re, err := regexp.Compile(val)
			if err != nil {
				return schemaErr("match=%q: %v", val, err)
			}
			elem.Match(re)
		case "enum":
			target := p
			if p.Type == TypeArray && p.Elem != nil {
				target = p.Elem // enum on []string applies to each element, as in Mongoose
			}
			var vals []any
			for _, raw := range strings.Split(val, "|") {
				v, err := castTo(target, raw)
				if err != nil {
					return schemaErr("enum value %q: %v", raw, err)
				}
				vals = append(vals, v)
			}
			target.Enum(vals)
		case "default":
			if err := tagDefault(p, val); err != nil {
				return err
			}
		default:
			return schemaErr("unknown odm tag option %q", key)
		}
	}
	return nil
}

func tagMinMax(p *Path, key, val string) error {
	if p.Type == TypeDate {
		t, err := parseDate(val)
		if err != nil {
			return schemaErr("%s=%q: %v", key, val, err)
		}
		if key == "min" {
			p.MinDate(t)
		} else {
			p.MaxDate(t)
		}
		return nil
	}
	f, err := strconv.ParseFloat(val, 64)
	if err != nil {
		return schemaErr("%s=%q: want a number", key, val)
	}
	if key == "min" {
		p.Min(f)
	} else {
		p.Max(f)
	}
	return nil
}

func tagDefault(p *Path, val string) error {
	switch {
	case p.Type == TypeDate && val == "now":
		p.DefaultFunc(func() any { return time.Now().UTC().Truncate(time.Millisecond) })
		return nil
	case p.Type == TypeObjectID && (val == "new" || val == "auto"):
		p.DefaultFunc(newObjectID)
		return nil
	}
	v, err := castTo(p, val)
	if err != nil {
		return schemaErr("default=%q: %v", val, err)
	}
	p.Default(v)
	return nil
}
