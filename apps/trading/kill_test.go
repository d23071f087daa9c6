package trading

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
)

const nodeChildEnv = "POLYSTORE_TRADING_NODE"

type childConfig struct {
	PG, Redis, Prefix, Mongo, MongoDB, Journal string
}

// TestNodeChild is the engine process TestNodeSurvivesSIGKILL kills: a
// Node on the parent's stores that runs until its stdin closes.
func TestNodeChild(t *testing.T) {
	raw := os.Getenv(nodeChildEnv)
	if raw == "" {
		t.Skip("run by TestNodeSurvivesSIGKILL")
	}
	var c childConfig
	require.NoError(t, json.Unmarshal([]byte(raw), &c))
	ctx := context.Background()
	pcfg, err := pgxpool.ParseConfig(c.PG)
	require.NoError(t, err)
	pcfg.MaxConns = 8 // relay and one settler per symbol
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	require.NoError(t, err)
	defer pool.Close()
	store, err := NewStore(pool, nil)
	require.NoError(t, err)
	opt, err := devenv.RedisOption(c.Redis)
	require.NoError(t, err)
	rc, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	defer rc.Close()
	mc, err := devenv.ConnectMongo(c.Mongo)
	require.NoError(t, err)
	n, err := StartNode(ctx, NodeConfig{Store: store, JournalPath: c.Journal, Redis: rc, Mongo: mc.Database(c.MongoDB),
		KeyPrefix: c.Prefix, Poll: 5 * time.Millisecond})
	require.NoError(t, err)
	os.Stdout.WriteString("ready\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	require.NoError(t, n.Close())
}

func startNodeChild(t *testing.T, c childConfig) *exec.Cmd {
	t.Helper()
	raw, err := json.Marshal(c)
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestNodeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), nodeChildEnv+"="+string(raw))
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == "ready" {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatal("the engine process did not start")
	}
	return cmd
}

// The engine process is SIGKILLed while traders keep placing orders; a new
// process replays the journal and carries on. Afterwards every trade is in
// PostgreSQL, the audit log and the stream exactly once, without gaps, and
// conservation holds. 300 orders in CI, 3,000 with POLYSTORE_LONG=1.
func TestNodeSurvivesSIGKILL(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	cfg := childConfig{PG: e.pgURL, Redis: e.redis.URL, Prefix: e.redis.Prefix,
		Mongo: devenv.MongoServer(t).URL, MongoDB: e.mongo.Name(), Journal: filepath.Join(e.dir, "journal")}
	keyOf := (&Node{cfg: NodeConfig{KeyPrefix: e.redis.Prefix}}).TradesKey
	traders := newTraders(t, e.store, 6, 2)
	total := int64(300)
	if long() {
		total = 3000
	}

	child := startNodeChild(t, cfg)
	stop := make(chan struct{})
	result := watchConservation(ctx, e.store, stop)
	placed := make(chan int64, 1)
	go func() { placed <- trade(ctx, t, traders, total, nil) }()

	// Kill the engine once it has settled some trades, mid-run.
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM trades`).Scan(&n))
		return n >= 20
	}, 60*time.Second, 5*time.Millisecond)
	require.NoError(t, child.Process.Signal(syscall.SIGKILL))
	_ = child.Wait()
	time.Sleep(200 * time.Millisecond) // orders keep arriving in the outbox meanwhile

	startNodeChild(t, cfg)
	require.Equal(t, total, <-placed)
	trades := exactlyOnce(t, e, keyOf)
	close(stop)
	checks, violations := result()
	require.Empty(t, violations)
	noViolations(t, e)
	t.Logf("%d trades exactly once after SIGKILL, %d conservation checks", trades, checks)
}
