package stream

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/rediskey"
)

// ErrNotFound is returned for a dead letter that does not exist.
var ErrNotFound = errors.New("stream: not found")

// Dead-letter fields written next to the original entry's fields.
const (
	DeadSourceField   = "source_id" // the entry's id in the source stream
	DeadAttemptsField = "attempts"  // how many times it was handled
	DeadErrorField    = "error"     // the last error
)

// DeadLetter is one entry of a dead-letter stream.
type DeadLetter struct {
	ID       string // id in the dead-letter stream
	SourceID string // id the entry had in the source stream
	Attempts int
	Error    string
	// Fields are the original entry's fields (the JSON value of a typed
	// entry is Fields[DataField]).
	Fields map[string]string
}

// DeadLetters inspects and drains the dead-letter stream of a Stream:
// list and show entries, redrive them (append them to the source stream
// again, with fresh attempts) or purge them.
type DeadLetters struct {
	s   *Stream
	key string
}

// DeadLetters returns the dead letters of s kept at key; "" is the
// default a Worker uses (WorkerOpts.DeadLetter). It does no I/O.
func (s *Stream) DeadLetters(key string) *DeadLetters {
	if key == "" && s != nil && s.key != "" {
		key = DefaultDeadLetterKey(s.key)
	}
	return &DeadLetters{s: s, key: key}
}

// DefaultDeadLetterKey returns the dead-letter stream of stream key: in
// key's hash slot, key+":dead" for a tagged key, "{key}:dead" otherwise.
func DefaultDeadLetterKey(key string) string { return rediskey.Sibling(key, ":dead") }

// Key returns the dead-letter stream's key.
func (d *DeadLetters) Key() string {
	if d == nil {
		return ""
	}
	return d.key
}

// usable returns an error wrapping ErrInvalidOptions for nil DeadLetters
// or those of an unusable Stream.
func (d *DeadLetters) usable() error {
	if d == nil {
		return fmt.Errorf("%w: nil *DeadLetters", ErrInvalidOptions)
	}
	return d.s.usable()
}

// Len returns the number of dead letters.
func (d *DeadLetters) Len(ctx context.Context) (int64, error) {
	if err := d.usable(); err != nil {
		return 0, err
	}
	c := d.s.c
	return c.Do(ctx, c.B().Xlen().Key(d.key).Build()).AsInt64()
}

// List returns up to count dead letters (default 100) with ids after
// after ("" from the start), oldest first; pass the last returned ID to
// read the next page.
func (d *DeadLetters) List(ctx context.Context, after string, count int64) ([]DeadLetter, error) {
	if err := d.usable(); err != nil {
		return nil, err
	}
	if count <= 0 {
		count = 100
	}
	start := "-"
	if after != "" {
		if !validID(after) {
			return nil, fmt.Errorf("%w: entry id %q", ErrInvalidOptions, after)
		}
		start = "(" + after
	}
	c := d.s.c
	xs, err := c.Do(ctx, c.B().Xrange().Key(d.key).Start(start).End("+").Count(count).Build()).AsXRange()
	if err != nil {
		return nil, err
	}
	out := make([]DeadLetter, 0, len(xs))
	for _, x := range xs {
		out = append(out, toDeadLetter(x))
	}
	return out, nil
}

// Get returns one dead letter, or ErrNotFound.
func (d *DeadLetters) Get(ctx context.Context, id string) (DeadLetter, error) {
	if err := d.usable(); err != nil {
		return DeadLetter{}, err
	}
	if !validID(id) {
		return DeadLetter{}, fmt.Errorf("%w: entry id %q", ErrInvalidOptions, id)
	}
	c := d.s.c
	xs, err := c.Do(ctx, c.B().Xrange().Key(d.key).Start(id).End(id).Build()).AsXRange()
	if err != nil {
		return DeadLetter{}, err
	}
	if len(xs) == 0 {
		return DeadLetter{}, fmt.Errorf("%w: dead letter %s in %s", ErrNotFound, id, d.key)
	}
	return toDeadLetter(xs[0]), nil
}

func toDeadLetter(x rueidis.XRangeEntry) DeadLetter {
	dl := DeadLetter{ID: x.ID, Fields: map[string]string{}}
	for k, v := range x.FieldValues {
		switch k {
		case DeadSourceField:
			dl.SourceID = v
		case DeadAttemptsField:
			dl.Attempts, _ = strconv.Atoi(v)
		case DeadErrorField:
			dl.Error = v
		default:
			dl.Fields[k] = v
		}
	}
	return dl
}

