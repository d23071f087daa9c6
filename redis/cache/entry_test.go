package cache

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEntryRoundTrip(t *testing.T) {
	for _, e := range []entry{
		{payload: []byte(`{"a":1}`), expiry: time.UnixMilli(1_900_000_000_123), delta: 250 * time.Millisecond},
		{negative: true, expiry: time.UnixMilli(1), delta: 0},
	} {
		got, err := decodeEntry(e.encode())
		require.NoError(t, err)
		require.Equal(t, e.negative, got.negative)
		require.True(t, e.expiry.Equal(got.expiry))
		require.Equal(t, e.delta, got.delta)
		require.True(t, bytes.Equal(e.payload, got.payload))
	}
}

// FuzzDecodeEntry: arbitrary bytes in Redis never panic the decoder, and
// whatever decodes re-encodes to the same bytes.
func FuzzDecodeEntry(f *testing.F) {
	f.Add([]byte("garbage"))
	f.Add(entry{payload: []byte("1"), expiry: time.UnixMilli(5)}.encode())
	f.Add(entry{negative: true}.encode())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEntry(b)
		if err != nil {
			return
		}
		if !bytes.Equal(e.encode(), b) {
			t.Fatalf("round trip changed %q into %q", b, e.encode())
		}
	})
}
