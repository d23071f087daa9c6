package shop

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on Linux).
const clockTick = 10 * time.Millisecond

// procCPU returns the CPU time (user + system) process pid has used.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: count from its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 > len(s) {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+2:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)  // field 14, utime
	st, err2 := strconv.ParseInt(f[12], 10, 64) // field 15, stime
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	return time.Duration(u+st) * clockTick, nil
}

// cpuMeter reads the CPU time of the processes a request runs on: this
// test process (the shop, its HTTP server and the load generator, plus
// the embedded MongoDB stand-in), the benchmark's private redis-server and
// the PostgreSQL backends serving the benchmark's database.
type cpuMeter struct {
	redisPID int
	pg       *pgxpool.Pool
}

// cpuSample is one reading, by process group.
type cpuSample struct {
	goProc, redis, postgres time.Duration
}

func (s cpuSample) sub(o cpuSample) cpuSample {
	return cpuSample{s.goProc - o.goProc, s.redis - o.redis, s.postgres - o.postgres}
}

func (s cpuSample) add(o cpuSample) cpuSample {
	return cpuSample{s.goProc + o.goProc, s.redis + o.redis, s.postgres + o.postgres}
}

// scale multiplies every part by f.
func (s cpuSample) scale(f float64) cpuSample {
	m := func(d time.Duration) time.Duration { return time.Duration(float64(d) * f) }
	return cpuSample{m(s.goProc), m(s.redis), m(s.postgres)}
}

// perSecond formats a delta taken over span as CPU ms per second:
// "total (go+redis+pg)".
func (s cpuSample) perSecond(span time.Duration) string {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / span.Seconds() }
	return fmt.Sprintf("%.0f (%.0f+%.0f+%.0f)", ms(s.total()), ms(s.goProc), ms(s.redis), ms(s.postgres))
}

func (s cpuSample) total() time.Duration { return s.goProc + s.redis + s.postgres }

func (m *cpuMeter) sample(ctx context.Context) cpuSample {
	var s cpuSample
	s.goProc, _ = procCPU(os.Getpid())
	if m.redisPID > 0 {
		s.redis, _ = procCPU(m.redisPID)
	}
	if m.pg != nil {
		rows, err := m.pg.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
		if err == nil {
			for rows.Next() {
				var pid int
				if rows.Scan(&pid) == nil {
					if d, err := procCPU(pid); err == nil {
						s.postgres += d
					}
				}
			}
			rows.Close()
		}
	}
	return s
}

// perRequest formats CPU µs per request of a delta: "total (go+redis+pg)".
func (s cpuSample) perRequest(n uint64) string {
	if n == 0 {
		return "-"
	}
	us := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	return fmt.Sprintf("%4.0f (%3.0f+%3.0f+%2.0f)", us(s.total()), us(s.goProc), us(s.redis), us(s.postgres))
}
