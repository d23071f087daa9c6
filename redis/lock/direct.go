package lock

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"strconv"

	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
)

// script is an idempotent Lua script that can be sent either through the
// client's shared, auto-pipelined connection or on a connection of its own.
type script struct {
	lua      *rueidis.Lua
	src, sha string
}

func newScript(src string) *script {
	sum := sha1.Sum([]byte(src))
	return &script{lua: rueidis.NewLuaScriptRetryable(src), src: src, sha: hex.EncodeToString(sum[:])}
}

// exec runs the script on instance i. Calls of this Locker go through
// rueidis's auto-pipelining (c.Do) only while more than
// Options.DirectCalls of them are in flight on that instance: pipelining
// batches concurrent calls into one write, but with one or two calls in
// flight it batches nothing and costs two goroutine hand-offs per round
// trip (the caller queues the command, rueidis's writer goroutine writes
// it, its reader goroutine reads the reply and hands it back). Up to
// that count, the call is marked blocking, which makes rueidis send it on
// a connection taken from its pool for blocking commands and write and
// read it in the calling goroutine, as a client with
// DisableAutoPipelining does for every call.
//
// The count includes the Locker's waiters blocked in BLPOP (which hold
// connections of the same pool), so a call goes direct only while this
// Locker holds at most DirectCalls connections of that pool, itself
// included: it adds at most DirectCalls connections to what its waiters
// held before, opens none per call, and does not queue behind its own
// waiters. redisconn.DoDirect keeps the Locker's per-call Timeout on
// these calls (the timeout wrapper leaves blocking commands alone).
func (l *Locker) exec(ctx context.Context, i int, s *script, keys, args []string) rueidis.RedisResult {
	c := l.clients[i]
	n := l.inflight[i].Add(1)
	defer l.inflight[i].Add(-1)
	if n > int32(l.o.DirectCalls) {
		return s.lua.Exec(ctx, c, keys, args)
	}
	return s.direct(ctx, c, keys, args)
}

// direct sends EVALSHA, then EVAL if the server does not know the script
// (NOSCRIPT), as rueidis.Lua.Exec does, each marked blocking.
func (s *script) direct(ctx context.Context, c rueidis.Client, keys, args []string) rueidis.RedisResult {
	cmd := func(verb, body string) rueidis.Completed {
		return c.B().Arbitrary(verb, body, strconv.Itoa(len(keys))).Keys(keys...).Args(args...).Blocking().ToRetryable()
	}
	r := redisconn.DoDirect(ctx, c, cmd("EVALSHA", s.sha))
	if err, ok := rueidis.IsRedisErr(r.Error()); ok && err.IsNoScript() {
		r = redisconn.DoDirect(ctx, c, cmd("EVAL", s.src))
	}
	return r
}
