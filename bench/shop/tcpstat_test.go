package shop

import (
	"fmt"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"time"
)

// tcpSample sums what the kernel's TCP_INFO (through ss) says of every
// established loopback connection on one port, both ends: retransmitted
// segments, and the time senders had data waiting but no window (the
// receiver's: rwnd_limited) or no send buffer (sndbuf_limited). A stall of
// a pipelined connection (a retransmission waits 200 ms or more on
// loopback; a zero window waits for the receiver) shows here, told apart
// from waiting for a core, which shows in neither.
type tcpSample struct {
	conns                 int
	retrans               int64
	rwndLimited, sndbufLm time.Duration
	ok                    bool
}

var (
	ssRetrans = regexp.MustCompile(`\bretrans:\d+/(\d+)`)
	ssRwnd    = regexp.MustCompile(`\brwnd_limited:(\d+)ms`)
	ssSndbuf  = regexp.MustCompile(`\bsndbuf_limited:(\d+)ms`)
	ssConn    = regexp.MustCompile(`(?m)^\S`)
)

// tcpStats reads the connections of port; ok is false without ss.
func tcpStats(port int) tcpSample {
	p := strconv.Itoa(port)
	out, err := exec.Command("ss", "-tinH", "state", "established", "( sport = :"+p+" or dport = :"+p+" )").Output()
	if err != nil {
		return tcpSample{}
	}
	s := tcpSample{ok: true, conns: len(ssConn.FindAll(out, -1))}
	sum := func(re *regexp.Regexp) int64 {
		var n int64
		for _, m := range re.FindAllSubmatch(out, -1) {
			v, _ := strconv.ParseInt(string(m[1]), 10, 64)
			n += v
		}
		return n
	}
	s.retrans = sum(ssRetrans)
	s.rwndLimited = time.Duration(sum(ssRwnd)) * time.Millisecond
	s.sndbufLm = time.Duration(sum(ssSndbuf)) * time.Millisecond
	return s
}

// sub is s less an earlier sample o; a connection closed in between takes
// its counts with it, so a negative difference counts as 0.
func (s tcpSample) sub(o tcpSample) tcpSample {
	return tcpSample{conns: s.conns, retrans: max(0, s.retrans-o.retrans), rwndLimited: max(0, s.rwndLimited-o.rwndLimited),
		sndbufLm: max(0, s.sndbufLm-o.sndbufLm), ok: s.ok && o.ok}
}

func (s tcpSample) String() string {
	if !s.ok {
		return "-"
	}
	return fmt.Sprintf("%d conns, %d retrans, rwnd-limited %s, sndbuf-limited %s", s.conns, s.retrans, s.rwndLimited, s.sndbufLm)
}

// gcSample is this process's garbage collector so far.
type gcSample struct {
	cycles uint32
	pause  time.Duration
}

func readGC() gcSample {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return gcSample{m.NumGC, time.Duration(m.PauseTotalNs)}
}

func (g gcSample) sub(o gcSample) gcSample { return gcSample{g.cycles - o.cycles, g.pause - o.pause} }

func (g gcSample) String() string {
	return fmt.Sprintf("%d GC cycles, stop-the-world %s", g.cycles, g.pause.Round(time.Microsecond))
}
