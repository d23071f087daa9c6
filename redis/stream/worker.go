package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/rediskey"
)

// WorkerOpts configure a Worker. Group and Consumer are required.
type WorkerOpts struct {
	Group    string // consumer group, created (from StartID) when missing
	Consumer string // this consumer's name, unique per process
	// StartID is where a new group starts: "0" (default) processes what
	// the stream already holds, "$" only new entries.
	StartID string
	// Concurrency is the number of handlers running at once; default 1.
	Concurrency int
	// Batch is the COUNT of each read; default 10.
	Batch int64
	// Block is how long one read waits for entries; default 1s.
	Block time.Duration
	// MaxAttempts is how many times an entry is handled before it goes to
	// the dead-letter stream; default 5.
	MaxAttempts int
	// Backoff returns the pause before attempt n+1 after attempt n failed;
	// default 100ms * 2^(n-1), at most 10s.
	Backoff func(attempt int) time.Duration
	// ClaimIdle is how long an entry stays unacknowledged by a consumer
	// before another consumer takes it over (XAUTOCLAIM); default 30s.
	// Keep it well above the longest handler run. It is also how late
	// entries are handled whose delivery a connection loss swallowed
	// (the server counted them delivered to this consumer).
	ClaimIdle time.Duration
	// DeadLetter is the stream that receives entries that failed
	// MaxAttempts times (or cannot be decoded); default key+":dead" in the
	// stream's hash slot ("{key}:dead" for an untagged key). A dead-letter
	// stream of your own must share the stream's hash tag on Redis Cluster.
	DeadLetter string
	// Logger receives handler failures and each entry moved to the dead
	// letters; default slog.Default().
	Logger *slog.Logger
}

// Message is one entry handed to a handler.
type Message[T any] struct {
	ID      string
	Value   T
	Attempt int // 1 for the first delivery
	// Fields are the entry's raw fields (Fields[DataField] is the JSON of
	// Value); do not modify them.
	Fields map[string]string
}

// Handler processes a message; a nil error acknowledges it.
type Handler[T any] func(ctx context.Context, m Message[T]) error

// Worker consumes a Stream in a consumer group with at-least-once delivery:
// an entry is acknowledged only after its handler succeeded; failures are
// retried with backoff, entries left by dead consumers are reclaimed with
// XAUTOCLAIM, and entries failing MaxAttempts times are moved to a
// dead-letter stream.
type Worker[T any] struct {
	s        *Stream
	o        WorkerOpts
	h        Handler[T]
	attempts string // hash: entry id -> deliveries beyond the first
}

