// Package leaderboard keeps rankings in Redis sorted sets.
//
// A Board supports Set and Incr (atomic, ZINCRBY), Top, Page, Rank, Around
// (the members just above and below one member, read in one script) and
// Remove. Ranks are 1-based positions. Ties are ordered by member name,
// ascending, for both descending (points, the default) and ascending (race
// times) boards, so pages never shuffle between reads: descending boards
// store negated scores and every read is an ascending ZRANGE.
//
// Periodic hands out one board per day, ISO week or month
// ("score:2026-11-25", "score:2026-W48", "score:2026-11"); each write
// sets the board to expire Keep after its period ends.
//
// Nothing panics on nil: a Board made with a nil client or an empty name,
// a nil *Board and the boards of a nil *Periodic return an error wrapping
// ErrInvalid from every method.
package leaderboard
