package analytics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/internal/demo"
)

// TestNilArguments checks that methods of nil receivers, and a System
// set up without an environment, return an error wrapping ErrInvalid
// instead of panicking.
func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	var (
		app *analytics.App
		cnt *analytics.Counters
		rd  *analytics.Reader
		val *analytics.Validator
		bat *analytics.Batch
		sys *analytics.System
	)
	now := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC) // clock-free: only passed to nil receivers, which refuse before reading it
	cases := []struct {
		name string
		call func() error
	}{
		{"App.Setup", func() error { return app.Setup(ctx) }},
		{"App.Ingest", func() error { _, _, err := app.Ingest(ctx, []byte(`[]`)); return err }},
		{"App.RunRollups", func() error { return app.RunRollups(ctx, "c", nil) }},
		{"App.RollupFor", func() error { _, err := app.RollupFor(ctx, "minute", now, "click"); return err }},
		{"App.RefreshSegments", func() error { return app.RefreshSegments(ctx) }},
		{"App.RunSegmentRefresh", func() error { return app.RunSegmentRefresh(ctx, time.Second) }},
		{"App.QuerySegment", func() error { _, err := app.QuerySegment(ctx, analytics.SegmentRules{}); return err }},
		{"App.Series", func() error { _, err := app.Series(ctx, 5); return err }},
		{"Counters.Backlog", func() error { _, err := cnt.Backlog(ctx); return err }},
		{"Counters.Record", func() error { _, err := cnt.Record(ctx, []analytics.Event{{Type: "click"}}); return err }},
		{"Reader.Types", func() error { _, err := rd.Types(ctx); return err }},
		{"Reader.Totals", func() error { _, err := rd.Totals(ctx); return err }},
		{"Reader.Minutes", func() error { _, err := rd.Minutes(ctx, []time.Time{now}); return err }},
		{"Reader.MergeUniques", func() error { _, err := rd.MergeUniques(ctx, []time.Time{now}, "click"); return err }},
		{"Validator.Parse", func() error { _, _, err := val.Parse([]byte(`[]`)); return err }},
		{"Batch.UnmarshalJSON", func() error { return bat.UnmarshalJSON([]byte(`{}`)) }},
		{"System.Setup", func() error { return sys.Setup(ctx, nil) }},
		{"System.Setup(nil env)", func() error { return (&analytics.System{}).Setup(ctx, nil) }},
		{"System.Run before Setup", func() error {
			_, err := (&analytics.System{}).Run(ctx, demo.RunOptions{Rate: 1, Duration: time.Second}, nil)
			return err
		}},
		{"System.Run nil", func() error {
			_, err := sys.Run(ctx, demo.RunOptions{Rate: 1, Duration: time.Second}, nil)
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), analytics.ErrInvalid)
		})
	}

	if app.Counters() != nil || app.Reader() != nil || app.Validator() != nil || app.StreamKey() != "" ||
		val.Limits() != (analytics.Limits{}) || sys.App() != nil {
		t.Fatal("nil receivers' accessors must return zero values")
	}
	var tr *analytics.Traffic
	require.False(t, tr.Events(3, now) != nil || analytics.NewTraffic(1, 10).Events(-1, now) != nil, "a nil Traffic, or a negative count, must give no events")
	var sk *analytics.Sketch
	if d := sk.Doc(); d.Sketch().Count() != 0 {
		t.Fatalf("a nil Sketch's Doc holds %d values", d.Sketch().Count())
	}
	sk.Add(1) // ignored, no panic
	sk.AddN(2, 3)
	require.Zero(t, sk.Count())
	var ts *analytics.TypeStats
	ts.Merge(&analytics.TypeStats{Count: 1}) // nowhere to merge into: no panic
	require.Zero(t, ts.Avg())
	require.NoError(t, sys.Close(ctx))
	for _, h := range []http.Handler{sys.Handler(), (&analytics.System{}).Handler()} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		if w.Code != http.StatusServiceUnavailable {
			t.Fatalf("Handler before Setup answered %d, want 503", w.Code)
		}
	}
	// A nil App's handler answers the error instead of panicking.
	w := httptest.NewRecorder()
	app.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, analytics.PathEvents, nil))
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("nil App's ingest answered %d, want 503", w.Code)
	}
}
