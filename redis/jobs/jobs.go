package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/redis/rueidis"

	"github.com/polystore/polystore/internal/rediskey"
	"github.com/polystore/polystore/redis/redisconn"
	"github.com/polystore/polystore/redis/stream"
)

// ErrInvalid is returned for unusable arguments (an empty queue name, a
// unique key without a window, a nil client, queue, handler or worker,
// ...).
var ErrInvalid = errors.New("jobs: invalid argument")

// JobIDField is the stream field that holds a job's id.
const JobIDField = "job_id"

// Options configure a Queue; nil gives the defaults.
type Options struct {
	// MaxLen bounds the queue's stream (XADD MAXLEN ~); default
	// stream.DefaultMaxLen, negative disables trimming. Trimming drops
	// the oldest entries even when no worker has handled them: size it
	// well above the backlog you expect, or use -1 and Stream().TrimAcked.
	MaxLen int64
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout).
	Timeout time.Duration
}

// Queue is a job queue on a Redis stream. Every key it uses hashes to the
// slot of the stream key, so it runs unchanged on Redis Cluster.
type Queue struct {
	s        *stream.Stream
	c        rueidis.Client
	delayed  string // ZSET: job id -> run-at (server ms)
	payloads string // HASH: job id -> data of a delayed job
	unique   string // prefix of unique-key locks
}

// New returns the Queue named name (the stream key). It does no I/O.
func New(c rueidis.Client, name string, o *Options) (*Queue, error) {
	if c == nil || name == "" {
		return nil, fmt.Errorf("%w: a client and a queue name are required", ErrInvalid)
	}
	var so stream.Options
	timeout := redisconn.DefaultTimeout
	if o != nil {
		so.MaxLen, so.Timeout = o.MaxLen, o.Timeout
		if o.Timeout != 0 {
			timeout = o.Timeout
		}
	}
	return &Queue{
		s:        stream.New(c, name, &so),
		c:        redisconn.WithTimeout(c, timeout),
		delayed:  rediskey.Sibling(name, ":delayed"),
		payloads: rediskey.Sibling(name, ":delayed:data"),
		unique:   rediskey.Sibling(name, ":unique:"),
	}, nil
}

// Name returns the queue's stream key.
func (q *Queue) Name() string {
	if q == nil {
		return ""
	}
	return q.s.Key()
}

// Stream returns the stream the queue's ready jobs are in.
func (q *Queue) Stream() *stream.Stream {
	if q == nil {
		return nil
	}
	return q.s
}

// DeadLetters returns the jobs that failed WorkerOpts.MaxAttempts times,
// for inspection, redrive and purge (the default dead-letter stream; a
// worker with its own WorkerOpts.DeadLetter uses Stream().DeadLetters(key)).
// A nil Queue's dead letters return stream.ErrInvalidOptions.
func (q *Queue) DeadLetters() *stream.DeadLetters { return q.Stream().DeadLetters("") }

// EnqueueOpts are the options of one Enqueue; nil runs the job now.
type EnqueueOpts struct {
	// Delay runs the job at least Delay after the enqueue, measured on the
	// Redis server's clock.
	Delay time.Duration
	// RunAt runs the job at or after RunAt (compared with the Redis
	// server's clock, so skew between this host and the server shifts it).
	// A past RunAt runs the job now. Ignored when Delay is set.
	RunAt time.Time
	// UniqueKey makes the job unique for UniqueFor: another Enqueue with
	// the same key within that window (from this enqueue, whether or not
	// the job has run) enqueues nothing and returns this job's id.
	UniqueKey string
	// UniqueFor is the uniqueness window; required with UniqueKey.
	UniqueFor time.Duration
}

// Enqueued tells what an Enqueue did.
type Enqueued struct {
	ID        string // the job's id (the existing job's for a Duplicate)
	Duplicate bool   // a job with the same unique key was enqueued within its window: nothing was added
	Delayed   bool   // the job waits in the delayed set until its time
}

// enqueueScript adds a job: to the stream, or to the delayed set when it
// is due later; with a unique key, only if that key is free.
//
//	KEYS[1] stream  KEYS[2] delayed ZSET  KEYS[3] delayed data HASH
//	KEYS[4] unique key (optional)
//	ARGV[1] job id  ARGV[2] data  ARGV[3] run-at ms (0: none)
//	ARGV[4] delay ms (0: none)  ARGV[5] unique window ms  ARGV[6] MAXLEN (<= 0: none)
//	returns {job id, duplicate 0|1, delayed 0|1}
var enqueueScript = rueidis.NewLuaScript(`
if #KEYS == 4 then
  local existing = redis.call('GET', KEYS[4])
  if existing then return {existing, 1, 0} end
  redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[5])
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at, delay = tonumber(ARGV[3]), tonumber(ARGV[4])
if delay > 0 then at = now + delay end
if at > now then
  redis.call('ZADD', KEYS[2], at, ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  return {ARGV[1], 0, 1}
end
local maxlen = tonumber(ARGV[6])
if maxlen > 0 then
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', 'data', ARGV[2], 'job_id', ARGV[1])
else
  redis.call('XADD', KEYS[1], '*', 'data', ARGV[2], 'job_id', ARGV[1])
end
return {ARGV[1], 0, 0}
`)

