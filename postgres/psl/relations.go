package psl

import (
	"slices"
	"sort"
	"strings"
)

var referentialActions = map[string]bool{Cascade: true, Restrict: true, NoAction: true, SetNull: true, SetDefault: true}

// relationAttr reads @relation on a relation field into a relInfo.
func (v *validator) relationAttr(m *Model, f *Field, a *Attribute) {
	r := &relInfo{model: m, field: f, pos: f.Pos}
	v.rels = append(v.rels, r)
	if a == nil {
		return
	}
	r.pos = a.Pos
	v.checkArgs(a, []string{"name"}, "fields", "references", "onDelete", "onUpdate", "map")
	if arg := a.Arg("name", 0); arg != nil {
		if s, ok := arg.Value.(*StringLit); ok && s.Value == "" {
			v.errAt(arg.Pos, "", "a relation name must not be empty")
			v.prisma(Pos{}, spanLine, "Error parsing attribute \"@relation\": A relation cannot have an empty name.")
		} else if s, ok := v.stringArg(a, arg, "a relation name"); ok {
			r.name, r.named = s, true
		}
	}
	list := func(name string) ([]string, bool) {
		arg := a.Arg(name, -1)
		if arg == nil {
			return nil, false
		}
		arr, ok := asList(arg.Value)
		if !ok {
			v.errAt(arg.Pos, name, "%s of @relation must be a list of field names", name)
			return nil, true
		}
		var out []string
		for _, e := range arr.Elems {
			id, ok := e.(*Ident)
			if !ok {
				v.errAt(e.At(), exprText(e), "%s of @relation must be a list of field names", name)
				continue
			}
			out = append(out, id.Name)
		}
		return out, true
	}
	r.fields, r.hasFld = list("fields")
	r.refs, r.hasRef = list("references")
	action := func(name string) string {
		arg := a.Arg(name, -1)
		if arg == nil {
			return ""
		}
		id, ok := arg.Value.(*Ident)
		if !ok || !referentialActions[id.Name] {
			v.errAt(arg.Pos, exprText(arg.Value), "%s must be one of Cascade, Restrict, NoAction, SetNull, SetDefault", name)
			v.prisma(Pos{}, spanLine, prismaRelation+"Invalid referential action: `%s`", exprText(arg.Value))
			return ""
		}
		return id.Name
	}
	r.onDel, r.onUpd = action("onDelete"), action("onUpdate")
	r.fkMap = v.optString(a, "map")
}

// relationName is Prisma's generated name: both model names sorted and
// joined by "To".
func relationName(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "To" + b
}

// ambiguity words the last diagnostic, about the relation fields names of
// r's model that all point to target, as Prisma does.
func (v *validator) ambiguity(r *relInfo, names []string, target *Model) {
	v.inPhase(phaseAmbiguity)
	list := "`" + strings.Join(names[:len(names)-1], "`, `") + "` and `" + names[len(names)-1] + "`"
	switch {
	case target == r.model && !r.named && len(names) == 2:
		v.prisma(Pos{}, spanNextLine, "Error validating model %q: Ambiguous self relation detected. The fields %s in model `%s` both refer to `%s`. If they are part of the same relation add the same relation name for them with `@relation(<name>)`.",
			r.model.Name, list, r.model.Name, r.model.Name)
	case target == r.model && r.named:
		v.prisma(Pos{}, spanNextLine, "Error validating model %q: Wrongly named self relation detected. The fields %s in model `%s` have the same relation name. At most two relation fields can belong to the same relation and therefore have the same name. Please assign a different relation name to one of them.",
			r.model.Name, list, r.model.Name)
	case target == r.model && !r.named:
		v.prisma(Pos{}, spanNextLine, "Error validating model %q: Unnamed self relation detected. The fields %s in model `%s` have no relation name. Please provide a relation name for one of them by adding `@relation(<name>).",
			r.model.Name, list, r.model.Name)
	case r.named:
		v.prisma(Pos{}, spanNextLine, "Error validating model %q: Wrongly named relation detected. The fields %s in model `%s` both use the same relation name. Please provide different relation names for them through `@relation(<name>).",
			r.model.Name, list, r.model.Name)
	default:
		v.prisma(Pos{}, spanNextLine, "Error validating model %q: Ambiguous relation detected. The fields %s in model `%s` both refer to `%s`. Please provide different relation names for them by adding `@relation(<name>).",
			r.model.Name, list, r.model.Name, target.Name)
	}
}

