// Package lock provides Redis locks with fencing tokens, auto-extension and
// Redlock over N independent servers.
//
// A lock is a key set with SET NX PX to a random owner token; only the owner
// can extend or release it (Lua scripts compare the token). Every
// acquisition draws a fencing token from a per-name counter in the same
// script, so tokens strictly increase per lock name:
//
//	l := lock.New(client, nil)
//	lk, err := l.Acquire(ctx, "invoice:42", &lock.AcquireOpts{AutoExtend: true})
//	if err != nil { ... }
//	defer lk.Release(ctx)
//	// use lk.Context() for the work and lk.Fence() on every write
//
// The holder context (Lock.Context) is cancelled with cause ErrLockLost as
// soon as the lease can no longer be trusted: the local lease deadline
// (TTL minus elapsed time minus a drift allowance) passed without a
// successful extension, or an extension found another owner.
//
// # Why fencing matters
//
// No lease-based lock, on one server or many, can stop a holder that is
// paused (GC, swapping, a stalled VM, a slow network) from waking up after
// its lease expired and writing as if it still held the lock. The only
// defence is at the protected resource: writes carry the fencing token and
// the resource rejects a token lower than one it has already seen. Guard
// does that for a resource in the process, FencedSet for a value in Redis,
// and in SQL a conditional UPDATE (`... WHERE fence <= $n`) does it.
//
// # Redlock and its limits
//
// NewRedlock takes N independent servers (not replicas). A lock is held
// when a majority granted it and the time spent acquiring plus the drift
// allowance (DriftFactor*TTL + 2ms) is below the TTL; otherwise it is
// released on every instance. Release always goes to every instance.
//
// Redlock assumes bounded clock drift, bounded pauses and bounded network
// delay (the argument between Martin Kleppmann and Salvatore Sanfilippo):
// a server whose clock jumps, or that restarts without persistence, can
// grant the same lock twice. So Redlock is fine for efficiency (avoid doing
// work twice) but for correctness it needs fencing. Here each granting
// instance's counter is raised to the token handed out before the lock is
// returned, so any later majority, which overlaps this one, draws a higher
// token even when instances lost their counters. Tokens are only as durable
// as the servers: run them with appendonly for correctness-critical use.
//
// # Keys
//
// A lock named n uses Prefix+"{n}" (owner token, with the lease's TTL),
// Prefix+"{n}:fence" (the fencing counter, which expires FenceTTL, default
// 24h, after it started, or after the last acquisition for a Redlock;
// tokens stay strictly increasing across its expiry because a counter
// counts up by one per acquisition and starts from the server time in µs),
// and, while someone waits, Prefix+"{n}:awaited" and Prefix+"{n}:wake"
// (short TTLs). So per-entity locks leave no permanent keys. Goroutines of
// one Locker queue locally for a name, so only one of them polls the
// servers at a time; a waiter blocks on the wake list and is woken by the
// release.
//
// # Connections
//
// With few calls of a Locker in flight (Options.DirectCalls, default 2,
// blocked waiters included), acquire and release are written and read in
// the calling goroutine on a connection of rueidis's pool for blocking
// commands, instead of through the client's auto-pipelining, which batches
// nothing at that concurrency and adds two goroutine hand-offs per round
// trip; more calls in flight are pipelined. A Locker thus holds at most
// DirectCalls extra connections per server. Options.Timeout bounds these
// calls like the others. DirectCalls < 0 pipelines every call.
//
// # Semaphore
//
// NewSemaphore gives at most Limit holders per name. Each Permit has a
// slot in [0, Limit), a lease that expires when its holder dies (or is
// auto-extended), and a fencing token strictly greater than every earlier
// acquisition's of the name. Fence writes per slot (Permit.Resource) with
// Guard or FencedSet, so a holder whose lease ran out is refused once its
// slot's next holder has written.
//
// Nil arguments never panic: a nil client (New keeps its signature and
// its Locker's methods return the error), nil receivers and nil callbacks
// get an error wrapping ErrInvalid.
package lock
