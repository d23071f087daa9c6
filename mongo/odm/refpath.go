package odm

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// DynRef is a dynamic reference (Mongoose's refPath): the model it refers
// to is named by another path of the same document, so one field can
// point at documents of several models (a comment on a BlogPost or on a
// Product). It is stored as the ObjectID alone, as Ref is. Tag the field
// with `odm:"refPath=<path>"`, the BSON path of the model name: a sibling
// ("kind"), or, inside an array of subdocuments, the full path
// ("comments.kind"), whose value is read from the same element. A
// []DynRef field may take its names from a []string path of the same
// length (pairs by index) or from one string (all of one model).
//
// Populate with PopulateOpts.Models listing the models the names may
// take (Mongoose looks them up in its global registry). After Populate,
// Doc returns the document (*U of the named model; use DynDoc for a
// typed view), nil when missing or filtered out.
type DynRef struct {
	ID        bson.ObjectID
	doc       any
	model     string
	populated bool
	mark      popMark
}

// DynRefTo returns an unpopulated dynamic reference to id.
func DynRefTo(id bson.ObjectID) DynRef { return DynRef{ID: id} }

// Doc returns the populated document (a *U), nil before Populate and when
// the referenced document is missing.
func (r DynRef) Doc() any { return r.doc }

// Model returns the name of the model Populate resolved the reference
// to ("" before Populate).
func (r DynRef) Model() string { return r.model }

// Populated reports whether Populate has run over this reference.
func (r DynRef) Populated() bool { return r.populated }

// DynDoc returns r's populated document as a *U, or nil when it is not
// populated, missing, or of another model.
func DynDoc[U any](r DynRef) *U {
	d, _ := r.doc.(*U)
	return d
}

// MarshalBSONValue stores the ID only (null for a zero ID).
func (r DynRef) MarshalBSONValue() (byte, []byte, error) { return marshalRefID(r.ID) }

// UnmarshalBSONValue reads an ObjectID or null.
func (r *DynRef) UnmarshalBSONValue(typ byte, data []byte) error {
	*r = DynRef{}
	switch bson.Type(typ) {
	case bson.TypeNull, bson.TypeUndefined:
		return nil
	case bson.TypeObjectID:
		if len(data) != 12 {
			return fmt.Errorf("odm: DynRef: bad ObjectID of %d bytes", len(data))
		}
		copy(r.ID[:], data)
		return nil
	}
	return fmt.Errorf("odm: DynRef: cannot decode BSON %s into a reference", bson.Type(typ))
}

// MarshalJSON renders the populated document (null when it was missing),
// or the hex ID when not populated.
func (r DynRef) MarshalJSON() ([]byte, error) {
	if r.populated {
		return json.Marshal(r.doc)
	}
	if r.ID.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(r.ID.Hex())
}

func (r *DynRef) refSlot() refSlot { return refSlot{ids: []bson.ObjectID{r.ID}, set: r.setDocs} }

func (r *DynRef) setDocs(docs []any, mark popMark) {
	r.populated = true
	r.doc = nil
	r.mark = mark
	if len(docs) > 0 {
		r.doc = docs[0]
	}
}

// populatedDocs returns the populated document (nil when missing) for
// ToObject and ToJSON, or false when the reference was not populated.
func (r DynRef) populatedDocs() (any, popMark, bool) {
	if !r.populated {
		return nil, popMark{}, false
	}
	return r.doc, r.mark, true
}

// refElem is nil: the referenced type is known per document only.
func (DynRef) refElem() reflect.Type { return nil }

// dynSlot is one dynamic reference with the model its document names.
// inArray: the reference is in an element of an array of subdocuments,
// where Mongoose populates a reference without a model name as missing
// (null); elsewhere it leaves it as it is.
type dynSlot struct {
	ref     *DynRef
	model   string
	inArray bool
}

