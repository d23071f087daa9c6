package tenancy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/rueidis"
)

// Cache is a per-tenant cache in Redis whose Clear is O(1) whatever the
// number of keys: every value is stored with the tenant's generation
// number, and Clear increments the generation, so older values are misses
// from then on and expire by their TTL. (Clearing by SCAN MATCH tenant:*
// plus DEL walks the whole keyspace, every tenant's keys included, and
// races with concurrent writers.)
//
// Keys are Prefix + "{" + tenant + "}:" + key, and the generation is
// Prefix + "{" + tenant + "}:gen": the hash tag puts a tenant's keys in one
// Redis Cluster slot, so each script below touches one slot.
type Cache struct {
	c      rueidis.Client
	prefix string
}

// NewCache returns a tenant cache with the given key prefix (default
// "tenancy:cache:"). It does no I/O. Given a nil client it returns a
// Cache whose methods return an error wrapping ErrInvalid.
func NewCache(c rueidis.Client, prefix string) *Cache {
	if prefix == "" {
		prefix = "tenancy:cache:"
	}
	return &Cache{c: c, prefix: prefix}
}

// usable returns an error wrapping ErrInvalid for a nil Cache or one
// NewCache was given a nil client.
func (c *Cache) usable() error {
	switch {
	case c == nil:
		return fmt.Errorf("%w: nil *Cache", ErrInvalid)
	case c.c == nil:
		return fmt.Errorf("%w: nil client", ErrInvalid)
	}
	return nil
}

// ErrCacheKey reports an empty or over-long cache key.
var ErrCacheKey = errors.New("tenancy: cache key must be 1 to 200 bytes")

func (c *Cache) keys(tenant, key string) ([]string, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if _, err := ParseTenantID(tenant); err != nil {
		return nil, err
	}
	if key == "" || len(key) > 200 {
		return nil, ErrCacheKey
	}
	base := c.prefix + "{" + tenant + "}:"
	return []string{base + "gen", base + "k:" + key}, nil
}

// GenKey returns the key of tenant's generation number.
func (c *Cache) GenKey(tenant string) string {
	if c == nil {
		return ""
	}
	return c.prefix + "{" + tenant + "}:gen"
}

// getScript returns {generation, value}: the current generation of
// KEYS[1] (missing = "0") and the value of KEYS[2] if it was stored under
// that generation, else false (nil). Values are stored as
// "<generation>\n<payload>".
var getScript = rueidis.NewLuaScript(`
local g = redis.call('GET', KEYS[1]) or '0'
local v = redis.call('GET', KEYS[2])
if v then
  local nl = string.find(v, '\n', 1, true)
  if not nl or string.sub(v, 1, nl - 1) ~= g then v = false else v = string.sub(v, nl + 1) end
end
return {g, v}
`)

// setScript stores ARGV[2] in KEYS[2] under generation ARGV[1] with a TTL
// of ARGV[3] milliseconds, only if ARGV[1] is still the generation of
// KEYS[1]: a value loaded before a Clear is never stored after it.
// Returns 1 when stored, 0 when the generation moved on.
var setScript = rueidis.NewLuaScript(`
local g = redis.call('GET', KEYS[1]) or '0'
if g ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], g .. '\n' .. ARGV[2], 'PX', ARGV[3])
return 1
`)

// Get returns tenant's value for key (ok = false on a miss) and the
// tenant's current generation, to pass to Set after loading the value.
func (c *Cache) Get(ctx context.Context, tenant, key string) (val []byte, gen string, ok bool, err error) {
	ks, err := c.keys(tenant, key)
	if err != nil {
		return nil, "", false, err
	}
	arr, err := getScript.Exec(ctx, c.c, ks, nil).ToArray()
	if err == nil && len(arr) != 2 {
		err = fmt.Errorf("unexpected reply of %d elements", len(arr))
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("tenancy: cache get: %w", err)
	}
	if gen, err = arr[0].ToString(); err != nil {
		return nil, "", false, fmt.Errorf("tenancy: cache get: %w", err)
	}
	if arr[1].IsNil() {
		return nil, gen, false, nil
	}
	val, err = arr[1].AsBytes()
	if err != nil {
		return nil, "", false, fmt.Errorf("tenancy: cache get: %w", err)
	}
	return val, gen, true, nil
}

// Set stores tenant's value for key for ttl (at least 1ms) if gen, from
// the Get that missed, is still current; stored reports whether it was.
func (c *Cache) Set(ctx context.Context, tenant, key, gen string, val []byte, ttl time.Duration) (stored bool, err error) {
	ks, err := c.keys(tenant, key)
	if err != nil {
		return false, err
	}
	ms := strconv.FormatInt(max(ttl.Milliseconds(), 1), 10)
	n, err := setScript.Exec(ctx, c.c, ks, []string{gen, string(val), ms}).AsInt64()
	if err != nil {
		return false, fmt.Errorf("tenancy: cache set: %w", err)
	}
	return n == 1, nil
}

// GetOrLoad returns the cached value or calls load and caches its result
// (unless the tenant's cache was cleared meanwhile).
func (c *Cache) GetOrLoad(ctx context.Context, tenant, key string, ttl time.Duration, load func(ctx context.Context) ([]byte, error)) (val []byte, hit bool, err error) {
	if load == nil {
		return nil, false, fmt.Errorf("%w: nil load function", ErrInvalid)
	}
	val, gen, ok, err := c.Get(ctx, tenant, key)
	if err != nil || ok {
		return val, ok, err
	}
	if val, err = load(ctx); err != nil {
		return nil, false, err
	}
	_, err = c.Set(ctx, tenant, key, gen, val, ttl)
	return val, false, err
}

// Clear forgets every value of tenant in one INCR: O(1).
func (c *Cache) Clear(ctx context.Context, tenant string) error {
	if err := c.usable(); err != nil {
		return err
	}
	if _, err := ParseTenantID(tenant); err != nil {
		return err
	}
	if err := c.c.Do(ctx, c.c.B().Incr().Key(c.GenKey(tenant)).Build()).Error(); err != nil {
		return fmt.Errorf("tenancy: cache clear: %w", err)
	}
	return nil
}
