//go:build linux

package trading

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// cpuMask is a CPU set as sched_setaffinity takes it (up to 1024 CPUs).
type cpuMask [16]uint64

const maxCPUs = 64 * len(cpuMask{})

func (m *cpuMask) set(cpu int) { m[cpu/64] |= 1 << (cpu % 64) }

func (m *cpuMask) has(cpu int) bool {
	return cpu >= 0 && cpu < maxCPUs && m[cpu/64]&(1<<(cpu%64)) != 0
}

func getAffinity(tid int) (cpuMask, error) {
	var m cpuMask
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, uintptr(tid), unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m)))
	if e != 0 {
		return m, e
	}
	return m, nil
}

func setAffinity(tid int, m cpuMask) error {
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid), unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m)))
	if e != 0 {
		return e
	}
	return nil
}

// processThreads lists the thread ids of this process.
func processThreads() []int {
	ents, _ := os.ReadDir("/proc/self/task")
	tids := make([]int, 0, len(ents))
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids
}

// pinning is the calling thread pinned to one CPU and every other thread of
// the process kept off it (threads the runtime starts later inherit the
// others' mask: a locked thread's new threads come from the runtime's
// template thread).
type pinning struct {
	cpu  int
	orig cpuMask
}

// pinThread pins the calling thread, which must be locked to its
// goroutine, to cpu and moves the process's other threads to the rest of
// the CPUs it may use. It fails where there is only one CPU to use.
func pinThread(cpu int) (*pinning, error) {
	self := syscall.Gettid()
	orig, err := getAffinity(self)
	if err != nil {
		return nil, err
	}
	if !orig.has(cpu) {
		return nil, syscall.EINVAL
	}
	rest := orig
	rest[cpu/64] &^= 1 << (cpu % 64)
	if rest == (cpuMask{}) {
		return nil, syscall.EINVAL
	}
	var one cpuMask
	one.set(cpu)
	if err := setAffinity(self, one); err != nil {
		return nil, err
	}
	for _, tid := range processThreads() {
		if tid != self {
			_ = setAffinity(tid, rest) // a thread may have exited meanwhile
		}
	}
	return &pinning{cpu: cpu, orig: orig}, nil
}

// release gives every thread of the process its original CPUs back.
func (p *pinning) release() {
	for _, tid := range processThreads() {
		_ = setAffinity(tid, p.orig)
	}
}

// irqCounts is one CPU's column of /proc/interrupts: the per-CPU vectors
// (LOC local timer, RES rescheduling, CAL function call, TLB shootdown, …)
// by name, and the devices' lines summed under "dev".
func irqCounts(cpu int) map[string]int64 {
	raw, err := os.ReadFile("/proc/interrupts")
	if err != nil {
		return nil
	}
	lines := strings.Split(string(raw), "\n")
	if cpu < 0 || cpu >= len(strings.Fields(lines[0])) {
		return nil
	}
	out := map[string]int64{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 2+cpu {
			continue
		}
		v, err := strconv.ParseInt(f[1+cpu], 10, 64)
		if err != nil {
			continue
		}
		name := strings.TrimSuffix(f[0], ":")
		if _, err := strconv.Atoi(name); err == nil {
			name = "dev"
		}
		out[name] += v
	}
	return out
}

// quietestCPU is the CPU of those the process may use that has taken the
// fewest device interrupts since boot (where the kernel routes the disk's
// and network's interrupts), -1 if there is no choice.
func quietestCPU() int {
	mine, err := getAffinity(syscall.Gettid())
	if err != nil {
		return -1
	}
	best, bestN, n := -1, int64(-1), 0
	for cpu := range maxCPUs {
		if !mine.has(cpu) {
			continue
		}
		n++
		c := irqCounts(cpu)
		if c == nil {
			continue
		}
		if bestN < 0 || c["dev"] < bestN {
			best, bestN = cpu, c["dev"]
		}
	}
	if n < 2 {
		return -1
	}
	return best
}

// stealTicks is one CPU's steal time from /proc/stat in USER_HZ ticks (the
// time the hypervisor ran something else while this virtual CPU wanted to
// run), -1 where it cannot be read.
func stealTicks(cpu int) int64 {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	name := "cpu" + strconv.Itoa(cpu)
	for _, l := range strings.Split(string(raw), "\n") {
		f := strings.Fields(l)
		if len(f) > 8 && f[0] == name {
			v, err := strconv.ParseInt(f[8], 10, 64)
			if err != nil {
				return -1
			}
			return v
		}
	}
	return -1
}

// sigurgMask is SIGURG in a kernel signal set: the signal the Go runtime
// sends a thread to preempt its goroutine asynchronously.
const sigurgMask = 1 << (syscall.SIGURG - 1)

// blockPreemptSignal blocks SIGURG on the calling thread (which must be
// locked to its goroutine) and returns the function that restores the
// thread's mask. While it is blocked, the runtime's monitor asks for a
// preemption once (the signal stays pending) instead of signalling the
// thread again and again while it spins; the goroutine still yields at its
// next function call if the scheduler or the collector needs it to.
func blockPreemptSignal() (restore func(), err error) {
	set, old := uint64(sigurgMask), uint64(0)
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0 /* SIG_BLOCK */, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	if e != 0 {
		return nil, e
	}
	return func() {
		_, _, _ = syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 2 /* SIG_SETMASK */, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	}, nil
}
