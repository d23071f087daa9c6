package analytics_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/apps/analytics"
	"github.com/polystore/polystore/internal/testclock"
)

var fixedNow = testclock.Now().UTC().Truncate(time.Millisecond)

func validator() *analytics.Validator {
	return analytics.NewValidator(analytics.Limits{}, nil, func() time.Time { return fixedNow })
}

func TestParseRejectsBadEventsByIndex(t *testing.T) {
	now := fixedNow.Format(time.RFC3339)
	long := strings.Repeat("x", 65)
	cases := []struct {
		name string
		line string
		code string
	}{
		{"ok", `{"eventType":"page_view","userId":"u1","timestamp":"` + now + `","value":12.5,"metadata":{"country":"DE"}}`, ""},
		{"ok epoch ms", `{"eventType":"click","userId":"u1","timestamp":` + itoa(fixedNow.UnixMilli()) + `}`, ""},
		{"ok no timestamp", `{"eventType":"click","userId":"u1"}`, ""},
		{"missing type", `{"userId":"u1"}`, analytics.CodeType},
		{"bad type", `{"eventType":"Drop Table","userId":"u1"}`, analytics.CodeType},
		{"missing user", `{"eventType":"click"}`, analytics.CodeUser},
		{"long user", `{"eventType":"click","userId":"` + long + `"}`, analytics.CodeUser},
		{"control user", `{"eventType":"click","userId":"a\u0000b"}`, analytics.CodeUser},
		{"old", `{"eventType":"click","userId":"u","timestamp":"` + fixedNow.Add(-time.Hour).Format(time.RFC3339) + `"}`, analytics.CodeTooOld},
		{"future", `{"eventType":"click","userId":"u","timestamp":"` + fixedNow.Add(time.Hour).Format(time.RFC3339) + `"}`, analytics.CodeInFuture},
		{"bad timestamp", `{"eventType":"click","userId":"u","timestamp":"yesterday"}`, analytics.CodeTimestamp},
		{"string value", `{"eventType":"click","userId":"u","value":"12"}`, analytics.CodeValue},
		{"huge value", `{"eventType":"click","userId":"u","value":1e300}`, analytics.CodeValue},
		{"unknown field", `{"eventType":"click","userId":"u","admin":true}`, analytics.CodeUnknownField},
		{"not an object", `[1,2]`, analytics.CodeMalformed},
		{"metadata too big", `{"eventType":"click","userId":"u","metadata":{"k":"` + strings.Repeat("v", 2000) + `"}}`, analytics.CodeMetadata},
		{"metadata nested", `{"eventType":"click","userId":"u","metadata":{"k":{"a":1}}}`, analytics.CodeMalformed},
	}
	var body strings.Builder
	for _, c := range cases {
		body.WriteString(c.line + "\n")
	}
	good, bad, err := validator().Parse([]byte(body.String()))
	require.NoError(t, err)
	require.Len(t, good, 3)
	require.Equal(t, "page_view", good[0].Type)
	require.Equal(t, 12.5, *good[0].Value)
	require.Equal(t, fixedNow, good[1].Time, "epoch milliseconds")
	require.Equal(t, fixedNow, good[2].Time, "a missing timestamp is the time of receipt")
	byIndex := map[int]analytics.Rejection{}
	for _, r := range bad {
		byIndex[r.Index] = r
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, rejected := byIndex[i]
			if c.code == "" {
				require.False(t, rejected, "%+v", r)
				return
			}
			require.True(t, rejected)
			require.Equal(t, c.code, r.Code, r.Reason)
			require.NotEmpty(t, r.Reason)
		})
	}
}

func TestParseBatchShapes(t *testing.T) {
	v := validator()
	good, bad, err := v.Parse([]byte(` [{"eventType":"a","userId":"1"},{"eventType":"b","userId":"2"}] `))
	require.NoError(t, err)
	require.Len(t, good, 2)
	require.Empty(t, bad)

	for _, body := range []string{"", "   ", "[]", "[{", "[1,"} {
		_, _, err := v.Parse([]byte(body))
		require.ErrorIs(t, err, analytics.ErrInvalidBatch, "%q", body)
	}

	small := analytics.NewValidator(analytics.Limits{MaxEvents: 2}, []string{"a"}, nil)
	good, bad, err = small.Parse([]byte(`{"eventType":"a","userId":"1"}
{"eventType":"b","userId":"1"}
{"eventType":"a","userId":"1"}`))
	require.NoError(t, err)
	require.Len(t, good, 1)
	require.Equal(t, []string{analytics.CodeTypeNotAllowed, analytics.CodeTooMany}, []string{bad[0].Code, bad[1].Code})
	require.Equal(t, []int{1, 2}, []int{bad[0].Index, bad[1].Index})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
