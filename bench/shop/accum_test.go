package shop

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/bench/internal/redisbench"
	"github.com/polystore/polystore/internal/rediskey"
)

// accumSample is what one process and its stores hold between two steps
// of the table: counts that do not depend on how much CPU the shared
// machine gave the run, so that something piling up from step to step
// (goroutines, connections, heap, keys, a backlog) shows as a number.
type accumSample struct {
	heapLive    uint64 // bytes marked live by the last GC
	heapObjects uint64 // bytes of heap objects (live and not yet swept)
	goroutines  uint64
	threads     int // OS threads of this process
	fds         int // open descriptors of this process
	httpConns   int // established connections on the HTTP port (both ends)
	redisConns  int // … on the Redis port
	redisKeys   int64
	redisMemory int64 // used_memory
	expiring    int64 // keys with a TTL
	held        int64 // units held by live reservations, all products
	outbox      int64 // outbox rows not processed yet
	ok          bool
}

var accumMetrics = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/sched/goroutines:goroutines"},
}

// accum takes an accumSample. Redis is asked with rc (the benchmark's
// client), the held units and the outbox through the app.
func (e *e2e) accum(ctx context.Context) accumSample {
	s := accumSample{ok: true}
	ms := append([]metrics.Sample(nil), accumMetrics...)
	metrics.Read(ms)
	s.heapLive, s.heapObjects, s.goroutines = ms[0].Value.Uint64(), ms[1].Value.Uint64(), ms[2].Value.Uint64()
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		s.fds = len(ents)
	}
	if ents, err := os.ReadDir("/proc/self/task"); err == nil {
		s.threads = len(ents)
	}
	s.httpConns, s.redisConns = tcpStats(e.httpPort).conns, tcpStats(e.redisPort).conns
	if e.rc != nil {
		s.redisKeys, _ = e.rc.Do(ctx, e.rc.B().Dbsize().Build()).AsInt64()
		if info, err := e.rc.Do(ctx, e.rc.B().Info().Section("memory").Build()).ToString(); err == nil {
			s.redisMemory = infoInt(info, "used_memory")
		}
		if info, err := e.rc.Do(ctx, e.rc.B().Info().Section("keyspace").Build()).ToString(); err == nil {
			s.expiring = infoInt(info, "expires")
		}
	}
	if st, err := e.app.Stats(ctx); err == nil {
		s.held = st.Held
	}
	if e.app.Store() != nil {
		s.outbox, _ = e.app.Store().OutboxBacklog(ctx)
	}
	return s
}

