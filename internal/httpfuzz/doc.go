// Package httpfuzz holds what the HTTP fuzz tests of the reference apps
// share: Sendable tells whether a fuzzed method and request target are
// ones a client could send, so a fuzzer skips what net/http or
// httptest.NewRequest would refuse before the handler runs.
package httpfuzz
