package leaderboard

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
)

// DefaultPrefix starts every board key.
const DefaultPrefix = "lb:"

var (
	// ErrNotFound is returned for a member that is not on the board.
	ErrNotFound = errors.New("leaderboard: member not found")
	// ErrInvalid is returned for an empty name or member, a bad page, and
	// by every method of a nil Board or of one made with a nil client.
	ErrInvalid = errors.New("leaderboard: invalid argument")
)

// Options configure a Board; nil gives the defaults.
type Options struct {
	// Prefix starts the key; default "lb:".
	Prefix string
	// Ascending ranks the lowest score first (race times); the default
	// ranks the highest first (points).
	Ascending bool
	// ExpireAt makes the board key expire at that time (set on every
	// write). Periodic sets it for its boards.
	ExpireAt time.Time
	// Now is the clock Periodic.Current reads; default time.Now. Board
	// expiry is enforced by the Redis server's clock, so a Now far from
	// the server's makes boards expire early or late.
	Now func() time.Time
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout,
	// 1s; negative: only the caller's context bounds calls).
	Timeout time.Duration
	// FirstReached orders tied members by who reached the score first
	// (on the Redis server's clock) instead of by member name. The board
	// then lives in two keys sharing a hash tag, <prefix>{<name>} and
	// <prefix>{<name>}:members, and each member is stored as
	// "<µs when its score last changed>:<member>"; reads return the
	// member as given. A write that leaves the score unchanged keeps the
	// member's place.
	FirstReached bool
}

// Entry is a member with its score and 1-based rank.
type Entry struct {
	Member string
	Score  float64
	Rank   int64
}

// Board is a leaderboard in one sorted set. Ties are ordered by member,
// ascending, in both directions, so every read is deterministic: the set
// stores the score negated for descending boards and is always read in
// ascending order, where Redis orders equal scores lexicographically.
// With Options.FirstReached ties are ordered by who reached the score
// first instead.
type Board struct {
	c    rueidis.Client
	key  string
	keys []string // the sorted set, and with FirstReached the member map
	o    Options
	// invalid is set, for a Board New was given a nil client or an empty
	// name, to the error every method returns.
	invalid error
}

// New returns the board called name. It does no I/O. Given a nil client or
// an empty name it returns a Board whose methods return an error wrapping
// ErrInvalid.
func New(c rueidis.Client, name string, o *Options) *Board {
	var opt Options
	if o != nil {
		opt = *o
	}
	if opt.Prefix == "" {
		opt.Prefix = DefaultPrefix
	}
	if opt.Timeout == 0 {
		opt.Timeout = redisconn.DefaultTimeout
	}
	b := &Board{c: redisconn.WithTimeout(c, opt.Timeout), key: opt.Prefix + name, o: opt}
	b.keys = []string{b.key}
	if opt.FirstReached {
		b.key = opt.Prefix + "{" + name + "}"
		b.keys = []string{b.key, b.key + ":members"}
	}
	switch {
	case c == nil:
		b.invalid = fmt.Errorf("%w: board %q: nil client", ErrInvalid, name)
	case name == "":
		b.invalid = fmt.Errorf("%w: empty board name", ErrInvalid)
	}
	return b
}

// usable returns an error wrapping ErrInvalid for a nil Board or one New
// was given a nil client or an empty name.
func (b *Board) usable() error {
	if b == nil {
		return fmt.Errorf("%w: nil *Board", ErrInvalid)
	}
	return b.invalid
}

// stampLen is the length of the "<16 hex digits>:" a FirstReached board
// puts before each member.
const stampLen = 17

// member returns the member a stored set member stands for.
func (b *Board) member(stored string) string {
	if b.o.FirstReached && len(stored) >= stampLen {
		return stored[stampLen:]
	}
	return stored
}

// Key returns the sorted-set key.
func (b *Board) Key() string {
	if b == nil {
		return ""
	}
	return b.key
}

func (b *Board) sign() float64 {
	if b.o.Ascending {
		return 1
	}
	return -1
}

