package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/polystore/polystore/redis/redisconn"
	"github.com/redis/rueidis"
)

// Defaults for Options.
const (
	DefaultPrefix      = "notify:"
	DefaultInboxMaxLen = 1000
)

var (
	// ErrClosed is returned by calls on a closed Hub.
	ErrClosed = errors.New("notify: hub closed")
	// ErrInvalid is returned for an empty user id, type or pattern, a nil
	// handler, and by every method of a nil Hub or of a Hub New was given
	// a nil client.
	ErrInvalid = errors.New("notify: invalid argument")
)

// Notification is the JSON message on the wire:
// {"id": ..., "type": ..., "data": ..., "timestamp": ...}.
type Notification struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Data      json.RawMessage `json:"data"`
	Timestamp time.Time       `json:"timestamp"`
}

// Options configure a Hub; nil gives the defaults.
type Options struct {
	// Prefix starts every channel and key; default "notify:". A user's
	// channel is Prefix+"user:"+id, a topic's Prefix+"topic:"+name, a
	// user's durable inbox Prefix+"inbox:"+id.
	Prefix string
	// InboxMaxLen caps each durable inbox (XADD MAXLEN ~); default 1000.
	InboxMaxLen int64
	// Logger receives connection and decoding problems; default slog.Default().
	Logger *slog.Logger
	// Timeout bounds each Redis call (default redisconn.DefaultTimeout,
	// 1s; negative: only the caller's context bounds calls), including the
	// SUBSCRIBE a Subscribe sends (after which the handler stays registered
	// and is subscribed on the next connection) but not the subscriber
	// connection's wait for messages.
	Timeout time.Duration
}

// Handler receives a notification and the channel it came on. Handlers run
// one at a time on the subscriber's goroutine: they must not block.
type Handler func(channel string, n Notification)

// Hub publishes notifications and multiplexes every local subscription over
// one shared subscriber connection, which it re-establishes (and
// resubscribes) after the connection drops or the server restarts.
type Hub struct {
	c rueidis.Client
	o Options

	// opMu orders subscribe and unsubscribe of the same name on the wire
	// with the changes to the handler maps; it is taken before mu.
	opMu     sync.Mutex
	mu       sync.Mutex
	dc       rueidis.DedicatedClient // nil while disconnected
	channels map[string][]*sub       // SUBSCRIBE channel -> handlers
	patterns map[string][]*sub       // PSUBSCRIBE pattern -> handlers
	closed   bool
	stop     chan struct{}
	done     chan struct{}
	// handling counts dispatches running handlers; Close waits for them.
	handling sync.WaitGroup
	connects int           // subscriber connections established so far
	ready    chan struct{} // closed on each (re)connection, then replaced

	// invalid is set, for a Hub New was given a nil client, to the error
	// every method returns; such a Hub starts no loop.
	invalid error
}

type sub struct{ h Handler }

// New returns a Hub and starts its subscriber connection in the background.
// Given a nil client it starts nothing and returns a Hub whose methods
// return an error wrapping ErrInvalid.
func New(c rueidis.Client, o *Options) *Hub {
	var opt Options
	if o != nil {
		opt = *o
	}
	if opt.Prefix == "" {
		opt.Prefix = DefaultPrefix
	}
	if opt.InboxMaxLen <= 0 {
		opt.InboxMaxLen = DefaultInboxMaxLen
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Timeout == 0 {
		opt.Timeout = redisconn.DefaultTimeout
	}
	h := &Hub{c: redisconn.WithTimeout(c, opt.Timeout), o: opt, channels: map[string][]*sub{}, patterns: map[string][]*sub{},
		stop: make(chan struct{}), done: make(chan struct{}), ready: make(chan struct{})}
	if c == nil {
		h.invalid = fmt.Errorf("%w: nil client", ErrInvalid)
		close(h.done)
		return h
	}
	go h.loop()
	return h
}

// usable returns an error wrapping ErrInvalid for a nil Hub or one New was
// given a nil client, and ErrClosed once Close was called.
func (h *Hub) usable() error {
	if h == nil {
		return fmt.Errorf("%w: nil *Hub", ErrInvalid)
	}
	if h.invalid != nil {
		return h.invalid
	}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return ErrClosed
	}
	return nil
}

// prefix is the Hub's key prefix, DefaultPrefix for a nil Hub.
func (h *Hub) prefix() string {
	if h == nil {
		return DefaultPrefix
	}
	return h.o.Prefix
}

// UserChannel returns the pub/sub channel of a user.
func (h *Hub) UserChannel(userID string) string { return h.prefix() + "user:" + userID }

