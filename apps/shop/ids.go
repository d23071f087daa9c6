package shop

import (
	"math/rand/v2"
	"sync/atomic"
	"time"
)

var idCounter atomic.Uint64

// newID returns a collision-resistant id in the shape of Prisma's cuid():
// "c", the time in milliseconds, a process counter and random bits, all in
// base 36, 25 characters. The application passes ids explicitly (the
// schema's @default(cuid()) documents the shape; the database has no
// default).
//
// The random bits come from math/rand/v2 (the runtime's ChaCha8 generator,
// seeded from the operating system): an id must not collide, not stay
// secret — a reservation is confirmed only by the user who holds it. One
// allocation, the string; crypto/rand cost a system call per id.
func newID() string {
	var b [25]byte
	b[0] = 'c'
	putBase36(b[1:9], uint64(time.Now().UnixMilli()))
	putBase36(b[9:13], idCounter.Add(1)%(36*36*36*36))
	putBase36(b[13:25], rand.Uint64()%(1<<62))
	return string(b[:])
}

// putBase36 writes the last len(dst) base-36 digits of v into dst, zeros
// in front when v has fewer.
func putBase36(dst []byte, v uint64) {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = digits[v%36]
		v /= 36
	}
}
