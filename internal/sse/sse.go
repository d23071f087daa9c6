package sse

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Message is one event on a topic; Data is JSON.
type Message struct {
	Topic string
	Event string
	Data  []byte

	frame []byte // the event as sent on the wire, built once per Publish
	seq   uint64 // the topic's publish count when it was published
}

// wire returns the message as a text/event-stream event.
func (m Message) wire() []byte {
	if m.frame != nil {
		return m.frame
	}
	return encodeFrame(m.Event, m.Data)
}

func encodeFrame(event string, data []byte) []byte {
	f := make([]byte, 0, len("event: \ndata: \n\n")+len(event)+len(data))
	f = append(f, "event: "...)
	f = append(f, event...)
	f = append(f, "\ndata: "...)
	f = append(f, data...)
	return append(f, "\n\n"...)
}

// ErrInvalid is wrapped by Publish's errors for an invalid event name and
// for a nil *Hub.
var ErrInvalid = errors.New("sse: invalid argument")

// Hub fans messages out to subscribers by topic. The zero value is ready
// to use, like NewHub's. A nil *Hub refuses Publish with ErrInvalid, has
// no messages, gives closed subscriptions and answers 503.
type Hub struct {
	mu     sync.Mutex
	subs   map[string]map[chan Message]struct{}
	last   map[string]map[string]Message // topic -> event -> last message
	order  map[string][]string           // topic -> events in first-publish order
	seq    map[string]uint64             // topic -> messages published
	closed bool
	done   chan struct{}

	// The shared fan-out (fanout.go).
	nshards int
	shards  []*shard
	next    int
	conns   map[*conn]struct{}
	wg      sync.WaitGroup

	// Heartbeat is the interval of keep-alive comments. Zero means 15 seconds.
	Heartbeat time.Duration
	// Buffer is the number of messages queued per Subscribe channel (and
	// per stream that cannot be taken over, e.g. HTTP/2) before new ones
	// are dropped. Zero means 256. Taken-over HTTP/1.x streams have no
	// queue: a lagging one catches up with the latest message of each
	// event (package doc).
	Buffer int
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	h := &Hub{}
	h.initLocked()
	return h
}

// initLocked makes the hub's maps and channel, once: NewHub calls it, and
// every method of a zero Hub does, with h.mu held.
func (h *Hub) initLocked() {
	if h.done != nil {
		return
	}
	h.subs = map[string]map[chan Message]struct{}{}
	h.last = map[string]map[string]Message{}
	h.order = map[string][]string{}
	h.seq = map[string]uint64{}
	h.done = make(chan struct{})
	h.conns = map[*conn]struct{}{}
	// One writer per core: each loops over its share of the connections.
	h.nshards = max(runtime.GOMAXPROCS(0), 1)
}

func (h *Hub) heartbeat() time.Duration {
	if h.Heartbeat > 0 {
		return h.Heartbeat
	}
	return 15 * time.Second
}

// Publish sends data, encoded as JSON, as event on topic. It never blocks.
func (h *Hub) Publish(topic, event string, data any) error {
	if h == nil {
		return fmt.Errorf("%w: nil *Hub", ErrInvalid)
	}
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("sse: encode %s/%s: %w", topic, event, err)
	}
	if event == "" || strings.ContainsAny(event, "\r\n") {
		return fmt.Errorf("%w: event name %q", ErrInvalid, event)
	}
	// Encoded once here, not once per subscriber: with thousands of
	// subscribers the per-subscriber formatting dominated the fan-out.
	m := Message{Topic: topic, Event: event, Data: b, frame: encodeFrame(event, b)}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.initLocked()
	if h.closed {
		return nil
	}
	if h.last[topic] == nil {
		h.last[topic] = map[string]Message{}
	}
	if _, seen := h.last[topic][event]; !seen {
		h.order[topic] = append(h.order[topic], event)
	}
	h.seq[topic]++
	m.seq = h.seq[topic]
	h.last[topic][event] = m
	h.enqueue(m)
	for c := range h.subs[topic] {
		select {
		case c <- m:
		default: // slow subscriber: drop rather than block the publisher
		}
	}
	return nil
}

// Last returns the last message of event on topic.
func (h *Hub) Last(topic, event string) (Message, bool) {
	if h == nil {
		return Message{}, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	m, ok := h.last[topic][event]
	return m, ok
}

// Subscribe returns a channel of the topic's messages, starting with the
// last message of each event, and a function that ends the subscription.
//
// A nil Hub's channel is closed at once.
func (h *Hub) Subscribe(topic string) (<-chan Message, func()) {
	if h == nil {
		c := make(chan Message)
		close(c)
		return c, func() {}
	}
	buf := h.Buffer
	if buf <= 0 {
		buf = 256
	}
	c := make(chan Message, buf)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.initLocked()
	if h.closed {
		close(c)
		return c, func() {}
	}
	for _, ev := range h.order[topic] {
		select {
		case c <- h.last[topic][ev]:
		default:
		}
	}
	if h.subs[topic] == nil {
		h.subs[topic] = map[chan Message]struct{}{}
	}
	h.subs[topic][c] = struct{}{}
	var once sync.Once
	return c, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if _, ok := h.subs[topic][c]; ok {
				delete(h.subs[topic], c)
				close(c)
			}
		})
	}
}

// Close ends every subscription; open streams finish.
func (h *Hub) Close() {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.initLocked()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	close(h.done)
	for _, subs := range h.subs {
		for c := range subs {
			close(c)
		}
	}
	h.subs = map[string]map[chan Message]struct{}{}
	for c := range h.conns {
		_ = c.nc.Close()
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// ServeHTTP streams a topic as text/event-stream. The topic is the path
// value "topic" (a route like "GET /events/{topic}"), else the query
// parameter "topic".
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h == nil {
		http.Error(w, `{"error":{"code":"unavailable"}}`, http.StatusServiceUnavailable)
		return
	}
	topic := r.PathValue("topic")
	if topic == "" {
		topic = r.URL.Query().Get("topic")
	}
	if topic == "" {
		http.Error(w, `{"error":{"code":"missing_topic","field":"topic"}}`, http.StatusBadRequest)
		return
	}
	if h.serveShared(w, r, topic) != errNoTakeover {
		return
	}
	// HTTP/2, TLS or a writer that cannot be taken over: a goroutine of
	// this stream's own writes what the hub sends it.
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// Tell the browser to reconnect after one second when the stream ends.
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return
	}
	_ = rc.Flush()
	c, cancel := h.Subscribe(topic)
	defer cancel()
	ticker := time.NewTicker(h.heartbeat())
	defer ticker.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		case <-ticker.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		case m, ok := <-c:
			if !ok {
				return
			}
			if _, err := w.Write(m.wire()); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