// NewWorker returns a Worker; it does no I/O.
func NewWorker[T any](s *Stream, o WorkerOpts, h Handler[T]) (*Worker[T], error) {
	if o.Group == "" || o.Consumer == "" || h == nil {
		return nil, fmt.Errorf("%w: Group, Consumer and a handler are required", ErrInvalidOptions)
	}
	if err := s.usable(); err != nil {
		return nil, err
	}
	if o.StartID == "" {
		o.StartID = "0"
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 1
	}
	if o.Batch <= 0 {
		o.Batch = 10
	}
	if o.Block <= 0 {
		o.Block = time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.Backoff == nil {
		o.Backoff = func(n int) time.Duration {
			return min(100*time.Millisecond<<min(n-1, 20), 10*time.Second)
		}
	}
	if o.ClaimIdle <= 0 {
		o.ClaimIdle = 30 * time.Second
	}
	if o.DeadLetter == "" {
		o.DeadLetter = DefaultDeadLetterKey(s.key)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Worker[T]{s: s, o: o, h: h, attempts: rediskey.Sibling(s.key, ":attempts:"+o.Group)}, nil
}

// deadLetterScript moves an entry to the dead-letter stream and acks it.
//
//	KEYS[1] stream  KEYS[2] dead-letter stream  KEYS[3] attempts hash
//	ARGV[1] group  ARGV[2] entry id  ARGV[3] attempts  ARGV[4] error
//	ARGV[5..] the entry's fields
//	returns the dead-letter entry id
var deadLetterScript = rueidis.NewLuaScript(`
local fields = {'source_id', ARGV[2], 'attempts', ARGV[3], 'error', ARGV[4]}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
return id
`)

func (w *Worker[T]) ensureGroup(ctx context.Context) error {
	c := w.s.c
	err := c.Do(ctx, c.B().XgroupCreate().Key(w.s.key).Group(w.o.Group).Id(w.o.StartID).Mkstream().Build()).Error()
	if re, ok := rueidis.IsRedisErr(err); ok && len(re.Error()) >= 9 && re.Error()[:9] == "BUSYGROUP" {
		return nil
	}
	return err
}

type entry struct {
	id     string
	fields map[string]string
	fresh  bool // first delivery (read with ">")
}

// Run consumes until ctx ends, then stops reading, lets running handlers
// finish (their context is not cancelled by ctx) and returns nil. Entries
// waiting for a retry at shutdown stay pending and are reclaimed later.
//
// Run waits for Redis when it cannot be reached at the start (retrying the
// group's creation every second, with a warning), and recreates the group
// when a restarted server lost it (NOGROUP): a worker outlives an outage.
// An error from Redis itself (the key holds another type) is returned.
func (w *Worker[T]) Run(ctx context.Context) error {
	if w == nil {
		return fmt.Errorf("%w: nil *Worker", ErrInvalidOptions)
	}
	for {
		err := w.ensureGroup(ctx)
		if err == nil {
			break
		}
		if _, fromRedis := rueidis.IsRedisErr(err); fromRedis {
			return fmt.Errorf("stream: create group %q: %w", w.o.Group, err)
		}
		if ctx.Err() != nil {
			return nil
		}
		w.o.Logger.Warn("stream: create group, retrying", "stream", w.s.key, "group", w.o.Group, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
	hctx := context.WithoutCancel(ctx)
	acks := make(chan ackReq, 4*w.o.Batch)
	ackerDone := make(chan struct{})
	go func() { w.acker(hctx, acks); close(ackerDone) }()
	sem := make(chan struct{}, w.o.Concurrency)
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		close(acks)
		<-ackerDone
	}()
	dispatch := func(es []entry) {
		for _, e := range es {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return // not started: stays pending for a reclaim
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				w.process(ctx, hctx, e, acks)
			}()
		}
	}
	var nextClaim time.Time
	cursor := "0-0"
	for ctx.Err() == nil {
		if time.Now().After(nextClaim) {
			es, next, err := w.reclaim(ctx, cursor)
			if err != nil && ctx.Err() == nil {
				w.o.Logger.Warn("stream: reclaim", "stream", w.s.key, "err", err)
			}
			dispatch(es)
			if cursor = next; cursor == "0-0" || err != nil {
				// A full pass is done: wait before the next one.
				cursor = "0-0"
				nextClaim = time.Now().Add(w.o.ClaimIdle / 2)
			}
		}
		es, err := w.read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			w.o.Logger.Warn("stream: read", "stream", w.s.key, "err", err)
			if re, ok := rueidis.IsRedisErr(err); ok && strings.HasPrefix(re.Error(), "NOGROUP") {
				// The server lost the stream and its group (a restart
				// without persistence): start again from what is there.
				if err := w.ensureGroup(ctx); err != nil && ctx.Err() == nil {
					w.o.Logger.Warn("stream: recreate group", "stream", w.s.key, "group", w.o.Group, "err", err)
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		dispatch(es)
	}
	return nil
}

func (w *Worker[T]) read(ctx context.Context) ([]entry, error) {
	c := w.s.c
	if w.s.timeout > 0 {
		// The blocking read is exempt from the client's per-call bound,
		// but it must not outlive its BLOCK time by much either: a
		// connection accepted by a server that was shutting down (or
		// behind a partition) answers nothing, and the read would wait
		// until the kernel gave up on it (30s and more), with the worker
		// idle meanwhile.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.o.Block+w.s.timeout)
		defer cancel()
	}
	res, err := c.Do(ctx, c.B().Xreadgroup().Group(w.o.Group, w.o.Consumer).Count(w.o.Batch).
		Block(w.o.Block.Milliseconds()).Streams().Key(w.s.key).Id(">").Build()).AsXRead()
	if rueidis.IsRedisNil(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []entry
	for _, e := range res[w.s.key] {
		out = append(out, entry{id: e.ID, fields: e.FieldValues, fresh: true})
	}
	return out, nil
}

// reclaim takes over up to Batch entries idle for ClaimIdle, scanning the
// pending list from cursor; it returns the next cursor ("0-0" at the end).
func (w *Worker[T]) reclaim(ctx context.Context, cursor string) ([]entry, string, error) {
	c := w.s.c
	arr, err := c.Do(ctx, c.B().Xautoclaim().Key(w.s.key).Group(w.o.Group).Consumer(w.o.Consumer).
		MinIdleTime(strconv.FormatInt(w.o.ClaimIdle.Milliseconds(), 10)).Start(cursor).Count(w.o.Batch).Build()).ToArray()
	if err == nil && len(arr) < 2 {
		err = fmt.Errorf("stream: unexpected XAUTOCLAIM reply of %d elements", len(arr))
	}
	if err != nil {
		return nil, "0-0", err
	}
	next, err := arr[0].ToString()
	if err != nil {
		return nil, "0-0", err
	}
	xs, err := arr[1].AsXRange()
	if err != nil {
		return nil, "0-0", err
	}
	out := make([]entry, 0, len(xs))
	var gone []string
	for _, e := range xs {
		if e.FieldValues == nil {
			gone = append(gone, e.ID) // deleted (trimmed) while pending (Redis 6.2)
			continue
		}
		out = append(out, entry{id: e.ID, fields: e.FieldValues})
	}
	if len(arr) > 2 { // Redis 7: the ids of deleted entries, already out of the pending list
		if ids, err := arr[2].AsStrSlice(); err == nil {
			gone = append(gone, ids...)
		}
	}
	if len(gone) > 0 {
		w.forget(ctx, gone)
	}
	return out, next, nil
}

// forget drops entries deleted from the stream while pending: out of the
// group's pending list (Redis 7's XAUTOCLAIM has done so already) and out
// of the attempts hash, where a counted retry left them for good.
func (w *Worker[T]) forget(ctx context.Context, ids []string) {
	c := w.s.c
	for _, r := range c.DoMulti(ctx,
		c.B().Xack().Key(w.s.key).Group(w.o.Group).Id(ids...).Build(),
		c.B().Hdel().Key(w.attempts).Field(ids...).Build()) {
		if err := r.Error(); err != nil {
			w.o.Logger.Warn("stream: forget deleted entries", "ids", len(ids), "err", err)
		}
	}
}

// process handles one entry, retrying with backoff, then acks or dead-letters it.
func (w *Worker[T]) process(ctx, hctx context.Context, e entry, acks chan<- ackReq) {
	var v T
	if err := json.Unmarshal([]byte(e.fields[DataField]), &v); err != nil {
		w.deadLetter(hctx, e, 1, fmt.Errorf("decode: %w", err))
		return
	}
	attempt := 1
	for {
		if !e.fresh || attempt > 1 {
			// Count the delivery and reset the entry's idle time, so no
			// other consumer reclaims it while this one retries.
			c := w.s.c
			res := c.DoMulti(hctx,
				c.B().Hincrby().Key(w.attempts).Field(e.id).Increment(1).Build(),
				c.B().Xclaim().Key(w.s.key).Group(w.o.Group).Consumer(w.o.Consumer).MinIdleTime("0").Id(e.id).Justid().Build())
			n, err := res[0].AsInt64()
			if err != nil {
				w.o.Logger.Warn("stream: count attempt", "id", e.id, "err", err)
				return // stays pending
			}
			attempt = int(n) + 1
		}
		if attempt > w.o.MaxAttempts {
			w.deadLetter(hctx, e, attempt-1, errors.New("too many attempts"))
			return
		}
		err := w.call(hctx, Message[T]{ID: e.id, Value: v, Attempt: attempt, Fields: e.fields})
		if err == nil {
			acks <- ackReq{id: e.id, counted: attempt > 1}
			return
		}
		w.o.Logger.Warn("stream: handler failed", "stream", w.s.key, "id", e.id, "attempt", attempt, "err", err)
		if attempt >= w.o.MaxAttempts {
			w.deadLetter(hctx, e, attempt, err)
			return
		}
		select {
		case <-ctx.Done():
			return // shutting down: stays pending for a reclaim
		case <-time.After(w.o.Backoff(attempt)):
		}
		e.fresh = false
	}
}

func (w *Worker[T]) call(ctx context.Context, m Message[T]) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("stream: handler panic: %v", r)
		}
	}()
	return w.h(ctx, m)
}

type ackReq struct {
	id      string
	counted bool // has an attempts entry to delete
}

// acker acknowledges entries in batches: whatever is queued goes out as one
// XACK (and one HDEL) in a single pipelined round trip. A failed ack is
// logged; the entry is redelivered later (at-least-once).
func (w *Worker[T]) acker(ctx context.Context, acks <-chan ackReq) {
	c := w.s.c
	for first := range acks {
		ids, counted := []string{first.id}, []string(nil)
		if first.counted {
			counted = append(counted, first.id)
		}
	more:
		for len(ids) < 1000 {
			select {
			case a, ok := <-acks:
				if !ok {
					break more
				}
				ids = append(ids, a.id)
				if a.counted {
					counted = append(counted, a.id)
				}
			default:
				break more
			}
		}
		cmds := rueidis.Commands{c.B().Xack().Key(w.s.key).Group(w.o.Group).Id(ids...).Build()}
		if len(counted) > 0 {
			cmds = append(cmds, c.B().Hdel().Key(w.attempts).Field(counted...).Build())
		}
		for _, r := range c.DoMulti(ctx, cmds...) {
			if err := r.Error(); err != nil {
				w.o.Logger.Warn("stream: ack", "ids", len(ids), "err", err)
			}
		}
	}
}

func (w *Worker[T]) deadLetter(ctx context.Context, e entry, attempts int, cause error) {
	args := []string{w.o.Group, e.id, strconv.Itoa(attempts), cause.Error()}
	for k, v := range e.fields {
		args = append(args, k, v)
	}
	err := deadLetterScript.Exec(ctx, w.s.c, []string{w.s.key, w.o.DeadLetter, w.attempts}, args).Error()
	if err != nil {
		w.o.Logger.Warn("stream: dead-letter", "id", e.id, "err", err)
		return
	}
	// The entry leaves the stream's work for good: say so once, so an
	// operator knows to look at the dead letters.
	w.o.Logger.Warn("stream: moved to dead letters", "stream", w.s.key, "id", e.id,
		"attempts", attempts, "dead", w.o.DeadLetter, "err", cause)
}