// prismaRelation starts Prisma's wording of an invalid @relation.
const prismaRelation = "Error parsing attribute \"@relation\": "

// missingFieldsReferences reports an owning side of a relation without
// fields or references (or with both lists empty), once for each, as
// Prisma does.
func (v *validator) missingFieldsReferences(owner *relInfo) {
	if !owner.hasFld || len(owner.fields) == 0 && len(owner.refs) == 0 {
		v.errAt(owner.pos, owner.field.Name, "relation field %q on model %q must specify fields in @relation", owner.field.Name, owner.model.Name)
		v.prisma(owner.field.Pos, spanNextLine, prismaRelation+"The relation field `%s` on Model `%s` must specify the `fields` argument in the @relation attribute. You can run `prisma format` to fix this automatically.", owner.field.Name, owner.model.Name)
	}
	if !owner.hasRef || len(owner.fields) == 0 && len(owner.refs) == 0 {
		v.errAt(owner.pos, owner.field.Name, "relation field %q on model %q must specify references in @relation", owner.field.Name, owner.model.Name)
		v.prisma(owner.field.Pos, spanNextLine, prismaRelation+"The relation field `%s` on Model `%s` must specify the `references` argument in the @relation attribute.", owner.field.Name, owner.model.Name)
	}
}

// forward returns the two sides of a relation in Prisma's order: the
// field of the model whose name sorts first, or of a self-relation the
// field whose name sorts first, is the forward one.
func forward(a, b *relInfo) (*relInfo, *relInfo) {
	if b.model.Name < a.model.Name || a.model == b.model && b.field.Name < a.field.Name {
		return b, a
	}
	return a, b
}

// connectorName is how Prisma names the connector in its messages.
func (v *validator) connectorName() string {
	if v.s.Datasource == nil {
		return "psl_core::datamodel_connector::empty_connector::EmptyDatamodelConnector"
	}
	return "Postgres"
}

// oneToOneArg is an argument of @relation oneToOneSides checks, and
// whether both sides give it.
type oneToOneArg struct {
	key  string
	both bool
}

// oneToOneSides reports a one-to-one relation whose two sides both define
// fields and references (both), or neither does, as Prisma does: for the
// fields and for the references, at each field, forward side first.
func (v *validator) oneToOneSides(a, b *relInfo, name string, both bool) {
	fwd, back := forward(a, b)
	args := []oneToOneArg{{"fields", fwd.hasFld && back.hasFld}, {"references", fwd.hasRef && back.hasRef}}
	if both {
		args[0], args[1] = args[1], args[0]
	}
	n := 0
	sides := [][2]*relInfo{{fwd, back}}
	if both && fwd.model == back.model {
		// Prisma walks a self-relation from each of its fields.
		sides = append(sides, [2]*relInfo{back, fwd})
	}
	for _, side := range sides {
		fwd, back := side[0], side[1]
		n += v.oneToOneArgs(fwd, back, name, both, args)
	}
	v.orderAt(fwd.field.Pos, n)
}

// oneToOneArgs reports, for oneToOneSides, the arguments given on both
// sides or on neither of a one-to-one relation walked from fwd; it
// returns how many problems it reported.
func (v *validator) oneToOneArgs(fwd, back *relInfo, name string, both bool, args []oneToOneArg) int {
	n := 0
	for _, ar := range args {
		if both && !ar.both {
			continue
		}
		for _, pair := range [][2]*relInfo{{fwd, back}, {back, fwd}} {
			r, o := pair[0], pair[1]
			n++
			if both {
				v.errAt(r.field.Pos, r.field.Name, "one-to-one relation %q gives %s on both sides (%q in model %q too); keep them only on the side that holds the foreign key",
					name, ar.key, o.field.Name, o.model.Name)
				v.prisma(Pos{}, spanNextLine, prismaRelation+"The relation fields `%s` on Model `%s` and `%s` on Model `%s` both provide the `%s` argument in the @relation attribute. You have to provide it only on one of the two fields.",
					fwd.field.Name, fwd.model.Name, back.field.Name, back.model.Name, ar.key)
				continue
			}
			v.errAt(r.field.Pos, r.field.Name, "one-to-one relation %q gives %s on neither side (nor %q in model %q); give them on the side that holds the foreign key",
				name, ar.key, o.field.Name, o.model.Name)
			v.prisma(Pos{}, spanNextLine, prismaRelation+"The relation fields `%s` on Model `%s` and `%s` on Model `%s` do not provide the `%s` argument in the @relation attribute. You have to provide it on one of the two fields.",
				r.field.Name, r.model.Name, o.field.Name, o.model.Name, ar.key)
		}
	}
	return n
}

