package analytics

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var decodeSeeds = []string{
	`{"eventType":"page_view","userId":"u1","timestamp":"2026-01-02T03:04:05.678Z","value":12.5,"metadata":{"country":"DE","device":"mobile"}}`,
	`{"eventType":"click","userId":"u1","timestamp":1700000000000}`,
	` { "eventType" : "a" , "userId" : "u" , "value" : -0.5e-3 , "metadata" : { } } `,
	`{}`, `{"eventType":"a","userId":"u","value":1e999}`,
	`{"eventType":"a","eventType":"b","userId":"u"}`, `{"EventType":"a","userId":"u"}`,
	`{"eventType":"a","userId":"u\u0041"}`, `{"eventType":"a","userId":"é"}`, `{"eventType":"a","userId":"u","value":01}`,
	`{"eventType":"a","userId":"u","value":1.}`, `{"eventType":"a","userId":"u","value":null}`, `{"eventType":"a","userId":"u","value":"1"}`,
	`{"eventType":"a","userId":"u","metadata":{"k":"v","k":"w"}}`, `{"eventType":"a","userId":"u","metadata":{"k":1}}`,
	`{"eventType":"a","userId":"u"}x`, `{"eventType":"a","userId":"u",}`, `{"eventType":"a" "userId":"u"}`, `{"eventType":"a","userId":"u"`,
	`{"eventType":"a","userId":"u","admin":true}`, `{"eventType":"a","userId":"u","value":-}`,
}

// FuzzDecodeFast: wherever the reflection-free decoder answers, it answers
// what encoding/json (with unknown fields refused and nothing after the
// object) decodes from the same bytes.
func FuzzDecodeFast(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fast, ok := decodeFast(raw)
		if !ok {
			return
		}
		slow, rej := decodeSlow(raw)
		require.Nil(t, rej, "encoding/json refuses %q, which decodeFast read", raw)
		require.Equal(t, slow.Type, fast.Type)
		require.Equal(t, slow.User, fast.User)
		require.Equal(t, string(slow.Time), string(fast.Time))
		require.Equal(t, string(slow.Value), string(fast.Value))
		require.Equal(t, slow.Metadata, fast.Metadata)
	})
}

// The common shapes take the fast path (else the speed-up is lost
// silently), and the seeds that must not, do not.
func TestDecodeFastCoversTheCommonShape(t *testing.T) {
	for _, s := range decodeSeeds[:5] {
		_, ok := decodeFast([]byte(s))
		require.True(t, ok, s)
	}
	for _, s := range decodeSeeds[5:] {
		_, ok := decodeFast([]byte(s))
		require.False(t, ok, s)
	}
}

// appendBatch writes what json.Unmarshal reads back as the same Batch,
// for plain and awkward strings, every kind of value and metadata.
func TestAppendBatchRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	strs := []string{"u1", `quote"back\slash`, "tab\tnl\n", "é中😀", "<&>", "\x7f", "", "\xff"}
	values := []float64{0, -0.5, 1e-7, 12.5, 1e21, -3e300, math.SmallestNonzeroFloat64, 123456789.123}
	now := time.Now().UTC()
	var events []Event
	for i := range 200 {
		e := Event{Type: "page_view", User: strs[r.IntN(len(strs))]}
		if i%3 != 0 {
			e.Time = now.Add(time.Duration(r.Int64N(int64(time.Minute))))
		}
		if i%2 == 0 {
			v := values[r.IntN(len(values))]
			e.Value = &v
		}
		if i%4 != 0 {
			e.Metadata = map[string]string{strs[r.IntN(len(strs))]: strs[r.IntN(len(strs))], "device": "mobile"}
		}
		events = append(events, e)
	}
	data, err := appendBatch(nil, 1234, events)
	require.NoError(t, err)
	var got, want Batch
	require.NoError(t, json.Unmarshal(data, &got), string(data))
	std, err := json.Marshal(Batch{Accepted: 1234, Events: events})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(std, &want))
	require.Equal(t, want, got)

	nan := math.NaN()
	_, err = appendBatch(nil, 1, []Event{{Type: "a", User: "u", Value: &nan}})
	require.Error(t, err, "NaN is no JSON number")
}

// Batch.UnmarshalJSON reads what json.Unmarshal would, by the fast path
// for what appendBatch writes of plain events, by encoding/json otherwise.
func TestBatchUnmarshalFast(t *testing.T) {
	type plain Batch
	v := 42.5
	now := time.Now().UTC()
	plainEvents := []Event{
		{Type: "page_view", User: "u1", Time: now, Value: &v, Metadata: map[string]string{"country": "DE", "device": "mobile"}},
		{Type: "click", User: "u2", Time: now.Add(time.Millisecond)},
		{Type: "signup", User: "u3", Metadata: map[string]string{}},
	}
	awkward := append(append([]Event{}, plainEvents...), Event{Type: "click", User: `quote"é`, Time: now})
	for _, events := range [][]Event{plainEvents, awkward, nil} {
		data, err := appendBatch(nil, 99, events)
		require.NoError(t, err)
		var fast Batch
		require.Equal(t, len(events) != len(awkward), decodeBatchFast(data, &fast), string(data))
		var got Batch
		require.NoError(t, json.Unmarshal(data, &got))
		var want plain
		require.NoError(t, json.Unmarshal(data, &want))
		if len(want.Events) == 0 {
			want.Events = []Event{}
		}
		require.Equal(t, Batch(want), got)
	}
	var b Batch
	require.Error(t, json.Unmarshal([]byte(`{"at":"x","events":[]}`), &b))
}
