package odm

import (
	"encoding/base64"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// FuzzKeysetCursor: a cursor from a client either fails with ErrBadCursor
// or yields plain values (no operators) for the keyset filter.
func FuzzKeysetCursor(f *testing.F) {
	sort := bson.D{{Key: "age", Value: -1}, {Key: "_id", Value: 1}}
	good, _ := bson.Marshal(cursorDoc{Sig: sortSig(sort), Values: bson.A{int32(30), bson.NewObjectID()}})
	evil, _ := bson.Marshal(cursorDoc{Sig: sortSig(sort), Values: bson.A{bson.D{{Key: "$ne", Value: nil}}, 1}})
	for _, b := range [][]byte{good, evil, []byte("x"), nil} {
		f.Add(base64.RawURLEncoding.EncodeToString(b))
	}
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		vals, err := decodeCursor(s, sort)
		if err != nil {
			return
		}
		if len(vals) != len(sort) {
			t.Fatalf("cursor with %d values accepted for %d sort keys", len(vals), len(sort))
		}
		for _, v := range vals {
			if hasOperator(v) {
				t.Fatalf("operator accepted in cursor: %v", v)
			}
		}
		_ = keysetFilter(sort, vals)
	})
}