// redriveScript moves dead letters back to the source stream.
//
//	KEYS[1] source stream  KEYS[2] dead-letter stream
//	ARGV[1] MAXLEN of the source (<= 0: no trimming)  ARGV[2..] dead-letter ids
//	returns, per id, the new entry id or false when the id was not there
var redriveScript = rueidis.NewLuaScript(`
local maxlen = tonumber(ARGV[1])
local out = {}
for i = 2, #ARGV do
  local e = redis.call('XRANGE', KEYS[2], ARGV[i], ARGV[i])
  if #e == 0 then
    out[#out + 1] = false
  else
    local kv, fields = e[1][2], {}
    for j = 1, #kv, 2 do
      local k = kv[j]
      if k ~= 'source_id' and k ~= 'attempts' and k ~= 'error' then
        fields[#fields + 1] = k
        fields[#fields + 1] = kv[j + 1]
      end
    end
    if #fields == 0 then fields = {'data', ''} end
    local id
    if maxlen > 0 then
      id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(fields))
    else
      id = redis.call('XADD', KEYS[1], '*', unpack(fields))
    end
    redis.call('XDEL', KEYS[2], ARGV[i])
    out[#out + 1] = id
  end
end
return out
`)

// Redrive appends the given dead letters to the source stream again (a
// new entry id, attempts counted from zero) and removes them from the
// dead-letter stream, atomically per call. It returns the new entry ids,
// "" for an id that was not a dead letter.
func (d *DeadLetters) Redrive(ctx context.Context, ids ...string) ([]string, error) {
	if err := d.usable(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]string, 0, len(ids)+1)
	args = append(args, strconv.FormatInt(d.s.maxLen, 10))
	for _, id := range ids {
		if !validID(id) {
			return nil, fmt.Errorf("%w: entry id %q", ErrInvalidOptions, id)
		}
		args = append(args, id)
	}
	arr, err := redriveScript.Exec(ctx, d.s.c, []string{d.s.key, d.key}, args).ToArray()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(arr))
	for i, m := range arr {
		out[i], _ = m.ToString() // false (nil) stays ""
	}
	return out, nil
}

// RedriveAll redrives every dead letter, in batches of 100 oldest first,
// and returns how many it moved. Entries that die again while it runs are
// not redriven twice: it stops at the last id present when it started.
func (d *DeadLetters) RedriveAll(ctx context.Context) (int, error) {
	if err := d.usable(); err != nil {
		return 0, err
	}
	c := d.s.c
	last, err := c.Do(ctx, c.B().Xrevrange().Key(d.key).End("+").Start("-").Count(1).Build()).AsXRange()
	if err != nil || len(last) == 0 {
		return 0, err
	}
	stop := last[0].ID
	n := 0
	for {
		page, err := c.Do(ctx, c.B().Xrange().Key(d.key).Start("-").End(stop).Count(100).Build()).AsXRange()
		if err != nil || len(page) == 0 {
			return n, err
		}
		ids := make([]string, len(page))
		for i, x := range page {
			ids[i] = x.ID
		}
		moved, err := d.Redrive(ctx, ids...)
		for _, id := range moved {
			if id != "" {
				n++
			}
		}
		if err != nil {
			return n, err
		}
	}
}

// Purge deletes the given dead letters and returns how many existed.
func (d *DeadLetters) Purge(ctx context.Context, ids ...string) (int64, error) {
	if err := d.usable(); err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	for _, id := range ids {
		if !validID(id) {
			return 0, fmt.Errorf("%w: entry id %q", ErrInvalidOptions, id)
		}
	}
	c := d.s.c
	return c.Do(ctx, c.B().Xdel().Key(d.key).Id(ids...).Build()).AsInt64()
}

// PurgeAll deletes the dead-letter stream and returns how many entries it
// held.
func (d *DeadLetters) PurgeAll(ctx context.Context) (int64, error) {
	if err := d.usable(); err != nil {
		return 0, err
	}
	return purgeAllScript.Exec(ctx, d.s.c, []string{d.key}, nil).AsInt64()
}

// purgeAllScript deletes a stream and returns its length.
//
//	KEYS[1] stream  returns the number of entries it held
var purgeAllScript = rueidis.NewLuaScript(`
local n = redis.call('XLEN', KEYS[1])
redis.call('DEL', KEYS[1])
return n
`)

// validID reports whether id is a full stream entry id "<ms>-<seq>".
func validID(id string) bool {
	ms, seq, ok := strings.Cut(id, "-")
	if !ok {
		return false
	}
	_, err1 := strconv.ParseUint(ms, 10, 64)
	_, err2 := strconv.ParseUint(seq, 10, 64)
	return err1 == nil && err2 == nil
}
