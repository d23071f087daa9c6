package psl

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// prismaDefault starts Prisma's wording of an invalid @default.
const prismaDefault = "Error parsing attribute \"@default\": "

// dateStartRE matches what Prisma's RFC 3339 parser reads as a date-time
// cut short rather than as invalid characters.
var dateStartRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)

// decimalRE matches a decimal number written as a string default.
var decimalRE = regexp.MustCompile(`^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)

// Load parses and validates schema source in one step.
func Load(filename string, src []byte) (*Schema, error) {
	f, err := Parse(filename, src)
	if err != nil {
		return nil, withResolveErrors(f, err)
	}
	return Validate(f)
}

// withResolveErrors adds to a syntax error what Prisma reports with it:
// it resolves the names, types and attributes of what it could read
// (a model left open by a one-line `model A { id Int @id }` is not there)
// and stops before the remaining checks.
func withResolveErrors(f *File, err error) error {
	perr, ok := AsError(err)
	if !ok || f == nil {
		return err
	}
	_, verr := Validate(f)
	if ve, ok := AsError(verr); ok {
		for _, d := range ve.Diagnostics {
			if d.phase > phaseParse && d.phase <= phaseAttributes {
				perr.Diagnostics = append(perr.Diagnostics, d)
			}
		}
		sort.SliceStable(perr.Diagnostics, func(i, j int) bool { return perr.Diagnostics[i].sortKey() < perr.Diagnostics[j].sortKey() })
	}
	return perr
}

// LoadFile reads, parses and validates a schema file; given a folder, it
// loads its .prisma files as one schema (see LoadPath).
func LoadFile(path string) (*Schema, error) {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return LoadPath(path)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Load(path, src)
}

// Validate checks a parsed file and resolves it into a Schema: types,
// database names, defaults, keys, indexes and both sides of every relation.
// Problems come back as an *Error with one diagnostic per problem; the
// Schema is returned only when there are none.
func Validate(f *File) (*Schema, error) {
	if f == nil {
		f = &File{}
	}
	v := &validator{s: &Schema{File: f, modelByName: map[string]*Model{}, enumByName: map[string]*Enum{}}, nameDiags: map[Pos]*Diagnostic{}}
	v.run()
	if len(v.diags) > 0 {
		sort.SliceStable(v.diags, func(i, j int) bool { return v.diags[i].sortKey() < v.diags[j].sortKey() })
		return nil, &Error{Diagnostics: v.diags, sources: f.sources}
	}
	return v.s, nil
}

// reservedNames are the model and enum names Prisma 7 refuses: its
// client's and JavaScript's reserved words.
var reservedNames = func() map[string]bool {
	out := map[string]bool{}
	for _, n := range strings.Fields(`PrismaClient async await break case catch class const continue debugger default delete
		do else enum export extends false finally for function if implements import in instanceof interface let new null
		package private protected public return super switch this throw true try typeof var void while with yield`) {
		out[n] = true
	}
	return out
}()

// datasourceProperties are the properties a datasource block may set
// (url, directUrl and shadowDatabaseUrl are still read: see
// docs/postgres-schema.md).
var datasourceProperties = map[string]bool{"provider": true, "url": true, "directUrl": true, "shadowDatabaseUrl": true,
	"relationMode": true, "referentialIntegrity": true, "extensions": true, "schemas": true}

type validator struct {
	// firstDatasource is the first datasource block, until a second one
	// is reported.
	firstDatasource *ConfigBlock
	// phase is Prisma's phase of the problems found now.
	phase phase
	s     *Schema
	diags []*Diagnostic
	rels  []*relInfo
	// inline are the owning sides whose fields and references all resolve
	// (Prisma's complete inline relations), for the cycle checks.
	inline []*relInfo
	// nameDiags are the diagnostics of an index or unique constraint that
	// takes a name twice in its model, by the attribute's position, for
	// constraintNames to give Prisma's wording.
	nameDiags map[Pos]*Diagnostic
	// previewDiags are the partial-index preview refusals of the block
	// attributes of the model being read, put in Prisma's order after.
	previewDiags []*Diagnostic
	// extensions is the datasource's extensions property when its list
	// reads, for the postgresqlExtensions preview check.
	extensionsProp *Property
}

// relInfo is the raw @relation data of one relation field, paired later.
type relInfo struct {
	model  *Model
	field  *Field
	name   string
	named  bool
	fields []string
	refs   []string
	hasFld bool
	hasRef bool
	onDel  string
	onUpd  string
	fkMap  string
	pos    Pos
	paired bool
	// laterDiags are the problems Prisma finds in its pass over the
	// relations, after those of every model (see cycles).
	laterDiags []*Diagnostic
}

func (v *validator) errAt(pos Pos, text, format string, args ...any) {
	v.diags = append(v.diags, &Diagnostic{Pos: pos, End: pos, Text: text, Message: fmt.Sprintf(format, args...), phase: v.phase})
}

// prisma gives the last diagnostic Prisma 7's wording and span: the span
// starts at pos (the diagnostic's own position when zero).
func (v *validator) prisma(pos Pos, span spanKind, format string, args ...any) {
	d := v.diags[len(v.diags)-1]
	d.Prisma, d.prismaSpan, d.prismaPos = fmt.Sprintf(format, args...), span, pos
}

// relationFieldsOf returns the fields argument of a relation field's
// @relation, read from the source (relations are paired later).
func relationFieldsOf(f *Field) []string {
	for _, a := range f.Decl.Attributes {
		if a.Name != "relation" {
			continue
		}
		arg := a.Arg("fields", -1)
		if arg == nil {
			return nil
		}
		if arr, ok := asList(arg.Value); ok {
			var out []string
			for _, e := range arr.Elems {
				if id, ok := e.(*Ident); ok {
					out = append(out, id.Name)
				}
			}
			return out
		}
	}
	return nil
}

// orderAt places the last n diagnostics at pos among the others, in the
// order they were found.
func (v *validator) orderAt(pos Pos, n int) {
	for _, d := range v.diags[len(v.diags)-n:] {
		d.order = pos
	}
}

// inPhase moves the last diagnostic to another of Prisma's phases.
func (v *validator) inPhase(p phase) {
	v.diags[len(v.diags)-1].phase = p
}

func (v *validator) errAttr(a *Attribute, format string, args ...any) {
	prefix := "@"
	if a.Block {
		prefix = "@@"
	}
	v.diags = append(v.diags, &Diagnostic{Pos: a.Pos, End: a.End, Text: prefix + a.Name, Message: fmt.Sprintf(format, args...), phase: v.phase})
}

func (v *validator) run() {
	f := v.s.File
	v.phase = phaseAttributes
	// Pass 1: declare names.
	seen := map[string]Pos{}
	seenKind := map[string]string{}
	var pending *Leading // a config block's comments, handed on to the next model or enum
	declare := func(name string, pos Pos, kind string) bool {
		if prev, ok := seen[name]; ok {
			v.errAt(pos, name, "%s %q is already defined at %s", kind, name, prev)
			v.prisma(Pos{}, spanLine, "The %s %q cannot be defined because a %s with that name already exists.", kind, name, seenKind[name])
			v.inPhase(phaseNames)
			seenKind[name] = kind // Prisma's name table keeps the last one
			return false
		}
		if IsScalarType(name) || name == "Unsupported" {
			v.errAt(pos, name, "%s name %q is reserved for a built-in type", kind, name)
			v.prisma(Pos{}, spanLine, "%q is a reserved scalar type name and cannot be used.", name)
			v.inPhase(phaseNames)
			return false
		}
		seen[name], seenKind[name] = pos, kind
		return true
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ModelDecl:
			if !declare(d.Name, d.NamePos, d.Keyword) {
				continue
			}
			if d.Keyword == "model" {
				v.dashInName(d.Name, d.Pos, "Model")
			}
			if reservedNames[d.Name] {
				v.errAt(d.NamePos, d.Name, "%s name %q is reserved (Prisma Client and JavaScript use it)", d.Keyword, d.Name)
				v.prisma(d.Pos, spanBlock, "Error validating %s %q: The %s name `%s` is invalid. It is a reserved name. Please change it. Read more at https://pris.ly/d/naming-models", d.Keyword, d.Name, d.Keyword, d.Name)
				v.inPhase(phaseNames)
			}
			m := &Model{Name: d.Name, DBName: d.Name, Doc: carried(d.Lead(), &pending), IsView: d.Keyword == "view", Decl: d, byName: map[string]*Field{}}
			v.s.Models = append(v.s.Models, m)
			v.s.modelByName[m.Name] = m
		case *EnumDecl:
			if !declare(d.Name, d.NamePos, "enum") {
				continue
			}
			v.dashInName(d.Name, d.Pos, "Enum")
			if reservedNames[d.Name] {
				v.errAt(d.NamePos, d.Name, "enum name %q is reserved (Prisma Client and JavaScript use it)", d.Name)
				v.prisma(d.Pos, spanBlock, "Error validating enum `%s`: The enum name `%s` is invalid. It is a reserved name. Please change it. Read more at https://www.prisma.io/docs/reference/tools-and-interfaces/prisma-schema/data-model#naming-enums", d.Name, d.Name)
				v.inPhase(phaseNames)
			}
			e := &Enum{Name: d.Name, DBName: d.Name, Doc: carried(d.Lead(), &pending), Decl: d}
			v.s.Enums = append(v.s.Enums, e)
			v.s.enumByName[e.Name] = e
		case *ConfigBlock:
			v.config(d)
			if l := d.Lead(); len(l.Comments)+len(l.DocLines) > 0 {
				pending = l
			}
		}
	}
	v.previewFeatures()
	if p := v.extensionsProp; p != nil && !v.preview("postgresqlExtensions") {
		v.errAt(p.Pos, p.Key, "extensions need the \"postgresqlExtensions\" preview feature in a generator's previewFeatures")
		v.prisma(Pos{}, spanLine, "The `extensions` property is only available with the `postgresqlExtensions` preview feature.")
		v.inPhase(phaseValidation)
	}
	for _, e := range v.s.Enums {
		v.enum(e)
		v.needSchema(e.Schema, e.Decl, "enum", e.Name)
	}
	for _, m := range v.s.Models {
		v.model(m)
		if m.IsView && !v.preview("views") {
			v.errAt(m.Decl.NamePos, m.Name, "view %q needs the \"views\" preview feature in a generator's previewFeatures", m.Name)
			v.prisma(m.Decl.Pos, spanBlock, "Error validating: View definitions are only available with the `views` preview feature.")
			v.inPhase(phaseValidation)
			v.diags[len(v.diags)-1].prismaOrder = validationOrder("view", m.Decl.Pos)
		}
		v.needSchema(m.Schema, m.Decl, m.Decl.Keyword, m.Name)
	}
	v.relations()
	v.joinTables()
	v.dbNames()
	v.cycles()
}

func (v *validator) config(c *ConfigBlock) {
	props := map[string]*Property{}
	for _, p := range c.Properties {
		if _, dup := props[p.Key]; dup {
			v.errAt(p.Pos, p.Key, "property %q is defined twice in %s %q", p.Key, c.Kind, c.Name)
		}
		props[p.Key] = p
	}
	str := func(key string) (ConfigValue, bool) {
		p := props[key]
		if p == nil {
			return ConfigValue{}, false
		}
		switch e := p.Value.(type) {
		case *StringLit:
			return ConfigValue{Value: e.Value}, true
		case *FuncCall:
			if e.Name == "env" && len(e.Args) == 1 {
				if s, ok := e.Args[0].Value.(*StringLit); ok {
					return ConfigValue{EnvVar: s.Value}, true
				}
			}
		}
		v.errAt(p.Pos, p.Key, "property %q must be a string or env(\"VAR\")", key)
		return ConfigValue{}, false
	}
	if c.Kind == "generator" {
		g := &Generator{Name: c.Name, Config: map[string]string{}}
		for _, p := range c.Properties {
			switch e := p.Value.(type) {
			case *StringLit:
				g.Config[p.Key] = e.Value
				if p.Key == "previewFeatures" {
					// Prisma takes a single name for a list of one.
					g.PreviewFeatures = append(g.PreviewFeatures, e.Value)
				}
			case *ArrayExpr:
				for _, x := range e.Elems {
					s, ok := x.(*StringLit)
					if ok && p.Key == "previewFeatures" {
						g.PreviewFeatures = append(g.PreviewFeatures, s.Value)
					}
					if !ok && (p.Key == "previewFeatures" || p.Key == "binaryTargets") {
						v.errAt(x.At(), exprText(x), "%s must list strings", p.Key)
						v.prisma(Pos{}, spanLine, "Expected a String value, but received %s value `%s`.", valueKind(x), exprText(x))
					}
				}
				g.Config[p.Key] = exprText(e)
			case *FuncCall:
				if cv, ok := str(p.Key); ok {
					g.Config[p.Key] = cv.Value
				}
			default:
				// Booleans, numbers and names: generators read them as written.
				g.Config[p.Key] = exprText(e)
			}
			if _, isArr := p.Value.(*ArrayExpr); !isArr && (p.Key == "provider" || p.Key == "output") {
				if _, isStr := p.Value.(*StringLit); !isStr {
					if _, isFn := p.Value.(*FuncCall); !isFn {
						v.errAt(p.Value.At(), exprText(p.Value), "generator property %q must be a string", p.Key)
						v.prisma(Pos{}, spanLine, "Expected a String value, but received %s value `%s`.", valueKind(p.Value), exprText(p.Value))
					}
				}
			}
		}
		g.Provider, g.Output = g.Config["provider"], g.Config["output"]
		if p := props["previewFeatures"]; p != nil {
			g.previewAt = p.Pos
		}
		for _, other := range v.s.Generators {
			if other.Name == g.Name {
				v.errAt(c.NamePos, c.Name, "generator %q is defined twice", c.Name)
				v.prisma(c.Pos, spanLine, "The generator %q cannot be defined because a generator with that name already exists.", c.Name)
				v.inPhase(phaseNames)
				break
			}
		}
		if _, ok := props["provider"]; !ok {
			v.errAt(c.NamePos, c.Name, "generator %q needs a provider", c.Name)
			v.prisma(c.Pos, spanBlock, "Argument \"provider\" is missing in generator block %q.", c.Name)
		}
		v.s.Generators = append(v.s.Generators, g)
		return
	}
	if v.s.Datasource != nil {
		if first := v.firstDatasource; first != nil {
			// Prisma reports every datasource, the first one too.
			v.errAt(first.Pos, "datasource", "only one datasource block is allowed")
			v.prisma(Pos{}, spanBlock, "Error validating datasource `%s`: You defined more than one datasource. This is not allowed yet because support for multiple databases has not been implemented yet.", first.Name)
			v.firstDatasource = nil
		}
		v.errAt(c.Pos, "datasource", "only one datasource block is allowed")
		v.prisma(Pos{}, spanBlock, "Error validating datasource `%s`: You defined more than one datasource. This is not allowed yet because support for multiple databases has not been implemented yet.", c.Name)
		return
	}
	v.firstDatasource = c
	unknownFrom := len(v.diags)
	for _, p := range c.Properties {
		if !datasourceProperties[p.Key] {
			v.errAt(p.Pos, p.Key, "unknown datasource property %q", p.Key)
			v.prisma(Pos{}, spanLine, "Property not known: %q.", p.Key)
		}
	}
	ds := &Datasource{Name: c.Name}
	v.s.Datasource = ds
	prov, ok := str("provider")
	switch {
	case !ok && props["provider"] == nil:
		v.errAt(c.NamePos, c.Name, "datasource %q needs a provider", c.Name)
		v.prisma(c.Pos, spanBlock, "Argument \"provider\" is missing in data source block %q.", c.Name)
		for _, d := range v.diags[unknownFrom : len(v.diags)-1] {
			d.phase = phaseHidden // Prisma reads no further
		}
	case !ok && props["provider"] != nil:
		if call, isCall := props["provider"].Value.(*FuncCall); isCall && call.Name == "env" {
			v.diags = v.diags[:len(v.diags)-1] // str's own complaint
			v.errAt(props["provider"].Pos, "env", "the provider must be written out, not read with env()")
			v.prisma(c.Pos, spanBlock, "A datasource must not use the env() function in the provider argument.")
		} else {
			v.prisma(props["provider"].Pos, spanLine, "Error validating datasource `%s`: The provider argument in a datasource must be a string literal", c.Name)
			for _, d := range v.diags[unknownFrom : len(v.diags)-1] {
				d.phase = phaseHidden // Prisma reads no further
			}
			mark := len(v.diags)
			defer func() {
				for _, d := range v.diags[mark:] {
					d.phase = phaseHidden
				}
			}()
		}
	case ok && prov.EnvVar != "":
		v.errAt(props["provider"].Pos, "env", "the provider must be written out, not read with env()")
		v.prisma(c.Pos, spanBlock, "A datasource must not use the env() function in the provider argument.")
	case ok && prov.Value != "postgresql" && prov.Value != "postgres":
		v.errAt(props["provider"].Pos, prov.Value, "provider %q is not supported: polystore targets \"postgresql\"", prov.Value)
		if !slices.Contains([]string{"mysql", "sqlite", "sqlserver", "mongodb", "cockroachdb"}, prov.Value) {
			v.prisma(Pos{}, spanLine, "Datasource provider not known: %q.", prov.Value)
		} else {
			v.inPhase(phaseHidden) // Prisma accepts it
		}
	}
	ds.Provider = prov.Value
	ds.RelationMode = "foreignKeys"
	for _, key := range []string{"relationMode", "referentialIntegrity"} {
		if _, ok := props[key]; !ok {
			continue
		}
		if cv, ok := str(key); ok {
			if cv.Value != "foreignKeys" && cv.Value != "prisma" {
				v.errAt(props[key].Pos, cv.Value, "%s must be \"foreignKeys\" or \"prisma\"", key)
				v.prisma(c.Pos, spanBlock, "Error validating datasource `%s`: Invalid relation mode setting: %q. Supported values: \"prisma\", \"foreignKeys\"", key, cv.Value)
			}
			ds.RelationMode = cv.Value
		}
	}
	ds.URL, _ = str("url")
	ds.DirectURL, _ = str("directUrl")
	if p := props["extensions"]; p != nil {
		n := len(v.diags)
		ds.Extensions = v.extensions(p)
		if len(v.diags) == n {
			v.extensionsProp = p
		}
	}
	if p := props["schemas"]; p != nil {
		arr, ok := p.Value.(*ArrayExpr)
		if s, isStr := p.Value.(*StringLit); isStr {
			// Prisma takes a single name for a list of one.
			arr, ok = &ArrayExpr{Elems: []Expr{s}}, true
		}
		if !ok {
			v.errAt(p.Pos, p.Key, "schemas must be a list of strings")
		} else {
			for _, e := range arr.Elems {
				s, ok := e.(*StringLit)
				if !ok {
					v.errAt(e.At(), "", "schemas must be a list of strings")
					continue
				}
				if slices.Contains(ds.Schemas, s.Value) {
					v.errAt(s.Pos, s.Value, "schema %q is listed twice", s.Value)
					v.prisma(p.Pos, spanLine, "Duplicated schema names are not allowed")
				}
				ds.Schemas = append(ds.Schemas, s.Value)
			}
		}
	}
}

// stringArg returns the string value of an argument or reports an error.
func (v *validator) stringArg(a *Attribute, arg *Arg, what string) (string, bool) {
	if arg == nil {
		v.errAttr(a, "@%s needs %s", a.Name, what)
		if what == "a name" {
			v.prisma(Pos{}, spanLine, "Argument \"name\" is missing.")
		}
		return "", false
	}
	s, ok := arg.Value.(*StringLit)
	if !ok {
		v.errAt(arg.Pos, "", "%s of @%s must be a string", what, a.Name)
		v.prisma(Pos{}, spanLine, "Expected a string value, but received %s value `%s`.", valueKind(arg.Value), exprText(arg.Value))
		return "", false
	}
	// Prisma takes an empty @map or @@map name as it is (PostgreSQL
	// then refuses the zero-length identifier in the migration).
	if s.Value == "" && what != "a name" {
		v.errAt(arg.Pos, "", "%s of @%s must not be empty", what, a.Name)
		if what == "map" {
			v.prisma(Pos{}, spanLine, "Error parsing attribute \"@%s\": The `map` argument cannot be an empty string.", a.Name)
		}
		if what == "a schema name" {
			v.prisma(Pos{}, spanLine, schemaNotDefined)
			v.inPhase(phaseValidation)
		}
		return "", false
	}
	return s.Value, true
}

// checkArgs reports arguments that are not in allowed (positional arguments
// count as the name at their index in positional).
func (v *validator) checkArgs(a *Attribute, positional []string, named ...string) {
	ok := map[string]bool{}
	for _, n := range append(positional, named...) {
		ok[n] = true
	}
	var unnamed []string
	for _, arg := range a.Args {
		if arg.Name == "" {
			unnamed = append(unnamed, exprText(arg.Value))
		}
	}
	if len(unnamed) > 1 && len(positional) <= 1 {
		v.errAttr(a, "@%s takes one unnamed argument, not %d", a.Name, len(unnamed))
		v.prisma(Pos{}, spanLine, "Error parsing attribute \"@%s\": You provided multiple unnamed arguments. This is not possible. Did you forget the brackets? Did you mean `[%s]`?", a.Name, strings.Join(unnamed, ", "))
		return
	}
	seen := map[string]bool{}
	pos := 0
	for _, arg := range a.Args {
		name := arg.Name
		if name == "" {
			if pos >= len(positional) {
				v.errAt(arg.Pos, "", "@%s takes no more than %d positional argument(s)", a.Name, len(positional))
				v.prisma(Pos{}, spanLine, "No such argument.")
				continue
			}
			name = positional[pos]
			pos++
		} else if !ok[name] {
			v.errAt(arg.Pos, name, "unknown argument %q for @%s", name, a.Name)
			v.prisma(Pos{}, spanLine, "No such argument.")
			continue
		}
		if seen[name] {
			v.errAt(arg.Pos, name, "argument %q is given twice to @%s", name, a.Name)
			v.prisma(Pos{}, spanLine, "Argument %q is already specified.", name)
		}
		seen[name] = true
	}
}

func (v *validator) enum(e *Enum) {
	d := e.Decl
	e.Values = nil
	seen := map[string]bool{}
	for _, val := range d.Values {
		if seen[val.Name] {
			v.errAt(val.Pos, val.Name, "value %q is defined twice in enum %q", val.Name, e.Name)
			v.prisma(Pos{}, spanNextLine, "Value %q is already defined on enum %q.", val.Name, e.Name)
			v.inPhase(phaseNames)
			continue
		}
		seen[val.Name] = true
		if strings.Contains(val.Name, "-") {
			v.errAt(val.Pos, val.Name, "enum value %q: the character - is not allowed in enum value names", val.Name)
			v.prisma(Pos{}, spanLine, "Error validating: The character `-` is not allowed in Enum Value names.")
		}
		ev := &EnumValue{Name: val.Name, DBName: val.Name, Doc: val.Doc()}
		for _, a := range val.Attributes {
			switch a.Name {
			case "map":
				v.checkArgs(a, []string{"name"})
				if s, ok := v.stringArg(a, a.Arg("name", 0), "a name"); ok {
					ev.DBName = s
				}
			default:
				v.errAttr(a, "unknown attribute @%s on an enum value", a.Name)
				v.prisma(Pos{}, spanLine, "Attribute not known: \"@%s\".", a.Name)
			}
		}
		e.Values = append(e.Values, ev)
	}
	if len(d.Values) == 0 {
		v.errAt(d.NamePos, e.Name, "enum %q must have at least one value", e.Name)
		v.prisma(d.Pos, spanBlock, "Error validating: An enum must have at least one value.")
		v.inPhase(phaseTypes)
	}
	count := map[string]int{}
	for _, a := range d.Attributes {
		count[a.Name]++
	}
	var unknown []*Attribute
	for _, a := range d.Attributes {
		if count[a.Name] > 1 && (a.Name == "map" || a.Name == "schema") {
			// Prisma reports each one and reads none of them.
			v.errAttr(a, "@@%s is given more than once on enum %q", a.Name, e.Name)
			v.prisma(Pos{}, spanLine, "Attribute \"@%s\" can only be defined once.", a.Name)
			continue
		}
		switch a.Name {
		case "map":
			v.checkArgs(a, []string{"name"})
			if s, ok := v.stringArg(a, a.Arg("name", 0), "a name"); ok {
				e.DBName = s
			}
		case "schema":
			arg := v.schemaArg(a)
			if arg == nil {
				continue
			}
			if s, ok := v.stringArg(a, arg, "a schema name"); ok {
				e.Schema = s
				v.checkSchemaName(a, s, "enum")
			}
		default:
			unknown = append(unknown, a)
		}
	}
	// Prisma lists the attributes of an enum it does not know last first.
	for i := len(unknown) - 1; i >= 0; i-- {
		a := unknown[i]
		v.errAttr(a, "unknown attribute @@%s on enum %q", a.Name, e.Name)
		v.prisma(Pos{}, spanLine, "Attribute not known: \"@%s\".", a.Name)
		v.orderAt(unknown[0].Pos, 1)
	}
}

// schemaNotDefined is Prisma's error for a @@schema the datasource does
// not list.
const schemaNotDefined = "This schema is not defined in the datasource. Read more on `@@schema` at https://pris.ly/d/multi-schema"

func (v *validator) checkSchemaName(a *Attribute, s, kind string) {
	ds := v.s.Datasource
	if ds != nil && slices.Contains(ds.Schemas, s) {
		return
	}
	if ds == nil || len(ds.Schemas) == 0 {
		v.errAttr(a, "@@schema needs the datasource to list its schemas (schemas = [...])")
	} else {
		v.errAttr(a, "schema %q is not listed in the datasource schemas", s)
	}
	v.prisma(Pos{}, spanLine, schemaNotDefined)
	v.inPhase(phaseValidation) // with the models missing a @@schema
	v.diags[len(v.diags)-1].prismaOrder = validationOrder(kind, a.Pos)
}

// validationOrder places a problem of Prisma's validation pass found in
// a block of the kind at pos: Prisma validates the models, then the
// views, then the enums.
func validationOrder(kind string, pos Pos) Pos {
	switch kind {
	case "view":
		return Pos{Line: 1, Offset: 1<<36 + pos.Offset}
	case "enum":
		return Pos{Line: 1, Offset: 1<<37 + pos.Offset}
	}
	return Pos{}
}

func (v *validator) model(m *Model) {
	d := m.Decl
	for _, fd := range d.Fields {
		if m.byName[fd.Name] != nil {
			v.errAt(fd.Pos, fd.Name, "field %q is already defined in %s %q", fd.Name, d.Keyword, m.Name)
			v.prisma(Pos{}, spanLine, "Field %q is already defined on %s %q.", fd.Name, d.Keyword, m.Name)
			v.inPhase(phaseNames)
			continue
		}
		f := v.field(m, fd)
		if f == nil {
			continue
		}
		m.Fields = append(m.Fields, f)
		m.byName[f.Name] = f
	}
	for _, ix := range m.Uniques {
		// Prisma's PostgreSQL index checks apply to @unique as to @@unique.
		if f := m.byName[ix.Fields[0].Name]; f != nil && f.NativeType != nil && f.NativeType.Name == "Xml" {
			v.errAt(ix.Pos, f.Name, "field %q of type Xml cannot be indexed", f.Name)
			v.prisma(f.Pos, spanNextLine, "Native type `Xml` cannot be unique in Postgres.")
			v.inPhase(phaseValidation)
			v.orderAt(d.Pos, 1)
		}
	}
	attrDiags := make([]int, len(d.Attributes)+1)
	count := map[string]int{}
	for _, a := range d.Attributes {
		count[a.Name]++
	}
	for i, a := range d.Attributes {
		attrDiags[i] = len(v.diags)
		if count[a.Name] > 1 && (a.Name == "map" || a.Name == "id" || a.Name == "ignore" || a.Name == "schema") {
			// Prisma reports each one and reads none of them.
			v.errAttr(a, "@@%s is given more than once on %s %q", a.Name, d.Keyword, m.Name)
			v.prisma(Pos{}, spanLine, "Attribute \"@%s\" can only be defined once.", a.Name)
			continue
		}
		switch a.Name {
		case "map":
			v.checkArgs(a, []string{"name"})
			if s, ok := v.stringArg(a, a.Arg("name", 0), "a name"); ok {
				m.DBName = s
			}
		case "schema":
			arg := v.schemaArg(a)
			if arg == nil {
				continue
			}
			if s, ok := v.stringArg(a, arg, "a schema name"); ok {
				m.Schema = s
				v.checkSchemaName(a, s, d.Keyword)
			}
		case "ignore":
			v.checkArgs(a, nil)
			m.Ignored = true
			for _, f := range m.Fields {
				if f.Ignored && f.Kind != KindRelation {
					v.errAt(f.Pos, f.Name, "field %q needs no @ignore: its model is @@ignore'd", f.Name)
					v.prisma(f.Pos, spanNextLine, "Error parsing attribute \"@ignore\": Fields on an already ignored Model do not need an `@ignore` annotation.")
				}
			}
		case "id":
			v.checkArgs(a, []string{"fields"}, "name", "map", "clustered")
			ix, ok := v.indexFields(m, a)
			if !ok {
				continue
			}
			if m.PrimaryKey != nil {
				v.errAttr(a, "model %q has more than one primary key (@id and @@id)", m.Name)
				v.prisma(d.Pos, spanBlock, "Error validating model %q: Each model must have at most one id criteria. You can't have `@id` and `@@id` at the same time.", m.Name)
				v.inPhase(phaseValidation)
				continue
			}
			pk := &PrimaryKey{Name: ix.Name, Map: ix.Map}
			var optional []string
			for _, f := range ix.Fields {
				pk.Fields = append(pk.Fields, f.Name)
				if fld := m.byName[f.Name]; fld != nil && !fld.Required() {
					optional = append(optional, "`"+f.Name+"`")
				}
			}
			if len(optional) > 0 {
				// Prisma names every optional field in one error.
				plural := ""
				if len(optional) > 1 {
					plural = "s"
				}
				v.errAttr(a, "field%s %s of @@id must be required", plural, strings.Join(optional, ", "))
				v.prisma(Pos{}, spanLine, "Error validating model %q: The id definition refers to the optional field%s %s. ID definitions must reference only required fields.", m.Name, plural, strings.Join(optional, ", "))
			}
			m.PrimaryKey = pk
		case "unique", "index":
			if m.IsView && a.Name == "index" {
				v.errAttr(a, "a view cannot have indexes")
				v.prisma(Pos{}, spanLine, "Error validating: Views cannot have indexes.")
				v.inPhase(phaseValidation)
				continue
			}
			v.checkArgs(a, []string{"fields"}, "name", "map", "type", "clustered", "where")
			ix, ok := v.indexFields(m, a)
			if !ok {
				continue
			}
			ix.Unique = a.Name == "unique"
			if ix.Unique {
				m.Uniques = append(m.Uniques, ix)
			} else {
				m.Indexes = append(m.Indexes, ix)
			}
		case "fulltext":
			v.errAttr(a, "@@fulltext is not supported by the postgresql provider")
			if ds := v.s.Datasource; ds != nil && (ds.Provider == "mysql" || ds.Provider == "mongodb") {
				v.inPhase(phaseHidden) // Prisma's connector for it has full-text indexes
			} else {
				v.prisma(Pos{}, spanLine, "Error parsing attribute \"@@fulltext\": Defining fulltext indexes is not supported with the current connector.")
			}
		default:
			v.errAttr(a, "unknown block attribute @@%s", a.Name)
			v.prisma(Pos{}, spanLine, "Attribute not known: \"@%s\".", a.Name)
		}
	}
	attrDiags[len(d.Attributes)] = len(v.diags)
	v.blockAttrOrder(d.Attributes, attrDiags)
	v.previewOrder()
	for _, u := range m.Uniques {
		if len(u.Fields) == 1 && u.Where == nil {
			if f := m.byName[u.Fields[0].Name]; f != nil {
				f.Unique = true
			}
		}
	}
	if pk := m.PrimaryKey; pk != nil && len(pk.Fields) == 1 {
		if f := m.byName[pk.Fields[0]]; f != nil {
			f.ID = true // @@id([f]) too, as Prisma's DMMF says isId
		}
	}
	for _, f := range m.Fields {
		if f.ID && f.Unique {
			// Prisma's DMMF: a single-field primary key is not reported
			// unique, even with @unique (the unique index is still made).
			f.Unique = false
		}
	}
	if m.IsView && m.PrimaryKey != nil {
		v.viewKey(d)
	}
	v.customNames(d)
	v.duplicateIndexes(m)
	v.directives(m)
	if !m.IsView && !m.Ignored && !v.hasUniqueCriterion(m) {
		v.errAt(d.NamePos, m.Name, "model %q needs a unique criterion with only required fields: mark a field with @id or @unique, or add @@id([...]) or @@unique([...])", m.Name)
		msg := "Error validating model %q: Each model must have at least one unique criteria that has only required fields. Either mark a single field with `@id`, `@unique` or add a multi field criterion with `@@id([])` or `@@unique([])` to the model."
		var skipped []string
		if pk := m.PrimaryKey; pk != nil {
			skipped = append(skipped, "\n- "+strings.Join(pk.Fields, ", "))
		}
		for _, u := range m.Uniques {
			names := make([]string, len(u.Fields))
			for i, f := range u.Fields {
				names[i] = f.Name
			}
			skipped = append(skipped, "\n- "+strings.Join(names, ", "))
		}
		if len(skipped) > 0 {
			msg += " The following unique criterias were not considered as they contain fields that are not required:" + strings.Join(skipped, "")
		}
		v.prisma(d.Pos, spanBlock, msg, m.Name)
		v.inPhase(phaseValidation)
	}
}

// dashInName reports a '-' in a model or enum name (Prisma's grammar
// reads it as part of the name, its name checks refuse it).
func (v *validator) dashInName(name string, at Pos, kind string) {
	if strings.Contains(name, "-") {
		v.errAt(at, name, "%s name %q: the character - is not allowed", strings.ToLower(kind), name)
		v.prisma(Pos{}, spanLine, "Error validating: The character `-` is not allowed in %s names.", kind)
		v.inPhase(phaseNames)
	}
}

// carried is the documentation of a model or enum: its own doc comment,
// or, when no comment precedes it, the one before the datasource or
// generator blocks just above it, which Prisma hands on to the next model
// or enum.
func carried(l *Leading, pending **Leading) string {
	p := *pending
	*pending = nil
	if len(l.Comments)+len(l.DocLines) == 0 && p != nil {
		return p.Doc()
	}
	return l.Doc()
}

// withTrailingDoc adds a field's trailing doc comment (`name String ///
// doc`) to its documentation, as Prisma does.
func withTrailingDoc(doc, trailing string) string {
	if !strings.HasPrefix(trailing, "/") || strings.HasPrefix(trailing, "/*") {
		return doc
	}
	t := strings.TrimSpace(trailing[1:])
	if doc == "" {
		return t
	}
	return doc + "\n" + t
}

// customNames reports the client names (`name:`) of @@id and @@unique
// that two of them share.
func (v *validator) customNames(d *ModelDecl) {
	named := map[string][]*Attribute{}
	var order []string
	for _, a := range d.Attributes {
		if a.Name != "id" && a.Name != "unique" {
			continue
		}
		arg := a.Arg("name", -1)
		if arg == nil {
			continue
		}
		if s, ok := arg.Value.(*StringLit); ok && s.Value != "" {
			if named[s.Value] == nil {
				order = append(order, s.Value)
			}
			named[s.Value] = append(named[s.Value], a)
		}
	}
	fields := map[string]bool{}
	for _, f := range d.Fields {
		fields[f.Name] = true
	}
	for _, name := range order {
		if fields[name] {
			// The client takes the name as a field of the model's where
			// input: Prisma refuses one a field has.
			for _, a := range named[name] {
				v.errAttr(a, "the name %q of @@%s is the name of a field of %s %q", name, a.Name, d.Keyword, d.Name)
				v.prisma(d.Pos, spanBlock, "Error validating model %q: The custom name `%s` specified for the `@@%s` attribute is already used as a name for a field. Please choose a different name.", d.Name, name, a.Name)
				v.inPhase(phaseValidation)
				if a.Name == "id" {
					v.diags[len(v.diags)-1].prismaOrder = d.Pos // with the primary key checks
				}
			}
		}
		if len(named[name]) < 2 {
			continue
		}
		for _, a := range named[name] {
			v.errAttr(a, "the name %q of @@%s is used by another @@id or @@unique of %s %q", name, a.Name, d.Keyword, d.Name)
			v.prisma(Pos{}, spanLine, "Error parsing attribute \"@@%s\": The given custom name `%s` has to be unique on the model. Please provide a different name for the `name` argument.", a.Name, name)
			v.inPhase(phaseValidation)
		}
	}
}

// viewKey reports the @id or @@id of a view, which Prisma refuses.
func (v *validator) viewKey(d *ModelDecl) {
	var at *Attribute
	for _, f := range d.Fields {
		for _, a := range f.Attributes {
			if a.Name == "id" && at == nil {
				at = a
			}
		}
	}
	for _, a := range d.Attributes {
		if a.Name == "id" && at == nil {
			at = a
		}
	}
	if at == nil {
		return
	}
	v.errAttr(at, "view %q cannot have a primary key; use @unique", d.Name)
	v.prisma(Pos{}, spanLine, "Error validating: Views cannot have primary keys.")
	v.inPhase(phaseValidation)
}

// fieldAttrOrder places the attribute problems of a field in the order
// Prisma resolves its attributes: @map, @ignore, @relation, @id,
// @updatedAt, @default, @unique, native types, then unknown ones;
// diags[i] is where the diagnostics of attrs[i] start.
func (v *validator) fieldAttrOrder(attrs []*Attribute, diags []int) {
	rank := map[string]int{"map": 0, "ignore": 1, "relation": 2, "id": 3, "updatedAt": 4, "default": 5, "unique": 6}
	v.attrOrder(attrs, diags, func(a *Attribute) int {
		if r, ok := rank[a.Name]; ok {
			return r
		}
		if strings.Contains(a.Name, ".") {
			return 7
		}
		return 8
	})
}

// blockAttrOrder places the attribute problems of a model's block
// attributes in the order Prisma resolves them: @@ignore, @@id, @@map,
// @@schema, every @@index, every @@unique, then the others; diags[i] is where the
// diagnostics of attrs[i] start.
func (v *validator) blockAttrOrder(attrs []*Attribute, diags []int) {
	v.attrOrder(attrs, diags, func(a *Attribute) int {
		switch a.Name {
		case "ignore":
			return 0
		case "id":
			return 1
		case "map":
			return 2
		case "schema":
			return 3
		case "index":
			return 4
		case "unique":
			return 5
		}
		return 6
	})
}

// attrOrder gives the attribute-phase diagnostics of each attribute a
// slot in Prisma's listing by the rank of its attribute, stable among
// equals.
func (v *validator) attrOrder(attrs []*Attribute, diags []int, rank func(*Attribute) int) {
	if len(attrs) == 0 {
		return
	}
	idx := make([]int, len(attrs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return rank(attrs[idx[i]]) < rank(attrs[idx[j]]) })
	// Slots from the first attribute's offset on stay inside the block:
	// each attribute takes at least one byte of it.
	first := attrs[0].Pos
	for slot, i := range idx {
		at := first
		at.Offset += slot
		for _, dg := range v.diags[diags[i]:diags[i+1]] {
			if dg.phase == phaseAttributes && dg.order.Line == 0 {
				dg.prismaOrder = at
			}
		}
	}
}

// duplicateIndexes reports two uniques or two indexes over the same fields
// (they would get the same database name) and two with the same map name.
func (v *validator) duplicateIndexes(m *Model) {
	seen := map[string]*Index{}
	names := map[string]bool{}
	reported := map[*Index]bool{}
	// clash words a duplicate as Prisma does, at each index that takes
	// the name (Prisma checks names only for a database's connector).
	// constraintNames gives them Prisma's wording.
	clash := func(ix *Index, _, _ string) {
		v.inPhase(phaseHidden)
		v.nameDiags[ix.Pos] = v.diags[len(v.diags)-1]
	}
	label := func(ix *Index, kind string) string {
		if kind == "an index" {
			return "@@index"
		}
		for _, a := range m.Decl.Attributes {
			if a.Pos == ix.Pos {
				return "@@unique"
			}
		}
		return "@unique"
	}
	check := func(ix *Index, kind string) {
		key := kind + "\x00" + strings.Join(ix.FieldNames(), "\x00")
		if prev, ok := seen[key]; ok && ix.Map == "" && prev.Map == "" {
			suffix := "_idx"
			if kind != "an index" {
				suffix = "_key"
			}
			name := m.DBName + "_" + strings.Join(v.columnNames(m, ix), "_") + suffix
			if !reported[prev] {
				reported[prev] = true
				v.errAt(prev.Pos, "", "model %q has %s on [%s] twice (again at %s)", m.Name, kind, strings.Join(ix.FieldNames(), ", "), ix.Pos)
				clash(prev, label(prev, kind), name)
			}
			v.errAt(ix.Pos, "", "model %q already has %s on [%s] (at %s)", m.Name, kind, strings.Join(ix.FieldNames(), ", "), prev.Pos)
			clash(ix, label(ix, kind), name)
			return
		}
		seen[key] = ix
		if ix.Map != "" {
			if names[ix.Map] {
				v.errAt(ix.Pos, ix.Map, "the name %q is used by another index or constraint of model %q", ix.Map, m.Name)
				clash(ix, "", "")
			}
			names[ix.Map] = true
		}
	}
	for _, u := range m.Uniques {
		check(u, "a unique constraint")
	}
	for _, ix := range m.Indexes {
		check(ix, "an index")
	}
}

// columnNames are the database names of an index's fields.
func (v *validator) columnNames(m *Model, ix *Index) []string {
	var out []string
	for _, n := range ix.FieldNames() {
		if f := m.byName[n]; f != nil {
			out = append(out, f.DBName)
		}
	}
	return out
}

func (v *validator) hasUniqueCriterion(m *Model) bool {
	if pk := m.PrimaryKey; pk != nil && !slices.ContainsFunc(pk.Fields, func(name string) bool {
		f := m.byName[name]
		return f != nil && f.Kind == KindUnsupported // an optional one is reported on its own
	}) {
		return true
	}
	for _, u := range m.Uniques {
		if v.usableCriterion(m, u.FieldNames()) {
			return true
		}
	}
	return false
}

// usableCriterion: every field exists, is required and of a type the
// client reads (Prisma does not count an Unsupported field).
func (v *validator) usableCriterion(m *Model, fields []string) bool {
	for _, name := range fields {
		if f := m.byName[name]; f == nil || !f.Required() || f.Kind == KindUnsupported {
			return false
		}
	}
	return true
}

var indexTypes = map[string]bool{"BTree": true, "Hash": true, "Gin": true, "Gist": true, "SpGist": true, "Brin": true}

// indexFields resolves the common arguments of @@id, @@unique and @@index.
func (v *validator) indexFields(m *Model, a *Attribute) (*Index, bool) {
	ix := &Index{Pos: a.Pos}
	arg := a.Arg("fields", 0)
	if arg == nil {
		v.errAttr(a, "@@%s needs a list of fields", a.Name)
		v.prisma(Pos{}, spanLine, "Argument \"fields\" is missing.")
		return nil, false
	}
	arr, ok := asList(arg.Value)
	if !ok || len(arr.Elems) == 0 {
		v.errAt(arg.Pos, "", "the fields of @@%s must be a non-empty list of field names", a.Name)
		if ok && a.Name != "id" {
			v.prisma(Pos{}, spanLine, "Error parsing attribute \"@@%s\": The list of fields in an index cannot be empty. Please specify at least one field.", a.Name)
			v.inPhase(phaseValidation)
		}
		return nil, false
	}
	good := true
	seen := map[string]bool{}
	var unknown []string
	var lastUnknown *Diagnostic
	idSorted := false
	for _, e := range arr.Elems {
		var fld IndexField
		switch e := e.(type) {
		case *Ident:
			fld.Name = e.Name
		case *FuncCall:
			fld.Name = e.Name
			for _, fa := range e.Args {
				switch fa.Name {
				case "sort":
					id, ok := fa.Value.(*Ident)
					if !ok || (id.Name != "Asc" && id.Name != "Desc") {
						v.errAt(fa.Pos, "", "sort must be Asc or Desc")
						if ok {
							v.prisma(Pos{}, spanLine, "Unexpected token. Expected one of: Asc, Desc")
						} else {
							v.prisma(Pos{}, spanLine, "Expected a constant value, but received %s value `%s`.", valueKind(fa.Value), exprText(fa.Value))
						}
						good = false
						continue
					}
					fld.Sort = id.Name
					if a.Name == "id" && !idSorted {
						idSorted = true // one error for the attribute
						v.idSort(m, a, attrLabel(m, a))
					}
				case "ops":
					switch o := fa.Value.(type) {
					case *Ident:
						fld.Ops = o.Name
						if !knownOps(o.Name) {
							v.errAt(fa.Pos, o.Name, "unknown operator class %s", o.Name)
							v.prisma(Pos{}, spanLine, "Unexpected token. Expected one of: Invalid operator class: %s", o.Name)
							good = false
						}
					case *FuncCall:
						if o.Name == "raw" && len(o.Args) == 1 {
							if s, ok := o.Args[0].Value.(*StringLit); ok {
								fld.Ops, fld.RawOps = s.Value, true
								continue
							}
						}
						v.errAt(fa.Pos, "", "ops must be an operator class name or raw(\"...\")")
						good = false
					default:
						v.errAt(fa.Pos, "", "ops must be an operator class name or raw(\"...\")")
						good = false
					}
				case "length":
					v.errAt(fa.Pos, "length", "length is not supported by the postgresql provider")
					v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s\": The length argument is not supported in an index definition with the current connector", attrLabel(m, a))
					v.inPhase(phaseValidation)
					good = false
				default:
					v.errAt(fa.Pos, fa.Name, "unknown field option %q in @@%s", fa.Name, a.Name)
					good = false
				}
			}
		default:
			v.errAt(e.At(), "", "the fields of @@%s must be field names", a.Name)
			good = false
			continue
		}
		f := m.byName[fld.Name]
		switch {
		case f == nil:
			v.errAt(e.At(), fld.Name, "@@%s refers to unknown field %q in model %q", a.Name, fld.Name, m.Name)
			if lastUnknown != nil {
				lastUnknown.phase = phaseHidden // Prisma lists them all in the last one
			}
			lastUnknown = v.diags[len(v.diags)-1]
			unknown = append(unknown, fld.Name)
			switch {
			case a.Name == "id" && len(unknown) == 1:
				v.prisma(a.Pos, spanLine, "Error validating model %q: The multi field id declaration refers to the unknown field `%s`.", m.Name, fld.Name)
				v.orderAt(m.Decl.Attributes[0].Pos, 1) // Prisma reads @@id before the indexes
			case a.Name == "id":
				v.prisma(a.Pos, spanLine, "Error validating model %q: The multi field id declaration refers to the unknown fields %s.", m.Name, strings.Join(unknown, ", "))
				v.orderAt(m.Decl.Attributes[0].Pos, 1)
			default:
				what := map[string]string{"index": "index definition", "unique": "unique index definition"}[a.Name]
				v.prisma(a.Pos, spanLine, "Error validating model %q: The %s refers to the unknown fields: %s.", m.Name, what, strings.Join(unknown, ", "))
			}
			good = false
		case f.Kind == KindRelation:
			v.errAt(e.At(), fld.Name, "@@%s cannot use relation field %q; use its scalar fields", a.Name, fld.Name)
			if a.Name == "id" {
				v.prisma(a.Pos, spanLine, "Error validating model %q: The id definition refers to the relation field `%s`. ID definitions must reference only scalar fields.", m.Name, fld.Name)
			} else {
				what := map[string]string{"index": "index definition", "unique": "unique index definition"}[a.Name]
				v.prisma(a.Pos, spanLine, "Error validating model %q: The %s refers to the relation fields %s. Index definitions must reference only scalar fields. Did you mean `@@%s([%s])`?",
					m.Name, what, fld.Name, a.Name, strings.Join(relationFieldsOf(f), ", "))
			}
			good = false
		case seen[fld.Name]:
			v.errAt(e.At(), fld.Name, "field %q appears twice in @@%s", fld.Name, a.Name)
			what := map[string]string{"id": "id", "index": "index", "unique": "unique index"}[a.Name]
			v.prisma(a.Pos, spanLine, "Error validating model %q: The %s definition refers to the field %s multiple times.", m.Name, what, fld.Name)
			good = false
		}
		seen[fld.Name] = true
		ix.Fields = append(ix.Fields, fld)
	}
	if arg := a.Arg("name", -1); arg != nil {
		if s, ok := v.stringArg(a, arg, "name"); ok {
			ix.Name = s
		}
	}
	if arg := a.Arg("map", -1); arg != nil {
		if s, ok := v.stringArg(a, arg, "map"); ok {
			ix.Map = s
		}
	}
	if arg := a.Arg("type", -1); arg != nil {
		id, ok := arg.Value.(*Ident)
		switch {
		case a.Name != "index":
			v.errAt(arg.Pos, "type", "type is only allowed on @@index")
			v.prisma(Pos{}, spanLine, "No such argument.")
		case !ok:
			v.errAt(arg.Pos, "type", "index type must be one of BTree, Hash, Gin, Gist, SpGist, Brin")
			v.prisma(Pos{}, spanLine, "Expected a constant value, but received %s value `%s`.", valueKind(arg.Value), exprText(arg.Value))
		case !indexTypes[id.Name]:
			v.errAt(arg.Pos, "type", "index type must be one of BTree, Hash, Gin, Gist, SpGist, Brin")
			v.prisma(Pos{}, spanLine, "Error parsing attribute \"@index\": Unknown index type: %s.", exprText(arg.Value))
		default:
			ix.Type = id.Name
		}
	}
	if a.Name == "index" && ix.Name != "" && ix.Map != "" {
		v.errAttr(a, "@@index takes name (its legacy alias of map) or map, not both")
		v.prisma(Pos{}, spanLine, "Error parsing attribute \"@index\": The `@@index` attribute accepts the `name` argument as an alias for the `map` argument for legacy reasons. It does not accept both though. Please use the `map` argument to specify the database name of the index.")
	}
	if a.Name == "index" && ix.Name != "" {
		// Before Prisma 3, @@index(name: ...) named the database index; it
		// still sets that name only (indexes have no client name).
		if ix.Map == "" {
			ix.Map = ix.Name
		}
		ix.Name = ""
	}
	if arg := a.Arg("clustered", -1); arg != nil {
		v.errAt(arg.Pos, "clustered", "clustered is only supported on SQL Server")
		v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s\": Defining clustering is not supported in the current connector.", attrLabel(m, a))
		v.inPhase(phaseValidation)
	}
	if arg := a.Arg("where", -1); arg != nil {
		ix.Where = v.indexWhere(m, a, arg)
	}
	if good && a.Name != "id" {
		// Prisma's PostgreSQL index checks, in its order: native types
		// that take no index, SpGist over several columns, then the
		// operator classes of each field.
		for _, fld := range ix.Fields {
			if f := m.byName[fld.Name]; f != nil && f.NativeType != nil && f.NativeType.Name == "Xml" {
				v.errAt(a.Pos, f.Name, "field %q of type Xml cannot be indexed", f.Name)
				if a.Name == "unique" {
					v.prisma(f.Pos, spanNextLine, "Native type `Xml` cannot be unique in Postgres.")
				} else {
					v.prisma(f.Pos, spanNextLine, "You cannot define an index on fields with native type `Xml` of Postgres.")
				}
				v.inPhase(phaseValidation)
				v.orderAt(m.Decl.Pos, 1)
				break
			}
		}
		if ix.Type == "SpGist" && len(ix.Fields) > 1 {
			v.errAt(a.Pos, "", "an SpGist index holds one column")
			v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s\": SpGist does not support multi-column indices.", attrLabel(m, a))
			v.inPhase(phaseValidation)
			v.orderAt(m.Decl.Pos, 1)
		}
	}
	if good {
		for _, fld := range ix.Fields {
			f := m.byName[fld.Name]
			switch {
			case f == nil || fld.RawOps:
			case fld.Ops != "":
				v.checkOps(a.Pos, attrLabel(m, a), ix.Type, f, fld.Ops)
			default:
				v.checkDefaultOps(a.Pos, attrLabel(m, a), ix.Type, f)
			}
		}
	}
	return ix, good
}

