package orm_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/polystore/polystore/internal/devenv"
	"github.com/polystore/polystore/postgres/orm"
)

// multiHostURL joins the hosts of two postgres:// URLs into one
// connection string that only accepts a read-write server.
func multiHostURL(t *testing.T, primary, replica string) string {
	t.Helper()
	p, err := url.Parse(primary)
	require.NoError(t, err)
	r, err := url.Parse(replica)
	require.NoError(t, err)
	p.Host = p.Host + "," + r.Host
	q := p.Query()
	q.Set("target_session_attrs", "read-write")
	q.Set("connect_timeout", "2")
	p.RawQuery = q.Encode()
	return p.String()
}

// errorKind names an error the way the docs describe what callers see.
func errorKind(err error) string {
	var oe *orm.Error
	var pe *pgconn.PgError
	switch {
	case orm.IsConnectionClosed(err):
		if errors.As(err, &pe) {
			return "P1017 connection closed (SQLSTATE " + pe.Code + ")"
		}
		return "P1017 connection closed"
	case errors.As(err, &pe):
		return "SQLSTATE " + pe.Code
	case errors.As(err, &oe):
		return oe.Code
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case strings.Contains(err.Error(), "read-only") || strings.Contains(err.Error(), "standby"):
		return "no read-write server (connect)"
	case strings.Contains(err.Error(), "failed to connect"):
		return "connect refused"
	}
	return "other"
}

// TestPrimaryFailover: a client whose connection string names the primary
// and its replica with target_session_attrs=read-write writes every 5 ms;
// the primary is SIGKILLed with its backends and the replica promoted.
// The client recovers on its own: writes fail (each within its deadline)
// until the promotion, then succeed on the new primary. Every write
// acknowledged before the replica was seen caught up survives; writes
// acknowledged in the last moments before the kill may be lost
// (asynchronous replication), and the test reports how many were.
func TestPrimaryFailover(t *testing.T) {
	rs := devenv.PostgresReplicas(t)
	ctx := context.Background()
	cfg, err := orm.ParseConfig(multiHostURL(t, rs.Primary.URL, rs.Replica.URL))
	require.NoError(t, err)
	c, err := orm.New(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	_, err = orm.ExecRaw(ctx, c, orm.Raw(`CREATE TABLE failover (id int PRIMARY KEY, port int NOT NULL)`))
	require.NoError(t, err)
	ru, err := url.Parse(rs.Replica.URL)
	require.NoError(t, err)
	replicaPort, err := strconv.Atoi(ru.Port())
	require.NoError(t, err)

	var killedAt time.Time
	var (
		mu        sync.Mutex
		acked     = map[int]time.Time{}
		failed    = map[int]bool{}
		kinds     = map[string]int{}
		firstOK   time.Time
		okAfter   int
		lastError string
	)
	write := func(i int) {
		wctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		// The answer says which server committed the row.
		ports, err := orm.QueryRaw[int](wctx, c, orm.SQL(`INSERT INTO failover (id, port) VALUES (?, inet_server_port()) RETURNING port`, i))
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if err != nil {
			failed[i] = true
			kinds[errorKind(err)]++
			lastError = err.Error()
			return
		}
		acked[i] = now
		if len(ports) == 1 && ports[0] == replicaPort { // the promoted replica
			if firstOK.IsZero() {
				firstOK = now
			}
			okAfter++
		}
	}

	// Before the failover: 100 writes, then the replica has them all.
	for i := 0; i < 100; i++ {
		write(i)
	}
	require.Len(t, acked, 100)
	require.NoError(t, rs.WaitCaughtUp(ctx))

	// Writes keep coming every 5 ms from several goroutines while the
	// primary dies and the replica is promoted.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	next := make(chan int)
	go func() {
		defer close(next)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for i := 100; i < 100+4000; i++ { // at most 20 s of writes
			select {
			case <-stop:
				return
			case <-tick.C:
				next <- i
			}
		}
	}()
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				write(i)
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	killedAt = time.Now()
	require.NoError(t, rs.KillPrimary())
	promoteStart := time.Now()
	require.NoError(t, rs.Promote(ctx))
	promotedAt := time.Now()
	promoted := promotedAt.Sub(killedAt)
	t.Logf("pg_promote returned %s after it was called", time.Since(promoteStart).Round(time.Millisecond))

	// Recovered: 100 writes succeeded on the new primary.
	deadline := time.Now().Add(12 * time.Second)
	for {
		mu.Lock()
		done := okAfter >= 100
		mu.Unlock()
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, okAfter, 100, "the client did not recover on its own; last error: %s", lastError)
	recovery := firstOK.Sub(killedAt)
	var kindList []string
	for k, n := range kinds {
		kindList = append(kindList, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(kindList)
	t.Logf("kill -> promoted: %s; kill -> first successful write: %s; failed writes: %d (%s)",
		promoted.Round(time.Millisecond), recovery.Round(time.Millisecond), len(failed), strings.Join(kindList, ", "))

	// The new primary is the former replica, read-write.
	conn, err := pgx.Connect(ctx, rs.Replica.URL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var inRecovery bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&inRecovery))
	require.False(t, inRecovery)
	rows, err := conn.Query(ctx, `SELECT id FROM failover`)
	require.NoError(t, err)
	stored := map[int]bool{}
	for rows.Next() {
		var id int
		require.NoError(t, rows.Scan(&id))
		stored[id] = true
	}
	require.NoError(t, rows.Err())

	// Invariants: every write acknowledged before the replica was seen
	// caught up is there; every write acknowledged after the promotion is
	// there; nothing is stored that was never attempted. Acknowledged
	// writes lost in the window before the kill, and failed writes that
	// were stored anyway (the commit happened, its answer was lost), are
	// counted: callers must treat a failed write as "unknown", not "not
	// done".
	lost, ambiguous := 0, 0
	for i, at := range acked {
		switch {
		case i < 100 || at.After(promotedAt):
			require.True(t, stored[i], "write %d acknowledged at a safe time is missing", i)
		case !stored[i]:
			lost++
		}
	}
	for i := range stored {
		require.True(t, i < 100+4000, "row %d was never written", i)
		if failed[i] {
			ambiguous++
		}
	}
	t.Logf("acknowledged writes lost in the failover: %d; failed writes that were stored anyway: %d", lost, ambiguous)
	require.Less(t, recovery, 10*time.Second)
}
