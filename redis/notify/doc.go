// Package notify sends per-user notifications over Redis pub/sub, with a
// durable per-user inbox on Streams for users who were offline.
//
// A Hub publishes to one user (Publish), to many users in one pipelined
// round trip (PublishMany), or to a topic that pattern subscribers match
// (PublishTopic + SubscribePattern("topic:team-*")). Messages are JSON:
// {"id", "type", "data", "timestamp"}.
//
// All local subscriptions share one subscriber connection; handlers are
// multiplexed locally and Subscribe returns an unsubscribe function. When
// the connection drops (CLIENT KILL, network, server restart) the Hub
// reconnects with backoff and resubscribes every channel and pattern.
//
// # Pub/sub or inbox
//
// Pub/sub is fire-and-forget: a user without a live subscriber (offline,
// or during a reconnect) never sees the message. Use Publish for things
// that only matter now (typing indicators, live counters). Use Deliver for
// things a user must not miss: it appends to the user's capped inbox
// stream (XADD MAXLEN ~ InboxMaxLen) and publishes live in one script,
// with the stream id as the notification id; a client coming back calls
// CatchUp with the last id it saw.
//
// New given a nil client starts no subscriber loop; that Hub's methods, and
// those of a nil *Hub, return an error wrapping ErrInvalid.
package notify
