package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"math"
	mrand "math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/rueidis"
)

// Loader loads a value from the source of truth on a miss. Return
// ErrNotFound (or an error wrapping it) to cache the absence.
type Loader[T any] func(ctx context.Context) (T, error)

// GetOpts are per-call options for Get; nil means the Config defaults.
type GetOpts struct {
	// TTL overrides Config.TTL for a value loaded by this call.
	TTL time.Duration
	// Tags are attached to a value loaded by this call (see InvalidateTag).
	Tags []string
	// RefreshAhead refreshes the value in the background when a hit finds
	// less than this much TTL left; the hit returns the current value.
	RefreshAhead time.Duration
	// XFetchBeta > 0 enables XFetch probabilistic early expiration: a hit
	// recomputes early with a probability that grows as expiry nears,
	// scaled by how long the loader took (1.0 is the usual choice).
	XFetchBeta float64
}

func (o *GetOpts) validate() error {
	if o == nil {
		return nil
	}
	if o.TTL < 0 {
		return &ConfigError{Field: "GetOpts.TTL", Reason: "must not be negative"}
	}
	if o.RefreshAhead < 0 {
		return &ConfigError{Field: "GetOpts.RefreshAhead", Reason: "must not be negative"}
	}
	if o.XFetchBeta < 0 || math.IsNaN(o.XFetchBeta) {
		return &ConfigError{Field: "GetOpts.XFetchBeta", Reason: "must not be negative"}
	}
	return checkTags(o.Tags)
}

// Get returns the cached value of key, or loads it with load, caches it and
// returns it. Concurrent misses of one key, in this process and in every
// other process sharing the Redis, cause one loader call; the others wait
// for its value (at most Config.WaitTimeout) without polling.
func Get[T any](ctx context.Context, c *Cache, key string, load Loader[T], opts *GetOpts) (T, error) {
	var zero T
	if c == nil {
		return zero, errNilCache
	}
	if key == "" {
		return zero, ErrEmptyKey
	}
	if load == nil {
		return zero, &ConfigError{Field: "load", Reason: "must not be nil"}
	}
	err := opts.validate()
	if err != nil {
		return zero, err
	}
	if opts == nil {
		opts = &GetOpts{}
	}
	valKey := c.Key(key)
	var raw []byte
	var found bool
	if c.skipRedis() {
		err = &RedisError{Op: "get", Key: valKey, Err: errSkipped}
	} else {
		raw, found, err = c.lookup(ctx, valKey)
	}
	if err != nil {
		if c.cfg.FallbackToLoader && IsUnavailable(err) {
			return fallback(ctx, c, key, load)
		}
		return zero, err
	}
	force := false
	if found {
		if stale, ok := c.expired(raw); ok {
			c.shared.stats.misses.Add(1)
			return reloadStale[T](ctx, c, key, newFiller(c, key, load, opts), stale)
		}
		c.shared.stats.hits.Add(1)
		if m := c.shared.memo; m != nil {
			if v, ok := m.get(valKey, raw); ok {
				if tv, ok := v.(T); ok {
					return tv, nil
				}
			}
		}
		e, derr := decodeEntry(raw)
		refreshed := false
		if derr == nil {
			if e.negative {
				return zero, ErrNotFound
			}
			if early := earlyRefresh(e, opts); early != noRefresh {
				if b, ok := newFiller(c, key, load, opts).early(ctx, early); ok {
					e.payload, refreshed = b, true
				}
			}
			var v T
			if derr = c.cfg.Codec.Unmarshal(e.payload, &v); derr == nil {
				if m := c.shared.memo; m != nil && !refreshed {
					m.put(valKey, raw, v)
				}
				return v, nil
			}
		}
		c.emit(Event{Kind: EventDecodeError, Key: key, Err: derr})
		force = true // overwrite the bad value
	} else {
		c.shared.stats.misses.Add(1)
	}

	b, err := newFiller(c, key, load, opts).fill(ctx, force)
	if err != nil {
		if c.cfg.FallbackToLoader && IsUnavailable(err) {
			return fallback(ctx, c, key, load)
		}
		return zero, err
	}
	return decodeFilled[T](c, key, b)
}

// decodeFilled decodes an entry a fill produced: ErrNotFound for a
// negative one.
func decodeFilled[T any](c *Cache, key string, b []byte) (T, error) {
	var v T
	e, err := decodeEntry(b)
	if err != nil {
		return v, &CodecError{Key: key, Err: err}
	}
	if e.negative {
		return v, ErrNotFound
	}
	if err := c.cfg.Codec.Unmarshal(e.payload, &v); err != nil {
		return v, &CodecError{Key: key, Err: err}
	}
	return v, nil
}