// attrLabel is how Prisma names attribute a of model m: @name on a
// field, @@name on the model.
func attrLabel(m *Model, a *Attribute) string {
	if slices.Contains(m.Decl.Attributes, a) {
		return "@@" + a.Name
	}
	return "@" + a.Name
}

// opsScalar gives the scalar type of the operator classes that need no
// native type; opsNative the native type of those that do.
var (
	opsScalar = map[string]string{"JsonbOps": Json, "JsonbPathOps": Json, "TextOps": String,
		"Int4BloomOps": Int, "Int4MinMaxOps": Int, "Int4MinMaxMultiOps": Int,
		"Int8BloomOps": BigInt, "Int8MinMaxOps": BigInt, "Int8MinMaxMultiOps": BigInt,
		"Float8BloomOps": Float, "Float8MinMaxOps": Float, "Float8MinMaxMultiOps": Float,
		"NumericBloomOps": Decimal, "NumericMinMaxOps": Decimal, "NumericMinMaxMultiOps": Decimal,
		"TextBloomOps": String, "TextMinMaxOps": String, "ByteaBloomOps": Bytes, "ByteaMinMaxOps": Bytes,
		"TimestampBloomOps": DateTime, "TimestampMinMaxOps": DateTime, "TimestampMinMaxMultiOps": DateTime}
	opsNative = map[string]string{"InetOps": "Inet", "BitMinMaxOps": "Bit", "VarBitMinMaxOps": "VarBit",
		"BpcharBloomOps": "Char", "BpcharMinMaxOps": "Char",
		"DateBloomOps": "Date", "DateMinMaxOps": "Date", "DateMinMaxMultiOps": "Date",
		"Float4BloomOps": "Real", "Float4MinMaxOps": "Real", "Float4MinMaxMultiOps": "Real",
		"InetBloomOps": "Inet", "InetInclusionOps": "Inet", "InetMinMaxOps": "Inet", "InetMinMaxMultiOps": "Inet",
		"Int2BloomOps": "SmallInt", "Int2MinMaxOps": "SmallInt", "Int2MinMaxMultiOps": "SmallInt",
		"OidBloomOps": "Oid", "OidMinMaxOps": "Oid", "OidMinMaxMultiOps": "Oid",
		"TimeBloomOps": "Time", "TimeMinMaxOps": "Time", "TimeMinMaxMultiOps": "Time",
		"TimeTzBloomOps": "Timetz", "TimeTzMinMaxOps": "Timetz", "TimeTzMinMaxMultiOps": "Timetz",
		"TimestampTzBloomOps": "Timestamptz", "TimestampTzMinMaxOps": "Timestamptz", "TimestampTzMinMaxMultiOps": "Timestamptz",
		"UuidBloomOps": "Uuid", "UuidMinMaxOps": "Uuid", "UuidMinMaxMultiOps": "Uuid"}
)

