//go:build unix

package sse

import (
	"net"
	"syscall"
)

// tryWriter returns a function that writes as much of b as the socket
// takes now, without waiting, or nil when nc has no descriptor.
func tryWriter(nc net.Conn) func([]byte) (int, error) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	var (
		buf  []byte
		n    int
		werr error
	)
	// One closure per connection, not per write.
	f := func(fd uintptr) bool {
		n, werr = 0, nil
		for len(buf) > 0 {
			k, err := syscall.Write(int(fd), buf)
			if err == syscall.EINTR {
				continue
			}
			if err == syscall.EAGAIN {
				break
			}
			if err != nil {
				werr = err
				break
			}
			n += k
			buf = buf[k:]
		}
		return true
	}
	return func(b []byte) (int, error) {
		buf = b
		if err := raw.Write(f); err != nil {
			return 0, err
		}
		buf = nil
		return n, werr
	}
}
