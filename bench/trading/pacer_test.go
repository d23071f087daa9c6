package trading

import (
	"math"
	"math/bits"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/polystore/polystore/apps/trading/engine"
)

// latHist is an HDR-style histogram of nanoseconds: exact below 64 ns, then
// 64 linear sub-buckets per power of two (relative error below 1/64). It is
// a fixed array, so recording a value neither allocates nor touches memory
// the first time (a recorder that writes one slot per command page-faults
// every 512 commands, and each fault is a stall of its own).
type latHist struct {
	counts [64 * 44]uint64
	n      uint64
	max    int64
}

func histIndex(v int64) int {
	if v < 64 {
		return int(max(v, 0))
	}
	e := bits.Len64(uint64(v)) - 7 // v>>e is in [64, 128)
	return (e+1)*64 + int(v>>e) - 64
}

// histUpper is the largest value of bucket i.
func histUpper(i int) int64 {
	if i < 64 {
		return int64(i)
	}
	e := i/64 - 1
	return (int64(i%64)+65)<<e - 1
}

func (h *latHist) record(v int64) {
	i := min(histIndex(v), len(h.counts)-1)
	h.counts[i]++
	h.n++
	h.max = max(h.max, v)
}

// quantile is the upper bound of the bucket holding the q-quantile (never
// below the true value, at most 1/64 above it; exact for the maximum).
func (h *latHist) quantile(q float64) int64 {
	if h.n == 0 {
		return 0
	}
	rank := max(uint64(math.Ceil(q*float64(h.n))), 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(histUpper(i), h.max)
		}
	}
	return h.max
}

// above is the share of values greater than v (to the bucket's precision).
func (h *latHist) above(v int64) float64 {
	if h.n == 0 {
		return 0
	}
	var n uint64
	for i := histIndex(v) + 1; i < len(h.counts); i++ {
		n += h.counts[i]
	}
	return float64(n) / float64(h.n)
}

// Stall causes, told apart by the thread's own counters (getrusage
// RUSAGE_THREAD) read when a stall is seen.
const (
	causeOS      = iota // involuntary context switch: the OS gave the core to another thread
	causeRuntime        // voluntary switch: the Go runtime parked the thread (preemption handoff, GC)
	causeFault          // page fault
	causeOther          // none of these: interrupt, hypervisor steal, or (inside Apply) the book
	nCauses
)

var causeNames = [nCauses]string{"os", "runtime", "fault", "other"}

type stallStat struct {
	n       int
	ns, max int64
}

func (s *stallStat) add(gap int64) {
	s.n++
	s.ns += gap
	s.max = max(s.max, gap)
}

// paceResult is one open-loop run.
type paceResult struct {
	lat   latHist // due time → end of Apply, as measured
	svc   latHist // start → end of Apply (the command's own time on the core)
	owned latHist // latency replayed from the service times with the OS's preemptions taken out

	n               int
	late, ownedLate int // started more than lateAfter after their due time
	elapsed, cpu    time.Duration
	gcs             uint32
	allocs          uint64
	// stalls over stallAfter, by where they hit (0: waiting for the next
	// due time, 1: inside Apply) and cause.
	stalls [2][nCauses]stallStat
	// otherGaps counts the stalls of cause other (wherever they hit) by
	// length: see gapClasses.
	otherGaps [len(gapClasses)]int
	// On a pinned run (cpu ≥ 0): that CPU's interrupts by vector during
	// the run (see irqCounts) and its steal time in USER_HZ ticks.
	pinnedCPU int
	irqs      map[string]int64
	steal     int64
}

// gapClasses are the lower bounds of the lengths by which the other
// stalls are counted (each class runs to the next bound).
var gapClasses = [...]time.Duration{4 * time.Microsecond, 10 * time.Microsecond, 20 * time.Microsecond, 50 * time.Microsecond}

func (r *paceResult) countOther(gap int64) {
	for k := len(gapClasses) - 1; k >= 0; k-- {
		if gap > int64(gapClasses[k]) {
			r.otherGaps[k]++
			return
		}
	}
}

const (
	lateAfter  = 10 * time.Microsecond
	stallAfter = 4 * time.Microsecond
)

type threadCounters struct{ invol, vol, faults int64 }

func readThreadCounters() threadCounters {
	var ru syscall.Rusage
	_ = syscall.Getrusage(rusageThread, &ru)
	return threadCounters{invol: ru.Nivcsw, vol: ru.Nvcsw, faults: ru.Minflt + ru.Majflt}
}

func (a threadCounters) cause(b threadCounters) int {
	switch {
	case b.invol > a.invol:
		return causeOS
	case b.vol > a.vol:
		return causeRuntime
	case b.faults > a.faults:
		return causeFault
	}
	return causeOther
}

var (
	rateMixOnce sync.Once
	rateMix     []engine.Command
)