// badFieldSort reports a sort argument of @id or @unique that is not Asc
// or Desc.
func (v *validator) badFieldSort(a *Attribute, s *Arg) {
	v.errAt(s.Pos, "", "sort must be Asc or Desc")
	v.prisma(Pos{}, spanLine, "Error parsing attribute \"@%s\": The `sort` argument can only be `Asc` or `Desc` you provided: %s.", a.Name, exprText(s.Value))
}

// idSort reports a sort order on a primary key of m, which Prisma takes
// only on MySQL and SQL Server.
func (v *validator) idSort(m *Model, a *Attribute, label string) {
	v.errAttr(a, "a primary key takes no sort order on PostgreSQL")
	v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s\": The sort argument is not supported in the primary key with the current connector", label)
	v.inPhase(phaseValidation)
	// Prisma checks a model's primary key before its fields.
	v.diags[len(v.diags)-1].prismaOrder = m.Decl.Pos
}

// knownOps reports whether op is one of Prisma's operator class names.
func knownOps(op string) bool {
	_, scalar := opsScalar[op]
	_, native := opsNative[op]
	return scalar || native || op == "ArrayOps"
}

// brinDefaultNative lists the native types a Brin index takes without an
// operator class; brinDefaultScalar the scalars without a native type.
var (
	brinDefaultNative = map[string]bool{"Bit": true, "VarBit": true, "Char": true, "Date": true, "Real": true,
		"DoublePrecision": true, "Inet": true, "SmallInt": true, "Integer": true, "BigInt": true, "Decimal": true,
		"Oid": true, "ByteA": true, "Text": true, "VarChar": true, "Timestamp": true, "Timestamptz": true,
		"Time": true, "Timetz": true, "Uuid": true}
	brinDefaultScalar = map[string]bool{Float: true, Int: true, BigInt: true, Decimal: true, Bytes: true,
		String: true, DateTime: true}
)

