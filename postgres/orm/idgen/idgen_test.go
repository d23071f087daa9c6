package idgen_test

import (
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/oklog/ulid/v2"
	"github.com/polystore/polystore/postgres/orm/idgen"
	"github.com/stretchr/testify/require"
)

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		gen  func() string
		re   string
	}{
		{"uuid", idgen.UUID, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
		{"uuid7", idgen.UUIDv7, `^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
		{"cuid", idgen.CUID, `^c[0-9a-z]{24}$`},
		{"cuid2", idgen.CUID2, `^[a-z][0-9a-z]{23}$`},
		{"nanoid", idgen.NanoID, `^[A-Za-z0-9_-]{21}$`},
		{"nanoid10", idgen.NanoIDOf(10), `^[A-Za-z0-9_-]{10}$`},
		{"nanoid-clamped", idgen.NanoIDOf(0), `^[A-Za-z0-9_-]{2}$`},
		{"ulid", idgen.ULID, `^[0-7][0-9A-HJKMNP-TV-Z]{25}$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			re := regexp.MustCompile(tc.re)
			// Unique across goroutines.
			const workers, per = 4, 500
			var mu sync.Mutex
			seen := make(map[string]bool, workers*per)
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range per {
						id := tc.gen()
						mu.Lock()
						seen[id] = true
						mu.Unlock()
						if !re.MatchString(id) {
							t.Errorf("%q does not match %s", id, tc.re)
						}
					}
				}()
			}
			wg.Wait()
			want := workers * per
			if tc.name == "nanoid-clamped" {
				want = len(seen) // 64² possible values: collisions expected
			}
			require.Len(t, seen, want)
		})
	}
}

func TestTimeOrdered(t *testing.T) {
	before := time.Now().Add(-time.Millisecond)
	u, err := uuid.Parse(idgen.UUIDv7())
	require.NoError(t, err)
	sec, nsec := u.Time().UnixTime()
	require.WithinDuration(t, before, time.Unix(sec, nsec), time.Minute)

	a, b := idgen.ULID(), idgen.ULID()
	require.Less(t, a, b, "ULIDs are monotonic")
	id, err := ulid.ParseStrict(a)
	require.NoError(t, err)
	require.WithinDuration(t, before, ulid.Time(id.Time()), time.Minute)

	v1, v2 := idgen.UUIDv7(), idgen.UUIDv7()
	require.Less(t, v1, v2, "uuid v7 is time-ordered")
}