// constantRateMix is the realistic mix of the constant-rate benchmark,
// generated once per process so that no run leaves 50 MB of garbage for
// the collector to mark during the next.
func constantRateMix() []engine.Command {
	rateMixOnce.Do(func() { rateMix = engine.GenerateMix(2, 1<<20, nil) })
	return rateMix
}

// paceOpenLoop feeds book n commands of mix (after warmup unmeasured ones)
// at rate per second from the calling goroutine, which must be locked to
// its OS thread. Command i is due at start + i/rate; the pacer spins on the
// monotonic clock (time.Since on a monotonic start is the runtime's
// nanotime, a vDSO read) and never waits for the book, so a stall counts
// against every command it delays.
//
// svc must have room for n values; it is written before the run so that
// the run touches no new page. A nil book measures the pacer alone (each
// command is the clock read that ends it): the floor the machine sets. cpu
// is the CPU the calling thread is pinned to (-1: none), whose interrupts
// and steal time the result then reports.
func paceOpenLoop(book *engine.Book, mix []engine.Command, rate, warmup, n int, svc []uint32, cpu int) *paceResult {
	res := &paceResult{n: n, pinnedCPU: cpu}
	interval := int64(time.Second) / int64(rate)
	round := uint64(1)
	j := 0
	next := func() engine.Command {
		if j == len(mix) {
			j = 0
			round++
		}
		c := engine.Shift(mix[j], round<<32)
		j++
		return c
	}
	start := time.Now()
	for i := range warmup {
		due := int64(i) * interval
		for int64(time.Since(start)) < due {
		}
		if book != nil {
			c := next()
			book.Apply(&c)
		}
	}
	for i := range svc[:n] {
		svc[i] = 0
	}
	var (
		mem0, mem1 runtime.MemStats
		extra      = make([]uint32, n) // stall time before a command that a quiet core would keep too
	)
	for i := range extra {
		extra[i] = 0
	}
	var irq0 map[string]int64
	steal0 := int64(-1)
	if cpu >= 0 {
		irq0, steal0 = irqCounts(cpu), stealTicks(cpu)
	}
	runtime.GC()
	runtime.ReadMemStats(&mem0)
	cpu0 := threadCPU()
	ctr := readThreadCounters()
	start = time.Now()
	now := int64(0)
	for i := range n {
		due := int64(i) * interval
		for now < due {
			prev := now
			now = int64(time.Since(start))
			if gap := now - prev; gap > int64(stallAfter) {
				c := readThreadCounters()
				cause := ctr.cause(c)
				ctr = c
				res.stalls[0][cause].add(gap)
				if cause == causeOther {
					res.countOther(gap)
				}
				if cause != causeOS && now > due {
					extra[i] += uint32(min(now-max(prev, due), math.MaxUint32/2))
				}
				now = int64(time.Since(start)) // the counters' read is the pacer's own cost
			}
		}
		t0 := now
		if t0-due > int64(lateAfter) {
			res.late++
		}
		if book != nil {
			c := next()
			book.Apply(&c)
		}
		now = int64(time.Since(start))
		s := now - t0
		res.lat.record(now - due)
		res.svc.record(s)
		svc[i] = uint32(min(s, math.MaxUint32))
		if s > int64(stallAfter) {
			c := readThreadCounters()
			cause := ctr.cause(c)
			ctr = c
			res.stalls[1][cause].add(s)
			if cause == causeOther {
				res.countOther(s)
			}
			if cause == causeOS {
				svc[i] = 0 // replaced by the median below
			}
		}
	}
	res.elapsed = time.Duration(int64(time.Since(start)))
	res.cpu = threadCPU() - cpu0
	runtime.ReadMemStats(&mem1)
	res.gcs = mem1.NumGC - mem0.NumGC
	res.allocs = mem1.Mallocs - mem0.Mallocs
	if cpu >= 0 {
		if irq1 := irqCounts(cpu); irq0 != nil && irq1 != nil {
			res.irqs = make(map[string]int64, len(irq1))
			for k, v := range irq1 {
				res.irqs[k] = v - irq0[k]
			}
		}
		if steal1 := stealTicks(cpu); steal0 >= 0 && steal1 >= 0 {
			res.steal = steal1 - steal0
		}
	}

	// The same run on a core nobody takes away: each command starts at its
	// due time or when the previous one ends, and takes its measured
	// service time (the median where the OS preempted it) plus any stall
	// before it that was not the OS's.
	median := uint32(res.svc.quantile(0.5))
	finish := int64(0)
	for i := range n {
		due := int64(i) * interval
		s := svc[i]
		if s == 0 {
			s = median
		}
		begin := max(due, finish) + int64(extra[i])
		if begin-due > int64(lateAfter) {
			res.ownedLate++
		}
		finish = begin + int64(s)
		res.owned.record(finish - due)
	}
	return res
}