// checkDefaultOps reports, in Prisma 7's words, a field of a Gist, Gin,
// SpGist or Brin index given no operator class where its type has no
// default one for that index type.
func (v *validator) checkDefaultOps(at Pos, label, typ string, f *Field) {
	if f.Kind == KindUnsupported {
		return
	}
	native := ""
	if f.NativeType != nil {
		native = f.NativeType.Name
	}
	var ok, fits bool // ok: accepted; fits: the index type takes the field's scalar type
	switch typ {
	case "Gist":
		ok, fits = false, f.Type == String
	case "Gin":
		ok = (native == "" && f.Type == Json) || f.List || native == "JsonB"
		fits = f.Type == Json || f.List
	case "SpGist":
		ok = native == "Inet" || native == "Text" || native == "VarChar" || native == "Char" || (native == "" && f.Type == String)
		fits = f.Type == String
	case "Brin":
		ok = brinDefaultNative[native] || (native == "" && f.Kind == KindScalar && brinDefaultScalar[f.Type])
		fits = f.Kind == KindScalar && brinDefaultScalar[f.Type]
	default:
		return
	}
	switch {
	case ok:
	case native != "":
		v.errAt(at, f.Name, "field %q of a %s index needs an operator class: its type %s has no default one", f.Name, typ, native)
		v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s\": The %s index field type `%s` has no default operator class.", label, typ, native)
		v.inPhase(phaseValidation)
		v.orderAt(f.Model.Decl.Pos, 1) // Prisma checks the index types of a model before its names
	case !fits:
		v.errAt(at, f.Name, "a %s index cannot hold field %q of type %s", typ, f.Name, f.Type)
		v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s\": The %s index type does not support the type of the field `%s`.", label, typ, f.Name)
		v.inPhase(phaseValidation)
		v.orderAt(f.Model.Decl.Pos, 1)
	}
}

