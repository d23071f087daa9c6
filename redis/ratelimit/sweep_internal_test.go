package ratelimit

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// sweepSome examines at most n entries and deletes only the idle ones.
func TestSweepSomeBounded(t *testing.T) {
	m := map[string]int{}
	for i := range 1000 {
		m[strconv.Itoa(i)] = i
	}
	examined := 0
	sweepSome(m, 2, func(v int) bool { examined++; return v%2 == 0 })
	if examined != 2 {
		t.Fatalf("examined %d entries, want 2", examined)
	}
	if len(m) < 998 {
		t.Fatalf("deleted %d entries, at most 2 examined", 1000-len(m))
	}
	for k, v := range m {
		if strconv.Itoa(v) != k {
			t.Fatalf("entry %s corrupted", k)
		}
	}
	sweepSome(map[string]int{}, 2, func(int) bool { t.Fatal("called on an empty map"); return false })
}

// A process that sees a stream of new keys (each used once, then expired)
// keeps at most a small multiple of the live keys in memory, without a full
// sweep: 100 windows of 1,000 new keys each would leave 100,000 entries if
// nothing were swept. A key expires at its window's end, so up to two
// windows' keys (2,000) are live; sampling keeps the map near twice that.
func TestLocalStateStaysBoundedByLiveKeys(t *testing.T) {
	now := time.Unix(1_000_000, 0) // clock-free: an injected clock, only ever compared with itself
	l, err := NewLocal(Config{Algorithm: FixedWindow, Limit: Limit{Rate: 10, Period: time.Second},
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	const perWindow = 1000
	ctx := context.Background()
	maxLen := 0
	for w := range 100 {
		now = now.Add(time.Second)
		for i := range perWindow {
			r, err := l.Allow(ctx, "k"+strconv.Itoa(w)+"-"+strconv.Itoa(i), nil)
			if err != nil || !r.Allowed {
				t.Fatalf("window %d key %d: %+v %v", w, i, r, err)
			}
		}
		maxLen = max(maxLen, len(l.state))
	}
	const live = 2 * perWindow
	t.Logf("at most %d entries for up to %d live keys", maxLen, live)
	if maxLen > 3*live {
		t.Fatalf("state grew to %d entries with up to %d live keys", maxLen, live)
	}
}