// refPathOf returns the refPath that applies to o: its own, or the
// schema's for o.Path.
func refPathOf(parent *Schema, o *PopulateOpts) string {
	if o.RefPath != "" {
		return o.RefPath
	}
	if p := populatePathOf(parent, o.Path); p != nil {
		if p.RefPath == "" && p.Elem != nil {
			return p.Elem.RefPath
		}
		return p.RefPath
	}
	return ""
}

// populatePathOf finds the schema path a populate path names: dotted
// through subdocuments and arrays of subdocuments, without array indexes.
func populatePathOf(s *Schema, path string) *Path {
	cur := s
	parts := strings.Split(path, ".")
	for i, part := range parts {
		if cur == nil {
			return nil
		}
		q := cur.byName[part]
		if q == nil {
			return nil
		}
		if i == len(parts)-1 {
			return q
		}
		switch {
		case q.Type == TypeSubdoc:
			cur = q.Schema
		case q.Type == TypeArray && q.Elem != nil && q.Elem.Type == TypeSubdoc:
			cur = q.Elem.Schema
		default:
			return nil
		}
	}
	return nil
}

// populateDynamic fills the DynRef fields at o.Path: it reads each
// reference's model name at refPath, then sends one query per named model
// (through the model's Find, so its hooks and plugins apply).
func populateDynamic(ctx context.Context, docs []reflect.Value, o *PopulateOpts, refPath string) error {
	if len(o.Models) == 0 {
		return &PopulateError{Path: o.Path, Msg: "a refPath reference needs Models (the models its paths may name)"}
	}
	models := map[string]popSource{}
	var order []string
	for _, m := range o.Models {
		if m == nil {
			return &PopulateError{Path: o.Path, Msg: "Models holds a nil model"}
		}
		src := m.populateSource()
		if _, dup := models[src.name]; !dup {
			order = append(order, src.name)
		}
		models[src.name] = src
	}
	refSegs, nameSegs := strings.Split(o.Path, "."), strings.Split(refPath, ".")
	common := 0
	for common < len(refSegs)-1 && common < len(nameSegs)-1 && refSegs[common] == nameSegs[common] {
		common++
	}
	prefix := strings.Join(refSegs[:common], ".")
	refRest, nameRest := strings.Join(refSegs[common:], "."), strings.Join(nameSegs[common:], ".")

	var slots []dynSlot
	for _, d := range docs {
		if !d.IsValid() {
			continue
		}
		scopes, inArray := []reflect.Value{d}, false
		if prefix != "" {
			var err error
			if scopes, inArray, err = walkScopes(d, prefix); err != nil {
				return &PopulateError{Path: o.Path, Msg: err.Error()}
			}
		}
		for _, sc := range scopes {
			got, err := dynSlots(sc, refRest, nameRest)
			if err != nil {
				return &PopulateError{Path: o.Path, Msg: err.Error()}
			}
			for i := range got {
				got[i].inArray = inArray
			}
			slots = append(slots, got...)
		}
	}
	ids := map[string]bson.A{}
	seen := map[string]map[bson.ObjectID]bool{}
	for _, s := range slots {
		if s.model == "" || s.ref.ID.IsZero() {
			continue
		}
		if _, ok := models[s.model]; !ok {
			return &PopulateError{Path: o.Path, Msg: fmt.Sprintf("%s names model %q, which is not in Models", refPath, s.model)}
		}
		if seen[s.model] == nil {
			seen[s.model] = map[bson.ObjectID]bool{}
		}
		if !seen[s.model][s.ref.ID] {
			seen[s.model][s.ref.ID] = true
			ids[s.model] = append(ids[s.model], s.ref.ID)
		}
	}
	mark := popMark{lean: o.Lean, noID: excludesID(o.Select)}
	found := map[string]map[bson.ObjectID]any{}
	for _, name := range order {
		if len(ids[name]) == 0 {
			continue
		}
		src := models[name]
		filter, err := withMatch(src, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids[name]}}}}, o.Match)
		if err != nil {
			return err
		}
		docs, err := src.find(ctx, filter, o, o.keepPaths())
		if err != nil {
			return err
		}
		nested, err := nestedFor(src, o.Populate)
		if err != nil {
			return err
		}
		if len(nested) > 0 && len(docs) > 0 {
			if err := src.populate(ctx, docs, nested); err != nil {
				return err
			}
		}
		byID := make(map[bson.ObjectID]any, len(docs))
		for _, f := range docs {
			if id := idOf(reflect.ValueOf(f).Elem()); byID[id] == nil {
				byID[id] = f
			}
		}
		found[name] = byID
	}
	for _, s := range slots {
		if s.model == "" && !s.inArray {
			continue // no model named: left as it is, as Mongoose does
		}
		s.ref.model = s.model
		var out []any
		if f, ok := found[s.model][s.ref.ID]; ok {
			out = append(out, f)
		}
		s.ref.setDocs(out, mark)
	}
	return nil
}