// opsIndexType is the index type an operator class belongs to.
func opsIndexType(op string) string {
	switch op {
	case "ArrayOps", "JsonbOps", "JsonbPathOps":
		return "Gin"
	case "InetOps":
		return "Gist or SpGist"
	case "TextOps":
		return "SpGist"
	}
	return "Brin"
}

// checkOps reports an operator class Prisma 7 refuses for field f of an
// index of type typ, in Prisma's words.
func (v *validator) checkOps(at Pos, label, typ string, f *Field, op string) {
	fail := func(format string, args ...any) {
		v.errAt(at, op, "operator class %s does not fit field %q of a %s index", op, f.Name, typ)
		v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s\": "+format, append([]any{label}, args...)...)
		v.inPhase(phaseValidation)
		v.orderAt(f.Model.Decl.Pos, 1) // Prisma checks the index types of a model before its names
	}
	_, scalar := opsScalar[op]
	_, native := opsNative[op]
	if !scalar && !native && op != "ArrayOps" && op != "InetOps" {
		return // checked elsewhere
	}
	if typ == "" {
		typ = "BTree"
	}
	if !strings.Contains(opsIndexType(op), typ) {
		fail("The given operator class `%s` is not supported with the `%s` index type.", op, typ)
		return
	}
	switch {
	case op == "ArrayOps":
		if !f.List {
			fail("The given operator class `%s` expects the type of field `%s` to be an array.", op, f.Name)
		}
	case scalar:
		if f.Type != opsScalar[op] {
			fail("The given operator class `%s` points to the field `%s` that is not of %s type.", op, f.Name, opsScalar[op])
		}
	default:
		if f.NativeType == nil || f.NativeType.Name != opsNative[op] {
			fail("The given operator class `%s` expects the field `%s` to define a valid native type.", op, f.Name)
		}
	}
}