// TopicChannel returns the pub/sub channel of a topic.
func (h *Hub) TopicChannel(topic string) string { return h.prefix() + "topic:" + topic }

func (h *Hub) inboxKey(userID string) string { return h.o.Prefix + "inbox:" + userID }

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newNotification builds a Notification with a fresh id and the current time.
func newNotification(typ string, data any) (Notification, error) {
	if typ == "" {
		return Notification{}, fmt.Errorf("%w: empty type", ErrInvalid)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return Notification{}, fmt.Errorf("notify: encode data: %w", err)
	}
	return Notification{ID: newID(), Type: typ, Data: raw, Timestamp: time.Now().UTC()}, nil
}

// Publish sends a notification to one user and returns it and the number
// of subscriber connections that received it (pub/sub is fire-and-forget:
// 0 means nobody was listening; use Deliver for a durable copy).
func (h *Hub) Publish(ctx context.Context, userID, typ string, data any) (Notification, int64, error) {
	if err := h.usable(); err != nil {
		return Notification{}, 0, err
	}
	if userID == "" {
		return Notification{}, 0, fmt.Errorf("%w: empty user id", ErrInvalid)
	}
	return h.publish(ctx, h.UserChannel(userID), typ, data)
}

// PublishTopic sends a notification on a topic channel; pattern
// subscribers (SubscribePattern("topic:team-*", ...)) receive it.
func (h *Hub) PublishTopic(ctx context.Context, topic, typ string, data any) (Notification, int64, error) {
	if err := h.usable(); err != nil {
		return Notification{}, 0, err
	}
	if topic == "" {
		return Notification{}, 0, fmt.Errorf("%w: empty topic", ErrInvalid)
	}
	return h.publish(ctx, h.TopicChannel(topic), typ, data)
}

func (h *Hub) publish(ctx context.Context, channel, typ string, data any) (Notification, int64, error) {
	n, err := newNotification(typ, data)
	if err != nil {
		return n, 0, err
	}
	b, _ := json.Marshal(n)
	recv, err := h.c.Do(ctx, h.c.B().Publish().Channel(channel).Message(string(b)).Build()).AsInt64()
	if err != nil {
		return n, 0, fmt.Errorf("notify: publish to %s: %w", channel, err)
	}
	return n, recv, nil
}

// PublishMany sends the same notification (one id per user) to many users
// in one pipelined round trip.
func (h *Hub) PublishMany(ctx context.Context, userIDs []string, typ string, data any) error {
	if err := h.usable(); err != nil {
		return err
	}
	n, err := newNotification(typ, data)
	if err != nil {
		return err
	}
	cmds := make(rueidis.Commands, 0, len(userIDs))
	for _, u := range userIDs {
		if u == "" {
			return fmt.Errorf("%w: empty user id", ErrInvalid)
		}
		n.ID = newID()
		b, _ := json.Marshal(n)
		cmds = append(cmds, h.c.B().Publish().Channel(h.UserChannel(u)).Message(string(b)).Build())
	}
	var errs []error
	for _, r := range h.c.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("notify: %d of %d publishes failed: %w", len(errs), len(cmds), errors.Join(errs...))
	}
	return nil
}

// Subscribe calls handler for every notification to userID until the
// returned function is called.
func (h *Hub) Subscribe(ctx context.Context, userID string, handler Handler) (unsubscribe func(), err error) {
	if err := h.usable(); err != nil {
		return nil, err
	}
	if err := checkSubscribe("user id", userID, handler); err != nil {
		return nil, err
	}
	return h.add(ctx, false, h.UserChannel(userID), handler)
}

// SubscribePattern calls handler for every notification on a channel
// matching Prefix+pattern (glob syntax), e.g. "user:*" or "topic:team-*".
func (h *Hub) SubscribePattern(ctx context.Context, pattern string, handler Handler) (unsubscribe func(), err error) {
	if err := h.usable(); err != nil {
		return nil, err
	}
	if err := checkSubscribe("pattern", pattern, handler); err != nil {
		return nil, err
	}
	return h.add(ctx, true, h.o.Prefix+pattern, handler)
}

// checkSubscribe says which argument of a subscription is missing.
func checkSubscribe(what, name string, handler Handler) error {
	if name == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalid, what)
	}
	if handler == nil {
		return fmt.Errorf("%w: nil handler for %s %q", ErrInvalid, what, name)
	}
	return nil
}