// walkScopes returns the subdocuments at path (through arrays), and
// whether path went through an array.
func walkScopes(v reflect.Value, path string) ([]reflect.Value, bool, error) {
	vals, err := walkPath(v, path)
	if err != nil {
		return nil, false, err
	}
	var out []reflect.Value
	inArray := false
	for _, x := range vals {
		inArray = inArray || x.Kind() == reflect.Slice || x.Kind() == reflect.Array
		for _, e := range flatten(x) {
			if e.Kind() != reflect.Struct {
				return nil, false, fmt.Errorf("%q is a %s, not a subdocument", path, e.Type())
			}
			out = append(out, e)
		}
	}
	return out, inArray, nil
}

// dynSlots pairs the DynRefs at refRest of scope with the model names at
// nameRest.
func dynSlots(scope reflect.Value, refRest, nameRest string) ([]dynSlot, error) {
	targets, err := walkPath(scope, refRest)
	if err != nil {
		return nil, err
	}
	var refs []*DynRef
	for _, t := range targets {
		r, ok := t.Addr().Interface().(*DynRef)
		if !ok {
			return nil, fmt.Errorf("field is %s, want odm.DynRef for a refPath", t.Type())
		}
		refs = append(refs, r)
	}
	if len(refs) == 0 {
		return nil, nil
	}
	nameVals, err := walkPath(scope, nameRest)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, nv := range nameVals {
		for _, e := range flatten(nv) {
			switch {
			case e.Kind() == reflect.String:
				names = append(names, e.String())
			default:
				return nil, fmt.Errorf("the model name at %q is a %s, want a string", nameRest, e.Type())
			}
		}
	}
	out := make([]dynSlot, len(refs))
	for i, r := range refs {
		out[i].ref = r
		switch {
		case len(names) == 1:
			out[i].model = names[0]
		case len(names) == len(refs):
			out[i].model = names[i]
		case len(names) > 1:
			return nil, fmt.Errorf("%d model names at %q for %d references", len(names), nameRest, len(refs))
		}
	}
	return out, nil
}

// nestedFor keeps the nested paths src's schema has (virtuals always).
// A path src lacks fails, as Mongoose's StrictPopulateError, unless it is
// NotStrict (strictPopulate: false): then it applies to the models that
// have it only.
func nestedFor(src popSource, paths []PopulateOpts) ([]PopulateOpts, error) {
	var out []PopulateOpts
	for _, n := range paths {
		if !n.virtual() && !n.dynamic() && populatePathOf(src.schema, n.Path) == nil {
			if n.NotStrict {
				continue
			}
			return nil, &PopulateError{Path: n.Path, Msg: fmt.Sprintf("model %s has no path %q to populate (set NotStrict to skip the models that lack it, Mongoose's strictPopulate: false)", src.name, n.Path)}
		}
		out = append(out, n)
	}
	return out, nil
}
