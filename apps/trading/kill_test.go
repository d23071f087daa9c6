package trading

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
)

const nodeChildEnv = "POLYSTORE_TRADING_NODE"

type childConfig struct {
	PG, Redis, Prefix, Mongo, MongoDB, Journal string
	// Serve starts the order API on a loopback port (printed after
	// "ready "); PlaceShards and PlaceBatch tune the node's placer.
	Serve                   bool
	PlaceShards, PlaceBatch int
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
		KeyPrefix: c.Prefix, Poll: 5 * time.Millisecond, PlaceShards: c.PlaceShards, PlaceBatch: c.PlaceBatch})
	require.NoError(t, err)
	addr := ""
	if c.Serve {
		api, err := NewAPI(store, n)
		require.NoError(t, err)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		go func() { _ = http.Serve(ln, api.Handler()) }()
		addr = " http://" + ln.Addr().String()
	}
	os.Stdout.WriteString("ready" + addr + "\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	require.NoError(t, n.Close())
}

func startNodeChild(t *testing.T, c childConfig) *exec.Cmd {
	cmd, _ := startServingChild(t, c)
	return cmd
}

// startServingChild starts the engine process and returns it with the
// base URL of its order API (empty unless c.Serve).
func startServingChild(t *testing.T, c childConfig) (*exec.Cmd, string) {
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
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "ready"); ok {
				ready <- strings.TrimSpace(rest)
			}
		}
	}()
	select {
	case url := <-ready:
		return cmd, url
	case <-time.After(60 * time.Second):
		t.Fatal("the engine process did not start")
	}
	return nil, ""
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

