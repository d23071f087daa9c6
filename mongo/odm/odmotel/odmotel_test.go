package odmotel_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/mongo/odm/odmotel"
)

func TestMain(m *testing.M) { devenv.Main(m) }

type Secret struct {
	ID    bson.ObjectID `bson:"_id,omitempty"`
	Owner string        `bson:"owner"`
	Value string        `bson:"value"`
}

// TestSpans: one client span per command, nested under the caller's span,
// with command, collection, database and document counts, never values.
func TestSpans(t *testing.T) {
	ctx := context.Background()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tracer := tp.Tracer("test")
	var events []odm.QueryEvent
	onQuery := odmotel.OnQuery(tracer)
	client, err := mongo.Connect(options.Client().ApplyURI(devenv.MongoServer(t).URL).
		SetMonitor(odm.Monitor(func(ctx context.Context, e odm.QueryEvent) {
			events = append(events, e)
			onQuery(ctx, e)
		})))
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	db := client.Database(devenv.UniqueName("pstest_otel_"))
	t.Cleanup(func() { _ = db.Drop(context.Background()) })
	secrets := odm.MustModel[Secret](db, "Secret", nil, nil)

	ctx, parent := tracer.Start(ctx, "handler")
	require.NoError(t, secrets.InsertMany(ctx, []*Secret{{Owner: "ann", Value: "hunter2"}, {Owner: "bob", Value: "swordfish"}}))
	got, err := secrets.Find(bson.M{"value": "hunter2"}).All(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1)
	_, err = secrets.UpdateMany(ctx, nil, bson.M{"$set": bson.M{"owner": "carol"}}, nil)
	require.NoError(t, err)
	err = secrets.Aggregate(ctx, []bson.D{{{Key: "$nosuchstage", Value: 1}}}, &[]bson.M{})
	require.Error(t, err)
	parent.End()

	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		byName[s.Name()] = s
		for _, a := range s.Attributes() {
			v := a.Value.Emit()
			require.False(t, strings.Contains(v, "hunter2") || strings.Contains(v, "swordfish") || strings.Contains(v, "carol"),
				"span %s attribute %s leaks a value: %s", s.Name(), a.Key, v)
		}
	}
	attr := func(s sdktrace.ReadOnlySpan, key string) string {
		for _, a := range s.Attributes() {
			if string(a.Key) == key {
				return a.Value.Emit()
			}
		}
		return ""
	}
	ins := byName["secrets.insert"]
	require.NotNil(t, ins, "spans: %v", keys(byName))
	require.Equal(t, "2", attr(ins, "db.response.returned_rows"))
	require.Equal(t, "mongodb", attr(ins, "db.system"))
	require.Equal(t, "secrets", attr(ins, "db.collection.name"))
	require.Equal(t, db.Name(), attr(ins, "db.namespace"))
	require.Equal(t, parent.SpanContext().SpanID(), ins.Parent().SpanID(), "nested under the caller's span")
	require.Equal(t, "1", attr(byName["secrets.find"], "db.response.returned_rows"))
	require.Equal(t, "2", attr(byName["secrets.update"], "db.response.returned_rows"))
	agg := byName["secrets.aggregate"]
	require.NotNil(t, agg)
	require.Equal(t, "Error", agg.Status().Code.String())
	var insert odm.QueryEvent
	for _, e := range events {
		if e.Action == "insert" {
			insert = e
		}
		require.Equal(t, "mongodb", e.Server)
		require.Equal(t, string(e.Action), e.SQL, "the command name, never a filter")
		require.GreaterOrEqual(t, e.Duration, time.Duration(0))
		require.False(t, e.Start.IsZero())
	}

	require.Equal(t, odm.QueryEvent{Action: "insert", SQL: "insert", Args: 2, Rows: 2, Server: "mongodb", Database: db.Name(), Collection: "secrets",
		Start: insert.Start, Duration: insert.Duration}, insert, "the shared event shape")
	require.Equal(t, "2", attr(ins, "db.operation.batch.size"))
}

func keys(m map[string]sdktrace.ReadOnlySpan) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
