package trading

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// threadNice reads the calling thread's nice value from /proc (-100 if
// it cannot).
func threadNice() int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/stat", unix.Gettid()))
	if err != nil {
		return -100
	}
	// Fields after the command's closing parenthesis: state is field 3,
	// nice field 19.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	n, err := strconv.Atoi(f[19-3])
	if err != nil {
		return -100
	}
	return n
}

// backgroundThread puts the goroutine on a thread of its own at the nice
// value asked (capped at 19); 0 leaves the thread alone.
func TestBackgroundThread(t *testing.T) {
	base := make(chan int)
	go func() { base <- threadNice() }()
	before := <-base
	if before == -100 {
		t.Fatal("cannot read the thread's nice value")
	}
	for _, c := range []struct{ ask, want int }{{0, before}, {7, 7}, {25, 19}} {
		got := make(chan int)
		go func() {
			backgroundThread(c.ask)
			got <- threadNice()
		}()
		if n := <-got; n != c.want {
			t.Errorf("backgroundThread(%d): nice %d, want %d", c.ask, n, c.want)
		}
	}
	// The niced threads ended with their goroutines: this one is as before.
	if n := threadNice(); n != before {
		t.Errorf("nice %d after, want %d", n, before)
	}
}
