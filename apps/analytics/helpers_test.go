package analytics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/internal/devenv"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChildConsumer())
	}
	devenv.Main(m)
}

// traffic makes skewed events: page views dominate, a few heavy users,
// values per type (latency for page views, amounts for purchases).
type traffic struct {
	r     *rand.Rand
	users int
	now   func() time.Time
}

func (g *traffic) event() analytics.Event {
	r := g.r
	var t string
	switch x := r.IntN(100); {
	case x < 60:
		t = "page_view"
	case x < 85:
		t = "click"
	case x < 90:
		t = "signup"
	default:
		t = "purchase"
	}
	u := r.IntN(g.users)
	if r.IntN(4) == 0 {
		u = r.IntN(max(1, g.users/50)) // heavy users
	}
	e := analytics.Event{Type: t, User: "u" + strconv.Itoa(u),
		Time: g.now().Add(-time.Duration(r.IntN(50_000)) * time.Millisecond).UTC().Truncate(time.Millisecond),
		Metadata: map[string]string{"country": []string{"DE", "US", "FR", "BR", "IN"}[r.IntN(5)],
			"device": []string{"mobile", "desktop"}[r.IntN(2)]}}
	switch t {
	case "page_view":
		v := 20 + r.ExpFloat64()*80
		e.Value = &v
	case "purchase":
		v := float64(int(100*(5+r.ExpFloat64()*50))) / 100
		e.Value = &v
	}
	return e
}

// env is an App on the test's stores.
type env struct {
	app    *analytics.App
	redis  rueidis.Client
	prefix string
	mongo  *mongo.Database
	pgURL  string
	pool   *pgxpool.Pool
}

func newEnv(t testing.TB, redisURL string) *env {
	t.Helper()
	e := &env{mongo: devenv.Mongo(t), pgURL: devenv.PostgresURL(t)}
	if redisURL == "" {
		ns := devenv.Redis(t)
		e.redis, e.prefix = ns.Client, ns.Prefix+"{an}:"
	} else {
		opt, err := devenv.RedisOption(redisURL)
		require.NoError(t, err)
		e.redis, err = rueidis.NewClient(opt)
		require.NoError(t, err)
		t.Cleanup(e.redis.Close)
		e.prefix = "analytics:{an}:"
	}
	var err error
	e.pool, err = pgxpool.New(context.Background(), e.pgURL)
	require.NoError(t, err)
	t.Cleanup(e.pool.Close)
	e.app, err = analytics.New(analytics.Config{Redis: e.redis, Mongo: e.mongo, Postgres: e.pool, Prefix: e.prefix, Logger: quietLogger()})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, e.app.Setup(ctx))
	return e
}

// post sends a batch and decodes the answer.
func post(ctx context.Context, url string, events []analytics.Event, extra ...string) (int, analytics.IngestResponse, error) {
	var body bytes.Buffer
	for _, e := range events {
		b, _ := json.Marshal(e)
		body.Write(b)
		body.WriteByte('\n')
	}
	for _, x := range extra {
		body.WriteString(x + "\n")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+analytics.PathEvents, &body)
	if err != nil {
		return 0, analytics.IngestResponse{}, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, analytics.IngestResponse{}, err
	}
	defer res.Body.Close()
	var out analytics.IngestResponse
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out, nil
}

// waitDrained waits until the rollup group has read every entry and has
// none pending.
func waitDrained(t *testing.T, c rueidis.Client, streamKey string, within time.Duration) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(within)
	for {
		last, err1 := c.Do(ctx, c.B().XinfoStream().Key(streamKey).Build()).AsMap()
		groups, err2 := c.Do(ctx, c.B().XinfoGroups().Key(streamKey).Build()).ToArray()
		if err1 == nil && err2 == nil && len(groups) == 1 {
			g, _ := groups[0].AsMap()
			lastGen := last["last-generated-id"]
			pendingMsg, delivered := g["pending"], g["last-delivered-id"]
			want, _ := lastGen.ToString()
			got, _ := delivered.ToString()
			pending, _ := pendingMsg.AsInt64()
			if pending == 0 && got == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("rollups did not drain within %s (%v %v)", within, err1, err2)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkConservation compares what was accepted with Redis, the MongoDB
// minute and hour documents and the PostgreSQL orders.
func checkConservation(t *testing.T, e *env, want map[string]int64, purchases int64) {
	t.Helper()
	ctx := context.Background()
	totals, err := e.app.Reader().Totals(ctx)
	require.NoError(t, err)
	require.Equal(t, want, totals, "Redis totals = accepted events")

	coll := e.mongo.Collection("analytics_rollups")
	sums := func(gran string) (map[string]int64, int64) {
		cur, err := coll.Find(ctx, bson.D{{Key: "granularity", Value: gran}})
		require.NoError(t, err)
		var docs []analytics.Rollup
		require.NoError(t, cur.All(ctx, &docs))
		byType, all := map[string]int64{}, int64(0)
		for _, d := range docs {
			if tp, ok := d.Dimensions["type"]; ok {
				byType[tp] += d.Values.Count
			} else {
				all += d.Values.Count
			}
			if d.Values.ValueCount > 0 {
				require.InDelta(t, d.Values.Sum/float64(d.Values.ValueCount), d.Values.Avg, 1e-9, "avg is sum/count")
				require.LessOrEqual(t, d.Values.Min, d.Values.P50)
				require.LessOrEqual(t, d.Values.P50, d.Values.P99)
			}
		}
		return byType, all
	}
	var total int64
	for _, n := range want {
		total += n
	}
	for _, gran := range []string{"minute", "hour"} {
		byType, all := sums(gran)
		require.Equal(t, want, byType, "MongoDB %s documents per type = accepted", gran)
		require.Equal(t, total, all, "MongoDB %s documents over every type = accepted", gran)
	}
	var orders int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM analytics.orders`).Scan(&orders))
	require.Equal(t, purchases, orders, "PostgreSQL orders = accepted purchases, none twice")
}

// quietLogger keeps the expected warnings of fault tests (store down,
// retries) out of the test output.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
