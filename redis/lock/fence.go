package lock

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/rediskey"
)

// Guard sits in front of a protected resource held in this process and
// admits a write only when its fencing token is at least the highest one
// admitted so far for that resource. A holder that was paused (GC, swap,
// network) past its lease comes back with a lower token than the holder
// that replaced it, and its late write is rejected with *StaleFenceError.
//
// A resource in a database gets the same check from a conditional write,
// e.g. `UPDATE t SET v = $1, fence = $2 WHERE id = $3 AND fence <= $2`;
// a resource in Redis gets it from FencedSet.
type Guard struct {
	mu      sync.Mutex
	highest map[string]int64
}

// NewGuard returns an empty Guard. The zero Guard is ready to use too.
func NewGuard() *Guard { return &Guard{highest: map[string]int64{}} }

// Admit records fence for resource, or returns *StaleFenceError when a
// higher token was already admitted. Equal tokens are admitted (one holder
// may write several times).
func (g *Guard) Admit(resource string, fence int64) error {
	return g.Do(resource, fence, func() error { return nil })
}

// Do runs write under the guard: it is called only when fence is admitted,
// and no other write for the same Guard runs concurrently.
func (g *Guard) Do(resource string, fence int64, write func() error) error {
	switch {
	case g == nil:
		return fmt.Errorf("%w: nil *Guard", ErrInvalid)
	case write == nil:
		return fmt.Errorf("%w: nil write function", ErrInvalid)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.highest == nil { // a zero Guard
		g.highest = map[string]int64{}
	}
	if hi := g.highest[resource]; fence < hi {
		return &StaleFenceError{Resource: resource, Fence: fence, Highest: hi}
	}
	g.highest[resource] = fence
	return write()
}

// FencedSet writes value to key in Redis only when fence is at least the
// highest token used on key before, in one script. The high-water mark is
// kept beside key in its hash slot: key+":fence" when key has a hash tag,
// "{key}:fence" otherwise, so FencedSet runs unchanged on Redis Cluster.
// A stale token gets *StaleFenceError and writes nothing; a nil client or
// an empty key an error wrapping ErrInvalid.
func FencedSet(ctx context.Context, c rueidis.Client, key string, fence int64, value string) error {
	if c == nil {
		return fmt.Errorf("%w: fenced set %q: nil client", ErrInvalid, key)
	}
	if key == "" {
		return fmt.Errorf("%w: fenced set: empty key", ErrInvalid)
	}
	arr, err := fencedSetScript.Exec(ctx, c, []string{key, rediskey.Sibling(key, ":fence")},
		[]string{strconv.FormatInt(fence, 10), value}).ToArray()
	if err != nil {
		return fmt.Errorf("lock: fenced set %q: %w", key, err)
	}
	ok, _ := arr[0].AsInt64()
	hi, _ := arr[1].AsInt64()
	if ok != 1 {
		return &StaleFenceError{Resource: key, Fence: fence, Highest: hi}
	}
	return nil
}