// unknownFields reports the fields of @relation that the model does not
// have, before relations are paired, as Prisma does.
func (v *validator) unknownFields() {
	for _, r := range v.rels {
		var unknown []string
		for _, name := range r.fields {
			if r.model.byName[name] == nil {
				v.errAt(r.pos, name, "@relation on %q refers to unknown field %q in model %q", r.field.Name, name, r.model.Name)
				unknown = append(unknown, name)
			}
		}
		if len(unknown) > 0 {
			v.prisma(Pos{}, spanLine, "Error validating: The argument fields must refer only to existing fields. The following fields do not exist in this model: %s", strings.Join(unknown, ", "))
			for i := range unknown[1:] {
				v.diags[len(v.diags)-2-i].phase = phaseHidden // one Prisma error for them all
			}
		}
	}
}

// relations pairs the two sides of every relation and checks them.
func (v *validator) relations() {
	v.unknownFields()
	v.phase = phaseValidation
	for _, r := range v.rels {
		if to := v.s.modelByName[r.field.Type]; to != nil && to.Ignored && !r.model.Ignored && !r.field.Ignored {
			v.errAt(r.field.Pos, r.field.Name, "relation field %q points to the ignored model %q; mark it @ignore too", r.field.Name, to.Name)
			v.prisma(Pos{}, spanNextLine, "Error parsing attribute \"@ignore\": The relation field `%s` on Model `%s` must specify the `@ignore` attribute, because the model %s it is pointing to is marked ignored.",
				r.field.Name, r.model.Name, to.Name)
		}
	}
	for _, r := range v.rels {
		if r.paired {
			continue
		}
		target := v.s.modelByName[r.field.Type]
		var same, opposite []*relInfo
		for _, o := range v.rels {
			if o.paired || o.model != target || o.field.Type != r.model.Name || o.name != r.name {
				continue
			}
			if o == r {
				continue
			}
			opposite = append(opposite, o)
		}
		if target != r.model {
			for _, o := range v.rels {
				if o.model == r.model && o.field.Type == r.field.Type && o.name == r.name {
					same = append(same, o)
				}
			}
			if len(same) > 1 {
				names := make([]string, len(same))
				for i, o := range same {
					names[i] = o.field.Name
					o.paired = true
				}
				for _, o := range opposite {
					o.paired = true // Prisma reports the relation once
				}
				v.errAt(r.field.Pos, r.field.Name, "ambiguous relation: fields %s in model %q all refer to %q; give each relation a different name with @relation(\"...\")",
					strings.Join(names, ", "), r.model.Name, target.Name)
				v.ambiguity(r, names, target)
				continue
			}
		}
		switch {
		case len(opposite) == 0:
			r.paired = true
			v.errAt(r.field.Pos, r.field.Name, "relation field %q on model %q is missing an opposite relation field on model %q",
				r.field.Name, r.model.Name, target.Name)
			v.prisma(Pos{}, spanNextLine, "Error validating field `%s` in model `%s`: The relation field `%s` on model `%s` is missing an opposite relation field on the model `%s`. Either run `prisma format` or add it manually.",
				r.field.Name, r.model.Name, r.field.Name, r.model.Name, target.Name)
			r.laterDiags = append(r.laterDiags, v.diags[len(v.diags)-1])
			continue
		case len(opposite) > 1:
			r.paired = true
			names := []string{r.field.Name}
			for _, o := range opposite {
				o.paired = true
				names = append(names, o.field.Name)
			}
			if target == r.model {
				v.errAt(r.field.Pos, r.field.Name, "ambiguous relation: fields %s in model %q refer to each other; give each relation a different name with @relation(\"...\")",
					strings.Join(names, ", "), target.Name)
				v.ambiguity(r, names, target)
				continue
			}
			names = names[1:]
			first := opposite[0]
			v.errAt(first.field.Pos, first.field.Name, "ambiguous relation: fields %s in model %q all refer to %q; give each relation a different name with @relation(\"...\")",
				strings.Join(names, ", "), target.Name, r.model.Name)
			v.ambiguity(first, names, r.model)
			continue
		}
		o := opposite[0]
		r.paired, o.paired = true, true
		if target == r.model && !r.named {
			// Prisma wants a name on every self relation.
			v.errAt(r.field.Pos, r.field.Name, "self relation fields %s and %s in model %q need a relation name: add the same @relation(\"...\") to both", r.field.Name, o.field.Name, target.Name)
			v.ambiguity(r, []string{r.field.Name, o.field.Name}, target)
			continue
		}
		v.pair(r, o)
	}
}

