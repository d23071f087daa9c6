package devenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// RedisProcess is a private redis-server child process. Fault tests use it
// to stop and restart a server under a running client; Redlock tests start
// several.
type RedisProcess struct {
	mu     sync.Mutex
	port   int
	dir    string
	cmd    *exec.Cmd
	exited chan error
	extra  []string
}

// StartRedisProcess starts redis-server from PATH on 127.0.0.1:port (0 picks
// a free port), keeping nothing on disk unless extra arguments say so
// (e.g. "--appendonly", "yes", "--appendfsync", "always": they come last
// and win, and a restart then reloads what was written). Stop it with Stop.
func StartRedisProcess(ctx context.Context, port int, extra ...string) (*RedisProcess, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, errors.New("redis-server is not on PATH (install with `apt-get install redis-server`)")
	}
	if port == 0 {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		port = p
	}
	dir, err := os.MkdirTemp("", "polystore-redis-")
	if err != nil {
		return nil, err
	}
	p := &RedisProcess{port: port, dir: dir, extra: extra}
	if err := p.start(ctx); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return p, nil
}

// Addr returns host:port.
func (p *RedisProcess) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)) }

// URL returns redis://host:port.
func (p *RedisProcess) URL() string { return "redis://" + p.Addr() }

// Pid returns the process id of the running server, or 0 when stopped.
func (p *RedisProcess) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

func (p *RedisProcess) start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return errors.New("redis-server already running")
	}
	args := append([]string{"--bind", "127.0.0.1", "--port", strconv.Itoa(p.port),
		"--save", "", "--appendonly", "no", "--dir", p.dir, "--protected-mode", "no"}, p.extra...)
	cmd := exec.Command("redis-server", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	err := waitFor(ctx, 10*time.Second, func() error {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("redis-server exited: %v", err)
		default:
		}
		return pingRedis(ctx, p.URL(), 500*time.Millisecond)
	})
	if err != nil {
		_ = cmd.Process.Kill()
		<-exited
		return err
	}
	p.cmd, p.exited = cmd, exited
	return nil
}

// Kill stops the server abruptly (SIGKILL), as a crash would.
func (p *RedisProcess) Kill() error { return p.halt(syscall.SIGKILL) }

// Stop stops the server (SIGTERM) and waits for it to exit. Stopping a
// stopped server is a no-op.
func (p *RedisProcess) Stop() error { return p.halt(syscall.SIGTERM) }

func (p *RedisProcess) halt(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGCONT) // in case it was paused
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.cmd = nil
	return nil
}

// Pause freezes the server (SIGSTOP): connections stay open but nothing
// answers, as with a hung server or a network partition. Resume undoes it;
// Stop and Close resume a paused server first.
func (p *RedisProcess) Pause() error { return p.signal(syscall.SIGSTOP) }

// Resume lets a paused server run again (SIGCONT).
func (p *RedisProcess) Resume() error { return p.signal(syscall.SIGCONT) }

func (p *RedisProcess) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return errors.New("redis-server is not running")
	}
	return p.cmd.Process.Signal(sig)
}

// Restart starts the server again on the same port: empty, unless the
// extra arguments turned persistence on.
func (p *RedisProcess) Restart(ctx context.Context) error { return p.start(ctx) }

// Close stops the server and removes its directory.
func (p *RedisProcess) Close() error {
	err := p.Stop()
	_ = os.RemoveAll(p.dir)
	return err
}