func fmtf(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// writeScript sets or increments a member and refreshes the board expiry.
//
//	KEYS[1] board   ARGV[1] "set" or "incr"   ARGV[2] member
//	ARGV[3] stored value (already negated for descending boards)
//	ARGV[4] expiry as unix milliseconds, "0" for none
//	returns the stored score
//
// With FirstReached (KEYS[2], the member map, is given) the set member is
// "<16 hex digits of the server's µs clock>:<member>", renamed whenever
// the score changes, so equal scores order by who reached them first.
var writeScript = rueidis.NewLuaScript(`
local v
if #KEYS == 1 then
  if ARGV[1] == 'incr' then
    v = redis.call('ZINCRBY', KEYS[1], ARGV[3], ARGV[2])
  else
    redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
    v = ARGV[3]
  end
else
  local old = redis.call('HGET', KEYS[2], ARGV[2])
  local cur = nil
  if old then cur = redis.call('ZSCORE', KEYS[1], old) end
  local nv
  if ARGV[1] == 'incr' then nv = (tonumber(cur) or 0) + tonumber(ARGV[3]) else nv = tonumber(ARGV[3]) end
  if cur and tonumber(cur) == nv then
    v = cur
  else
    local t = redis.call('TIME')
    local stored = string.format('%08x%08x', tonumber(t[1]), tonumber(t[2])) .. ':' .. ARGV[2]
    if old then redis.call('ZREM', KEYS[1], old) end
    redis.call('ZADD', KEYS[1], nv, stored)
    redis.call('HSET', KEYS[2], ARGV[2], stored)
    v = redis.call('ZSCORE', KEYS[1], stored)
  end
end
if ARGV[4] ~= '0' then
  for i = 1, #KEYS do redis.call('PEXPIREAT', KEYS[i], ARGV[4]) end
end
return v
`)

func (b *Board) write(ctx context.Context, mode, member string, v float64) (float64, error) {
	if member == "" {
		return 0, fmt.Errorf("%w: empty member", ErrInvalid)
	}
	exp := "0"
	if !b.o.ExpireAt.IsZero() {
		exp = strconv.FormatInt(b.o.ExpireAt.UnixMilli(), 10)
	}
	s, err := writeScript.Exec(ctx, b.c, b.keys, []string{mode, member, fmtf(v * b.sign()), exp}).ToString()
	if err != nil {
		return 0, fmt.Errorf("leaderboard %s: %s %q: %w", b.key, mode, member, err)
	}
	f, err := strconv.ParseFloat(s, 64)
	return f * b.sign(), err
}

// Set sets a member's score.
func (b *Board) Set(ctx context.Context, member string, score float64) error {
	if err := b.usable(); err != nil {
		return err
	}
	_, err := b.write(ctx, "set", member, score)
	return err
}

// Incr adds delta to a member's score (creating it at 0) and returns the new score.
func (b *Board) Incr(ctx context.Context, member string, delta float64) (float64, error) {
	if err := b.usable(); err != nil {
		return 0, err
	}
	return b.write(ctx, "incr", member, delta)
}

// Remove takes members off the board.
func (b *Board) Remove(ctx context.Context, members ...string) error {
	if err := b.usable(); err != nil {
		return err
	}
	if len(members) == 0 {
		return nil
	}
	if !b.o.FirstReached {
		return b.c.Do(ctx, b.c.B().Zrem().Key(b.key).Member(members...).Build()).Error()
	}
	return removeScript.Exec(ctx, b.c, b.keys, members).Error()
}

// removeScript removes members of a FirstReached board.
//
//	KEYS[1] board, KEYS[2] member map   ARGV members
var removeScript = rueidis.NewLuaScript(`
for _, m in ipairs(ARGV) do
  local stored = redis.call('HGET', KEYS[2], m)
  if stored then
    redis.call('ZREM', KEYS[1], stored)
    redis.call('HDEL', KEYS[2], m)
  end
end
return 0
`)

// Count returns the number of members.
func (b *Board) Count(ctx context.Context) (int64, error) {
	if err := b.usable(); err != nil {
		return 0, err
	}
	return b.c.Do(ctx, b.c.B().Zcard().Key(b.key).Build()).AsInt64()
}

// Top returns the first n entries.
func (b *Board) Top(ctx context.Context, n int64) ([]Entry, error) {
	if err := b.usable(); err != nil {
		return nil, err
	}
	return b.rangeAt(ctx, 0, n-1)
}

// Page returns page (1-based) of size entries.
func (b *Board) Page(ctx context.Context, page, size int64) ([]Entry, error) {
	if err := b.usable(); err != nil {
		return nil, err
	}
	if page < 1 || size < 1 {
		return nil, fmt.Errorf("%w: page %d, size %d", ErrInvalid, page, size)
	}
	return b.rangeAt(ctx, (page-1)*size, page*size-1)
}

func (b *Board) rangeAt(ctx context.Context, start, stop int64) ([]Entry, error) {
	if stop < start {
		return nil, nil
	}
	zs, err := b.c.Do(ctx, b.c.B().Zrange().Key(b.key).Min(strconv.FormatInt(start, 10)).
		Max(strconv.FormatInt(stop, 10)).Withscores().Build()).AsZScores()
	if err != nil {
		return nil, fmt.Errorf("leaderboard %s: range: %w", b.key, err)
	}
	return b.entries(zs, start), nil
}

func (b *Board) entries(zs []rueidis.ZScore, start int64) []Entry {
	out := make([]Entry, len(zs))
	for i, z := range zs {
		out[i] = Entry{Member: b.member(z.Member), Score: z.Score * b.sign(), Rank: start + int64(i) + 1}
	}
	return out
}

// Rank returns a member's entry, or ErrNotFound. One round trip.
func (b *Board) Rank(ctx context.Context, member string) (Entry, error) {
	if err := b.usable(); err != nil {
		return Entry{}, err
	}
	if b.o.FirstReached {
		r, err := b.Ranks(ctx, member)
		if err != nil {
			return Entry{}, err
		}
		return Entry{Member: member, Score: r.Score, Rank: r.Ordinal}, nil
	}
	res := b.c.DoMulti(ctx,
		b.c.B().Zrank().Key(b.key).Member(member).Build(),
		b.c.B().Zscore().Key(b.key).Member(member).Build())
	r, err := res[0].AsInt64()
	if rueidis.IsRedisNil(err) {
		return Entry{}, fmt.Errorf("%w: %q", ErrNotFound, member)
	}
	if err != nil {
		return Entry{}, err
	}
	s, err := res[1].AsFloat64()
	if rueidis.IsRedisNil(err) { // removed between the two commands
		return Entry{}, fmt.Errorf("%w: %q", ErrNotFound, member)
	}
	if err != nil {
		return Entry{}, err
	}
	return Entry{Member: member, Score: s * b.sign(), Rank: r + 1}, nil
}

// aroundScript returns the entries within n places of a member.
//
//	KEYS[1] board   ARGV[1] member   ARGV[2] n
//	returns {start, {member, score, ...}} or nil when the member is absent
var aroundScript = rueidis.NewLuaScript(`
local m = ARGV[1]
if #KEYS > 1 then
  m = redis.call('HGET', KEYS[2], m)
  if not m then return nil end
end
local r = redis.call('ZRANK', KEYS[1], m)
if not r then return nil end
local n = tonumber(ARGV[2])
local s = math.max(0, r - n)
return {s, redis.call('ZRANGE', KEYS[1], s, r + n, 'WITHSCORES')}
`)

// Around returns the member and up to n entries above and below it, in
// one consistent read.
func (b *Board) Around(ctx context.Context, member string, n int64) ([]Entry, error) {
	if err := b.usable(); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("%w: negative n", ErrInvalid)
	}
	arr, err := aroundScript.Exec(ctx, b.c, b.keys, []string{member, strconv.FormatInt(n, 10)}).ToArray()
	if rueidis.IsRedisNil(err) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, member)
	}
	if err != nil {
		return nil, fmt.Errorf("leaderboard %s: around %q: %w", b.key, member, err)
	}
	start, _ := arr[0].AsInt64()
	flat, err := arr[1].AsStrSlice()
	if err != nil {
		return nil, err
	}
	zs := make([]rueidis.ZScore, 0, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		f, err := strconv.ParseFloat(flat[i+1], 64)
		if err != nil {
			return nil, err
		}
		zs = append(zs, rueidis.ZScore{Member: flat[i], Score: f})
	}
	return b.entries(zs, start), nil
}

