package analytics

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/mongo/odm"
)

// TestSegmentQueryShape: whatever the rules, the SQL text is the same and
// the rules travel as bind parameters (the guide spliced recencyDays into
// INTERVAL '${days} days').
func TestSegmentQueryShape(t *testing.T) {
	want, _, err := segmentWhere(SegmentRules{MinOrders: 1, RecencyDays: 30}).Build()
	require.NoError(t, err)
	require.Contains(t, want, "make_interval(days => $3)")
	for _, r := range []SegmentRules{
		{MinOrders: math.MaxInt64, MinLTV: 1e12, RecencyDays: 3650},
		{MinOrders: 0, MinLTV: 0.5, RecencyDays: 1},
	} {
		text, args, err := segmentWhere(r).Build()
		require.NoError(t, err)
		require.Equal(t, want, text)
		require.Equal(t, []any{r.MinOrders, r.MinLTV, r.RecencyDays}, args)
	}
}

// TestRollupTimeSeriesCommand pins the create command of the time-series
// form of the rollup collection (MongoDB only; FerretDB has none).
func TestRollupTimeSeriesCommand(t *testing.T) {
	s, err := RollupSchema(true)
	require.NoError(t, err)
	cmd := odm.CreateCollectionCommand("analytics_rollups", s.Options())
	require.Equal(t, bson.D{{Key: "create", Value: "analytics_rollups"}, {Key: "timeseries", Value: bson.D{
		{Key: "timeField", Value: "date"}, {Key: "metaField", Value: "metric"}, {Key: "granularity", Value: "minutes"}}}}, cmd)
	plain, err := RollupSchema(false)
	require.NoError(t, err)
	require.Nil(t, odm.CreateCollectionCommand("analytics_rollups", plain.Options()))
}
