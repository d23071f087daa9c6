package cache

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/rueidis"
)

// BatchLoader loads the values of the keys GetMany did not find in the
// cache, all in one call (one query with IN (...), say). Keys missing from
// the returned map are cached as not found (Config.NegativeTTL). An error
// fails the whole call: nothing is cached.
type BatchLoader[T any] func(ctx context.Context, keys []string) (map[string]T, error)

// manyWaiters bounds the keys of one GetMany that wait at once for another
// caller's loader (each wait holds a Redis connection while it blocks).
const manyWaiters = 16

// GetMany returns the cached values of keys, loading those the cache does
// not hold with one call of load. The result maps each key that has a
// value; keys the loader did not return (now or in an earlier call, cached
// as not found) are absent. Duplicate keys are read once.
//
// The hits cost one round trip for all keys (rueidis pipelines the reads;
// on Redis Cluster, one per node). Each missing key is protected against
// stampedes as in Get: of all callers missing it at once, in this process
// or any other, one loads it and the others wait for its value. So the
// loader receives only the keys whose fill lock this call won; keys another
// caller is loading are waited for, and if that caller dies before storing
// them they are loaded here, one key per loader call. Config.StaleFor,
// FallbackToLoader (the loader receives every key) and GetOpts apply as in
// Get, except RefreshAhead and XFetchBeta, which GetMany ignores.
func GetMany[T any](ctx context.Context, c *Cache, keys []string, load BatchLoader[T], opts *GetOpts) (map[string]T, error) {
	if c == nil {
		return nil, errNilCache
	}
	if load == nil {
		return nil, &ConfigError{Field: "load", Reason: "must not be nil"}
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &GetOpts{}
	}
	uniq := make([]string, 0, len(keys))
	seen := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		if k == "" {
			return nil, ErrEmptyKey
		}
		if _, dup := seen[k]; !dup {
			seen[k] = struct{}{}
			uniq = append(uniq, k)
		}
	}
	out := make(map[string]T, len(uniq))
	if len(uniq) == 0 {
		return out, nil
	}
	m := &many[T]{c: c, load: load, opts: opts, out: out}
	if c.skipRedis() {
		return m.fallback(ctx, uniq, &RedisError{Op: "mget", Key: c.Key(uniq[0]), Err: errSkipped})
	}
	raws, err := c.lookupMany(ctx, uniq)
	if err != nil {
		return m.fallback(ctx, uniq, err)
	}
	var missing, forced []string
	stale := map[string]entry{}
	for i, key := range uniq {
		raw := raws[i]
		if raw == nil {
			missing = append(missing, key)
			continue
		}
		if e, ok := c.expired(raw); ok {
			stale[key] = e
			forced = append(forced, key)
			continue
		}
		if derr := m.hit(key, raw); derr != nil {
			c.emit(Event{Kind: EventDecodeError, Key: key, Err: derr})
			forced = append(forced, key)
			continue
		}
		c.shared.stats.hits.Add(1)
	}
	c.shared.stats.misses.Add(int64(len(missing) + len(forced)))
	if len(missing)+len(forced) == 0 {
		return out, nil
	}
	if err := m.fill(ctx, missing, forced, stale); err != nil {
		if IsUnavailable(err) && c.cfg.FallbackToLoader {
			return m.fallback(ctx, append(missing, forced...), err)
		}
		return nil, err
	}
	return out, nil
}

// many is one GetMany call.
type many[T any] struct {
	c    *Cache
	load BatchLoader[T]
	opts *GetOpts
	mu   sync.Mutex // guards out while waiters run
	out  map[string]T
}

// hit decodes a cached entry into out (nothing for a cached "not found").
func (m *many[T]) hit(key string, raw []byte) error {
	c := m.c
	valKey := c.Key(key)
	if mm := c.shared.memo; mm != nil {
		if v, ok := mm.get(valKey, raw); ok {
			if tv, ok := v.(T); ok {
				m.put(key, tv)
				return nil
			}
		}
	}
	e, err := decodeEntry(raw)
	if err != nil || e.negative {
		return err
	}
	var v T
	if err := c.cfg.Codec.Unmarshal(e.payload, &v); err != nil {
		return err
	}
	if mm := c.shared.memo; mm != nil {
		mm.put(valKey, raw, v)
	}
	m.put(key, v)
	return nil
}

