package trading

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// envLoadChild makes the test binary run a WebSocket load (wsLoad) instead
// of tests; its value is the load's loadSpec in JSON (see wsLoadInChild).
const envLoadChild = "POLYSTORE_BENCH_LOAD_CHILD"

// loadInChild reports whether the end-to-end load runs in a child process,
// per POLYSTORE_TRADING_E2E_CLIENT:
//   - "" or "process" (the default): the load generator is this test binary
//     started again, at the same priority. Its goroutines do not queue for
//     the node's two Ps, as a client on another machine would not: the
//     latencies it measures are the node's and the machine's, not those of
//     a load generator sharing the node's Go scheduler. Its CPU is reported
//     as client-cpu-µs/order, and proc-cpu-µs/order is the node's alone.
//   - "inline": the load runs on goroutines of this process (the benchmark
//     before the child), its CPU counted in proc-cpu-µs/order.
func loadInChild(b *testing.B) bool {
	switch m := os.Getenv("POLYSTORE_TRADING_E2E_CLIENT"); m {
	case "", "process":
		return true
	case "inline":
		return false
	default:
		b.Fatalf("POLYSTORE_TRADING_E2E_CLIENT=%q: want process or inline", m)
		return false
	}
}

// loadSpec is a wsLoad's arguments, passed to a load child.
type loadSpec struct {
	URL       string        `json:"url"`
	Rate      int           `json:"rate"`
	Duration  time.Duration `json:"duration"`
	Conns     int           `json:"conns"`
	PlacedAck bool          `json:"placedAck"`
	Accounts  []int         `json:"accounts"`
}

// The load child's lines on stdout, one per answer: "i <sent> <lat> <seq>
// <wrote>" (an intake ack: its intake sequence number, when its message was
// written), "k <order> <sent> <lat>" (an ack once placed), "p <order>
// <sent> <lat>" (a placement after its ack), "f <cause>" (a failure), and
// last "cpu <ns>" (the child's CPU time); sent is a wall-clock Unix time in
// nanoseconds (both processes read the same clock), lat nanoseconds.

// lineRecorder is the load child's loadRecorder: it writes the lines.
type lineRecorder struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (r *lineRecorder) line(format string, args ...any) {
	r.mu.Lock()
	fmt.Fprintf(r.w, format, args...)
	r.mu.Unlock()
}

func (r *lineRecorder) intakeAcked(sent time.Time, lat time.Duration, seq uint64, wrote time.Time) {
	r.line("i %d %d %d %d\n", sent.UnixNano(), lat, seq, wrote.UnixNano())
}

func (r *lineRecorder) acked(orderID int64, sent time.Time, lat time.Duration) {
	r.line("k %d %d %d\n", orderID, sent.UnixNano(), lat)
}

func (r *lineRecorder) placed(orderID int64, sent time.Time, lat time.Duration) {
	r.line("p %d %d %d\n", orderID, sent.UnixNano(), lat)
}

func (r *lineRecorder) fail(cause string) {
	r.line("f %s\n", strings.ReplaceAll(cause, "\n", " "))
}

// runLoadChild runs when the binary was started by wsLoadInChild: the load
// of the spec in envLoadChild, its answers on stdout, then exit.
func runLoadChild(spec string) {
	var s loadSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, "load child:", err)
		os.Exit(2)
	}
	rec := &lineRecorder{w: bufio.NewWriterSize(os.Stdout, 1<<16)}
	if err := wsLoad(context.Background(), s.URL, s.Rate, s.Duration, s.Conns, s.PlacedAck, s.Accounts, rec); err != nil {
		fmt.Fprintln(os.Stderr, "load child:", err)
		os.Exit(1)
	}
	rec.line("cpu %d\n", processCPU())
	if err := rec.w.Flush(); err != nil {
		os.Exit(1)
	}
	os.Exit(0)
}