// expired reports whether raw is a value past its TTL that Redis keeps
// only to serve it stale (Config.StaleFor), and returns it decoded.
func (c *Cache) expired(raw []byte) (entry, bool) {
	if c.cfg.StaleFor <= 0 {
		return entry{}, false
	}
	e, err := decodeEntry(raw)
	if err != nil || e.negative || time.Now().Before(e.expiry) {
		return entry{}, false
	}
	return e, true
}

// reloadStale reloads a value found past its TTL; if the reload fails in a
// way serving stale is meant for, it returns the old value, provided it
// expired at most Config.StaleFor ago.
func reloadStale[T any](ctx context.Context, c *Cache, key string, f *filler, stale entry) (T, error) {
	var zero T
	b, err := f.fill(ctx, true)
	if err == nil {
		return decodeFilled[T](c, key, b)
	}
	if !c.servesStale(ctx, stale, err) {
		return zero, err
	}
	var v T
	if derr := c.cfg.Codec.Unmarshal(stale.payload, &v); derr != nil {
		return zero, err
	}
	c.shared.stats.stale.Add(1)
	c.emit(Event{Kind: EventStale, Key: key, Err: err})
	return v, nil
}

// servesStale reports whether a reload that failed with err may be
// answered with the expired value stale: the failure is the loader's, a
// wait's or Redis's (not the caller's own context), and the value expired
// at most Config.StaleFor ago.
func (c *Cache) servesStale(ctx context.Context, stale entry, err error) bool {
	if ctx.Err() != nil || time.Since(stale.expiry) > c.cfg.StaleFor {
		return false
	}
	var le *LoadError
	return errors.As(err, &le) || errors.Is(err, ErrWaitTimeout) || IsUnavailable(err)
}

// newFiller binds the typed loader to the type-erased fill protocol.
func newFiller[T any](c *Cache, key string, load Loader[T], opts *GetOpts) *filler {
	ttl := c.cfg.TTL
	if opts.TTL > 0 {
		ttl = opts.TTL
	}
	loadEntry := func(ctx context.Context) (entry, error) {
		start := time.Now()
		v, err := load(ctx)
		delta := time.Since(start)
		if errors.Is(err, ErrNotFound) {
			return entry{negative: true, delta: delta}, nil
		}
		if err != nil {
			return entry{}, err
		}
		b, err := c.cfg.Codec.Marshal(v)
		if err != nil {
			return entry{}, &CodecError{Key: key, Err: err}
		}
		return entry{payload: b, delta: delta}, nil
	}
	return &filler{c: c, key: key, ks: c.keys(key), load: loadEntry, ttl: ttl, tags: opts.Tags}
}

// fallback calls the loader while Redis is unreachable (in-process
// singleflight still applies).
func fallback[T any](ctx context.Context, c *Cache, key string, load Loader[T]) (T, error) {
	v, err, _ := c.shared.flight.Do("fallback\x00"+c.Key(key), func() (any, error) {
		c.shared.stats.fallbacks.Add(1)
		return load(ctx)
	})
	tv, ok := v.(T)
	if err == nil && !ok { // the flight was shared with a caller of another type
		c.shared.stats.fallbacks.Add(1)
		tv, err = load(ctx)
	}
	if err != nil {
		var zero T
		if errors.Is(err, ErrNotFound) {
			return zero, ErrNotFound
		}
		return zero, &LoadError{Key: key, Err: err}
	}
	return tv, nil
}

func (c *Cache) lookup(ctx context.Context, k string) ([]byte, bool, error) {
	var r rueidis.RedisResult
	if c.cfg.L1 {
		r = c.client.DoCache(ctx, c.client.B().Get().Key(k).Cache(), c.cfg.L1TTL)
	} else {
		r = c.client.Do(ctx, c.client.B().Get().Key(k).Build())
	}
	b, err := r.AsBytes()
	if rueidis.IsRedisNil(err) {
		_ = c.observe("get", k, nil)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, c.observe("get", k, err)
	}
	_ = c.observe("get", k, nil)
	return b, true, nil
}

// filler fills one key: it is the type-erased part of Get.
type filler struct {
	c    *Cache
	key  string
	ks   keys
	load func(context.Context) (entry, error)
	ttl  time.Duration
	tags []string
}

type fillResult struct{ b []byte }

