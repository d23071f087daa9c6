package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/redisconn"
)

// multiGCRAScript checks several GCRA limits of one key at once and
// consumes all of them or none.
//
//	KEYS[i]   the TAT of limit i, "<prefix>{<key>}:<i>" (one slot)
//	ARGV[1]   now in microseconds, or 0 for the server's TIME
//	ARGV[2]   cost
//	ARGV[2+2i-1], ARGV[2+2i]  emission interval (µs) and tolerance (µs)
//	          of limit i
//
//	returns {allowed, remaining, retry_after_us, reset_us, denying limit
//	        (1-based, 0 when allowed)}: remaining is the smallest of the
//	        limits', retry the longest wait among the limits that deny
//	        (-1 when one never can), reset the longest.
var multiGCRAScript = rueidis.NewLuaScript(`
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local cost = tonumber(ARGV[2])
local n = #KEYS
local tats = redis.call('MGET', unpack(KEYS))
local remaining, retry, reset, denied = nil, 0, 0, 0
local new_tats = {}
for i = 1, n do
  local emission = tonumber(ARGV[1 + 2 * i])
  local tolerance = tonumber(ARGV[2 + 2 * i])
  local increment = emission * cost
  local tat = tonumber(tats[i]) or now
  if tat < now then tat = now end
  local diff = now - (tat + increment - tolerance)
  local rem
  if diff < -1e-3 then
    local r = math.ceil(-diff)
    if increment > tolerance then r = -1 end
    if retry ~= -1 and (r == -1 or r > retry) then retry = r end
    if denied == 0 then denied = i end
    rem = math.floor((now - (tat - tolerance)) / emission + 1e-9)
    reset = math.max(reset, math.ceil(tat - now))
  else
    new_tats[i] = tat + increment
    rem = math.floor(diff / emission + 1e-9)
    reset = math.max(reset, math.ceil(new_tats[i] - now))
  end
  if remaining == nil or rem < remaining then remaining = rem end
end
if denied > 0 then
  return {0, math.max(0, remaining), retry, reset, denied}
end
for i = 1, n do
  redis.call('SET', KEYS[i], new_tats[i], 'PX', math.floor((new_tats[i] - now) / 1000) + 1)
end
return {1, math.max(0, remaining), 0, reset, 0}
`)

// MultiConfig configures a Multi limiter.
type MultiConfig struct {
	// Limits are checked together, each as GCRA (Burst 0 means Rate), e.g.
	// 10 per second and 1,000 per day. At least one.
	Limits []Limit
	// Prefix starts every key; default "ratelimit:multi:".
	Prefix string
	// Now overrides the clock (tests); nil reads the Redis server's clock.
	Now func() time.Time
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout).
	Timeout time.Duration
}

// Multi checks several limits of one key in one atomic script: a request
// passes only if every limit has room, and then consumes from all of them;
// a denied request consumes from none (so a burst refused by the per-second
// limit does not eat the daily quota).
type Multi struct {
	client rueidis.Client
	cfg    MultiConfig
	args   []string // emission and tolerance per limit
	cap    int64    // the smallest capacity: the largest cost that can pass
}

// MultiResult is the outcome of a Multi check.
type MultiResult struct {
	Result
	// Denied is the index in MultiConfig.Limits of the first limit that
	// refused the request (-1 when allowed).
	Denied int
}

// NewMulti returns a Multi limiter. It does no I/O.
func NewMulti(client rueidis.Client, cfg MultiConfig) (*Multi, error) {
	if client == nil {
		return nil, &ConfigError{Field: "client", Reason: "must not be nil"}
	}
	if len(cfg.Limits) == 0 {
		return nil, &ConfigError{Field: "Limits", Reason: "must hold at least one limit"}
	}
	m := &Multi{cfg: cfg}
	for i, l := range cfg.Limits {
		c := Config{Algorithm: GCRA, Limit: l}
		if err := c.validate(); err != nil {
			var ce *ConfigError
			if errors.As(err, &ce) {
				return nil, &ConfigError{Field: fmt.Sprintf("Limits[%d].%s", i, strings.TrimPrefix(ce.Field, "Limit.")), Reason: ce.Reason}
			}
			return nil, err
		}
		capacity := l.capacity(GCRA)
		emission := float64(l.Period.Microseconds()) / float64(l.Rate)
		m.args = append(m.args, strconv.FormatFloat(emission, 'f', -1, 64),
			strconv.FormatFloat(emission*float64(capacity), 'f', -1, 64))
		if i == 0 || capacity < m.cap {
			m.cap = capacity
		}
	}
	if cfg.Prefix == "" {
		m.cfg.Prefix = "ratelimit:multi:"
	}
	if cfg.Timeout == 0 {
		m.cfg.Timeout = redisconn.DefaultTimeout
	}
	m.client = redisconn.WithTimeout(client, m.cfg.Timeout)
	return m, nil
}

// keys returns the keys of key's limits, all in key's slot.
func (m *Multi) keys(key string) []string {
	ks := make([]string, len(m.cfg.Limits))
	for i := range ks {
		ks[i] = m.cfg.Prefix + "{" + key + "}:" + strconv.Itoa(i)
	}
	return ks
}

// Allow checks every limit of key and, if all have room, consumes
// opts.Cost units from each.
func (m *Multi) Allow(ctx context.Context, key string, opts *AllowOpts) (MultiResult, error) {
	if m == nil {
		return MultiResult{}, fmt.Errorf("%w: nil *Multi", ErrInvalid)
	}
	if key == "" {
		return MultiResult{}, ErrEmptyKey
	}
	cost := int64(1)
	if opts != nil && opts.Cost != 0 {
		cost = opts.Cost
	}
	if cost < 0 {
		return MultiResult{}, fmt.Errorf("%w: cost %d", ErrInvalidCost, cost)
	}
	if cost > m.cap {
		return MultiResult{}, &CostError{Cost: cost, Capacity: m.cap}
	}
	now := "0"
	if m.cfg.Now != nil {
		now = strconv.FormatInt(m.cfg.Now().UnixMicro(), 10)
	}
	args := append([]string{now, strconv.FormatInt(cost, 10)}, m.args...)
	vals, err := multiGCRAScript.Exec(ctx, m.client, m.keys(key), args).AsIntSlice()
	if err != nil {
		return MultiResult{}, wrapRedisErr("allow", err)
	}
	if len(vals) != 5 {
		return MultiResult{}, fmt.Errorf("ratelimit: unexpected script reply %v", vals)
	}
	return MultiResult{Result: makeResult(m.cap, vals[0] == 1, vals[1], vals[2], vals[3]), Denied: int(vals[4]) - 1}, nil
}

// Reset forgets every limit of key.
func (m *Multi) Reset(ctx context.Context, key string) error {
	if m == nil {
		return fmt.Errorf("%w: nil *Multi", ErrInvalid)
	}
	if key == "" {
		return ErrEmptyKey
	}
	cmds := make(rueidis.Commands, 0, len(m.cfg.Limits))
	for _, k := range m.keys(key) {
		cmds = append(cmds, m.client.B().Unlink().Key(k).Build())
	}
	for _, r := range m.client.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil {
			return wrapRedisErr("reset", err)
		}
	}
	return nil
}
