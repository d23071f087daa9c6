//go:build !linux

package journal

import "os"

// fdatasync is fsync where the platform has no fdatasync here.
func fdatasync(f *os.File) error { return f.Sync() }