func (v *validator) pair(a, b *relInfo) {
	name := a.name
	if !a.named {
		name = relationName(a.model.Name, b.model.Name)
	}
	ra := &Relation{Name: name, Explicit: a.named, To: b.model, Back: b.field}
	rb := &Relation{Name: name, Explicit: a.named, To: a.model, Back: a.field}
	a.field.Relation, b.field.Relation = ra, rb
	fa, fb := a.field, b.field
	switch {
	case fa.List && fb.List:
		ra.Kind, rb.Kind = ManyToMany, ManyToMany
		embedded := func(r *relInfo) bool { return r.hasFld || r.hasRef || r.onDel != "" || r.onUpd != "" }
		keys := func(r *relInfo) bool { return r.hasFld || r.hasRef }
		if !keys(a) && !keys(b) && (embedded(a) || embedded(b)) {
			fwd, back := forward(a, b)
			for _, r := range []*relInfo{fwd, back} {
				if embedded(r) {
					v.errAt(r.pos, r.field.Name, "implicit many-to-many relation field %q cannot set onDelete or onUpdate; use an explicit join model for that", r.field.Name)
					v.prisma(Pos{}, spanLine, "Error validating: Referential actions on implicit many-to-many relations are not supported")
				}
			}
		} else if embedded(a) || embedded(b) {
			// Prisma reports both fields of the relation, the forward one
			// first.
			fwd, back := forward(a, b)
			for _, r := range []*relInfo{fwd, back} {
				if embedded(r) {
					v.errAt(r.pos, r.field.Name, "implicit many-to-many relation field %q must not set fields, references, onDelete or onUpdate; use an explicit join model for that", r.field.Name)
				} else {
					v.errAt(r.field.Pos, r.field.Name, "implicit many-to-many relation field %q is paired with a field that sets fields, references, onDelete or onUpdate", r.field.Name)
				}
				v.prisma(Pos{}, spanNextLine, "Error validating: Embedded many-to-many relations are not supported on %s. Please use the syntax defined in https://pris.ly/d/relational-database-many-to-many", v.connectorName())
			}
			v.orderAt(fwd.field.Pos, 2)
		}
		for _, r := range []*relInfo{b, a} {
			// Prisma names the field whose target has no single-field @id.
			m := r.field.Relation.To
			if m.PrimaryKey == nil || len(m.PrimaryKey.Fields) != 1 {
				v.errAt(r.field.Pos, r.field.Name, "implicit many-to-many relation %q needs model %q to have a single-field @id", name, m.Name)
				v.prisma(Pos{}, spanNextLine, "Error validating field `%s` in model `%s`: The relation field `%s` on model `%s` references `%s` which does not have an `@id` field. Models without `@id` cannot be part of a many to many relation. Use an explicit intermediate Model to represent this relationship.",
					r.field.Name, r.model.Name, r.field.Name, r.model.Name, m.Name)
				return
			}
		}
		return
	case fa.List || fb.List:
		owner, list := a, b
		if fa.List {
			owner, list = b, a
		}
		owner.field.Relation.Kind, list.field.Relation.Kind = ManyToOne, OneToMany
		if list.hasFld || list.hasRef {
			v.errAt(list.pos, list.field.Name, "relation field %q is a list and cannot define fields/references; define them on %q in model %q",
				list.field.Name, owner.field.Name, owner.model.Name)
			v.prisma(Pos{}, spanNextLine, prismaRelation+"The relation field `%s` on Model `%s` must not specify the `fields` or `references` argument in the @relation attribute. You must only specify it on the opposite field `%s` on model `%s`.",
				list.field.Name, list.model.Name, owner.field.Name, owner.model.Name)
		}
		if list.onDel != "" || list.onUpd != "" {
			v.errAt(list.pos, list.field.Name, "onDelete and onUpdate belong on the side that defines fields/references (%q in model %q)", owner.field.Name, owner.model.Name)
			v.prisma(Pos{}, spanNextLine, prismaRelation+"The relation field `%s` on Model `%s` must not specify the `onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the opposite field `%s` on model `%s`, or in case of a many to many relation, in an explicit join table.",
				list.field.Name, list.model.Name, owner.field.Name, owner.model.Name)
		}
		// Empty lists count as missing ones.
		if !owner.hasFld || !owner.hasRef || len(owner.fields) == 0 && len(owner.refs) == 0 {
			v.missingFieldsReferences(owner)
			return
		}
		v.owner(owner)
	default:
		ra.Kind, rb.Kind = OneToOne, OneToOne
		aDef, bDef := a.hasFld || a.hasRef, b.hasFld || b.hasRef
		switch {
		case aDef && bDef:
			v.oneToOneSides(a, b, name, true)
			// Prisma then checks the forward side as the defining one.
			if fwd, _ := forward(a, b); fwd.hasFld && fwd.hasRef && len(fwd.fields) > 0 && !isUniqueSet(fwd.model, fwd.fields) {
				v.notUniqueOneToOne(fwd, name)
			}
			return
		case !aDef && !bDef:
			v.oneToOneSides(a, b, name, false)
			return
		}
		owner, other := a, b
		if bDef {
			owner, other = b, a
		}
		if other.onDel != "" || other.onUpd != "" {
			v.errAt(other.pos, other.field.Name, "onDelete and onUpdate belong on the side that defines fields/references (%q in model %q)", owner.field.Name, owner.model.Name)
		}
		if !v.owner(owner) {
			return
		}
		if !isUniqueSet(owner.model, owner.fields) {
			// Prisma says only this, whether the other side is optional or not.
			v.notUniqueOneToOne(owner, name)
			return
		}
		if !other.field.Optional {
			v.errAt(other.field.Pos, other.field.Name, "relation field %q must be optional: the side of a one-to-one relation without the foreign key is optional", other.field.Name)
			v.prisma(Pos{}, spanNextLine, prismaRelation+"The relation field `%s` on Model `%s` is required. This is not valid because it's not possible to enforce this constraint on the database level. Please change the field type from `%s` to `%s?` to fix this.",
				other.field.Name, other.model.Name, other.field.Type, other.field.Type)
		}
	}
}