func (h *Hub) add(ctx context.Context, pattern bool, name string, handler Handler) (func(), error) {
	s := &sub{h: handler}
	h.opMu.Lock()
	defer h.opMu.Unlock()
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	m := h.channels
	if pattern {
		m = h.patterns
	}
	first := len(m[name]) == 0
	m[name] = append(m[name], s)
	dc := h.dc
	h.mu.Unlock()
	if first && dc != nil {
		// If the connection just died, the reconnect loop resubscribes. The
		// wait is bounded by Timeout: a hung server (the dedicated
		// connection is not bounded by WithTimeout) must not hold the
		// caller, nor opMu, until the connection's own write timeout.
		ctx, cancel := h.bound(ctx, 0)
		err := dc.Do(ctx, subscribeCmd(dc, pattern, []string{name})).Error()
		cancel()
		if err != nil {
			h.o.Logger.Warn("notify: subscribe (will retry on reconnect)", "channel", name, "err", err)
		}
	}
	var once sync.Once
	return func() { once.Do(func() { h.remove(pattern, name, s) }) }, nil
}

func (h *Hub) remove(pattern bool, name string, s *sub) {
	h.opMu.Lock()
	defer h.opMu.Unlock()
	h.mu.Lock()
	m := h.channels
	if pattern {
		m = h.patterns
	}
	subs := m[name]
	for i, x := range subs {
		if x == s {
			subs = append(subs[:i:i], subs[i+1:]...)
			break
		}
	}
	if len(subs) == 0 {
		delete(m, name)
	} else {
		m[name] = subs
	}
	dc := h.dc
	h.mu.Unlock()
	if len(subs) == 0 && dc != nil {
		var cmd rueidis.Completed
		if pattern {
			cmd = dc.B().Punsubscribe().Pattern(name).Build()
		} else {
			cmd = dc.B().Unsubscribe().Channel(name).Build()
		}
		ctx, cancel := h.bound(context.Background(), 5*time.Second)
		defer cancel()
		_ = dc.Do(ctx, cmd).Error()
	}
}

