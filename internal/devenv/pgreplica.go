package devenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresReplicaSet is a private PostgreSQL primary with one streaming
// replica (pg_basebackup -R), both on loopback, both removed by Close.
type PostgresReplicaSet struct {
	Primary, Replica *Server
}

// StartPostgresReplicaSet starts a private primary (initdb in a temp dir),
// clones it with `pg_basebackup -R -X stream`, starts the clone as a hot
// standby and waits until it streams from the primary.
func StartPostgresReplicaSet(ctx context.Context) (*PostgresReplicaSet, error) {
	bin, err := postgresBinDir()
	if err != nil {
		return nil, err
	}
	primary, err := startPrivatePostgres(ctx, bin, nil)
	if err != nil {
		return nil, fmt.Errorf("start the primary: %w", err)
	}
	rs := &PostgresReplicaSet{Primary: primary}
	fail := func(err error) (*PostgresReplicaSet, error) {
		_ = rs.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	port, err := portOf(primary.URL)
	if err != nil {
		return fail(err)
	}
	dir, cred, err := postgresDir()
	if err != nil {
		return fail(err)
	}
	backup := exec.CommandContext(ctx, filepath.Join(bin, "pg_basebackup"), "-D", filepath.Join(dir, "data"),
		"-R", "-X", "stream", "-c", "fast", "--no-sync", "-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "postgres")
	backup.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := backup.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return fail(fmt.Errorf("pg_basebackup: %w: %s", err, out))
	}
	rs.Replica, err = startPostmaster(ctx, bin, dir, cred)
	if err != nil {
		return fail(fmt.Errorf("start the replica: %w", err))
	}
	err = waitFor(ctx, 30*time.Second, func() error {
		conn, err := pgx.Connect(ctx, rs.Replica.URL)
		if err != nil {
			return err
		}
		defer conn.Close(context.WithoutCancel(ctx))
		var status string
		if err := conn.QueryRow(ctx, `SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), '')`).Scan(&status); err != nil {
			return err
		}
		if status != "streaming" {
			return fmt.Errorf("wal receiver is %q", status)
		}
		return nil
	})
	if err != nil {
		return fail(fmt.Errorf("the replica does not stream: %w", err))
	}
	return rs, nil
}

// Close stops the replica and the primary and removes their directories.
func (rs *PostgresReplicaSet) Close(ctx context.Context) error {
	return errors.Join(rs.Replica.Close(ctx), rs.Primary.Close(ctx))
}

// PauseReplay stops the replica from applying WAL (it keeps receiving), so
// its lag grows until ResumeReplay.
func (rs *PostgresReplicaSet) PauseReplay(ctx context.Context) error {
	return rs.replicaExec(ctx, `SELECT pg_wal_replay_pause()`)
}

// ResumeReplay undoes PauseReplay.
func (rs *PostgresReplicaSet) ResumeReplay(ctx context.Context) error {
	return rs.replicaExec(ctx, `SELECT pg_wal_replay_resume()`)
}

func (rs *PostgresReplicaSet) replicaExec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, rs.Replica.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}

// WaitCaughtUp waits until the replica has replayed everything the primary
// has written so far.
func (rs *PostgresReplicaSet) WaitCaughtUp(ctx context.Context) error {
	p, err := pgx.Connect(ctx, rs.Primary.URL)
	if err != nil {
		return err
	}
	defer p.Close(context.WithoutCancel(ctx))
	var lsn string
	if err := p.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&lsn); err != nil {
		return err
	}
	r, err := pgx.Connect(ctx, rs.Replica.URL)
	if err != nil {
		return err
	}
	defer r.Close(context.WithoutCancel(ctx))
	return waitFor(ctx, 30*time.Second, func() error {
		var ok bool
		if err := r.QueryRow(ctx, `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn`, lsn).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return errors.New("replica behind")
		}
		return nil
	})
}

// PostgresReplicas gives a test a private primary with a streaming replica
// (see StartPostgresReplicaSet), removed at cleanup. Both are new clusters:
// the test creates what it needs in their postgres database.
func PostgresReplicas(t testing.TB) *PostgresReplicaSet {
	t.Helper()
	if _, err := postgresBinDir(); err != nil {
		missing(t, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	rs, err := StartPostgresReplicaSet(ctx)
	if err != nil {
		t.Fatalf("devenv: %v", err)
	}
	t.Cleanup(func() { _ = rs.Close(context.Background()) })
	return rs
}

// portOf returns the port of a postgres:// URL.
func portOf(u string) (int, error) {
	i := strings.LastIndex(u, ":")
	if i < 0 {
		return 0, fmt.Errorf("no port in %s", redactURL(u))
	}
	rest := u[i+1:]
	if j := strings.IndexAny(rest, "/?"); j >= 0 {
		rest = rest[:j]
	}
	return strconv.Atoi(rest)
}

// KillPrimary crashes the primary: SIGKILL to its postmaster and every
// process it started, at once, as a power loss or kernel panic would (no
// shutdown checkpoint, no goodbye to clients or to the replica). Close
// still removes its directory.
func (rs *PostgresReplicaSet) KillPrimary() error {
	pid := rs.Primary.pid
	if pid == 0 {
		return errors.New("devenv: the primary was not started by devenv")
	}
	children := childrenOf(pid)
	err := syscall.Kill(pid, syscall.SIGKILL)
	for _, c := range children {
		_ = syscall.Kill(c, syscall.SIGKILL)
	}
	return err
}

// childrenOf lists the processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// Promote turns the replica into a primary (pg_promote, as `pg_ctl
// promote` does) and returns once it accepts writes.
func (rs *PostgresReplicaSet) Promote(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, rs.Replica.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_promote(true, 30)`).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return errors.New("devenv: the replica did not finish promotion within 30 s")
	}
	return nil
}