// The engine process is SIGKILLed while orders stream in over the
// WebSocket and are acknowledged at intake, with the reservations behind
// (the child's placer commits one order per transaction, so a backlog of
// acknowledged, unplaced orders is there at the kill). A new process
// places them from the intake journal: every acknowledged order has
// exactly one outcome in PostgreSQL under its intake seq, with the
// clientOrderId it was sent with; no order is recorded twice; the placed
// ones traded and settled exactly once; conservation holds throughout.
// 600 orders in CI, 4,000 with POLYSTORE_LONG=1.
func TestIntakeSurvivesSIGKILL(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	cfg := childConfig{PG: e.pgURL, Redis: e.redis.URL, Prefix: e.redis.Prefix,
		Mongo: devenv.MongoServer(t).URL, MongoDB: e.mongo.Name(), Journal: filepath.Join(e.dir, "journal"),
		Serve: true, PlaceShards: 1, PlaceBatch: 1}
	keyOf := (&Node{cfg: NodeConfig{KeyPrefix: e.redis.Prefix}}).TradesKey
	total := 600
	if long() {
		total = 4000
	}
	seller, err := e.store.CreateAccount(ctx, "in-seller", map[string]string{"BTC": "1000"})
	require.NoError(t, err)
	buyer, err := e.store.CreateAccount(ctx, "in-buyer", map[string]string{"USD": "100000000"})
	require.NoError(t, err)
	poor, err := e.store.CreateAccount(ctx, "in-poor", map[string]string{"USD": "100"})
	require.NoError(t, err)

	stop := make(chan struct{})
	result := watchConservation(ctx, e.store, stop)
	child, url := startServingChild(t, cfg)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+PathStream, nil)
	require.NoError(t, err)
	defer c.CloseNow()
	sent := map[string]int{} // clientOrderId -> account
	go func() {
		for i := range total {
			acc, side, price := seller, "sell", "20000"
			switch {
			case i%10 == 9:
				acc, side = poor, "buy" // 0.01 BTC at 20,000 = 200 USD: more than it has
			case i%2 == 1:
				acc, side = buyer, "buy"
			}
			id := fmt.Sprintf("kill-%04d-%s", i, strings.Repeat("x", i%40)) // up to 50 bytes: 1 or 2 continuation records
			msg := fmt.Sprintf(`{"clientOrderId":%q,"accountId":%d,"symbol":"BTC-USD","side":%q,"price":%q,"quantity":"0.01"}`, id, acc, side, price)
			if c.Write(ctx, websocket.MessageText, []byte(msg)) != nil {
				return
			}
		}
	}()
	for i := range total {
		acc := seller
		switch {
		case i%10 == 9:
			acc = poor
		case i%2 == 1:
			acc = buyer
		}
		sent[fmt.Sprintf("kill-%04d-%s", i, strings.Repeat("x", i%40))] = acc
	}
	acked := map[uint64]string{} // intake seq -> clientOrderId
	outcomes := 0
	// Kill once half the orders are acknowledged and some placed.
	for len(acked) < total/2 || outcomes < 10 {
		_, b, err := c.Read(ctx)
		require.NoError(t, err)
		var ack StreamAck
		require.NoError(t, json.Unmarshal(b, &ack))
		if ack.Type == StreamAckType {
			acked[ack.IntakeSeq] = ack.ClientOrderID
		} else {
			outcomes++
		}
	}
	require.NoError(t, child.Process.Signal(syscall.SIGKILL))
	_ = child.Wait()
	// Keep reading what the dead process had sent: more acks.
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			break
		}
		var ack StreamAck
		require.NoError(t, json.Unmarshal(b, &ack))
		if ack.Type == StreamAckType {
			acked[ack.IntakeSeq] = ack.ClientOrderID
		}
	}
	var recorded int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM order_intake`).Scan(&recorded))
	require.Less(t, recorded, len(acked), "some acknowledged orders were not placed when the process died")
	require.Positive(t, recorded, "some were")
	t.Logf("killed with %d orders acknowledged, %d of them placed or refused", len(acked), recorded)

	startServingChild(t, cfg)
	type row struct {
		seq     int64
		account int
		client  string
		orderID *int64
		code    *string
	}
	var rows []row
	var orders int
	// The rows and the order count from one snapshot: orders taken in but
	// never acknowledged may still be being placed.
	read := func() {
		require.NoError(t, pgx.BeginTxFunc(ctx, e.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
			r, err := tx.Query(ctx, `SELECT seq, "accountId", "clientOrderId", "orderId", code FROM order_intake ORDER BY seq`)
			if err != nil {
				return err
			}
			rows = rows[:0]
			for r.Next() {
				var x row
				if err := r.Scan(&x.seq, &x.account, &x.client, &x.orderID, &x.code); err != nil {
					return err
				}
				rows = append(rows, x)
			}
			if err := r.Err(); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&orders)
		}))
	}
	require.Eventually(t, func() bool {
		read()
		got := map[uint64]bool{}
		for _, x := range rows {
			got[uint64(x.seq)] = true
		}
		for seq := range acked {
			if !got[seq] {
				return false
			}
		}
		return true
	}, 60*time.Second, 20*time.Millisecond, "every acknowledged order gets its outcome after the restart")
	placedIDs := map[int64]bool{}
	byClient := map[string]int{}
	for _, x := range rows {
		acc, ok := sent[x.client]
		require.True(t, ok, "intake %d: clientOrderId %q was sent", x.seq, x.client)
		require.Equal(t, acc, x.account)
		if cl, ok := acked[uint64(x.seq)]; ok {
			require.Equal(t, cl, x.client, "intake %d keeps its clientOrderId", x.seq)
		}
		byClient[x.client]++
		if x.account == poor {
			require.Nil(t, x.orderID)
			require.Equal(t, "insufficient_funds", *x.code)
			continue
		}
		require.NotNil(t, x.orderID, "intake %d of a funded account is placed", x.seq)
		require.False(t, placedIDs[*x.orderID])
		placedIDs[*x.orderID] = true
	}
	for cl, k := range byClient {
		require.Equal(t, 1, k, "%s taken in once", cl)
	}
	require.Equal(t, len(placedIDs), orders, "one order row per placed intake, none twice")
	trades := exactlyOnce(t, e, keyOf)
	close(stop)
	checks, violations := result()
	require.Empty(t, violations)
	noViolations(t, e)
	avail, reserved := balance(t, e, poor, "USD")
	require.Equal(t, []string{"100", "0"}, []string{avail, reserved}, "refused intake orders reserve nothing")
	t.Logf("%d intake orders recorded once each (%d acknowledged), %d trades exactly once, %d conservation checks",
		len(rows), len(acked), trades, checks)
}
