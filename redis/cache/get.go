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
	e, err := decodeEntry(b)
	if err != nil {
		return zero, &CodecError{Key: key, Err: err}
	}
	if e.negative {
		return zero, ErrNotFound
	}
	var v T
	if err := c.cfg.Codec.Unmarshal(e.payload, &v); err != nil {
		return zero, &CodecError{Key: key, Err: err}
	}
	return v, nil
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
	stopExtend := f.keepLock(ctx, token)
	e, err := f.load(ctx)
	stopExtend()
	wakeTTL := ms(c.cfg.LockTTL + c.cfg.WaitTimeout)
	if err != nil {
		// Best effort: waiters time out if this fails.
		abortScript.Exec(ctx, c.client, []string{f.ks.lock, f.ks.wake}, []string{token, err.Error(), wakeTTL})
		var ce *CodecError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, &LoadError{Key: f.key, Err: err}
	}
	ttl := f.ttl
	if e.negative {
		if c.cfg.NegativeTTL < 0 {
			abortScript.Exec(ctx, c.client, []string{f.ks.lock, f.ks.wake}, []string{token, ErrNotFound.Error(), wakeTTL})
			return entry{negative: true}.encode(), nil
		}
		ttl = c.cfg.NegativeTTL
	}
	ttl = c.ttl(ttl)
	e.expiry = time.Now().Add(ttl)
	b := e.encode()
	err = fillScript.Exec(ctx, c.client, []string{f.ks.val, f.ks.lock, f.ks.wake}, []string{token, string(b), ms(ttl), wakeTTL}).Error()
	if err = c.observe("fill", f.ks.val, err); err != nil {
		// The value was loaded: hand it out even though caching failed.
		c.cfg.Logger.Warn("cache: store loaded value", "key", f.key, "err", err)
		return b, nil
	}
	if len(f.tags) > 0 && !e.negative {
		if err := c.tag(ctx, f.ks.val, ttl, f.tags); err != nil {
			c.cfg.Logger.Warn("cache: tag value", "key", f.key, "err", err)
		}
	}
	return b, nil
}

// keepLock renews the fill lock every third of LockTTL while a slow loader
// runs, so no other process starts a second load of the same key. It stops
// when the returned function is called or the lock is lost (to a write or
// to expiry while Redis was unreachable).
func (f *filler) keepLock(ctx context.Context, token string) (stop func()) {
	c := f.c
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(c.cfg.LockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				held, err := extendScript.Exec(ctx, c.client, []string{f.ks.lock}, []string{token, ms(c.cfg.LockTTL)}).AsInt64()
				if err == nil && held == 0 {
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
