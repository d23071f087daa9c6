package cache

import (
	"hash/maphash"
	"sync/atomic"
	"unsafe"
)

// memo keeps decoded L1 values (Config.L1Decoded): a direct-mapped table of
// 4096 slots, lock-free. A slot matches when its key and the address of the
// raw L1 bytes are the ones of this hit: rueidis hands out the same bytes
// until Redis invalidates the key, and the slot holds those bytes alive, so
// an address is never reused for different contents while memoized.
type memo struct {
	seed  maphash.Seed
	slots [4096]atomic.Pointer[memoEntry]
}

type memoEntry struct {
	key string
	raw *byte
	n   int
	v   any
}

func newMemo() *memo { return &memo{seed: maphash.MakeSeed()} }

func (m *memo) slot(key string) *atomic.Pointer[memoEntry] {
	return &m.slots[maphash.String(m.seed, key)%uint64(len(m.slots))]
}

func (m *memo) get(key string, raw []byte) (any, bool) {
	e := m.slot(key).Load()
	if e == nil || e.key != key || e.n != len(raw) || len(raw) == 0 || e.raw != unsafe.SliceData(raw) {
		return nil, false
	}
	return e.v, true
}

func (m *memo) put(key string, raw []byte, v any) {
	if len(raw) == 0 {
		return
	}
	m.slot(key).Store(&memoEntry{key: key, raw: unsafe.SliceData(raw), n: len(raw), v: v})
}