func (m *many[T]) put(key string, v T) {
	m.mu.Lock()
	m.out[key] = v
	m.mu.Unlock()
}

// filled decodes an entry a fill produced into out.
func (m *many[T]) filled(key string, b []byte) error {
	v, err := decodeFilled[T](m.c, key, b)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	m.put(key, v)
	return nil
}

// fallback answers from the loader alone while Redis is unreachable, or
// returns cause.
func (m *many[T]) fallback(ctx context.Context, keys []string, cause error) (map[string]T, error) {
	if !m.c.cfg.FallbackToLoader || !IsUnavailable(cause) {
		return nil, cause
	}
	m.c.shared.stats.fallbacks.Add(1)
	vs, err := m.load(ctx, keys)
	if err != nil {
		return nil, &LoadError{Key: describeKeys(keys), Err: err}
	}
	for _, k := range keys {
		if v, ok := vs[k]; ok {
			m.out[k] = v
		}
	}
	return m.out, nil
}

// fill takes the fill locks of the missing keys (and, without reading them,
// of the forced ones: stale or undecodable values) in one round trip,
// loads the keys it won in one loader call, and waits for the others.
func (m *many[T]) fill(ctx context.Context, missing, forced []string, stale map[string]entry) error {
	c := m.c
	token := newToken()
	lockTTL := ms(c.cfg.LockTTL)
	execs := func(keys []string) []rueidis.LuaExec {
		ex := make([]rueidis.LuaExec, len(keys))
		for i, k := range keys {
			ks := c.keys(k)
			ex[i] = rueidis.LuaExec{Keys: []string{ks.val, ks.lock, ks.wake}, Args: []string{token, lockTTL}}
		}
		return ex
	}
	res := append(getOrLockScript.execMulti(ctx, c.client, execs(missing)),
		lockScript.execMulti(ctx, c.client, execs(forced))...)
	order := append(append([]string(nil), missing...), forced...)
	var won, wait []string
	var lockErr error
	for i, r := range res {
		vals, err := r.ToArray()
		if err != nil {
			lockErr = cmp.Or(lockErr, c.observe("lock", c.Key(order[i]), err))
			continue
		}
		_ = c.observe("lock", c.Key(order[i]), nil)
		code, _ := vals[0].AsInt64()
		switch code {
		case 1: // filled meanwhile
			b, _ := vals[1].AsBytes()
			if err := m.filled(order[i], b); err != nil {
				lockErr = cmp.Or(lockErr, err)
			}
		case 2:
			won = append(won, order[i])
		default:
			wait = append(wait, order[i])
		}
	}
	if lockErr != nil {
		if len(won) > 0 { // release them so their waiters need not wait for LockTTL
			kss := make([]keys, len(won))
			for i, k := range won {
				kss[i] = c.keys(k)
			}
			c.abort(ctx, kss, token, lockErr.Error())
		}
		return lockErr
	}
	if len(wait) > 0 {
		c.shared.stats.waits.Add(int64(len(wait)))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(wait))
	sem := make(chan struct{}, manyWaiters)
	for i, k := range wait {
		wg.Add(1)
		go func() { // the semaphore is taken inside: this call's own loads must not wait for it
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = m.waitFor(ctx, k, stale)
		}()
	}
	loadErr := m.loadWon(ctx, token, won, stale)
	wg.Wait()
	return errors.Join(append(errs, loadErr)...)
}