func (v *validator) field(m *Model, d *FieldDecl) *Field {
	f := &Field{Name: d.Name, DBName: d.Name, Doc: withTrailingDoc(d.Doc(), d.Trailing), Type: d.Type.Name, Optional: d.Type.Optional,
		List: d.Type.List, Pos: d.Pos, Decl: d, Model: m}
	switch {
	case d.Type.Name == "Unsupported":
		f.Kind = KindUnsupported
		f.Unsupported = d.Type.Unsupported
		if f.Unsupported == "" {
			v.errAt(d.Type.Pos, "Unsupported", "Unsupported needs the database type as a string, e.g. Unsupported(\"circle\")")
			// Prisma reads a bare Unsupported as a type name it does not know.
			v.prisma(Pos{}, spanLine, "Type \"Unsupported\" is neither a built-in type, nor refers to another model, composite type, or enum.")
			v.inPhase(phaseTypes)
			return nil
		}
	case IsScalarType(d.Type.Name):
		f.Kind = KindScalar
	case v.s.enumByName[d.Type.Name] != nil:
		f.Kind = KindEnum
	case v.s.modelByName[d.Type.Name] != nil:
		f.Kind = KindRelation
		f.DBName = ""
	case v.s.File.composites[d.Type.Name]:
		return nil // the composite type is refused already
	default:
		v.errAt(d.Type.Pos, d.Type.Name, "type %q is neither a built-in type nor defined in this schema", d.Type.Name)
		v.prisma(Pos{}, spanLine, "Type %q is neither a built-in type, nor refers to another model, composite type, or enum.%s", d.Type.Name, v.typeHint(d.Type.Name))
		v.inPhase(phaseTypes)
		return nil
	}
	if strings.Contains(d.Name, "-") {
		v.errAt(d.Pos, d.Name, "field %q: the character - is not allowed in field names", d.Name)
		v.prisma(Pos{}, spanLine, "Error validating: The character `-` is not allowed in Field names.")
		v.inPhase(phaseNames)
	}
	seen := map[string]*Attribute{}
	reported := map[*Attribute]bool{}
	var rel *Attribute
	attrDiags := make([]int, len(d.Attributes)+1)
	defer func() {
		attrDiags[len(d.Attributes)] = len(v.diags)
		v.fieldAttrOrder(d.Attributes, attrDiags)
	}()
	for i, a := range d.Attributes {
		attrDiags[i] = len(v.diags)
		key := a.Name
		if ns, _, ok := strings.Cut(key, "."); ok {
			key = ns
		}
		if first := seen[key]; first != nil {
			if key != "db" && !reported[first] {
				// Prisma reports every occurrence but of a native type.
				reported[first] = true
				v.errAttr(first, "attribute @%s is given more than once on field %q", a.Name, f.Name)
				v.prisma(Pos{}, spanLine, "Attribute \"@%s\" can only be defined once.", key)
			}
			v.errAttr(a, "attribute @%s is given twice on field %q", a.Name, f.Name)
			v.prisma(Pos{}, spanLine, "Attribute \"@%s\" can only be defined once.", key)
			continue
		}
		seen[key] = a
		if f.Kind == KindRelation {
			switch a.Name {
			case "relation":
				rel = a
			case "ignore":
				v.checkArgs(a, nil)
				f.Ignored = true
			default:
				v.errAttr(a, "attribute @%s is not allowed on relation field %q", a.Name, f.Name)
				switch a.Name {
				case "default":
					v.prisma(Pos{}, spanLine, prismaDefault+"Cannot set a default value on a relation field.")
				case "map", "unique", "id", "updatedAt":
					v.prisma(Pos{}, spanLine, "Error parsing attribute \"@%s\": The attribute `@%s` cannot be used on relation fields.", a.Name, a.Name)
				default:
					v.prisma(Pos{}, spanLine, "Attribute not known: \"@%s\".", a.Name)
				}
			}
			continue
		}
		switch {
		case a.Name == "id":
			v.checkArgs(a, nil, "map", "sort", "length", "clustered")
			if s := a.Arg("sort", -1); s != nil {
				if id, ok := s.Value.(*Ident); ok && (id.Name == "Asc" || id.Name == "Desc") {
					v.idSort(m, a, "@id")
				} else {
					v.badFieldSort(a, s)
				}
			}
			if !f.Required() {
				v.errAttr(a, "@id field %q must be required (not optional or a list)", f.Name)
				v.prisma(Pos{}, spanLine, "Error parsing attribute \"@id\": Fields that are marked as id must be required.")
				if m.PrimaryKey != nil {
					continue // Prisma does not count it as a second id
				}
			}
			if m.PrimaryKey != nil {
				v.errAttr(a, "model %q has more than one @id field", m.Name)
				v.prisma(m.Decl.Pos, spanBlock, "Error validating model %q: At most one field must be marked as the id field with the `@id` attribute.", m.Name)
				continue
			}
			f.ID = true
			m.PrimaryKey = &PrimaryKey{Fields: []string{f.Name}, Map: v.optString(a, "map")}
		case a.Name == "unique":
			v.checkArgs(a, nil, "map", "sort", "length", "clustered", "where")
			ix := &Index{Unique: true, Fields: []IndexField{{Name: f.Name}}, Map: v.optString(a, "map"), Pos: a.Pos}
			if arg := a.Arg("where", -1); arg != nil {
				ix.Where = v.indexWhere(m, a, arg)
			}
			f.Unique = ix.Where == nil // a partial unique is no unique criterion to the client
			if s := a.Arg("sort", -1); s != nil {
				if id, ok := s.Value.(*Ident); ok && (id.Name == "Asc" || id.Name == "Desc") {
					ix.Fields[0].Sort = id.Name
				} else {
					v.badFieldSort(a, s)
				}
			}
			m.Uniques = append(m.Uniques, ix)
		case a.Name == "default":
			v.checkArgs(a, []string{"value"}, "map")
			f.Default = v.defaultValue(f, a)
		case a.Name == "updatedAt":
			v.checkArgs(a, nil)
			switch {
			case f.Type != DateTime:
				v.errAttr(a, "@updatedAt is only allowed on DateTime fields, not on %q", f.Type)
				v.prisma(Pos{}, spanLine, "Error parsing attribute \"@updatedAt\": Fields that are marked with @updatedAt must be of type DateTime.")
			case f.List:
				v.errAttr(a, "@updatedAt is not allowed on a list")
				v.prisma(Pos{}, spanLine, "Error parsing attribute \"@updatedAt\": Fields that are marked with @updatedAt cannot be lists.")
			}
			f.UpdatedAt = true
		case a.Name == "map":
			v.checkArgs(a, []string{"name"})
			if s, ok := v.stringArg(a, a.Arg("name", 0), "a name"); ok {
				f.DBName = s
			}
		case a.Name == "ignore":
			v.checkArgs(a, nil)
			if f.Kind == KindUnsupported {
				v.errAttr(a, "field %q of an Unsupported type is left out of the client already; drop @ignore", f.Name)
				v.prisma(Pos{}, spanLine, "Error parsing attribute \"@ignore\": Fields of type `Unsupported` cannot take an `@ignore` attribute. They are already treated as ignored by the client due to their type.")
				continue
			}
			f.Ignored = true
		case a.Name == "relation":
			v.errAttr(a, "@relation is only allowed on relation fields; %q has type %s", f.Name, f.Type)
			v.prisma(Pos{}, spanLine, prismaRelation+"Invalid field type, not a relation.")
			for _, arg := range a.Args {
				// Prisma reads none of them, and reports each one unread.
				v.errAt(arg.Pos, arg.Name, "@relation on a non-relation field takes no arguments")
				v.prisma(Pos{}, spanLine, "No such argument.")
			}
		case strings.HasPrefix(a.Name, v.nativeNamespace()+"."):
			f.NativeType = v.nativeType(f, a)
		case strings.Contains(a.Name, ".") && v.s.Datasource != nil:
			ns, name, _ := strings.Cut(a.Name, ".")
			ds := v.s.Datasource.Name
			v.errAttr(a, "native types are written @%s.Type after the datasource's name %q, not @%s.%s", ds, ds, ns, name)
			v.prisma(Pos{}, spanLine, "The prefix %s is invalid. It must be equal to the name of an existing datasource e.g. %s. Did you mean to use %s.%s?", ns, ds, ds, name)
			v.inPhase(phaseValidation)
		default:
			v.errAttr(a, "unknown attribute @%s", a.Name)
			v.prisma(Pos{}, spanLine, "Attribute not known: \"@%s\".", a.Name)
		}
	}
	if f.Kind == KindRelation {
		v.relationAttr(m, f, rel)
	}
	return f
}

// nativeNamespace is the prefix of native type attributes: the
// datasource's name (@db.VarChar for datasource db), db without one.
func (v *validator) nativeNamespace() string {
	if ds := v.s.Datasource; ds != nil {
		return ds.Name
	}
	return "db"
}

// typeHint is Prisma's suggestion for an unknown type: the scalar, model,
// enum or composite type of that name in other letter case.
func (v *validator) typeHint(name string) string {
	for t := range scalarTypes {
		if strings.EqualFold(t, name) {
			return fmt.Sprintf(" Did you mean %q?", t)
		}
	}
	for _, d := range v.s.File.Decls {
		var n string
		switch d := d.(type) {
		case *ModelDecl:
			n = d.Name
		case *EnumDecl:
			n = d.Name
		}
		if n != "" && strings.EqualFold(n, name) {
			return fmt.Sprintf(" Did you mean %q?", n)
		}
	}
	return ""
}

func (v *validator) optString(a *Attribute, name string) string {
	arg := a.Arg(name, -1)
	if arg == nil {
		return ""
	}
	s, _ := v.stringArg(a, arg, name)
	return s
}

