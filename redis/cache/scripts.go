package cache

import (
	"context"
	"crypto/sha1"
	"encoding/hex"

	"github.com/redis/rueidis"
)

// script is a Lua script that can also run many times in one round trip
// (execMulti). rueidis' own ExecMulti loads the script on every node first,
// one more round trip per call; execMulti sends EVALSHA with the locally
// computed digest and repeats with EVAL only what the server does not know.
type script struct {
	*rueidis.Lua
	src, sha string
}

func newScript(src string) script {
	sum := sha1.Sum([]byte(src))
	return script{Lua: rueidis.NewLuaScript(src), src: src, sha: hex.EncodeToString(sum[:])}
}

func (s script) execMulti(ctx context.Context, c rueidis.Client, execs []rueidis.LuaExec) []rueidis.RedisResult {
	if len(execs) == 0 {
		return nil
	}
	cmds := make(rueidis.Commands, len(execs))
	for i, e := range execs {
		cmds[i] = c.B().Evalsha().Sha1(s.sha).Numkeys(int64(len(e.Keys))).Key(e.Keys...).Arg(e.Args...).Build()
	}
	res := c.DoMulti(ctx, cmds...)
	var retry []int
	for i, r := range res {
		if re, ok := rueidis.IsRedisErr(r.Error()); ok && re.IsNoScript() {
			retry = append(retry, i)
		}
	}
	if len(retry) == 0 {
		return res
	}
	cmds = cmds[:0]
	for _, i := range retry {
		e := execs[i]
		cmds = append(cmds, c.B().Eval().Script(s.src).Numkeys(int64(len(e.Keys))).Key(e.Keys...).Arg(e.Args...).Build())
	}
	for j, r := range c.DoMulti(ctx, cmds...) {
		res[retry[j]] = r
	}
	return res
}

// Every entry has three keys sharing one hash tag, so the scripts work in
// Redis Cluster:
//
//	<prefix><ns>:{<key>}        the value (an encoded entry, see entry.go)
//	<prefix><ns>:{<key>}:lock   the fill lock: a random token, with a TTL
//	<prefix><ns>:{<key>}:wake   a one-entry stream; the loader appends the
//	                            value (or its error) when it lands, and
//	                            waiters block on XREAD until it does

// getOrLockScript is the miss path, atomically: read the value, or take the
// fill lock, or report who holds it.
//
//	KEYS[1] value, KEYS[2] lock, KEYS[3] wake
//	ARGV[1] lock token, ARGV[2] lock TTL in ms
//	returns {1, value}     the value is there (filled meanwhile)
//	        {2}            the caller holds the lock and must load; the wake
//	                       stream was emptied so waiters block until the fill
//	        {3, lock_pttl, holder_token}
//	                       another caller holds the lock: wait on the stream
//	                       for an entry carrying holder_token
var getOrLockScript = newScript(`
local v = redis.call('GET', KEYS[1])
if v then return {1, v} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('DEL', KEYS[3])
  return {2}
end
return {3, redis.call('PTTL', KEYS[2]), redis.call('GET', KEYS[2]) or ''}
`)

// fillScript stores a loaded value and releases the lock, but only while
// the caller still holds the lock: Set and Delete remove the lock, so a
// fill that started before a write never stores its older value over it.
// Either way it wakes the caller's own waiters with the value itself; the
// entry carries the token so waiters of a later fill ignore it.
//
//	KEYS[1] value, KEYS[2] lock, KEYS[3] wake
//	ARGV[1] lock token, ARGV[2] encoded entry, ARGV[3] TTL in ms,
//	ARGV[4] wake stream TTL in ms
//	returns 1 if the value was stored, 0 if the lock was gone (expired,
//	or removed by a write)
var fillScript = newScript(`
local held = 0
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  redis.call('DEL', KEYS[2])
  held = 1
end
redis.call('XADD', KEYS[3], 'MAXLEN', '1', '*', 't', ARGV[1], 'v', ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return held
`)

// extendScript renews the fill lock while a slow loader runs.
//
//	KEYS[1] lock
//	ARGV[1] lock token, ARGV[2] lock TTL in ms
//	returns 1 if the caller still held the lock, 0 otherwise
var extendScript = newScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// abortScript releases the lock after a failed load and wakes the waiters
// with the error text.
//
//	KEYS[1] lock, KEYS[2] wake
//	ARGV[1] lock token, ARGV[2] error text, ARGV[3] wake stream TTL in ms
//	returns 1 if the caller still held the lock
var abortScript = newScript(`
local held = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  held = 1
end
redis.call('XADD', KEYS[2], 'MAXLEN', '1', '*', 't', ARGV[1], 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return held
`)

// lockScript is getOrLockScript without the read: used to overwrite a value
// that could not be decoded. Same KEYS, ARGV and returns (never {1, v}).
var lockScript = newScript(`
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('DEL', KEYS[3])
  return {2}
end
return {3, redis.call('PTTL', KEYS[2]), redis.call('GET', KEYS[2]) or ''}
`)