// loadWon loads the keys whose fill locks this call holds, stores them and
// wakes their waiters.
func (m *many[T]) loadWon(ctx context.Context, token string, won []string, stale map[string]entry) error {
	if len(won) == 0 {
		return nil
	}
	c := m.c
	c.shared.stats.loads.Add(1)
	kss := make([]keys, len(won))
	locks := make([]string, len(won))
	for i, k := range won {
		kss[i] = c.keys(k)
		locks[i] = kss[i].lock
	}
	stop := c.keepLocks(ctx, locks, token)
	start := time.Now()
	vs, err := m.load(ctx, won)
	delta := time.Since(start)
	stop()
	if err != nil {
		c.abort(ctx, kss, token, err.Error())
		lerr := &LoadError{Key: describeKeys(won), Err: err}
		for _, k := range won {
			if e, ok := stale[k]; !ok || !c.servesStale(ctx, e, lerr) || !m.serveStale(k, e, lerr) {
				return lerr
			}
		}
		return nil
	}
	ls := make([]loaded, len(won))
	ttl := c.cfg.TTL
	if m.opts.TTL > 0 {
		ttl = m.opts.TTL
	}
	for i, k := range won {
		l := loaded{key: k, ks: kss[i], ttl: ttl, tags: m.opts.Tags, e: entry{negative: true, delta: delta}}
		if v, ok := vs[k]; ok {
			b, err := c.cfg.Codec.Marshal(v)
			if err != nil {
				c.abort(ctx, kss, token, err.Error())
				return &CodecError{Key: k, Err: err}
			}
			l.e = entry{payload: b, delta: delta}
			m.put(k, v)
		}
		ls[i] = l
	}
	c.store(ctx, token, ls)
	return nil
}

// serveStale puts an expired value into out after its reload failed.
func (m *many[T]) serveStale(key string, e entry, cause error) bool {
	var v T
	if m.c.cfg.Codec.Unmarshal(e.payload, &v) != nil {
		return false
	}
	m.put(key, v)
	m.c.shared.stats.stale.Add(1)
	m.c.emit(Event{Kind: EventStale, Key: key, Err: cause})
	return true
}

// waitFor waits for the value of a key another caller is loading, loading
// it here (alone) if that caller dies, as Get does.
func (m *many[T]) waitFor(ctx context.Context, key string, stale map[string]entry) error {
	one := func(ctx context.Context) (T, error) {
		vs, err := m.load(ctx, []string{key})
		if err != nil {
			var zero T
			return zero, err
		}
		v, ok := vs[key]
		if !ok {
			return v, ErrNotFound
		}
		return v, nil
	}
	e, isStale := stale[key]
	b, err := newFiller(m.c, key, Loader[T](one), m.opts).fill(ctx, isStale)
	if err != nil {
		if isStale && m.c.servesStale(ctx, e, err) && m.serveStale(key, e, err) {
			return nil
		}
		return err
	}
	return m.filled(key, b)
}

// lookupMany reads the values of keys in one round trip (per node on a
// cluster); a missing key gives nil.
func (c *Cache) lookupMany(ctx context.Context, keys []string) ([][]byte, error) {
	var res []rueidis.RedisResult
	if c.cfg.L1 {
		cmds := make([]rueidis.CacheableTTL, len(keys))
		for i, k := range keys {
			cmds[i] = rueidis.CT(c.client.B().Get().Key(c.Key(k)).Cache(), c.cfg.L1TTL)
		}
		res = c.client.DoMultiCache(ctx, cmds...)
	} else {
		cmds := make(rueidis.Commands, len(keys))
		for i, k := range keys {
			cmds[i] = c.client.B().Get().Key(c.Key(k)).Build()
		}
		res = c.client.DoMulti(ctx, cmds...)
	}
	out := make([][]byte, len(keys))
	for i, r := range res {
		b, err := r.AsBytes()
		if rueidis.IsRedisNil(err) {
			continue
		}
		if err != nil {
			return nil, c.observe("mget", c.Key(keys[i]), err)
		}
		if b == nil {
			b = []byte{}
		}
		out[i] = b
	}
	_ = c.observe("mget", "", nil)
	return out, nil
}

// describeKeys names the keys of a batch in an error.
func describeKeys(keys []string) string {
	if len(keys) == 1 {
		return keys[0]
	}
	return fmt.Sprintf("%s (and %d more keys)", keys[0], len(keys)-1)
}
