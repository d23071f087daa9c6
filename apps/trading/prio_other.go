//go:build !linux

package trading

// backgroundThread does nothing outside Linux (NodeConfig.BackgroundNice).
func backgroundThread(int) {}
