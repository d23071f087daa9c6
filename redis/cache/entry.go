package cache

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// An entry as stored in Redis:
//
//	byte 0      'V' value or 'N' negative ("not found") entry
//	bytes 1-8   expiry, Unix milliseconds, big endian (for refresh-ahead
//	            and XFetch, which need the remaining TTL without a PTTL call)
//	bytes 9-12  how long the loader took, milliseconds (XFetch's delta)
//	bytes 13-   the codec's encoding of the value (empty for 'N')
const headerLen = 13

const (
	kindValue    = 'V'
	kindNegative = 'N'
)

type entry struct {
	negative bool
	expiry   time.Time
	delta    time.Duration
	payload  []byte
}

var errBadEntry = errors.New("cache: malformed entry")

func (e entry) encode() []byte {
	b := make([]byte, headerLen, headerLen+len(e.payload))
	b[0] = kindValue
	if e.negative {
		b[0] = kindNegative
	}
	binary.BigEndian.PutUint64(b[1:9], uint64(e.expiry.UnixMilli()))
	d := min(max(e.delta.Milliseconds(), 0), math.MaxUint32)
	binary.BigEndian.PutUint32(b[9:13], uint32(d))
	return append(b, e.payload...)
}

func decodeEntry(b []byte) (entry, error) {
	if len(b) < headerLen || (b[0] != kindValue && b[0] != kindNegative) {
		return entry{}, errBadEntry
	}
	return entry{
		negative: b[0] == kindNegative,
		expiry:   time.UnixMilli(int64(binary.BigEndian.Uint64(b[1:9]))),
		delta:    time.Duration(binary.BigEndian.Uint32(b[9:13])) * time.Millisecond,
		payload:  b[headerLen:],
	}, nil
}