// infoInt finds name=<int> or name:<int> in an INFO answer.
func infoInt(info, name string) int64 {
	for _, line := range strings.Split(info, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
		if _, rest, ok := strings.Cut(line, name+"="); ok { // db0:keys=1,expires=0,...
			v, _, _ := strings.Cut(rest, ",")
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

func (s accumSample) String() string {
	if !s.ok {
		return "-"
	}
	return fmt.Sprintf("heap live %.1f MB (objects %.1f MB), %d goroutines, %d threads, %d fds, conns http %d redis %d; redis %d keys (%d with TTL) %.1f MB; held %d; outbox %d",
		float64(s.heapLive)/1e6, float64(s.heapObjects)/1e6, s.goroutines, s.threads, s.fds, s.httpConns, s.redisConns,
		s.redisKeys, s.expiring, float64(s.redisMemory)/1e6, s.held, s.outbox)
}

// writeProfiles writes this process's heap and goroutine profiles to
// POLYSTORE_BENCH_PROF (a directory) as shop-<what>-<name>.pb.gz, when set.
func writeProfiles(name string) error {
	dir := os.Getenv("POLYSTORE_BENCH_PROF")
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	runtime.GC() // the heap profile shows the last GC's live objects
	for _, what := range []string{"heap", "goroutine", "allocs"} {
		f, err := os.Create(filepath.Join(dir, "shop-"+what+"-"+name+".pb.gz"))
		if err != nil {
			return err
		}
		err = pprof.Lookup(what).WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// accumLine writes what the process and its stores hold now (see
// accumSample) under the table's last row, and the profiles when asked.
func accumLine(t *testing.T, sb *strings.Builder, e *e2e, name string) {
	fmt.Fprintf(sb, "%8s holds: %s\n", "", e.accum(context.Background()))
	if err := writeProfiles(name); err != nil {
		t.Logf("profiles: %v", err)
	}
}

// machineSample is the machine's CPU time so far (/proc/stat), busy and
// all, in clock ticks; a step's delta less this run's own processes is
// what the rest of the machine (other sessions, the shared servers) took.
type machineSample struct{ busy, all int64 }

func readMachine() machineSample {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machineSample{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var s machineSample
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i >= 8 { // guest time is counted in user already
			break
		}
		s.all += n
		if i != 3 && i != 4 { // idle, iowait
			s.busy += n
		}
	}
	return s
}

// neighbour is the shared Redis server the decisions part of the table
// wrote to (not the HTTP part's private one): its expired keys and CPU
// during a step tell whether the decisions' keys expire under the steps.
type neighbour struct {
	c   rueidis.Client
	pid int
}

func newNeighbour(ctx context.Context, c rueidis.Client) *neighbour {
	n := &neighbour{c: c}
	if info, err := c.Do(ctx, c.B().Info().Section("server").Build()).ToString(); err == nil {
		n.pid = int(infoInt(info, "process_id"))
	}
	return n
}

type neighbourSample struct {
	keys, expired int64
	cpu           time.Duration
}

func (n *neighbour) sample(ctx context.Context) neighbourSample {
	var s neighbourSample
	if n == nil {
		return s
	}
	s.keys, _ = n.c.Do(ctx, n.c.B().Dbsize().Build()).AsInt64()
	if info, err := n.c.Do(ctx, n.c.B().Info().Section("stats").Build()).ToString(); err == nil {
		s.expired = infoInt(info, "expired_keys")
	}
	if n.pid > 0 {
		s.cpu, _ = procCPU(n.pid)
	}
	return s
}

// machineLine says how busy the machine was during a step, and how much of
// it was not this run's processes (other sessions, the shared servers),
// and what the shared Redis did meanwhile.
func machineLine(m0, m1 machineSample, own cpuSample, span time.Duration, n0, n1 neighbourSample) string {
	all, busy := m1.all-m0.all, m1.busy-m0.busy
	if all <= 0 || span <= 0 {
		return "machine: -"
	}
	cores := float64(runtime.NumCPU())
	busyCores := float64(busy) / float64(all) * cores
	others := time.Duration(busy)*clockTick - own.total()
	s := fmt.Sprintf("machine: %.2f of %.0f cores busy, others (not this run) %.2f cores", busyCores, cores, max(0, others.Seconds()/span.Seconds()))
	if n1.keys != 0 || n1.expired != 0 {
		s += fmt.Sprintf("; shared Redis: %d keys, %d expired, CPU %.0f ms", n1.keys, n1.expired-n0.expired, float64((n1.cpu-n0.cpu).Microseconds())/1000)
	}
	return s
}

// countRedisPrefix counts the keys under prefix.
func countRedisPrefix(ctx context.Context, c rueidis.Client, prefix string) (int64, error) {
	var n int64
	err := rediskey.Scan(ctx, c, rediskey.EscapeGlob(prefix)+"*", 1000, func(keys []string) error {
		n += int64(len(keys))
		return nil
	})
	return n, err
}

// allocSample is this process's heap allocations so far.
type allocSample struct{ bytes, objects uint64 }

func readAllocs() allocSample {
	ms := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs:objects"}}
	metrics.Read(ms)
	return allocSample{ms[0].Value.Uint64(), ms[1].Value.Uint64()}
}

func (a allocSample) sub(o allocSample) allocSample {
	return allocSample{a.bytes - o.bytes, a.objects - o.objects}
}

// perAnswer formats the allocations of a step per answer (the shop, the
// HTTP server and the load generator: one process).
func (a allocSample) perAnswer(n uint64) string {
	if n == 0 {
		return "allocated -"
	}
	return fmt.Sprintf("allocated %.0f B in %.1f objects per answer", float64(a.bytes)/float64(n), float64(a.objects)/float64(n))
}

// settle waits (up to 10 s) until the previous step has let go of the
// server: no HTTP connection open (the load generator closes its own when
// a run ends; a keep-alive connection left open is a goroutine and two
// buffers of the server's). A connection still open after that fails the
// run: a step must not hand its connections to the next one.
func (e *e2e) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.serverConns.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := e.serverConns.Load(); n > 0 {
		t.Errorf("%d HTTP connections still open 10 s after the previous step", n)
	}
}

// The decisions part of TestShopBenchTable removes its keys from the
// shared Redis when it ends, before the HTTP part: a side's keys (about
// three per decision, most with a one-minute TTL) left to the end of the
// test expired under the HTTP steps.
func TestDecisionSidesRemoveTheirKeys(t *testing.T) {
	ctx := context.Background()
	c := redisbench.Client(t)
	t.Run("sides", func(t *testing.T) {
		for _, side := range []reserveFn{polystoreReserve(t, c), guideReserve(t, c)} {
			if _, _, err := decisionRate(ctx, side, 4, 50*time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := countRedisPrefix(ctx, c, prefix); err != nil || n == 0 {
			t.Fatalf("the sides wrote %d keys under %q (%v), want some", n, prefix, err)
		}
	})
	n, err := countRedisPrefix(ctx, c, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d keys under %q after the sides' test ended", n, prefix)
	}
}
