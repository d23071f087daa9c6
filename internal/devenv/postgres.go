package devenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvPostgresPrivate forces a private PostgreSQL cluster even when a local
// server answers (useful to test the fallback itself).
const EnvPostgresPrivate = "POLYSTORE_PG_PRIVATE"

// ResolvePostgres finds a PostgreSQL server: POLYSTORE_PG_URL, the default
// local server, or (with opts.StartServers) a private cluster.
func ResolvePostgres(ctx context.Context, opts *Options) (*Server, error) {
	if raw := os.Getenv(EnvPostgresURL); raw != "" {
		if err := pingPostgres(ctx, raw, opts.dialTimeout()); err != nil {
			return nil, &UnavailableError{Store: StorePostgres, Tried: []string{EnvPostgresURL + "=" + redactURL(raw)},
				Hint: envURLHint(EnvPostgresURL, raw, err), Err: err}
		}
		return &Server{Store: StorePostgres, URL: raw, Source: SourceEnv}, nil
	}
	tried := []string{DefaultPostgresURL}
	var lastErr error
	if os.Getenv(EnvPostgresPrivate) == "" {
		lastErr = pingPostgres(ctx, DefaultPostgresURL, opts.dialTimeout())
		if lastErr == nil {
			return &Server{Store: StorePostgres, URL: DefaultPostgresURL, Source: SourceLocal}, nil
		}
	}
	if opts == nil || !opts.StartServers {
		return nil, &UnavailableError{Store: StorePostgres, Tried: tried, Hint: hintPostgres, Err: lastErr}
	}
	bin, err := postgresBinDir()
	if err != nil {
		return nil, &UnavailableError{Store: StorePostgres, Tried: append(tried, "a private cluster"), Hint: hintPostgres, Err: err}
	}
	s, err := startPrivatePostgres(ctx, bin, opts)
	if err != nil {
		return nil, &UnavailableError{Store: StorePostgres, Tried: append(tried, "a private cluster from "+bin), Hint: hintPostgres, Err: err}
	}
	return s, nil
}

func pingPostgres(ctx context.Context, raw string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return &badURLError{fmt.Errorf("parse %s: %w", redactURL(raw), err)}
	}
	cfg.ConnectTimeout = timeout
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return oneLine(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return conn.Ping(ctx)
}

// postgresBinDir finds the newest Debian PostgreSQL binary directory.
func postgresBinDir() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", errors.New("no PostgreSQL binaries (initdb) installed")
	}
	sort.Slice(matches, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(matches[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(matches[j]))))
		return vi > vj
	})
	return filepath.Dir(matches[0]), nil
}

// startPrivatePostgres runs initdb in a temporary directory and starts a
// postmaster on a free port. PostgreSQL refuses to run as root, so as root
// it runs as the "postgres" user.
func startPrivatePostgres(ctx context.Context, bin string, opts *Options) (*Server, error) {
	dir, cred, err := postgresDir()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	srv, err := startPostmaster(ctx, bin, dir, cred)
	if err != nil {
		return nil, err
	}
	opts.logger().Info("started a private PostgreSQL cluster", "url", srv.URL, "dir", dir)
	return srv, nil
}

// postgresDir makes a temporary directory for a cluster, owned by the user
// the cluster runs as (cred; nil: this process's user).
func postgresDir() (string, *syscall.Credential, error) {
	dir, err := os.MkdirTemp("", "polystore-pg-")
	if err != nil {
		return "", nil, err
	}
	if os.Geteuid() != 0 {
		return dir, nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, fmt.Errorf("running as root and no postgres user to run the cluster as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// startPostmaster starts the cluster in dir/data on a free loopback port and
// waits until it answers; stopping it removes dir.
func startPostmaster(ctx context.Context, bin, dir string, cred *syscall.Credential) (*Server, error) {
	cleanupDir := func() { _ = os.RemoveAll(dir) }
	data := filepath.Join(dir, "data")
	port, err := freePort()
	if err != nil {
		cleanupDir()
		return nil, err
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGTERM, Setpgid: true}
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err == nil {
		cmd.Stdout, cmd.Stderr = logFile, logFile
	}
	if err := cmd.Start(); err != nil {
		cleanupDir()
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	var once sync.Once
	stop := func(context.Context) error {
		once.Do(func() {
			// SIGINT is PostgreSQL's "fast shutdown".
			_ = cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
			if logFile != nil {
				_ = logFile.Close()
			}
			cleanupDir()
		})
		return nil
	}
	err = waitFor(ctx, 30*time.Second, func() error {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("postgres exited: %v (log in %s)", err, dir)
		default:
		}
		return pingPostgres(ctx, url, time.Second)
	})
	if err != nil {
		_ = stop(ctx)
		return nil, err
	}
	return &Server{Store: StorePostgres, URL: url, Source: SourceStarted, Detail: "private cluster in " + dir, stop: stop,
		pid: cmd.Process.Pid}, nil
}

// oneLineError is an error whose message was folded onto one line; it
// unwraps to the original, so errors.As still finds a *pgconn.PgError.
type oneLineError struct {
	msg string
	err error
}

func (e *oneLineError) Error() string { return e.msg }
func (e *oneLineError) Unwrap() error { return e.err }

// oneLine folds pgx's multi-line connect error onto one line and drops
// repeated lines: pgx reports each attempt (TLS first, then plain with the
// default sslmode=prefer; each address of a host name), which for a server
// that is not there are the same "connection refused" twice.
func oneLine(err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "\n") {
		return err
	}
	lines := strings.Split(msg, "\n")
	head := strings.TrimSpace(lines[0])
	var parts []string
	seen := map[string]bool{}
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		if l == "" || seen[l] {
			continue
		}
		seen[l] = true
		parts = append(parts, l)
	}
	if len(parts) > 0 {
		head += " " + strings.Join(parts, "; ")
	}
	return &oneLineError{msg: head, err: err}
}
