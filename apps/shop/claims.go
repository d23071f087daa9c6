package shop

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/redis/rueidis"
)

// The claim filter tells a sold-out answer from L1 (Config.SoldOutL1)
// whether a request's Idempotency-Key may have been used before without a
// round trip for each request. It is a Bloom filter of every key claimed
// (see Shop.Reserve), kept in Redis and read through rueidis' client-side
// cache, so it is shared by every process of the shop and a process reads
// a part of it again only after Redis says that part changed.
//
// The reservation script sets the key's bits in the same step as the claim
// (single server only: on Redis Cluster the filter would be in another
// slot, and the L1 path asks Redis with EXISTS instead). The filter is a
// superset of the live claims: a key that has a claim has its bits set,
// and the part of the filter holding them lives at least as long as the
// claim (its expiry is pushed to the claim's TTL plus a minute at every
// write). So a key whose bits are not all set was never claimed and has
// no earlier answer to replay; a key whose bits are set may have one, and
// goes to Redis (EXISTS, then the script when the claim is there).
//
// The filter is split in claimShards strings of claimShardBits bits: a key
// lives in one shard (a blocked Bloom filter), so a reservation changes one
// string and invalidates one cached entry, and a shard read again after an
// invalidation is 2 KiB. Shards are bucketed by epoch, the claim's time
// divided by the idempotency TTL, so bits of claims long expired leave with
// their epoch instead of filling the filter: with 4 million bits per epoch
// and 3 bits per key, 100,000 claims in a TTL answer "maybe" for 0.05% of
// new keys, a million for about 14% (those ask Redis, as before).
//
// Every process of a shop must write the filter (all versions since it
// came do: the script always does on one server) and use the same
// IdempotencyTTL, which sets the epochs.
const (
	claimShards    = 256
	claimShardBits = 16384
	claimBits      = 3 // also in reserveLua (ARGV[8..10])
	// claimFilterExtraTTL is how much longer than the claims a shard lives.
	claimFilterExtraTTL = time.Minute
	// claimCacheTTL bounds how long the client-side cache keeps a shard.
	// Redis invalidates a shard when a claim changes it or it expires (on
	// the connection it was read on, before any later answer there), so
	// this only sets how often an unchanged shard is read again: 4 epochs
	// of 256 shards once a minute, where soldOutTTL (1 s) would read them
	// about as often as the EXISTS they replace at a few thousand answers
	// per second. The TTL is static (rueidis' ToStaticTTL: a shard lives
	// longer than this on the server), so a read is CLIENT CACHING and
	// GET, without MULTI, PTTL and EXEC around it.
	claimCacheTTL = time.Minute
)

// claimPos is where an idempotency key lives in the claim filter.
type claimPos struct {
	shard int
	bit   [claimBits]uint32
}

// claimPosOf hashes (user, key) as the claim key does: FNV-1a over
// user ":" key, finished with splitmix64, then double hashing for the bits.
func claimPosOf(user, key string) claimPos {
	h := uint64(14695981039346656037)
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
	}
	add(user)
	add(":")
	add(key)
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	p := claimPos{shard: int(h % claimShards)}
	h1, h2 := uint32(h>>8), uint32(h>>40)|1
	for i := range p.bit {
		p.bit[i] = (h1 + uint32(i)*h2) % claimShardBits
	}
	return p
}

// in reports whether every bit of p is set in a shard's value (Redis bit
// order: the most significant bit of a byte first; past the end is 0).
func (p claimPos) in(v string) bool {
	for _, b := range p.bit {
		i := int(b / 8)
		if i >= len(v) || v[i]&(0x80>>(b%8)) == 0 {
			return false
		}
	}
	return true
}

// claimEpoch is the filter's epoch at t.
func (s *Shop) claimEpoch(t time.Time) int64 {
	return t.UnixMilli() / max(s.cfg.IdempotencyTTL.Milliseconds(), 1)
}

// claimShardSet holds an epoch's shard names and their GET commands, pinned
// so that a sold-out answer builds none.
type claimShardSet struct {
	names [claimShards]string
	gets  [claimShards]rueidis.Cacheable
}

// claimShardSet returns an epoch's shards, built once.
func (s *Shop) claimShardSet(epoch int64) *claimShardSet {
	if v, ok := s.claimNames.Load(epoch); ok {
		return v.(*claimShardSet)
	}
	set := &claimShardSet{}
	base := s.cfg.Prefix + "claims:" + strconv.FormatInt(epoch, 10) + ":"
	for i := range set.names {
		set.names[i] = base + strconv.Itoa(i)
		set.gets[i] = s.redis.B().Get().Key(set.names[i]).Cache().ToStaticTTL().Pin()
	}
	v, _ := s.claimNames.LoadOrStore(epoch, set)
	// Forget the epochs no reader looks at any more.
	s.claimNames.Range(func(k, _ any) bool {
		if e := k.(int64); e < epoch-3 || e > epoch+3 {
			s.claimNames.Delete(k)
		}
		return true
	})
	return v.(*claimShardSet)
}

// claimBitDigits holds the decimal text of every bit offset in a shard,
// so that a reservation formats none.
var claimBitDigits = sync.OnceValue(func() *[claimShardBits]string {
	var d [claimShardBits]string
	for i := range d {
		d[i] = strconv.Itoa(i)
	}
	return &d
})

// claimWrite is what the reservation script needs to add a key to the
// filter: the shard's key, and its arguments (the bits, then the shard's
// TTL in ms).
func (s *Shop) claimWrite(user, key string) (string, [claimBits + 1]string) {
	p := claimPosOf(user, key)
	var args [claimBits + 1]string
	digits := claimBitDigits()
	for i, b := range p.bit {
		args[i] = digits[b]
	}
	args[claimBits] = s.claimFilterTTL
	return s.claimShardSet(s.claimEpoch(s.cfg.Now())).names[p.shard], args
}

// mayBeClaimed reports whether (user, key) may have a claim: false only
// when the claim filter, read from the client-side cache, lacks one of its
// bits in every epoch a live claim's bits could be in. A claim's bits are
// in the epoch of its writer's clock, and a claim lives less than an
// epoch, so with the processes' clocks less than half an epoch apart that
// is the epochs from two before the reader's to one after. Errors answer
// true.
func (s *Shop) mayBeClaimed(ctx context.Context, user, key string) bool {
	p := claimPosOf(user, key)
	e := s.claimEpoch(s.cfg.Now())
	for d := int64(1); d >= -2; d-- {
		v, err := s.redis.DoCache(ctx, s.claimShardSet(e + d).gets[p.shard], claimCacheTTL).ToString()
		if rueidis.IsRedisNil(err) {
			continue
		}
		if err != nil || p.in(v) {
			return true
		}
	}
	return false
}
