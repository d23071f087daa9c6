package agg_test

import (
	"regexp"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm/agg"
)

// serverJSKey finds a server-side JavaScript operator used as a key in
// extended JSON output (a string value that merely contains the text is
// escaped differently and does not match).
var serverJSKey = regexp.MustCompile(`(^|[^\\])"\$(where|function|accumulator)":`)

// FuzzMatchFromUserInput feeds arbitrary extended JSON, as an HTTP handler
// would receive it, into Match: building never panics, and a pipeline that
// builds never carries server-side JavaScript.
func FuzzMatchFromUserInput(f *testing.F) {
	for _, s := range []string{
		`{"status": "completed"}`,
		`{"$where": "this.a > 1"}`,
		`{"$or": [{"a": 1}, {"$where": "1"}]}`,
		`{"a": {"$elemMatch": {"$where": "1"}}}`,
		`{"a": "$where"}`,
		`{"$expr": {"$function": {"body": "function(){}", "args": [], "lang": "js"}}}`,
		`{"a": {"$in": [1, 2, {"$accumulator": {}}]}}`,
		`{"qty": {"$gte": {"$numberInt": "5"}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		var filter bson.D
		if err := bson.UnmarshalExtJSON([]byte(input), false, &filter); err != nil {
			return
		}
		stages, err := agg.New().Match(filter).Limit(10).Build()
		if err != nil {
			if !agg.IsInvalid(err) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		out, err := bson.MarshalExtJSON(bson.D{{Key: "p", Value: stages}}, true, false)
		if err != nil {
			return
		}
		if serverJSKey.Match(out) {
			t.Fatalf("server-side JavaScript passed validation: %s", out)
		}
	})
}
