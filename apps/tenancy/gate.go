package tenancy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrTenantBusy is returned when a tenant already uses its share of the
// pool and no slot freed up within the wait.
var ErrTenantBusy = errors.New("tenancy: tenant has too many operations in flight")

// Gate caps how many pooled connections one tenant may hold at once, so a
// tenant flooding the service queues behind its own cap instead of taking
// the whole shared pool from the others. It is one pool for everyone, not
// a pool per tenant.
type Gate struct {
	limit   int
	maxWait time.Duration
	mu      sync.Mutex
	slots   map[string]*slot
}

type slot struct {
	ch    chan struct{}
	users int // holders and waiters; the slot is dropped at zero
}

// NewGate returns a gate allowing limit concurrent holders per tenant,
// each waiting at most maxWait (0: as long as the context allows).
func NewGate(limit int, maxWait time.Duration) *Gate {
	return &Gate{limit: max(limit, 1), maxWait: maxWait, slots: map[string]*slot{}}
}

// Limit is the per-tenant cap.
// A nil Gate's is 0.
func (g *Gate) Limit() int {
	if g == nil {
		return 0
	}
	return max(g.limit, 1)
}

// Acquire takes one of tenant's slots; call release when done. It fails
// with ErrTenantBusy after maxWait, or with the context's error.
func (g *Gate) Acquire(ctx context.Context, tenant string) (release func(), err error) {
	if g == nil {
		return nil, fmt.Errorf("%w: nil *Gate", ErrInvalid)
	}
	g.mu.Lock()
	if g.slots == nil { // the zero Gate: a cap of 1
		g.slots = map[string]*slot{}
	}
	s := g.slots[tenant]
	if s == nil {
		s = &slot{ch: make(chan struct{}, g.Limit())}
		g.slots[tenant] = s
	}
	s.users++
	g.mu.Unlock()
	done := func() {
		g.mu.Lock()
		s.users--
		if s.users == 0 {
			delete(g.slots, tenant)
		}
		g.mu.Unlock()
	}
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch; done() }, nil
	default:
	}
	var timeout <-chan time.Time
	if g.maxWait > 0 {
		t := time.NewTimer(g.maxWait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch; done() }, nil
	case <-timeout:
		done()
		return nil, fmt.Errorf("%w (cap %d)", ErrTenantBusy, g.limit)
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

// InUse returns how many slots tenant holds now.
func (g *Gate) InUse(tenant string) int {
	if g == nil {
		return 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.slots[tenant]; s != nil {
		return len(s.ch)
	}
	return 0
}
