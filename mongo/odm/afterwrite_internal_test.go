package odm

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
)

type txDoc struct {
	ID string `bson:"_id"`
}

// TestTransactionReportsAfterCommit: writes inside a transaction are held
// until it commits; an aborted attempt's writes are dropped, and a body
// that fails reports nothing. (The transactions are empty, so this runs
// on the embedded server; a commit whose outcome is unknown is reported
// too: TestTransactionCommitRetriesOnMongoDB.)
func TestTransactionReportsAfterCommit(t *testing.T) {
	var got [][]Written
	m, err := NewModel[txDoc](nil, "Doc", nil, &ModelOpts{AfterWrite: func(_ context.Context, w []Written) { got = append(got, w) }})
	require.NoError(t, err)
	client := devenv.MongoClient(t)
	run := func(fn func(ctx context.Context) error) error {
		return WithTransaction(context.Background(), client, fn, nil)
	}

	attempt := 0
	err = run(func(ctx context.Context) error {
		attempt++
		m.wroteFilter(ctx, bson.D{{Key: "_id", Value: "attempt" + string(rune('0'+attempt))}}, false)
		require.Empty(t, got, "nothing is reported before the commit")
		if attempt == 1 {
			return labeled(112, LabelTransientTransaction) // aborted, retried
		}
		m.wroteFilter(ctx, bson.D{{Key: "status", Value: "x"}}, false)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, [][]Written{{{Model: "Doc", IDs: []any{"attempt2"}, All: true}}}, got,
		"one report after the commit, merged, without the aborted attempt's write")

	got = nil
	boom := errors.New("boom")
	err = run(func(ctx context.Context) error {
		m.wroteFilter(ctx, bson.D{{Key: "_id", Value: "a"}}, false)
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Empty(t, got, "an aborted transaction reports nothing")
}

func TestFilterIDs(t *testing.T) {
	oid := bson.NewObjectID()
	cases := []struct {
		name   string
		f      bson.D
		upsert bool
		ids    []any
		ok     bool
	}{
		{"equality", bson.D{{Key: "_id", Value: oid}, {Key: "tenant", Value: "t"}}, false, []any{oid}, true},
		{"$eq", bson.D{{Key: "_id", Value: bson.D{{Key: "$eq", Value: 7}}}}, false, []any{7}, true},
		{"$in", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b"}}}}}, false, []any{"a", "b"}, true},
		{"$in upsert inserts a new _id", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a"}}}}}, true, nil, false},
		{"equality upsert", bson.D{{Key: "_id", Value: "a"}}, true, []any{"a"}, true},
		{"inside $and", bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "x", Value: 1}}, bson.D{{Key: "_id", Value: "a"}}}}}, false, []any{"a"}, true},
		{"$or names no single id", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "_id", Value: "a"}}}}}, false, nil, false},
		{"range", bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: 1}}}}, false, nil, false},
		{"other field", bson.D{{Key: "name", Value: "a"}}, false, nil, false},
		{"empty", nil, false, nil, false},
		{"embedded document id", bson.D{{Key: "_id", Value: bson.D{{Key: "a", Value: 1}}}}, false, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ids, ok := filterIDs(c.f, c.upsert)
			require.Equal(t, c.ok, ok)
			require.Equal(t, c.ids, ids)
		})
	}
}
