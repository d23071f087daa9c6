package lock_test

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/redis/rueidis"
)

// The two designs below were measured against polystore's lock in
// BenchmarkLockPaired and are kept as cost baselines, not as locks to use.

// multiFn acquires with one pipelined transaction, MULTI; INCR fence;
// PEXPIRE fence; SET NX PX; EXEC (the fence is drawn even when SET fails),
// and releases with the owner-checked DEL script. Its fence restarts at 1
// when the counter expires, which is why polystore does not use it.
func multiFn(c rueidis.Client) lockFn {
	var n atomic.Int64
	return func(ctx context.Context, name string) error {
		tok := strconv.FormatInt(n.Add(1), 10)
		k := "{" + name + "}"
		rs := c.DoMulti(ctx, c.B().Multi().Build(), c.B().Incr().Key(k+":f").Build(),
			c.B().Pexpire().Key(k+":f").Milliseconds(86400000).Build(),
			c.B().Set().Key(k).Value(tok).Nx().PxMilliseconds(ttl.Milliseconds()).Build(), c.B().Exec().Build())
		arr, err := rs[4].ToArray()
		if err != nil {
			return err
		}
		if s, err := arr[2].ToString(); err != nil || s != "OK" {
			return fmt.Errorf("multi acquire: %v %v", s, err)
		}
		return rawRelease.Exec(ctx, c, []string{k}, []string{tok}).Error()
	}
}

// fencedScript is polystore's acquire script without the waiter marking,
// called directly: SET NX PX and INCR/PEXPIRE of the fence in one script.
var fencedScript = rueidis.NewLuaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0, redis.call('PTTL', KEYS[1])}
end
local ttl, keep = tonumber(ARGV[2]), tonumber(ARGV[3])
local f = redis.call('INCR', KEYS[2])
local px = math.max(keep, ttl)
if f == 1 then
  local t = redis.call('TIME')
  f = tonumber(t[1]) * 1000000 + tonumber(t[2])
  redis.call('SET', KEYS[2], string.format('%d', f), 'PX', px)
elseif keep > 0 then
  redis.call('PEXPIRE', KEYS[2], px)
end
return {f, 0}`)

// scriptFn is fencedScript plus the owner-checked DEL script, with no
// client-side machinery (lease timer, holder context, per-call deadline):
// the floor of a fenced lock on rueidis.
func scriptFn(c rueidis.Client) lockFn {
	var n atomic.Int64
	return func(ctx context.Context, name string) error {
		tok := strconv.FormatInt(n.Add(1), 10)
		k := "{" + name + "}"
		if err := fencedScript.Exec(ctx, c, []string{k, k + ":f"}, []string{tok, "10000", "86400000"}).Error(); err != nil {
			return err
		}
		return rawRelease.Exec(ctx, c, []string{k}, []string{tok}).Error()
	}
}
