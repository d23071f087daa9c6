package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
)

// DefaultMaxLen is the approximate length a Stream is trimmed to.
const DefaultMaxLen = 100_000

// ErrInvalidOptions is returned for unusable options (empty group, ...)
// and arguments: a nil client or empty key given to New (its Stream's
// methods return it), a nil *Stream, *Worker or *DeadLetters.
var ErrInvalidOptions = errors.New("stream: invalid options")

// Options configure a Stream; nil gives the defaults.
type Options struct {
	// MaxLen bounds the stream: every append trims it with
	// XADD MAXLEN ~ MaxLen (approximate, cheap; the stream may hold a
	// little more). Default 100,000; negative disables trimming.
	MaxLen int64
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout,
	// 1s; negative: only the caller's context bounds calls); a worker's
	// blocking read gets its BLOCK time plus Timeout.
	Timeout time.Duration
}

// Stream is a bounded Redis stream.
type Stream struct {
	c      rueidis.Client
	key    string
	maxLen int64
	// timeout is Options.Timeout (or the default); <= 0: none.
	timeout time.Duration
	// invalid is set, for a Stream New was given a nil client or an empty
	// key, to the error every method returns.
	invalid error
}

// New returns the Stream at key. It does no I/O. Given a nil client or an
// empty key it returns a Stream whose methods (and Publish, NewWorker, its
// DeadLetters) return an error wrapping ErrInvalidOptions.
func New(c rueidis.Client, key string, o *Options) *Stream {
	s := &Stream{key: key, maxLen: DefaultMaxLen}
	timeout := redisconn.DefaultTimeout
	if o != nil && o.MaxLen != 0 {
		s.maxLen = o.MaxLen
	}
	if o != nil && o.Timeout != 0 {
		timeout = o.Timeout
	}
	s.c = redisconn.WithTimeout(c, timeout)
	s.timeout = timeout
	switch {
	case c == nil:
		s.invalid = fmt.Errorf("%w: stream %q: nil client", ErrInvalidOptions, key)
	case key == "":
		s.invalid = fmt.Errorf("%w: empty stream key", ErrInvalidOptions)
	}
	return s
}

// usable returns an error wrapping ErrInvalidOptions for a nil Stream or
// one New was given a nil client or an empty key.
func (s *Stream) usable() error {
	if s == nil {
		return fmt.Errorf("%w: nil *Stream", ErrInvalidOptions)
	}
	return s.invalid
}

// Key returns the stream key.
func (s *Stream) Key() string {
	if s == nil {
		return ""
	}
	return s.key
}

// MaxLen returns the length appends trim the stream to (<= 0: none).
func (s *Stream) MaxLen() int64 {
	if s == nil {
		return 0
	}
	return s.maxLen
}

// Append adds an entry with the given fields (name, value pairs) and
// returns its id.
func (s *Stream) Append(ctx context.Context, fields ...string) (string, error) {
	if err := s.usable(); err != nil {
		return "", err
	}
	if len(fields) == 0 || len(fields)%2 != 0 {
		return "", fmt.Errorf("%w: fields must be name, value pairs", ErrInvalidOptions)
	}
	id, err := s.c.Do(ctx, s.xadd(fields)).ToString()
	if err != nil {
		return "", s.appendErr(err)
	}
	return id, nil
}

// appendErr names the stream in a failed append's error; the cause stays
// reachable (errors.As, redisconn.IsUnreachable).
func (s *Stream) appendErr(err error) error {
	return fmt.Errorf("stream %s: append: %w", s.key, err)
}

func (s *Stream) xadd(fields []string) rueidis.Completed {
	b := s.c.B().Arbitrary("XADD").Keys(s.key)
	if s.maxLen > 0 {
		b = b.Args("MAXLEN", "~", fmt.Sprint(s.maxLen))
	}
	return b.Args("*").Args(fields...).Build()
}

// DataField is the field that holds the JSON value of typed entries.
const DataField = "data"

// Publish appends v, encoded as JSON in the "data" field, and returns the
// entry id.
func Publish[T any](ctx context.Context, s *Stream, v T) (string, error) {
	if err := s.usable(); err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("stream: encode %T: %w", v, err)
	}
	return s.Append(ctx, DataField, string(b))
}

// PublishMany appends many values in one pipelined round trip.
func PublishMany[T any](ctx context.Context, s *Stream, vs []T) ([]string, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	cmds := make(rueidis.Commands, 0, len(vs))
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("stream: encode %T: %w", v, err)
		}
		cmds = append(cmds, s.xadd([]string{DataField, string(b)}))
	}
	ids := make([]string, 0, len(vs))
	for _, r := range s.c.DoMulti(ctx, cmds...) {
		id, err := r.ToString()
		if err != nil {
			return ids, s.appendErr(err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Len returns the number of entries (XLEN).
func (s *Stream) Len(ctx context.Context) (int64, error) {
	if err := s.usable(); err != nil {
		return 0, err
	}
	return s.c.Do(ctx, s.c.B().Xlen().Key(s.key).Build()).AsInt64()
}
