//go:build !linux

package trading

import "errors"

var errNoAffinity = errors.New("thread affinity: Linux only")

type pinning struct{ cpu int }

func pinThread(int) (*pinning, error)     { return nil, errNoAffinity }
func (*pinning) release()                 {}
func quietestCPU() int                    { return -1 }
func irqCounts(int) map[string]int64      { return nil }
func stealTicks(int) int64                { return -1 }
func blockPreemptSignal() (func(), error) { return nil, errNoAffinity }
