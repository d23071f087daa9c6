package odm_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
)

// vPost has the populate virtuals of output_cases.js's popNotes; vNote is
// the model Pop.
type (
	vPost struct {
		ID        bson.ObjectID `bson:"_id"`
		Title     string        `bson:"title"`
		Notes     []*vNote      `bson:"-" odm:"virtual=notes"`
		First     *vNote        `bson:"-" odm:"virtual=first"`
		NoteCount int64         `bson:"-" odm:"virtual=noteCount"`
		Never     []*vNote      `bson:"-" odm:"virtual=never"` // declared, never populated
	}
	vNote struct {
		ID   bson.ObjectID `bson:"_id"`
		Text string        `bson:"text"`
		Post bson.ObjectID `bson:"post"`
	}
)

// TestMongoosePopulatedVirtuals: populated virtuals appear in toObject and
// toJSON with virtuals (a list, a justOne that found nothing as null, a
// count of 0), unpopulated ones do not, as the output cases "populated
// virtuals ..." recorded from Mongoose (output.json).
func TestMongoosePopulatedVirtuals(t *testing.T) {
	ctx := context.Background()
	fx := loadOutputFixtures(t)
	db := devenv.Mongo(t)
	noV := &odm.SchemaOpts{VersionKey: "-"}
	notes := odm.MustModel[vNote](db, "Pop", odm.MustSchemaFor[vNote](noV), nil)
	posts := odm.MustModel[vPost](db, "Post", odm.MustSchemaFor[vPost](noV), nil)
	ran := 0
	for _, tc := range fx.Docs {
		if tc.PopVirt == nil {
			continue
		}
		ran++
		t.Run(tc.Name, func(t *testing.T) {
			_, err := notes.DeleteMany(ctx, bson.M{})
			require.NoError(t, err)
			for _, d := range tc.PopVirt.Docs {
				n, err := notes.Cast(ctx, d)
				require.NoError(t, err)
				require.NoError(t, notes.Create(ctx, n))
			}
			post, err := posts.Cast(ctx, tc.Input)
			require.NoError(t, err)
			require.NoError(t, posts.Populate(ctx, []*vPost{post},
				odm.PopulateOpts{Path: "notes", From: notes, ForeignField: "post", Sort: "_id"},
				odm.PopulateOpts{Path: "first", From: notes, ForeignField: "post", Sort: "_id"},
				odm.PopulateOpts{Path: "noteCount", From: notes, ForeignField: "post", Count: true}))
			checkOutputCalls(t, posts, post, tc)
		})
	}
	require.Equal(t, 2, ran, "populate-virtual cases in output.json")
}
