package odm

import (
	"encoding/json"
	"fmt"
	"reflect"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Ref is a reference to a document of another model (Mongoose's
// `{type: ObjectId, ref: 'User'}`). It is stored as the ObjectID alone;
// Populate fills in the referenced document. A populated Ref still saves
// as the ID, so saving a populated document never writes the referenced
// one.
//
// JSON renders the document once populated and the hex ID otherwise, like
// Mongoose's toJSON.
type Ref[T any] struct {
	ID        bson.ObjectID
	doc       *T
	populated bool
	mark      popMark
}

// RefTo returns an unpopulated reference to id.
func RefTo[T any](id bson.ObjectID) Ref[T] { return Ref[T]{ID: id} }

// Doc returns the populated document: nil before Populate, and nil after
// it when the referenced document is missing or filtered out by Match.
func (r Ref[T]) Doc() *T { return r.doc }

// Populated reports whether Populate has run over this reference (the
// document may still be nil when it was missing).
func (r Ref[T]) Populated() bool { return r.populated }

// Set points the reference at id, populated with doc when doc is not nil.
func (r *Ref[T]) Set(id bson.ObjectID, doc *T) { r.ID, r.doc, r.populated = id, doc, doc != nil }

// IsZero reports an unset, unpopulated reference, so that a field tagged
// `bson:",omitempty"` is left out when a select did not read it (as
// Mongoose leaves out the paths it did not select).
func (r Ref[T]) IsZero() bool { return r.ID.IsZero() && !r.populated }

// populatedDocs returns the populated document (nil when missing) for
// ToObject and ToJSON, or false when the reference was not populated.
func (r Ref[T]) populatedDocs() (any, popMark, bool) {
	if !r.populated {
		return nil, popMark{}, false
	}
	if r.doc == nil {
		return nil, r.mark, true
	}
	return r.doc, r.mark, true
}

// MarshalBSONValue stores the ID only (null for a zero ID).
func (r Ref[T]) MarshalBSONValue() (byte, []byte, error) { return marshalRefID(r.ID) }

// marshalRefID stores a reference as its ObjectID, null for a zero ID.
func marshalRefID(id bson.ObjectID) (byte, []byte, error) {
	if id.IsZero() {
		return byte(bson.TypeNull), nil, nil
	}
	return byte(bson.TypeObjectID), id[:], nil
}

// UnmarshalBSONValue reads an ObjectID, null, or a whole document (as a
// $lookup returns it: the reference is then populated).
func (r *Ref[T]) UnmarshalBSONValue(typ byte, data []byte) error {
	*r = Ref[T]{}
	switch bson.Type(typ) {
	case bson.TypeNull, bson.TypeUndefined:
		return nil
	case bson.TypeObjectID:
		if len(data) != 12 {
			return fmt.Errorf("odm: Ref: bad ObjectID of %d bytes", len(data))
		}
		copy(r.ID[:], data)
		return nil
	case bson.TypeEmbeddedDocument:
		doc := new(T)
		if err := bson.Unmarshal(data, doc); err != nil {
			return fmt.Errorf("odm: Ref: decode %T: %w", doc, err)
		}
		id, ok := bson.Raw(data).Lookup("_id").ObjectIDOK()
		if !ok {
			return fmt.Errorf("odm: Ref: embedded document has no ObjectID _id")
		}
		r.ID, r.doc, r.populated = id, doc, true
		return nil
	}
	return fmt.Errorf("odm: Ref: cannot decode BSON %s into a reference", bson.Type(typ))
}

// MarshalJSON renders the populated document (null when it was
// missing), or the hex ID when not populated.
func (r Ref[T]) MarshalJSON() ([]byte, error) {
	if r.populated {
		return json.Marshal(r.doc)
	}
	if r.ID.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(r.ID.Hex())
}

func (r *Ref[T]) refSlot() refSlot { return refSlot{ids: []bson.ObjectID{r.ID}, set: r.setDocs} }

func (r *Ref[T]) setDocs(docs []any, mark popMark) {
	r.populated, r.mark = true, mark
	r.doc = nil
	if len(docs) > 0 && docs[0] != nil {
		r.doc = docs[0].(*T)
	}
}

func (Ref[T]) refElem() reflect.Type { return reflect.TypeFor[T]() }

// Refs is an array of references (Mongoose's `[{type: ObjectId, ref:
// 'Comment'}]`), stored as the array of IDs. After Populate, Docs returns
// the referenced documents in the populate query's order (its Sort, else
// the order of IDs), without the missing ones and cut by the limits; IDs
// are never reordered or trimmed, so saving a populated document keeps
// every reference.
type Refs[T any] struct {
	IDs       []bson.ObjectID
	docs      []*T
	populated bool
	mark      popMark
}

// RefsTo returns unpopulated references to ids.
func RefsTo[T any](ids ...bson.ObjectID) Refs[T] { return Refs[T]{IDs: ids} }

// Docs returns the populated documents (nil before Populate). With
// RetainNullValues, a missing document is a nil entry in its place.
func (r Refs[T]) Docs() []*T { return r.docs }

// Populated reports whether Populate has run over these references.
func (r Refs[T]) Populated() bool { return r.populated }

// Add appends a reference (and its document, when known).
func (r *Refs[T]) Add(id bson.ObjectID, doc *T) {
	r.IDs = append(r.IDs, id)
	if doc != nil {
		r.docs = append(r.docs, doc)
	}
}

// populatedDocs returns the populated documents for ToObject and ToJSON,
// or false when the references were not populated.
func (r Refs[T]) populatedDocs() (any, popMark, bool) {
	if !r.populated {
		return nil, popMark{}, false
	}
	docs := make([]any, len(r.docs))
	for i, d := range r.docs {
		if d != nil {
			docs[i] = d
		}
	}
	return docs, r.mark, true
}

// MarshalBSONValue stores the array of IDs (an empty array when none).
func (r Refs[T]) MarshalBSONValue() (byte, []byte, error) {
	a := make(bson.A, len(r.IDs))
	for i, id := range r.IDs {
		a[i] = id
	}
	t, data, err := bson.MarshalValue(a)
	return byte(t), data, err
}

// UnmarshalBSONValue reads an array of ObjectIDs or of documents (as a
// $lookup returns them), or null.
func (r *Refs[T]) UnmarshalBSONValue(typ byte, data []byte) error {
	*r = Refs[T]{}
	switch bson.Type(typ) {
	case bson.TypeNull, bson.TypeUndefined:
		return nil
	case bson.TypeArray:
	default:
		return fmt.Errorf("odm: Refs: cannot decode BSON %s into references", bson.Type(typ))
	}
	vals, err := bson.RawArray(data).Values()
	if err != nil {
		return fmt.Errorf("odm: Refs: %w", err)
	}
	r.IDs = make([]bson.ObjectID, 0, len(vals))
	for _, v := range vals {
		var one Ref[T]
		if err := one.UnmarshalBSONValue(byte(v.Type), v.Value); err != nil {
			return err
		}
		r.IDs = append(r.IDs, one.ID)
		if one.doc != nil {
			r.docs = append(r.docs, one.doc)
			r.populated = true
		}
	}
	return nil
}

// MarshalJSON renders the populated documents, or the hex IDs.
func (r Refs[T]) MarshalJSON() ([]byte, error) {
	if r.populated {
		if r.docs == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(r.docs)
	}
	hex := make([]string, len(r.IDs))
	for i, id := range r.IDs {
		hex[i] = id.Hex()
	}
	return json.Marshal(hex)
}

func (r *Refs[T]) refSlot() refSlot {
	return refSlot{ids: r.IDs, many: true, set: r.setDocs}
}

func (r *Refs[T]) setDocs(docs []any, mark popMark) {
	r.populated, r.mark = true, mark
	r.docs = make([]*T, len(docs))
	for i, d := range docs {
		if d != nil {
			r.docs[i] = d.(*T)
		}
	}
}

func (Refs[T]) refElem() reflect.Type { return reflect.TypeFor[T]() }

// refSlot is one populate target: the IDs it holds and how to store the
// documents found for them.
type refSlot struct {
	ids  []bson.ObjectID
	many bool
	set  func(docs []any, mark popMark)
}

// popMark is how a reference was populated, for ToObject and ToJSON.
type popMark struct {
	lean bool // plain documents: no id virtual
	noID bool // the select left _id out: it is read to match, not shown
}

// refHolder is implemented by *Ref[T] and *Refs[T].
type refHolder interface {
	refSlot() refSlot
}

// refType is implemented by Ref[T] and Refs[T]; SchemaFor maps them to
// ObjectId and [ObjectId] paths.
type refType interface {
	refElem() reflect.Type
}

var typeRefType = reflect.TypeFor[refType]()

// refPath returns the schema path of a Ref[T] (ObjectId) or Refs[T]
// ([ObjectId]) field, or nil for other types.
func refPath(name string, t reflect.Type) *Path {
	if t.Kind() != reflect.Struct || !t.Implements(typeRefType) {
		return nil
	}
	if t.NumField() > 0 && t.Field(0).Name == "IDs" {
		return Array(name, ObjectID("$"))
	}
	return ObjectID(name)
}
