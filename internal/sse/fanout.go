package sse

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// The shared fan-out. A stream whose connection the hub can take over
// (HTTP/1.x, Hijack) is written by one of a few shard goroutines
// (GOMAXPROCS of them), which loop over their connections and write each
// update's frame, encoded once, with one non-blocking write system call
// per connection: no goroutine wake-up, channel send or copy per
// subscriber. A connection whose socket buffer is full (a subscriber that
// stopped reading) leaves the loop: a goroutine of its own finishes the
// pending bytes, with a deadline of writeTimeout, then sends the latest
// message of each event it missed, in publish order, and hands the
// connection back to its shard. A subscriber that falls behind thus gets
// the current state, not the whole log, and never delays the others.

// writeTimeout is how long a lagging subscriber may take to accept a
// pending update before it is disconnected (EventSource then reconnects
// and starts from the last message of each event).
const writeTimeout = 10 * time.Second

// conn is a taken-over subscriber connection.
type conn struct {
	topic string
	nc    net.Conn
	try   func([]byte) (int, error) // one non-blocking write; nil: none

	mu      sync.Mutex
	lagging bool   // out of the shard's loop, written by catchUp
	dead    bool   // closed
	sent    uint64 // sequence number of the last message written
	rest    []byte // bytes owed before anything newer, while lagging
}

// shard writes updates to its connections.
type shard struct {
	mu    sync.Mutex // the connections
	conns map[string][]*conn

	qmu   sync.Mutex // the queue
	queue []Message
	wake  chan struct{}
}

// startShards starts the shard goroutines; called with h.mu held.
func (h *Hub) startShards() {
	if h.shards != nil {
		return
	}
	h.shards = make([]*shard, h.nshards)
	for i := range h.shards {
		s := &shard{conns: map[string][]*conn{}, wake: make(chan struct{}, 1)}
		h.shards[i] = s
		h.wg.Add(1)
		go func() { defer h.wg.Done(); h.runShard(s) }()
	}
}