func (v *validator) nativeType(f *Field, a *Attribute) *NativeType {
	if f.Kind == KindUnsupported {
		// Prisma reads no native type on an Unsupported field: the
		// attribute is unknown, after the model's other fields.
		v.errAttr(a, "native type @%s is not allowed on Unsupported field %q", a.Name, f.Name)
		v.prisma(Pos{}, spanLine, "Attribute not known: \"@%s\".", a.Name)
		last := f.Model.Decl.Fields[len(f.Model.Decl.Fields)-1].Pos
		v.orderAt(Pos{Line: last.Line, Offset: last.Offset + 1}, 1)
		return nil
	}
	// Prisma checks native types after the attributes.
	defer func(n int) {
		for _, d := range v.diags[n:] {
			d.phase = phaseValidation
		}
	}(len(v.diags))
	_, name, _ := strings.Cut(a.Name, ".")
	spec, ok := nativeTypes[name]
	if !ok {
		v.errAttr(a, "unknown native type @%s for the postgresql provider", a.Name)
		v.prisma(Pos{}, spanLine, "Native type %s is not supported for postgresql connector.", name)
		return nil
	}
	if f.Kind != KindScalar || !contains(spec.scalars, f.Type) {
		v.errAttr(a, "native type %s is not compatible with %s fields (it fits %s)", name, f.Type, strings.Join(spec.scalars, ", "))
		if f.Kind == KindEnum {
			v.prisma(Pos{}, spanLine, "Attribute not known: \"@%s\".", a.Name)
		} else {
			v.prisma(Pos{}, spanLine, "Native type %s is not compatible with declared field type %s, expected field type %s.", name, f.Type, spec.scalars[0])
		}
		return nil
	}
	n := &NativeType{Name: name}
	// badArgs words a bad argument as Prisma does: it reads two arguments
	// as a pair.
	badArgs := func(text string) {
		if len(a.Args) == 2 {
			all := make([]string, len(a.Args))
			for i, x := range a.Args {
				all[i] = exprText(x.Value)
			}
			v.prisma(a.Pos, spanLine, "Expected two nonnegative integers, but found (%s).", strings.Join(all, ", "))
			return
		}
		v.prisma(a.Pos, spanLine, "Expected a nonnegative integer, but found (%s).", text)
	}
	for _, arg := range a.Args {
		num, ok := arg.Value.(*NumberLit)
		if !ok || arg.Name != "" {
			v.errAt(arg.Pos, "", "arguments of @%s must be numbers", a.Name)
			badArgs(exprText(arg.Value))
			return nil
		}
		if x, err := strconv.Atoi(num.Text); err != nil || x < 0 {
			v.errAt(arg.Pos, num.Text, "argument of @%s must be a non-negative integer", a.Name)
			badArgs(num.Text)
			return nil
		}
		n.Args = append(n.Args, num.Text)
	}
	if len(n.Args) < spec.minArgs || len(n.Args) > spec.maxArgs {
		if spec.maxArgs == 0 {
			v.errAttr(a, "native type %s takes no arguments", name)
		} else {
			v.errAttr(a, "native type %s takes at most %d argument(s), got %d", name, spec.maxArgs, len(n.Args))
		}
		if spec.maxArgs == 0 {
			v.prisma(Pos{}, spanLine, "Function %q takes %d arguments, but received %d.", name, spec.maxArgs, len(n.Args))
		} else {
			v.prisma(Pos{}, spanLine, "Native type %s takes %d optional arguments, but received %d.", name, spec.maxArgs, len(n.Args))
		}
		return nil
	}
	switch name {
	case "Decimal":
		if len(n.Args) == 1 {
			v.errAttr(a, "Decimal takes a precision and a scale, or nothing")
			v.prisma(Pos{}, spanLine, "Expected two nonnegative integers, but found (%s).", n.Args[0])
			return nil
		}
	case "Bit", "VarBit":
		if len(n.Args) == 1 && n.Args[0] == "0" {
			v.errAttr(a, "%s(0) is invalid: the length must be positive", name)
			v.prisma(Pos{}, spanLine, "Argument M is out of range for native type `%s(0)` of Postgres: M must be a positive integer.", name)
			return nil
		}
	case "Timestamp", "Timestamptz", "Time", "Timetz":
		if len(n.Args) == 1 {
			if p, _ := strconv.Atoi(n.Args[0]); p > 6 {
				v.errAttr(a, "the precision of %s(%d) must be from 0 to 6", name, p)
				v.prisma(Pos{}, spanLine, "Argument M is out of range for native type `%s(%d)` of Postgres: M can range from 0 to 6.", name, p)
				return nil
			}
		}
	}
	if name == "Decimal" && len(n.Args) == 2 {
		p, _ := strconv.Atoi(n.Args[0])
		s, _ := strconv.Atoi(n.Args[1])
		if p < 1 || p > 1000 || s > p {
			v.errAttr(a, "Decimal(%d,%d) is invalid: precision must be 1..1000 and scale at most the precision", p, s)
			switch {
			case p < 1 || p > 1000:
				v.prisma(Pos{}, spanLine, "Argument M is out of range for native type `Decimal(%d,%d)` of Postgres: Precision must be positive with a maximum value of 1000.", p, s)
			case s > p:
				v.prisma(Pos{}, spanLine, "The scale must not be larger than the precision for the Decimal(%d,%d) native type in Postgres.", p, s)
			}
			return nil
		}
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (v *validator) defaultValue(f *Field, a *Attribute) *Default {
	arg := a.Arg("value", 0)
	if arg == nil {
		v.errAttr(a, "@default needs a value")
		v.prisma(Pos{}, spanLine, "Argument \"value\" is missing.")
		return nil
	}
	d := &Default{Map: v.optString(a, "map")}
	bad := func(format string, args ...any) *Default {
		v.errAt(arg.Pos, exprText(arg.Value), format, args...)
		return nil
	}
	// prisma words the last diagnostic as Prisma's @default error.
	prisma := func(format string, args ...any) *Default {
		v.prisma(Pos{}, spanLine, prismaDefault+format, args...)
		return nil
	}
	if f.List {
		arr, ok := arg.Value.(*ArrayExpr)
		if !ok {
			if fc, ok := arg.Value.(*FuncCall); ok && fc.Name == "dbgenerated" {
				return v.dbgenerated(d, fc, arg)
			}
			bad("the default of list field %q must be a list", f.Name)
			if f.Kind == KindEnum {
				return prisma("Expected an enum value, but found `%s`.", exprText(arg.Value))
			}
			return prisma("The default value of a list field must be a list.")
		}
		d.Kind = DefaultList
		for _, e := range arr.Elems {
			lit, ok := v.literal(f, e)
			if !ok {
				return nil
			}
			d.Values = append(d.Values, lit.Value)
			d.IsString = lit.IsString
		}
		return d
	}
	switch e := arg.Value.(type) {
	case *FuncCall:
		d.Value = ""
		if f.Kind == KindEnum && e.Name != "dbgenerated" {
			bad("the default of enum field %q must be one of its values", f.Name)
			return prisma("Expected an enum value, but found `%s`.", exprText(arg.Value))
		}
		if len(e.Args) > 0 && e.Name != "dbgenerated" && e.Name != "uuid" && e.Name != "cuid" && e.Name != "nanoid" {
			bad("%s() takes no arguments", e.Name)
			return prisma("The `%s` function does not take any argument. Consider changing this default to `%s()`.", e.Name, e.Name)
		}
		wrongType := func(need string) *Default {
			bad("%s() needs %s field, not %s", e.Name, need, f.Type)
			return prisma("The function `%s()` cannot be used on fields of type `%s`.", e.Name, f.Type)
		}
		switch e.Name {
		case "autoincrement":
			if f.Type != Int && f.Type != BigInt {
				return wrongType("an Int or BigInt")
			}
			d.Kind = DefaultAutoincrement
		case "now":
			if f.Type != DateTime {
				return wrongType("a DateTime")
			}
			d.Kind = DefaultNow
		case "uuid", "cuid", "nanoid", "ulid":
			if f.Type != String {
				return wrongType("a String")
			}
			d.Kind = map[string]DefaultKind{"uuid": DefaultUUID, "cuid": DefaultCUID, "nanoid": DefaultNanoID, "ulid": DefaultULID}[e.Name]
			if len(e.Args) > 1 {
				bad("%s() takes at most one argument", e.Name)
				return prisma("`%s()` takes a single Int argument.", e.Name)
			}
			if len(e.Args) == 1 {
				n, ok := e.Args[0].Value.(*NumberLit)
				if !ok {
					bad("the argument of %s() must be a number", e.Name)
					return prisma("`%s()` takes a single Int argument.", e.Name)
				}
				valid := map[string][]string{"uuid": {"4", "7"}, "cuid": {"1", "2"}}[e.Name]
				if valid != nil && !contains(valid, n.Text) {
					bad("%s(%s) is not supported (use %s)", e.Name, n.Text, strings.Join(valid, " or "))
					return prisma("`%s()` takes either no argument, or a single integer argument which is either %s.", e.Name, strings.Join(valid, " or "))
				}
				if k, err := strconv.Atoi(n.Text); e.Name == "nanoid" && (err != nil || k < 2 || k > 255) {
					bad("nanoid(%s) is not supported (use a length from 2 to 255)", n.Text)
					return prisma("`nanoid()` takes either no argument, or a single integer argument between 2 and 255.")
				}
				d.Version = n.Text
			}
		case "dbgenerated":
			return v.dbgenerated(d, e, arg)
		case "sequence":
			bad("sequence() is only supported on CockroachDB")
			return v.unknownFunction(e)
		default:
			bad("unknown default function %s()", e.Name)
			return v.unknownFunction(e)
		}
		return d
	case *ArrayExpr:
		bad("field %q is not a list; its default cannot be a list", f.Name)
		return prisma("The default value of a non-list field cannot be a list.")
	}
	lit, ok := v.literal(f, arg.Value)
	if !ok {
		return nil
	}
	return lit
}

// unknownFunction words the last diagnostic as Prisma's error for a
// function @default does not know.
func (v *validator) unknownFunction(e *FuncCall) *Default {
	v.prisma(Pos{}, spanLine, "Unknown function in @default(): `%s` is not known. You can read about the available functions here: https://pris.ly/d/attribute-functions", e.Name)
	v.inPhase(phaseValidation)
	return nil
}

func (v *validator) dbgenerated(d *Default, fc *FuncCall, arg *Arg) *Default {
	d.Kind = DefaultDBGenerated
	if len(fc.Args) > 1 {
		v.errAt(arg.Pos, "dbgenerated", "dbgenerated() takes at most one string")
		v.prisma(Pos{}, spanLine, prismaDefault+"`dbgenerated()` takes a single String argument")
		return nil
	}
	if len(fc.Args) == 1 {
		s, ok := fc.Args[0].Value.(*StringLit)
		if !ok {
			v.errAt(arg.Pos, "dbgenerated", "dbgenerated() takes a non-empty SQL expression string")
			v.prisma(Pos{}, spanLine, prismaDefault+"`dbgenerated()` takes a single String argument")
			return nil
		}
		if s.Value == "" {
			v.errAt(arg.Pos, "dbgenerated", "dbgenerated() takes a non-empty SQL expression string")
			v.prisma(Pos{}, spanLine, prismaDefault+"dbgenerated() takes either no argument, or a single nonempty string argument.")
			return nil
		}
		d.Value = s.Value
	}
	return d
}

// literal checks a literal default against the field type.
func (v *validator) literal(f *Field, e Expr) (*Default, bool) {
	bad := func(format string, args ...any) (*Default, bool) {
		v.errAt(e.At(), exprText(e), format, args...)
		return nil, false
	}
	// prisma words the last diagnostic as Prisma's @default error.
	prisma := func(format string, args ...any) (*Default, bool) {
		v.prisma(Pos{}, spanLine, prismaDefault+format, args...)
		return nil, false
	}
	expected := func(what string) (*Default, bool) {
		return prisma("Expected %s value, but found `%s`.", what, exprText(e))
	}
	if f.Kind == KindEnum {
		id, ok := e.(*Ident)
		if !ok {
			bad("the default of enum field %q must be one of the values of %s", f.Name, f.Type)
			return expected("an enum")
		}
		en := v.s.enumByName[f.Type]
		for _, val := range en.Values {
			if val.Name == id.Name {
				return &Default{Kind: DefaultEnum, Value: id.Name}, true
			}
		}
		bad("%q is not a value of enum %s", id.Name, f.Type)
		return prisma("The defined default value `%s` is not a valid value of the enum specified for the field.", id.Name)
	}
	if f.Kind == KindUnsupported {
		bad("Unsupported fields only accept dbgenerated() defaults")
		return prisma("Only @default(dbgenerated(\"...\")) can be used for Unsupported types.")
	}
	switch f.Type {
	case String, DateTime, Json, Bytes:
		s, ok := e.(*StringLit)
		if !ok {
			bad("the default of %s field %q must be a string", f.Type, f.Name)
			return expected("a " + f.Type)
		}
		switch f.Type {
		case DateTime:
			if _, err := time.Parse(time.RFC3339Nano, s.Value); err != nil {
				bad("%q is not an RFC 3339 date-time (like \"2024-01-02T03:04:05Z\")", s.Value)
				why := "input contains invalid characters"
				if dateStartRE.MatchString(s.Value) {
					why = "premature end of input"
				}
				prisma("Parse error: %q is not a valid rfc3339 datetime string. (%s)", s.Value, why)
				v.inPhase(phaseValidation)
				return nil, false
			}
		case Json:
			if why := jsonSyntaxError(s.Value); why != "" {
				bad("the default of Json field %q is not valid JSON (%s)", f.Name, why)
				prisma("Parse error: \"%s\" is not a valid JSON string. (%s)", s.Value, why)
				v.inPhase(phaseValidation)
				return nil, false
			}
		case Bytes:
			if _, err := base64.StdEncoding.DecodeString(s.Value); err != nil {
				bad("the default of Bytes field %q must be base64", f.Name)
				prisma("Parse error: %q is not a valid base64 string. (Could not convert from `base64 encoded bytes` to `PrismaValue::Bytes`)", s.Value)
				v.inPhase(phaseValidation)
				return nil, false
			}
		}
		return &Default{Kind: DefaultLiteral, Value: s.Value, IsString: true}, true
	case Int, BigInt:
		n, ok := e.(*NumberLit)
		if !ok {
			bad("the default of %s field %q must be an integer", f.Type, f.Name)
			return expected("a " + f.Type)
		}
		if _, err := strconv.ParseInt(n.Text, 10, 64); err != nil {
			bad("%s is not a valid %s", n.Text, f.Type)
			why := "invalid digit found in string"
			if errors.Is(err, strconv.ErrRange) {
				why = "number too large to fit in target type"
			}
			prisma("Parse error: %q is not a valid integer. (%s)", n.Text, why)
			v.inPhase(phaseValidation)
			return nil, false
		}
		return &Default{Kind: DefaultLiteral, Value: n.Text}, true
	case Float, Decimal:
		n, ok := e.(*NumberLit)
		if s, isStr := e.(*StringLit); isStr && f.Type == Decimal {
			// Prisma takes a Decimal default as a string too: "2.00".
			n, ok = &NumberLit{Pos: s.Pos, Text: s.Value}, decimalRE.MatchString(s.Value)
			if !ok {
				bad("%q is not a valid Decimal", s.Value)
				v.prisma(Pos{}, spanLine, "Error parsing attribute \"default\": Parse error: %q is not a valid decimal. (invalid digit found in string)", s.Value)
				v.inPhase(phaseValidation)
				return nil, false
			}
		}
		if !ok {
			bad("the default of %s field %q must be a number", f.Type, f.Name)
			return expected("a " + f.Type)
		}
		if _, err := strconv.ParseFloat(n.Text, 64); err != nil {
			return bad("%s is not a valid %s", n.Text, f.Type)
		}
		return &Default{Kind: DefaultLiteral, Value: n.Text}, true
	case Boolean:
		id, ok := e.(*Ident)
		if !ok || (id.Name != "true" && id.Name != "false") {
			bad("the default of Boolean field %q must be true or false", f.Name)
			if ok {
				return prisma("A boolean literal must be `true` or `false`.")
			}
			return expected("a Boolean")
		}
		return &Default{Kind: DefaultLiteral, Value: id.Name}, true
	}
	return bad("invalid default")
}

// exprText renders an expression compactly for diagnostics and the formatter.
func exprText(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

// extensions reads the datasource's extensions list (Prisma's
// postgresqlExtensions): names, or calls such as
// pg_trgm(schema: "ext", version: "1.6", map: "pg_trgm").
func (v *validator) extensions(p *Property) []*Extension {
	arr, ok := p.Value.(*ArrayExpr)
	if !ok {
		v.errAt(p.Pos, p.Key, "extensions must be a list such as [citext, pg_trgm(schema: \"public\")]")
		return nil
	}
	// Prisma reads the list as names and calls first: an element of
	// another kind stops it before any argument is read.
	for _, e := range arr.Elems {
		switch e.(type) {
		case *Ident, *FuncCall:
		default:
			v.errAt(e.At(), exprText(e), "an extension is a name or name(schema: ..., version: ..., map: ...)")
			v.prisma(p.Pos, spanLine, "Expected a constant or function value, but received %s value `%s`.", valueKind(e), exprText(e))
			return nil
		}
	}
	var out []*Extension
	for _, e := range arr.Elems {
		switch e := e.(type) {
		case *Ident:
			out = append(out, &Extension{Name: e.Name, DBName: e.Name})
		case *FuncCall:
			x := &Extension{Name: e.Name, DBName: e.Name}
			for _, a := range e.Args {
				s, isStr := a.Value.(*StringLit)
				if a.Name != "schema" && a.Name != "version" && a.Name != "map" {
					v.errAt(a.Pos, a.Name, "extension arguments are schema, version and map, each a string")
					v.prisma(p.Pos, spanLine, "Argument not known: %q.", a.Name)
					continue
				}
				if !isStr {
					v.errAt(a.Pos, a.Name, "the %s of an extension must be a string", a.Name)
					v.prisma(p.Pos, spanLine, "Expected a string value, but received %s value `%s`.", valueKind(a.Value), exprText(a.Value))
					// Prisma reports it twice: the value, then the argument.
					v.errAt(a.Pos, a.Name, "the %s argument of extension %q must be a string literal", a.Name, e.Name)
					v.prisma(p.Pos, spanLine, "Error validating: The `%s` argument must be a string literal", a.Name)
					continue
				}
				switch a.Name {
				case "schema":
					x.Schema = s.Value
				case "version":
					x.Version = s.Value
				case "map":
					x.DBName = s.Value
				}
			}
			out = append(out, x)
		}
	}
	return out
}

// valueKind is how Prisma names the kind of a value in its messages.
func valueKind(e Expr) string {
	switch e.(type) {
	case *StringLit:
		return "string"
	case *NumberLit:
		return "numeric"
	case *ArrayExpr:
		return "array"
	case *FuncCall:
		return "functional"
	case *ObjectExpr:
		return "object"
	}
	return "literal"
}

// needSchema reports a model, view or enum without @@schema in a
// datasource that lists its schemas, as Prisma does.
func (v *validator) needSchema(schema string, decl Decl, kind, name string) {
	if ds := v.s.Datasource; ds != nil && len(ds.Schemas) > 0 && schema == "" && !hasSchemaAttr(decl) {
		pos, namePos := declPos(decl)
		v.errAt(namePos, name, "%s %q needs @@schema(\"...\"): the datasource lists its schemas", kind, name)
		if kind == "enum" {
			v.prisma(pos, spanBlock, "This enum is missing an `@@schema` attribute.")
		} else {
			v.prisma(pos, spanBlock, "Error validating %s %q: This %s is missing an `@@schema` attribute.", kind, name, kind)
		}
		v.inPhase(phaseValidation)
		v.diags[len(v.diags)-1].prismaOrder = validationOrder(kind, namePos)
	}
}

// hasSchemaAttr reports whether a model, view or enum block has a
// @@schema attribute (an invalid one is reported on its own).
func hasSchemaAttr(d Decl) bool {
	var attrs []*Attribute
	switch d := d.(type) {
	case *ModelDecl:
		attrs = d.Attributes
	case *EnumDecl:
		attrs = d.Attributes
	}
	return slices.ContainsFunc(attrs, func(a *Attribute) bool { return a.Name == "schema" })
}

// declPos is where a model, view or enum block starts and where its name
// does.
func declPos(d Decl) (Pos, Pos) {
	switch d := d.(type) {
	case *ModelDecl:
		return d.Pos, d.NamePos
	case *EnumDecl:
		return d.Pos, d.NamePos
	}
	return Pos{}, Pos{}
}

// previewFeatures are the names Prisma 7 offers in previewFeatures for
// PostgreSQL; knownFeatures adds, lowercased, the ones it still accepts
// (generally available, renamed or dropped since).
var (
	previewFeatures = []string{"fullTextSearchPostgres", "nativeDistinct", "partialIndexes", "postgresqlExtensions", "relationJoins",
		"schemaEngineDriverAdapters", "shardKeys", "strictUndefinedChecks", "typedSql", "views"}
	knownFeatures = func() map[string]bool {
		out := map[string]bool{}
		for _, f := range append(strings.Fields(`aggregateApi atomicNumberOperations clientExtensions cockroachdb connectOrCreate
			createMany dataProxy deno distinct driverAdapters extendedIndexes extendedWhereUnique fieldReference filterJson
			filteredRelationCount fullTextIndex fullTextSearch groupBy improvedQueryRaw interactiveTransactions jsonProtocol
			microsoftSqlServer middlewares mongoDb multiSchema nApi namedConstraints nativeTypes omitApi orderByAggregateGroup
			orderByNulls orderByRelation prismaSchemaFolder queryCompiler reactNative referentialActions referentialIntegrity
			selectRelationCount tracing transactionApi uncheckedScalarInputs`), previewFeatures...) {
			out[strings.ToLower(f)] = true
		}
		return out
	}()
)

// previewFeatures reports the preview features Prisma 7 does not know.
func (v *validator) previewFeatures() {
	pg := v.s.Datasource != nil
	for _, g := range v.s.Generators {
		for _, f := range g.PreviewFeatures {
			if knownFeatures[strings.ToLower(f)] && (pg || !strings.EqualFold(f, "fullTextSearchPostgres")) {
				continue
			}
			offered := previewFeatures
			if !pg {
				offered = offered[1:]
			}
			v.errAt(g.previewAt, f, "unknown preview feature %q (Prisma 7 offers %s)", f, strings.Join(offered, ", "))
			v.prisma(Pos{}, spanLine, "The preview feature %q is not known. Expected one of: %s", f, strings.Join(offered, ", "))
		}
	}
}

// preview reports whether a generator enables the preview feature.
func (v *validator) preview(feature string) bool {
	for _, g := range v.s.Generators {
		if slices.Contains(g.PreviewFeatures, feature) {
			return true
		}
	}
	return false
}

// whereUsage is Prisma's example of the where: argument of a partial index.
const whereUsage = "e.g. `where: raw(\"status = 'active'\")` or `where: { active: true }`"

// indexWhere reads the where: argument of a partial index (@@index,
// @@unique or @unique) as Prisma 7 does: raw("...") SQL, or an object of
// conditions on scalar fields ({ active: true, deletedAt: null, status:
// { not: "x" } }), each checked against its field's type. Without the
// partialIndexes preview feature Prisma refuses it, after the attribute
// checks.
func (v *validator) indexWhere(m *Model, a *Attribute, arg *Arg) *IndexWhere {
	label := "@" + a.Name // Prisma's where checks name @@index as @index
	bad := func(format string, args ...any) *IndexWhere {
		msg := fmt.Sprintf(format, args...)
		v.errAt(arg.Pos, "where", "%s", msg)
		v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s\": %s", label, msg)
		return nil
	}
	var w *IndexWhere
	switch e := arg.Value.(type) {
	case *FuncCall:
		if e.Name != "raw" {
			return bad("The `where` argument must be either a raw() function call or an object literal, %s.", whereUsage)
		}
		var s *StringLit
		if len(e.Args) > 0 {
			var ok bool
			if s, ok = e.Args[0].Value.(*StringLit); !ok {
				v.errAt(arg.Pos, "where", "raw() takes a string")
				v.prisma(Pos{}, spanLine, "Expected a string value, but received %s value `%s`.", valueKind(e.Args[0].Value), exprText(e.Args[0].Value))
			}
		}
		if s == nil {
			return bad("The `where` argument must be a raw() function with a string argument, e.g. `where: raw(\"status = 'active'\")`.")
		}
		if s.Value == "" {
			return bad("The `where` argument cannot contain an empty string.")
		}
		w = &IndexWhere{Raw: s.Value}
	case *ObjectExpr:
		if len(e.Entries) == 0 {
			return bad("The `where` argument cannot be an empty object.")
		}
		w = &IndexWhere{}
		for _, ent := range e.Entries {
			c, msg := v.whereCond(m, ent)
			if msg != "" {
				return bad("%s", msg)
			}
			w.Conds = append(w.Conds, c)
		}
	default:
		v.errAt(arg.Pos, "where", "where must be raw(\"...\") or an object")
		v.prisma(Pos{}, spanLine, "Expected a function value, but received %s value `%s`.", valueKind(e), exprText(e))
		return bad("The `where` argument must be either a raw() function call or an object literal, %s.", whereUsage)
	}
	if !v.preview("partialIndexes") {
		prefix := "@"
		if a.Block {
			prefix = "@@"
		}
		v.errAttr(a, "partial indexes (where:) need the \"partialIndexes\" preview feature in a generator's previewFeatures")
		v.prisma(Pos{}, spanLine, "Error parsing attribute \"%s%s\": Partial indexes are a preview feature. Add \"partialIndexes\" to previewFeatures in your generator block.", prefix, a.Name)
		v.inPhase(phaseValidation)
		if a.Block {
			v.previewDiags = append(v.previewDiags, v.diags[len(v.diags)-1])
		}
	}
	return w
}

// whereCond reads one key: value of a where object, or words Prisma's
// refusal of it.
func (v *validator) whereCond(m *Model, ent *Arg) (WhereCond, string) {
	c := WhereCond{Field: ent.Name}
	// The model's fields as declared: a field's own @unique(where:) may
	// name fields declared after it.
	var f *Field
	for _, fd := range m.Decl.Fields {
		if fd.Name == ent.Name && f == nil {
			f = &Field{Name: fd.Name, Type: fd.Type.Name, Kind: KindScalar}
			switch {
			case fd.Type.Unsupported != "" || fd.Type.Name == "Unsupported":
				f.Kind = KindUnsupported
			case v.s.enumByName[fd.Type.Name] != nil:
				f.Kind = KindEnum
			case v.s.modelByName[fd.Type.Name] != nil:
				f.Kind = KindRelation
			}
		}
	}
	switch {
	case f == nil:
		return c, fmt.Sprintf("Field '%s' does not exist in model '%s'.", ent.Name, m.Name)
	case f.Kind == KindRelation:
		return c, fmt.Sprintf("Field '%s' is a relation field. Only scalar fields can be used in the where clause.", ent.Name)
	}
	val := ent.Value
	if o, ok := val.(*ObjectExpr); ok {
		if len(o.Entries) != 1 {
			return c, "Nested object in where clause must have exactly one key. Use `{ not: null }` or `{ not: \"value\" }`."
		}
		if k := o.Entries[0].Name; k != "not" {
			return c, fmt.Sprintf("Unknown key '%s' in nested where clause object. Only 'not' is supported.", k)
		}
		c.Not, val = true, o.Entries[0].Value
	}
	kind := ""
	switch x := val.(type) {
	case *Ident:
		switch x.Name {
		case "true", "false":
			kind, c.Value = "Boolean", x.Name
		case "null":
			kind, c.Value = "null", "NULL"
		default:
			return c, fmt.Sprintf("Invalid value '%s' in where clause. Expected true, false, null, a string, a number, or an object like { not: null }.", x.Name)
		}
	case *StringLit:
		kind, c.Value = "a String", "'"+strings.ReplaceAll(x.Value, "'", "''")+"'"
	case *NumberLit:
		kind, c.Value = "a Number", x.Text
	default:
		return c, "Invalid value in where clause. Expected true, false, null, a string, a number, or an object like { not: null }."
	}
	switch {
	case kind == "null":
		return c, ""
	case f.Kind == KindUnsupported:
		return c, fmt.Sprintf("Field '%s' is an unsupported type and cannot be used in the object syntax of a where clause. Use raw() instead.", ent.Name)
	case f.Kind == KindEnum:
		if kind != "a String" {
			return c, fmt.Sprintf("Type mismatch: field '%s' is an Enum and only accepts String values in the where clause.", ent.Name)
		}
		return c, ""
	}
	accepts := map[string]string{String: "a String", DateTime: "a String", Boolean: "Boolean", Int: "a Number",
		BigInt: "a Number", Float: "a Number", Decimal: "a Number"}
	if accepts[f.Type] != kind {
		return c, fmt.Sprintf("Type mismatch: field '%s' is of type %s, but the value is %s.", ent.Name, f.Type, kind)
	}
	return c, ""
}

// previewOrder lists the partial-index preview refusals of a model's
// block attributes as Prisma checks its indexes: every @@index, then
// every @@unique.
func (v *validator) previewOrder() {
	ds := v.previewDiags
	v.previewDiags = nil
	slots := make([]Pos, len(ds))
	for i, d := range ds {
		slots[i] = d.Pos
	}
	sort.SliceStable(ds, func(i, j int) bool {
		return ds[i].Text == "@@index" && ds[j].Text != "@@index"
	})
	for i, d := range ds {
		d.prismaOrder = slots[i]
	}
}

// schemaArg returns the argument of @@schema, which Prisma names map, after
// reporting a missing one and unknown ones in Prisma's order.
func (v *validator) schemaArg(a *Attribute) *Arg {
	arg := a.Arg("map", 0)
	if arg == nil {
		v.errAttr(a, "@@schema needs a schema name")
		v.prisma(Pos{}, spanLine, "Argument \"map\" is missing.")
	}
	v.checkArgs(a, []string{"map"})
	return arg
}
