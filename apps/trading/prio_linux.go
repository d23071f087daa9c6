package trading

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// backgroundThread runs the calling goroutine, until it returns, on a
// thread of its own at nice value nice (NodeConfig.BackgroundNice); 0
// changes nothing. The thread ends with the goroutine (it is never
// unlocked), so no other goroutine inherits its priority.
func backgroundThread(nice int) {
	if nice <= 0 {
		return
	}
	runtime.LockOSThread()
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), min(nice, 19))
}
