// Package bench holds benchmarks comparing polystore with raw drivers and
// peer libraries; it is a separate module so those libraries never enter
// the main module.
package bench
