package odm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/mongo/odm/agg"
)

// Recorded explain replies of each shape summarise the same way.
func TestSummarizeExplain(t *testing.T) {
	for _, tc := range []struct {
		file string
		want odm.ExplainSummary
	}{
		{"classic_ixscan.json", odm.ExplainSummary{Engine: "classic", WinningPlan: "FETCH > IXSCAN", Stages: []string{"FETCH", "IXSCAN"}, Indexes: []string{"email_1"},
			HasExecutionStats: true, DocsExamined: 1, KeysExamined: 1, Returned: 1}},
		{"classic_collscan_aggregate.json", odm.ExplainSummary{Engine: "classic", WinningPlan: "PROJECTION_SIMPLE > COLLSCAN", Stages: []string{"PROJECTION_SIMPLE", "COLLSCAN"},
			CollScan: true, HasExecutionStats: true, DocsExamined: 1000, Returned: 40}},
		{"sbe_ixscan.json", odm.ExplainSummary{Engine: "sbe", WinningPlan: "SORT > FETCH > IXSCAN", Stages: []string{"SORT", "FETCH", "IXSCAN"}, Indexes: []string{"author_1_createdAt_-1"},
			HasExecutionStats: true, DocsExamined: 25, KeysExamined: 25, Returned: 20}},
		{"sharded_or.json", odm.ExplainSummary{Engine: "classic", WinningPlan: "SHARD_MERGE > SHARDING_FILTER > FETCH > OR > IXSCAN > IXSCAN > SHARDING_FILTER > COLLSCAN",
			Stages:  []string{"SHARD_MERGE", "SHARDING_FILTER", "FETCH", "OR", "IXSCAN", "IXSCAN", "SHARDING_FILTER", "COLLSCAN"},
			Indexes: []string{"email_1", "username_1"}, CollScan: true, HasExecutionStats: true, DocsExamined: 502, KeysExamined: 2, Returned: 3}},
		{"idhack.json", odm.ExplainSummary{Engine: "classic", WinningPlan: "IDHACK", Stages: []string{"IDHACK"}, Indexes: []string{"_id_"}}},
		{"ferretdb_scan.json", odm.ExplainSummary{Engine: "ferretdb", WinningPlan: "id=2 parent=0 notused=0 detail=SCAN x_fd0c5087", Stages: []string{"COLLSCAN"}, CollScan: true}},
		{"ferretdb_index.json", odm.ExplainSummary{Engine: "ferretdb", WinningPlan: "id=4 parent=0 notused=0 detail=SEARCH users_1e9b2e3a USING INDEX users_1e9b2e3a_email_1_idx (_ferretdb_email=?)",
			Stages: []string{"IXSCAN"}, Indexes: []string{"users_1e9b2e3a_email_1_idx"}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			js, err := os.ReadFile(filepath.Join("testdata", "explain", tc.file))
			require.NoError(t, err)
			var raw bson.Raw
			require.NoError(t, bson.UnmarshalExtJSON(js, false, &raw))
			got, err := odm.SummarizeExplain(raw)
			require.NoError(t, err)
			if diff := cmp.Diff(&tc.want, got); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
	_, err := odm.SummarizeExplain(bson.Raw{1, 2})
	require.Error(t, err)
	raw, _ := bson.Marshal(bson.D{{Key: "ok", Value: 1}})
	_, err = odm.SummarizeExplain(raw)
	require.ErrorContains(t, err, "queryPlanner")
}

// fakeT records a failure instead of failing the test.
type fakeT struct{ failed string }

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
}

// The live server's reply summarises too; FerretDB scans the collection,
// which RequireIndexed reports.
func TestExplainSummaryLive(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	_, err := users.SyncIndexes(ctx, nil)
	require.NoError(t, err)
	for i := 0; i < 20; i++ {
		require.NoError(t, users.Create(ctx, &User{Username: fmt.Sprintf("user%02d", i), Email: fmt.Sprintf("u%d@x.io", i), Tags: []string{"t"}}))
	}
	s, err := users.Find(bson.M{"username": "user07"}).ExplainSummary(ctx)
	require.NoError(t, err)
	if !devenv.RealMongo() {
		require.Equal(t, odm.EngineFerretDB, s.Engine)
		require.True(t, s.CollScan, "FerretDB never reads through an index")
		ft := &fakeT{}
		odm.RequireIndexed(ft, ctx, users.Find(bson.M{"username": "user07"}))
		require.Contains(t, ft.failed, "does not use an index")
		return
	}
	require.True(t, s.UsesIndex(), "%s", s)
	require.Equal(t, []string{"username_1"}, s.Indexes)
	require.Equal(t, int64(1), s.Returned)
	require.Equal(t, int64(1), s.DocsExamined)
	odm.RequireIndexed(t, ctx, users.Find(bson.M{"username": "user07"}))

	ft := &fakeT{}
	odm.RequireIndexed(ft, ctx, users.Find(bson.M{"email": "u7@x.io"}))
	require.Contains(t, ft.failed, "COLLSCAN")

	// Aggregate replies of either engine summarise as well.
	raw, err := agg.Explain(ctx, users.Collection(), agg.New().Match(bson.D{{Key: "username", Value: "user07"}}), "executionStats")
	require.NoError(t, err)
	as, err := odm.SummarizeExplain(raw)
	require.NoError(t, err)
	require.Equal(t, []string{"username_1"}, as.Indexes, "%s", as)
}

// Change streams deliver events and resume after a token without losing
// or repeating any.
func TestWatchResumesOnRealMongo(t *testing.T) {
	devenv.RequireRealMongo(t, "change streams")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	users := userModel(t)
	require.NoError(t, users.Create(ctx, &User{Username: "seed", Email: "s@x.io"})) // collection exists
	cs, err := users.Watch(ctx, &odm.WatchOpts{FullDocument: true,
		Pipeline: agg.New().Match(bson.D{{Key: "operationType", Value: bson.D{{Key: "$in", Value: bson.A{"insert", "update"}}}}})})
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		require.NoError(t, users.Create(ctx, &User{Username: fmt.Sprintf("w%d", i), Email: "w@x.io"}))
	}
	require.True(t, cs.Next(ctx), "%v", cs.Err())
	require.Equal(t, "insert", cs.Event().OperationType)
	require.Equal(t, "w0", cs.Event().FullDocument.Username)
	token := cs.Event().ResumeToken
	require.NoError(t, cs.Close(ctx))

	_, err = users.UpdateOne(ctx, bson.M{"username": "w0"}, bson.M{"$set": bson.M{"status": "inactive"}}, nil)
	require.NoError(t, err)
	resumed, err := users.Watch(ctx, &odm.WatchOpts{ResumeAfter: token, FullDocument: true})
	require.NoError(t, err)
	defer resumed.Close(ctx)
	var seen []string
	for len(seen) < 3 && resumed.Next(ctx) {
		ev := resumed.Event()
		seen = append(seen, ev.OperationType+":"+ev.FullDocument.Username)
	}
	require.NoError(t, resumed.Err())
	require.Equal(t, []string{"insert:w1", "insert:w2", "update:w0"}, seen)
	require.NotEmpty(t, resumed.ResumeToken())
}

// Pipelines built with package agg run through the model's aggregate
// hooks, which may rewrite them.
func TestAggregatePipelineRunsHooks(t *testing.T) {
	ctx := context.Background()
	users := userModel(t)
	for i, st := range []string{"active", "active", "inactive", "active"} {
		require.NoError(t, users.Create(ctx, &User{Username: fmt.Sprintf("a%d", i), Email: "a@x.io", Status: st}))
	}
	users.Pre(odm.EventAggregate, func(ctx context.Context, op *odm.Op[User]) error {
		op.Pipeline = append([]bson.D{{{Key: "$match", Value: bson.D{{Key: "username", Value: bson.D{{Key: "$ne", Value: "a0"}}}}}}}, op.Pipeline...)
		return nil
	})
	var rows []struct {
		Status string `bson:"_id"`
		N      int    `bson:"n"`
	}
	p := agg.New().Group("$status", agg.Acc("n", agg.Sum(1))).Sort(agg.Asc("_id"))
	require.NoError(t, users.AggregatePipeline(ctx, p, &rows))
	require.Len(t, rows, 2)
	require.Equal(t, "active", rows[0].Status)
	require.Equal(t, 2, rows[0].N, "the hook's $match dropped a0")
	require.Equal(t, 1, rows[1].N)

	err := users.AggregatePipeline(ctx, agg.New().Limit(-1), &rows)
	require.True(t, agg.IsInvalid(err))
}
