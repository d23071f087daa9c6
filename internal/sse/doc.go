// Package sse pushes live updates to dashboard pages over server-sent
// events.
//
// A Hub fans out messages by topic (one topic per reference system, e.g.
// "shop"). Publish never blocks: a subscriber that cannot keep up gets
// fewer messages rather than slowing the publisher down. The hub
// remembers the last message of each (topic, event) pair and sends those
// first to a new subscriber, so a page opened in the middle of a run
// shows the current state at once.
//
//	hub := sse.NewHub()
//	mux.Handle("GET /events/{topic}", hub)   // EventSource("/events/shop")
//	hub.Publish("shop", "stats", map[string]int{"sold": 42})
//
// In the browser:
//
//	const es = new EventSource("/events/shop");
//	es.addEventListener("stats", e => render(JSON.parse(e.data)));
//
// # Fan-out
//
// Each message is encoded once. An HTTP/1.x stream's connection is taken
// over (Hijack; the response is close-delimited, not chunked) and handed
// to one of GOMAXPROCS shard goroutines, which write every message to
// each of their connections with one non-blocking write: no goroutine
// wake-up, channel or copy per subscriber and message. Messages of a
// topic published together go out in one write.
//
// Slow subscribers: when a connection's socket buffer is full, it leaves
// its shard's loop; a goroutine of its own writes the rest of the pending
// message (and disconnects it if that takes more than 10 seconds:
// EventSource reconnects and starts again from the last messages), then
// sends the latest message of each event published meanwhile, in publish
// order, skipping older ones, and returns the connection to the loop. A
// stalled subscriber thus never delays the others, and one that falls
// behind receives the current state, not the whole log: every subscriber
// receives an in-order subsequence of the messages that ends with the
// latest one of each event.
//
// Streams that cannot be taken over (HTTP/2, TLS, a ResponseWriter
// without Hijack) and Subscribe's channels are served by a goroutine each,
// with a buffer of Hub.Buffer messages; what does not fit is dropped.
package sse
