// Package testclock gives tests a notion of "now" that never depends on
// today's date.
//
// Tests that inject a clock into a library (ratelimit's Config.Now,
// revoke's Options.Now, leaderboard's Options.Now) start it from
// [Now] instead of a calendar date written in the test, so the same test
// passes on any day. Setting POLYSTORE_CLOCK_SHIFT (a Go duration such as
// "87600h" or "-87600h") moves that start far from the machine's date:
// `make clock-check` runs the clock-sensitive packages ten years ahead and
// ten years behind to prove they do not depend on the date they were
// written on.
//
// [Fake] is a clock a test moves by hand; it is safe for concurrent use.
package testclock