// enqueue hands m to every shard; called with h.mu held.
func (h *Hub) enqueue(m Message) {
	for _, s := range h.shards {
		s.qmu.Lock()
		s.queue = append(s.queue, m)
		s.qmu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

func (h *Hub) runShard(s *shard) {
	hb := h.heartbeat()
	ticker := time.NewTicker(hb)
	defer ticker.Stop()
	keepAlive := []Message{{frame: []byte(": keep-alive\n\n")}}
	for {
		select {
		case <-h.done:
			return
		case <-ticker.C:
			s.mu.Lock()
			for _, conns := range s.conns {
				s.write(conns, keepAlive, h)
			}
			s.mu.Unlock()
		case <-s.wake:
			s.qmu.Lock()
			q := s.queue
			s.queue = nil
			s.qmu.Unlock()
			s.mu.Lock()
			// Consecutive messages of one topic go out in one write.
			for len(q) > 0 {
				n := 1
				for n < len(q) && q[n].Topic == q[0].Topic {
					n++
				}
				s.write(s.conns[q[0].Topic], q[:n], h)
				q = q[n:]
			}
			s.mu.Unlock()
		}
	}
}

// write sends msgs (one topic, in sequence order; seq 0 for keep-alives)
// to conns; called with s.mu held.
func (s *shard) write(conns []*conn, msgs []Message, h *Hub) {
	if len(conns) == 0 {
		return
	}
	batch := msgs[0].frame
	offs := []int{0}
	if len(msgs) > 1 {
		batch = nil
		offs = offs[:0]
		for _, m := range msgs {
			offs = append(offs, len(batch))
			batch = append(batch, m.frame...)
		}
	}
	last := msgs[len(msgs)-1].seq
	for _, c := range conns {
		c.mu.Lock()
		if c.lagging || c.dead {
			c.mu.Unlock()
			continue
		}
		// Skip what catchUp already sent.
		i := 0
		for i < len(msgs) && msgs[i].seq != 0 && msgs[i].seq <= c.sent {
			i++
		}
		if i == len(msgs) {
			c.mu.Unlock()
			continue
		}
		b := batch[offs[i]:]
		n, err := 0, error(nil)
		if c.try != nil {
			n, err = c.try(b)
		}
		if last != 0 {
			c.sent = last
		}
		switch {
		case err != nil:
			c.dead = true
			_ = c.nc.Close() // its handler's read ends and removes it
		case n < len(b):
			c.lagging = true
			c.rest = b[n:]
			go h.catchUp(c)
		}
		c.mu.Unlock()
	}
}

// catchUp writes what c owes, then the latest message of each event
// published since, until nothing is newer; c is then back in its shard's
// loop.
func (h *Hub) catchUp(c *conn) {
	for {
		if len(c.rest) > 0 {
			_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
			_, err := c.nc.Write(c.rest)
			if err != nil {
				c.mu.Lock()
				c.dead = true
				c.mu.Unlock()
				_ = c.nc.Close()
				return
			}
		}
		c.mu.Lock()
		h.mu.Lock()
		var newer []Message
		for _, m := range h.last[c.topic] {
			if m.seq > c.sent {
				newer = append(newer, m)
			}
		}
		h.mu.Unlock()
		if len(newer) == 0 {
			c.rest = nil
			c.lagging = false
			c.mu.Unlock()
			return
		}
		slices.SortFunc(newer, func(a, b Message) int { return int(a.seq - b.seq) })
		var b []byte
		for _, m := range newer {
			b = append(b, m.frame...)
		}
		c.rest = b
		c.sent = newer[len(newer)-1].seq
		c.mu.Unlock()
	}
}

// errNoTakeover: the stream cannot be taken over; use the channel path.
var errNoTakeover = errors.New("sse: connection cannot be taken over")

// serveShared takes over the connection of a text/event-stream request and
// hands it to a shard. It returns errNoTakeover, having written nothing,
// when the connection cannot be taken over.
func (h *Hub) serveShared(w http.ResponseWriter, r *http.Request, topic string) error {
	if r.TLS != nil || r.ProtoMajor != 1 {
		return errNoTakeover
	}
	var hdr bytes.Buffer
	hdr.WriteString("HTTP/1.1 200 OK\r\n")
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	// The body ends with the connection: no chunked encoding to frame
	// each update.
	w.Header().Set("Connection", "close")
	if err := w.Header().Write(&hdr); err != nil {
		return errNoTakeover
	}
	// Tell the browser to reconnect after one second when the stream ends.
	hdr.WriteString("\r\nretry: 1000\n\n")
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		w.Header().Del("Connection")
		return errNoTakeover
	}
	defer nc.Close()
	// The server's read and write deadlines stay on a taken-over
	// connection.
	_ = nc.SetDeadline(time.Time{})
	c := &conn{topic: topic, nc: nc, try: tryWriter(nc), lagging: true, rest: hdr.Bytes()}
	h.mu.Lock()
	h.initLocked()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.startShards()
	s := h.shards[h.next%len(h.shards)]
	h.next++
	h.conns[c] = struct{}{}
	h.mu.Unlock()
	s.mu.Lock()
	s.conns[topic] = append(s.conns[topic], c)
	s.mu.Unlock()
	defer h.remove(s, c)
	h.start(c)
	// Read until the client leaves (or the hub closes the connection).
	_, _ = io.Copy(io.Discard, brw.Reader)
	return nil
}

// start writes the response head and the last message of each event,
// then hands c to its shard, which writes every message published after
// that snapshot. Should the socket not take it all at once, c starts
// lagging instead.
func (h *Hub) start(c *conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h.mu.Lock()
	var snap []Message
	for _, ev := range h.order[c.topic] {
		snap = append(snap, h.last[c.topic][ev])
	}
	c.sent = h.seq[c.topic]
	h.mu.Unlock()
	b := c.rest // in first-publish order, as for Subscribe
	for _, m := range snap {
		b = append(b, m.frame...)
	}
	n := 0
	if c.try != nil {
		var err error
		if n, err = c.try(b); err != nil {
			c.dead = true
			_ = c.nc.Close()
			return
		}
	}
	c.rest = b[n:]
	if len(c.rest) > 0 {
		go h.catchUp(c)
		return
	}
	c.rest = nil
	c.lagging = false
}

func (h *Hub) remove(s *shard, c *conn) {
	c.mu.Lock()
	c.dead = true
	c.mu.Unlock()
	s.mu.Lock()
	conns := s.conns[c.topic]
	if i := slices.Index(conns, c); i >= 0 {
		conns[i] = conns[len(conns)-1]
		conns[len(conns)-1] = nil
		conns = conns[:len(conns)-1]
	}
	if len(conns) == 0 {
		delete(s.conns, c.topic)
	} else {
		s.conns[c.topic] = conns
	}
	s.mu.Unlock()
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
}
