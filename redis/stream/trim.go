package stream

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/rueidis"
)

// TrimAcked removes the entries that every consumer group of the stream
// has acknowledged, and nothing else: it trims (XTRIM MINID) below the
// oldest entry any group still holds pending or has not been delivered
// yet. A stream without groups is left alone. It returns the number of
// entries removed.
//
// Use it instead of MaxLen (Options.MaxLen < 0) when trimming must never
// drop work: the stream then stays bounded only as long as its consumers
// keep up, so producers bound it by checking Len and refusing new work.
func (s *Stream) TrimAcked(ctx context.Context) (int64, error) {
	if err := s.usable(); err != nil {
		return 0, err
	}
	bound, ok, err := s.ackedBound(ctx)
	if err != nil || !ok {
		return 0, err
	}
	return s.c.Do(ctx, s.c.B().Xtrim().Key(s.key).Minid().Threshold(bound).Build()).AsInt64()
}

// ackedBound returns the smallest id that some group still needs.
func (s *Stream) ackedBound(ctx context.Context) (string, bool, error) {
	c := s.c
	groups, err := c.Do(ctx, c.B().XinfoGroups().Key(s.key).Build()).ToArray()
	if rueidis.IsRedisNil(err) {
		return "", false, nil
	}
	if err != nil {
		if re, ok := rueidis.IsRedisErr(err); ok && strings.Contains(re.Error(), "no such key") {
			return "", false, nil
		}
		return "", false, fmt.Errorf("stream: XINFO GROUPS %s: %w", s.key, err)
	}
	var bound string
	found := false
	for _, g := range groups {
		info, err := g.AsMap()
		if err != nil {
			return "", false, fmt.Errorf("stream: XINFO GROUPS reply: %w", err)
		}
		nameMsg, pendingMsg, lastMsg := info["name"], info["pending"], info["last-delivered-id"]
		name, _ := nameMsg.ToString()
		pending, _ := pendingMsg.AsInt64()
		last, err := lastMsg.ToString()
		if err != nil {
			return "", false, fmt.Errorf("stream: XINFO GROUPS reply without last-delivered-id: %w", err)
		}
		need := nextID(last) // everything after last is undelivered
		if pending > 0 {
			sum, err := c.Do(ctx, c.B().Xpending().Key(s.key).Group(name).Build()).ToArray()
			if err != nil || len(sum) < 2 {
				return "", false, fmt.Errorf("stream: XPENDING %s %s: %v", s.key, name, err)
			}
			if oldest, err := sum[1].ToString(); err == nil {
				need = oldest
			}
		}
		if !found || lessID(need, bound) {
			bound, found = need, true
		}
	}
	return bound, found, nil
}

func parseID(id string) (ms, seq uint64) {
	a, b, _ := strings.Cut(id, "-")
	ms, _ = strconv.ParseUint(a, 10, 64)
	seq, _ = strconv.ParseUint(b, 10, 64)
	return ms, seq
}

func lessID(a, b string) bool {
	am, as := parseID(a)
	bm, bs := parseID(b)
	return am < bm || (am == bm && as < bs)
}

func nextID(id string) string {
	ms, seq := parseID(id)
	return strconv.FormatUint(ms, 10) + "-" + strconv.FormatUint(seq+1, 10)
}
