package ratelimit

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// Local is an in-process limiter with the same algorithms and arithmetic as
// the Redis scripts. Each process counts on its own, so N processes admit up
// to N times the limit: it is the fallback while Redis is unreachable (see
// Middleware), not a replacement.
type Local struct {
	cfg   Config
	mu    sync.Mutex
	state map[string]*localState
}

type localState struct {
	a, b, c float64   // fixed window: w, c; sliding window: w, c, p; bucket: t, ts; gcra: tat
	log     []float64 // sliding log: admitted times, oldest first
	expires float64   // µs; the state may be dropped after this
}

// NewLocal returns an in-process limiter.
func NewLocal(cfg Config) (*Local, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Local{cfg: cfg, state: make(map[string]*localState)}, nil
}

// Allow checks and, if allowed, consumes opts.Cost units for key.
func (l *Local) Allow(_ context.Context, key string, opts *AllowOpts) (Result, error) {
	if l == nil {
		return Result{}, fmt.Errorf("%w: nil *Local", ErrInvalid)
	}
	cost, err := checkCall(&l.cfg, key, opts)
	if err != nil {
		return Result{}, err
	}
	now := time.Now
	if l.cfg.Now != nil {
		now = l.cfg.Now
	}
	t := float64(now().UnixMicro())
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(t)
	st, ok := l.state[key]
	if !ok {
		st = &localState{}
		l.state[key] = st
	}
	lim := l.cfg.Limit
	r := step(l.cfg.Algorithm, st, t, float64(lim.Rate), float64(lim.Period.Microseconds()),
		float64(lim.capacity(l.cfg.Algorithm)), float64(cost), !ok)
	return makeResult(lim.capacity(l.cfg.Algorithm), r[0] == 1, r[1], r[2], r[3]), nil
}

// sweep drops some expired state on every call (sweepSome), so memory
// stays bounded by the keys seen recently.
func (l *Local) sweep(now float64) {
	sweepSome(l.state, sweepPerCall, func(st *localState) bool { return st.expires < now })
}

// step mirrors the Lua scripts in scripts.go line by line.
func step(alg Algorithm, st *localState, now, limit, period, burst, cost float64, fresh bool) [4]int64 {
	if !fresh && st.expires < now {
		*st, fresh = localState{}, true
	}
	i := func(f float64) int64 { return int64(f) }
	switch alg {
	case FixedWindow:
		w := math.Floor(now / period)
		reset := (w+1)*period - now
		c := 0.0
		if !fresh && st.a == w {
			c = st.b
		}
		if c+cost > limit {
			retry := reset
			if cost > limit {
				retry = -1
			}
			return [4]int64{0, i(math.Max(0, limit-c)), i(retry), i(reset)}
		}
		c += cost
		st.a, st.b, st.expires = w, c, now+reset
		return [4]int64{1, i(limit - c), 0, i(reset)}
	case SlidingLog:
		k := 0
		for k < len(st.log) && st.log[k] <= now-period {
			k++
		}
		st.log = st.log[k:]
		n := float64(len(st.log))
		if n+cost > limit {
			retry := -1.0
			if cost <= limit {
				retry = st.log[int(n+cost-limit-1)] + period - now
			}
			reset := 0.0
			if len(st.log) > 0 {
				reset = st.log[len(st.log)-1] + period - now
			}
			return [4]int64{0, i(math.Max(0, limit-n)), i(retry), i(reset)}
		}
		for j := 0; j < int(cost); j++ {
			st.log = append(st.log, now)
		}
		st.expires = now + period
		return [4]int64{1, i(limit - n - cost), 0, i(period)}
	case SlidingWindow:
		w := math.Floor(now / period)
		c, p := 0.0, 0.0
		if !fresh && st.a == w {
			c, p = st.b, st.c
		} else if !fresh && st.a == w-1 {
			p = st.b
		}
		elapsed := now - w*period
		est := p*((period-elapsed)/period) + c
		reset := 0.0
		if c > 0 {
			reset = 2*period - elapsed
		} else if p > 0 {
			reset = period - elapsed
		}
		if est+cost > limit {
			retry := -1.0
			if cost <= limit {
				room := limit - c - cost
				switch {
				case p > 0 && room >= 0:
					retry = math.Ceil(period - room*period/p - elapsed)
				case c+cost <= limit:
					retry = period - elapsed
				default:
					retry = period - elapsed + math.Ceil(period-(limit-cost)*period/c)
				}
				retry = math.Max(retry, 1)
			}
			return [4]int64{0, i(math.Max(0, math.Floor(limit-est))), i(retry), i(reset)}
		}
		c += cost
		st.a, st.b, st.c, st.expires = w, c, p, now+2*period-elapsed
		return [4]int64{1, i(math.Max(0, math.Floor(limit-est-cost))), 0, i(2*period - elapsed)}
	case TokenBucket:
		rate := limit / period
		tokens, ts := burst, now
		if !fresh {
			tokens, ts = st.a, st.b
		}
		elapsed := math.Max(0, now-ts)
		tokens = math.Min(burst, tokens+elapsed*rate)
		if tokens+1e-9 < cost {
			retry := -1.0
			if cost <= burst {
				retry = math.Ceil((cost - tokens) / rate)
			}
			return [4]int64{0, i(math.Floor(tokens + 1e-9)), i(retry), i(math.Ceil((burst - tokens) / rate))}
		}
		tokens -= cost
		ts = math.Max(ts, now)
		reset := math.Ceil((burst - tokens) / rate)
		st.a, st.b, st.expires = tokens, ts, now+reset
		return [4]int64{1, i(math.Floor(tokens + 1e-9)), 0, i(reset)}
	case GCRA:
		emission := period / limit
		increment := emission * cost
		tolerance := emission * burst
		tat := now
		if !fresh {
			tat = math.Max(st.a, now)
		}
		diff := now - (tat + increment - tolerance)
		if diff < -1e-3 {
			retry := math.Ceil(-diff)
			if increment > tolerance {
				retry = -1
			}
			return [4]int64{0, i(math.Max(0, math.Floor((now-(tat-tolerance))/emission+1e-9))), i(retry), i(math.Ceil(tat - now))}
		}
		newTAT := tat + increment
		st.a, st.expires = newTAT, newTAT
		return [4]int64{1, i(math.Max(0, math.Floor(diff/emission+1e-9))), 0, i(math.Ceil(newTAT - now))}
	}
	return [4]int64{}
}