// fill runs the cross-process fill protocol once per process: singleflight
// in front of the getOrLock / fill / wait scripts.
func (f *filler) fill(ctx context.Context, force bool) ([]byte, error) {
	c := f.c
	fk := "fill\x00" + f.ks.val
	if force {
		fk = "force\x00" + f.ks.val
	}
	ch := c.shared.flight.DoChan(fk, func() (any, error) {
		// The flight outlives a caller that gives up: others share it.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.LockTTL+c.cfg.WaitTimeout)
		defer cancel()
		b, err := f.fillOnce(fctx, force)
		return fillResult{b}, err
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(fillResult).b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func ms(d time.Duration) string { return strconv.FormatInt(max(d.Milliseconds(), 1), 10) }

func (f *filler) fillOnce(ctx context.Context, force bool) ([]byte, error) {
	c := f.c
	token := newToken()
	start := time.Now()
	deadline := start.Add(c.cfg.WaitTimeout)
	ks := []string{f.ks.val, f.ks.lock, f.ks.wake}
	waited := false
	// holder is the token of the fill being waited for; from is the wake
	// stream id to read after.
	holder, from := "", "0-0"
	for {
		script := getOrLockScript
		if force {
			script = lockScript
		}
		vals, err := script.Exec(ctx, c.client, ks, []string{token, ms(c.cfg.LockTTL)}).ToArray()
		if err != nil {
			return nil, c.observe("lock", f.ks.val, err)
		}
		_ = c.observe("lock", f.ks.val, nil)
		code, _ := vals[0].AsInt64()
		switch code {
		case 1:
			return vals[1].AsBytes()
		case 2:
			return f.loadAndStore(ctx, token)
		}
		pttl, _ := vals[1].AsInt64()
		if len(vals) > 2 {
			if h, _ := vals[2].ToString(); h != holder {
				holder, from = h, "0-0"
			}
		}
		if !waited {
			c.shared.stats.waits.Add(1)
			waited = true
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return nil, &WaitTimeoutError{Key: f.key, Waited: time.Since(start)}
		}
		block := remaining
		if pttl > 0 {
			// Wake up when the lock would expire: its holder may have died
			// (a live holder extends it).
			block = min(block, time.Duration(pttl+5)*time.Millisecond)
		}
		msgs, err := c.client.Do(ctx, c.client.B().Xread().Count(1).Block(max(block.Milliseconds(), 1)).
			Streams().Key(f.ks.wake).Id(from).Build()).AsXRead()
		if rueidis.IsRedisNil(err) {
			continue // no value yet: retake the lock if its holder died
		}
		if err != nil {
			return nil, c.observe("wait", f.ks.val, err)
		}
		for _, es := range msgs {
			for _, e := range es {
				if e.FieldValues["t"] != holder {
					// A fill that lost its lock to a write woke its own
					// waiters; wait for entries after it.
					from = e.ID
					continue
				}
				if v, ok := e.FieldValues["v"]; ok {
					return []byte(v), nil
				}
				if m, ok := e.FieldValues["e"]; ok {
					return nil, &LoadError{Key: f.key, Remote: true, Err: errors.New(m)}
				}
			}
		}
	}
}

// loadAndStore runs the loader while holding the lock, stores the result
// and wakes the waiters.
func (f *filler) loadAndStore(ctx context.Context, token string) ([]byte, error) {
	c := f.c
	c.shared.stats.loads.Add(1)
	stopExtend := c.keepLocks(ctx, []string{f.ks.lock}, token)
	e, err := f.load(ctx)
	stopExtend()
	if err != nil {
		c.abort(ctx, []keys{f.ks}, token, err.Error())
		var ce *CodecError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, &LoadError{Key: f.key, Err: err}
	}
	return c.store(ctx, token, []loaded{{key: f.key, ks: f.ks, e: e, ttl: f.ttl, tags: f.tags}})[0], nil
}

// loaded is a loader's result for one key, ready to be stored.
type loaded struct {
	key  string
	ks   keys
	e    entry
	ttl  time.Duration // before jitter; negatives use NegativeTTL
	tags []string
}

// store writes loaded entries whose fill locks the caller holds under
// token (one round trip for the values, one more for their tags), wakes
// their waiters, and returns each entry encoded, in order. Storing is best
// effort: a value that could not be cached is still handed out.
func (c *Cache) store(ctx context.Context, token string, ls []loaded) [][]byte {
	wakeTTL := ms(c.cfg.LockTTL + c.cfg.WaitTimeout)
	out := make([][]byte, len(ls))
	var fills []rueidis.LuaExec
	var filled []int
	var uncached []keys
	for i := range ls {
		l := &ls[i]
		ttl := l.ttl
		if l.e.negative {
			if c.cfg.NegativeTTL < 0 {
				out[i] = entry{negative: true}.encode()
				uncached = append(uncached, l.ks)
				continue
			}
			ttl = c.cfg.NegativeTTL
		}
		ttl = c.ttl(ttl)
		l.e.expiry = time.Now().Add(ttl)
		keep := ttl
		if !l.e.negative {
			keep = c.keepFor(ttl)
		}
		l.ttl = keep
		out[i] = l.e.encode()
		fills = append(fills, rueidis.LuaExec{Keys: []string{l.ks.val, l.ks.lock, l.ks.wake},
			Args: []string{token, string(out[i]), ms(keep), wakeTTL}})
		filled = append(filled, i)
	}
	if len(uncached) > 0 {
		c.abort(ctx, uncached, token, ErrNotFound.Error())
	}
	for j, r := range fillScript.execMulti(ctx, c.client, fills) {
		l := &ls[filled[j]]
		if err := c.observe("fill", l.ks.val, r.Error()); err != nil {
			c.cfg.Logger.Warn("cache: store loaded value", "key", l.key, "err", err)
			continue
		}
		if len(l.tags) > 0 && !l.e.negative {
			if err := c.tag(ctx, l.ks.val, l.ttl, l.tags); err != nil {
				c.cfg.Logger.Warn("cache: tag value", "key", l.key, "err", err)
			}
		}
	}
	return out
}

// abort releases fill locks the caller holds under token without storing
// anything, and wakes their waiters with msg as the error (best effort:
// waiters time out if this fails).
func (c *Cache) abort(ctx context.Context, ks []keys, token, msg string) {
	wakeTTL := ms(c.cfg.LockTTL + c.cfg.WaitTimeout)
	execs := make([]rueidis.LuaExec, len(ks))
	for i, k := range ks {
		execs[i] = rueidis.LuaExec{Keys: []string{k.lock, k.wake}, Args: []string{token, msg, wakeTTL}}
	}
	abortScript.execMulti(ctx, c.client, execs)
}

// keepLocks renews fill locks held under token every third of LockTTL
// while a slow loader runs, so no other process starts a second load of
// the same keys. It stops when the returned function is called, or when
// every lock is lost (to a write, or to expiry while Redis was
// unreachable).
func (c *Cache) keepLocks(ctx context.Context, locks []string, token string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(c.cfg.LockTTL / 3)
		defer t.Stop()
		execs := make([]rueidis.LuaExec, len(locks))
		for i, l := range locks {
			execs[i] = rueidis.LuaExec{Keys: []string{l}, Args: []string{token, ms(c.cfg.LockTTL)}}
		}
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				held := false
				for _, r := range extendScript.execMulti(ctx, c.client, execs) {
					if n, err := r.AsInt64(); err != nil || n == 1 {
						held = true // keep trying while Redis does not answer
					}
				}
				if !held {
					return
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

type refreshKind uint8

const (
	noRefresh refreshKind = iota
	refreshAhead
	refreshXFetch
)

// earlyRefresh decides whether a hit refreshes before expiry: in the
// background (refresh-ahead) or in this caller (XFetch).
func earlyRefresh(e entry, opts *GetOpts) refreshKind {
	if opts.RefreshAhead <= 0 && opts.XFetchBeta <= 0 {
		return noRefresh
	}
	remaining := time.Until(e.expiry)
	switch {
	case opts.RefreshAhead > 0 && remaining < opts.RefreshAhead:
		return refreshAhead
	case opts.XFetchBeta > 0 && xfetch(e.delta, opts.XFetchBeta, remaining):
		return refreshXFetch
	}
	return noRefresh
}

// early refreshes a hit. For XFetch it returns the fresh payload when this
// caller won the lock and reloaded.
func (f *filler) early(ctx context.Context, kind refreshKind) ([]byte, bool) {
	c := f.c
	if kind == refreshAhead {
		c.shared.flight.DoChan("refresh\x00"+f.ks.val, func() (any, error) {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.LockTTL)
			defer cancel()
			_, _, err := f.refresh(rctx)
			return nil, err
		})
		return nil, false
	}
	if b, ok, err := f.refresh(ctx); err == nil && ok {
		if fe, err := decodeEntry(b); err == nil && !fe.negative {
			return fe.payload, true
		}
	}
	return nil, false
}

// xfetch decides to recompute early: -delta·beta·ln(rand) >= time left.
func xfetch(delta time.Duration, beta float64, remaining time.Duration) bool {
	return -float64(delta)*beta*math.Log(1-mrand.Float64()) >= float64(remaining)
}

// refresh reloads the value if no other caller holds the fill lock.
func (f *filler) refresh(ctx context.Context) ([]byte, bool, error) {
	c := f.c
	token := newToken()
	ok, err := c.client.Do(ctx, c.client.B().Set().Key(f.ks.lock).Value(token).Nx().PxMilliseconds(max(c.cfg.LockTTL.Milliseconds(), 1)).Build()).AsBool()
	if rueidis.IsRedisNil(err) || (err == nil && !ok) {
		return nil, false, nil // someone else is refreshing
	}
	if err != nil {
		return nil, false, c.observe("refresh", f.ks.val, err)
	}
	b, err := f.loadAndStore(ctx, token)
	return b, err == nil, err
}
