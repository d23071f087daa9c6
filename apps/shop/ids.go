package shop

import (
	"crypto/rand"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

var idCounter atomic.Uint64

// newID returns a collision-resistant id in the shape of Prisma's cuid():
// "c", the time in milliseconds, a process counter and random bits, all in
// base 36, 25 characters. The application passes ids explicitly (the
// schema's @default(cuid()) documents the shape; the database has no
// default).
func newID() string {
	var b strings.Builder
	b.Grow(25)
	b.WriteByte('c')
	b.WriteString(pad(strconv.FormatInt(time.Now().UnixMilli(), 36), 8))
	b.WriteString(pad(strconv.FormatUint(idCounter.Add(1)%(36*36*36*36), 36), 4))
	var r [8]byte
	_, _ = rand.Read(r[:])
	var n uint64
	for _, x := range r {
		n = n<<8 | uint64(x)
	}
	b.WriteString(pad(strconv.FormatUint(n%(1<<62), 36), 12))
	return b.String()[:25]
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[len(s)-n:]
	}
	return strings.Repeat("0", n-len(s)) + s
}