// Ranks are a member's places under the usual ranking conventions.
type Ranks struct {
	// Ordinal: 1-based position, ties ordered by member ("1234"), or with
	// Options.FirstReached by who reached the score first.
	Ordinal int64
	// Competition: 1 + the number of members with a better score, so tied
	// members share a place and the next one is skipped ("1224").
	Competition int64
	// Dense: 1 + the number of distinct better scores ("1223").
	Dense int64
	Score float64
}

// ranksScript computes a member's ranks in one consistent read. Dense
// walks the members ahead of it (O(rank)); the others are O(log n).
//
//	KEYS[1] board   ARGV[1] member
//	returns {ordinal0, competition0, dense0, score} or nil when absent
var ranksScript = rueidis.NewLuaScript(`
local m = ARGV[1]
if #KEYS > 1 then
  m = redis.call('HGET', KEYS[2], m)
  if not m then return nil end
end
local s = redis.call('ZSCORE', KEYS[1], m)
if not s then return nil end
local r = redis.call('ZRANK', KEYS[1], m)
local better = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. s)
local dense, last = 0, nil
if better > 0 then
  local ahead = redis.call('ZRANGE', KEYS[1], 0, better - 1, 'WITHSCORES')
  for i = 2, #ahead, 2 do
    if ahead[i] ~= last then
      dense = dense + 1
      last = ahead[i]
    end
  end
end
return {r, better, dense, s}
`)

// Ranks returns a member's ordinal, competition and dense ranks, or
// ErrNotFound.
func (b *Board) Ranks(ctx context.Context, member string) (Ranks, error) {
	if err := b.usable(); err != nil {
		return Ranks{}, err
	}
	if member == "" {
		return Ranks{}, fmt.Errorf("%w: empty member", ErrInvalid)
	}
	arr, err := ranksScript.Exec(ctx, b.c, b.keys, []string{member}).ToArray()
	if rueidis.IsRedisNil(err) {
		return Ranks{}, fmt.Errorf("%w: %q", ErrNotFound, member)
	}
	if err == nil && len(arr) != 4 {
		err = fmt.Errorf("unexpected reply %v", arr)
	}
	if err != nil {
		return Ranks{}, fmt.Errorf("leaderboard %s: ranks %q: %w", b.key, member, err)
	}
	var r Ranks
	ord, _ := arr[0].AsInt64()
	comp, _ := arr[1].AsInt64()
	dense, _ := arr[2].AsInt64()
	s, err := arr[3].ToString()
	if err != nil {
		return Ranks{}, err
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return Ranks{}, err
	}
	r.Ordinal, r.Competition, r.Dense, r.Score = ord+1, comp+1, dense+1, f*b.sign()
	return r, nil
}
