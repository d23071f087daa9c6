package idgen

import (
	"crypto/rand"
	"crypto/sha3"
	"math/big"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/lucsky/cuid"
	gonanoid "github.com/matoous/go-nanoid/v2"
	"github.com/oklog/ulid/v2"
)

// UUID returns a random (version 4) UUID in its 36-character text form:
// @default(uuid()) and uuid(4).
func UUID() string { return uuid.NewString() }

// UUIDv7 returns a time-ordered (version 7) UUID: @default(uuid(7)).
func UUIDv7() string { return uuid.Must(uuid.NewV7()).String() }

// CUID returns a 25-character cuid (version 1) starting with "c":
// @default(cuid()).
func CUID() string {
	id, err := cuid.NewCrypto(rand.Reader)
	if err != nil {
		// crypto/rand does not fail on supported platforms.
		panic("idgen: crypto/rand: " + err.Error())
	}
	return id
}

// NanoIDSize is the length of NanoID.
const NanoIDSize = 21

// NanoID returns a 21-character nanoid over A-Za-z0-9_-: @default(nanoid()).
func NanoID() string { return gonanoid.Must(NanoIDSize) }

// NanoIDOf returns a generator of nanoids of n characters:
// @default(nanoid(n)). Prisma accepts lengths 2 to 255; n outside that range
// is taken as the nearest bound.
func NanoIDOf(n int) func() string {
	n = min(max(n, 2), 255)
	return func() string { return gonanoid.Must(n) }
}

// ULID returns a 26-character ULID (Crockford base 32, time-ordered and
// monotonic within a millisecond): @default(ulid()).
func ULID() string { return ulid.Make().String() }

// CUID2Size is the length of CUID2.
const CUID2Size = 24

// cuid2 state: a counter started at a random value and a fingerprint of
// this process, as in the reference implementation.
var cuid2 struct {
	once        sync.Once
	mu          sync.Mutex
	counter     int64
	fingerprint string
}

// initialCountMax bounds the counter's random start (reference value).
const initialCountMax = 476782367

// CUID2 returns a 24-character cuid2: a random lower-case letter followed
// by base-36 characters of a SHA3-512 digest: @default(cuid(2)).
func CUID2() string {
	cuid2.once.Do(func() {
		host, _ := os.Hostname()
		cuid2.counter = randInt(initialCountMax)
		cuid2.fingerprint = hash36(host + strconv.Itoa(os.Getpid()) + entropy(32))[:32]
	})
	cuid2.mu.Lock()
	count := cuid2.counter
	cuid2.counter++
	cuid2.mu.Unlock()
	input := strconv.FormatInt(time.Now().UnixMilli(), 36) + entropy(CUID2Size) +
		strconv.FormatInt(count, 36) + cuid2.fingerprint
	first := byte('a' + randInt(26))
	return string(first) + hash36(input)[1:CUID2Size]
}

// hash36 is the SHA3-512 digest of s as a base-36 number, without its
// first digit (which is biased).
func hash36(s string) string {
	sum := sha3.Sum512([]byte(s))
	return new(big.Int).SetBytes(sum[:]).Text(36)[1:]
}

// entropy returns n random base-36 digits.
func entropy(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = strconv.FormatInt(randInt(36), 36)[0]
	}
	return string(b)
}

// randInt returns a uniform random integer in [0, n) from crypto/rand.
func randInt(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic("idgen: crypto/rand: " + err.Error())
	}
	return v.Int64()
}
