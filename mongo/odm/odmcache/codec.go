package odmcache

import (
	"reflect"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// BSON is the default codec: cached results keep their BSON types
// (ObjectIDs, dates, decimals, bson.M documents).
type BSON struct{}

type wrapped struct {
	V any `bson:"v"`
}

// Marshal encodes v as the field "v" of a document (null for a nil
// pointer, slice or map).
func (BSON) Marshal(v any) ([]byte, error) {
	if rv := reflect.ValueOf(v); rv.IsValid() {
		switch rv.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			if rv.IsNil() {
				v = nil
			}
		}
	}
	return bson.Marshal(wrapped{V: v})
}

// Unmarshal decodes the field "v" of a document into v (a pointer); null
// leaves the zero value.
func (BSON) Unmarshal(data []byte, v any) error {
	rv, err := bson.Raw(data).LookupErr("v")
	if err != nil {
		return err
	}
	if rv.Type == bson.TypeNull {
		if p := reflect.ValueOf(v); p.Kind() == reflect.Pointer && !p.IsNil() {
			p.Elem().SetZero()
		}
		return nil
	}
	return rv.Unmarshal(v)
}
