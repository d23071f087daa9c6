// Package cache is a Redis cache for Go services: cache-aside with
// stampede protection across processes, negative caching, TTL jitter,
// namespaces, tags, optional client-side (L1) caching, refresh-ahead,
// XFetch, write-through and write-behind.
//
// Get is the cache-aside read:
//
//	c, _ := cache.New(client, cache.Config{TTL: time.Hour})
//	u, err := cache.Get(ctx, c, "user:42", func(ctx context.Context) (User, error) {
//		return db.FindUser(ctx, 42) // return cache.ErrNotFound to cache the absence
//	}, nil)
//
// Stampede protection: concurrent misses of one key share one loader call
// per process (singleflight), and processes share one call through a fill
// lock in Redis. The process holding the lock loads, stores the value,
// and appends it to a per-key wake stream; the others block on XREAD of
// that stream, so they receive the value the moment it lands without
// polling, for at most Config.WaitTimeout (then *WaitTimeoutError). If the
// lock holder dies, its lock expires after Config.LockTTL and a waiter
// takes over. The miss path is one script call (getOrLockScript) and the
// fill another (fillScript); see scripts.go for their KEYS/ARGV/returns.
//
// GetMany reads many keys in one round trip and loads the missing ones
// with one call of a BatchLoader, with the same per-key stampede
// protection. Config.StaleFor serves a value past its TTL, for a bounded
// time, when its reload fails (EventStale).
//
// Keys are Prefix + Namespace + ":{" + key + "}", hash-tagged so a value,
// its lock and its wake stream share a Redis Cluster slot. Clear(ctx, ns)
// removes a namespace by SCAN and UNLINK in batches; InvalidateTag removes
// the values tagged through GetOpts.Tags or SetOpts.Tags.
//
// With Config.L1 hits are served from process memory (RESP3 client-side
// caching); Redis invalidates the copy when any client writes the key.
//
// When Redis is unreachable Get calls the loader directly if
// Config.FallbackToLoader is set (otherwise it returns *RedisError,
// matching ErrUnavailable), reports EventDegraded through Config.OnEvent,
// probes Redis again every Config.ProbeInterval and reports EventRecovered
// when it answers. Cached values that fail to decode are treated as a miss,
// reloaded and overwritten (EventDecodeError).
//
// Nothing panics on nil: a nil *Cache or *WriteBehind, a nil client,
// loader, store or flush function, and an empty key get an error wrapping
// ErrInvalid.
package cache
