package odm

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// What MongoDB lists for indexes differs from what is declared (text
// indexes, int32 vs int64, extra version fields, full collations):
// SyncIndexes must see these as unchanged, and real changes as changed.
func TestIndexSignatureMatchesServerListing(t *testing.T) {
	ttl := time.Hour
	cases := []struct {
		name    string
		decl    Index
		listed  bson.D
		changed bool
	}{
		{"text with weights", Index{Keys: bson.D{{Key: "title", Value: "text"}, {Key: "body", Value: "text"}}, Weights: bson.D{{Key: "title", Value: 10}}},
			bson.D{{Key: "v", Value: int32(2)}, {Key: "key", Value: bson.D{{Key: "_fts", Value: "text"}, {Key: "_ftsx", Value: int32(1)}}}, {Key: "name", Value: "title_text_body_text"},
				{Key: "weights", Value: bson.D{{Key: "body", Value: int32(1)}, {Key: "title", Value: int32(10)}}}, {Key: "default_language", Value: "english"},
				{Key: "language_override", Value: "language"}, {Key: "textIndexVersion", Value: int32(3)}}, false},
		{"text weight changed", Index{Keys: bson.D{{Key: "title", Value: "text"}}, Weights: bson.D{{Key: "title", Value: 5}}},
			bson.D{{Key: "key", Value: bson.D{{Key: "_fts", Value: "text"}, {Key: "_ftsx", Value: int32(1)}}}, {Key: "weights", Value: bson.D{{Key: "title", Value: int32(10)}}}, {Key: "default_language", Value: "english"}}, true},
		{"ttl", Index{Keys: bson.D{{Key: "at", Value: 1}}, ExpireAfter: &ttl},
			bson.D{{Key: "key", Value: bson.D{{Key: "at", Value: int32(1)}}}, {Key: "expireAfterSeconds", Value: int32(3600)}}, false},
		{"ttl changed", Index{Keys: bson.D{{Key: "at", Value: 1}}, ExpireAfter: &ttl},
			bson.D{{Key: "key", Value: bson.D{{Key: "at", Value: int32(1)}}}, {Key: "expireAfterSeconds", Value: int32(60)}}, true},
		{"collation filled in by server", Index{Keys: bson.D{{Key: "n", Value: 1}}, Collation: bson.D{{Key: "locale", Value: "en"}, {Key: "strength", Value: 2}}},
			bson.D{{Key: "key", Value: bson.D{{Key: "n", Value: int32(1)}}}, {Key: "collation", Value: bson.D{{Key: "locale", Value: "en"}, {Key: "caseLevel", Value: false}, {Key: "strength", Value: int32(2)}, {Key: "version", Value: "57.1"}}}}, false},
		{"unique added", Index{Keys: bson.D{{Key: "n", Value: 1}}, Unique: true},
			bson.D{{Key: "key", Value: bson.D{{Key: "n", Value: int32(1)}}}}, true},
		{"2dsphere version ignored", Index{Keys: bson.D{{Key: "loc", Value: "2dsphere"}}},
			bson.D{{Key: "key", Value: bson.D{{Key: "loc", Value: "2dsphere"}}}, {Key: "2dsphereIndexVersion", Value: int32(3)}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.decl.Name = indexName(tc.decl.Keys)
			got := indexSignature(tc.listed) != indexSignature(tc.decl.serverForm())
			require.Equal(t, tc.changed, got, "listed %s\ndeclared %s", indexSignature(tc.listed), indexSignature(tc.decl.serverForm()))
		})
	}
}
