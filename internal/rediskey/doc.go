// Package rediskey holds the key plumbing every redis/* package shares so
// that it runs unchanged on a single server and on Redis Cluster: keys that
// one script or command touches together must hash to one slot, and a
// pattern scan must visit every node.
package rediskey
