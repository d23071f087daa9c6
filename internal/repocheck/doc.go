// Package repocheck holds tests that check the repository's own sources
// for classes of defect that reviews keep missing.
//
// TestNoDateBombs fails when a test function both writes a calendar date
// (time.Date with a literal year, a large literal Unix time, a
// "YYYY-MM-DD" string) and reads a clock or an expiry (time.Now,
// time.Since, TTLs, expiry times, deadlines, retention, SQL now()): such
// a test passes on the day it is written and fails once the date has
// passed. Compute the date from the current time (internal/testclock), or,
// when the date is never compared with a clock, say so with a comment
// containing "clock-free:" in the function, and the check lets it be.
package repocheck
