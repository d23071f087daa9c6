package cache

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/rediskey"
)

// SetOpts are per-call options for Set; nil means the Config defaults.
type SetOpts struct {
	// TTL overrides Config.TTL.
	TTL time.Duration
	// Tags are attached to the value (see InvalidateTag).
	Tags []string
}

func (o *SetOpts) ttl(c *Cache) (time.Duration, error) {
	if o == nil {
		return c.cfg.TTL, nil
	}
	if o.TTL < 0 {
		return 0, &ConfigError{Field: "SetOpts.TTL", Reason: "must not be negative"}
	}
	if err := checkTags(o.Tags); err != nil {
		return 0, err
	}
	if o.TTL == 0 {
		return c.cfg.TTL, nil
	}
	return o.TTL, nil
}

func checkTags(tags []string) error {
	for _, t := range tags {
		if t == "" {
			return fmt.Errorf("%w: empty tag", ErrInvalid)
		}
	}
	return nil
}

// Set stores v under key (with jittered TTL), replacing any value. Clients
// with an L1 copy are invalidated by Redis.
func (c *Cache) Set(ctx context.Context, key string, v any, opts *SetOpts) error {
	if c == nil {
		return errNilCache
	}
	if key == "" {
		return ErrEmptyKey
	}
	ttl, err := opts.ttl(c)
	if err != nil {
		return err
	}
	b, err := c.cfg.Codec.Marshal(v)
	if err != nil {
		return &CodecError{Key: key, Err: err}
	}
	ttl = c.ttl(ttl)
	ks := c.keys(key)
	k := ks.val
	e := entry{payload: b, expiry: time.Now().Add(ttl)}
	// Removing the fill lock stops a fill that started before this write
	// from storing its older value over it.
	if err := c.doMulti(ctx, "set", []string{k}, 2, rueidis.Commands{
		c.client.B().Set().Key(k).Value(rueidis.BinaryString(e.encode())).PxMilliseconds(max(c.keepFor(ttl).Milliseconds(), 1)).Build(),
		c.client.B().Unlink().Key(ks.lock).Build(),
	}); err != nil {
		return err
	}
	if opts != nil && len(opts.Tags) > 0 {
		return c.tag(ctx, k, c.keepFor(ttl), opts.Tags)
	}
	return nil
}

// Delete removes keys from the cache. A fill of one of these keys that is
// in flight (its loader read the store before the write that led to this
// Delete) does not store its value afterwards.
func (c *Cache) Delete(ctx context.Context, keys ...string) error {
	if c == nil {
		return errNilCache
	}
	if len(keys) == 0 {
		return nil
	}
	cmds := make(rueidis.Commands, 0, 3*len(keys))
	names := make([]string, 0, len(keys))
	for _, key := range keys {
		if key == "" {
			return ErrEmptyKey
		}
		ks := c.keys(key)
		names = append(names, ks.val)
		cmds = append(cmds, c.client.B().Unlink().Key(ks.val).Build(), c.client.B().Unlink().Key(ks.wake).Build(),
			c.client.B().Unlink().Key(ks.lock).Build())
	}
	return c.doMulti(ctx, "delete", names, 3, cmds)
}

// doMulti runs cmds in one round trip; per commands of cmds concern each
// of keys in turn, which the error of a failed one names.
func (c *Cache) doMulti(ctx context.Context, op string, keys []string, per int, cmds rueidis.Commands) error {
	for i, r := range c.client.DoMulti(ctx, cmds...) {
		if err := c.observe(op, keys[min(i/per, len(keys)-1)], r.Error()); err != nil {
			return err
		}
	}
	return nil
}

// tagKey is the set of value keys carrying tag, hash-tagged on the tag.
func (c *Cache) tagKey(tag string) string { return c.nsPrefix() + "#tag:{" + tag + "}" }

// tag adds value key k to each tag's set; the set lives as long as its
// longest-lived member.
func (c *Cache) tag(ctx context.Context, k string, ttl time.Duration, tags []string) error {
	cmds := make(rueidis.Commands, 0, 3*len(tags))
	names := make([]string, 0, len(tags))
	pttl := max(ttl.Milliseconds(), 1)
	for _, t := range tags {
		tk := c.tagKey(t)
		names = append(names, tk)
		cmds = append(cmds, c.client.B().Sadd().Key(tk).Member(k).Build(),
			c.client.B().Pexpire().Key(tk).Milliseconds(pttl).Nx().Build(),
			c.client.B().Pexpire().Key(tk).Milliseconds(pttl).Gt().Build())
	}
	return c.doMulti(ctx, "tag", names, 3, cmds)
}

// InvalidateTag removes every value tagged with tag and returns how many
// keys were removed. The tag's set is renamed first, so values tagged
// meanwhile are kept for the next invalidation, not lost.
func (c *Cache) InvalidateTag(ctx context.Context, tag string) (int64, error) {
	if c == nil {
		return 0, errNilCache
	}
	if tag == "" {
		return 0, fmt.Errorf("%w: empty tag", ErrInvalid)
	}
	tk := c.tagKey(tag)
	snap := tk + ":inval:" + newToken()
	err := c.client.Do(ctx, c.client.B().Rename().Key(tk).Newkey(snap).Build()).Error()
	if err != nil {
		if re, ok := rueidis.IsRedisErr(err); ok && strings.Contains(re.Error(), "no such key") {
			return 0, nil
		}
		return 0, c.observe("invalidate", tk, err)
	}
	var n int64
	var cursor uint64
	for {
		e, err := c.client.Do(ctx, c.client.B().Sscan().Key(snap).Cursor(cursor).Count(500).Build()).AsScanEntry()
		if err != nil {
			return n, c.observe("invalidate", tk, err)
		}
		m, err := c.unlink(ctx, e.Elements)
		n += m
		if err != nil {
			return n, err
		}
		if cursor = e.Cursor; cursor == 0 {
			break
		}
	}
	return n, c.observe("invalidate", tk, c.client.Do(ctx, c.client.B().Unlink().Key(snap).Build()).Error())
}

// unlink removes keys one UNLINK each, pipelined (cluster-safe), and
// returns how many existed.
func (c *Cache) unlink(ctx context.Context, keys []string) (int64, error) {
	n, err := rediskey.Unlink(ctx, c.client, keys)
	if err != nil {
		return n, c.observe("unlink", "", err)
	}
	return n, nil
}

// Clear removes every key of namespace ns (values, locks, tags) by SCAN and
// UNLINK in batches, never KEYS, and returns how many were removed; an
// empty ns is the Cache's own namespace. On Redis Cluster it scans every
// node.
func (c *Cache) Clear(ctx context.Context, ns string) (int64, error) {
	if c == nil {
		return 0, errNilCache
	}
	if ns == "" {
		ns = c.cfg.Namespace
	}
	if err := checkNamespace(ns); err != nil {
		return 0, err
	}
	pattern := rediskey.EscapeGlob(c.cfg.Prefix+ns+":") + "*"
	var n int64
	err := rediskey.Scan(ctx, c.client, pattern, 500, func(keys []string) error {
		m, err := c.unlink(ctx, keys)
		n += m
		return err
	})
	if err != nil {
		return n, c.observe("clear", pattern, err)
	}
	return n, nil
}