// Enqueue adds a job carrying v (encoded as JSON), now, later (Delay,
// RunAt) and/or unique for a window (UniqueKey), in one script.
func Enqueue[T any](ctx context.Context, q *Queue, v T, o *EnqueueOpts) (Enqueued, error) {
	if q == nil {
		return Enqueued{}, fmt.Errorf("%w: nil queue", ErrInvalid)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return Enqueued{}, fmt.Errorf("jobs: encode %T: %w", v, err)
	}
	return q.enqueue(ctx, string(data), o)
}

func (q *Queue) enqueue(ctx context.Context, data string, o *EnqueueOpts) (Enqueued, error) {
	if o == nil {
		o = &EnqueueOpts{}
	}
	if o.Delay < 0 {
		return Enqueued{}, fmt.Errorf("%w: negative Delay %s", ErrInvalid, o.Delay)
	}
	keys := []string{q.s.Key(), q.delayed, q.payloads}
	var window int64
	if o.UniqueKey != "" {
		window = o.UniqueFor.Milliseconds()
		if window <= 0 {
			return Enqueued{}, fmt.Errorf("%w: UniqueKey needs a UniqueFor of at least 1ms", ErrInvalid)
		}
		keys = append(keys, q.unique+o.UniqueKey)
	}
	var at int64
	if !o.RunAt.IsZero() {
		at = o.RunAt.UnixMilli()
	}
	var delay int64
	if o.Delay > 0 {
		delay = max(o.Delay.Milliseconds(), 1)
	}
	id := ulid.Make().String()
	arr, err := enqueueScript.Exec(ctx, q.c, keys, []string{id, data,
		strconv.FormatInt(at, 10), strconv.FormatInt(delay, 10), strconv.FormatInt(window, 10),
		strconv.FormatInt(q.s.MaxLen(), 10)}).ToArray()
	if err != nil {
		return Enqueued{}, fmt.Errorf("jobs %s: enqueue: %w", q.s.Key(), err)
	}
	if len(arr) != 3 {
		return Enqueued{}, fmt.Errorf("jobs: unexpected enqueue reply of %d elements", len(arr))
	}
	var e Enqueued
	e.ID, err = arr[0].ToString()
	dup, _ := arr[1].AsInt64()
	delayed, _ := arr[2].AsInt64()
	e.Duplicate, e.Delayed = dup == 1, delayed == 1
	return e, err
}

// promoteScript moves the delayed jobs that are due (server clock) to the
// stream. Being one script, concurrent promoters never move a job twice.
//
//	KEYS[1] delayed ZSET  KEYS[2] delayed data HASH  KEYS[3] stream
//	ARGV[1] at most this many jobs  ARGV[2] MAXLEN (<= 0: none)
//	returns {jobs moved, ms until the next delayed job is due (-1: none)}
var promoteScript = rueidis.NewLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local maxlen = tonumber(ARGV[2])
for _, id in ipairs(ids) do
  local data = redis.call('HGET', KEYS[2], id)
  if data then
    if maxlen > 0 then
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', maxlen, '*', 'data', data, 'job_id', id)
    else
      redis.call('XADD', KEYS[3], '*', 'data', data, 'job_id', id)
    end
  end
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
local nxt = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = -1
if #nxt == 2 then wait = math.max(tonumber(nxt[2]) - now, 0) end
return {#ids, wait}
`)

// Promote moves up to limit due delayed jobs (default 100) to the stream
// and returns how many it moved and how long until the next delayed job is
// due (-1 when none waits). Workers call it; call it yourself only when no
// worker runs.
func (q *Queue) Promote(ctx context.Context, limit int) (int, time.Duration, error) {
	if q == nil {
		return 0, 0, fmt.Errorf("%w: nil queue", ErrInvalid)
	}
	if limit <= 0 {
		limit = 100
	}
	arr, err := promoteScript.Exec(ctx, q.c, []string{q.delayed, q.payloads, q.s.Key()},
		[]string{strconv.Itoa(limit), strconv.FormatInt(q.s.MaxLen(), 10)}).ToArray()
	if err != nil {
		return 0, 0, err
	}
	if len(arr) != 2 {
		return 0, 0, fmt.Errorf("jobs: unexpected promote reply of %d elements", len(arr))
	}
	n, _ := arr[0].AsInt64()
	wait, _ := arr[1].AsInt64()
	next := time.Duration(-1)
	if wait >= 0 {
		next = time.Duration(wait) * time.Millisecond
	}
	return int(n), next, nil
}

// DelayedLen returns the number of jobs waiting for their time.
func (q *Queue) DelayedLen(ctx context.Context) (int64, error) {
	if q == nil {
		return 0, fmt.Errorf("%w: nil queue", ErrInvalid)
	}
	return q.c.Do(ctx, q.c.B().Zcard().Key(q.delayed).Build()).AsInt64()
}
