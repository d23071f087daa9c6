package cache_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/redis/cache"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
)

const helperEnv = "POLYSTORE_WB_HELPER"

// hashStore is a source of truth in a Redis hash, so a flusher in another
// process writes to the same store: HSET is idempotent.
func hashStore(c rueidis.Client, key string, w *cache.WriteBehind) func(context.Context, []cache.Write) error {
	return func(ctx context.Context, batch []cache.Write) error {
		cmds := make(rueidis.Commands, 0, len(batch))
		for _, wr := range batch {
			var v int
			if err := w.Decode(wr, &v); err != nil {
				return err
			}
			cmds = append(cmds, c.B().Hset().Key(key).FieldValue().FieldValue(wr.Key, strconv.Itoa(v)).Build())
		}
		for _, r := range c.DoMulti(ctx, cmds...) {
			if err := r.Error(); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestWriteBehindHelperProcess is the flusher process that
// TestWriteBehindSIGKILL kills; it does nothing in a normal run.
func TestWriteBehindHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for TestWriteBehindSIGKILL")
	}
	opt, err := devenv.RedisOption(os.Getenv(helperEnv + "_URL"))
	require.NoError(t, err)
	cl, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	prefix := os.Getenv(helperEnv + "_PREFIX")
	c := newCache(t, cl, prefix, nil)
	w, err := cache.NewWriteBehind(c, cache.WriteBehindConfig{BatchSize: 50, Consumer: "doomed"})
	require.NoError(t, err)
	store := hashStore(cl, prefix+"store", w)
	batches := 0
	_ = w.Run(context.Background(), func(ctx context.Context, batch []cache.Write) error {
		batches++
		if batches == 3 {
			require.NoError(t, store(ctx, batch[:len(batch)/2]))
			fmt.Println("MIDBATCH")
			select {} // SIGKILL arrives here
		}
		return store(ctx, batch)
	})
}

// TestWriteBehindSIGKILL: a flusher process is SIGKILLed in the middle of
// a batch (half of it written to the store, nothing acknowledged). Another
// flusher claims its entries. Invariant: every write reaches the store with
// its value, and the stream ends empty.
func TestWriteBehindSIGKILL(t *testing.T) {
	if os.Getenv(helperEnv) == "1" {
		t.Skip("inside the helper")
	}
	ns := devenv.Redis(t)
	ctx := context.Background()
	c := newCache(t, ns.Client, ns.Prefix, nil)
	wcfg := cache.WriteBehindConfig{BatchSize: 50, Block: 50 * time.Millisecond, ClaimIdle: 200 * time.Millisecond, Consumer: "survivor"}
	w, err := cache.NewWriteBehind(c, wcfg)
	require.NoError(t, err)
	const n = 300
	writeRows(t, w, n)

	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteBehindHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1", helperEnv+"_URL="+ns.URL, helperEnv+"_PREFIX="+ns.Prefix)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() }) // never leave it blocked
	sc := bufio.NewScanner(out)
	reached := false
	for sc.Scan() {
		if sc.Text() == "MIDBATCH" {
			reached = true
			break
		}
	}
	require.True(t, reached, "the helper reached the middle of its third batch")
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	storeKey := ns.Prefix + "store"
	written, err := ns.Client.Do(ctx, ns.Client.B().Hlen().Key(storeKey).Build()).AsInt64()
	require.NoError(t, err)
	require.EqualValues(t, 2*50+25, written, "two batches and half of the third")

	drain(t, w, hashStore(ns.Client, storeKey, w))

	rows, err := ns.Client.Do(ctx, ns.Client.B().Hgetall().Key(storeKey).Build()).AsStrMap()
	require.NoError(t, err)
	require.Len(t, rows, n, "nothing lost")
	for i := 0; i < n; i++ {
		require.Equal(t, strconv.Itoa(i), rows[fmt.Sprint("row", i)])
	}
}
