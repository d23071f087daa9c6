package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// windowKey is the NoScript counter of window w: "<prefix>{<key>}:<w>".
func (l *Limiter) windowKey(key string, w int64) string {
	return l.Key(key) + ":" + strconv.FormatInt(w, 10)
}

func (l *Limiter) nowMicro() int64 {
	if l.cfg.Now != nil {
		return l.cfg.Now().UnixMicro()
	}
	return time.Now().UnixMicro()
}

// allowCommands is FixedWindow without a script: one round trip of
//
//	MULTI
//	INCRBY <prefix>{<key>}:<w> cost
//	PEXPIRE <prefix>{<key>}:<w> <until the window ends + 1s> NX
//	EXEC
//
// The transaction runs as a unit, so the counter never exists without its
// TTL (a pipelined INCR then EXPIRE leaves it without one if the
// connection drops between the two). The extra second covers clients whose
// clocks run behind. A request is admitted when the count after its
// increment is within the limit; admitted requests therefore never sum to
// more than the limit, whatever the interleaving.
func (l *Limiter) allowCommands(ctx context.Context, key string, cost int64) (Result, error) {
	now := l.nowMicro()
	period := l.cfg.Limit.Period.Microseconds()
	w := now / period
	resetUS := (w+1)*period - now
	k := l.windowKey(key, w)
	c := l.client
	res := c.DoMulti(ctx,
		c.B().Multi().Build(),
		c.B().Incrby().Key(k).Increment(cost).Build(),
		c.B().Pexpire().Key(k).Milliseconds(resetUS/1000+1000).Nx().Build(),
		c.B().Exec().Build())
	arr, err := res[3].ToArray()
	if err != nil {
		return Result{}, wrapRedisErr("allow", err)
	}
	if len(arr) != 2 {
		return Result{}, fmt.Errorf("ratelimit: unexpected EXEC reply of %d items", len(arr))
	}
	v, err := arr[0].AsInt64()
	if err != nil {
		return Result{}, wrapRedisErr("allow", err)
	}
	limit := l.cfg.Limit.Rate
	if v <= limit {
		return makeResult(limit, true, limit-v, 0, resetUS), nil
	}
	if cost > 1 {
		// Give the units back, so a cheaper request may still fit. Until
		// then concurrent requests see a higher count: they may be denied,
		// never admitted beyond the limit.
		if err := c.Do(ctx, c.B().Decrby().Key(k).Decrement(cost).Build()).Error(); err != nil {
			return Result{}, wrapRedisErr("allow", err)
		}
		v -= cost
	}
	return makeResult(limit, false, limit-v, resetUS, resetUS), nil
}
