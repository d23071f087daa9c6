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
//
// TestDocLinks fails when a relative link of README.md, docs/ or any other
// Markdown file of the repository names a file that does not exist, or an
// #anchor that no heading of the target defines (GitHub's slugs).
//
// TestPublicPackagesDocumented fails when an importable package (not main,
// not internal, not generated code) has no package comment or no Example
// with an // Output: comment, which go test runs and go doc renders.
// Known gaps are listed in exampleGaps with their reason.
package repocheck
