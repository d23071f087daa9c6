package devenv

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"
)

// EnvRedisCluster, set to "1" or "true", makes the tests of a process run on
// a private Redis Cluster (three masters, three replicas, on loopback)
// instead of the single server: `make cluster-check` runs the redis/*
// suites that way.
const EnvRedisCluster = "POLYSTORE_REDIS_CLUSTER"

// ClusterRequested reports whether POLYSTORE_REDIS_CLUSTER asks for a cluster.
func ClusterRequested() bool {
	v := strings.ToLower(os.Getenv(EnvRedisCluster))
	return v == "1" || v == "true" || v == "yes"
}

// RedisCluster is a private Redis Cluster of redis-server child processes on
// loopback, keeping nothing on disk but each node's nodes.conf in its own
// temp dir.
type RedisCluster struct {
	nodes []*RedisProcess
}

// StartRedisCluster starts masters × (1 + replicasPerMaster) redis-server
// processes with cluster mode on, joins them with `redis-cli --cluster
// create`, and waits until every node reports cluster_state:ok and agrees on
// the slot map. Close stops them all.
func StartRedisCluster(ctx context.Context, masters, replicasPerMaster int) (*RedisCluster, error) {
	if masters < 3 {
		return nil, errors.New("devenv: a Redis Cluster needs at least three masters")
	}
	if _, err := exec.LookPath("redis-cli"); err != nil {
		return nil, errors.New("redis-cli is not on PATH (install with `apt-get install redis-tools`)")
	}
	c := &RedisCluster{}
	total := masters * (1 + replicasPerMaster)
	for range total {
		// The cluster bus defaults to port+10000, which may be taken or past
		// 65535: give it a free port of its own.
		bus, err := freePort()
		if err != nil {
			_ = c.Close()
			return nil, err
		}
		p, err := StartRedisProcess(ctx, 0, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-port", fmt.Sprint(bus), "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no",
			// A replica that lost its master under a loaded test machine
			// still takes over (availability over the last writes).
			"--cluster-replica-validity-factor", "0")
		if err != nil {
			_ = c.Close()
			return nil, err
		}
		c.nodes = append(c.nodes, p)
	}
	args := []string{"--cluster", "create"}
	for _, n := range c.nodes {
		args = append(args, n.Addr())
	}
	args = append(args, "--cluster-replicas", fmt.Sprint(replicasPerMaster), "--cluster-yes")
	out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput()
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis-cli --cluster create: %v: %s", err, out)
	}
	if err := c.WaitHealthy(ctx, 30*time.Second); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

// Addrs returns every node's host:port (masters and replicas).
func (c *RedisCluster) Addrs() []string {
	out := make([]string, 0, len(c.nodes))
	for _, n := range c.nodes {
		out = append(out, n.Addr())
	}
	return out
}

// URL returns a redis:// URL naming every node (rueidis's addr parameter),
// so a client finds the cluster through any node that is up.
func (c *RedisCluster) URL() string {
	addrs := c.Addrs()
	q := url.Values{}
	for _, a := range addrs[1:] {
		q.Add("addr", a)
	}
	return "redis://" + addrs[0] + "?" + q.Encode()
}

// Node returns the i-th node's process (for fault tests: Kill, Restart).
func (c *RedisCluster) Node(i int) *RedisProcess { return c.nodes[i] }

// NodeRoles returns, for every running node, its address and whether it is
// a master, as the node itself reports (ROLE).
func (c *RedisCluster) NodeRoles(ctx context.Context) (map[string]bool, error) {
	roles := map[string]bool{}
	for _, n := range c.nodes {
		if n.Pid() == 0 {
			continue
		}
		out, err := redisCLI(ctx, n.Addr(), "ROLE")
		if err != nil {
			return nil, err
		}
		roles[n.Addr()] = strings.HasPrefix(out, "master")
	}
	return roles, nil
}

// WaitHealthy waits until every running node reports cluster_state:ok and
// every replica's link to its master is up (it has synchronised, so it can
// take over).
func (c *RedisCluster) WaitHealthy(ctx context.Context, timeout time.Duration) error {
	return waitFor(ctx, timeout, func() error {
		for _, n := range c.nodes {
			if n.Pid() == 0 {
				continue
			}
			out, err := redisCLI(ctx, n.Addr(), "CLUSTER", "INFO")
			if err != nil {
				return err
			}
			if !strings.Contains(out, "cluster_state:ok") {
				return fmt.Errorf("node %s: cluster not ok yet", n.Addr())
			}
			repl, err := redisCLI(ctx, n.Addr(), "INFO", "replication")
			if err != nil {
				return err
			}
			if strings.Contains(repl, "role:slave") && !strings.Contains(repl, "master_link_status:up") {
				return fmt.Errorf("replica %s: not synchronised yet", n.Addr())
			}
		}
		return nil
	})
}

// Close stops every node and removes their directories.
func (c *RedisCluster) Close() error {
	var errs []error
	for _, n := range c.nodes {
		errs = append(errs, n.Close())
	}
	return errors.Join(errs...)
}

func redisCLI(ctx context.Context, addr string, args ...string) (string, error) {
	host, port, _ := strings.Cut(addr, ":")
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(cctx, "redis-cli", append([]string{"-h", host, "-p", port}, args...)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("redis-cli %s %s: %v: %s", addr, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// startClusterServer is the Redis resolver of test processes that asked for
// a cluster (POLYSTORE_REDIS_CLUSTER).
func startClusterServer(ctx context.Context, opts *Options) (*Server, error) {
	c, err := StartRedisCluster(ctx, 3, 1)
	if err != nil {
		return nil, &UnavailableError{Store: StoreRedis, Tried: []string{"a private Redis Cluster (" + EnvRedisCluster + ")"},
			Hint: hintRedis, Err: err}
	}
	opts.logger().Info("started a private Redis Cluster", "nodes", strings.Join(c.Addrs(), ","))
	return &Server{Store: StoreRedis, URL: c.URL(), Source: SourceStarted, Detail: "redis cluster of 6 nodes",
		stop: func(context.Context) error { return c.Close() }}, nil
}

// StartCluster starts a private Redis Cluster (three masters, three
// replicas) for the test, stopped at cleanup. It skips, or fails in CI,
// when redis-server or redis-cli is not installed.
func StartCluster(t testing.TB) *RedisCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := StartRedisCluster(ctx, 3, 1)
	if err != nil {
		missing(t, &UnavailableError{Store: StoreRedis, Tried: []string{"a private Redis Cluster"}, Hint: hintRedis, Err: err})
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// ClientFor opens a client to a redis:// URL (a single server or a
// cluster: rueidis finds out which), closed at cleanup.
func ClientFor(t testing.TB, url string) rueidis.Client {
	t.Helper()
	return newRedisClient(t, url, nil)
}