// bound gives a call on the subscriber connection the deadline Timeout
// gives every other call (fallback when Timeout is negative; none when
// fallback is 0 too).
func (h *Hub) bound(ctx context.Context, fallback time.Duration) (context.Context, context.CancelFunc) {
	d := h.o.Timeout
	if d <= 0 {
		d = fallback
	}
	if d <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

func subscribeCmd(dc rueidis.DedicatedClient, pattern bool, names []string) rueidis.Completed {
	if pattern {
		return dc.B().Psubscribe().Pattern(names...).Build()
	}
	return dc.B().Subscribe().Channel(names...).Build()
}

func (h *Hub) dispatch(m rueidis.PubSubMessage) {
	var n Notification
	if err := json.Unmarshal([]byte(m.Message), &n); err != nil {
		h.o.Logger.Warn("notify: undecodable message", "channel", m.Channel, "err", err)
		return
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.handling.Add(1)
	defer h.handling.Done()
	var subs []*sub
	if m.Pattern != "" {
		subs = append(subs, h.patterns[m.Pattern]...)
	} else {
		subs = append(subs, h.channels[m.Channel]...)
	}
	h.mu.Unlock()
	for _, s := range subs {
		s.h(m.Channel, n)
	}
}

// loop keeps one subscriber connection alive and subscribed.
func (h *Hub) loop() {
	defer close(h.done)
	// stopped ends with Close, so that Close does not wait for a
	// connection attempt to a hung server.
	stopped, unstop := context.WithCancel(context.Background())
	defer unstop()
	go func() {
		select {
		case <-h.stop:
			unstop()
		case <-stopped.Done():
		}
	}()
	backoff := 50 * time.Millisecond
	for {
		dc, cancel := h.c.Dedicate()
		errc := dc.SetPubSubHooks(rueidis.PubSubHooks{OnMessage: h.dispatch})
		ctx, stop := context.WithTimeout(stopped, 5*time.Second)
		err := dc.Do(ctx, dc.B().Ping().Build()).Error()
		if err == nil {
			// Publish the connection and snapshot the subscriptions in one
			// step: later ones subscribe themselves on dc.
			h.mu.Lock()
			h.dc = dc
			chans, pats := keys(h.channels), keys(h.patterns)
			h.mu.Unlock()
			if len(chans) > 0 {
				err = dc.Do(ctx, subscribeCmd(dc, false, chans)).Error()
			}
			if err == nil && len(pats) > 0 {
				err = dc.Do(ctx, subscribeCmd(dc, true, pats)).Error()
			}
		}
		stop()
		if err == nil {
			h.mu.Lock()
			h.connects++
			close(h.ready)
			h.ready = make(chan struct{})
			h.mu.Unlock()
			backoff = 50 * time.Millisecond
			select {
			case err = <-errc:
			case <-h.stop:
			}
		}
		h.mu.Lock()
		h.dc = nil
		h.mu.Unlock()
		select {
		case <-h.stop:
			// Releasing the connection waits for the server; a hung one
			// held Close for 10s and more. Release it in the background:
			// no handler runs after Close returns (dispatch checks closed).
			go cancel()
			return
		default:
		}
		cancel()
		h.o.Logger.Warn("notify: subscriber connection lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-h.stop:
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 2*time.Second)
	}
}

func keys(m map[string][]*sub) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// WaitConnected blocks until the subscriber connection has been
// established (or re-established) at least n times in total, or ctx ends.
// Every subscription registered before that connection is active on it.
func (h *Hub) WaitConnected(ctx context.Context, n int) error {
	if err := h.usable(); err != nil {
		return err
	}
	for {
		h.mu.Lock()
		if h.connects >= n {
			h.mu.Unlock()
			return nil
		}
		ready := h.ready
		h.mu.Unlock()
		select {
		case <-ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops the subscriber connection, without waiting for a hung server
// (the connection is released in the background). Handlers are not called
// after Close returns; a handler must not call Close. Close of a nil Hub
// does nothing.
func (h *Hub) Close() {
	if h == nil {
		return
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.mu.Unlock()
	close(h.stop)
	<-h.done
	h.handling.Wait()
}

// deliverScript appends a notification to a user's capped inbox stream and
// publishes it with the stream id as its id, in one step.
//
//	KEYS[1] inbox stream   ARGV[1] channel   ARGV[2] MAXLEN
//	ARGV[3] the JSON object without its id, starting after '{'
//	returns the stream id
var deliverScript = rueidis.NewLuaScript(`
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'body', ARGV[3])
redis.call('PUBLISH', ARGV[1], '{"id":"' .. id .. '",' .. ARGV[3])
return id
`)

// Deliver is the durable variant of Publish: the notification is appended
// to the user's capped inbox stream and published live, in one script.
// Its ID is the stream id, so a client that goes offline resumes with
// CatchUp from the last ID it saw.
func (h *Hub) Deliver(ctx context.Context, userID, typ string, data any) (Notification, error) {
	if err := h.usable(); err != nil {
		return Notification{}, err
	}
	if userID == "" {
		return Notification{}, fmt.Errorf("%w: empty user id", ErrInvalid)
	}
	n, err := newNotification(typ, data)
	if err != nil {
		return n, err
	}
	n.ID = ""
	b, _ := json.Marshal(struct {
		Type      string          `json:"type"`
		Data      json.RawMessage `json:"data"`
		Timestamp time.Time       `json:"timestamp"`
	}{n.Type, n.Data, n.Timestamp})
	id, err := deliverScript.Exec(ctx, h.c, []string{h.inboxKey(userID)},
		[]string{h.UserChannel(userID), strconv.FormatInt(h.o.InboxMaxLen, 10), string(b[1:])}).ToString()
	if err != nil {
		return n, fmt.Errorf("notify: deliver to %q: %w", userID, err)
	}
	n.ID = id
	return n, nil
}

// CatchUp returns up to count notifications of the user's inbox after
// lastSeenID ("" or "0" for the oldest kept), oldest first.
func (h *Hub) CatchUp(ctx context.Context, userID, lastSeenID string, count int64) ([]Notification, error) {
	if err := h.usable(); err != nil {
		return nil, err
	}
	if userID == "" {
		return nil, fmt.Errorf("%w: empty user id", ErrInvalid)
	}
	start := "-"
	if lastSeenID != "" && lastSeenID != "0" {
		start = "(" + lastSeenID
	}
	if count <= 0 {
		count = h.o.InboxMaxLen
	}
	xs, err := h.c.Do(ctx, h.c.B().Xrange().Key(h.inboxKey(userID)).Start(start).End("+").Count(count).Build()).AsXRange()
	if err != nil {
		return nil, fmt.Errorf("notify: catch up %q from %q: %w", userID, lastSeenID, err)
	}
	out := make([]Notification, 0, len(xs))
	for _, x := range xs {
		var n Notification
		if err := json.Unmarshal([]byte(`{"id":"`+x.ID+`",`+x.FieldValues["body"]), &n); err != nil {
			return out, fmt.Errorf("notify: inbox entry %s: %w", x.ID, err)
		}
		out = append(out, n)
	}
	return out, nil
}
