package ratelimit

// sweepPerCall is how many entries of an in-process state map each call
// examines for expiry. With two per call, stale entries are removed at
// least as fast as calls can add keys once half the map is stale, so a map
// stays within about twice the keys that are live, and no call ever walks
// the whole map (a full sweep over 10⁵ keys under the limiter's mutex would
// stall every caller for milliseconds).
const sweepPerCall = 2

// sweepSome examines up to n entries of m, starting where Go's map
// iteration starts (a random place each time), and deletes those for which
// idle reports true.
func sweepSome[V any](m map[string]V, n int, idle func(V) bool) {
	for k, v := range m {
		if idle(v) {
			delete(m, k)
		}
		if n--; n <= 0 {
			return
		}
	}
}
