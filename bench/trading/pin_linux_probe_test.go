//go:build linux

package trading

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// Pinning puts the calling thread on one CPU and every other thread of the
// process on the rest; releasing gives all of them their CPUs back.
func TestPinThread(t *testing.T) {
	cpu := quietestCPU()
	if cpu < 0 {
		t.Skip("needs two CPUs")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self := syscall.Gettid()
	orig, err := getAffinity(self)
	require.NoError(t, err)
	p, err := pinThread(cpu)
	require.NoError(t, err)
	var one cpuMask
	one.set(cpu)
	got, err := getAffinity(self)
	require.NoError(t, err)
	require.Equal(t, one, got)
	others := 0
	for _, tid := range processThreads() {
		if tid == self {
			continue
		}
		m, err := getAffinity(tid)
		if err != nil {
			continue // exited
		}
		others++
		require.False(t, m.has(cpu), "thread %d may still run on CPU %d", tid, cpu)
	}
	require.Positive(t, others, "a Go process has more than one thread")
	p.release()
	for _, tid := range processThreads() {
		if m, err := getAffinity(tid); err == nil {
			require.Equal(t, orig, m, "thread %d", tid)
		}
	}
	_, err = pinThread(4095)
	require.Error(t, err, "a CPU the process may not use")
}

// While blocked, SIGURG is in the thread's blocked set; restoring removes it.
func TestBlockPreemptSignal(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	blocked := func() bool {
		raw, err := os.ReadFile("/proc/thread-self/status")
		require.NoError(t, err)
		for _, l := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(l, "SigBlk:"); ok {
				m, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
				require.NoError(t, err)
				return m&sigurgMask != 0
			}
		}
		t.Fatal("no SigBlk line")
		return false
	}
	require.False(t, blocked())
	restore, err := blockPreemptSignal()
	require.NoError(t, err)
	require.True(t, blocked())
	restore()
	require.False(t, blocked())
}

// The device interrupts of each CPU are read from /proc/interrupts, and
// the per-CPU vectors by name.
func TestIRQCounts(t *testing.T) {
	c := irqCounts(0)
	require.NotNil(t, c)
	require.Contains(t, c, "LOC")
	require.Positive(t, c["LOC"])
	require.GreaterOrEqual(t, stealTicks(0), int64(0))
	require.Nil(t, irqCounts(4095))
}
