package rediskey_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/internal/rediskey"
)

func TestMain(m *testing.M) { devenv.Main(m) }

func TestHashTagAndSibling(t *testing.T) {
	for _, tc := range []struct{ key, tag, sibling string }{
		{"stock", "stock", "{stock}:fence"},
		{"shop:{sku1}:stock", "sku1", "shop:{sku1}:stock:fence"},
		{"a{}b", "a{}b", "a{}b:fence"},
		{"{x}{y}", "x", "{x}{y}:fence"},
		{"a{b", "a{b", "{a{b}:fence"},
	} {
		require.Equal(t, tc.tag, rediskey.HashTag(tc.key), tc.key)
		require.Equal(t, tc.sibling, rediskey.Sibling(tc.key, ":fence"), tc.key)
	}
}

// TestSiblingSharesSlotOnCluster asks a real cluster (CLUSTER KEYSLOT) that
// every sibling hashes to its key's slot.
func TestSiblingSharesSlotOnCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl := devenv.StartCluster(t)
	c := devenv.ClientFor(t, cl.URL())
	slot := func(k string) int64 {
		n, err := c.Do(ctx, c.B().ClusterKeyslot().Key(k).Build()).AsInt64()
		require.NoError(t, err)
		return n
	}
	for _, k := range []string{"stock", "shop:{sku1}:stock", "{x}{y}", "a{b", "orders:42", "lock:user:7"} {
		require.Equal(t, slot(k), slot(rediskey.Sibling(k, ":fence")), k)
	}
	// Scan visits every node: keys spread over all slots are all found.
	var keys []string
	for i := range 200 {
		keys = append(keys, fmt.Sprint("scan-test:", i))
	}
	for _, k := range keys {
		require.NoError(t, c.Do(ctx, c.B().Set().Key(k).Value("1").Build()).Error())
	}
	seen := map[string]bool{}
	require.NoError(t, rediskey.Scan(ctx, c, "scan-test:*", 100, func(ks []string) error {
		for _, k := range ks {
			seen[k] = true
		}
		return nil
	}))
	require.Len(t, seen, len(keys))
	n, err := rediskey.Unlink(ctx, c, keys)
	require.NoError(t, err)
	require.EqualValues(t, len(keys), n)
	n, err = rediskey.Unlink(ctx, c, nil)
	require.NoError(t, err)
	require.Zero(t, n)
}
