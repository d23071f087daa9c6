// Package sse pushes live updates to dashboard pages over server-sent
// events.
//
// A Hub fans out messages by topic (one topic per reference system, e.g.
// "shop"). Publish never blocks: a subscriber that cannot keep up loses
// messages rather than slowing the publisher down. The hub remembers the
// last message of each (topic, event) pair and sends those first to a new
// subscriber, so a page opened in the middle of a run shows the current
// state at once.
//
//	hub := sse.NewHub()
//	mux.Handle("GET /events/{topic}", hub)   // EventSource("/events/shop")
//	hub.Publish("shop", "stats", map[string]int{"sold": 42})
//
// In the browser:
//
//	const es = new EventSource("/events/shop");
//	es.addEventListener("stats", e => render(JSON.parse(e.data)));
package sse