// owner checks the fields/references of the owning side and fills in the
// effective referential actions. It reports whether they were valid.
func (v *validator) owner(r *relInfo) bool {
	f, target := r.field, v.s.modelByName[r.field.Type]
	rel := f.Relation
	rel.Owner = true
	rel.Fields, rel.References, rel.Map = r.fields, r.refs, r.fkMap
	ok := true
	if !r.hasFld || !r.hasRef {
		v.errAt(r.pos, f.Name, "@relation on %q needs both fields and references", f.Name)
		return false
	}
	if len(r.fields) == 0 || len(r.fields) != len(r.refs) {
		if len(r.refs) > 0 && !isUniqueSet(target, r.refs) {
			v.referencesNotUnique(r, target) // Prisma says this first
		}
		v.errAt(r.pos, f.Name, "@relation on %q has %d field(s) and %d reference(s); they must match one to one", f.Name, len(r.fields), len(r.refs))
		v.prisma(Pos{}, spanLine, "Error validating: You must specify the same number of fields in `fields` and `references`.")
		return false
	}
	anyOptional, complete := false, true
	for i, name := range r.fields {
		fld := r.model.byName[name]
		ref := target.byName[r.refs[i]]
		switch {
		case fld == nil:
			ok, complete = false, false // reported by unknownFields
			continue
		case fld.Kind == KindRelation:
			v.errAt(r.pos, name, "fields of @relation on %q must be scalar fields; %q is a relation", f.Name, name)
			ok, complete = false, false
			continue
		case ref == nil:
			v.errAt(r.pos, r.refs[i], "@relation on %q references unknown field %q in model %q", f.Name, r.refs[i], target.Name)
			v.prisma(Pos{}, spanLine, "Error validating: The argument `references` must refer only to existing fields in the related model `%s`. The following fields do not exist in the related model: %s", target.Name, r.refs[i])
			ok, complete = false, false
			continue
		case ref.Kind == KindRelation:
			v.errAt(r.pos, r.refs[i], "references of @relation on %q must be scalar fields; %q is a relation", f.Name, r.refs[i])
			ok, complete = false, false
			continue
		case fld.Type != ref.Type || fld.List || ref.List:
			typeOf := func(f *Field) string {
				if f.List {
					return f.Type + "[]"
				}
				return f.Type
			}
			v.errAt(r.pos, name, "field %q (%s) and referenced field %s.%s (%s) must have the same type", name, typeOf(fld), target.Name, ref.Name, typeOf(ref))
			v.prisma(Pos{}, spanNextLine, prismaRelation+"The type of the field `%s` in the model `%s` is not matching the type of the referenced field `%s` in model `%s`.", name, r.model.Name, ref.Name, target.Name)
			ok = false
		}
		if fld.Optional {
			anyOptional = true
		}
	}
	if complete {
		v.inline = append(v.inline, r)
	}
	if !ok {
		return false
	}
	if !isUniqueSet(target, r.refs) {
		v.referencesNotUnique(r, target)
		ok = false
	}
	if anyOptional && !f.Optional {
		v.errAt(f.Pos, f.Name, "relation field %q must be optional because its scalar field(s) %s are optional", f.Name, strings.Join(r.fields, ", "))
		v.prisma(Pos{}, spanNextLine, "Error validating: The relation field `%s` uses the scalar fields %s. At least one of those fields is optional. Hence the relation field must be optional as well.", f.Name, strings.Join(r.fields, ", "))
		ok = false
	}
	rel.OnDelete, rel.OnDeleteExplicit = r.onDel, r.onDel != ""
	rel.OnUpdate, rel.OnUpdateExplicit = r.onUpd, r.onUpd != ""
	if rel.OnDelete == "" {
		// Prisma's default: SetNull when every foreign key column may be
		// NULL, Restrict otherwise (whatever the relation field says).
		rel.OnDelete = Restrict
		if len(r.fields) > 0 && allOptional(r.model, r.fields) {
			rel.OnDelete = SetNull
		}
	}
	if rel.OnUpdate == "" {
		rel.OnUpdate = Cascade
	}
	// With foreign keys Prisma 7 accepts SetNull on a required column (the
	// database then refuses the delete or update); with relationMode =
	// "prisma" it rejects it, once per action.
	if ds := v.s.Datasource; ds != nil && ds.RelationMode == "prisma" {
		for _, act := range []string{r.onDel, r.onUpd} {
			if act == "SetDefault" {
				v.errAt(r.pos, f.Name, "the SetDefault referential action is not available with relationMode = \"prisma\" (use Cascade, Restrict or SetNull)")
				v.prisma(Pos{}, spanLine, "Error validating: Invalid referential action: `SetDefault`. Allowed values: (`Cascade`, `Restrict`, `SetNull`)")
				v.inPhase(phaseValidation)
				ok = false
			}
			if act == NoAction {
				v.errAt(r.pos, f.Name, "the NoAction referential action is not available on PostgreSQL with relationMode = \"prisma\" (use Restrict)")
				v.prisma(Pos{}, spanLine, "Error validating: Invalid referential action: `NoAction`. Allowed values: (`Cascade`, `Restrict`, `SetNull`). `NoAction` is not implemented for Postgres when using `relationMode = \"prisma\"`, you could try using `Restrict` instead. Learn more at https://pris.ly/d/relation-mode")
				v.inPhase(phaseValidation)
				ok = false
			}
		}
		for _, a := range []struct{ name, act string }{{"onDelete", r.onDel}, {"onUpdate", r.onUpd}} {
			if a.act == SetNull && !allOptional(r.model, r.fields) {
				v.errAt(r.pos, f.Name, "the `%s` referential action of a relation must not be set to `SetNull` when a referenced field is required (relationMode = \"prisma\"); choose another referential action, or make the referenced fields optional", a.name)
				v.prisma(Pos{}, spanNextLine, prismaRelation+"The `%s` referential action of a relation must not be set to `SetNull` when a referenced field is required.\nEither choose another referential action, or make the referenced fields optional.\n", a.name)
				r.laterDiags = append(r.laterDiags, v.diags[len(v.diags)-1])
				ok = false
			}
		}
	}
	return ok
}

