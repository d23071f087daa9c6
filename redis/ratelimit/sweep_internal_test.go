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

// A Leased key's state swept while a caller holds it (its window over,
// nothing in flight) is marked dead, so that caller takes the new state
// instead of leasing permits into one no other caller sees (they were
// stranded: a window admitted 91 of 100 in TestLeasedNeverOvershoots); and
// the key a call asks for is never swept by that call.
func TestLeasedSweepMarksDead(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := &Leased{keys: map[string]*leasedKey{}, cfg: LeasedConfig{Now: func() time.Time { return now }}}
	held := l.state("k")
	held.until = now.Add(time.Second)
	now = now.Add(2 * time.Second) // k's window is over
	if again := l.state("k"); again != held || held.dead {
		t.Fatalf("the key asked for was swept by its own call (same state %v, dead %v)", again == held, held.dead)
	}
	l.state("other") // sweeps k (two entries, sweepPerCall examines both)
	if !held.dead {
		t.Fatal("a swept state is not marked dead")
	}
	if fresh := l.state("k"); fresh == held || fresh.dead {
		t.Fatal("k's state after the sweep is the dead one")
	}
}
