// Package redisconn makes Redis calls fail fast when the server is gone.
//
// rueidis's defaults favour riding out a blip: a read-only command is
// retried until its context ends, a dial waits 5s and a silent connection
// is noticed after 10s. With context.Background() a GET against a stopped
// server therefore never returns. polystore bounds every call twice:
//
//   - WithTimeout wraps a client so that a call whose context has no
//     deadline gets one (DefaultTimeout, 1s). Every polystore Redis package
//     wraps the client it is given (its Config/Options Timeout field), so
//     even a client made with rueidis.NewClient defaults returns within the
//     timeout. A failure caused by that deadline is a *TimeoutError.
//   - NewClient (and FailFast, ParseURL) build clients with fail-fast
//     settings: 1s dial timeout, 2s read/write timeout, at most two quick
//     retries of a read-only command. Against a stopped server (connection
//     refused) calls then return in milliseconds, so fallbacks such as
//     cache.Config.FallbackToLoader or ratelimit.FailLocal start at once.
//
// IsUnreachable tells a failure to reach Redis (connection refused, reset,
// timeout, our deadline) from a Redis reply error and from the caller's own
// cancellation.
package redisconn
