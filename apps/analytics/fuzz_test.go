package analytics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/analytics"
)

var ingestSeeds = []string{
	`[{"eventType":"page_view","userId":"u1","value":1}]`,
	`{"eventType":"click","userId":"u1"}` + "\n" + `{"eventType":"click"}`,
	`[{"eventType":"x","userId":"u","timestamp":"2030-01-01T00:00:00Z"}]`,
	`{"eventType":"a","userId":"u","metadata":{"country":"DE"}}`,
	`[]`, `[`, `{`, `null`, `"str"`, `[null]`, `[1e999]`, "\x00\xff",
	`{"eventType":"a","userId":"u","value":-0}`,
	`{"eventType":"a","userId":"u","timestamp":-62135596800001}`,
	`{"eventType":"a","userId":"u"}{"eventType":"a","userId":"u"}`,
}

// FuzzParse: any body yields a *BatchError or a partition of its events
// into accepted and rejected-by-index; never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range ingestSeeds {
		f.Add([]byte(s))
	}
	v := analytics.NewValidator(analytics.Limits{MaxEvents: 50}, nil, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		good, bad, err := v.Parse(body)
		if err != nil {
			require.ErrorIs(t, err, analytics.ErrInvalidBatch)
			return
		}
		seen := map[int]bool{}
		for _, r := range bad {
			require.False(t, seen[r.Index])
			seen[r.Index] = true
			require.NotEmpty(t, r.Code)
			require.NotEmpty(t, r.Reason)
		}
		for _, e := range good {
			require.NotEmpty(t, e.Type)
			require.NotEmpty(t, e.User)
			require.False(t, e.Time.IsZero())
		}
	})
}

// FuzzIngestEndpoint posts arbitrary bodies to the real handler on Redis:
// the answer is 200 or 400 (413 when too large) with a JSON body, never a
// 5xx or a panic, and accepted + rejected add up. What is written is
// exactly what is accepted: the per-type totals and the rollup stream grow
// by the accepted count, and a batch refused as a whole writes nothing.
func FuzzIngestEndpoint(f *testing.F) {
	for _, s := range ingestSeeds {
		f.Add([]byte(s))
	}
	e := newEnv(f, "")
	h := e.app.Handler()
	written := func(t *testing.T) (events, entries int64) {
		totals, err := e.app.Reader().Totals(context.Background())
		require.NoError(t, err)
		for _, n := range totals {
			events += n
		}
		entries, err = e.redis.Do(context.Background(), e.redis.B().Xlen().Key(e.app.StreamKey()).Build()).AsInt64()
		require.NoError(t, err)
		return events, entries
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		eventsBefore, entriesBefore := written(t)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, analytics.PathEvents, bytes.NewReader(body)))
		require.Contains(t, []int{200, 400, 413}, rec.Code, rec.Body.String())
		events, entries := written(t)
		if rec.Code == 200 || (rec.Code == 400 && bytes.Contains(rec.Body.Bytes(), []byte(`"accepted"`))) {
			var res analytics.IngestResponse
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
			require.Equal(t, rec.Code == 200, res.Accepted > 0)
			require.EqualValues(t, res.Accepted, events-eventsBefore, "events counted = events accepted")
			if res.Accepted == 0 {
				require.Equal(t, entriesBefore, entries, "a batch with nothing accepted adds nothing to the stream")
			}
			for _, r := range res.Rejected {
				if r.Code != analytics.CodeMalformed && r.Code != analytics.CodeTooMany {
					require.NotEmpty(t, r.Field, "%+v", r)
				}
			}
			return
		}
		var eb errorBody
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &eb), rec.Body.String())
		require.NotEmpty(t, eb.Error.Code)
		require.Equal(t, "body", eb.Error.Field, "a batch refused as a whole names the body")
		require.Equal(t, eventsBefore, events, "a batch refused as a whole counts nothing")
		require.Equal(t, entriesBefore, entries, "a batch refused as a whole adds nothing to the stream")
	})
}

// FuzzSegmentParams: any query string gives 400 with a reason or a
// segment answer from PostgreSQL; the SQL never changes shape (every rule
// is a bind parameter — see TestSegmentQueryShape).
func FuzzSegmentParams(f *testing.F) {
	for _, s := range []string{"", "min_orders=2&min_ltv=10.5&recency_days=7&limit=5",
		"recency_days=1';DROP TABLE analytics.users;--", "min_ltv=NaN", "min_ltv=1e308", "limit=0",
		"recency_days=99999999999999999999", "min_orders=-1", "min_ltv=%00"} {
		f.Add(s)
	}
	e := newEnv(f, "")
	h := e.app.Handler()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(f, e.app.RefreshSegments(ctx))
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, analytics.PathSegments+"?"+q.Encode(), nil))
		require.Contains(t, []int{200, 400}, rec.Code, rec.Body.String())
		if rec.Code == 400 {
			var eb errorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &eb), rec.Body.String())
			require.NotEmpty(t, eb.Error.Field, "a 400 names the parameter: %s", rec.Body.String())
			require.Contains(t, raw, eb.Error.Field, "the named parameter is one that was sent")
		}
		if rec.Code == 200 {
			var s analytics.Segment
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &s))
			require.GreaterOrEqual(t, s.Count, int64(len(s.Users)))
		}
	})
}
