package analytics_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/analytics"
)

// errorBody is the API's JSON error.
type errorBody struct {
	Error struct{ Code, Message, Field string }
}

// TestBadInputNamesTheField: every 400 names the offending input — the
// query parameter, "body" for a batch that cannot be read, and for events
// rejected one by one the field of each event.
func TestBadInputNamesTheField(t *testing.T) {
	h := newEnv(t, "").app.Handler()
	for _, tc := range []struct{ method, target, body, field string }{
		{"GET", analytics.PathSeries + "?minutes=abc", "", "minutes"},
		{"GET", analytics.PathSeries + "?minutes=0", "", "minutes"},
		{"GET", analytics.PathSegments + "?min_ltv=-1", "", "min_ltv"},
		{"GET", analytics.PathSegments + "?limit=x", "", "limit"},
		{"GET", analytics.PathSegments + "?recency_days=0", "", "recency_days"},
		{"POST", analytics.PathEvents, "", "body"},
		{"POST", analytics.PathEvents, "[", "body"},
		{"POST", analytics.PathEvents, "[]", "body"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body)))
		require.Equal(t, http.StatusBadRequest, rec.Code, "%s %s %q: %s", tc.method, tc.target, tc.body, rec.Body)
		var e errorBody
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
		require.Equal(t, tc.field, e.Error.Field, "%s %s %q: %s", tc.method, tc.target, tc.body, rec.Body)
	}

	// One event per line, each wrong in one field.
	events := []struct{ event, field string }{
		{`{"userId":"u"}`, "eventType"},
		{`{"eventType":"Bad Type","userId":"u"}`, "eventType"},
		{`{"eventType":"click"}`, "userId"},
		{`{"eventType":"click","userId":7}`, "userId"},
		{`{"eventType":"click","userId":"u","timestamp":"yesterday"}`, "timestamp"},
		{`{"eventType":"click","userId":"u","value":"12"}`, "value"},
		{`{"eventType":"click","userId":"u","metadata":{"":"x"}}`, "metadata"},
		{`{"eventType":"click","userId":"u","metadata":{"k":1}}`, "metadata"},
		{`{"eventType":"click","userId":"u","colour":"red"}`, "colour"},
		{`[1]`, ""},
	}
	var body bytes.Buffer
	for _, e := range events {
		body.WriteString(e.event + "\n")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", analytics.PathEvents, &body))
	require.Equal(t, http.StatusBadRequest, rec.Code, "no event is valid: %s", rec.Body)
	var res analytics.IngestResponse
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	require.Len(t, res.Rejected, len(events))
	for _, r := range res.Rejected {
		require.Equal(t, events[r.Index].field, r.Field, "%s: %+v", events[r.Index].event, r)
	}
}

// FuzzSeriesParams: any minutes parameter gives a series (200) or 400
// naming "minutes"; never a 5xx.
func FuzzSeriesParams(f *testing.F) {
	for _, s := range []string{"", "1", "60", "0", "-1", "1441", "99999999999999999999", "1e3", " 5", "abc", "%00"} {
		f.Add(s)
	}
	h := newEnv(f, "").app.Handler()
	f.Fuzz(func(t *testing.T, minutes string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, analytics.PathSeries, nil)
		q := req.URL.Query()
		q.Set("minutes", minutes)
		req.URL.RawQuery = q.Encode()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			var s analytics.Series
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &s), rec.Body.String())
		case 400:
			var e errorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), rec.Body.String())
			require.Equal(t, "minutes", e.Error.Field)
		default:
			t.Fatalf("minutes=%q: status %d %s", minutes, rec.Code, rec.Body)
		}
	})
}
