package odm_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm"
)

// FuzzCastFilter feeds JSON filters (as from an HTTP query) through the
// model: either a typed error, or a filter free of server-side JavaScript.
func FuzzCastFilter(f *testing.F) {
	for _, s := range []string{
		`{"username":"ann"}`,
		`{"age":{"$gte":"18"}}`,
		`{"$where":"sleep(100)"}`,
		`{"$or":[{"age":1},{"$where":"1"}]}`,
		`{"_id":"64b7f0c2a1b2c3d4e5f60718"}`,
		`{"_id":"zz"}`,
		`{"tags":{"$in":["a",1,true]}}`,
		`{"address.city":{"$function":{"body":"x"}}}`,
		`{"createdAt":{"$lt":"2024-01-01"}}`,
		`{"$and":[{"$expr":{"$accumulator":{}}}]}`,
	} {
		f.Add(s)
	}
	users := odm.MustModel[User](nil, "User", nil, nil)
	f.Fuzz(func(t *testing.T, in string) {
		var m map[string]any
		if json.Unmarshal([]byte(in), &m) != nil {
			return
		}
		d, err := users.CastFilter(m)
		if err != nil {
			return
		}
		raw, err := bson.Marshal(d)
		if err != nil {
			return
		}
		s := bson.Raw(raw).String()
		for _, op := range []string{`"$where"`, `"$function"`, `"$accumulator"`} {
			if strings.Contains(s, op) {
				t.Fatalf("forbidden operator passed: %s", s)
			}
		}
	})
}

// FuzzCast feeds JSON documents through Cast: a typed error or a document
// that validates.
func FuzzCast(f *testing.F) {
	for _, s := range []string{
		`{"username":"ann","email":"a@b","age":"30"}`,
		`{"username":"","email":1,"age":"x","status":"zz"}`,
		`{"address":{"city":"x","street":5},"tags":"one"}`,
		`{"address":"oops","tags":[[1]],"createdAt":"2024-02-30"}`,
		`{"age":1e400,"username":["a"],"__v":"1"}`,
		`{"age":9223372036854775807,"username":"a","email":"a@b"}`,
	} {
		f.Add(s)
	}
	users := odm.MustModel[User](nil, "User", nil, nil)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, in string) {
		var m map[string]any
		if json.Unmarshal([]byte(in), &m) != nil {
			return
		}
		u, err := users.Cast(ctx, m)
		if err != nil {
			if !odm.IsValidation(err) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if err := users.Validate(ctx, u); err != nil {
			t.Fatalf("cast document does not validate: %v (input %s)", err, in)
		}
	})
}
