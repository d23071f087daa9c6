package rediskey

import (
	"context"
	"strings"

	"github.com/redis/rueidis"
)

// HashTag returns the part of key that Redis Cluster hashes: the text
// between the first "{" and the next "}" when it is not empty, else the
// whole key.
func HashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

// Sibling returns a key for data that belongs with key (its fence, its
// attempts, its dead letters) that hashes to key's slot: key+suffix when
// key already carries a hash tag, else "{key}"+suffix, whose tag is the
// whole of key. The one exception is an untagged key containing "}", which
// no wrapping can keep whole; it gets key+suffix, so give such keys a hash
// tag when they run on a cluster.
func Sibling(key, suffix string) string {
	if HashTag(key) != key || strings.IndexByte(key, '}') >= 0 {
		return key + suffix
	}
	return "{" + key + "}" + suffix
}

// EscapeGlob escapes the glob metacharacters of s for SCAN MATCH.
func EscapeGlob(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// Scan calls fn with every batch of keys matching pattern, on every node
// the client knows (one on a single server; each master and replica on a
// cluster, so a key may be seen more than once there). It never uses KEYS.
func Scan(ctx context.Context, c rueidis.Client, pattern string, count int64, fn func(keys []string) error) error {
	for _, node := range c.Nodes() {
		var cursor uint64
		for {
			e, err := node.Do(ctx, node.B().Scan().Cursor(cursor).Match(pattern).Count(count).Build()).AsScanEntry()
			if err != nil {
				return err
			}
			if len(e.Elements) > 0 {
				if err := fn(e.Elements); err != nil {
					return err
				}
			}
			if cursor = e.Cursor; cursor == 0 {
				break
			}
		}
	}
	return nil
}

// Unlink removes keys one command each (pipelined by the client; one slot
// per command on a cluster) and returns how many existed.
func Unlink(ctx context.Context, c rueidis.Client, keys []string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	cmds := make(rueidis.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = c.B().Unlink().Key(k).Build()
	}
	var n int64
	for _, r := range c.DoMulti(ctx, cmds...) {
		m, err := r.AsInt64()
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}