// blockAttrPos is where m's first @@name attribute starts, or m's name
// when it has none.
func blockAttrPos(m *Model, name string) Pos {
	for _, a := range m.Decl.Attributes {
		if a.Name == name {
			return a.Pos
		}
	}
	return m.Decl.NamePos
}

// pkAttr is where m's primary key is declared: its @@id, or the @id of
// its field.
func pkAttr(m *Model) (Pos, string) {
	for _, a := range m.Decl.Attributes {
		if a.Name == "id" {
			return a.Pos, "@@id"
		}
	}
	for _, f := range m.Decl.Fields {
		for _, a := range f.Attributes {
			if a.Name == "id" {
				return a.Pos, "@id"
			}
		}
	}
	return m.Decl.NamePos, "@id"
}

// referencesNotUnique reports references that are not a unique criterion
// of the target model.
func (v *validator) referencesNotUnique(r *relInfo, target *Model) {
	v.errAt(r.pos, r.field.Name, "references of @relation on %q must be the primary key or a unique field set of model %q", r.field.Name, target.Name)
	add := "an `@unique` attribute to the field `" + r.refs[0] + "` in the model `" + target.Name + "`"
	if len(r.refs) > 1 {
		add = "an `@@unique([" + strings.Join(r.refs, ", ") + "])` attribute to the model `" + target.Name + "`"
	}
	v.prisma(Pos{}, spanNextLine, prismaRelation+"The argument `references` must refer to a unique criterion in the related model. Consider adding %s.", add)
}

