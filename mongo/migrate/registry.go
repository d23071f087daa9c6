package migrate

import (
	"slices"
	"sync"
)

var registry struct {
	mu   sync.Mutex
	migs []Migration
}

// Register adds a migration to the program-wide list that Registered
// returns and the `polystore mongo migrate` command runs (call it from an
// init function of the package that owns the collections).
func Register(m Migration) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.migs = append(registry.migs, m)
}

// Registered returns the registered migrations in ID order.
func Registered() []Migration {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	out := slices.Clone(registry.migs)
	slices.SortFunc(out, func(a, b Migration) int { return cmpString(a.ID, b.ID) })
	return out
}
