//go:build !unix

package sse

import "net"

// tryWriter: no non-blocking writes here; every update goes through the
// connection's catch-up goroutine.
func tryWriter(net.Conn) func([]byte) (int, error) { return nil }
