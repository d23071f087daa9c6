package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/redis/rueidis"
)

// StoreError: the store callback of WriteThrough failed; the cache was not
// touched.
type StoreError struct {
	Key string
	Err error
}

func (e *StoreError) Error() string { return "cache: " + e.Key + ": store: " + e.Err.Error() }

func (e *StoreError) Unwrap() error { return e.Err }

// WriteThrough writes v to the source of truth with store, then to the
// cache. If store fails, the cache is untouched and *StoreError is
// returned. If the cache write fails after the store succeeded, the key is
// deleted (so no stale value is served) and the Redis error is returned.
func WriteThrough[T any](ctx context.Context, c *Cache, key string, v T, store func(ctx context.Context, v T) error, opts *SetOpts) error {
	if c == nil {
		return errNilCache
	}
	if key == "" {
		return ErrEmptyKey
	}
	if store == nil {
		return &ConfigError{Field: "store", Reason: "must not be nil"}
	}
	if _, err := opts.ttl(c); err != nil {
		return err
	}
	if err := store(ctx, v); err != nil {
		return &StoreError{Key: key, Err: err}
	}
	if err := c.Set(ctx, key, v, opts); err != nil {
		if derr := c.Delete(ctx, key); derr != nil {
			return errors.Join(err, derr)
		}
		return err
	}
	return nil
}

// Write is one write-behind entry handed to a FlushFunc.
type Write struct {
	// ID is the stream entry id (increasing in write order).
	ID string
	// Key is the cache key given to WriteBehind.Write.
	Key string
	// Value is the codec's encoding of the written value; see Decode.
	Value []byte
}

// FlushFunc writes a batch to the source of truth. It must be idempotent:
// delivery is at-least-once, so a batch interrupted by a crash is flushed
// again. Returning an error retries the whole batch with backoff.
type FlushFunc func(ctx context.Context, batch []Write) error

// WriteBehindConfig configures a WriteBehind. Zero fields take defaults.
type WriteBehindConfig struct {
	// Stream is the Redis stream key (default Prefix+Namespace+":#writes").
	Stream string
	// Group is the consumer group of the flushers (default "flusher").
	Group string
	// Consumer names this flusher; unique per process (default
	// hostname-pid-random). A flusher restarted under the same name first
	// flushes what it had read but not acknowledged.
	Consumer string
	// BatchSize is the most entries per FlushFunc call (default 100).
	BatchSize int
	// Block is how long one read waits for new entries (default 1s).
	Block time.Duration
	// ClaimIdle: entries read by a flusher and not acknowledged for this
	// long (it died mid-batch) are claimed by another (default 30s).
	ClaimIdle time.Duration
	// MaxBackoff caps the delay between retries of a failing batch
	// (default 10s; retries start at 50ms and double).
	MaxBackoff time.Duration
}

// WriteBehind writes to the cache at once and to the source of truth later:
// each write lands in the cache and in a durable Redis Stream; Run drains
// the stream with a FlushFunc, acknowledging (and deleting) entries only
// after the flush succeeded. Several flushers may run (a consumer group).
type WriteBehind struct {
	c   *Cache
	cfg WriteBehindConfig
}