// isUniqueSet reports whether names are exactly the primary key or one unique of m.
func isUniqueSet(m *Model, names []string) bool {
	eq := func(a []string) bool {
		if len(a) != len(names) {
			return false
		}
		x, y := append([]string(nil), a...), append([]string(nil), names...)
		sort.Strings(x)
		sort.Strings(y)
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	if m.PrimaryKey != nil && eq(m.PrimaryKey.Fields) {
		return true
	}
	for _, u := range m.Uniques {
		if eq(u.FieldNames()) {
			return true
		}
	}
	return false
}

// joinTables creates the implicit many-to-many join tables.
func (v *validator) joinTables() {
	if len(v.diags) > 0 {
		return
	}
	done := map[*Relation]bool{}
	for _, m := range v.s.Models {
		for _, f := range m.Fields {
			r := f.Relation
			if r == nil || r.Kind != ManyToMany || done[r] {
				continue
			}
			back := r.Back
			done[r], done[back.Relation] = true, true
			a, b := f, back
			am, bm := m, r.To
			// Column A references the model whose name sorts first; for a
			// self-relation, the field whose name sorts first.
			if bm.Name < am.Name || (am == bm && b.Name < a.Name) {
				a, b, am, bm = b, a, bm, am
			}
			jt := &JoinTable{Name: "_" + r.Name, RelationName: r.Name, A: am, B: bm, AField: a, BField: b, Schema: am.Schema}
			r.JoinTable, back.Relation.JoinTable = jt, jt
			v.s.JoinTables = append(v.s.JoinTables, jt)
		}
	}
}

// fieldColumns checks the column names of model m as Prisma does, field by
// field in their order: a @map name taken by an earlier @map, or the
// name of a scalar field whose own @map is not read yet (or that has
// none), is a duplicate field at the field with the @map. That catches
// every column two fields share, and refuses a few schemas whose columns
// differ (a @map to the name of a field declared later with a @map).
func (v *validator) fieldColumns(m *Model) {
	mapped := map[string]string{}
	visited := map[string]bool{}
	clash := func(f *Field, format string, args ...any) {
		v.errAt(f.Pos, f.Name, format, args...)
		v.prisma(Pos{}, spanNextLine, "Field %q is already defined on model %q.", f.Name, m.Name)
		v.inPhase(phaseNames)
	}
	for _, f := range m.Fields {
		if f.Kind == KindRelation || !slices.ContainsFunc(f.Decl.Attributes, func(a *Attribute) bool { return a.Name == "map" }) {
			continue
		}
		visited[f.Name] = true
		if prev, ok := mapped[f.DBName]; ok {
			clash(f, "fields %q and %q of model %q both map to column %q", prev, f.Name, m.Name, f.DBName)
		}
		mapped[f.DBName] = f.Name
		if g := m.byName[f.DBName]; g != nil && g.Kind != KindRelation && !visited[g.Name] {
			if g.DBName == f.DBName {
				clash(f, "fields %q and %q of model %q both map to column %q", g.Name, f.Name, m.Name, f.DBName)
			} else {
				clash(f, "field %q maps to %q, the name of field %q whose @map comes after it (Prisma refuses it: move the @map of %q first)", f.Name, f.DBName, g.Name, g.Name)
			}
		}
	}
}

// dbNames checks that database names do not collide.
func (v *validator) dbNames() {
	v.constraintNames()
	tables := map[string]string{}
	for _, m := range v.s.Models {
		if m.IsView {
			continue
		}
		key := m.Schema + "." + m.DBName
		if prev, ok := tables[key]; ok {
			v.errAt(m.Decl.NamePos, m.Name, "models %q and %q both map to table %q", prev, m.Name, m.DBName)
			v.prisma(blockAttrPos(m, "map"), spanLine, "The model with database name %q could not be defined because another model or view with this name exists: %q", m.DBName, prev)
			v.inPhase(phaseValidation)
			// Prisma checks the table names before anything else.
			v.diags[len(v.diags)-1].prismaOrder = Pos{Line: 1, Offset: -relationLoopBase + m.Decl.Pos.Offset}
		}
		tables[key] = m.Name
		v.fieldColumns(m)
	}
	for _, jt := range v.s.JoinTables {
		key := jt.Schema + "." + jt.Name
		if prev, ok := tables[key]; ok {
			v.errAt(jt.AField.Pos, jt.AField.Name, "the join table %q of relation %q collides with model %q", jt.Name, jt.RelationName, prev)
		}
		tables[key] = jt.Name
	}
	enums := map[string]string{}
	for _, e := range v.s.Enums {
		key := e.Schema + "." + e.DBName
		if prev, ok := enums[key]; ok {
			v.errAt(e.Decl.NamePos, e.Name, "enums %q and %q both map to type %q", prev, e.Name, e.DBName)
			v.prisma(e.Decl.Pos, spanBlock, "An enum with the same database name is already defined.")
			v.inPhase(phaseValidation)
			// Prisma checks the enums after the models, before the relations.
			v.diags[len(v.diags)-1].prismaOrder = Pos{Line: 1, Offset: relationLoopBase - 1<<32 + e.Decl.Pos.Offset}
		}
		enums[key] = e.Name
	}
}

// allOptional reports whether every named scalar field of m is optional.
func allOptional(m *Model, names []string) bool {
	for _, n := range names {
		if f := m.byName[n]; f == nil || !f.Optional {
			return false
		}
	}
	return true
}

// asList returns e as a list: a bare value (a field name, a call such as
// email(sort: Desc)) is a list of one, as in Prisma ("@@index(userId)").
func asList(e Expr) (*ArrayExpr, bool) {
	switch e := e.(type) {
	case *ArrayExpr:
		return e, true
	case *Ident, *FuncCall:
		return &ArrayExpr{Pos: e.At(), Elems: []Expr{e}}, true
	}
	return nil, false
}

// notUniqueOneToOne reports the defining side of a one-to-one relation
// whose fields are not unique.
func (v *validator) notUniqueOneToOne(owner *relInfo, name string) {
	v.errAt(owner.pos, owner.field.Name, "one-to-one relation %q must use unique fields: add @unique to %s or @@unique([%s]) in model %q, or make the relation one-to-many",
		name, strings.Join(owner.fields, ", "), strings.Join(owner.fields, ", "), owner.model.Name)
	add := "an `@unique` attribute to the field `" + owner.fields[0] + "`"
	if len(owner.fields) > 1 {
		add = "an `@@unique([" + strings.Join(owner.fields, ", ") + "])` attribute to the model `" + owner.model.Name + "`"
	}
	v.prisma(Pos{}, spanNextLine, prismaRelation+"A one-to-one relation must use unique fields on the defining side. Either add %s, or change the relation to one-to-many.", add)
}