// wsLoadInChild runs wsLoad in a child process (this test binary again)
// and records its answers in run; it returns the child's CPU time.
func wsLoadInChild(ctx context.Context, b *testing.B, url string, rate int, duration time.Duration, conns int, placedAck bool, accounts []int, run *e2eRun) time.Duration {
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	spec, err := json.Marshal(loadSpec{URL: url, Rate: rate, Duration: duration, Conns: conns, PlacedAck: placedAck, Accounts: accounts})
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), envLoadChild+"="+string(spec))
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start the load child: %v", err)
	}
	var cpu time.Duration
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if err := recordLine(run, sc.Text(), &cpu); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			b.Fatalf("load child: %v", err)
		}
	}
	if err := cmd.Wait(); err != nil {
		b.Fatalf("load child: %v", err)
	}
	return cpu
}

// recordLine records one of the load child's lines in run.
func recordLine(run *e2eRun, line string, cpu *time.Duration) error {
	kind, rest, _ := strings.Cut(line, " ")
	if kind == "f" {
		run.fail(rest)
		return nil
	}
	var n []int64
	for f := range strings.FieldsSeq(rest) {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return fmt.Errorf("bad line %q", line)
		}
		n = append(n, v)
	}
	want := map[string]int{"i": 4, "k": 3, "p": 3, "cpu": 1}[kind]
	if want == 0 || len(n) != want {
		return fmt.Errorf("bad line %q", line)
	}
	switch kind {
	case "i":
		run.intakeAcked(time.Unix(0, n[0]), time.Duration(n[1]), uint64(n[2]), time.Unix(0, n[3]))
	case "k":
		run.acked(n[0], time.Unix(0, n[1]), time.Duration(n[2]))
	case "p":
		run.placed(n[0], time.Unix(0, n[1]), time.Duration(n[2]))
	case "cpu":
		*cpu = time.Duration(n[0])
	}
	return nil
}

// The load child's lines round-trip into an e2eRun; a malformed line is
// an error, not a silent zero.
func TestLoadChildLines(t *testing.T) {
	var out strings.Builder
	w := bufio.NewWriter(&out)
	rec := &lineRecorder{w: w}
	sent := time.Unix(0, time.Now().UnixNano())
	rec.intakeAcked(sent, 3*time.Millisecond, 7, sent.Add(time.Microsecond))
	rec.placed(42, sent, 9*time.Millisecond)
	rec.acked(43, sent.Add(time.Millisecond), 4*time.Millisecond)
	rec.fail("rejected: x\ny")
	rec.line("cpu %d\n", time.Second)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	run := &e2eRun{started: map[int64]time.Time{}, codes: map[string]int{}}
	var cpu time.Duration
	for line := range strings.Lines(out.String()) {
		if err := recordLine(run, strings.TrimSuffix(line, "\n"), &cpu); err != nil {
			t.Fatal(err)
		}
	}
	if len(run.ack) != 2 || run.ack[0] != 3*time.Millisecond || run.ack[1] != 4*time.Millisecond {
		t.Fatalf("acks %v", run.ack)
	}
	if len(run.placedL) != 1 || run.placedL[0] != 9*time.Millisecond || !run.started[42].Equal(sent) || !run.started[43].Equal(sent.Add(time.Millisecond)) {
		t.Fatalf("placed %v, started %v", run.placedL, run.started)
	}
	if len(run.client) != 1 || run.client[0] != (clientAck{seq: 7, due: sent.UnixNano(), wrote: sent.UnixNano() + 1000, recv: sent.UnixNano() + 3e6}) {
		t.Fatalf("client stages %+v", run.client)
	}
	if run.failed != 1 || run.codes["rejected: x y"] != 1 || cpu != time.Second {
		t.Fatalf("failed %d %v, cpu %v", run.failed, run.codes, cpu)
	}
	if !run.first.Equal(sent) || !run.last.Equal(sent.Add(5*time.Millisecond)) {
		t.Fatalf("first %v last %v", run.first, run.last)
	}
	for _, bad := range []string{"i 1", "i 1 2", "k x 1 2", "cpu", "z 1 2", "p 1 2 3 4"} {
		if err := recordLine(run, bad, &cpu); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