// NewWriteBehind returns a WriteBehind on c. It does no I/O.
func NewWriteBehind(c *Cache, cfg WriteBehindConfig) (*WriteBehind, error) {
	if c == nil {
		return nil, errNilCache
	}
	if cfg.Stream == "" {
		cfg.Stream = c.nsPrefix() + "#writes"
	}
	if cfg.Group == "" {
		cfg.Group = "flusher"
	}
	if cfg.Consumer == "" {
		host, _ := os.Hostname()
		cfg.Consumer = host + "-" + strconv.Itoa(os.Getpid()) + "-" + newToken()[:8]
	}
	if cfg.BatchSize < 0 {
		return nil, &ConfigError{Field: "WriteBehindConfig.BatchSize", Reason: "must not be negative"}
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 100
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"Block", &cfg.Block, time.Second}, {"ClaimIdle", &cfg.ClaimIdle, 30 * time.Second}, {"MaxBackoff", &cfg.MaxBackoff, 10 * time.Second}} {
		if *d.v < 0 {
			return nil, &ConfigError{Field: "WriteBehindConfig." + d.name, Reason: "must not be negative"}
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	return &WriteBehind{c: c, cfg: cfg}, nil
}

// Write appends the write to the stream (durable first), then caches v.
// An error after the append still reaches the store.
func (w *WriteBehind) Write(ctx context.Context, key string, v any, opts *SetOpts) error {
	if w == nil {
		return errNilWriteBehind
	}
	if key == "" {
		return ErrEmptyKey
	}
	if _, err := opts.ttl(w.c); err != nil {
		return err
	}
	b, err := w.c.cfg.Codec.Marshal(v)
	if err != nil {
		return &CodecError{Key: key, Err: err}
	}
	cl := w.c.client
	err = cl.Do(ctx, cl.B().Xadd().Key(w.cfg.Stream).Id("*").FieldValue().FieldValue("k", key).FieldValue("v", rueidis.BinaryString(b)).Build()).Error()
	if err = w.c.observe("write-behind", key, err); err != nil {
		return err
	}
	return w.c.Set(ctx, key, v, opts)
}

// Pending returns how many writes are not yet flushed.
func (w *WriteBehind) Pending(ctx context.Context) (int64, error) {
	if w == nil {
		return 0, errNilWriteBehind
	}
	n, err := w.c.client.Do(ctx, w.c.client.B().Xlen().Key(w.cfg.Stream).Build()).AsInt64()
	return n, w.c.observe("xlen", w.cfg.Stream, err)
}

// Run flushes writes until ctx is done, then returns ctx.Err(). Entries
// are acknowledged only after flush returns nil; an entry a dead flusher
// left unacknowledged is claimed after ClaimIdle. Redis errors are retried.
func (w *WriteBehind) Run(ctx context.Context, flush FlushFunc) error {
	if w == nil {
		return errNilWriteBehind
	}
	if flush == nil {
		return &ConfigError{Field: "flush", Reason: "must not be nil"}
	}
	cl := w.c.client
	cfg := w.cfg
	backoff := newBackoff(cfg.MaxBackoff)
	for {
		err := cl.Do(ctx, cl.B().XgroupCreate().Key(cfg.Stream).Group(cfg.Group).Id("0").Mkstream().Build()).Error()
		if err == nil || rueidis.IsRedisBusyGroup(err) {
			break
		}
		if !backoff.wait(ctx) {
			return ctx.Err()
		}
	}
	own := "0" // first, what this consumer read before a restart
	claimAt := time.Time{}
	for ctx.Err() == nil {
		var batch []rueidis.XRangeEntry
		var err error
		switch {
		case own != "":
			batch, err = w.readGroup(ctx, own, 0)
			if err == nil && len(batch) == 0 {
				own = ""
			}
		case time.Now().After(claimAt):
			batch, err = w.claim(ctx)
			if err == nil && len(batch) < cfg.BatchSize {
				claimAt = time.Now().Add(cfg.ClaimIdle / 2)
			}
		default:
			batch, err = w.readGroup(ctx, ">", cfg.Block)
		}
		if err != nil {
			if ctx.Err() == nil {
				w.c.cfg.Logger.Warn("cache: write-behind read", "stream", cfg.Stream, "err", err)
				backoff.wait(ctx)
			}
			continue
		}
		if len(batch) > 0 {
			w.flush(ctx, flush, batch, backoff)
			if own != "" {
				own = batch[len(batch)-1].ID
			}
		}
	}
	return ctx.Err()
}

func (w *WriteBehind) readGroup(ctx context.Context, id string, block time.Duration) ([]rueidis.XRangeEntry, error) {
	cl := w.c.client
	b := cl.B().Xreadgroup().Group(w.cfg.Group, w.cfg.Consumer).Count(int64(w.cfg.BatchSize))
	var cmd rueidis.Completed
	if block > 0 {
		cmd = b.Block(max(block.Milliseconds(), 1)).Streams().Key(w.cfg.Stream).Id(id).Build()
	} else {
		cmd = b.Streams().Key(w.cfg.Stream).Id(id).Build()
	}
	m, err := cl.Do(ctx, cmd).AsXRead()
	if rueidis.IsRedisNil(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return m[w.cfg.Stream], nil
}

func (w *WriteBehind) claim(ctx context.Context) ([]rueidis.XRangeEntry, error) {
	cl := w.c.client
	vals, err := cl.Do(ctx, cl.B().Xautoclaim().Key(w.cfg.Stream).Group(w.cfg.Group).Consumer(w.cfg.Consumer).
		MinIdleTime(strconv.FormatInt(w.cfg.ClaimIdle.Milliseconds(), 10)).Start("0-0").Count(int64(w.cfg.BatchSize)).Build()).ToArray()
	if err != nil {
		return nil, err
	}
	if len(vals) < 2 {
		return nil, fmt.Errorf("cache: unexpected XAUTOCLAIM reply")
	}
	return vals[1].AsXRange()
}

// flush calls fn until it succeeds (or ctx ends), then acknowledges and
// deletes the entries.
func (w *WriteBehind) flush(ctx context.Context, fn FlushFunc, entries []rueidis.XRangeEntry, backoff *backoff) {
	batch := make([]Write, 0, len(entries))
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, e.ID)
		if e.FieldValues == nil { // deleted meanwhile
			continue
		}
		batch = append(batch, Write{ID: e.ID, Key: e.FieldValues["k"], Value: []byte(e.FieldValues["v"])})
	}
	for len(batch) > 0 {
		err := fn(ctx, batch)
		if err == nil {
			break
		}
		w.c.cfg.Logger.Warn("cache: write-behind flush failed; retrying", "entries", len(batch), "err", err)
		if !backoff.wait(ctx) {
			return // not acknowledged: flushed again later
		}
	}
	backoff.reset()
	cl := w.c.client
	for {
		res := cl.DoMulti(ctx, cl.B().Xack().Key(w.cfg.Stream).Group(w.cfg.Group).Id(ids...).Build(),
			cl.B().Xdel().Key(w.cfg.Stream).Id(ids...).Build())
		if res[0].Error() == nil && res[1].Error() == nil {
			return
		}
		if !backoff.wait(ctx) {
			return
		}
	}
}

// Decode decodes the written value with the cache's codec.
func (w *WriteBehind) Decode(wr Write, v any) error {
	if w == nil {
		return errNilWriteBehind
	}
	if err := w.c.cfg.Codec.Unmarshal(wr.Value, v); err != nil {
		return &CodecError{Key: wr.Key, Err: err}
	}
	return nil
}

type backoff struct {
	cur, max time.Duration
}

func newBackoff(maxDelay time.Duration) *backoff { return &backoff{max: maxDelay} }

func (b *backoff) reset() { b.cur = 0 }

// wait sleeps for the next delay; false if ctx ended first.
func (b *backoff) wait(ctx context.Context) bool {
	b.cur = min(max(2*b.cur, 50*time.Millisecond), b.max)
	t := time.NewTimer(b.cur)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
