package devenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/rueidis"

	"github.com/polystore/polystore/redis/redisconn"
)

// ResolveRedis finds a Redis server: POLYSTORE_REDIS_URL, the default local
// server, redis-server from PATH (with opts.StartServers), or an in-process
// miniredis (with opts.EmbeddedRedis).
func ResolveRedis(ctx context.Context, opts *Options) (*Server, error) {
	if raw := os.Getenv(EnvRedisURL); raw != "" {
		u := NormalizeRedisURL(raw)
		if err := pingRedis(ctx, u, opts.dialTimeout()); err != nil {
			return nil, &UnavailableError{Store: StoreRedis, Tried: []string{EnvRedisURL + "=" + redactURL(raw)},
				Hint: envURLHint(EnvRedisURL, raw, err), Err: err}
		}
		return &Server{Store: StoreRedis, URL: u, Source: SourceEnv}, nil
	}
	def := "redis://" + DefaultRedisAddr
	tried := []string{DefaultRedisAddr}
	lastErr := pingRedis(ctx, def, opts.dialTimeout())
	if lastErr == nil {
		return &Server{Store: StoreRedis, URL: def, Source: SourceLocal}, nil
	}
	if opts != nil && opts.StartServers {
		tried = append(tried, "redis-server from PATH")
		p, err := StartRedisProcess(ctx, 0)
		if err == nil {
			opts.logger().Info("started a private redis-server", "addr", p.Addr())
			return &Server{Store: StoreRedis, URL: "redis://" + p.Addr(), Source: SourceStarted,
				Detail: "redis-server pid " + fmt.Sprint(p.Pid()), stop: func(context.Context) error { return p.Close() }}, nil
		}
		lastErr = err
	}
	if opts != nil && opts.EmbeddedRedis {
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, &UnavailableError{Store: StoreRedis, Tried: append(tried, "miniredis"), Hint: hintRedis, Err: err}
		}
		opts.logger().Warn("no Redis server found; using in-process miniredis", "addr", m.Addr())
		return &Server{Store: StoreRedis, URL: "redis://" + m.Addr(), Source: SourceEmbedded, Detail: "miniredis",
			stop: func(context.Context) error { m.Close(); return nil }}, nil
	}
	return nil, &UnavailableError{Store: StoreRedis, Tried: tried, Hint: hintRedis, Err: lastErr}
}

// NormalizeRedisURL turns "host:port" into "redis://host:port"; URLs pass unchanged.
func NormalizeRedisURL(raw string) string {
	if strings.Contains(raw, "://") {
		return raw
	}
	return "redis://" + raw
}

// RedisOption returns rueidis options for a redis:// URL, with
// redisconn.FailFast's settings: against a stopped server a call fails in
// milliseconds instead of retrying until its context ends (rueidis's
// default for read-only commands), so callers answer 503 at once.
func RedisOption(raw string) (rueidis.ClientOption, error) {
	opt, err := rueidis.ParseURL(NormalizeRedisURL(raw))
	if err != nil {
		return opt, &badURLError{fmt.Errorf("parse redis url %s: %w", redactURL(raw), err)}
	}
	return redisconn.FailFast(opt), nil
}

func pingRedis(ctx context.Context, raw string, timeout time.Duration) error {
	opt, err := RedisOption(raw)
	if err != nil {
		return err
	}
	// A plain TCP probe first: rueidis retries dialing for a while otherwise.
	if len(opt.InitAddress) > 0 {
		if err := reachable(ctx, opt.InitAddress[0], timeout); err != nil {
			return err
		}
	}
	opt.Dialer = net.Dialer{Timeout: timeout}
	opt.DisableCache = true
	opt.DisableRetry = true
	c, err := rueidis.NewClient(opt)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return c.Do(ctx, c.B().Ping().Build()).Error()
}
